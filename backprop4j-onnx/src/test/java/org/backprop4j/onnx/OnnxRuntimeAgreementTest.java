package org.backprop4j.onnx;

import static org.backprop4j.onnx.OnnxFixtures.libraryOutputs;
import static org.backprop4j.onnx.OnnxFixtures.raw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.backprop4j.Activation;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.Attribute;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.Pipeline.Scaling;
import org.backprop4j.data.Schema;
import org.backprop4j.model.Model;
import org.backprop4j.onnx.proto.OnnxProto.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every exported graph runs in ONNX Runtime and gives backprop4j's own outputs on every test record,
 * every value: for every activation (hidden and output), every loss/output pairing, scaled and
 * unscaled regression targets, and nominal inputs with missing values.
 */
class OnnxRuntimeAgreementTest {
    static final int M = 300;
    static final Attribute CLASS3 = Attribute.nominal("class", List.of("a", "b", "c"));
    static final Attribute CLASS2 = Attribute.nominal("class", List.of("no", "yes"));

    record Case(String name, Schema schema, Activation hidden, Activation out, Loss loss, int outputs, Pipeline.Options options) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> c = new ArrayList<>();
        Schema num3 = OnnxFixtures.numericSchema(4, CLASS3);
        Pipeline.Options z = Pipeline.Options.standardize();
        for (Activation h : new Activation[] {Activation.IDENTITY, Activation.LOGISTIC, Activation.TANH, Activation.RELU, Activation.LEAKY_RELU,
                Activation.SOFTPLUS, Activation.ELU, Activation.GELU, Activation.SIN}) {
            c.add(new Case("hidden " + h.id() + ", softmax + ce", num3, h, Activation.SOFTMAX, Loss.CROSS_ENTROPY, 3, z));
        }
        Schema num2 = OnnxFixtures.numericSchema(4, CLASS2);
        c.add(new Case("one logistic output + bce", num2, Activation.TANH, Activation.LOGISTIC, Loss.BINARY_CROSS_ENTROPY, 1, z));
        c.add(new Case("one tanh output + mse (scores)", num2, Activation.RELU, Activation.TANH, Loss.MSE, 1, z));
        c.add(new Case("three logistic outputs + bce", num3, Activation.TANH, Activation.LOGISTIC, Loss.BINARY_CROSS_ENTROPY, 3, z));
        c.add(new Case("identity outputs + mse, classification (scores)", num3, Activation.TANH, Activation.IDENTITY, Loss.MSE, 3,
                new Pipeline.Options(Scaling.MINMAX_01, false, Scaling.NONE)));
        c.add(new Case("softmax + sse, inputs unscaled", num3, Activation.LOGISTIC, Activation.SOFTMAX, Loss.SSE, 3, Pipeline.Options.none()));
        Schema reg2 = new Schema(List.of(Attribute.numeric("a"), Attribute.numeric("b"), Attribute.numeric("c")),
                List.of(Attribute.numeric("y1"), Attribute.numeric("y2")));
        c.add(new Case("regression identity + sse, targets z-scored", reg2, Activation.TANH, Activation.IDENTITY, Loss.SSE, 2,
                new Pipeline.Options(Scaling.STANDARDIZE, false, Scaling.STANDARDIZE)));
        c.add(new Case("regression identity + mse, targets in [-1, 1]", reg2, Activation.RELU, Activation.IDENTITY, Loss.MSE, 2,
                new Pipeline.Options(Scaling.MINMAX_PM1, false, Scaling.MINMAX_PM1)));
        c.add(new Case("regression tanh output + mse", reg2, Activation.LEAKY_RELU, Activation.TANH, Loss.MSE, 2,
                new Pipeline.Options(Scaling.STANDARDIZE, false, Scaling.MINMAX_PM1)));
        c.add(new Case("regression logistic output + mse", reg2, Activation.TANH, Activation.LOGISTIC, Loss.MSE, 2,
                new Pipeline.Options(Scaling.MINMAX_01, false, Scaling.MINMAX_01)));
        c.add(new Case("regression relu output + sse", reg2, Activation.TANH, Activation.RELU, Loss.SSE, 2, z));
        c.add(new Case("regression leaky_relu output + mse", reg2, Activation.TANH, Activation.LEAKY_RELU, Loss.MSE, 2,
                new Pipeline.Options(Scaling.STANDARDIZE, false, Scaling.STANDARDIZE)));
        Schema mixed = new Schema(List.of(Attribute.numeric("age"), Attribute.nominal("colour", List.of("red", "green", "blue")),
                Attribute.numeric("height"), Attribute.nominal("size", List.of("S", "M", "L", "XL"))), List.of(CLASS3));
        c.add(new Case("nominal inputs, missing → mode", mixed, Activation.TANH, Activation.SOFTMAX, Loss.CROSS_ENTROPY, 3, z));
        c.add(new Case("nominal inputs, missing → zeros, one-hot scaled", mixed, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY, 3,
                new Pipeline.Options(Scaling.STANDARDIZE, true, Scaling.NONE, Pipeline.NominalMissing.ZEROS)));
        Schema mixedReg = new Schema(mixed.inputs(), List.of(Attribute.numeric("price")));
        c.add(new Case("nominal inputs, regression", mixedReg, Activation.TANH, Activation.IDENTITY, Loss.MSE, 1,
                new Pipeline.Options(Scaling.MINMAX_PM1, false, Scaling.STANDARDIZE)));
        Schema onlyNominal = new Schema(List.of(Attribute.nominal("colour", List.of("red", "green", "blue"))), List.of(CLASS2));
        c.add(new Case("a single nominal input", onlyNominal, Activation.TANH, Activation.SOFTMAX, Loss.CROSS_ENTROPY, 2, z));
        Schema mixedBinary = new Schema(mixed.inputs(), List.of(CLASS2));
        c.add(new Case("one logistic output + bce, nominal inputs, missing → mode", mixedBinary, Activation.TANH, Activation.LOGISTIC,
                Loss.BINARY_CROSS_ENTROPY, 1, z));
        c.add(new Case("one logistic output + bce, a single nominal input, missing → zeros", onlyNominal, Activation.RELU, Activation.LOGISTIC,
                Loss.BINARY_CROSS_ENTROPY, 1, new Pipeline.Options(Scaling.STANDARDIZE, false, Scaling.NONE, Pipeline.NominalMissing.ZEROS)));
        return c.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void onnxRuntimeGivesBackprop4jsOutputs(Case c) throws Exception {
        long seed = c.name().hashCode();
        OnnxFixtures.Raw train = raw(c.schema(), 200, true, seed);
        DataSet ds = OnnxFixtures.trainingSet(train, seed + 1);
        Model model = OnnxFixtures.model(train, ds, c.options(), c.hidden(), c.out(), c.outputs(), c.loss(), seed + 2);
        OnnxFixtures.Raw test = raw(c.schema(), M, true, seed + 3);   // fresh records, 10% missing values
        byte[] onnx = OnnxExporter.toBytes(model);
        boolean nominal = model.schema() != null && model.schema().inputs().stream().anyMatch(Attribute::isNominal);
        // a model of nominal data keeps its schema whatever its output units, so the graph takes the raw strings
        assertEquals(c.schema().inputs().stream().anyMatch(Attribute::isNominal), nominal, "schema kept");
        float[] x = test.encoded();
        Map<String, Object> ort = OnnxFixtures.run(onnx, nominal ? test.onnxInputs() : OnnxFixtures.single(x, M, ds.inputs()));
        float[] lib = libraryOutputs(model, x, M);
        assertAgrees(model, lib, ort, M);
    }

