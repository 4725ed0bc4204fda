package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backprop4j.TestData;
import org.backprop4j.io.ModelFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a real process (issue 24.5, 24.7): SIGTERM and SIGINT during training print where the
 * last checkpoint is and how to resume (exit 143 / 130), and the run resumes from it; an
 * OutOfMemoryError is one line, exit 2. Limits of minutes only stop a hung child.
 */
class CliProcessTest {
    @TempDir
    Path dir;

    private static List<String> java(String... jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        return cmd;
    }

    private static String read(Path f) throws IOException {
        return Files.exists(f) ? Files.readString(f) : "";
    }

    @Test
    void aSignalSaysWhereTheCheckpointIsAndTheRunResumesFromIt() throws Exception {
        Path iris = Files.copy(TestData.path("iris.csv"), dir.resolve("iris.csv"));
        Path model = dir.resolve("m.json"), ck = dir.resolve("m.json.ckpt");
        for (String signal : List.of("TERM", "INT")) {
            Files.deleteIfExists(ck);
            List<String> cmd = java();
            cmd.addAll(List.of("train", iris.toString(), "-o", model.toString(), "--epochs", "100000000", "--checkpoint-every", "1",
                    "--plain", "--seed", "3"));
            Path out = dir.resolve(signal + ".out"), err = dir.resolve(signal + ".err");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                // wait for the first checkpoint: training is under way
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (!Files.exists(ck) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
                assertTrue(Files.exists(ck), "no checkpoint: " + read(err));
                assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
                assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the child did not end");
            } finally {
                p.destroyForcibly();
            }
            assertEquals(signal.equals("INT") ? 130 : 143, p.exitValue(), read(err));
            List<String> lines = Files.readAllLines(err).stream().filter(l -> l.startsWith("backprop4j: ")).toList();
            assertEquals(1, lines.size(), read(err));
            Matcher m = Pattern.compile("backprop4j: interrupted after epoch (\\d+); the last checkpoint is " + Pattern.quote(ck.toString())
                    + " \\(epoch (\\d+)\\); to continue, run the same command with --resume; no model file written").matcher(lines.getFirst());
            assertTrue(m.matches(), lines.getFirst());
            // the epoch stopped after is the one checkpointed (a stop request writes one)
            assertEquals(m.group(1), m.group(2));
            assertFalse(Files.exists(model), "an interrupted run writes no model");
            int epoch = Integer.parseInt(m.group(2));
            // resume as told, for two more epochs
            CliTest.Result r = CliTest.run("train", iris.toString(), "-o", model.toString(), "--epochs", Integer.toString(epoch + 2),
                    "--checkpoint-every", "1", "--plain", "--seed", "3", "--resume");
            assertEquals(0, r.code(), r.err());
            assertEquals(epoch + 2, ModelFile.read(model).provenance().outcome().epochs());
            Files.delete(model);
        }
    }

