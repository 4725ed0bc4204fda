package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        List<String> cmd = new ArrayList<>(List.of(launcher().toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt"), err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("BACKPROP4J_JAVA_OPTS");
        pb.environment().remove("BACKPROP4J_THP");
        pb.environment().putAll(env);
        Process p = pb.start();
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
}
