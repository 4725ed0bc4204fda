package org.backprop4j.studio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.backprop4j.Network;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Compare's two runs, through the HTTP API: on the same data and with the same seed they start from
 * the same weights, every one, when their networks agree; when the networks differ, the layers that
 * start alike are those the seeded stream fills alike (the same sizes up to that layer, the same
 * range), and {@code /api/compare} says which.
 */
class CompareTest {
    Api api;

    @BeforeEach
    void start() throws Exception {
        api = new Api();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** Every parameter of both runs' initial networks, and both epoch-0 snapshots, bit for bit. */
    void assertSameInitialWeights() {
        Run a = api.studio.run("a"), b = api.studio.run("b");
        assertArrayEquals(a.initial.sizes(), b.initial.sizes());
        float[] pa = a.initial.params(), pb = b.initial.params();
        assertEquals(pa.length, pb.length);
        for (int i = 0; i < pa.length; i++) {
            assertEquals(Float.floatToRawIntBits(pa[i]), Float.floatToRawIntBits(pb[i]), "initial parameter " + i + " of " + pa.length);
        }
        // what the page gets as epoch 0, before either run trains
        assertArrayEquals(pa, a.snapshot().params());
        assertArrayEquals(pb, b.snapshot().params());
    }

    /** Whether each layer of the two initial networks has the same weights and biases (checked by the test itself). */
    List<Boolean> layersAlike() {
        Network a = api.studio.run("a").initial, b = api.studio.run("b").initial;
        List<Boolean> alike = new ArrayList<>();
        for (int l = 1; l <= Math.max(a.layers(), b.layers()); l++) {
            boolean same = l <= a.layers() && l <= b.layers() && a.size(l) == b.size(l) && a.size(l - 1) == b.size(l - 1);
            for (int t = 0; same && t < a.size(l); t++) {
                same = a.bias(l, t) == b.bias(l, t);
                for (int u = 0; same && u < a.size(l - 1); u++) same = a.weight(l, t, u) == b.weight(l, t, u);
            }
            alike.add(same);
        }
        return alike;
    }

    JsonNode report() throws Exception {
        return api.getOk("/api/compare");
    }

    static List<Boolean> booleans(JsonNode a) {
        List<Boolean> l = new ArrayList<>();
        for (JsonNode v : a) l.add(v.asBoolean());
        return l;
    }

    /** Sets up runs a and b: the common settings plus each one's own (JSON members). */
    void setUp(String common, String a, String b) throws Exception {
        api.run("a", "{" + common + (a.isEmpty() ? "" : "," + a) + "}");
        api.run("b", "{" + common + (b.isEmpty() ? "" : "," + b) + "}");
    }

    @Test
    void runsWhoseNetworksAgreeStartFromTheSameWeightsOnTheSameData() throws Exception {
        String common = "\"dataset\":\"spirals\",\"patterns\":120,\"validation\":0.25,\"hidden\":[6,4],\"activations\":[\"tanh\",\"relu\"],"
                + "\"seed\":77,\"speed\":0,\"maxEpochs\":1000";
        // the presets' pairs: plain GD vs iRprop−, online vs full batch, and L2 on one side
        for (String[] pair : List.of(new String[] {"\"optimizer\":\"sgd\",\"optimizerParams\":{\"lr\":0.5}", "\"optimizer\":\"irprop-\""},
                new String[] {"\"batch\":1", "\"batch\":0"},
                new String[] {"\"lambda\":0.01,\"optimizer\":\"adam\",\"batch\":16", "\"optimizer\":\"lbfgs\""})) {
            setUp(common, pair[0], pair[1]);
            assertSameInitialWeights();
            Run a = api.studio.run("a"), b = api.studio.run("b");
            assertArrayEquals(a.data.train().x(), b.data.train().x(), "the same training inputs");
            assertArrayEquals(a.data.train().d(), b.data.train().d(), "the same training targets");
            assertArrayEquals(a.data.validation().x(), b.data.validation().x(), "the same validation inputs");
            assertArrayEquals(a.data.validation().d(), b.data.validation().d(), "the same validation targets");
            JsonNode r = report();
            assertTrue(r.get("sameData").asBoolean(), r.toString());
            assertTrue(r.get("sameInitialWeights").asBoolean(), r.toString());
            assertEquals(List.of(true, true, true), booleans(r.get("layersAlike")));
            assertEquals("same data; the same initial weights: all " + a.initial.paramCount() + " weights and biases", r.get("message").asText());
        }
        // the runs then go their own ways: the rules differ, and so do the weights after an epoch
        api.train("a", 1);
        api.train("b", 1);
        assertFalse(Arrays.equals(api.studio.run("a").snapshot().params(), api.studio.run("b").snapshot().params()));
        // another seed: other weights (and another split), which the report says
        setUp(common, "\"seed\":78", "");
        JsonNode r = report();
        assertFalse(r.get("sameData").asBoolean(), "the validation split is seeded too: " + r);
        assertFalse(r.get("sameInitialWeights").asBoolean());
        assertEquals(List.of(false, false, false), layersAlike());
        assertEquals(List.of(false, false, false), booleans(r.get("layersAlike")));
        assertTrue(r.get("message").asText().startsWith("different data"), r.toString());
    }

    @Test
    void runsWithDifferentNetworksShareTheLayersTheSeededStreamFillsAlike() throws Exception {
        String common = "\"dataset\":\"circles\",\"patterns\":100,\"seed\":5";
        // (settings of a, of b) → which layers start alike, by the rule in Studio.compare's Javadoc
        record Case(String common, String a, String b, List<Boolean> alike, String message) {}
        List<Case> cases = List.of(
                // the second hidden layer's size differs: layer 1 alike; layer 2 and the output drawn elsewhere in the stream, other shapes
                new Case(common + ",\"init\":\"auto\"", "\"hidden\":[4,4]", "\"hidden\":[4,3]", List.of(true, false, false),
                        "same data; different networks (2-4(tanh)-4(tanh)-1(logistic) and 2-4(tanh)-3(tanh)-1(logistic)): layer 1 starts with the same weights, the rest do not"),
                new Case(common + ",\"init\":\"uniform:0.5\"", "\"hidden\":[4,4]", "\"hidden\":[4,3]", List.of(true, false, false), null),
                // the same sizes, layer 2 relu on one side: auto draws it with He's range there and Xavier's here, the same
                // numbers from the stream scaled otherwise; the stream is then at the same place, so the output layer is alike
                new Case(common + ",\"init\":\"auto\",\"hidden\":[4,4]", "\"activations\":[\"tanh\",\"tanh\"]", "\"activations\":[\"tanh\",\"relu\"]",
                        List.of(true, false, true),
                        "same data; different networks (2-4(tanh)-4(tanh)-1(logistic) and 2-4(tanh)-4(relu)-1(logistic)): layers 1, 3 start with the same weights, the rest do not"),
                // Xavier's range depends on the sizes only: every layer alike although an activation differs
                new Case(common + ",\"init\":\"xavier\",\"hidden\":[4,4]", "\"activations\":[\"tanh\",\"tanh\"]", "\"activations\":[\"tanh\",\"gelu\"]",
                        List.of(true, true, true), null),
                // with vs without a hidden layer (the XOR preset): no layer of the same shape
                new Case("\"dataset\":\"xor\"", "\"hidden\":[2]", "\"hidden\":[]", List.of(false, false),
                        "same data; different networks (2-2(tanh)-1(logistic) and 2-1(logistic)): no layer starts with the same weights"));
        for (Case c : cases) {
            setUp(c.common(), c.a(), c.b());
            String what = c.a() + " vs " + c.b() + " with " + c.common();
            assertEquals(c.alike(), layersAlike(), what);
            JsonNode r = report();
            assertEquals(c.alike(), booleans(r.get("layersAlike")), what + ": " + r);
            assertTrue(r.get("sameData").asBoolean(), what);
            boolean sameShape = Arrays.equals(api.studio.run("a").initial.sizes(), api.studio.run("b").initial.sizes());
            assertEquals(sameShape && !c.alike().contains(false), r.get("sameInitialWeights").asBoolean(), what);
            if (c.message() != null) assertEquals(c.message(), r.get("message").asText(), what);
        }
    }

    @Test
    void theReportNeedsBothRuns() throws Exception {
        api.run("a", "{}");
        var r = api.get("/api/compare");
        assertEquals(400, r.statusCode());
        assertEquals("{\"error\":\"run 'b' has not been set up yet\"}", r.body());
    }
}
