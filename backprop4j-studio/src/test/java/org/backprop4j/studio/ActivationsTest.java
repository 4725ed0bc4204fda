package org.backprop4j.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.backprop4j.Activation;
import org.backprop4j.Network;
import org.backprop4j.reference.ReferenceNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The network editor offers every hidden activation of the library, and each one trains through the
 * HTTP API: the run's loss falls, its pictures are drawn, and the step-through of a pattern shows the
 * reference engine's numbers (GELU's and sin's f' need net, not only o).
 */
class ActivationsTest {
    Api api;

    @BeforeEach
    void start() throws Exception {
        api = new Api();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** Every activation of the library but softmax (output layer only), by its id. */
    static List<String> libraryHiddenActivations() {
        return Arrays.stream(Activation.values()).filter(a -> a != Activation.SOFTMAX).map(Activation::id).toList();
    }

    @Test
    void theEditorOffersEveryHiddenActivationOfTheLibrary() throws Exception {
        assertEquals(libraryHiddenActivations().stream().sorted().toList(), RunConfig.HIDDEN_ACTIVATIONS.stream().sorted().toList());
        List<String> offered = new ArrayList<>();
        for (JsonNode a : api.getOk("/api/meta").get("hiddenActivations")) offered.add(a.asText());
        assertEquals(RunConfig.HIDDEN_ACTIVATIONS, offered, "what the page's selects list");
    }

    @Test
    void eachHiddenActivationCanBeChosenAndTrains() throws Exception {
        for (String f : libraryHiddenActivations()) {
            // two hidden layers of f on the two Gaussian blobs (separable: 1.4 apart, sd 0.15), one logistic output, plain GD
            JsonNode d = api.run("main", "{\"dataset\":\"blobs\",\"patterns\":100,\"noise\":0,\"validation\":0,\"hidden\":[4,3],\"activations\":[\""
                    + f + "\",\"" + f + "\"],\"optimizerParams\":{\"lr\":0.5},\"speed\":0,\"maxEpochs\":100000,\"seed\":3}");
            assertEquals("[\"" + f + "\",\"" + f + "\",\"logistic\"]", d.get("activations").toString(), f);
            Run r = api.studio.run("main");
            Activation a = Activation.parse(f);
            assertEquals(a, r.network.activation(1), f);
            assertEquals(a, r.network.activation(2), f);
            Run.Snapshot s = api.train("main", 300);
            assertEquals(300, s.epoch(), f + ": " + r.stopReason());
            List<double[]> h = r.history(0, 300);
            assertTrue(h.get(299)[1] < h.get(0)[1] / 2, f + ": the loss falls by half at least: " + h.get(0)[1] + " → " + h.get(299)[1]);
            JsonNode frame = r.surfaces.frame(s.params());
            // separable blobs, 300 epochs: every pattern right whatever the activation (checked for each, seed 3)
            assertEquals(1.0, frame.get("trainAccuracy").asDouble(), f);
            assertEquals(3, frame.get("units").size(), f + ": a picture per layer");
            assertEquals(4, frame.get("units").get(0).size(), f + ": a picture per unit");

            // the step-through of pattern 1 through the trained weights: every δ and o is the reference engine's
            JsonNode st = api.postOk("/api/stepthrough", "{\"source\":\"run\",\"pattern\":1,\"eta\":0.5}");
            Network net = r.network.copy();
            net.setParams(s.params());
            ReferenceNetwork ref = new ReferenceNetwork(net, r.loss);
            double[] x = {r.data.train().x()[0], r.data.train().x()[1]}, t = {r.data.train().d()[0]};
            ReferenceNetwork.Pattern p = ref.backward(x, t);
            Map<String, JsonNode> lines = new HashMap<>();
            for (JsonNode stage : st.get("stages")) for (JsonNode line : stage.get("lines")) lines.put(line.get("key").asText(), line);
            int checked = 0;
            for (int l = 1; l <= 3; l++) {
                for (int j = 0; j < net.size(l); j++) {
                    assertEquals(num(p.o[l][j]), lines.get("o:" + l + ":" + j).get("value").asText(), f + " o " + l + ":" + j);
                    assertEquals(num(p.delta[l][j]), lines.get("delta:" + l + ":" + j).get("value").asText(), f + " δ " + l + ":" + j);
                    if (l < 3) {
                        // the substituted formula ends with f'(net_j), from net (GELU, sin) or o (the rest)
                        String sub = lines.get("delta:" + l + ":" + j).get("substituted").asText();
                        assertTrue(sub.endsWith(")·" + num(a.derivative(p.net[l][j], p.o[l][j]))), f + " f' of " + l + ":" + j + ": " + sub);
                    }
                    checked++;
                }
            }
            assertEquals(8, checked);
        }
    }

    @Test
    void aHiddenActivationTheLibraryDoesNotHaveIsRefusedByName() throws Exception {
        var r = api.post("/api/run", "{\"run\":\"main\",\"config\":{\"hidden\":[2,2],\"activations\":[\"tanh\",\"swish\"]}}");
        assertEquals(400, r.statusCode());
        assertEquals("hidden layer 2 activation: expected one of " + RunConfig.HIDDEN_ACTIVATIONS + ", not 'swish'",
                Studio.JSON.readTree(r.body()).get("error").asText());
        assertNotEquals(-1, RunConfig.HIDDEN_ACTIVATIONS.indexOf("sin"));
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
