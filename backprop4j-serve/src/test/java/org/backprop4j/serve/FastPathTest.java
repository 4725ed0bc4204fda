package org.backprop4j.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.Attribute;
import org.backprop4j.io.ModelFile;
import org.backprop4j.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's fast paths against its tree paths: for every body the scanner takes, the tree's rows;
 * every body it declines goes to the tree, which answers as before; the byte writer writes the tree
 * writer's text.
 */
class FastPathTest {
    @TempDir
    Path dir;

    static final ObjectMapper JSON = PredictionServer.mapper();
    /** Numeric, nominal with text values, nominal with number-like values ("4", "6", "8"). */
    static final List<Attribute> INPUTS = List.of(Attribute.numeric("age"), Attribute.nominal("colour", List.of("red", "green", "blue")),
            Attribute.numeric("height"), Attribute.nominal("cylinders", List.of("4", "6", "8")));

    ServedModel served(Model m) throws IOException {
        Path f = dir.resolve("m.json");
        ModelFile.write(m, f);
        return ServedModel.load(f);
    }

    /** The scanner's rows, or null where it declines (malformed JSON included). */
    static ServedModel.Rows fast(ServedModel m, String body, int max) {
        return m.scanner.scan(body.getBytes(StandardCharsets.UTF_8), max);
    }

    /** The tree parser's rows, or its error as "status message". */
    static Object tree(ServedModel m, String body, int max) {
        try {
            return m.parseTree(JSON, body.getBytes(StandardCharsets.UTF_8), max);
        } catch (ServedModel.BadRequest b) {
            return b.status + " " + b.getMessage();
        }
    }

    /** Asserts the agreement; returns whether the streaming parser took the body. */
    static boolean agree(ServedModel m, String body, int max) {
        ServedModel.Rows f = fast(m, body, max);
        Object t = tree(m, body, max);
        if (f == null) return false;
        assertTrue(t instanceof ServedModel.Rows, () -> body + ": the scanner took it, the tree says " + t);
        ServedModel.Rows r = (ServedModel.Rows) t;
        assertEquals(r.m(), f.m(), body);
        assertEquals(r.batch(), f.batch(), body);
        assertArrayEquals(r.x(), f.x(), body);   // float[] equality compares bits (NaN included)
        return true;
    }

    static String rec(Rng r, boolean shuffle, String extra) {
        List<String> fs = new ArrayList<>();
        fs.add("\"age\": " + (r.uniform(0, 1) < 0.1 ? "null" : r.uniform(0, 1) < 0.3 ? Integer.toString((int) r.uniform(-100, 100))
                : Double.toString(r.uniform(-1e3, 1e3))));
        fs.add("\"colour\": " + (r.uniform(0, 1) < 0.1 ? "null" : "\"" + List.of("red", "green", "blue").get((int) r.uniform(0, 2.999)) + "\""));
        fs.add("\"height\": " + (r.uniform(0, 1) < 0.5 ? Float.toString((float) r.uniform(0, 200)) : String.format(java.util.Locale.ROOT, "%.6e", r.uniform(-1e30, 1e30))));
        String cyl = List.of("4", "6", "8").get((int) r.uniform(0, 2.999));
        fs.add("\"cylinders\": " + (r.uniform(0, 1) < 0.5 ? cyl : "\"" + cyl + "\""));
        if (extra != null) fs.add(extra);
        if (shuffle) java.util.Collections.shuffle(fs, new java.util.Random((long) r.uniform(0, 1e9)));
        return "{" + String.join(", ", fs) + "}";
    }

    static String batch(Rng r, int n, boolean shuffle, String extra) {
        List<String> recs = new ArrayList<>();
        for (int i = 0; i < n; i++) recs.add(rec(r, shuffle, extra));
        return "[" + String.join(",", recs) + "]";
    }

    @Test
    void wellFormedRequestsTakeTheScannerWithTheTreesRows() throws Exception {
        ServedModel m = served(ServerFixtures.classifier(3, INPUTS));
        Rng r = new Rng(7);
        for (int i = 0; i < 200; i++) {
            boolean shuffle = i % 2 == 1;
            String extra = i % 5 == 0 ? "\"class\": \"b\"" : i % 5 == 1 ? "\"class\": null" : i % 5 == 2 ? "\"class\": 2.5" : null;
            String b = switch (i % 3) {
                case 0 -> rec(r, shuffle, extra);
                case 1 -> batch(r, 1 + i % 40, shuffle, extra);
                default -> "{\"records\": " + batch(r, 1 + i % 7, shuffle, extra) + "}";
            };
            assertTrue(agree(m, b, 100), () -> "the scanner declined a well-formed body: " + b);
        }
    }

