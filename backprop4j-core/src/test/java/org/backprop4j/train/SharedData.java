package org.backprop4j.train;

import java.nio.file.Files;
import java.nio.file.Path;
import org.backprop4j.TestData;

/** The MONK's problems directory of ../shared/data, or null when absent (tests then skip). */
final class SharedData {
    private SharedData() {}

    static Path dir() {
        return TestData.dir();
    }

    static Path monks() {
        Path d = dir();
        return d == null || !Files.isDirectory(d.resolve("monks")) ? null : d.resolve("monks");
    }
}
