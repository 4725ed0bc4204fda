package org.backprop4j;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Locates ../shared/data (beside the repository) for tests; skips the test if it is absent. */
public final class TestData {
    private TestData() {}

    /** The shared data directory, or null if not found. */
    public static Path dir() {
        Path p = Path.of("").toAbsolutePath();
        for (int i = 0; i < 6 && p != null; i++, p = p.getParent()) {
            Path c = p.resolve("shared").resolve("data");
            if (Files.isDirectory(c)) return c;
        }
        return null;
    }

    /** A file under the shared data directory; the calling test is skipped if it is missing. */
    public static Path path(String relative) {
        Path d = dir();
        Assumptions.assumeTrue(d != null, "../shared/data not found");
        Path f = d.resolve(relative);
        Assumptions.assumeTrue(Files.exists(f), "missing shared data file " + f);
        return f;
    }
}
