package org.backprop4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/jdk25.sh, which scripts/bench, the launcher and every other script source before their JVM: it finds a JDK 25
 * with bash's builtins, starting no helper process (dirname, sed, head, a JVM) on the way, since
 * each one delays every command (issue 18). Helpers of those names placed first on the PATH record
 * any call.
 */
class Jdk25ScriptTest {
    @TempDir
    Path dir;

    static Path script() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path s = p.resolve("scripts/jdk25.sh");
            if (Files.isRegularFile(s)) return s;
        }
        throw new IllegalStateException("scripts/jdk25.sh not found above " + Path.of("").toAbsolutePath());
    }

    /** Sources the script with {@code javaHome} (or none) and a PATH of recording helpers, then the JDK's javac; prints JAVA_HOME. */
    String source(String javaHome) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("calls.txt");
        for (String tool : new String[] {"dirname", "sed", "head", "basename", "cat", "java"}) {
            Path t = bin.resolve(tool);
            Files.writeString(t, "#!/bin/sh\necho " + tool + " >> '" + calls + "'\nexit 1\n");
            t.toFile().setExecutable(true);
        }
        Path jdkBin = Path.of(System.getProperty("java.home"), "bin");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". '" + script() + "' && echo \"HOME=$JAVA_HOME\"");
        pb.environment().put("PATH", bin + ":" + jdkBin + ":/usr/bin:/bin");
        if (javaHome == null) pb.environment().remove("JAVA_HOME"); else pb.environment().put("JAVA_HOME", javaHome);
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertFalse(Files.exists(calls), "helpers started: " + (Files.exists(calls) ? Files.readString(calls) : "") + out);
        return out;
    }

    static String jdkHome() throws IOException {
        return Path.of(System.getProperty("java.home")).toRealPath().toString();
    }

    @Test
    void theJdkOfJavaHomeIsTakenWithoutAHelperProcess() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")), "needs bash");
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(System.getProperty("java.home"), "release")), "needs the JDK's release file");
        String home = jdkHome();
        assertTrue(source(home).contains("HOME=" + home));
    }

    @Test
    void theJavacOnThePathIsTakenWithoutAHelperProcess() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")), "needs bash");
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(System.getProperty("java.home"), "release")), "needs the JDK's release file");
        Assumptions.assumeTrue(Files.isExecutable(Path.of(System.getProperty("java.home"), "bin", "javac")), "needs a JDK's javac");
        String out = source(null);
        // the javac on the PATH is this JDK's (or, found first, another JDK 25+ on this machine)
        assertTrue(out.contains("HOME=" + System.getProperty("java.home")) || out.contains("HOME=" + jdkHome()) || out.contains("HOME=/usr/lib/jvm/"), out);
    }
}