    @Test
    void anythingElseIsLeftToTheTreeOrParsedTheSameWay() throws Exception {
        ServedModel m = served(ServerFixtures.classifier(3, INPUTS));
        Rng r = new Rng(8);
        String good = "{\"age\": 3, \"colour\": \"red\", \"height\": 12.5, \"cylinders\": 6}";
        String[] declined = {
            "", "   ", "42", "\"x\"", "null", "[]", "{}", "[" + good + ", 7]", "[" + good + "," + good,
            good.replace("\"age\"", "\"agee\""), good.replace("3,", "\"3\","), good.replace("3,", "true,"), good.replace("3,", "[3],"),
            good.replace("\"red\"", "\"purple\""), good.replace("\"red\"", "\"Red\""), good.replace("\"red\"", "\"re\""),
            good.replace("\"red\"", "\"redd\""), good.replace("\"red\"", "1"), good.replace(": 6}", ": 6.0}"), good.replace(": 6}", ": 5}"),
            good.replace(": 6}", ": 60000000000}"), good.replace(", \"cylinders\": 6", ""), good.replace("}", ", \"age\": 4}"),
            good.replace("12.5", "1e39"), good.replace("12.5", "-1e39"), good.replace("12.5", "NaN"),
            "{\"records\": 5}", "{\"records\": " + good + "}", "{\"records\": [" + good + "], \"age\": 1}",
            "{\"records\": [" + good + "], \"records\": [" + good + "]}", "{\"records\": []}",
            "[" + String.join(",", java.util.Collections.nCopies(11, good)) + "]",
        };
        for (String b : declined) {
            assertNull(fast(m, b, 10), b);
            agree(m, b, 10);
        }
        // what the tree accepts beyond the fast path still answers (a duplicate field: the last one counts)
        assertTrue(tree(m, good.replace("}", ", \"age\": 4}"), 10) instanceof ServedModel.Rows);
        // trailing content after the first value is ignored by both, as by the tree before
        assertTrue(agree(m, good + " garbage", 10));
        assertTrue(agree(m, batch(r, 3, false, null) + "]", 10));
        // escapes, a byte-order mark, other encodings, long target strings: the tree
        for (String b : new String[] {good.replace("\"red\"", "\"r\\u0065d\""), good.replace("\"age\"", "\"ag\\u0065\""), "\uFEFF" + good,
                good.replace("}", ", \"class\": \"" + "x".repeat(2000) + "\"}"), good.replace("}", ", \"class\": \"\u00e9\"}"),
                good.replace("3,", "-0,").replace("6}", "-0}"), good.replace("3,", "03,"), good.replace("3,", "+3,"), good.replace("3,", ".5,"),
                good.replace("3,", "3.,"), good.replace("3,", "3e,"), good.replace("3,", "3x,"), good.replace("null", "nul"),
                good.replace("3,", "1" + "0".repeat(70) + ","), good.replace("}", ", \"class\": [1, {\"x\": [2]}]}"), good.replace("12.5", "[12.5]"), good.replace("12.5", "{}")}) {
            agree(m, b, 10);
        }
        assertNull(fast(m, "\uFEFF" + good, 10));
        assertTrue(agree(m, new String(good.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).replace("\"age\": 3", "\"age\": -0"), 10));
        assertTrue(agree(m, good.replace("}", ", \"class\": \"b\"}"), 10));
        assertTrue(agree(m, good.replace("}", ", \"class\": true}"), 10));
        assertTrue(agree(m, good.replace("}", ", \"class\": -1.5e3}"), 10));
        assertTrue(agree(m, " \n\t\r" + good.replace(": ", " \n:\t").replace(", ", " ,\r\n"), 10));
        // the largest float and integers beyond long
        assertTrue(agree(m, good.replace("12.5", "3.4028234663852886E38"), 10));
        assertTrue(agree(m, good.replace("12.5", "123456789012345678901234567890"), 10));
        assertTrue(agree(m, good.replace("12.5", "-0.0"), 10));
        assertTrue(agree(m, good.replace("12.5", "1.40129846e-45"), 10));
    }

