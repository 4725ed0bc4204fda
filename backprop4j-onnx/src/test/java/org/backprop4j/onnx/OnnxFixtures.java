package org.backprop4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

/** Models, raw records and ONNX Runtime calls shared by the ONNX tests. */
final class OnnxFixtures {
    private OnnxFixtures() {}

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    /**
     * Raw data: per record, one value per attribute; numeric attributes hold a float (NaN =
     * missing), nominal ones a value index (−1 = missing).
     */
    record Raw(Schema schema, int m, double[][] values) {
        /** The data encoded as backprop4j's readers encode it: one-hot blocks, NaN blocks for missing. */
        float[] encoded() {
            int n = schema.encodedInputs();
            int[] off = schema.offsets();
            float[] x = new float[m * n];
            for (int p = 0; p < m; p++) {
                for (int a = 0; a < schema.inputs().size(); a++) {
                    Attribute at = schema.inputs().get(a);
                    double v = values[p][a];
                    if (!at.isNominal()) {
                        x[p * n + off[a]] = (float) v;
                    } else {
                        for (int k = 0; k < at.width(); k++) x[p * n + off[a] + k] = v < 0 ? Float.NaN : (k == (int) v ? 1f : 0f);
                    }
                }
            }
            return x;
        }

        /** The ONNX inputs: one [m, 1] tensor per attribute (strings for nominal ones; "?" = missing). */
        Map<String, OnnxTensor> onnxInputs() throws OrtException {
            Map<String, OnnxTensor> in = new HashMap<>();
            for (int a = 0; a < schema.inputs().size(); a++) {
                Attribute at = schema.inputs().get(a);
                if (at.isNominal()) {
                    String[] s = new String[m];
                    for (int p = 0; p < m; p++) s[p] = values[p][a] < 0 ? "?" : at.values().get((int) values[p][a]);
                    in.put(at.name(), OnnxTensor.createTensor(ENV, s, new long[] {m, 1}));
                } else {
                    float[][] f = new float[m][1];
                    for (int p = 0; p < m; p++) f[p][0] = (float) values[p][a];
                    in.put(at.name(), OnnxTensor.createTensor(ENV, f));
                }
            }
            return in;
        }
    }

    /** m random records; about 10% of the values missing if {@code missing}. */
    static Raw raw(Schema s, int m, boolean missing, long seed) {
        Rng r = new Rng(seed);
        double[][] v = new double[m][s.inputs().size()];
        for (int p = 0; p < m; p++) {
            for (int a = 0; a < s.inputs().size(); a++) {
                Attribute at = s.inputs().get(a);
                boolean miss = missing && r.uniform(0, 1) < 0.1;
                if (at.isNominal()) v[p][a] = miss ? -1 : Math.min(at.width() - 1, (int) (r.uniform(0, 1) * at.width()));
                else v[p][a] = miss ? Double.NaN : 3 * a + r.uniform(-2, 2) * (a + 1);   // columns of different centres and spreads
            }
        }
        return new Raw(s, m, v);
    }

    static Schema numericSchema(int inputs, Attribute target) {
        List<Attribute> in = new ArrayList<>();
        for (int j = 0; j < inputs; j++) in.add(Attribute.numeric("x" + (j + 1)));
        return new Schema(in, List.of(target));
    }

    /** A training set on the raw data: classes (or targets) from a random rule, for fitting the pipeline. */
    static DataSet trainingSet(Raw raw, long seed) {
        Rng r = new Rng(seed);
        Schema s = raw.schema();
        int outputs = s.encodedOutputs();
        boolean classification = s.isClassification();
        float[] x = raw.encoded();
        float[] d = new float[raw.m() * outputs];
        if (classification) {
            int k = s.classNames().size();
            for (int p = 0; p < raw.m(); p++) {
                int c = p % k;   // every class present
                d[p * outputs + c] = 1f;
            }
        } else {
            for (int i = 0; i < d.length; i++) d[i] = (float) (100 + 40 * r.uniform(-1, 1));
        }
        return new DataSet(x, d, s.encodedInputs(), outputs, s.classNames(), s.encodedInputNames(), s);
    }

    /** A model with random weights (the agreement does not need a trained network) and a fitted pipeline. */
    static final Provenance PROVENANCE = new Provenance(null, null, new Provenance.DataInfo("train.csv", 200, null),
            new Provenance.Environment("backprop4j test", "25", "Linux amd64", "scalar", "2026-12-07T00:00:00Z"));

    /**
     * A model with random weights (the agreement does not need a trained network) and a pipeline fitted
     * on the training set; with one output unit for two classes, on the training set with its target
     * as one 0/1 column (P(second class)), schema kept: nominal inputs stay raw strings in the graph.
     */
    static Model model(Raw raw, DataSet train, Pipeline.Options o, Activation hidden, Activation out, int outputs, Loss loss, long seed) {
        Network net = Network.builder(train.inputs()).layer(7, hidden).layer(5, Activation.TANH.equals(hidden) ? Activation.RELU : hidden)
                .layer(outputs, out).build(Init.xavier(), seed);
        Schema s = raw.schema();
        DataSet fitOn = train;
        if (outputs != train.outputs()) {
            float[] d1 = new float[train.size()];
            for (int p = 0; p < train.size(); p++) d1[p] = train.d()[p * train.outputs() + 1];
            fitOn = train.withTargets(d1, 1, train.classNames());
        }
        Pipeline p = Pipeline.fit(fitOn, o);
        List<String> targetNames = s.targets().stream().map(Attribute::name).toList();
        return Model.builder(net, loss).pipeline(p).classNames(s.classNames()).targetNames(targetNames).provenance(PROVENANCE).build();
    }

    /** backprop4j's own outputs for raw encoded rows (preprocessing, forward pass, targets mapped back). */
    static float[] libraryOutputs(Model model, float[] x, int m) {
        return model.outputs(x, m);
    }

    /** Runs an ONNX model in ONNX Runtime; returns every output by name (float[][] or String[]). */
    static Map<String, Object> run(byte[] onnx, Map<String, OnnxTensor> inputs) throws OrtException {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession s = ENV.createSession(onnx, so); OrtSession.Result r = s.run(inputs)) {
                Map<String, Object> out = new HashMap<>();
                for (Map.Entry<String, OnnxValue> e : r) out.put(e.getKey(), e.getValue().getValue());
                return out;
            } finally {
                for (OnnxTensor t : inputs.values()) t.close();
            }
        }
    }

    static Map<String, OnnxTensor> single(float[] x, int m, int n) throws OrtException {
        return Map.of(OnnxExporter.INPUT, OnnxTensor.createTensor(ENV, java.nio.FloatBuffer.wrap(x), new long[] {m, n}));
    }
}
