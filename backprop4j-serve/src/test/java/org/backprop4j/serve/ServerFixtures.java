package org.backprop4j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.Attribute;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.Schema;
import org.backprop4j.model.Model;
import org.backprop4j.model.Provenance;

/** Models, random raw records and the library's own predictions for the server tests. */
final class ServerFixtures {
    private ServerFixtures() {}

    static final ObjectMapper JSON = new ObjectMapper();
    static final Attribute CLASS = Attribute.nominal("class", List.of("a", "b", "c"));
    static final List<Attribute> INPUTS = List.of(Attribute.numeric("age"), Attribute.nominal("colour", List.of("red", "green", "blue")),
            Attribute.numeric("height"), Attribute.nominal("size", List.of("S", "M", "L")));

    /** A record: per attribute a Double (NaN = missing) or a value index (−1 = missing). */
    static double[] record(Rng r, List<Attribute> in) {
        double[] v = new double[in.size()];
        for (int a = 0; a < in.size(); a++) {
            boolean miss = r.uniform(0, 1) < 0.05;
            if (in.get(a).isNominal()) v[a] = miss ? -1 : Math.min(in.get(a).width() - 1, (int) (r.uniform(0, 1) * in.get(a).width()));
            else v[a] = miss ? Double.NaN : 10 * a + r.uniform(-5, 5);
        }
        return v;
    }

    static ObjectNode json(double[] v, List<Attribute> in) {
        ObjectNode o = JSON.createObjectNode();
        for (int a = 0; a < in.size(); a++) {
            Attribute at = in.get(a);
            if (at.isNominal()) {
                if (v[a] < 0) o.putNull(at.name());
                else o.put(at.name(), at.values().get((int) v[a]));
            } else if (Double.isNaN(v[a])) {
                o.putNull(at.name());
            } else {
                o.put(at.name(), v[a]);
            }
        }
        return o;
    }

    /** The rows as the library's readers encode them (one-hot; NaN for missing). */
    static float[] encode(List<double[]> recs, List<Attribute> in) {
        Schema s = new Schema(in, List.of(CLASS));
        int n = s.encodedInputs();
        int[] off = s.offsets();
        float[] x = new float[recs.size() * n];
        for (int p = 0; p < recs.size(); p++) {
            for (int a = 0; a < in.size(); a++) {
                double v = recs.get(p)[a];
                if (!in.get(a).isNominal()) x[p * n + off[a]] = (float) v;   // JSON carries the double; the server rounds it to float once
                else for (int k = 0; k < in.get(a).width(); k++) x[p * n + off[a] + k] = v < 0 ? Float.NaN : (k == (int) v ? 1f : 0f);
            }
        }
        return x;
    }

    /** A classification model on INPUTS with random weights and a pipeline fitted on random records. */
    static Model classifier(long seed) {
        return classifier(seed, INPUTS);
    }

    /** A classification model on these inputs, as {@link #classifier(long)}. */
    static Model classifier(long seed, List<Attribute> inputs) {
        Rng r = new Rng(seed);
        List<double[]> recs = new ArrayList<>();
        for (int p = 0; p < 300; p++) recs.add(record(r, inputs));
        float[] x = encode(recs, inputs);
        Schema s = new Schema(inputs, List.of(CLASS));
        float[] d = new float[300 * 3];
        for (int p = 0; p < 300; p++) d[p * 3 + p % 3] = 1;
        DataSet ds = new DataSet(x, d, s.encodedInputs(), 3, CLASS.values(), s.encodedInputNames(), s);
        Pipeline pl = Pipeline.fit(ds, Pipeline.Options.standardize());
        Network net = Network.builder(ds.inputs()).layer(32, Activation.TANH).layer(3, Activation.SOFTMAX).build(Init.xavier(), seed);
        return Model.builder(net, Loss.CROSS_ENTROPY).pipeline(pl).classNames(CLASS.values()).targetNames(List.of("class"))
                .provenance(new Provenance(null, null, new Provenance.DataInfo("train.csv", 300, null),
                        new Provenance.Environment("backprop4j test", "25", "Linux amd64", "scalar", "2026-12-07T00:00:00Z"))).build();
    }

    /** The library's outputs for the records (preprocessing, then the forward pass on the same batch). */
    static float[] libraryOutputs(Model m, List<double[]> recs) {
        return m.outputs(encode(recs, INPUTS), recs.size());
    }

    /** The request body for the records: one object, or an array. */
    static String body(List<double[]> recs, boolean single) {
        if (single) return json(recs.get(0), INPUTS).toString();
        ArrayNode a = JSON.createArrayNode();
        for (double[] v : recs) a.add(json(v, INPUTS));
        return a.toString();
    }

    /** Null if the answer is exactly the library's prediction, else what differs. */
    static String check(Model m, float[] lib, JsonNode answer, boolean single) {
        int k = m.network().outputs();
        List<JsonNode> preds = new ArrayList<>();
        if (single) preds.add(answer);
        else answer.get("predictions").forEach(preds::add);
        if (preds.size() * k != lib.length) return "answered " + preds.size() + " predictions for " + lib.length / k + " records";
        for (int p = 0; p < preds.size(); p++) {
            JsonNode pr = preds.get(p);
            String want = m.classNames().get(org.backprop4j.metrics.Evaluation.predictedClass(lib, p * k, k));
            if (!want.equals(pr.path("label").asText())) return "record " + p + ": label " + pr.path("label") + ", library " + want;
            for (int c = 0; c < k; c++) {
                float got = pr.path("probabilities").path(m.classNames().get(c)).floatValue();
                if (Float.floatToIntBits(got) != Float.floatToIntBits(lib[p * k + c])) {
                    return "record " + p + " class " + c + ": " + got + ", library " + lib[p * k + c];
                }
            }
        }
        return null;
    }
}
