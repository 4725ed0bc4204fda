package org.backprop4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24.4: the model file's checksum covers everything that affects a prediction, and the reader
 * refuses trailing content, non-integer versions and oversize content before allocating it.
 */
class ModelFileIntegrityTest {
    @TempDir
    Path dir;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private String good() throws Exception {
        return ModelFile.toJson(ModelFileTest.sample()).toPrettyString();
    }

    private String rejected(String json) throws Exception {
        Path f = dir.resolve("edited.json");
        Files.writeString(f, json);
        DataFormatException e = assertThrows(DataFormatException.class, () -> ModelFile.read(f));
        assertTrue(e.getMessage().startsWith("edited.json:"), "names the file: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    /** Replaces exactly one occurrence (so a test cannot pass by editing nothing). */
    private static String once(String s, String from, String to) {
        int i = s.indexOf(from);
        assertTrue(i >= 0 && s.indexOf(from, i + 1) < 0, "exactly one '" + from + "' in the file");
        return s.substring(0, i) + to + s.substring(i + from.length());
    }

    private static final String CONTENT = "do not match the checksum (the file was modified or damaged)";

    @Test
    void theUneditedFileLoads() throws Exception {
        Path f = dir.resolve("m.json");
        Files.writeString(f, good());
        assertEquals(List.of("no", "yes"), ModelFile.read(f).classNames());
    }

    @Test
    void swappedClassNamesAreRefused() throws Exception {
        String g = good();
        String swapped = once(g, "\"classNames\" : [ \"no\", \"yes\" ]", "\"classNames\" : [ \"yes\", \"no\" ]");
        assertTrue(rejected(swapped).contains(CONTENT));
    }

    @Test
    void editedPreprocessingIsRefused() throws Exception {
        String g = good();
        // the centre of the second input: 2.0 → 2.5 (every value of the preprocessing is covered)
        String edited = once(g, "\"center\" : [ 1.0, 2.0, 3.0 ]", "\"center\" : [ 1.0, 2.5, 3.0 ]");
        assertTrue(rejected(edited).contains(CONTENT));
        String scaling = once(g, "\"inputScaling\" : \"STANDARDIZE\"", "\"inputScaling\" : \"MINMAX_01\"");
        assertTrue(rejected(scaling).contains(CONTENT));
    }

    @Test
    void editedArchitectureLossTaskAndNamesAreRefused() throws Exception {
        String g = good();
        // the weights are unchanged, so only the content checksum can see these
        assertTrue(rejected(once(g, "\"activation\" : \"relu\"", "\"activation\" : \"tanh\"")).contains(CONTENT));
        assertTrue(rejected(once(g, "\"loss\" : \"ce\"", "\"loss\" : \"mse\"")).contains(CONTENT));
        assertTrue(rejected(once(g, "\"inputNames\" : [ \"a\", \"b\", \"c\" ]", "\"inputNames\" : [ \"a\", \"c\", \"b\" ]")).contains(CONTENT));
        assertTrue(rejected(once(g, "\"targetNames\" : [ \"class\" ]", "\"targetNames\" : [ \"label\" ]")).contains(CONTENT));
        String task = rejected(once(g, "\"task\" : \"classification\"", "\"task\" : \"regression\""));
        assertTrue(task.contains("\"task\" is regression but the file has \"classNames\""), task);
        String checksum = rejected(g.replaceAll("\"content\" : \"[0-9a-f]+\"", "\"content\" : \"" + "0".repeat(64) + "\""));
        assertTrue(checksum.contains(CONTENT), checksum);
    }

    @Test
    void provenanceIsInformationalAndNotCovered() throws Exception {
        // documented: provenance says where a model came from and changes no prediction
        String g = good();
        Path f = dir.resolve("m.json");
        Files.writeString(f, once(g, "\"seed\" : 7", "\"seed\" : 8"));
        assertEquals(8L, ModelFile.read(f).provenance().settings().seed());
    }

    @Test
    void trailingContentIsRefused() throws Exception {
        String g = good();
        for (String tail : List.of("x", "\n{}", "{\"format\":\"backprop4j-model\"}", "\n]", " 1")) {
            String msg = rejected(g + tail);
            assertTrue(msg.contains("trailing content after the model's closing '}'") || msg.contains("not valid JSON"), tail + ": " + msg);
        }
        assertTrue(rejected(g + "\n{}").contains("trailing content"));
        // whitespace after the object is not content
        Path f = dir.resolve("ws.json");
        Files.writeString(f, g + "\n\n  \t\n");
        ModelFile.read(f);
    }

    @Test
    void nonIntegerFormatVersionIsRefused() throws Exception {
        String g = good();
        String msg = rejected(once(g, "\"formatVersion\" : 2", "\"formatVersion\" : 1.5"));
        assertTrue(msg.contains("\"formatVersion\" must be a whole number, found 1.5"), msg);
        assertTrue(rejected(once(g, "\"formatVersion\" : 2", "\"formatVersion\" : 2.0")).contains("must be a whole number"));
        assertTrue(rejected(once(g, "\"formatVersion\" : 2", "\"formatVersion\" : \"2\"")).contains("missing or bad \"formatVersion\""));
        assertTrue(rejected(once(g, "\"formatVersion\" : 2", "\"formatVersion\" : 99999999999")).contains("newer backprop4j"));
    }

    @Test
    void unknownAndRepeatedFieldsAreRefused() throws Exception {
        String g = good();
        String unknown = rejected(once(g, "\"task\" :", "\"extra\" : 1, \"task\" :"));
        assertTrue(unknown.contains("unknown field \"extra\""), unknown);
        String twice = rejected(once(g, "\"task\" :", "\"loss\" : \"ce\", \"task\" :"));
        assertTrue(twice.contains("field \"loss\" appears twice"), twice);
        String inProvenance = rejected(once(g, "\"seed\" : 7", "\"seed\" : 7, \"colour\" : \"red\""));
        assertTrue(inProvenance.contains("provenance.settings: unknown field \"colour\""), inProvenance);
    }

    /** A file of {@code head + filler×n + tail}, written in blocks (never held in memory whole). */
    private Path bigFile(String head, byte filler, long n, String tail) throws IOException {
        Path f = dir.resolve("big.json");
        try (OutputStream out = Files.newOutputStream(f)) {
            out.write(head.getBytes(StandardCharsets.UTF_8));
            byte[] block = new byte[1 << 20];
            Arrays.fill(block, filler);
            for (long w = 0; w < n; w += block.length) out.write(block, 0, (int) Math.min(block.length, n - w));
            out.write(tail.getBytes(StandardCharsets.UTF_8));
        }
        return f;
    }

    /** Reads a file that must be refused; returns {message, bytes allocated by this thread, milliseconds}. */
    private Object[] refuse(Path f) throws Exception {
        ModelFile.parse(good().getBytes(StandardCharsets.UTF_8), "warm-up");   // classes loaded before measuring
        assertThrows(DataFormatException.class, () -> ModelFile.parse("{\"format\":\"backprop4j-model\",\"x\":1}".getBytes(StandardCharsets.UTF_8), "warm-up"));
        long tid = Thread.currentThread().threadId();
        long before = THREADS.getThreadAllocatedBytes(tid), t0 = System.nanoTime();
        DataFormatException e = assertThrows(DataFormatException.class, () -> ModelFile.read(f));
        return new Object[] {e.getMessage(), THREADS.getThreadAllocatedBytes(tid) - before, (System.nanoTime() - t0) / 1_000_000};
    }

    private static final long HUNDRED_MB = 100L << 20;
    /** A reader that kept the field would allocate at least its 100 MB; 8 MB is parser buffers and slack. */
    private static final long BOUNDED = 8L << 20;

    @Test
    void aHundredMegabyteUnknownFieldIsRefusedAtItsNameWithBoundedMemory() throws Exception {
        String g = good();
        String head = g.substring(0, g.indexOf("\"task\"")) + "\"comment\" : \"";
        Path f = bigFile(head, (byte) 'a', HUNDRED_MB, "\",\n" + g.substring(g.indexOf("\"task\"")));
        Object[] r = refuse(f);
        assertTrue(((String) r[0]).contains("unknown field \"comment\""), (String) r[0]);
        assertTrue((long) r[1] < BOUNDED, "allocated " + r[1] + " bytes");
        // refused at the name, before the value is read: far below the time to scan 100 MB on a busy machine
        assertTrue((long) r[2] < 2_000, r[2] + " ms");
    }

    @Test
    void aHundredMegabyteValueInAKnownSectionIsRefusedWithBoundedMemory() throws Exception {
        String g = good();
        int at = g.indexOf("\"settings\" : {") + "\"settings\" : {".length();
        // a long string: refused by the string limit while it is being read
        Object[] r = refuse(bigFile(g.substring(0, at) + "\"optimizer\" : \"", (byte) 'a', HUNDRED_MB, "\", " + g.substring(at)));
        assertTrue(((String) r[0]).contains("too large for a model file") && ((String) r[0]).contains("String value length"), (String) r[0]);
        assertTrue((long) r[1] < BOUNDED, "allocated " + r[1] + " bytes");
        // a long array of numbers: refused by the section's value budget
        r = refuse(bigFile(g.substring(0, at) + "\"hidden\" : [ 1", (byte) ' ', 0, ",1".repeat(1 << 20) + "], " + g.substring(at)));
        assertTrue(((String) r[0]).contains("\"provenance\" holds more values than a model file's provenance can"), (String) r[0]);
        assertTrue((long) r[1] < BOUNDED, "allocated " + r[1] + " bytes");
    }

    @Test
    void moreWeightsThanTheNetworkDeclaresAreRefusedAsTheyArrive() throws Exception {
        String g = good();
        int at = g.indexOf("\"b\" : [ ") + "\"b\" : [ ".length();
        Object[] r = refuse(bigFile(g.substring(0, at) + "0", (byte) ' ', 0, ",0".repeat(1 << 22) + g.substring(at)));
        assertTrue(((String) r[0]).contains("network.layers[0].b must have 5 biases"), (String) r[0]);
        assertTrue((long) r[1] < BOUNDED, "allocated " + r[1] + " bytes");
    }

    @Test
    void aFileLargerThanAnyModelIsRefusedBeforeReading() throws Exception {
        Path f = dir.resolve("huge.json");
        try (FileChannel c = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
            c.write(ByteBuffer.wrap(new byte[] {'{'}), ModelFile.MAX_FILE_BYTES);   // sparse: no disk blocks for the hole
        }
        Object[] r = refuse(f);
        assertTrue(((String) r[0]).contains("more than a model file may have"), (String) r[0]);
        assertTrue((long) r[1] < BOUNDED, "allocated " + r[1] + " bytes");
    }

    @Test
    void theContentChecksumDependsOnValuesNotOnSpelling() throws Exception {
        // "1.0" and "1.00" and "1e0" are the same number: the file still verifies
        String g = good();
        Path f = dir.resolve("m.json");
        Files.writeString(f, once(g, "\"center\" : [ 1.0, 2.0, 3.0 ]", "\"center\" : [ 1.00, 2e0, 30E-1 ]"));
        Model m = ModelFile.read(f);
        assertArrayEquals(new double[] {1, 2, 3}, m.pipeline().center());
        assertEquals(ModelFile.contentChecksum(ModelFileTest.sample()), ModelFile.contentChecksum(m));
    }
}
