package org.backprop4j.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backprop4j.Activation;
import org.backprop4j.Network;
import org.backprop4j.data.Attribute;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.Schema;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.backprop4j.model.Model;
import org.backprop4j.io.ModelFile;
import org.backprop4j.onnx.proto.OnnxProto.ModelProto;
import org.backprop4j.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.backprop4j.onnx.proto.OnnxProto.StringStringEntryProto;
import org.backprop4j.onnx.proto.OnnxProto.TensorProto;
import org.backprop4j.util.AtomicFiles;

import static org.backprop4j.onnx.GraphBuilder.attr;

/**
 * Writes a backprop4j model as an ONNX graph of standard operators that ONNX Runtime (or any other
 * ONNX runtime) runs without backprop4j.
 *
 * <p>The graph, in order:
 * <ol>
 * <li><b>inputs</b>: a model whose training data had no nominal attributes takes one float tensor
 *     {@value #INPUT} of shape [N, n] (the columns in the order of the model's input names); a model
 *     with nominal attributes takes one tensor per raw attribute, named as in the training file:
 *     float [N, 1] for a numeric attribute, string [N, 1] for a nominal one, which the graph one-hot
 *     encodes with {@code ai.onnx.ml.OneHotEncoder} in the declared value order;</li>
 * <li><b>missing values</b>: a NaN in a numeric column becomes the pipeline's fill value
 *     ({@code Where(IsNaN(x), fill, x)}); a nominal value that is not one of the attribute's values
 *     (a missing value such as {@code "?"} or {@code ""}) becomes the pipeline's fill block (the
 *     training mode's one-hot code, or zeros), as backprop4j does for a missing value;</li>
 * <li><b>scaling</b>: {@code (x − center) / scale} per column ({@code Sub}, {@code Div}), left out when
 *     the pipeline does not scale;</li>
 * <li><b>layers</b>: {@code Gemm(h, W, b, transB=1)} with W stored as backprop4j stores it (n_l × n_{l−1}),
 *     then {@code Relu}, {@code Tanh}, {@code Sigmoid}, {@code LeakyRelu(alpha=0.01)} or
 *     {@code Softmax(axis=1)} (identity adds no node);</li>
 * <li><b>outputs</b>: for classification {@value #LABEL} (string [N], the predicted class name as
 *     backprop4j predicts it: argmax, or output ≥ 0.5 for one output unit) and {@value #PROBABILITIES}
 *     (float [N, K]; with one logistic output unit, the two columns 1 − p and p) — named
 *     {@value #SCORES} instead when the output activation does not give probabilities; for regression
 *     {@value #OUTPUT} (float [N, k]) mapped back to the target's units ({@code Mul}, {@code Add}).</li>
 * </ol>
 * The model's provenance, loss, names and preprocessing go into {@code metadata_props}
 * ({@code backprop4j.*} keys, JSON values), with the model file's JSON minus the weights, so that
 * {@link OnnxImporter} restores the whole model.
 * Opsets: {@code ai.onnx} {@value #OPSET}, {@code ai.onnx.ml} {@value #ML_OPSET}; IR version {@value #IR_VERSION}.
 */
public final class OnnxExporter {
    /** The single input of a model without nominal attributes. */
    public static final String INPUT = "input";
    /** Classification output: the predicted class names. */
    public static final String LABEL = "label";
    /** Classification output: class probabilities (softmax or logistic output units). */
    public static final String PROBABILITIES = "probabilities";
    /** Classification output of a network whose outputs are not probabilities (identity, tanh, ... units). */
    public static final String SCORES = "scores";
    /** Regression output, in the targets' units. */
    public static final String OUTPUT = "output";
    /** Operator set version of the default domain. */
    public static final int OPSET = 17;
    /** Operator set version of the ai.onnx.ml domain (OneHotEncoder). */
    public static final int ML_OPSET = 3;
    /** ONNX IR version written (IR 8 goes with opset 17). */
    public static final int IR_VERSION = 8;
    /** Metadata key prefix. */
    static final String META = "backprop4j.";
    static final String ML = "ai.onnx.ml";

