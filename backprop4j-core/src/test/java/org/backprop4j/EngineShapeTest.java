package org.backprop4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine's shape (issue 17), read from the sources: the kernel boundary is sealed (only
 * kernel/ names ParallelKernels), Trainer's main loop fits a screen, Backprop has one backward loop.
 */
class EngineShapeTest {
    static final Path MAIN = Path.of("src/main/java/org/backprop4j");

    @Test
    void onlyTheKernelPackageNamesParallelKernels() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            List<String> leaks = files.filter(p -> p.toString().endsWith(".java") && !p.startsWith(MAIN.resolve("kernel")))
                    .filter(p -> read(p).contains("ParallelKernels")).map(Path::toString).toList();
            assertEquals(List.of(), leaks);
        }
    }

    @Test
    void trainersMainLoopFitsAScreen() {
        String src = read(MAIN.resolve("train/Trainer.java"));
        int start = src.indexOf("    private TrainingResult run(");
        assertTrue(start > 0, "Trainer.run not found");
        int end = src.indexOf("\n    }\n", start);
        long lines = src.substring(start, end).lines().count() + 1;
        assertTrue(lines <= 60, "Trainer.run has " + lines + " lines");
    }

    @Test
    void backpropHasOneBackwardLoop() {
        String src = read(MAIN.resolve("Backprop.java"));
        // the loop over layers from the output down: for (int l = L; l >= 1; l--)
        int loops = src.split("l >= 1; l--", -1).length - 1;
        assertEquals(1, loops, "backward loops over the layers in Backprop");
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
