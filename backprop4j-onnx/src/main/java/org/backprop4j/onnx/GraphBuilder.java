package org.backprop4j.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.backprop4j.onnx.proto.OnnxProto.AttributeProto;
import org.backprop4j.onnx.proto.OnnxProto.GraphProto;
import org.backprop4j.onnx.proto.OnnxProto.NodeProto;
import org.backprop4j.onnx.proto.OnnxProto.TensorProto;
import org.backprop4j.onnx.proto.OnnxProto.TensorShapeProto;
import org.backprop4j.onnx.proto.OnnxProto.TypeProto;
import org.backprop4j.onnx.proto.OnnxProto.ValueInfoProto;

/** Small helpers that add nodes, initializers and typed inputs/outputs to a {@link GraphProto}. */
final class GraphBuilder {
    /** The symbolic batch dimension of every input and output. */
    static final String BATCH = "N";

    final GraphProto.Builder g = GraphProto.newBuilder();
    private int counter;

    /** A fresh tensor name with the given prefix. */
    String fresh(String prefix) {
        return prefix + "_" + (counter++);
    }

    /** Adds a node with one output; returns the output's name. */
    String node(String op, String domain, List<String> inputs, String output, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(output + "_" + op).addAllInput(inputs).addOutput(output);
        if (domain != null) n.setDomain(domain);
        for (AttributeProto a : attrs) n.addAttribute(a);
        g.addNode(n);
        return output;
    }

    String node(String op, List<String> inputs, String output, AttributeProto... attrs) {
        return node(op, null, inputs, output, attrs);
    }

    /** A float initializer of the given shape (little-endian raw data, as ONNX stores it). */
    String floats(String name, float[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        g.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addAllDims(longs(dims)).setRawData(ByteString.copyFrom(b.array())));
        return name;
    }

    /** A float initializer from doubles, each rounded to float32 once. */
    String floats(String name, double[] v, long... dims) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return floats(name, f, dims);
    }

    String int64s(String name, long[] v, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addAllDims(longs(dims));
        for (long x : v) t.addInt64Data(x);
        g.addInitializer(t);
        return name;
    }

    String strings(String name, List<String> v, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.STRING_VALUE).addAllDims(longs(dims));
        for (String s : v) t.addStringData(ByteString.copyFrom(s, StandardCharsets.UTF_8));
        g.addInitializer(t);
        return name;
    }

    /** Declares a graph input of element type {@code type} and shape [N, width] (or [N] if width &lt; 0). */
    void input(String name, int type, int width, String doc) {
        g.addInput(valueInfo(name, type, width, doc));
    }

    void output(String name, int type, int width, String doc) {
        g.addOutput(valueInfo(name, type, width, doc));
    }

    private static ValueInfoProto valueInfo(String name, int type, int width, String doc) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        if (width >= 0) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width));
        TypeProto t = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(t).setDocString(doc).build();
    }

    static AttributeProto attr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto attr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto attr(String name, List<String> v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
        for (String s : v) a.addStrings(ByteString.copyFrom(s, StandardCharsets.UTF_8));
        return a.build();
    }

    private static List<Long> longs(long[] dims) {
        return java.util.Arrays.stream(dims).boxed().toList();
    }
}
