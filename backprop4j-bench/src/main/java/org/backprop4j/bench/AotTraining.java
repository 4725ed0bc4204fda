package org.backprop4j.bench;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The training run behind scripts/bench's start-up cache (JDK 25 AOT cache, JEPs 483/514/515): the
 * three workloads on 2,000 training images ({@link #epochs}), so that the cache holds
 * the classes and method profiles of the code a timed run executes. Prints nothing.
 */
public final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        Path dir = FashionMnist.directory();
        for (String w : new String[] {"W1", "W2", "W3"}) {
            Workloads.Spec spec = Workloads.resolve(w);
            // the record too: its writing is part of a timed process
            JsonLine.of(Workloads.run(spec, epochs(w), SAMPLES, 42, 2, dir, null, null, null, false));
        }
    }

    /** Training images per workload's run. */
    static final int SAMPLES = 2000;

    /** The epochs of a workload's run: W1's declared as large as W1's own, so the cache holds what its declaration makes run. */
    static int epochs(String workload) {
        return switch (workload) {
            case "W1" -> 11;
            case "W3" -> 3;
            default -> 1;
        };
    }
}
