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
 * model, no polymorphic typing), checkpoints a fixed binary layout. One exception: backprop4j-spark's
 * task inputs and results implement Serializable, because Spark ships closures, broadcasts and task
 * results between its own JVMs with Java serialization (the cluster's wire, not a file the library
 * reads; its saved models are JSON too); it still may not deserialize anything itself.
 */
class NoJavaSerializationTest {
    private static final Pattern FORBIDDEN = Pattern.compile(
            "ObjectInputStream|ObjectOutputStream|\\breadObject\\s*\\(|\\breadUnshared\\s*\\(|XMLDecoder|implements\\s+[^{]*\\bSerializable\\b"
                    + "|enableDefaultTyping|activateDefaultTyping|@JsonTypeInfo");
    private static final Pattern SERIALIZABLE = Pattern.compile("implements\\s+[^{]*\\bSerializable\\b");

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
                boolean sparkWire = root.relativize(p).startsWith("backprop4j-spark");
                for (int i = 0; i < lines.size(); i++) {
                    String l = sparkWire ? SERIALIZABLE.matcher(lines.get(i)).replaceAll("") : lines.get(i);
                    if (FORBIDDEN.matcher(l).find()) hits.add(root.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertTrue(files > 50, "scanned only " + files + " files");
        assertEquals(List.of(), hits);
    }
}