    @Test
    void aSignalWithoutCheckpointsSaysTheRunCannotBeResumed() throws Exception {
        Path iris = Files.copy(TestData.path("iris.csv"), dir.resolve("iris.csv"));
        Path model = dir.resolve("m.json");
        List<String> cmd = java();
        cmd.addAll(List.of("train", iris.toString(), "-o", model.toString(), "--epochs", "100000000", "--plain"));
        Path out = dir.resolve("out"), err = dir.resolve("err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!read(out).contains("epoch ") && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(read(out).contains("epoch "), read(err));
            p.destroy();   // SIGTERM
            assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(143, p.exitValue());
        List<String> lines = Files.readAllLines(err).stream().filter(l -> l.startsWith("backprop4j: ")).toList();
        assertEquals(1, lines.size(), read(err));
        assertTrue(lines.getFirst().matches("backprop4j: interrupted after epoch \\d+; no checkpoint is written without "
                + "--checkpoint-every N, so the run cannot be resumed; no model file written"), lines.getFirst());
        assertFalse(Files.exists(model));
    }

    /**
     * Issue 24.2: {@code -o /dev/stdout} writes to the process's standard output (it was replaced by
     * a regular file as root, or failed on a temporary file in /dev), here redirected to a file, after
     * what was printed before; /dev/stdout is still a symbolic link.
     */
    @Test
    void devStdoutIsWrittenThrough() throws Exception {
        Path iris = Files.copy(TestData.path("iris.csv"), dir.resolve("iris.csv"));
        Path model = dir.resolve("m.json");
        assertEquals(0, CliTest.run("train", iris.toString(), "-o", model.toString(), "--epochs", "2", "--quiet").code());
        List<String> cmd = java();
        cmd.addAll(List.of("predict", model.toString(), iris.toString(), "-o", "/dev/stdout"));
        Path out = dir.resolve("out"), err = dir.resolve("err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), read(err));
        List<String> lines = Files.readAllLines(out);
        assertEquals(151, lines.size(), read(out));
        assertEquals("predicted,p(setosa),p(versicolor),p(virginica)", lines.getFirst());
        assertTrue(Files.isSymbolicLink(Path.of("/dev/stdout")));
    }

    /**
     * Issue 24.3 with processes, as attacked: 4 runs write one model file at once; each exits 0, the
     * file is one run's whole valid model, and no temporary file is left (each process's temporary
     * file carries its own PID, and a live process's is never taken for a stale one).
     */
    @Test
    void concurrentProcessesWritingOneModelLeaveOneWholeValidModel() throws Exception {
        Path iris = Files.copy(TestData.path("iris.csv"), dir.resolve("iris.csv"));
        Path same = dir.resolve("same.json");
        List<Process> ps = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                List<String> cmd = java();
                cmd.addAll(List.of("train", iris.toString(), "-o", same.toString(), "--epochs", "10", "--seed", Integer.toString(200 + i),
                        "--quiet"));
                ps.add(new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(dir.resolve("err" + i).toFile()).start());
            }
            for (int i = 0; i < ps.size(); i++) {
                assertTrue(ps.get(i).waitFor(5, TimeUnit.MINUTES), "run " + i + " hung");
                assertEquals(0, ps.get(i).exitValue(), read(dir.resolve("err" + i)));
            }
        } finally {
            for (Process p : ps) p.destroyForcibly();
        }
        long seed = ModelFile.read(same).provenance().settings().seed();
        assertTrue(seed >= 200 && seed < 204, "seed " + seed);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(), "no temporary file left");
        }
    }

    /** Issue 24.5: OutOfMemoryError anywhere is one line naming the cause and the option, exit 2. */
    @Test
    void outOfMemoryIsOneLineWithTheOptionThatHelps() throws Exception {
        // 300,000 × 20 numbers: 24 MB as floats, more than the 16 MB heap
        Path big = dir.resolve("big.csv");
        try (Writer w = Files.newBufferedWriter(big, StandardCharsets.US_ASCII)) {
            for (int c = 0; c < 20; c++) w.write("x" + c + ",");
            w.write("y\n");
            java.util.Random r = new java.util.Random(1);
            for (int i = 0; i < 300_000; i++) {
                for (int c = 0; c < 20; c++) w.write(r.nextInt(1000) + ",");
                w.write((r.nextBoolean() ? "a" : "b") + "\n");
            }
        }
        List<String> cmd = java("-Xmx16m");
        // --no-mapped: these data would otherwise train from a memory-mapped cache (CliMappedTest)
        cmd.addAll(List.of("train", big.toString(), "-o", dir.resolve("m.json").toString(), "--epochs", "1", "--quiet", "--no-mapped"));
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        try {
            assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        } finally {
            p.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(err).stream().filter(l -> !l.contains("kernels:") && !l.startsWith("WARNING")).toList();
        Assumptions.assumeFalse(p.exitValue() == 0, "16 MB were enough here");
        assertEquals(2, p.exitValue(), read(err));
        assertEquals(1, lines.size(), read(err));
        // here it runs out while reading: DataOptions names the file (CliMemoryTest checks that line exactly)
        assertTrue(lines.getFirst().startsWith("backprop4j: out of memory ") && lines.getFirst().contains("at most ")
                && lines.getFirst().contains("give Java more with BACKPROP4J_JAVA_OPTS=-Xmx<size>"), lines.getFirst());
    }
}
