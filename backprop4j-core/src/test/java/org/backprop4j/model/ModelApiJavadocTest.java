package org.backprop4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model API — every public type, constructor, method, field and record component of
 * {@code org.backprop4j.model} and of {@code train.Settings} and {@code train.Defaults} — has
 * Javadoc that passes every doclint group, "missing" included ({@code @param}, {@code @return},
 * {@code @throws}): javac's doclint over those sources, any diagnostic on them fails. The
 * {@code -Prelease} Javadoc jar checks the rest of the code with all groups but "missing".
 * (backprop4j-io's ModelFileJavadocTest does the same for {@code io.ModelFile}.)
 */
class ModelApiJavadocTest {
    static final Path SRC = Path.of("src/main/java/org/backprop4j");

    @Test
    void everyPublicElementOfTheModelApiIsDocumented(@TempDir Path out) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(SRC.resolve("model"))) {
            s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
        }
        files.add(SRC.resolve("train/Settings.java"));
        files.add(SRC.resolve("train/Defaults.java"));
        assertTrue(files.size() >= 9, "the model API's sources are found from the module directory: " + files);
        List<String> problems = doclint(files, out);
        assertEquals("", String.join("\n", problems), problems.size() + " doclint problems in the model API's Javadoc");
    }

    /**
     * Compiles the files against the test class path (which has the module's own classes) with
     * {@code -Xdoclint:all/protected} — javadoc's default access level — and returns each
     * diagnostic on them as "File.java:line: message".
     */
    static List<String> doclint(List<Path> files, Path out) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> dc = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(dc, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-Xdoclint:all/protected", "-Xlint:none", "-proc:none", "-implicit:none", "-Xmaxwarns", "100000",
                    "-Xmaxerrs", "100000", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                    "-d", out.toString());
            javac.getTask(null, fm, dc, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
        }
        List<String> problems = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : dc.getDiagnostics()) {
            if (d.getSource() == null || d.getKind() == Diagnostic.Kind.NOTE) continue;   // e.g. "using incubating module(s)": not about a file
            problems.add(Path.of(d.getSource().toUri()).getFileName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT));
        }
        return problems;
    }
}