    /** Compares every output value and every label; returns nothing, fails on the first difference. */
    static void assertAgrees(Model model, float[] lib, Map<String, Object> ort, int m) {
        int n = model.network().outputs();
        if (!model.isClassification()) {
            float[][] y = (float[][]) ort.get(OnnxExporter.OUTPUT);
            assertEquals(m, y.length);
            for (int p = 0; p < m; p++) {
                assertEquals(n, y[p].length);
                for (int k = 0; k < n; k++) {
                    // targets in their own units (~100 here): float32 rounding of x·scale + center differs
                    // in the last bits between the two evaluation orders, so relative 1e-5
                    float want = lib[p * n + k];
                    assertTrue(Math.abs(y[p][k] - want) <= 1e-5 * Math.max(1, Math.abs(want)),
                            "record " + p + " output " + k + ": ONNX Runtime " + y[p][k] + ", backprop4j " + want);
                }
            }
            return;
        }
        Activation f = model.network().outputActivation();
        boolean probs = f == Activation.SOFTMAX || f == Activation.LOGISTIC;
        float[][] s = (float[][]) ort.get(probs ? OnnxExporter.PROBABILITIES : OnnxExporter.SCORES);
        String[] label = (String[]) ort.get(OnnxExporter.LABEL);
        assertEquals(m, s.length);
        assertEquals(m, label.length);
        List<String> classes = model.classNames();
        for (int p = 0; p < m; p++) {
            float[] want = java.util.Arrays.copyOfRange(lib, p * n, p * n + n);
            if (n == 1 && f == Activation.LOGISTIC) want = new float[] {1f - want[0], want[0]};
            assertEquals(want.length, s[p].length);
            for (int k = 0; k < want.length; k++) {
                // float32 forward passes with different summation orders (ORT's GEMM vs backprop4j's kernels)
                // and exp implementations: outputs bounded by 1 agree to a few 1e-7
                assertEquals(want[k], s[p][k], 1e-5, "record " + p + " unit " + k);
            }
            assertEquals(classes.get(Evaluation.predictedClass(lib, p * n, n)), label[p], "record " + p);
        }
    }

