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
import org.backprop4j.cli.report.HtmlReport;
import org.backprop4j.cli.report.ReportData;
import java.util.List;
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
                "  backprop4j evaluate cpu.json cpu-test.arff --json",
                "  backprop4j evaluate iris.json iris-test.csv --report iris-test.html"})
final class EvaluateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The model file (train -o, search -o, import -o).")
    Path modelFile;

    @Parameters(index = "1", paramLabel = "DATA", description = "Labelled data to score the model on (CSV, ARFF, LIBSVM, MONK, IDX with --labels), read with the model's schema.")
    Path data;

    @Option(names = "--json", description = "Print the metrics as one JSON object instead of text, for scripts.")
    boolean json;

    @Option(names = "--report", paramLabel = "HTML",
            description = "Also write a self-contained HTML report: metrics, confusion matrix, ROC and precision–recall curves "
                    + "(classes), predicted against actual (regression), the model's network, hyper-parameters and provenance.")
    Path report;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // before any work: the report writable and not one of the inputs
        new Outputs().input("the model", modelFile).input("the data", data).input("--labels", dataOptions.labels).output("--report", report).check();
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
        htmlReport = report == null ? null : ReportData.builder()
                .title("backprop4j: " + modelFile.getFileName() + " on " + data.getFileName())
                .dataSet(data.getFileName().toString(), 0, 0, raw.size())
                .network(model.network())
                .evaluatedOn(data.getFileName() + " (" + Words.count(raw.size(), "pattern") + ")")
                .commandLine(RunReport.commandLine(spec))
                .generatedAt(java.time.Instant.now());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("patterns", raw.size());
        if (model.isClassification()) {
            ConfusionMatrix cm = Metrics.confusion(raw, o);
            m.put("accuracy", cm.accuracy());
            m.put("macroPrecision", cm.macroPrecision());
            m.put("macroRecall", cm.macroRecall());
            m.put("macroF1", cm.macroF1());
            int k = cm.classes();
            double[] auc = new double[k], ap = new double[k];
            double aucSum = 0, apSum = 0;
            RunReport.Scored scored = new RunReport.Scored(o, raw.d(), raw.size(), model.outputs());
            for (int c = 0; c < k; c++) {
                // one class against the rest, ranked by its output (probability; one logistic output: o and 1 − o)
                ReportData.ClassScores cs = RunReport.oneVsRest(scored, c, cm.classNames().get(c));
                auc[c] = org.backprop4j.metrics.Ranking.rocAuc(cs.scores(), cs.positive());
                ap[c] = org.backprop4j.metrics.Ranking.averagePrecision(cs.scores(), cs.positive());
                aucSum += auc[c];
                apSum += ap[c];
            }
            if (report != null) {
                htmlReport.confusion(confusionCounts(cm), cm.classNames()).ranking(RunReport.ranking(scored, cm.classNames()))
                        .classBalance("evaluated", RunReport.classCounts(raw, cm.classNames().size()))
                        .metric("accuracy", cm.accuracy()).metric("macro precision", cm.macroPrecision())
                        .metric("macro recall", cm.macroRecall()).metric("macro F1", cm.macroF1());
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
            if (report != null) {
                List<String> targets = model.targetNames();
                htmlReport.metric("MSE", m.get("mse")).metric("MEE (mean Euclidean error)", m.get("mee")).metric("R²", m.get("r2"))
                        .scatter(RunReport.scatter(targets.isEmpty() ? "y" : targets.get(0), model, raw));
            }
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
        if (report != null) {
            org.backprop4j.train.Settings trained = model.provenance().settings();
            if (trained != null) htmlReport.configuration(RunReport.hyperParameters(model.network().describe(), trained, null, null, -1));
            htmlReport.provenance("evaluated data file", data.getFileName().toString());
            if (java.nio.file.Files.isRegularFile(data)) {
                htmlReport.provenance("evaluated data size", RunReport.bytes(java.nio.file.Files.size(data)));
                htmlReport.provenance("evaluated data SHA-256", org.backprop4j.model.Provenance.DataInfo.of(data, raw.size()).sha256());
            }
            htmlReport.provenance("evaluated with", "backprop4j " + ModelFile.libraryVersion() + ", Java " + Runtime.version());
            RunReport.provenance(htmlReport, model.provenance(), null, "model: ");
            byte[] html = HtmlReport.render(htmlReport.build()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            org.backprop4j.util.AtomicFiles.write(report, html);
            if (!json) out.println("report written to " + report);
        }
        return 0;
    }

    /** The report being filled, or null without --report. */
    private ReportData.Builder htmlReport;

    private static int[][] confusionCounts(ConfusionMatrix cm) {
        int[][] c = new int[cm.classes()][cm.classes()];
        for (int a = 0; a < c.length; a++) for (int p = 0; p < c.length; p++) c[a][p] = (int) cm.count(a, p);
        return c;
    }
}
