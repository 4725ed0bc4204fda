package org.backprop4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.backprop4j.data.DataSet;
import org.backprop4j.io.ModelFile;
import org.backprop4j.model.Model;
import org.backprop4j.metrics.ConfusionMatrix;
import org.backprop4j.metrics.Metrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Scores a model on a labelled data file. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score a model on labelled data: accuracy, confusion matrix and per-class precision/recall/F1, or MSE, MEE and R².",
        footer = {"%nExamples:",
                "  backprop4j evaluate iris.json iris-test.csv",
                "  backprop4j evaluate cpu.json cpu-test.arff --json"})
final class EvaluateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The model file (train -o, search -o, import -o).")
    Path modelFile;

    @Parameters(index = "1", paramLabel = "DATA", description = "Labelled data to score the model on (CSV, ARFF, LIBSVM, MONK, IDX with --labels), read with the model's schema.")
    Path data;

    @Option(names = "--json", description = "Print the metrics as one JSON object instead of text, for scripts.")
    boolean json;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Model model = ModelFile.read(modelFile);
        DataSet raw = dataOptions.read(data, model.schema());
        dataOptions.warnNotices(spec.commandLine().getErr());
        if (raw.outputs() != model.outputs()) {
            throw new IllegalArgumentException(data.getFileName() + " has " + raw.outputs() + " target columns; the model has "
                    + model.outputs() + " outputs");
        }
        if (raw.inputs() != model.inputs()) {
            throw new IllegalArgumentException("the data has " + raw.inputs() + " inputs after encoding; the model " + modelFile.getFileName()
                    + " expects " + model.inputs());
        }
        float[] o = model.outputs(raw);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("patterns", raw.size());
        if (model.isClassification()) {
            ConfusionMatrix cm = Metrics.confusion(raw, o);
            m.put("accuracy", cm.accuracy());
            m.put("macroPrecision", cm.macroPrecision());
            m.put("macroRecall", cm.macroRecall());
            m.put("macroF1", cm.macroF1());
            int k = cm.classes(), rows = raw.size();
            double[] auc = new double[k], ap = new double[k];
            double aucSum = 0, apSum = 0;
            for (int c = 0; c < k; c++) {
                // one class against the rest, ranked by its output (probability)
                double[] score = new double[rows];
                boolean[] positive = new boolean[rows];
                for (int p = 0; p < rows; p++) {
                    score[p] = o[p * k + c];
                    positive[p] = raw.d()[p * k + c] > 0.5f;
                }
                auc[c] = org.backprop4j.metrics.Ranking.rocAuc(score, positive);
                ap[c] = org.backprop4j.metrics.Ranking.averagePrecision(score, positive);
                aucSum += auc[c];
                apSum += ap[c];
            }
            m.put("macroRocAuc", aucSum / k);
            m.put("macroAveragePrecision", apSum / k);
            if (json) {
                m.put("classes", cm.classNames());
                long[][] counts = new long[cm.classes()][cm.classes()];
                for (int a = 0; a < cm.classes(); a++) for (int p = 0; p < cm.classes(); p++) counts[a][p] = cm.count(a, p);
                m.put("confusion", counts);
                java.util.List<Map<String, Object>> perClass = new java.util.ArrayList<>();
                for (int c = 0; c < cm.classes(); c++) {
                    Map<String, Object> pc = new LinkedHashMap<>();
                    pc.put("class", cm.classNames().get(c));
                    pc.put("support", cm.support(c));
                    pc.put("precision", cm.precision(c));
                    pc.put("recall", cm.recall(c));
                    pc.put("f1", cm.f1(c));
                    pc.put("rocAuc", auc[c]);
                    pc.put("averagePrecision", ap[c]);
                    perClass.add(pc);
                }
                m.put("perClass", perClass);
                out.println(Json.write(m));
            } else {
                out.printf(Locale.ROOT, "%s on %s: %s, accuracy %.2f%%%n", modelFile.getFileName(), data.getFileName(), Words.count(raw.size(), "pattern"), 100 * cm.accuracy());
                out.println();
                out.print(cm.format());
                out.println();
                out.print(cm.report());
                out.println();
                out.println("ranking by each class's output, one class against the rest (NaN: the class is absent)");
                out.printf(Locale.ROOT, "  %-20s %8s %8s%n", "class", "ROC AUC", "AP");
                for (int c = 0; c < k; c++) out.printf(Locale.ROOT, "  %-20s %8.4f %8.4f%n", cm.classNames().get(c), auc[c], ap[c]);
                out.printf(Locale.ROOT, "  %-20s %8.4f %8.4f%n", "macro average", aucSum / k, apSum / k);
            }
        } else {
            int n = raw.outputs();
            m.put("mse", Metrics.mse(raw.d(), o, n));
            m.put("mee", Metrics.mee(raw.d(), o, n));
            m.put("r2", Metrics.r2(raw.d(), o, n));
            if (json) {
                out.println(Json.write(m));
            } else {
                out.printf(Locale.ROOT, "%s on %s: %s%n  MSE %.6g%n  MEE %.6g (mean Euclidean error)%n  R²  %.4f%n",
                        modelFile.getFileName(), data.getFileName(), Words.count(raw.size(), "pattern"), m.get("mse"), m.get("mee"), m.get("r2"));
                double[] actual = new double[raw.size()], predicted = new double[raw.size()];
                for (int p = 0; p < raw.size(); p++) {
                    actual[p] = raw.d()[p * n];
                    predicted[p] = o[p * n];
                }
                out.println();
                out.println("predicted against actual" + (n > 1 ? " (first target)" : "") + ":");
                out.print(org.backprop4j.metrics.Ranking.scatter(actual, predicted, 60, 20));
            }
        }
        return 0;
    }
}
