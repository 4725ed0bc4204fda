package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 item 5, scaled down for the default suite (scripts/memory-check measures 2M × 50):
 * `train` in a forked JVM with a small heap, on a generated CSV larger than that heap.
 */
class CliMemoryTest {
    @TempDir
    Path dir;

    /** A numeric CSV of {@code rows} × ({@code inputs} + 1), 4-decimal values (7 bytes a value). */
    static Path csv(Path file, int rows, int inputs) throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            StringBuilder sb = new StringBuilder();
            for (int j = 1; j <= inputs; j++) sb.append('x').append(j).append(',');
            w.write(sb.append("y\n").toString());
            for (int r = 0; r < rows; r++) {
                sb.setLength(0);
                double y = 0;
                for (int j = 1; j <= inputs; j++) {
                    int v = rnd.nextInt(10000);
                    if (j <= 3) y += v / 10000.0;
                    sb.append("0.").append(String.format("%04d", v)).append(',');
                }
                sb.append(String.format(java.util.Locale.ROOT, "%.4f", y + rnd.nextDouble() * 0.1)).append('\n');
                w.write(sb.toString());
            }
        }
        return file;
    }

    record Run(int code, String out, String err) {}

    /** The CLI in a new JVM with the given heap, killed after 3 minutes (bounded time). */
    static Run fork(String xmx, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + xmx, "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "org.backprop4j.cli.Main"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("fork", ".out"), err = Files.createTempFile("fork", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean done = p.waitFor(180, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly().waitFor();
        Run r = new Run(done ? p.exitValue() : -1, Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        assertTrue(done, "the run ended within 3 minutes");
        return r;
    }

    @Test
    void aCsvLargerThanTheHeapTrains() throws Exception {
        // 200k × 21 values: a 29 MB CSV, 16 MB as floats, with a 48 MB heap (the old reader needed ~3.5× the floats)
        Path data = csv(dir.resolve("wide.csv"), 200_000, 20);
        assertTrue(Files.size(data) > 28L << 20, "the CSV is larger than the heap: " + Files.size(data));
        Run r = fork("48m", "train", data.toString(), "-o", dir.resolve("m.json").toString(), "--epochs", "1", "--plain");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("target 'y': non-integer numbers → regression"), r.out());
        assertTrue(Files.size(dir.resolve("m.json")) > 0);
    }

    @Test
    void runningOutOfMemoryWhileReadingIsOneLineAndExit2() throws Exception {
        // 300k × 31 values = 36 MB of floats cannot fit a 24 MB heap
        Path data = csv(dir.resolve("big.csv"), 300_000, 30);
        // --no-mapped: on the heap, as asked (by default these data would train from a memory-mapped cache, CliMappedTest)
        Run r = fork("24m", "train", data.toString(), "-o", dir.resolve("m.json").toString(), "--epochs", "1", "--no-mapped");
        assertEquals(2, r.code(), r.out() + r.err());
        String expected = "backprop4j: out of memory reading " + data + " (" + (Files.size(data) >> 20) + " MB): its values (4 bytes each, one-hot columns included)"
                + " do not fit in at most \\d+ MB of heap; give Java more with BACKPROP4J_JAVA_OPTS=-Xmx<size> (e.g. -Xmx1g)";
        List<String> lines = r.err().lines().filter(l -> l.startsWith("backprop4j: ")).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).matches(java.util.regex.Pattern.quote(expected.substring(0, expected.indexOf("\\d+"))) + "\\d+"
                + java.util.regex.Pattern.quote(expected.substring(expected.indexOf("\\d+") + 3))), r.err());
        assertTrue(!r.err().contains("\tat ") && !r.err().contains("OutOfMemoryError"), "no stack trace: " + r.err());
        assertTrue(!Files.exists(dir.resolve("m.json")));
    }
}
