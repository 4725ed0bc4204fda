package org.backprop4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModelFile}, the model API's file format, has Javadoc on every public element that passes
 * every doclint group, "missing" included: javac's doclint over its source, any diagnostic fails.
 * (The same check as core's ModelApiJavadocTest, kept here whole so that this module's tests do not
 * depend on core's test classes.)
 */
class ModelFileJavadocTest {
    @Test
    void everyPublicElementOfModelFileIsDocumented(@TempDir Path out) throws IOException {
        Path src = Path.of("src/main/java/org/backprop4j/io/ModelFile.java");
        assertTrue(Files.isRegularFile(src), "run from the module directory: " + src.toAbsolutePath());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> dc = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(dc, Locale.ROOT, StandardCharsets.UTF_8)) {
            // javadoc's default access level (protected); the module's own classes come from the test class path
            List<String> options = List.of("-Xdoclint:all/protected", "-Xlint:none", "-proc:none", "-implicit:none", "-Xmaxwarns", "100000",
                    "-Xmaxerrs", "100000", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                    "-d", out.toString());
            javac.getTask(null, fm, dc, options, null, fm.getJavaFileObjectsFromPaths(List.of(src))).call();
        }
        List<String> problems = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : dc.getDiagnostics()) {
            if (d.getSource() == null || d.getKind() == Diagnostic.Kind.NOTE) continue;   // e.g. "using incubating module(s)": not about the file
            problems.add(Path.of(d.getSource().toUri()).getFileName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT));
        }
        assertEquals("", String.join("\n", problems), problems.size() + " doclint problems in ModelFile's Javadoc");
    }
}
