package org.backprop4j.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.data.Pipeline;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.backprop4j.io.ModelFile;
import org.backprop4j.model.Model;
import org.backprop4j.onnx.proto.OnnxProto.AttributeProto;
import org.backprop4j.onnx.proto.OnnxProto.GraphProto;
import org.backprop4j.onnx.proto.OnnxProto.ModelProto;
import org.backprop4j.onnx.proto.OnnxProto.NodeProto;
import org.backprop4j.onnx.proto.OnnxProto.TensorProto;

/**
 * Reads an ONNX multi-layer perceptron back into a backprop4j {@link Model}, for fine-tuning or
 * evaluation here.
 *
 * <p>The layers are found as a chain: {@code Gemm} (alpha = beta = 1, transA = 0, transB 0 or 1) or
 * {@code MatMul} followed by {@code Add} of a bias, each with its weights as initializers, then an
 * optional {@code Relu}, {@code Tanh}, {@code Sigmoid}, {@code LeakyRelu} (alpha 0.01, backprop4j's
 * slope), {@code Softplus}, {@code Elu} (alpha 1), {@code Sin}, GELU's tanh form as the exporter writes it,
 * or {@code Softmax} (last axis, output layer only), each layer reading the previous one's output;
 * each layer has its own activation. A file written by {@link OnnxExporter} restores the whole model from its
 * {@code backprop4j.model} metadata with the graph's weights, checked against the model file's
 * checksums (weights edited in the graph are refused as a damaged file). Any
 * other ONNX MLP must consist of that chain alone, reading a graph input; its model gets no
 * preprocessing, the loss that fits its output units (softmax: cross-entropy, sigmoid: binary
 * cross-entropy, else mean squared error), for softmax or sigmoid outputs classes "0", "1", ..., and
 * no preprocessing ({@link Pipeline#identity}; a missing value becomes 0);
 * {@link Imported#inferred()} says so in one line.
 */
public final class OnnxImporter {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Upper bound on the parameters accepted (2^28 floats = 1 GiB), as for model files. */
    static final long MAX_PARAMS = 1L << 28;

    private OnnxImporter() {}

    /**
     * An imported model and what was inferred rather than read (empty for a backprop4j export).
     *
     * @param model    the model
     * @param inferred one line naming what was guessed (loss, class names), or "" if nothing was
     */
    public record Imported(Model model, String inferred) {}

    /** Reads an ONNX file; problems are a {@link DataFormatException} naming the file. */
    public static Imported read(Path file) throws IOException {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        org.backprop4j.data.Sources.requireFile(file);
        return parse(Files.readAllBytes(file), name);
    }

    /** Reads the bytes of an ONNX model ({@code name} is used in messages). */
    public static Imported parse(byte[] bytes, String name) throws DataFormatException {
        ModelProto m;
        try {
            m = ModelProto.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new DataFormatException(name, 0, 0, "not an ONNX model (" + e.getMessage() + ")");
        }
        if (!m.hasGraph()) throw new DataFormatException(name, 0, 0, "not an ONNX model (no graph)");
        return new Chain(m.getGraph(), name).toModel(metadata(m));
    }

    private static Map<String, String> metadata(ModelProto m) {
        Map<String, String> meta = new HashMap<>();
        m.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
        return meta;
    }

    private static final class Chain {
        final GraphProto g;
        final String name;
        final Map<String, TensorProto> init = new HashMap<>();
        final Map<String, List<NodeProto>> consumers = new HashMap<>();
        final Set<NodeProto> used = new HashSet<>();
        final List<float[]> weights = new ArrayList<>(), biases = new ArrayList<>();
        final List<Integer> sizes = new ArrayList<>();
        final List<Activation> acts = new ArrayList<>();
        String start;