    private static final ObjectMapper JSON = new ObjectMapper();

    private OnnxExporter() {}

    /** Writes the ONNX model to a file atomically (temporary file, then rename). */
    public static void write(Model model, Path out) throws IOException {
        byte[] bytes = toBytes(model);
        AtomicFiles.write(out, os -> os.write(bytes));
    }

    /** The serialized ONNX model. */
    public static byte[] toBytes(Model model) {
        return build(model).toByteArray();
    }

    /** The ONNX model as a protobuf message. */
    public static ModelProto build(Model model) {
        Network net = model.network();   // a copy: read it once
        Pipeline p = model.pipeline();
        GraphBuilder g = new GraphBuilder();
        g.g.setName("backprop4j_mlp");
        boolean usesMl = false;
        Schema schema = p.schema();
        String x;
        if (schema != null && schema.inputs().stream().anyMatch(Attribute::isNominal)) {
            x = rawInputs(g, schema, p);
            usesMl = true;
        } else {
            g.input(INPUT, TensorProto.DataType.FLOAT_VALUE, net.inputs(), "columns: " + String.join(", ", model.inputNames()));
            x = imputeNumeric(g, INPUT, p.fill());
        }
        x = scale(g, x, p);
        for (int l = 1; l <= net.layers(); l++) x = layer(g, net, l, x);
        outputs(g, model, net, p, x);

        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("backprop4j")
                .setProducerVersion(ModelFile.libraryVersion())
                .setDomain("org.backprop4j")
                .setModelVersion(1)
                .setDocString("backprop4j MLP " + net.describe() + ", loss " + model.loss().id())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        if (usesMl) m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(ML).setVersion(ML_OPSET));
        m.setGraph(g.g);
        metadata(m, model, net);
        return m.build();
    }

    /** One input per raw attribute; nominal ones one-hot encoded; returns the [N, n] float tensor. */
    private static String rawInputs(GraphBuilder g, Schema schema, Pipeline p) {
        double[] fill = p.fill();
        int[] off = schema.offsets();
        List<String> parts = new ArrayList<>();
        for (int a = 0; a < schema.inputs().size(); a++) {
            Attribute at = schema.inputs().get(a);
            if (List.of(LABEL, PROBABILITIES, SCORES, OUTPUT).contains(at.name())) {
                throw new IllegalArgumentException("input attribute '" + at.name() + "' has the name of an ONNX output; rename the column to export");
            }
            if (!at.isNominal()) {
                g.input(at.name(), TensorProto.DataType.FLOAT_VALUE, 1, "numeric attribute; NaN = missing");
                parts.add(imputeNumeric(g, at.name(), new double[] {fill[off[a]]}));
                continue;
            }
            g.input(at.name(), TensorProto.DataType.STRING_VALUE, 1, "nominal attribute, one of " + at.values() + "; any other value = missing");
            int w = at.width();
            // zeros=1: a value outside the list encodes as an all-zero block instead of failing
            String hot = g.node("OneHotEncoder", ML, List.of(at.name()), g.fresh("bp4j/onehot3d"),
                    attr("cats_strings", at.values()), attr("zeros", 1L));
            String block = g.node("Reshape", List.of(hot, g.int64s(g.fresh("bp4j/shape"), new long[] {-1, w}, 2)), g.fresh("bp4j/onehot"));
            // a missing value (all-zero block) gets the fill block: block + (1 − Σ block)·fill (adds 0 to a one-hot code)
            String sum = g.node("ReduceSum", List.of(block, g.int64s(g.fresh("bp4j/axis"), new long[] {1}, 1)), g.fresh("bp4j/hotsum"), attr("keepdims", 1L));
            String one = g.floats(g.fresh("bp4j/one"), new float[] {1f}, 1);
            String missing = g.node("Sub", List.of(one, sum), g.fresh("bp4j/missing"));
            double[] fb = java.util.Arrays.copyOfRange(fill, off[a], off[a] + w);
            String filled = g.node("Mul", List.of(missing, g.floats(g.fresh("bp4j/fill"), fb, w)), g.fresh("bp4j/fillblock"));
            parts.add(g.node("Add", List.of(block, filled), g.fresh("bp4j/encoded")));
        }
        if (parts.size() == 1) return parts.get(0);
        return g.node("Concat", parts, g.fresh("bp4j/encoded"), attr("axis", 1L));
    }

    /** NaN → fill (per column). */
    private static String imputeNumeric(GraphBuilder g, String x, double[] fill) {
        String nan = g.node("IsNaN", List.of(x), g.fresh("bp4j/isnan"));
        return g.node("Where", List.of(nan, g.floats(g.fresh("bp4j/fill"), fill, fill.length), x), g.fresh("bp4j/imputed"));
    }

    /** (x − center) / scale, or x if the pipeline does not scale. */
    private static String scale(GraphBuilder g, String x, Pipeline p) {
        double[] c = p.center(), s = p.scale();
        boolean identity = true;
        for (int j = 0; j < c.length; j++) identity &= c[j] == 0 && s[j] == 1;
        if (identity) return x;
        String centred = g.node("Sub", List.of(x, g.floats("bp4j/center", c, c.length)), g.fresh("bp4j/centred"));
        return g.node("Div", List.of(centred, g.floats("bp4j/scale", s, s.length)), g.fresh("bp4j/scaled"));
    }

    /** Gemm + activation of layer l (seed 004: o = f(W·o_prev + b)). */
    private static String layer(GraphBuilder g, Network net, int l, String x) {
        int n = net.size(l), prev = net.size(l - 1);
        float[] p = net.params();
        float[] w = java.util.Arrays.copyOfRange(p, net.weightOffset(l), net.weightOffset(l) + n * prev);
        float[] b = java.util.Arrays.copyOfRange(p, net.biasOffset(l), net.biasOffset(l) + n);
        String W = g.floats("layer" + l + "/W", w, n, prev);
        String B = g.floats("layer" + l + "/b", b, n);
        String net_ = g.node("Gemm", List.of(x, W, B), "layer" + l + "/net", attr("transB", 1L));
        String o = "layer" + l + "/out";
        return switch (net.activation(l)) {
            case IDENTITY -> net_;
            case LOGISTIC -> g.node("Sigmoid", List.of(net_), o);
            case TANH -> g.node("Tanh", List.of(net_), o);
            case RELU -> g.node("Relu", List.of(net_), o);
            case LEAKY_RELU -> g.node("LeakyRelu", List.of(net_), o, attr("alpha", Activation.LEAKY_SLOPE));
            case SOFTMAX -> g.node("Softmax", List.of(net_), o, attr("axis", 1L));
            case SOFTPLUS -> g.node("Softplus", List.of(net_), o);
            case ELU -> g.node("Elu", List.of(net_), o, attr("alpha", 1f));
            case SIN -> g.node("Sin", List.of(net_), o);
            case GELU -> gelu(g, l, net_, o);
        };
    }

    /** GELU's tanh form ½·x·(1 + tanh(√(2/π)(x + 0.044715·x³))) (Hendrycks & Gimpel 2016, §2) from opset-17 operators. */
    private static String gelu(GraphBuilder g, int l, String x, String o) {
        String pre = "layer" + l + "/gelu/";
        String x3 = g.node("Mul", List.of(g.node("Mul", List.of(x, x), pre + "x2"), x), pre + "x3");
        String inner = g.node("Add", List.of(x, g.node("Mul", List.of(x3, g.floats(pre + "a", new float[] {0.044715f}, 1)), pre + "ax3")), pre + "inner");
        String t = g.node("Tanh", List.of(g.node("Mul", List.of(inner, g.floats(pre + "c", new float[] {(float) Math.sqrt(2 / Math.PI)}, 1)), pre + "scaled")), pre + "tanh");
        String half = g.node("Mul", List.of(x, g.floats(pre + "half", new float[] {0.5f}, 1)), pre + "halfx");
        return g.node("Mul", List.of(half, g.node("Add", List.of(t, g.floats(pre + "one", new float[] {1f}, 1)), pre + "onePlus")), o);
    }

    private static void outputs(GraphBuilder g, Model model, Network net, Pipeline p, String y) {
        int n = net.outputs();
        if (!model.isClassification()) {
            String out = g.node("Mul", List.of(y, g.floats("bp4j/targetScale", p.targetScale(), n)), g.fresh("bp4j/unscaled"));
            out = g.node("Add", List.of(out, g.floats("bp4j/targetCenter", p.targetCenter(), n)), OUTPUT);
            g.output(out, TensorProto.DataType.FLOAT_VALUE, n, "regression outputs: " + String.join(", ", model.targetNames()));
            return;
        }
        List<String> classes = model.classNames();
        Activation f = net.outputActivation();
        boolean probabilities = f == Activation.SOFTMAX || f == Activation.LOGISTIC;
        String classTensor = g.strings("bp4j/classes", classes, classes.size());
        String index;
        String scores;
        int width = n;
        if (n == 1) {
            // one output unit: class 1 if o ≥ 0.5 (Evaluation.predictedClass)
            String flat = g.node("Reshape", List.of(y, g.int64s("bp4j/flat", new long[] {-1}, 1)), g.fresh("bp4j/o"));
            String ge = g.node("GreaterOrEqual", List.of(flat, g.floats("bp4j/half", new float[] {0.5f}, 1)), g.fresh("bp4j/ge"));
            index = g.node("Cast", List.of(ge), g.fresh("bp4j/index"), attr("to", (long) TensorProto.DataType.INT64_VALUE));
            if (f == Activation.LOGISTIC) {
                String q = g.node("Sub", List.of(g.floats("bp4j/one", new float[] {1f}, 1), y), g.fresh("bp4j/q"));
                scores = g.node("Concat", List.of(q, y), PROBABILITIES, attr("axis", 1L));
                width = 2;
            } else {
                scores = g.node("Identity", List.of(y), SCORES);
            }
        } else {
            // argmax, the first of equal maxima (select_last_index = 0), as Evaluation.predictedClass
            index = g.node("ArgMax", List.of(y), g.fresh("bp4j/index"), attr("axis", 1L), attr("keepdims", 0L));
            scores = g.node("Identity", List.of(y), probabilities ? PROBABILITIES : SCORES);
        }
        String label = g.node("Gather", List.of(classTensor, index), LABEL, attr("axis", 0L));
        g.output(label, TensorProto.DataType.STRING_VALUE, -1, "predicted class, one of " + classes);
        g.output(scores, TensorProto.DataType.FLOAT_VALUE, width, (probabilities ? "probability of each class: " : "output of each unit: ")
                + (width == classes.size() ? String.join(", ", classes) : classes.get(1)));
    }

    /**
     * backprop4j.* entries: readable ones (loss, names, preprocessing, provenance; JSON values) and
     * {@code backprop4j.model}, the model file's JSON without the weights (which the graph holds), from
     * which {@link OnnxImporter} restores the model and checks it against the file's checksums.
     */
    private static void metadata(ModelProto.Builder m, Model model, Network net) {
        ObjectNode file = ModelFile.toJson(model);
        for (JsonNode layer : file.get("network").get("layers")) {
            ((ObjectNode) layer).remove("W");
            ((ObjectNode) layer).remove("b");
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", "backprop4j-onnx");
        meta.put("formatVersion", 1);
        meta.put("network", net.describe());
        meta.put("loss", model.loss().id());
        meta.put("task", model.task().id());
        meta.put("inputNames", model.inputNames());
        if (model.isClassification()) meta.put("classNames", model.classNames());
        meta.put("targetNames", model.targetNames());
        meta.put("fields", model.fieldNames());
        meta.put("preprocessing", file.get("preprocessing"));
        meta.put("provenance", file.get("provenance"));
        meta.put("model", file);
        for (Map.Entry<String, Object> e : meta.entrySet()) {
            Object v = e.getValue();
            String s;
            try {
                s = v instanceof String str ? str : JSON.writeValueAsString(v);
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("cannot write metadata " + e.getKey() + ": " + ex.getOriginalMessage());
            }
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(META + e.getKey()).setValue(s));
        }
    }
}
