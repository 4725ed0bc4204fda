package org.backprop4j.train;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates ../shared/data (the shared data directory next to the repository) by walking up from
 * the working directory; null when absent, so tests can skip with an assumption.
 */
final class SharedData {
    private SharedData() {}

    static Path dir() {
        Path p = Path.of("").toAbsolutePath();
        for (int i = 0; i < 6 && p != null; i++, p = p.getParent()) {
            Path c = p.resolve("shared").resolve("data");
            if (Files.isDirectory(c)) return c;
            Path sib = p.getParent() == null ? null : p.getParent().resolve("shared").resolve("data");
            if (sib != null && Files.isDirectory(sib)) return sib;
        }
        return null;
    }

    static Path monks() {
        Path d = dir();
        return d == null || !Files.isDirectory(d.resolve("monks")) ? null : d.resolve("monks");
    }
}
