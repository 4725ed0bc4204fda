package org.backprop4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/TESTING.md's naming convention holds (issue 17.5): every class with a {@code main} in any
 * module's test tree is a harness listed there, and the list names no class that is gone.
 */
class TestTreeConventionsTest {
    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docs/TESTING.md"))) return p;
        }
        throw new IllegalStateException("docs/TESTING.md not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void everyMainInATestTreeIsAListedHarness() throws IOException {
        Path root = root();
        Set<String> mains = new TreeSet<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path tree : modules.map(m -> m.resolve("src/test/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(tree)) {
                    files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                        try {
                            if (Pattern.compile("static\\s+void\\s+main\\s*\\(").matcher(Files.readString(f)).find()) {
                                String rel = tree.relativize(f).toString();
                                mains.add(rel.substring(0, rel.length() - ".java".length()).replace('/', '.'));
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            }
        }
        Set<String> listed = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `(org\\.backprop4j\\.[\\w.]+)` \\(").matcher(Files.readString(root.resolve("docs/TESTING.md")));
        while (m.find()) listed.add(m.group(1));
        assertEquals(listed, mains, "classes with a main in the test trees against docs/TESTING.md's list of harnesses");
    }
}
