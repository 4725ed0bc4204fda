package org.backprop4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.backprop4j.io.ModelFile;
import org.backprop4j.onnx.OnnxImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Reads an ONNX MLP into a model file (docs/ONNX.md). */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import an ONNX multi-layer perceptron (Gemm or MatMul+Add layers; Relu, Tanh, Sigmoid, LeakyRelu, Softmax) as a model file,",
                "to predict, evaluate or serve here, or to fine-tune through the library (Trainer on the model's network)."},
        footer = {"%nExamples:",
                "  backprop4j import model.onnx -o model.json"})
final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN.onnx", description = "The ONNX model to read.")
    Path in;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "MODEL", description = "The file this command writes, here the model (JSON, atomically).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        OnnxImporter.Imported imp = OnnxImporter.read(in);
        if (!imp.inferred().isEmpty()) spec.commandLine().getErr().println("backprop4j: " + in.getFileName() + " is not a backprop4j export: " + imp.inferred());
        ModelFile.write(imp.model(), out);
        spec.commandLine().getOut().println("wrote " + out + " (" + imp.model().network().describe() + ", loss " + imp.model().loss().id() + ")");
        return 0;
    }
}
