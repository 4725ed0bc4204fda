package org.backprop4j.bench;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The training run behind scripts/bench's start-up cache (JDK 25 AOT cache, JEPs 483/514/515): the
 * three workloads on 2,000 training images for one epoch (W3: three updates), so that the cache holds
 * the classes and method profiles of the code a timed run executes. Prints nothing.
 */
public final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        Path dir = FashionMnist.directory();
        for (String w : new String[] {"W1", "W2", "W3"}) {
            Workloads.Spec spec = Workloads.resolve(w);
            // the record too: its writing is part of a timed process
            JsonLine.of(Workloads.run(spec, w.equals("W3") ? 3 : 1, 2000, 42, 2, dir, null, null, null, false));
        }
    }
}
