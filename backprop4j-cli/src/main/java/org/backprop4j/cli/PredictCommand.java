package org.backprop4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.backprop4j.io.ModelFile;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.model.Model;
import org.backprop4j.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Writes a model's predictions for a data file as CSV. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict with a model: CSV with the predicted class and the class probabilities (or the regression outputs).",
        footer = {"%nExamples:",
                "  backprop4j predict iris.json new.csv -o predictions.csv",
                "  backprop4j predict iris.json new.csv --ignore id"})
final class PredictCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The model file (train -o, search -o, import -o).")
    Path modelFile;

    @Parameters(index = "1", paramLabel = "DATA", description = "Records to predict (CSV or ARFF with or without the target column; LIBSVM, MONK, IDX with --labels), read with the model's schema.")
    Path data;

    @Option(names = {"-o", "--out"}, paramLabel = "CSV", description = "The file this command writes, here the predictions (CSV, atomically); default: standard output.")
    Path out;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        // before any work: the output writable and not one of the inputs
        new Outputs().input("the model", modelFile).input("the data", data).input("--labels", dataOptions.labels)
                .output("-o", out).check();
        Model model = ModelFile.read(modelFile);
        float[] x = readInputs(model);
        int m = x.length / model.inputs();
        float[] o = model.outputs(x, m);
        if (out == null) {
            PrintWriter w = spec.commandLine().getOut();
            write(model, m, o, w);
            w.flush();
        } else {
            AtomicFiles.write(out, os -> {
                Writer w = new java.io.OutputStreamWriter(os, java.nio.charset.StandardCharsets.UTF_8);
                write(model, m, o, w);
                w.flush();
            });
        }
        return 0;
    }

    /**
     * The inputs of every row, encoded like the training data; CSV and ARFF files may omit the target
     * column (or hold anything in it), other formats are read whole.
     */
    private float[] readInputs(Model model) throws IOException {
        org.backprop4j.data.Schema schema = model.schema();
        org.backprop4j.data.DataFiles.Format f = org.backprop4j.data.DataFiles.formatOf(data);
        if (dataOptions.labels != null) return whole(model);   // IDX images (and labels)
        if (schema != null && f == org.backprop4j.data.DataFiles.Format.CSV) {
            float[] x = org.backprop4j.data.CsvReader.readInputs(data, dataOptions.toReadOptions().schema(schema));
            dataOptions.warnNotices(spec.commandLine().getErr());
            return x;
        }
        if (schema != null && f == org.backprop4j.data.DataFiles.Format.ARFF) {
            float[] x = org.backprop4j.data.ArffReader.readInputs(data, dataOptions.toReadOptions().schema(schema));
            dataOptions.warnNotices(spec.commandLine().getErr());
            return x;
        }
        return whole(model);
    }

    /** The inputs of a file read whole (IDX, LIBSVM, MONK), which must have as many as the model. */
    private float[] whole(Model model) throws IOException {
        org.backprop4j.data.DataSet ds = dataOptions.read(data, model.schema());
        dataOptions.warnNotices(spec.commandLine().getErr());
        if (ds.inputs() != model.inputs()) {
            throw new org.backprop4j.data.DataFormatException(org.backprop4j.data.Sources.name(data), 0, 0, "the data has "
                    + ds.inputs() + " inputs after encoding; the model " + modelFile.getFileName() + " expects " + model.inputs());
        }
        return ds.x();
    }

    static void write(Model model, int m, float[] o, Writer w) throws IOException {
        int n = model.outputs();
        List<String> classes = model.isClassification() ? model.classNames() : null;
        StringBuilder sb = new StringBuilder();
        if (classes != null) {
            sb.append("predicted");
            if (n == 1) sb.append(",p(").append(csv(classes.get(1))).append(')');
            else for (String c : classes) sb.append(",p(").append(csv(c)).append(')');
        } else {
            List<String> names = model.targetNames();
            for (int k = 0; k < n; k++) sb.append(k > 0 ? "," : "").append(names.size() == n ? csv(names.get(k)) : "y" + (k + 1));
        }
        w.write(sb.append('\n').toString());
        for (int p = 0; p < m; p++) {
            sb.setLength(0);
            if (classes != null) sb.append(csv(classes.get(Evaluation.predictedClass(o, p * n, n))));
            for (int k = 0; k < n; k++) {
                if (classes != null || k > 0) sb.append(',');
                sb.append(number(o[p * n + k]));
            }
            w.write(sb.append('\n').toString());
        }
    }

    /**
     * An output in one format whatever its size: the float's shortest round-trip digits
     * ({@link Float#toString}) written out without an exponent, so that 0.000012 is not 1.2E-5 in
     * the next row ("NaN" and "Infinity" as Java writes them). Reading it back gives the same float.
     */
    static String number(float v) {
        if (!Float.isFinite(v)) return Float.toString(v);
        String s = new java.math.BigDecimal(Float.toString(v)).toPlainString();
        return s.indexOf('.') < 0 ? s + ".0" : s;
    }

    /** Quotes a CSV field when needed. */
    static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
