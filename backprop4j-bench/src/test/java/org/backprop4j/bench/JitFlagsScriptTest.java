package org.backprop4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * scripts/jit-flags.sh, the JIT's compile commands that the launcher and scripts/bench both take from it, so
 * that a benchmark compiles what a user's run does (issue 18): both scripts source it, and every method it
 * names exists (a rename would otherwise leave a command that matches nothing, silently).
 */
class JitFlagsScriptTest {

    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/jit-flags.sh"))) return p;
        }
        throw new IllegalStateException("scripts/jit-flags.sh not found above " + Path.of("").toAbsolutePath());
    }

    /** jit_flags as bash sets them, one per line. */
    static List<String> flags() throws Exception {
        Process p = new ProcessBuilder("bash", "-c", ". scripts/jit-flags.sh && printf '%s\\n' \"${jit_flags[@]}\"")
                .directory(root().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    @Test
    void theLauncherAndTheBenchTakeTheirCompileCommandsFromIt() throws Exception {
        for (String script : new String[] {"backprop4j", "scripts/bench"}) {
            String text = Files.readString(root().resolve(script));
            assertTrue(text.contains("scripts/jit-flags.sh\"\n") || text.contains("scripts/jit-flags.sh\n"), script + " sources it");
            assertTrue(text.contains("flags+=(\"${jit_flags[@]}\")"), script + " passes its flags on");
            assertFalse(text.contains("-XX:CompileCommand"), script + " has no compile command of its own");
        }
    }

    @Test
    void everyMethodItNamesExists() throws Exception {
        List<String> flags = flags();
        assertEquals("-XX:CompileCommand=quiet", flags.getFirst(), "no line from the JVM about each command");
        Pattern command = Pattern.compile("-XX:CompileCommand=(\\w+),([\\w.$]+)::([\\w*]+)(,.*)?");
        List<String> named = new ArrayList<>();
        for (String f : flags.subList(1, flags.size())) {
            Matcher m = command.matcher(f);
            assertTrue(m.matches(), f);
            Class<?> c = Class.forName(m.group(2), false, getClass().getClassLoader());
            String method = m.group(3);
            if (!method.equals("*")) {
                assertTrue(Arrays.stream(c.getDeclaredMethods()).anyMatch(x -> x.getName().equals(method)), c.getName() + " has no method " + method);
            }
            named.add(m.group(1) + " " + c.getSimpleName() + "::" + method);
        }
        // the OpenBLAS call compiled on its own, not inlined into each caller
        assertTrue(named.contains("dontinline OpenBlasKernels::sgemm"), named.toString());
    }
}
