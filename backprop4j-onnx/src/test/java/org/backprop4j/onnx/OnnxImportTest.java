package org.backprop4j.onnx;

import static org.backprop4j.onnx.GraphBuilder.attr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.Attribute;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.Schema;
import org.backprop4j.model.Model;
import org.backprop4j.onnx.proto.OnnxProto.ModelProto;
import org.backprop4j.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.backprop4j.onnx.proto.OnnxProto.TensorProto;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.junit.jupiter.api.Test;

/** ONNX → backprop4j: round trips of exported models, foreign MLPs, and what is refused. */
class OnnxImportTest {

    /** Export then import gives back the same model: every weight bit, names, loss, preprocessing, provenance. */
    @Test
    void exportThenImportRestoresTheWholeModel() throws Exception {
        Schema mixed = new Schema(List.of(Attribute.numeric("age"), Attribute.nominal("colour", List.of("red", "green", "blue"))),
                List.of(OnnxRuntimeAgreementTest.CLASS3));
        OnnxFixtures.Raw raw = OnnxFixtures.raw(mixed, 120, true, 11);
        DataSet ds = OnnxFixtures.trainingSet(raw, 12);
        Schema binary = new Schema(mixed.inputs(), List.of(OnnxRuntimeAgreementTest.CLASS2));
        OnnxFixtures.Raw rawBinary = OnnxFixtures.raw(binary, 120, true, 14);
        DataSet dsBinary = OnnxFixtures.trainingSet(rawBinary, 15);
        List<Model> models = new java.util.ArrayList<>();
        for (Activation h : new Activation[] {Activation.IDENTITY, Activation.LOGISTIC, Activation.TANH, Activation.RELU, Activation.LEAKY_RELU,
                Activation.SOFTPLUS, Activation.ELU, Activation.GELU, Activation.SIN}) {
            models.add(OnnxFixtures.model(raw, ds, Pipeline.Options.standardize(), h, Activation.SOFTMAX, 3, Loss.CROSS_ENTROPY, 13));
        }
        // one logistic output unit for two classes, with its schema (nominal inputs)
        models.add(OnnxFixtures.model(rawBinary, dsBinary, Pipeline.Options.standardize(), Activation.TANH, Activation.LOGISTIC, 1,
                Loss.BINARY_CROSS_ENTROPY, 16));
        for (Model m : models) {
            OnnxImporter.Imported back = OnnxImporter.parse(OnnxExporter.toBytes(m), "m.onnx");
            assertEquals("", back.inferred());
            Model b = back.model();
            assertArrayEquals(m.network().sizes(), b.network().sizes());
            for (int l = 1; l <= m.network().layers(); l++) assertEquals(m.network().activation(l), b.network().activation(l));
            assertArrayEquals(m.network().params(), b.network().params(), 0f);   // bit-identical (raw float32 bytes)
            assertEquals(m.loss(), b.loss());
            assertEquals(m.inputNames(), b.inputNames());
            assertEquals(m.classNames(), b.classNames());
            assertEquals(m.targetNames(), b.targetNames());
            assertEquals(m.pipeline(), b.pipeline());
            assertEquals(m.schema(), b.schema());
            assertEquals(m.provenance(), b.provenance());
            assertEquals(org.backprop4j.io.ModelFile.contentChecksum(m), org.backprop4j.io.ModelFile.contentChecksum(b));
        }
    }

    /**
     * Fine-tuning an imported model is fine-tuning the original: the same training from the same seed
     * gives the same weights, bit for bit, and the loss goes down.
     */
    @Test
    void anImportedModelFineTunesLikeTheOriginal() throws Exception {
        Network net = Network.builder(4).layer(8, Activation.TANH).layer(1, Activation.IDENTITY).build(Init.xavier(), 21);
        Model m = Model.builder(net, Loss.MSE).build();
        Network b = OnnxImporter.parse(OnnxExporter.toBytes(m), "m.onnx").model().network();   // a copy to train
        Rng r = new Rng(22);
        int n = 256;
        float[] x = new float[n * 4], d = new float[n];
        for (int p = 0; p < n; p++) {
            for (int j = 0; j < 4; j++) x[p * 4 + j] = (float) r.uniform(-1, 1);
            d[p] = (float) Math.sin(x[p * 4] + x[p * 4 + 1] * x[p * 4 + 2]);
        }
        DataSet ds = new DataSet(x, d, 4, 1);
        TrainingConfig c = TrainingConfig.builder().miniBatch(32).epochs(5).optimizer("momentum:lr=0.1").seed(23).build();
        double before = org.backprop4j.metrics.Evaluation.of(new org.backprop4j.Backprop(b, Loss.MSE), ds).loss();
        Network a = m.network();
        new Trainer(a, Loss.MSE, c).fit(ds);
        new Trainer(b, Loss.MSE, c).fit(ds);
        assertArrayEquals(a.params(), b.params(), 0f);
        double after = org.backprop4j.metrics.Evaluation.of(new org.backprop4j.Backprop(b, Loss.MSE), ds).loss();
        assertTrue(after < 0.5 * before, "loss " + before + " → " + after);
    }