    /** A model without preprocessing (Model.of): the network alone, one input, outputs unchanged. */
    @Test
    void aBareNetworkExportsWithoutPreprocessing() throws Exception {
        Network net = Network.builder(5).layer(6, Activation.RELU).layer(2, Activation.IDENTITY).build(Init.xavier(), 3);
        Model model = Model.builder(net, Loss.MSE).build();
        float[] x = new float[40 * 5];
        org.backprop4j.Rng r = new org.backprop4j.Rng(4);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-3, 3);
        Map<String, Object> ort = OnnxFixtures.run(OnnxExporter.toBytes(model), OnnxFixtures.single(x, 40, 5));
        float[] lib = new org.backprop4j.Predictor(net, Loss.MSE).predict(x, 40);
        float[][] y = (float[][]) ort.get(OnnxExporter.OUTPUT);
        for (int p = 0; p < 40; p++) {
            for (int k = 0; k < 2; k++) assertEquals(lib[p * 2 + k], y[p][k], 1e-5, "record " + p);   // float32 summation order
        }
    }

    /** Names, shapes, opsets and provenance as documented. */
    @Test
    void graphDeclaresNamesShapesAndProvenance() throws Exception {
        Schema mixed = new Schema(List.of(Attribute.numeric("age"), Attribute.nominal("colour", List.of("red", "green"))), List.of(CLASS3));
        OnnxFixtures.Raw train = raw(mixed, 50, false, 1);
        DataSet ds = OnnxFixtures.trainingSet(train, 2);
        Model model = OnnxFixtures.model(train, ds, Pipeline.Options.standardize(), Activation.TANH, Activation.SOFTMAX, 3, Loss.CROSS_ENTROPY, 3);
        ModelProto m = ModelProto.parseFrom(OnnxExporter.toBytes(model));
        assertEquals(List.of("age", "colour"), m.getGraph().getInputList().stream().map(v -> v.getName()).toList());
        assertEquals(List.of("label", "probabilities"), m.getGraph().getOutputList().stream().map(v -> v.getName()).toList());
        var colour = m.getGraph().getInput(1).getType().getTensorType();
        assertEquals(org.backprop4j.onnx.proto.OnnxProto.TensorProto.DataType.STRING_VALUE, colour.getElemType());
        assertEquals("N", colour.getShape().getDim(0).getDimParam());
        assertEquals(1, colour.getShape().getDim(1).getDimValue());
        assertEquals(3, m.getGraph().getOutput(1).getType().getTensorType().getShape().getDim(1).getDimValue());
        Map<String, String> meta = new java.util.HashMap<>();
        m.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
        assertEquals("ce", meta.get("backprop4j.loss"));
        var prov = new com.fasterxml.jackson.databind.ObjectMapper().readTree(meta.get("backprop4j.provenance"));
        assertEquals("2026-12-07T00:00:00Z", prov.path("environment").path("created").asText(), prov.toString());
        assertEquals("train.csv", prov.path("data").path("file").asText(), prov.toString());
        assertEquals("[\"age\",\"colour\"]", meta.get("backprop4j.fields"));
        assertEquals("[\"a\",\"b\",\"c\"]", meta.get("backprop4j.classNames"));
        assertEquals("backprop4j", m.getProducerName());
        assertArrayEquals(new String[] {"", "ai.onnx.ml"}, m.getOpsetImportList().stream().map(o -> o.getDomain()).toArray());
        assertEquals(List.of(OnnxExporter.OPSET, OnnxExporter.ML_OPSET), m.getOpsetImportList().stream().map(o -> (int) o.getVersion()).toList());
    }
}
