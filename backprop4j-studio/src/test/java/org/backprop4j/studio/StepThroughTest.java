package org.backprop4j.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backprop4j.Loss;
import org.backprop4j.data.JacobsExample;
import org.backprop4j.reference.Explainer;
import org.backprop4j.reference.ReferenceNetwork;
import org.junit.jupiter.api.Test;

/** The step-through panel in a real browser shows Jacobs' example with exactly explain --jacobs's numbers. */
class StepThroughTest extends BrowserTest {
    /**
     * Every number {@code explain --jacobs} prints, keyed as the page keys them (kind:layer:unit[:input]).
     * ExplainCommand --jacobs prints exactly this Explainer text (backprop4j-cli's StudioExportTest runs the command itself).
     */
    static Map<String, String> explainValues() {
        String text = Explainer.explain(new ReferenceNetwork(JacobsExample.network(), Loss.SSE), JacobsExample.X, JacobsExample.D);
        Map<String, String> v = new LinkedHashMap<>();
        int gradLayer = -1;
        Map<String, Integer> layers = Map.of("input", 0, "hidden", 1, "output", 2);
        for (String line : text.split("\n")) {
            Matcher m;
            if ((m = Pattern.compile("^  input   o_(\\d+) = x_\\d+ = (\\S+)$").matcher(line)).find()) {
                v.put("o:0:" + (Integer.parseInt(m.group(1)) - 1), m.group(2));
            } else if ((m = Pattern.compile("^  (hidden|output)\\s+unit (\\d+): net = (\\S+), o = \\w+\\(net\\) = (\\S+)$").matcher(line)).find()) {
                String k = layers.get(m.group(1)) + ":" + (Integer.parseInt(m.group(2)) - 1);
                v.put("net:" + k, m.group(3));
                v.put("o:" + k, m.group(4));
            } else if ((m = Pattern.compile("error E_p = (\\S+) ").matcher(line)).find()) {
                v.put("error", m.group(1));
            } else if ((m = Pattern.compile("^  (hidden|output)\\s+unit (\\d+): δ = .* = (\\S+)$").matcher(line)).find()) {
                v.put("delta:" + layers.get(m.group(1)) + ":" + (Integer.parseInt(m.group(2)) - 1), m.group(3));
            } else if ((m = Pattern.compile("^  (input|hidden) → (hidden|output)$").matcher(line)).find()) {
                gradLayer = layers.get(m.group(2));
            } else if ((m = Pattern.compile("^    w_(\\d)(\\d) = \\S+: ∂E/∂w = .* = (\\S+)$").matcher(line)).find()) {
                v.put("grad:" + gradLayer + ":" + (Integer.parseInt(m.group(1)) - 1) + ":" + (Integer.parseInt(m.group(2)) - 1), m.group(3));
            } else if ((m = Pattern.compile("^    b_(\\d)\\s+= \\S+: ∂E/∂b = .* = (\\S+)$").matcher(line)).find()) {
                v.put("grad:" + gradLayer + ":" + (Integer.parseInt(m.group(1)) - 1) + ":2", m.group(2));   // the bias: input index n_{l−1} = 2
            }
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    Map<String, String> panelValues() {
        List<List<String>> rows = (List<List<String>>) b.js(
                "return [...document.querySelectorAll('#stepPanel .value')].map(e => [e.dataset.key, e.textContent])");
        Map<String, String> m = new LinkedHashMap<>();
        for (List<String> r : rows) m.put(r.get(0), r.get(1));
        return m;
    }

    @Test
    void jacobsPresetShowsExplainsNumbersStageByStage() throws Exception {
        Map<String, String> explain = explainValues();
        assertEquals(2 + 8 + 1 + 4 + 12, explain.size(), "explain's values parsed: " + explain);   // inputs, net and o, E_p, δ, ∂E/∂w
        b.click("tab-step");
        b.select("stepSource", "jacobs");
        b.click("stepLoad");
        b.waitFor("the forward pass", 10, () -> panelValues().containsKey("o:2:1"));
        // stage 1 shows the forward pass only: no deltas yet
        assertFalse(panelValues().containsKey("delta:2:0"));
        assertTrue(b.text("stepPanel").contains("logistic(4.000000)"), "the substituted formula");
        b.screenshot("step-through-forward");
        for (int stage = 2; stage <= 5; stage++) {
            b.click("stepNext");
            int s = stage;
            b.waitFor("stage " + s, 5, () -> b.text("stepStage").startsWith("stage " + s + " of 5"));
        }
        Map<String, String> panel = panelValues();
        for (Map.Entry<String, String> e : explain.entrySet()) {
            assertEquals(e.getValue(), panel.get(e.getKey()), "value " + e.getKey() + " on the page and in explain --jacobs");
        }
        // Jacobs' own three-decimal figures (seed 003): h1 = 0.982, h2 = 0.998, both outputs 0.984, output derivatives 1.0 − 0.984 and 0.0 − 0.984
        assertEquals("0.982", round3(panel.get("o:1:0")));
        assertEquals("0.998", round3(panel.get("o:1:1")));
        assertEquals("0.984", round3(panel.get("o:2:0")));
        assertEquals("0.984", round3(panel.get("o:2:1")));
        assertEquals("0.016", round3(panel.get("delta:2:0")));
        assertEquals("-0.984", round3(panel.get("delta:2:1")));
        assertEquals("4.000000", panel.get("net:1:0"));
        assertEquals("6.000000", panel.get("net:1:1"));
        // the update stage: w_tu + η·δ_t·o_u for every weight and bias (η = 0.1 on the page), from the reference engine
        double eta = 0.1;
        ReferenceNetwork ref = new ReferenceNetwork(JacobsExample.network(), Loss.SSE);
        ReferenceNetwork.Pattern p = ref.backward(JacobsExample.X, JacobsExample.D);
        int updates = 0;
        for (int l = 1; l <= 2; l++) {
            for (int t = 0; t < 2; t++) {
                for (int u = 0; u <= 2; u++) {
                    double w = u < 2 ? ref.weight(l, t, u) : ref.bias(l, t);
                    double o = u < 2 ? p.o[l - 1][u] : 1;
                    assertEquals(fmt(w + eta * p.delta[l][t] * o), panel.get("new:" + l + ":" + t + ":" + u), "updated weight " + l + ":" + t + ":" + u);
                    updates++;
                }
            }
        }
        assertEquals(12, updates);
        b.screenshot("step-through-update");
    }

    static String round3(String v) {
        return String.format(Locale.ROOT, "%.3f", Double.parseDouble(v));
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
