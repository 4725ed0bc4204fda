package org.backprop4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.DataFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    @TempDir
    Path dir;

    static Model sample() {
        Network net = Network.builder(3).layer(5, Activation.TANH).layer(4, Activation.RELU).layer(2, Activation.SOFTMAX)
                .build(Init.xavier(), 7);
        // make biases non-zero too
        Rng r = new Rng(3);
        for (int l = 1; l <= net.layers(); l++) for (int t = 0; t < net.size(l); t++) net.setBias(l, t, (float) r.uniform(-1, 1));
        return new Model(net, Loss.CROSS_ENTROPY, List.of("a", "b", "c"), List.of("no", "yes"), List.of("class"),
                Map.of("standardize", Map.of("mean", List.of(1.0, 2.0, 3.0))), Map.of("epochs", 10, "seed", 7),
                Map.of("patterns", 100), Map.of());
    }

    @Test
    void savedAndLoadedModelPredictsBitIdentically() throws Exception {
        Model m = sample();
        Path f = dir.resolve("m.json");
        ModelFile.write(m, f);
        Model back = ModelFile.read(f);
        assertArrayEquals(m.network().params(), back.network().params());
        assertEquals(m.network().describe(), back.network().describe());
        assertEquals(m.loss(), back.loss());
        assertEquals(m.classNames(), back.classNames());
        assertEquals(m.inputNames(), back.inputNames());
        assertEquals(List.of(1.0, 2.0, 3.0), ((Map<?, ?>) back.preprocessing().get("standardize")).get("mean"));
        assertEquals(7, back.training().get("seed"));
        Rng r = new Rng(1);
        float[] x = new float[50 * 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-3, 3);
        float[] a = new Backprop(m.network(), m.loss()).forward(x, 0, 50).clone();
        float[] b = new Backprop(back.network(), back.loss()).forward(x, 0, 50).clone();
        assertArrayEquals(a, b);
        assertTrue(back.provenance().get("library").toString().startsWith("backprop4j"));
        // no temporary files left behind
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
    }

    @Test
    void writingReplacesAnExistingFileWhole() throws Exception {
        Path f = dir.resolve("m.json");
        Files.writeString(f, "old");
        ModelFile.write(sample(), f);
        assertTrue(Files.readString(f).contains("backprop4j-model"));
    }

    private DataFormatException bad(String json) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, json);
        return assertThrows(DataFormatException.class, () -> ModelFile.read(f));
    }

    private String good() {
        return ModelFile.toJson(sample()).toPrettyString();
    }

    @Test
    void rejectsInvalidJsonWithLineAndColumn() throws Exception {
        DataFormatException e = bad("{\n  \"format\": \"backprop4j-model\",\n  oops\n}");
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith("bad.json:3:"), e.getMessage());
        // a file cut off inside an array: one plain line, without Jackson's "[Source: REDACTED ...]"
        String g = good();
        e = bad(g.substring(0, g.indexOf("\"W\"") + 20));
        assertTrue(e.getMessage().contains("not valid JSON: Unexpected end-of-input"), e.getMessage());
        assertFalse(e.getMessage().contains("Source") || e.getMessage().contains("REDACTED") || e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void rejectsOtherDocuments() throws Exception {
        assertTrue(bad("[1,2]").getMessage().contains("not a backprop4j model file"));
        assertTrue(bad("{\"format\":\"something\"}").getMessage().contains("not a backprop4j model file"));
    }

    @Test
    void rejectsNewerFormatVersionsClearly() throws Exception {
        String msg = bad(good().replace("\"formatVersion\" : 1", "\"formatVersion\" : 99")).getMessage();
        assertTrue(msg.contains("newer backprop4j") && msg.contains("99"), msg);
    }

    @Test
    void rejectsTamperedWeights() throws Exception {
        String g = good();
        int i = g.indexOf("\"b\" : [ ");
        assertTrue(i > 0);
        String tampered = g.substring(0, i) + "\"b\" : [ 0.125, " + g.substring(g.indexOf(',', i + 8) + 1);
        String msg = bad(tampered).getMessage();
        assertTrue(msg.contains("checksum"), msg);
    }

    @Test
    void rejectsShapeMismatchBeforeAllocating() throws Exception {
        assertTrue(bad(good().replaceFirst("\"units\" : 5", "\"units\" : 6")).getMessage().contains("must have 6 rows"));
        // a hostile size claim is refused from the header alone
        String huge = "{\"format\":\"backprop4j-model\",\"formatVersion\":1,\"network\":{\"inputs\":16000000,"
                + "\"layers\":[{\"units\":16000000,\"activation\":\"tanh\",\"W\":[],\"b\":[]}]},\"loss\":\"mse\"}";
        assertTrue(bad(huge).getMessage().contains("refusing to allocate"));
        String negative = huge.replace("16000000", "-3");
        assertTrue(bad(negative).getMessage().contains("between 1 and"));
    }

    @Test
    void rejectsNonFiniteAndNonNumericWeights() throws Exception {
        String g = good();
        int i = g.indexOf("\"b\" : [ ") + 8;
        String s = g.substring(0, i) + "\"x\", " + g.substring(g.indexOf(',', i) + 1);
        assertTrue(bad(s).getMessage().contains("must be a number"), bad(s).getMessage());
        String big = g.substring(0, i) + "1e300, " + g.substring(g.indexOf(',', i) + 1);
        assertTrue(bad(big).getMessage().contains("not a finite float32"));
    }

    @Test
    void rejectsUnknownActivationAndLoss() throws Exception {
        assertTrue(bad(good().replaceFirst("\"activation\" : \"tanh\"", "\"activation\" : \"swish\"")).getMessage().contains("unknown activation"));
        assertTrue(bad(good().replace("\"loss\" : \"ce\"", "\"loss\" : \"hinge\"")).getMessage().contains("unknown loss"));
    }

    @Test
    void missingFileIsNoSuchFile() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ModelFile.read(dir.resolve("nope.json")));
    }
}
