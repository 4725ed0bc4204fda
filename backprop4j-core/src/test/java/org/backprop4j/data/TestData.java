package org.backprop4j.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared test data (../shared/data next to the repository, found by walking up from
 * the working directory). Tests that need it are skipped, not failed, when it is absent.
 */
public final class TestData {
    private TestData() {}

    private static final Path DIR = find();

    private static Path find() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path c = p.resolve("shared").resolve("data");
            if (Files.isDirectory(c)) return c;
            p = p.getParent();
        }
        return null;
    }

    /** The shared data directory, or null. */
    public static Path dir() {
        return DIR;
    }

    /** A file of the shared data; skips the calling test if it is not there. */
    public static Path path(String name) {
        assumeTrue(DIR != null, "shared data directory ../shared/data not found");
        Path f = DIR.resolve(name);
        assumeTrue(Files.isRegularFile(f), "shared data file missing: " + f);
        return f;
    }
}
