package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.backprop4j.TestData;
import org.backprop4j.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's "Library use" block runs as it stands: it is copied out of README.md into a Java source
 * file and run by a fresh JVM (source-launch mode) in a directory holding iris.csv, with this
 * module's class path (core + io).
 */
class LibraryUseTest {
    @TempDir
    Path dir;

    /** The first java block after the "## Library use" heading of README.md. */
    static List<String> readmeBlock() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("../README.md"));
        int h = lines.indexOf("## Library use");
        assertTrue(h >= 0, "README has a Library use section");
        int start = h;
        while (!lines.get(start).equals("```java")) start++;
        int end = start + 1;
        while (!lines.get(end).equals("```")) end++;
        return lines.subList(start + 1, end);
    }

    @Test
    void theReadmeSnippetTrainsSavesLoadsAndPredicts() throws Exception {
        List<String> block = readmeBlock();
        assertTrue(block.size() <= 10, "at most 10 lines: " + block.size());
        List<String> src = new ArrayList<>(List.of("import java.nio.file.Path;", "import org.backprop4j.model.*;",
                "public class ReadmeSnippet {", "public static void main(String[] args) throws Exception {"));
        src.addAll(block);
        src.addAll(List.of("}", "}"));
        Files.write(dir.resolve("ReadmeSnippet.java"), src);
        Files.copy(TestData.path("iris.csv"), dir.resolve("iris.csv"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "ReadmeSnippet.java")
                .directory(dir.toFile()).redirectError(dir.resolve("err.txt").toFile()).redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the snippet finished");
        String out = Files.readString(dir.resolve("out.txt")), err = Files.readString(dir.resolve("err.txt"));
        assertEquals(0, p.exitValue(), out + err);
        assertTrue(out.strip().matches("setosa \\{setosa=0\\.9\\d*, versicolor=[0-9.E-]+, virginica=[0-9.E-]+}"), out + err);
        Model saved = Model.load(dir.resolve("iris.model.json"));
        assertEquals("setosa", saved.predict("5.1", "3.5", "1.4", "0.2").label());
    }
}
