package org.backprop4j.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model-file format, found by {@link java.util.ServiceLoader} for {@link Model#load} and
 * {@link Model#save}. backprop4j-io provides the JSON format; core itself has none, so that it
 * stays free of runtime dependencies.
 */
public interface ModelStore {
    /**
     * Reads and validates a model file.
     *
     * @param file the model file
     * @return the model
     * @throws IOException a {@link org.backprop4j.data.DataFormatException} naming the file for bad content
     */
    Model read(Path file) throws IOException;

    /**
     * Writes a model file atomically (a crash leaves the old file or the new one, never a mix).
     *
     * @param model the model
     * @param file  where to write
     * @throws IOException if the file cannot be written
     */
    void write(Model model, Path file) throws IOException;
}
