package org.backprop4j.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.backprop4j.Activation;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.DataFiles;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.ReadOptions;
import org.backprop4j.model.ModelTrainer;
import org.backprop4j.train.Settings;
import org.backprop4j.train.TrainingListener;

/**
 * The study behind the library's defaults (docs/ACCURACY.md, {@code scripts/accuracy-vs-sklearn}):
 * every shared data set, several seeds, a few candidate settings, scored on the held-out part
 * {@code backprop4j train DATA --validation 0.3 --seed S} holds out (MONK: its own test file).
 * <pre>
 * DefaultsStudy dump DATA_DIR OUT_DIR SEEDS        the preprocessed parts, for scikit-learn
 * DefaultsStudy run  DATA_DIR SEEDS CANDIDATES     one TSV line per set, seed and candidate
 * </pre>
 * A candidate is {@code WIDTH/ACTIVATION/LR/CAP/CAP2[/LAMBDA]} (e.g. {@code 32/relu/0.001/500/200/0.001}):
 * one run to CAP epochs with the plateau stop on, also scored with the weights it had after
 * CAP2 epochs (a cap of CAP2 gives those weights: the runs are the same up to there).
 * Accuracy for classes; MSE and R² in the target's units for regression.
 */
public final class DefaultsStudy {
    private DefaultsStudy() {}

    /** The shared sets by short name: {training file(s), test file or null, classes?}. */
    static Map<String, DataSet[]> sets(Path dir) throws IOException {
        Map<String, DataSet[]> m = new LinkedHashMap<>();
        ReadOptions o = ReadOptions.defaults();
        m.put("iris", one(DataFiles.read(dir.resolve("iris.csv"), o)));
        m.put("wine", one(DataFiles.read(dir.resolve("wine_data.csv"), ReadOptions.defaults())));
        m.put("breast-cancer", one(DataFiles.read(dir.resolve("breast_cancer.csv"), ReadOptions.defaults())));
        m.put("digits", one(DataFiles.read(dir.resolve("digits.csv.gz"), ReadOptions.defaults().classTarget(true))));
        m.put("glass", one(DataFiles.read(dir.resolve("glass.arff"), ReadOptions.defaults())));
        m.put("pima-diabetes", one(DataFiles.read(dir.resolve("diabetes.arff"), ReadOptions.defaults())));
        m.put("weather", one(DataFiles.read(dir.resolve("weather.nominal.arff"), ReadOptions.defaults())));
        for (int k = 1; k <= 3; k++) {
            DataSet tr = DataFiles.read(dir.resolve("monks/monks-" + k + ".train"), ReadOptions.defaults());
            DataSet te = DataFiles.read(dir.resolve("monks/monks-" + k + ".test"), ReadOptions.defaults().schema(tr.schema()));
            m.put("monks-" + k, new DataSet[] {tr, te});
        }
        m.put("diabetes-reg", one(CsvReader.read(dir.resolve("diabetes_data_raw.csv.gz"), dir.resolve("diabetes_target.csv.gz"),
                ReadOptions.defaults())));
        m.put("cpu-reg", one(DataFiles.read(dir.resolve("cpu.arff"), ReadOptions.defaults())));
        return m;
    }

    private static DataSet[] one(DataSet d) {
        return new DataSet[] {d, null};
    }

    /** {train, test} raw parts for a seed: the CLI's 70/30 hold-out, or MONK's own files. */
    static DataSet[] parts(DataSet[] set, long seed) {
        return set[1] != null ? set : ModelTrainer.split(set[0], 0.3, seed);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        Map<String, DataSet[]> sets = sets(dir);
        List<Long> seeds = new ArrayList<>();
        for (String s : args[args[0].equals("dump") ? 3 : 2].split(",")) seeds.add(Long.parseLong(s));
        if (args[0].equals("dump")) {
            dump(sets, Path.of(args[2]), seeds);
            return;
        }
        String only = System.getProperty("sets");
        for (var e : sets.entrySet()) {
            if (only != null && !List.of(only.split(",")).contains(e.getKey())) continue;
            for (long seed : seeds) {
                for (String cand : args[3].split(";")) run(e.getKey(), e.getValue(), seed, cand);
            }
        }
    }

