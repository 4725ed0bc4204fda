package org.backprop4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** One-line JSON for --json output (Jackson). */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /** Starts this class's mapper on a daemon thread (see {@link org.backprop4j.io.ModelFile#prepareInBackground}). */
    static Thread prepareInBackground() {
        return Thread.ofPlatform().daemon().name("backprop4j-json-lines-start").start(() -> {
            try {
                write(java.util.Map.of("event", "epoch", "loss", 0.5, "epochs", java.util.List.of(1, 2)));
            } catch (RuntimeException e) {
                // the real write reports it
            }
        });
    }

    static String write(Object o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