        Chain(GraphProto g, String name) throws DataFormatException {
            this.g = g;
            this.name = name;
            for (TensorProto t : g.getInitializerList()) init.put(t.getName(), t);
            for (NodeProto n : g.getNodeList()) for (String in : n.getInputList()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            NodeProto first = null;
            for (NodeProto n : g.getNodeList()) {
                if ((n.getOpType().equals("Gemm") || n.getOpType().equals("MatMul")) && n.getDomain().isEmpty()) {
                    first = n;
                    break;
                }
            }
            if (first == null) throw err("no Gemm or MatMul node: not a multi-layer perceptron");
            start = first.getInput(0);
            String x = start;
            NodeProto layer = first;
            while (layer != null) {
                x = layer(layer);
                NodeProto next = only(x);
                Activation f = next == null ? null : activation(next);
                String geluOut = f == null ? gelu(x) : null;
                if (f != null) {
                    used.add(next);
                    x = next.getOutput(0);
                    next = only(x);
                } else if (geluOut != null) {
                    f = Activation.GELU;
                    x = geluOut;
                    next = only(x);
                } else {
                    f = Activation.IDENTITY;
                }
                acts.add(f);
                layer = next != null && (next.getOpType().equals("Gemm") || next.getOpType().equals("MatMul")) ? next : null;
            }
            for (int l = 0; l < acts.size() - 1; l++) {
                if (acts.get(l) == Activation.SOFTMAX) throw err("softmax on hidden layer " + (l + 1) + ": backprop4j allows it on the output layer only");
            }
        }

        /** The single consumer of a tensor, or null if none (several: null too, the chain ends). */
        NodeProto only(String tensor) {
            List<NodeProto> c = consumers.getOrDefault(tensor, List.of());
            return c.size() == 1 ? c.get(0) : null;
        }

        /** Reads one Gemm (or MatMul + Add) layer; returns its output tensor. */
        String layer(NodeProto n) throws DataFormatException {
            used.add(n);
            int prev = sizes.isEmpty() ? -1 : sizes.get(sizes.size() - 1);
            float[] w;
            int out, in;
            String output;
            float[] b;
            if (n.getOpType().equals("Gemm")) {
                if (intAttr(n, "transA", 0) != 0) throw err(node(n) + ": transA = 1 is not supported");
                if (floatAttr(n, "alpha", 1f) != 1f || floatAttr(n, "beta", 1f) != 1f) throw err(node(n) + ": alpha and beta must be 1");
                TensorProto wt = initializer(n, 1);
                boolean transB = intAttr(n, "transB", 0) != 0;
                int[] shape = matrix(wt, n);
                out = transB ? shape[0] : shape[1];
                in = transB ? shape[1] : shape[0];
                w = transB ? floats(wt) : transpose(floats(wt), shape[0], shape[1]);
                b = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? bias(initializer(n, 2), out, n) : new float[out];
                output = n.getOutput(0);
            } else {
                TensorProto wt = initializer(n, 1);
                int[] shape = matrix(wt, n);
                in = shape[0];
                out = shape[1];
                w = transpose(floats(wt), in, out);   // MatMul's B is n_{l−1} × n_l
                NodeProto add = only(n.getOutput(0));
                if (add == null || !add.getOpType().equals("Add")) throw err(node(n) + " is not followed by an Add of a bias");
                used.add(add);
                int bi = add.getInput(0).equals(n.getOutput(0)) ? 1 : 0;
                TensorProto bt = init.get(add.getInput(bi));
                if (bt == null) throw err(node(add) + ": the bias '" + add.getInput(bi) + "' is not an initializer");
                b = bias(bt, out, add);
                output = add.getOutput(0);
            }
            if (prev >= 0 && in != prev) throw err(node(n) + " takes " + in + " inputs, the previous layer has " + prev + " units");
            if (sizes.isEmpty()) sizes.add(in);
            sizes.add(out);
            long params = 0;
            for (int l = 1; l < sizes.size(); l++) params += (long) sizes.get(l) * sizes.get(l - 1) + sizes.get(l);
            if (params > MAX_PARAMS) throw err("more than " + MAX_PARAMS + " parameters; refusing to allocate");
            weights.add(w);
            biases.add(b);
            return output;
        }

        Activation activation(NodeProto n) throws DataFormatException {
            if (!n.getDomain().isEmpty()) return null;
            return switch (n.getOpType()) {
                case "Relu" -> Activation.RELU;
                case "Tanh" -> Activation.TANH;
                case "Sigmoid" -> Activation.LOGISTIC;
                case "LeakyRelu" -> {
                    float a = floatAttr(n, "alpha", 0.01f);
                    if (a != Activation.LEAKY_SLOPE) throw err(node(n) + ": alpha " + a + " (backprop4j's leaky ReLU has slope " + Activation.LEAKY_SLOPE + ")");
                    yield Activation.LEAKY_RELU;
                }
                case "Softmax" -> {
                    long axis = intAttr(n, "axis", -1);
                    if (axis != 1 && axis != -1) throw err(node(n) + ": softmax over axis " + axis + " (expected the last axis, 1)");
                    yield Activation.SOFTMAX;
                }
                case "Identity" -> Activation.IDENTITY;
                case "Softplus" -> Activation.SOFTPLUS;
                case "Sin" -> Activation.SIN;
                case "Elu" -> {
                    float a = floatAttr(n, "alpha", 1f);
                    if (a != 1f) throw err(node(n) + ": alpha " + a + " (backprop4j's ELU has alpha 1)");
                    yield Activation.ELU;
                }
                default -> null;
            };
        }

        /**
         * GELU's tanh form as {@link OnnxExporter} writes it from opset-17 operators,
         * ½x·(1 + tanh(√(2/π)(x + 0.044715x³))) (Hendrycks &amp; Gimpel 2016, §2): x·x, ·x, ·0.044715, x +,
         * ·√(2/π), Tanh, + 1, times x·0.5. Returns the output tensor and marks the nodes used, or null
         * (nothing marked) if the nodes reading {@code x} are not exactly that.
         */
        String gelu(String x) {
            List<NodeProto> readers = consumers.getOrDefault(x, List.of());
            NodeProto square = null, half = null;
            for (NodeProto n : readers) {
                if (!n.getDomain().isEmpty()) return null;
                if (op(n, "Mul") && x.equals(n.getInput(0)) && x.equals(n.getInput(1))) square = n;
                else if (op(n, "Mul") && scalar(other(n, x)) == 0.5f) half = n;
            }
            if (square == null || half == null) return null;
            NodeProto cube = only(square.getOutput(0));
            if (!op(cube, "Mul") || !x.equals(other(cube, square.getOutput(0)))) return null;
            NodeProto ax3 = only(cube.getOutput(0));
            if (!op(ax3, "Mul") || scalar(other(ax3, cube.getOutput(0))) != 0.044715f) return null;
            NodeProto inner = only(ax3.getOutput(0));
            if (!op(inner, "Add") || !x.equals(other(inner, ax3.getOutput(0)))) return null;
            NodeProto scaled = only(inner.getOutput(0));
            if (!op(scaled, "Mul") || scalar(other(scaled, inner.getOutput(0))) != (float) Math.sqrt(2 / Math.PI)) return null;
            NodeProto tanh = only(scaled.getOutput(0));
            if (!op(tanh, "Tanh")) return null;
            NodeProto onePlus = only(tanh.getOutput(0));
            if (!op(onePlus, "Add") || scalar(other(onePlus, tanh.getOutput(0))) != 1f) return null;
            NodeProto out = only(onePlus.getOutput(0));
            if (!op(out, "Mul") || !half.getOutput(0).equals(other(out, onePlus.getOutput(0))) || !out.equals(only(half.getOutput(0)))) return null;
            // x feeds exactly these four nodes (x·x reads it twice): nothing else may read the layer's net input
            if (readers.size() != 5 || !new HashSet<>(readers).equals(Set.of(square, cube, inner, half))) return null;
            used.addAll(List.of(square, cube, ax3, inner, scaled, tanh, onePlus, half, out));
            return out.getOutput(0);
        }

        static boolean op(NodeProto n, String type) {
            return n != null && n.getDomain().isEmpty() && n.getOpType().equals(type) && n.getInputCount() == (type.equals("Tanh") ? 1 : 2);
        }

        /** The input of a two-input node that is not {@code t}, or null if {@code t} is not one of its inputs. */
        static String other(NodeProto n, String t) {
            if (n.getInputCount() != 2) return null;
            if (t.equals(n.getInput(0))) return n.getInput(1);
            if (t.equals(n.getInput(1))) return n.getInput(0);
            return null;
        }

        /** The value of a one-element float initializer, or NaN (which equals nothing) if the tensor is not one. */
        float scalar(String tensor) {
            TensorProto t = tensor == null ? null : init.get(tensor);
            if (t == null) return Float.NaN;
            try {
                float[] f = floats(t);
                return f.length == 1 ? f[0] : Float.NaN;
            } catch (DataFormatException e) {
                return Float.NaN;
            }
        }

        Imported toModel(Map<String, String> meta) throws DataFormatException {
            int[] s = sizes.stream().mapToInt(Integer::intValue).toArray();
            Network net = new Network(s, acts.toArray(new Activation[0]));
            float[] p = net.params();
            for (int l = 1; l < s.length; l++) {
                System.arraycopy(weights.get(l - 1), 0, p, net.weightOffset(l), weights.get(l - 1).length);
                System.arraycopy(biases.get(l - 1), 0, p, net.biasOffset(l), s[l]);
            }
            for (float v : p) if (!Float.isFinite(v)) throw err("a weight is not finite (" + v + ")");
            if ("backprop4j-onnx".equals(meta.get("backprop4j.format"))) return new Imported(fromMetadata(net, meta), "");
            // a foreign graph: nothing but the chain, starting at a graph input
            if (g.getInputList().stream().noneMatch(v -> v.getName().equals(start))) {
                throw err("the first layer reads '" + start + "', which is not a graph input (preprocessing operators are not imported)");
            }
            for (NodeProto n : g.getNodeList()) {
                if (!used.contains(n)) throw err("unsupported " + node(n) + " outside the layer chain (supported: Gemm, MatMul+Add, Relu, Tanh, Sigmoid, LeakyRelu, Softmax, Softplus, Elu, Sin, GELU's tanh form)");
            }
            Activation out = net.outputActivation();
            Loss loss = out == Activation.SOFTMAX ? Loss.CROSS_ENTROPY : out == Activation.LOGISTIC ? Loss.BINARY_CROSS_ENTROPY : Loss.MSE;
            List<String> classes = null;
            if (loss != Loss.MSE) {
                classes = new ArrayList<>();
                for (int k = 0; k < Math.max(2, net.outputs()); k++) classes.add(Integer.toString(k));
            }
            Model model = Model.builder(net, loss).classNames(classes).build();
            return new Imported(model, "loss " + loss.id() + " inferred from the " + out.id() + " output units"
                    + (classes == null ? "" : ", classes named " + String.join(", ", classes.size() > 4 ? classes.subList(0, 3) : classes)
                    + (classes.size() > 4 ? ", ..." : "")) + ", no preprocessing");
        }

        /**
         * The model file's JSON from {@code backprop4j.model} with the graph's weights put back, read
         * by {@link ModelFile#fromJson}: every check of a model file, and its checksums, which fail if
         * the graph's weights are not the exported ones.
         */
        Model fromMetadata(Network net, Map<String, String> meta) throws DataFormatException {
            JsonNode root;
            try {
                root = JSON.readTree(meta.get("backprop4j.model"));
            } catch (IOException | IllegalArgumentException e) {
                throw err("bad backprop4j.model metadata: " + e.getMessage());
            }
            JsonNode layers = root == null ? null : root.path("network").path("layers");
            if (layers == null || !layers.isArray() || layers.size() != net.layers()) {
                throw err("the backprop4j.model metadata describes " + (layers == null || !layers.isArray() ? "no" : layers.size())
                        + " layers, the graph has " + net.layers());
            }
            for (int l = 1; l <= net.layers(); l++) {
                if (!(layers.get(l - 1) instanceof ObjectNode layer)) throw err("bad backprop4j.model metadata: layer " + l + " is not an object");
                ArrayNode w = layer.putArray("W");
                for (int t = 0; t < net.size(l); t++) {
                    ArrayNode row = w.addArray();
                    for (int u = 0; u < net.size(l - 1); u++) row.add(net.weight(l, t, u));
                }
                ArrayNode b = layer.putArray("b");
                for (int t = 0; t < net.size(l); t++) b.add(net.bias(l, t));
            }
            return ModelFile.fromJson(root, name);
        }

        TensorProto initializer(NodeProto n, int i) throws DataFormatException {
            if (n.getInputCount() <= i) throw err(node(n) + " has no input " + i);
            TensorProto t = init.get(n.getInput(i));
            if (t == null) throw err(node(n) + ": '" + n.getInput(i) + "' is not an initializer (weights must be constants)");
            return t;
        }

        int[] matrix(TensorProto t, NodeProto n) throws DataFormatException {
            if (t.getDimsCount() != 2) throw err(node(n) + ": weights '" + t.getName() + "' have " + t.getDimsCount() + " dimensions, expected 2");
            long r = t.getDims(0), c = t.getDims(1);
            if (r < 1 || c < 1 || r * c > MAX_PARAMS) throw err(node(n) + ": weights '" + t.getName() + "' have shape " + r + "×" + c);
            return new int[] {(int) r, (int) c};
        }

        float[] bias(TensorProto t, int out, NodeProto n) throws DataFormatException {
            long count = 1;
            for (long d : t.getDimsList()) count *= d;
            if (count != out) throw err(node(n) + ": bias '" + t.getName() + "' has " + count + " values, the layer " + out + " units");
            return floats(t);
        }

        float[] floats(TensorProto t) throws DataFormatException {
            if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) throw err("initializer '" + t.getName() + "' is not float32 (data type " + t.getDataType() + ")");
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) throw err("initializer '" + t.getName() + "' is stored in an external file (not supported)");
            long count = 1;
            for (long d : t.getDimsList()) count *= d;
            if (!t.getRawData().isEmpty()) {
                if (t.getRawData().size() != count * 4) throw err("initializer '" + t.getName() + "' has " + t.getRawData().size() + " bytes for " + count + " floats");
                float[] f = new float[(int) count];
                ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
                return f;
            }
            if (t.getFloatDataCount() != count) throw err("initializer '" + t.getName() + "' has " + t.getFloatDataCount() + " values for " + count);
            float[] f = new float[(int) count];
            for (int i = 0; i < f.length; i++) f[i] = t.getFloatData(i);
            return f;
        }

        static float[] transpose(float[] a, int rows, int cols) {
            float[] t = new float[a.length];
            for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
            return t;
        }

        static long intAttr(NodeProto n, String key, long def) {
            for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(key)) return a.getI();
            return def;
        }

        static float floatAttr(NodeProto n, String key, float def) {
            for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(key)) return a.getF();
            return def;
        }

        static String node(NodeProto n) {
            return "node " + (n.getName().isEmpty() ? "" : "'" + n.getName() + "' ") + "(" + (n.getDomain().isEmpty() ? "" : n.getDomain() + ".") + n.getOpType() + ")";
        }

        DataFormatException err(String msg) {
            return new DataFormatException(name, 0, 0, msg);
        }
    }
}