    /** The inputs as backprop4j's pipeline gives them to the network (fitted on the training part), then the raw target. */
    static void dump(Map<String, DataSet[]> sets, Path out, List<Long> seeds) throws IOException {
        Files.createDirectories(out);
        for (var e : sets.entrySet()) {
            for (long seed : seeds) {
                DataSet[] p = parts(e.getValue(), seed);
                boolean cls = p[0].isClassification();
                Settings s = Settings.defaults().resolve(cls);
                Pipeline pipe = Pipeline.fit(p[0], s.pipelineOptions(cls));
                for (int i = 0; i < 2; i++) {
                    DataSet x = (DataSet) pipe.apply(p[i]);
                    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve(e.getKey() + "-" + seed + (i == 0 ? "-train" : "-test") + ".csv")))) {
                        for (int r = 0; r < x.size(); r++) {
                            StringBuilder sb = new StringBuilder();
                            for (int j = 0; j < x.inputs(); j++) sb.append(x.x()[r * x.inputs() + j]).append(',');
                            sb.append(cls ? Integer.toString(p[i].label(r)) : Float.toString(p[i].d()[r]));
                            w.println(sb);
                        }
                    }
                }
            }
        }
    }

    static void run(String name, DataSet[] set, long seed, String cand) throws IOException {
        String[] f = cand.split("/");
        int width = Integer.parseInt(f[0]);
        int cap = Integer.parseInt(f[3]), cap2 = f.length > 4 ? Integer.parseInt(f[4]) : cap;
        double lambda = f.length > 5 ? Double.parseDouble(f[5]) : 0;
        String l = lambda > 0 ? "/l=" + f[5] : "";
        DataSet[] p = parts(set, seed);
        int rows = p[0].size();
        Settings.Builder b = Settings.builder().hidden(width).activation(Activation.parse(f[1])).optimizer("adam:lr=" + f[2])
                .epochs(cap).seed(seed);
        for (int i = 6; i < f.length; i++) {       // variants of the training procedure, named in the label
            String[] kv = f[i].split("=");
            switch (kv[0]) {
                case "b" -> b.batch(Math.min(Integer.parseInt(kv[1]), rows));            // scikit-learn's min(200, n)
                case "a" -> lambda = Double.parseDouble(kv[1]) / rows;                    // alpha/n: a prior against the summed loss
                case "i" -> b.init(kv[1]);                                               // weight initialisation (Init.parse)
                case "p" -> b.plateau(kv[1]);                                            // plateau stop (PlateauStop.parse)
                default -> throw new IllegalArgumentException("unknown variant " + f[i]);
            }
            l += "/" + f[i];
        }
        Settings s = b.lambda(lambda).build();
        float[][] early = new float[1][];
        TrainingListener snap = new TrainingListener() {
            @Override
            public void onEpoch(org.backprop4j.train.EpochStats st, org.backprop4j.train.Trainer t) {
                if (st.epoch() == cap2) early[0] = t.network().params().clone();
            }
        };
        ModelTrainer.Fit fit = new ModelTrainer(s).listener(snap).fit(p[0], null, null);
        int epochs = fit.result().history().size();
        String full = score(fit.model(), p[1]);
        String at2 = full;
        if (early[0] != null && epochs > cap2) {
            org.backprop4j.Network n = fit.model().network();   // a copy: the model with the weights of epoch cap2
            System.arraycopy(early[0], 0, n.params(), 0, early[0].length);
            org.backprop4j.model.Model m = fit.model();
            at2 = score(org.backprop4j.model.Model.builder(n, m.loss()).pipeline(m.pipeline())
                    .classNames(p[0].isClassification() ? m.classNames() : null).build(), p[1]);
        }
        String stop = fit.result().stopReason().startsWith("plateau") ? "plateau" : "cap";
        System.out.printf(Locale.ROOT, "%s\t%d\t%s/%s/%s/%d%s\t%s\t%d\t%s%n", name, seed, f[0], f[1], f[2], cap, l, full, epochs, stop);
        if (cap2 != cap) {
            System.out.printf(Locale.ROOT, "%s\t%d\t%s/%s/%s/%d%s\t%s\t%d\t%s%n", name, seed, f[0], f[1], f[2], cap2, l, at2,
                    Math.min(epochs, cap2), epochs <= cap2 ? "plateau" : "cap");
        }
        System.out.flush();
    }

    /** Accuracy, or "MSE R²" in the target's units (R² against the test part's own mean, as sklearn's r2_score). */
    static String score(org.backprop4j.model.Model model, DataSet test) {
        float[] o = model.outputs(test);
        int k = model.network().outputs();
        if (test.isClassification()) {
            int right = 0;
            for (int r = 0; r < test.size(); r++) {
                if (org.backprop4j.metrics.Evaluation.predictedClass(o, r * k, k) == test.label(r)) right++;
            }
            return String.format(Locale.ROOT, "%.6f", right / (double) test.size());
        }
        double mean = 0, sse = 0, sst = 0;
        for (int r = 0; r < test.size(); r++) mean += test.d()[r];
        mean /= test.size();
        for (int r = 0; r < test.size(); r++) {
            double y = test.d()[r];
            sse += (o[r] - y) * (o[r] - y);
            sst += (y - mean) * (y - mean);
        }
        return String.format(Locale.ROOT, "%.6f %.4f", 1 - sse / sst, sse / test.size());
    }
}