    /** Numbers in every JSON form: the scanner's float is the tree's, bit for bit (or it declines). */
    @Test
    void numbersAreTheTreesNumbers() throws Exception {
        ServedModel m = served(ServerFixtures.classifier(5, INPUTS));
        Rng r = new Rng(11);
        int taken = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder n = new StringBuilder();
            if (r.uniform(0, 1) < 0.5) n.append('-');
            int intDigits = (int) r.uniform(1, 22);
            for (int d = 0; d < intDigits; d++) n.append(d == 0 && intDigits > 1 ? (char) ('1' + (int) r.uniform(0, 8.999)) : (char) ('0' + (int) r.uniform(0, 9.999)));
            if (r.uniform(0, 1) < 0.7) {
                n.append('.');
                int frac = (int) r.uniform(1, 24);
                for (int d = 0; d < frac; d++) n.append((char) ('0' + (int) r.uniform(0, 9.999)));
            }
            if (r.uniform(0, 1) < 0.4) {
                n.append(r.uniform(0, 1) < 0.5 ? 'e' : 'E');
                double sg = r.uniform(0, 1);
                if (sg < 0.3) n.append('-');
                else if (sg < 0.5) n.append('+');
                n.append((int) r.uniform(0, 60));
            }
            String b = "{\"age\": " + n + ", \"colour\": \"red\", \"height\": " + (float) r.uniform(-1e6, 1e6) + ", \"cylinders\": \"4\"}";
            if (agree(m, b, 10)) taken++;
        }
        // all but the out-of-float-range ones go the fast way
        assertTrue(taken > 15_000, "taken " + taken);
        // Float.toString of random floats (what clients that hold floats send) and Double.toString of doubles
        for (int i = 0; i < 5_000; i++) {
            float f = Float.intBitsToFloat((int) (r.uniform(0, 1) * 0x7F7FFFFF)) * (i % 2 == 0 ? 1 : -1);
            double d = Double.longBitsToDouble((long) (r.uniform(0, 1) * 0x47EFFFFFE0000000L));
            String b = "{\"age\": " + f + ", \"colour\": \"red\", \"height\": " + d + ", \"cylinders\": \"4\"}";
            assertTrue(agree(m, b, 10), b);
        }
    }

    /**
     * The byte writer writes what the tree writer wrote before, but for the digits of numbers: the same
     * layout, names, labels and strings, and every number reads back as the same float (FloatWriter).
     */
    @Test
    void theByteWriterWritesTheTreesJson() throws Exception {
        Model model = ServerFixtures.classifier(4, INPUTS);
        ServedModel m = served(model);
        Rng r = new Rng(9);
        float[] o = new float[5 * 3];
        for (int i = 0; i < o.length; i++) o[i] = (float) r.uniform(0, 1);
        o[4] = Float.MIN_VALUE;
        o[5] = 1e-7f;
        o[6] = Float.NaN;
        o[7] = Float.NEGATIVE_INFINITY;
        ServedModel.Answer out = m.answer(o, 5, true);
        ObjectNode want = JSON.createObjectNode();
        var preds = want.putArray("predictions");
        for (int p = 0; p < 5; p++) {
            ObjectNode pr = preds.addObject();
            pr.put("label", model.classNames().get(org.backprop4j.metrics.Evaluation.predictedClass(o, p * 3, 3)));
            ObjectNode probs = pr.putObject("probabilities");
            for (int c = 0; c < 3; c++) probs.put(model.classNames().get(c), o[p * 3 + c]);
        }
        assertSameAnswer(JSON.writeValueAsString(want), text(out));
        JsonNode back = JSON.readTree(out.bytes(), 0, out.length());
        for (int p = 0; p < 5; p++) {
            for (Map.Entry<String, JsonNode> e : back.get("predictions").get(p).get("probabilities").properties()) {
                int c = model.classNames().indexOf(e.getKey());
                float got = e.getValue().isTextual() ? Float.parseFloat(e.getValue().asText()) : e.getValue().floatValue();
                assertEquals(Float.floatToIntBits(o[p * 3 + c]), Float.floatToIntBits(got));
            }
        }
        ServedModel.Answer one = m.answer(o, 1, false);
        assertSameAnswer(JSON.writeValueAsString(preds.get(0)), text(one));
        assertNotNull(back);
    }

    /** Regression outputs, a single logistic output, and names that JSON escapes are written as the tree writes them. */
    @Test
    void otherModelsAndEscapedNamesToo() throws Exception {
        Network logistic = Network.builder(2).layer(3, Activation.TANH).layer(1, Activation.LOGISTIC).build(Init.xavier(), 1);
        ServedModel lm = served(Model.builder(logistic, Loss.BINARY_CROSS_ENTROPY).classNames(List.of("n\"o", "yé\\s")).build());
        float[] o = {0.25f, 0.75f, Float.NaN};
        ArrayNode want = JSON.createArrayNode();
        for (float p : o) {
            ObjectNode r = want.addObject();
            r.put("label", p >= 0.5f ? "yé\\s" : "n\"o");
            ObjectNode probs = r.putObject("probabilities");
            probs.put("n\"o", 1f - p);
            probs.put("yé\\s", p);
        }
        assertSameAnswer(JSON.writeValueAsString(JSON.createObjectNode().set("predictions", want)), text(lm.answer(o, 3, true)));
        Network reg = Network.builder(2).layer(3, Activation.TANH).layer(2, Activation.IDENTITY).build(Init.xavier(), 1);
        ServedModel rm = served(Model.builder(reg, Loss.MSE).targetNames(List.of("pri\"ce", "\u00e9t\u0001")).build());
        float[] y = {12.5f, -3e-20f, Float.MAX_VALUE, -0f};
        want = JSON.createArrayNode();
        for (int p = 0; p < 2; p++) {
            ObjectNode outs = want.addObject().putObject("outputs");
            outs.put("pri\"ce", y[2 * p]);
            outs.put("\u00e9t\u0001", y[2 * p + 1]);
        }
        assertSameAnswer(JSON.writeValueAsString(JSON.createObjectNode().set("predictions", want)), text(rm.answer(y, 2, true)));
        assertSameAnswer(JSON.writeValueAsString(want.get(0)), text(rm.answer(y, 1, false)));
        // input fields named x1, x2 (no schema): taken by the scanner; the same rows as the tree
        assertTrue(agree(rm, "{\"x1\": 1.5, \"x2\": null}", 10));
        assertTrue(agree(rm, "[{\"x1\": 1.5, \"x2\": -2}, {\"x2\": 3, \"x1\": 4e-3, \"pri\\\"ce\": 7}]", 10) == false);
        assertTrue(tree(rm, "[{\"x1\": 1.5, \"x2\": -2}, {\"x2\": 3, \"x1\": 4e-3, \"pri\\\"ce\": 7}]", 10) instanceof ServedModel.Rows);
    }

    /** The same JSON text but for how numbers are spelled: each reads back (as a float) bit for bit the same. */
    static void assertSameAnswer(String tree, String written) throws Exception {
        String same = sameJson(JSON.readTree(tree), JSON.readTree(written), "$");
        if (same != null) throw new AssertionError(same + "\n tree:    " + tree + "\n written: " + written);
        // and the text is the tree's once numbers are taken out: no other difference in layout
        assertEquals(tree.replaceAll("-?[0-9][0-9.E-]*", "#"), written.replaceAll("-?[0-9][0-9.E-]*", "#"));
    }

    static String sameJson(JsonNode a, JsonNode b, String at) {
        if (a.getNodeType() != b.getNodeType()) return at + ": " + a + " against " + b;
        if (a.isNumber()) {
            return Float.floatToIntBits(a.floatValue()) == Float.floatToIntBits(b.floatValue()) ? null : at + ": " + a + " against " + b;
        }
        if (a.isObject()) {
            List<String> na = new java.util.ArrayList<>(), nb = new java.util.ArrayList<>();
            a.fieldNames().forEachRemaining(na::add);
            b.fieldNames().forEachRemaining(nb::add);
            if (!na.equals(nb)) return at + ": fields " + na + " against " + nb;
            for (String n : na) {
                String d = sameJson(a.get(n), b.get(n), at + "." + n);
                if (d != null) return d;
            }
            return null;
        }
        if (a.isArray()) {
            if (a.size() != b.size()) return at + ": " + a.size() + " elements against " + b.size();
            for (int i = 0; i < a.size(); i++) {
                String d = sameJson(a.get(i), b.get(i), at + "[" + i + "]");
                if (d != null) return d;
            }
            return null;
        }
        return a.equals(b) ? null : at + ": " + a + " against " + b;
    }

    static String text(ServedModel.Answer a) {
        return new String(a.bytes(), 0, a.length(), StandardCharsets.UTF_8);
    }
}
