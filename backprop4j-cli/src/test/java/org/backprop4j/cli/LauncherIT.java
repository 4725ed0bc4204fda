package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.backprop4j.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code backprop4j} launcher script as a user runs it, on the jar {@code mvn package} just
 * built (an integration test: it runs after the package phase). A normal run has no JVM or kernel
 * chatter (issue 18): {@code --quiet} prints nothing at all, the incubator module's warning never
 * shows, the kernel line comes with {@code --verbose}, errors pass through unchanged, and the
 * start-up cache is made once and then used. Limits of minutes only stop a hung child.
 */
class LauncherIT {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Path launcher() {
        // the project root: the directory above this module that holds the script
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("backprop4j")) && Files.isDirectory(p.resolve("backprop4j-cli"))) return p.resolve("backprop4j");
        }
        throw new IllegalStateException("launcher script not found above " + Path.of("").toAbsolutePath());
    }

    Run run(String... args) throws IOException, InterruptedException {
        return run(java.util.Map.of(), args);
    }

    Run run(java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(env, null, args);
    }

    /** The launcher with {@code args}, its standard input a pipe fed from {@code stdin} (none: empty) and closed. */
    Run run(java.util.Map<String, String> env, Path stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(launcher().toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt"), err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("BACKPROP4J_JAVA_OPTS");
        pb.environment().remove("BACKPROP4J_VECTOR");
        pb.environment().remove("BACKPROP4J_THP");
        pb.environment().putAll(env);
        Process p = pb.start();
        try (java.io.OutputStream in = p.getOutputStream()) {
            if (stdin != null) Files.copy(stdin, in);
        } catch (IOException e) {
            // the launcher ended before reading all of it: its exit code and messages say why
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the launcher did not end");
        // the stderr filter may still be writing after java exits: wait for the file to stop growing
        long size = -1;
        for (int i = 0; i < 50 && Files.size(err) != size; i++) {
            size = Files.size(err);
            Thread.sleep(100);
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void aQuietRunPrintsNothingAndTheKernelLineComesWithVerbose() throws Exception {
        Path iris = Files.copy(TestData.path("iris.csv"), dir.resolve("iris.csv"));
        Path model = dir.resolve("m.json");
        run("--version");   // the first run may build the start-up cache (and say so); later ones are quiet
        Path aot = launcher().resolveSibling("backprop4j-cli/target/backprop4j.aot");
        assertTrue(Files.size(aot) > 0, "the start-up cache exists after the first run");
        assertTrue(Files.size(aot.resolveSibling("backprop4j-novector.aot")) > 0, "and the one without the vector module");

        Run quiet = run("train", iris.toString(), "-o", model.toString(), "--epochs", "5", "--quiet");
        assertEquals(0, quiet.code(), quiet.err());
        assertEquals("", quiet.out(), "--quiet: nothing on standard output");
        assertEquals("", quiet.err(), "--quiet: nothing on standard error (no JVM warning, no kernel line)");
        assertTrue(Files.size(model) > 0);

        Run verbose = run("train", iris.toString(), "-o", model.toString(), "--epochs", "5", "--quiet", "--verbose");
        assertEquals(0, verbose.code(), verbose.err());
        assertEquals("", verbose.out());
        List<String> lines = verbose.err().lines().toList();
        assertEquals(1, lines.size(), verbose.err());
        assertTrue(lines.getFirst().startsWith("backprop4j kernels: "), verbose.err());

        Run normal = run("train", iris.toString(), "-o", model.toString(), "--epochs", "5", "--plain");
        assertEquals(0, normal.code(), normal.err());
        assertTrue(normal.out().contains("model written to " + model), normal.out());
        assertEquals("", normal.err(), "a normal run: nothing on standard error");
    }

    /** The value the JVM the launcher started gives {@code UseTransparentHugePages} (from -XX:+PrintFlagsFinal). */
    boolean hugePages(java.util.Map<String, String> env) throws Exception {
        java.util.Map<String, String> e = new java.util.HashMap<>(env);
        e.put("BACKPROP4J_JAVA_OPTS", "-XX:+PrintFlagsFinal");
        Run r = run(e, "--version");
        assertEquals(0, r.code(), r.err());
        List<String> line = r.out().lines().filter(l -> l.matches("\\s*bool\\s+UseTransparentHugePages\\s+=.*")).toList();
        assertEquals(1, line.size(), r.out());
        return line.get(0).matches(".*=\\s*true\\s.*");
    }

    @Test
    void transparentHugePagesWhereTheKernelGivesThemOnRequest() throws Exception {
        run("--version");   // the start-up cache, if it is still to be made
        Path sys = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        boolean madvise = Files.isReadable(sys) && Files.readString(sys).contains("[madvise]");
        // in "[madvise]" mode the launcher asks for huge pages; in "[never]" mode asking would print a
        // warning, in "[always]" mode the kernel gives them unasked: the flag stays off
        assertEquals(madvise, hugePages(java.util.Map.of()), "launcher flag against " + (Files.isReadable(sys) ? Files.readString(sys).strip() : "no " + sys));
        assertEquals(false, hugePages(java.util.Map.of("BACKPROP4J_THP", "0")), "BACKPROP4J_THP=0 leaves the flag out");
    }

    @Test
    void errorsPassThroughTheLauncherUnchanged() throws Exception {
        Run r = run("train", dir.resolve("missing.csv").toString(), "-o", dir.resolve("m.json").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals(List.of("backprop4j: no such file: " + dir.resolve("missing.csv")), r.err().lines().toList());
    }

    // ---- the vector module only where a run uses it (org.backprop4j.kernel.VectorModule) ----------------

    /** The start-up caches made (the first run after a build makes them, and says so on standard error). */
    void caches() throws Exception {
        assertEquals(0, run("--version").code());
    }

    /**
     * JVM option that logs every class and module loaded to standard output: a JVM's start shows as java.lang.Object's
     * line, the vector module as its own line (a JVM without it archives the boot layer, whose modules it does not log).
     */
    static final String CLASS_LOG = "-Xlog:class+load=info,module+load=info:stdout";

    /** Fixes the element-wise loops to their vector form (the scalar loops' bits): a run of any size then asks for the module. */
    static final String VECTOR_LOOPS = "-Dbackprop4j.vector.elementwiseMin=256";

    /** How many JVMs ran (java.lang.Object loaded), and whether any had the vector module in its boot layer, from {@link #CLASS_LOG}'s lines. */
    record Jvms(long starts, boolean vectorModule) {
        static Jvms of(String out) {
            return new Jvms(out.lines().filter(l -> l.matches(".*\\] java\\.lang\\.Object source: .*")).count(),
                    out.lines().anyMatch(l -> l.matches(".*\\] jdk\\.incubator\\.vector location: .*")));
        }
    }

    /** IDX images and labels of {@code n} 28x28 images (gzip): a run of 784-64-10 declares 6 x 50,890 x n x epochs operations. */
    Path[] idx(int n) throws IOException {
        Path images = dir.resolve("images-" + n + ".idx.gz"), labels = dir.resolve("labels-" + n + ".idx.gz");
        if (!Files.exists(images)) CacheTrainingCommand.writeIdx(images, labels, n, 28, 10, 7);
        return new Path[] {images, labels};
    }

    /**
     * 3,000 images, 40 epochs: 3.7e10 operations, above KernelProvider.SCALAR_LOOPS_FLOPS, so a JVM with the module
     * takes the vector element-wise loops (after their warm-up), but below SHORT_RUN_FLOPS, so they alone do not start
     * it again (VectorModule.need) unless {@link #VECTOR_LOOPS} asks for them; its kernels pinned where OpenBLAS is
     * here, so that a JVM without the module would choose the same ones.
     */
    List<String> longRun(Path model, String... more) throws IOException {
        Path[] f = idx(3000);
        List<String> a = new ArrayList<>(List.of("train", f[0].toString(), "--labels", f[1].toString(), "--hidden", "64", "--batch", "64",
                "--epochs", "40", "--seed", "5", "-o", model.toString()));
        if (org.backprop4j.kernel.KernelProvider.byName("openblas") != null) a.addAll(List.of("--kernel", "openblas"));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void aShortRunStaysWithoutTheVectorModule() throws Exception {
        caches();
        Path iris = Files.copy(TestData.path("iris.csv"), dir.resolve("iris.csv"));
        Run r = run(java.util.Map.of("BACKPROP4J_JAVA_OPTS", CLASS_LOG), "train", iris.toString(), "-o", dir.resolve("m.json").toString(),
                "--epochs", "5", "--quiet", "--verbose");
        assertEquals(0, r.code(), r.err());
        assertEquals(new Jvms(1, false), Jvms.of(r.out()), "one JVM, without the vector module");
        assertEquals(1, r.err().lines().count(), r.err());   // the kernel line alone
        // a run that the module would serve with its element-wise loops alone, too short to earn a second start (its
        // kernels OpenBLAS's: without OpenBLAS a run of this size takes the vector kernels, and is started again)
        if (org.backprop4j.kernel.KernelProvider.byName("openblas") == null) return;
        Run loops = run(java.util.Map.of("BACKPROP4J_JAVA_OPTS", CLASS_LOG), longRun(dir.resolve("l.json"), "--quiet", "--verbose").toArray(String[]::new));
        assertEquals(0, loops.code(), loops.err());
        assertEquals(new Jvms(1, false), Jvms.of(loops.out()), "one JVM, without the vector module");
        assertEquals(1, loops.err().lines().count(), loops.err());
    }

    @Test
    void aLongRunIsStartedAgainWithTheModuleAndGivesTheSameWeights() throws Exception {
        caches();
        Path again = dir.resolve("again.json"), without = dir.resolve("without.json"), with = dir.resolve("with.json");
        Run r = run(java.util.Map.of("BACKPROP4J_JAVA_OPTS", CLASS_LOG + " " + VECTOR_LOOPS), longRun(again, "--quiet", "--verbose").toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertEquals(new Jvms(2, true), Jvms.of(r.out()), "a second JVM, with the vector module");
        List<String> lines = r.err().lines().toList();
        assertEquals(2, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("backprop4j: started again with the vector module (-Dbackprop4j.vector.elementwiseMin"), r.err());
        assertTrue(lines.get(1).startsWith("backprop4j kernels: "), r.err());

        Run off = run(java.util.Map.of("BACKPROP4J_VECTOR", "0", "BACKPROP4J_JAVA_OPTS", CLASS_LOG + " " + VECTOR_LOOPS), longRun(without, "--quiet").toArray(String[]::new));
        assertEquals(0, off.code(), off.err());
        assertEquals(new Jvms(1, false), Jvms.of(off.out()), "BACKPROP4J_VECTOR=0: one JVM, without the module");
        Run on = run(java.util.Map.of("BACKPROP4J_VECTOR", "1", "BACKPROP4J_JAVA_OPTS", CLASS_LOG + " " + VECTOR_LOOPS), longRun(with, "--quiet").toArray(String[]::new));
        assertEquals(0, on.code(), on.err());
        assertEquals(new Jvms(1, true), Jvms.of(on.out()), "BACKPROP4J_VECTOR=1: one JVM, with the module");
        float[] w = org.backprop4j.io.ModelFile.read(again).network().params();
        assertTrue(java.util.Arrays.equals(w, org.backprop4j.io.ModelFile.read(without).network().params()), "the same weights as without the module");
        assertTrue(java.util.Arrays.equals(w, org.backprop4j.io.ModelFile.read(with).network().params()), "the same weights as with the module from the start");
    }

    @Test
    void aRunStartedAgainPrintsItsLinesOnceAndNothingWithQuiet() throws Exception {
        caches();
        // CSV: the run's size is known after reading, where the lines that follow are held back until it is settled
        Path csv = dir.resolve("d.csv");
        CacheTrainingCommand.writeCsv(csv, 2000, 100, 3);
        List<String> args = List.of("train", csv.toString(), "--hidden", "256", "--epochs", "200", "--batch", "64", "--seed", "3",
                "--no-plateau-stop", "-o", dir.resolve("m.json").toString());
        Run quiet = run(java.util.Map.of("BACKPROP4J_JAVA_OPTS", VECTOR_LOOPS), concat(args, "--quiet"));
        assertEquals(0, quiet.code(), quiet.err());
        assertEquals("", quiet.out(), "--quiet: nothing on standard output");
        assertEquals("", quiet.err(), "--quiet: nothing on standard error, the started-again JVM's warning included");
        Run plain = run(java.util.Map.of("BACKPROP4J_JAVA_OPTS", CLASS_LOG + " " + VECTOR_LOOPS), concat(args, "--plain", "--verbose"));
        assertEquals(0, plain.code(), plain.err());
        assertEquals(2, Jvms.of(plain.out()).starts(), "started again");
        assertEquals(1, plain.out().lines().filter(l -> l.equals("backprop4j train d.csv")).count(), plain.out());
        assertEquals(1, plain.out().lines().filter(l -> l.startsWith("model written to ")).count(), plain.out());
        assertTrue(plain.err().lines().anyMatch(l -> l.startsWith("backprop4j: started again with the vector module")), plain.err());
    }

    @Test
    void dataFromStandardInputAreReadOnceAndTheRunContinuesWithoutTheModule() throws Exception {
        caches();
        Path csv = dir.resolve("d.csv");
        CacheTrainingCommand.writeCsv(csv, 2000, 100, 3);
        Path model = dir.resolve("m.json");
        Run r = run(java.util.Map.of("BACKPROP4J_JAVA_OPTS", CLASS_LOG + " " + VECTOR_LOOPS), csv, "train", "/dev/stdin", "--hidden", "256", "--epochs", "200",
                "--batch", "64", "--seed", "3", "--no-plateau-stop", "-o", model.toString(), "--quiet", "--verbose");
        assertEquals(0, r.code(), r.err());
        assertEquals(new Jvms(1, false), Jvms.of(r.out()), "one JVM, without the module");
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("backprop4j: this run would use the vector module (")
                && l.contains("its data come from a stream, which is read once: it continues without the module")), r.err());
        assertEquals(2000, org.backprop4j.io.ModelFile.read(model).provenance().data().patterns());
    }

    @Test
    void signalsReachTheJvmStartedAgain() throws Exception {
        caches();
        for (String signal : List.of("TERM", "INT")) {
            Path model = dir.resolve(signal + ".json");
            List<String> cmd = new ArrayList<>(List.of(launcher().toString()));
            cmd.addAll(longRun(model, "--json", "--verbose"));
            cmd.set(cmd.indexOf("40"), "100000");   // epochs: until the signal
            cmd.add("--no-plateau-stop");
            Path out = dir.resolve(signal + ".out"), err = dir.resolve(signal + ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("BACKPROP4J_JAVA_OPTS");
            pb.environment().remove("BACKPROP4J_VECTOR");
            Process p = pb.start();
            try {
                // an epoch's line: the JVM started again is training (the first one prints nothing)
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (!Files.readString(out).contains("\"epoch\"") && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
                assertTrue(Files.readString(out).contains("\"epoch\""), Files.readString(err));
                assertTrue(Files.readString(err).contains("backprop4j: started again with the vector module"), Files.readString(err));
                assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
                assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the launcher did not end");
            } finally {
                p.destroyForcibly();
            }
            assertEquals(signal.equals("INT") ? 130 : 143, p.exitValue(), Files.readString(err));
            long size = -1;
            for (int i = 0; i < 50 && Files.size(err) != size; i++) {
                size = Files.size(err);
                Thread.sleep(100);
            }
            assertTrue(Files.readString(err).lines().anyMatch(l -> l.matches("backprop4j: interrupted (after|during) epoch \\d+; .*no model file written")),
                    Files.readString(err));
            assertFalse(Files.exists(model));
        }
    }

    static String[] concat(List<String> a, String... more) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
