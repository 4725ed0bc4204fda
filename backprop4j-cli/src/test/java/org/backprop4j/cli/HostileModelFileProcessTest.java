package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.backprop4j.TestData;
import org.backprop4j.model.Model;
import org.backprop4j.train.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24.4 as the user met it: {@code evaluate} on a model file with a 100 MB unknown field (which
 * took 4.6 GB and, with -Xmx1g, ended in an OutOfMemoryError stack trace) is one line, exit 2, in a
 * child JVM with a 32 MB heap, the same heap in which the unedited file evaluates normally.
 */
class HostileModelFileProcessTest {
    @TempDir
    Path dir;

    private record Run(int code, List<String> err, long millis) {}

    private Run evaluate(Path model, Path data) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "evaluate", model.toString(), data.toString()));
        Path err = dir.resolve("err.txt");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        try {
            assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the child finished");   // only stops a hung child
        } finally {
            p.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(err).stream().filter(l -> !l.contains("kernels:") && !l.startsWith("WARNING")).toList();
        return new Run(p.exitValue(), lines, (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void aHundredMegabyteUnknownFieldIsOneLineExitTwoInA32MegabyteHeap() throws Exception {
        Path iris = TestData.path("iris.csv"), good = dir.resolve("good.json");
        Model.train(iris, Settings.builder().epochs(3).build()).save(good);
        Run ok = evaluate(good, iris);
        assertEquals(0, ok.code(), String.join("\n", ok.err()));

        String g = Files.readString(good);
        int at = g.indexOf("\"task\"");
        Path hostile = dir.resolve("hostile.json");
        try (OutputStream out = Files.newOutputStream(hostile)) {
            out.write((g.substring(0, at) + "\"comment\" : \"").getBytes(StandardCharsets.UTF_8));
            byte[] block = new byte[1 << 20];
            Arrays.fill(block, (byte) 'a');
            for (int i = 0; i < 100; i++) out.write(block);
            out.write(("\",\n  " + g.substring(at)).getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(Files.size(hostile) > 100L << 20);
        Run bad = evaluate(hostile, iris);
        assertEquals(2, bad.code(), String.join("\n", bad.err()));
        assertEquals(1, bad.err().size(), String.join("\n", bad.err()));
        assertTrue(bad.err().getFirst().startsWith("backprop4j: hostile.json:")
                && bad.err().getFirst().contains("unknown field \"comment\""), bad.err().getFirst());
    }
}
