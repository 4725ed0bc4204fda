package org.backprop4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.backprop4j.Predictor;
import org.backprop4j.cli.report.ReportData;
import org.backprop4j.data.Examples;
import org.backprop4j.model.Model;
import org.backprop4j.model.Provenance;
import org.backprop4j.train.Optimizer;
import org.backprop4j.train.Optimizers;
import org.backprop4j.train.Settings;
import org.backprop4j.train.TrainingConfig;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the HTML reports of {@code train} and {@code evaluate} show beyond the run itself (issue
 * 20.7): every resolved hyper-parameter, the model's outputs on the evaluated set (confusion
 * matrix, ROC and precision–recall, predicted against actual), the class balance of each set, the
 * command line and the provenance.
 */
final class RunReport {
    private RunReport() {
    }

    /** At most this many output values are kept for the curves; a larger set gets its confusion matrix only. */
    static final long MAX_SCORES = 20_000_000;

    /**
     * Every setting of a run, resolved (what the user gave and what was chosen for it), in one
     * fixed order: network, activations, loss, initialisation, update rule and its learning rate,
     * presentation, stopping, regularisation, scaling, seed.
     *
     * @param s          the resolved settings
     * @param cfg        the run's training configuration (mode, batch), or null if not known
     * @param optimizer  the update rule as the run made it, or null to make one from the settings' spec
     * @param restarts   --restarts, or -1 if not known (a model's recorded settings)
     */
    static Map<String, Object> hyperParameters(String network, Settings s, TrainingConfig cfg, Optimizer optimizer, int restarts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("network", network);
        m.put("hidden layers", s.hidden() == null ? "—" : s.hidden().isEmpty() ? "none" : join(s.hidden()));
        m.put("hidden activation", s.activations() == null ? "—" : s.hidden() != null && s.hidden().isEmpty() ? "— (no hidden layer)"
                : Settings.ids(s.activations()));
        m.put("output activation", s.output() == null ? "—" : s.output().id());
        m.put("loss", s.loss() == null ? "—" : s.loss().id());
        // auto: Init.auto, layer by layer
        m.put("weight initialisation", s.init() == null ? "—" : s.init() + ("auto".equals(s.init()) ? " (He for (leaky) ReLU layers, Xavier for the others)" : ""));
        m.put("optimizer", s.optimizer());
        Optimizer rule = optimizer;
        if (rule == null && s.optimizer() != null) {
            try {
                rule = Optimizers.create(s.optimizer());
            } catch (RuntimeException e) {
                rule = null;   // a rule this version does not know: its spec is shown as recorded
            }
        }
        if (rule != null) {
            m.put("update rule", rule.describe());
            double lr = rule.learningRate();
            m.put("learning rate", Double.isNaN(lr) ? "— (the rule sets its own steps)" : lr);
        }
        if (cfg != null) {
            m.put("mode", cfg.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            m.put("batch", cfg.mode() == TrainingConfig.Mode.MINI_BATCH ? cfg.batchSize() + " patterns per update"
                    : cfg.mode() == TrainingConfig.Mode.ONLINE ? "1 pattern per update" : "all patterns per update");
        } else {
            m.put("batch", s.batch() == null ? "—" : s.batch() == 0 ? "full batch" : s.batch());
        }
        m.put("max epochs", s.epochs());
        m.put("target error ε", s.targetError() == null || s.targetError() == 0 ? "off" : s.targetError());
        m.put("L2 decay λ", s.lambda() == null ? "—" : s.lambda() == 0 ? "0 (off)" : s.lambda());
        m.put("learning-rate schedule", s.schedule() == null ? "none" : s.schedule());
        m.put("gradient clipping", s.clipNorm() == null || s.clipNorm() == 0 ? "off" : "Euclidean norm " + s.clipNorm());
        m.put("early stopping", s.earlyStopping() == null ? "off" : s.earlyStopping());
        m.put("plateau stop", s.plateau() == null ? "—" : s.plateau());
        m.put("validation fraction", s.validation() == null || s.validation() == 0 ? "0 (none held out)" : s.validation());
        if (restarts >= 0) m.put("divergence restarts", restarts == 0 ? "0 (stop on divergence)" : restarts);
        m.put("input scaling", s.scaling() == null ? "—" : Settings.scalingId(s.scaling()));
        m.put("seed", s.seed());
        return m;
    }

    private static String join(List<Integer> v) {
        StringBuilder sb = new StringBuilder();
        for (int x : v) sb.append(sb.isEmpty() ? "" : ",").append(x);
        return sb.toString();
    }

    /** The command as typed, each argument quoted for bash where it needs it. */
    static String commandLine(CommandSpec spec) {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        StringBuilder sb = new StringBuilder("backprop4j");
        List<String> a = new ArrayList<>(args);
        // the parse result of a subcommand holds the whole line; make sure the command's name is there
        if (a.isEmpty() || !a.contains(spec.name())) a.add(0, spec.name());
        for (String s : a) sb.append(' ').append(SearchCommand.shellQuote(s));
        return sb.toString();
    }

    /**
     * Where the model and its data came from: the library that trained it, on which Java, OS and
     * kernels, when; the training file (name, size now if it is at hand, SHA-256, patterns); the
     * seed.
     */
    static void provenance(ReportData.Builder b, Provenance p, Path trainingFile, String prefix) {
        if (p == null) return;
        Provenance.Environment env = p.environment();
        if (env != null) {
            b.provenance(prefix + "library", env.library());
            b.provenance(prefix + "Java", env.java());
            b.provenance(prefix + "OS", env.os());
            b.provenance(prefix + "kernels", env.kernels());
            b.provenance(prefix + "created", env.created());
        }
        Provenance.DataInfo d = p.data();
        if (d != null) {
            b.provenance(prefix + "data file", d.file());
            if (trainingFile != null) {
                try {
                    if (Files.isRegularFile(trainingFile)) b.provenance(prefix + "data size", bytes(Files.size(trainingFile)));
                } catch (IOException e) {
                    // the size is a courtesy: the hash identifies the file
                }
            }
            b.provenance(prefix + "data SHA-256", d.sha256() == null ? "— (not recorded)" : d.sha256());
            b.provenance(prefix + "data patterns", d.patterns());
        }
        if (p.settings() != null && p.settings().seed() != null) b.provenance(prefix + "seed", p.settings().seed());
    }

    /** e.g. "4,551 bytes", "45.6 MB (45,600,415 bytes)". */
    static String bytes(long n) {
        String exact = String.format(Locale.ROOT, "%,d bytes", n);
        if (n < 10_000) return exact;
        return (n < 10_000_000 ? String.format(Locale.ROOT, "%.1f kB", n / 1e3) : String.format(Locale.ROOT, "%.1f MB", n / 1e6)) + " (" + exact + ")";
    }

    /** A model's outputs on a set with its targets: n patterns of k outputs. */
    record Scored(float[] o, float[] d, int n, int k) {
        /** confusion[actual][predicted] (one logistic output: 2 classes). */
        int[][] confusion() {
            int c = Math.max(2, k);
            int[][] counts = new int[c][c];
            for (int p = 0; p < n; p++) counts[Examples.labelOf(d, p * k, k)][Predictor.predictedClass(o, p * k, k)]++;
            return counts;
        }
    }

    /**
     * The model's outputs on preprocessed examples, chunk by chunk, or null if the set is too large
     * to keep ({@link #MAX_SCORES} values).
     */
    static Scored score(Model model, Examples preprocessed) {
        int k = preprocessed.outputs();
        long values = (long) preprocessed.size() * k;
        if (values > MAX_SCORES) return null;
        float[] o = new float[(int) values], d = new float[(int) values];
        Predictor predictor = new Predictor(model.network(), model.loss());
        int[] at = {0};
        preprocessed.forEachChunk((x, dd, rows) -> {
            float[] out = predictor.predict(x, rows);
            System.arraycopy(out, 0, o, at[0] * k, rows * k);
            System.arraycopy(dd, 0, d, at[0] * k, rows * k);
            at[0] += rows;
        });
        return new Scored(o, d, preprocessed.size(), k);
    }

    /**
     * Each class's output against the rest: for two classes the positive one alone (the second: the
     * logistic output, or the second softmax unit), for more every class.
     */
    static List<ReportData.ClassScores> ranking(Scored s, List<String> classNames) {
        List<ReportData.ClassScores> out = new ArrayList<>();
        int classes = Math.max(s.k(), 2);
        for (int c = classes == 2 ? 1 : 0; c < classes; c++) out.add(oneVsRest(s, c, classNames.get(c)));
        return out;
    }

    /**
     * Class {@code c} against the rest: each pattern's score for the class (its output; with one
     * logistic output, o for the second class and 1 − o for the first) and whether it is of it.
     */
    static ReportData.ClassScores oneVsRest(Scored s, int c, String name) {
        int k = s.k();
        double[] score = new double[s.n()];
        boolean[] positive = new boolean[s.n()];
        for (int p = 0; p < s.n(); p++) {
            score[p] = k == 1 ? (c == 1 ? s.o()[p] : 1 - (double) s.o()[p]) : s.o()[p * k + c];
            positive[p] = Examples.labelOf(s.d(), p * k, k) == c;
        }
        return new ReportData.ClassScores(name, score, positive);
    }

    /** Patterns per class of a set (one logistic output: 2 classes). */
    static int[] classCounts(Examples e, int classes) {
        int k = e.outputs();
        int[] counts = new int[classes];
        e.forEachChunk((x, d, rows) -> {
            for (int r = 0; r < rows; r++) counts[Examples.labelOf(d, r * k, k)]++;
        });
        return counts;
    }

    /** The first target's actual and predicted values, in the data's units (the model's outputs are). */
    static ReportData.Scatter scatter(String target, Model model, org.backprop4j.data.DataSet raw) {
        float[] o = model.outputs(raw);
        int k = model.outputs(), n = raw.size();
        double[] a = new double[n], p = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = raw.d()[i * k];
            p[i] = o[i * k];
        }
        return new ReportData.Scatter(target, a, p);
    }
}
