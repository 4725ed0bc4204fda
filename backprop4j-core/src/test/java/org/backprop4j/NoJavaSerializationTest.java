package org.backprop4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No Java deserialization anywhere (issue 6): no production source of any module uses
 * ObjectInputStream, readObject/readUnshared, XMLDecoder or implements Serializable, so no file
 * can make the library instantiate classes of its choosing. Model files are JSON (Jackson tree
 * model, no polymorphic typing), checkpoints a fixed binary layout.
 */
class NoJavaSerializationTest {
    private static final Pattern FORBIDDEN = Pattern.compile(
            "ObjectInputStream|ObjectOutputStream|\\breadObject\\s*\\(|\\breadUnshared\\s*\\(|XMLDecoder|implements\\s+[^{]*\\bSerializable\\b"
                    + "|enableDefaultTyping|activateDefaultTyping|@JsonTypeInfo");

    @Test
    void noProductionSourceDeserializesJavaObjects() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("backprop4j-core"))) root = root.getParent();
        assertTrue(root != null, "repository root not found from " + Path.of("").toAbsolutePath());
        List<String> hits = new ArrayList<>();
        int files = 0;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/")
                    && !p.toString().contains("/target/")).toList()) {
                files++;
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    if (FORBIDDEN.matcher(lines.get(i)).find()) hits.add(root.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertTrue(files > 50, "scanned only " + files + " files");
        assertEquals(List.of(), hits);
    }
}