    /**
     * A foreign MLP in PyTorch's export style (MatMul + Add with W as n_{l−1} × n_l, then Gemm with
     * transB = 0) imports with its loss inferred, and backprop4j then predicts what ONNX Runtime does.
     */
    @Test
    void aForeignMlpImportsAndPredictsAsOnnxRuntimeDoes() throws Exception {
        Rng r = new Rng(31);
        int in = 6, h = 9, k = 4;
        float[] w1 = random(r, in * h), b1 = random(r, h), w2 = random(r, h * k), b2 = random(r, k);
        GraphBuilder g = new GraphBuilder();
        g.input("x", TensorProto.DataType.FLOAT_VALUE, in, "");
        String mm = g.node("MatMul", List.of("x", g.floats("w1", w1, in, h)), "mm");
        String a = g.node("Add", List.of(g.floats("b1", b1, h), mm), "a");          // bias first: either order is an Add
        String act = g.node("LeakyRelu", List.of(a), "act", attr("alpha", 0.01f));
        String gemm = g.node("Gemm", List.of(act, g.floats("w2", w2, h, k), g.floats("b2", b2, k)), "gemm");
        String y = g.node("Softmax", List.of(gemm), "y", attr("axis", -1L));
        g.output(y, TensorProto.DataType.FLOAT_VALUE, k, "");
        byte[] bytes = ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
                .setGraph(g.g).build().toByteArray();

        OnnxImporter.Imported imp = OnnxImporter.parse(bytes, "torch.onnx");
        Model m = imp.model();
        assertEquals("6-9(leaky_relu)-4(softmax)", m.network().describe());
        assertEquals(Loss.CROSS_ENTROPY, m.loss());
        assertEquals(List.of("0", "1", "2", "3"), m.classNames());
        assertTrue(imp.inferred().startsWith("loss ce inferred from the softmax output units"), imp.inferred());
        int n = 50;
        float[] x = random(r, n * in);
        Map<String, Object> ort = OnnxFixtures.run(bytes, Map.of("x", ai.onnxruntime.OnnxTensor.createTensor(OnnxFixtures.ENV,
                java.nio.FloatBuffer.wrap(x), new long[] {n, in})));
        float[][] want = (float[][]) ort.get("y");
        float[] got = m.outputs(x, n);
        for (int p = 0; p < n; p++) {
            for (int j = 0; j < k; j++) assertEquals(want[p][j], got[p * k + j], 1e-5, "record " + p);   // float32 summation order
        }
    }

    /** GELU's tanh form from opset-17 operators, node for node as the exporter writes it, with the constant of x³ given. */
    private static String gelu(GraphBuilder g, String x, float cubic, String o) {
        String x3 = g.node("Mul", List.of(g.node("Mul", List.of(x, x), o + "/x2"), x), o + "/x3");
        String inner = g.node("Add", List.of(x, g.node("Mul", List.of(x3, g.floats(o + "/a", new float[] {cubic}, 1)), o + "/ax3")), o + "/inner");
        String t = g.node("Tanh", List.of(g.node("Mul", List.of(inner, g.floats(o + "/c", new float[] {(float) Math.sqrt(2 / Math.PI)}, 1)),
                o + "/scaled")), o + "/tanh");
        String half = g.node("Mul", List.of(x, g.floats(o + "/half", new float[] {0.5f}, 1)), o + "/halfx");
        return g.node("Mul", List.of(half, g.node("Add", List.of(t, g.floats(o + "/one", new float[] {1f}, 1)), o + "/onePlus")), o);
    }

