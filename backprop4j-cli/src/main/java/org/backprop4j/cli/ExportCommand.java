package org.backprop4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.backprop4j.model.Model;
import org.backprop4j.io.ModelFile;
import org.backprop4j.onnx.OnnxExporter;
import org.backprop4j.onnx.proto.OnnxProto.ModelProto;
import org.backprop4j.onnx.proto.OnnxProto.ValueInfoProto;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Writes a model as ONNX (docs/ONNX.md). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a model to another format.",
                "  export MODEL -o OUT.onnx   the network and its preprocessing as standard ONNX operators (docs/ONNX.md)"},
        footer = {"%nExamples:",
                "  backprop4j export iris.json -o iris.onnx"})
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The model file to export (train -o, search -o, import -o).")
    Path modelFile;

    @Option(names = {"-o", "--out", "--onnx"}, required = true, paramLabel = "OUT.onnx",
            description = "The file this command writes, here an ONNX model (atomically); --onnx is its earlier name.")
    Path onnx;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Model m = ModelFile.read(modelFile);
        ModelProto p = OnnxExporter.build(m);
        byte[] bytes = p.toByteArray();
        org.backprop4j.util.AtomicFiles.write(onnx, os -> os.write(bytes));
        PrintWriter out = spec.commandLine().getOut();
        out.println("wrote " + onnx + " (ONNX opset " + OnnxExporter.OPSET + ", " + m.network().describe() + ")");
        out.println("  inputs:  " + describe(p.getGraph().getInputList()));
        out.println("  outputs: " + describe(p.getGraph().getOutputList()));
        return 0;
    }

    private static String describe(java.util.List<ValueInfoProto> vs) {
        StringBuilder sb = new StringBuilder();
        for (ValueInfoProto v : vs) {
            var t = v.getType().getTensorType();
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(v.getName()).append(' ').append(t.getElemType() == 8 ? "string" : "float").append('[');
            for (int i = 0; i < t.getShape().getDimCount(); i++) {
                var d = t.getShape().getDim(i);
                sb.append(i > 0 ? "," : "").append(d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue()));
            }
            sb.append(']');
        }
        return sb.toString();
    }
}