    /** A chain of four layers, each with its own activation: GELU (tanh form, x³ constant given), Softplus, Elu, Sin. */
    private static byte[] foreignChain(Rng r, int[] s, float cubic) {
        GraphBuilder g = new GraphBuilder();
        g.input("x", TensorProto.DataType.FLOAT_VALUE, s[0], "");
        String x = "x";
        for (int l = 1; l < s.length; l++) {
            String net = g.node("Gemm", List.of(x, g.floats("w" + l, random(r, s[l] * s[l - 1]), s[l], s[l - 1]), g.floats("b" + l, random(r, s[l]), s[l])),
                    "net" + l, attr("transB", 1L));
            x = switch (l) {
                case 1 -> gelu(g, net, cubic, "o1");
                case 2 -> g.node("Softplus", List.of(net), "o2");
                case 3 -> g.node("Elu", List.of(net), "o3", attr("alpha", 1f));
                default -> g.node("Sin", List.of(net), "o4");
            };
        }
        g.output(x, TensorProto.DataType.FLOAT_VALUE, s[s.length - 1], "");
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g.g).build().toByteArray();
    }

    /**
     * Each layer keeps its own activation, the ones beyond PyTorch's usual set too: GELU's tanh form
     * (as the exporter writes it), Softplus, Elu and Sin import, and backprop4j then predicts what ONNX
     * Runtime does; a GELU-like subgraph with another constant is not taken for GELU.
     */
    @Test
    void aForeignChainWithADifferentActivationPerLayerImports() throws Exception {
        Rng r = new Rng(37);
        int[] s = {5, 7, 6, 4, 3};
        byte[] bytes = foreignChain(r, s, 0.044715f);
        Model m = OnnxImporter.parse(bytes, "chain.onnx").model();
        assertEquals("5-7(gelu)-6(softplus)-4(elu)-3(sin)", m.network().describe());
        assertEquals(Loss.MSE, m.loss());
        int n = 40;
        float[] x = random(r, n * s[0]);
        Map<String, Object> ort = OnnxFixtures.run(bytes, Map.of("x", ai.onnxruntime.OnnxTensor.createTensor(OnnxFixtures.ENV,
                java.nio.FloatBuffer.wrap(x), new long[] {n, s[0]})));
        float[][] want = (float[][]) ort.get("o4");
        float[] got = m.outputs(x, n);
        assertEquals(n, want.length);
        for (int p = 0; p < n; p++) {
            assertEquals(s[4], want[p].length);
            for (int j = 0; j < s[4]; j++) assertEquals(want[p][j], got[p * s[4] + j], 1e-5, "record " + p);   // float32 summation order, tanh/exp/sin implementations
        }
        String msg = assertThrows(DataFormatException.class, () -> OnnxImporter.parse(foreignChain(new Rng(37), s, 0.05f), "near.onnx")).getMessage();
        assertTrue(msg.startsWith("near.onnx: unsupported node 'o1/x2_Mul' (Mul) outside the layer chain"), msg);
    }

    /** Weights changed in an exported graph no longer match the model's checksum: refused as damaged. */
    @Test
    void editedWeightsInAnExportAreRefused() throws Exception {
        Network net = Network.builder(3).layer(4, Activation.TANH).layer(2, Activation.IDENTITY).build(Init.xavier(), 41);
        ModelProto p = ModelProto.parseFrom(OnnxExporter.toBytes(Model.builder(net, Loss.MSE).build()));
        ModelProto.Builder b = p.toBuilder();
        TensorProto w = b.getGraph().getInitializer(b.getGraph().getInitializerList().stream().map(TensorProto::getName).toList().indexOf("layer1/W"));
        byte[] raw = w.getRawData().toByteArray();
        raw[0] ^= 1;
        int i = b.getGraph().getInitializerList().indexOf(w);
        b.getGraphBuilder().setInitializer(i, w.toBuilder().setRawData(com.google.protobuf.ByteString.copyFrom(raw)));
        String msg = assertThrows(DataFormatException.class, () -> OnnxImporter.parse(b.build().toByteArray(), "e.onnx")).getMessage();
        assertTrue(msg.startsWith("e.onnx") && msg.contains("weights do not match their checksum"), msg);
    }

    @Test
    void whatIsNotAnMlpIsRefusedWithTheReason() throws Exception {
        assertEquals("x.onnx: not an ONNX model (no graph)",
                assertThrows(DataFormatException.class, () -> OnnxImporter.parse(new byte[0], "x.onnx")).getMessage());
        GraphBuilder g = new GraphBuilder();
        g.input("x", TensorProto.DataType.FLOAT_VALUE, 3, "");
        String c = g.node("Cos", List.of("x"), "c");
        g.node("Gemm", List.of(c, g.floats("w", new float[6], 2, 3)), "y", attr("transB", 1L));
        byte[] bytes = ModelProto.newBuilder().setGraph(g.g).build().toByteArray();
        String msg = assertThrows(DataFormatException.class, () -> OnnxImporter.parse(bytes, "x.onnx")).getMessage();
        assertEquals("x.onnx: the first layer reads 'c', which is not a graph input (preprocessing operators are not imported)", msg);
        GraphBuilder g2 = new GraphBuilder();
        g2.input("x", TensorProto.DataType.FLOAT_VALUE, 3, "");
        g2.node("LeakyRelu", List.of(g2.node("Gemm", List.of("x", g2.floats("w", new float[6], 2, 3)), "n", attr("transB", 1L))), "y",
                attr("alpha", 0.2f));
        byte[] b2 = ModelProto.newBuilder().setGraph(g2.g).build().toByteArray();
        assertTrue(assertThrows(DataFormatException.class, () -> OnnxImporter.parse(b2, "x.onnx")).getMessage()
                .contains("alpha 0.2 (backprop4j's leaky ReLU has slope 0.01)"));
    }

    private static float[] random(Rng r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.uniform(-1, 1);
        return a;
    }
}
