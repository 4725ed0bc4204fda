package org.backprop4j.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.ArffReader;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Splits;

/**
 * Issue 22.3's acceptance (docs/OPTIMIZERS.md, "Bayesian regularisation"): on small noisy regression
 * sets, Bayesian regularisation (one run, no λ to choose) against Levenberg–Marquardt with the λ
 * picked from a 10-value grid by 5-fold cross-validation on the training part, both then scored by
 * test MSE (standardised targets). Same network (tanh hidden layer, linear output, mse), same
 * split, same initial weights, same epochs. Run with {@code scripts/br-acceptance [SPLITS]}.
 */
public final class BayesianAcceptance {
    /** The grid: 10 values, log-spaced from 1e-4 to 1 (λ in E = 1/(2m)Σr² + λ/2‖W‖²). */
    static final double[] GRID = {1e-4, 2.78e-4, 7.74e-4, 2.15e-3, 5.99e-3, 1.67e-2, 4.64e-2, 0.129, 0.359, 1.0};
    static final int EPOCHS = Integer.getInteger("br.epochs", 100), FOLDS = 5, HIDDEN = Integer.getInteger("br.hidden", 10);

    /** One data set's comparison: the two test MSEs and what BR chose (λ and γ per class of weights). */
    public record Result(String name, double brTestMse, double gridTestMse, double bestLambda, double[] brLambdas, double gamma, int params,
                         double logEvidence) {
        public double ratio() { return brTestMse / gridTestMse; }
    }

    /** sin(x) + N(0, 0.3²) at 60 training points x ~ U(−π, π), from a seeded generator (the test set: its own 500 points). */
    public static DataSet[] noisySine(long seed) {
        Rng rng = new Rng(seed);
        DataSet train = sine(rng, 60), test = sine(rng, 500);
        return new DataSet[] {train, test};
    }

    private static DataSet sine(Rng rng, int m) {
        float[] x = new float[m], d = new float[m];
        for (int i = 0; i < m; i++) {
            x[i] = (float) rng.uniform(-Math.PI, Math.PI);
            d[i] = (float) (Math.sin(x[i]) + 0.3 * rng.nextGaussian());
        }
        return new DataSet(x, d, 1, 1);
    }

    /** cpu.arff (209 machines): log(1 + v) of the inputs and the target, as usual for these heavy-tailed values. */
    public static DataSet cpu(Path file) throws IOException {
        DataSet raw = ArffReader.read(file);
        float[] x = raw.x().clone(), d = raw.d().clone();
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.log1p(x[i]);
        for (int i = 0; i < d.length; i++) d[i] = (float) Math.log1p(d[i]);
        return new DataSet(x, d, raw.inputs(), raw.outputs());
    }

    /** The diabetes regression set (Efron et al. 2004; 442 patients, 10 raw inputs, disease progression). */
    public static DataSet diabetes(Path raw, Path target) throws IOException {
        List<float[]> rows = new ArrayList<>();
        for (String line : gzLines(raw)) {
            String[] f = line.trim().split("\\s+");
            float[] r = new float[f.length];
            for (int i = 0; i < f.length; i++) r[i] = Float.parseFloat(f[i]);
            rows.add(r);
        }
        List<String> ys = gzLines(target);
        int m = rows.size(), n = rows.get(0).length;
        float[] x = new float[m * n], d = new float[m];
        for (int p = 0; p < m; p++) {
            System.arraycopy(rows.get(p), 0, x, p * n, n);
            d[p] = Float.parseFloat(ys.get(p).trim());
        }
        return new DataSet(x, d, n, 1);
    }

    private static List<String> gzLines(Path p) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(p))))) {
            return r.lines().filter(s -> !s.isBlank()).toList();
        }
    }

    /** Inputs and targets standardised with the training part's means and deviations. */
    static DataSet[] standardise(DataSet train, DataSet test) {
        return new DataSet[] {scale(train, train), scale(test, train)};
    }

    private static DataSet scale(DataSet ds, DataSet by) {
        float[] x = ds.x().clone(), d = ds.d().clone();
        standardiseColumns(x, ds.size(), ds.inputs(), by.x(), by.size());
        standardiseColumns(d, ds.size(), ds.outputs(), by.d(), by.size());
        return new DataSet(x, d, ds.inputs(), ds.outputs());
    }

    private static void standardiseColumns(float[] a, int m, int n, float[] by, int mb) {
        for (int j = 0; j < n; j++) {
            double s = 0, ss = 0;
            for (int p = 0; p < mb; p++) s += by[p * n + j];
            double mean = s / mb;
            for (int p = 0; p < mb; p++) ss += (by[p * n + j] - mean) * (by[p * n + j] - mean);
            double sd = Math.sqrt(ss / mb);
            if (sd == 0) sd = 1;
            for (int p = 0; p < m; p++) a[p * n + j] = (float) ((a[p * n + j] - mean) / sd);
        }
    }

    static Network network(int inputs, int hidden, long seed) {
        return Network.builder(inputs).layer(hidden, Activation.TANH).layer(1, Activation.IDENTITY).build(Init.xavier(), seed);
    }

    /** Trains a copy of {@code init} and returns it. */
    static Network train(Network init, DataSet train, String optimizer, double lambda) {
        Network net = init.copy();
        TrainingConfig cfg = TrainingConfig.builder().fullBatch().epochs(EPOCHS).optimizer(optimizer).lambda(lambda)
                .evaluateEachEpoch(false).build();
        Trainer t = new Trainer(net, Loss.MSE, cfg);
        t.fit(train);
        return net;
    }

    /** Mean squared error Σ(o − d)²/m on a set (standardised units). */
    static double mse(Network net, DataSet ds) {
        float[] o = new Backprop(net, Loss.MSE).forward(ds.x(), 0, ds.size());
        double s = 0;
        for (int i = 0; i < ds.size(); i++) s += (o[i] - ds.d()[i]) * (o[i] - ds.d()[i]);
        return s / ds.size();
    }

    /** The comparison on one train/test pair (already standardised), with BR as the default {@code br}. */
    public static Result compare(String name, DataSet train, DataSet test, int hidden, long seed) {
        return compare(name, train, test, hidden, seed, "br", gridTestMse(train, test, hidden, seed));
    }

    /**
     * BR's side of the comparison: a {@code variant} is an optimizer spec ({@code br}, {@code br:prior=single,keep=last}, ...),
     * optionally prefixed by {@code ard/} (one class per input's weights: automatic relevance determination, MacKay 1994)
     * and/or {@code restartsK/} (K initial weights, seeds s, s + 1000, ...; the run of highest evidence kept).
     */
    public static Result compare(String name, DataSet train, DataSet test, int hidden, long seed, String variant, double[] grid) {
        boolean ard = false;
        int restarts = 1;
        String spec = variant;
        while (spec.contains("/")) {
            String pre = spec.substring(0, spec.indexOf('/'));
            spec = spec.substring(spec.indexOf('/') + 1);
            if (pre.equals("ard")) ard = true;
            else if (pre.startsWith("restarts")) restarts = Integer.parseInt(pre.substring("restarts".length()));
            else throw new IllegalArgumentException(variant);
        }
        Network init = network(train.inputs(), hidden, seed);
        Network best = null;
        BayesianRegularization bestBr = null;
        for (int k = 0; k < restarts; k++) {
            Network net = k == 0 ? init.copy() : network(train.inputs(), hidden, seed + 1000L * k);
            BayesianRegularization br = (BayesianRegularization) Optimizers.create(spec);
            NetworkObjective obj = new NetworkObjective(net, Loss.MSE, train, 0, false);
            LeastSquaresObjective f = ard ? ard(obj) : obj;
            float[] w = net.params();
            for (int e = 0; e < EPOCHS && br.stopReason() == null; e++) br.iterate(f, w);
            br.finish(f, w);
            if (best == null || br.logEvidence() > bestBr.logEvidence()) {
                best = net;
                bestBr = br;
            }
        }
        return new Result(name, mse(best, test), grid[0], grid[1], bestBr.lambdas(), bestBr.gamma(), init.paramCount(), bestBr.logEvidence());
    }

    /** The grid side: LM with each λ, 5-fold CV on the training part, the best λ trained on all of it; {test MSE, λ}. */
    static double[] gridTestMse(DataSet train, DataSet test, int hidden, long seed) {
        Network init = network(train.inputs(), hidden, seed);
        List<Splits.Split> folds = Splits.kFold(train.size(), FOLDS, seed);
        double best = Double.POSITIVE_INFINITY, bestLambda = Double.NaN;
        for (double lambda : GRID) {
            double cv = 0;
            for (Splits.Split f : folds) {
                DataSet[] parts = f.of(train);
                cv += mse(train(init, parts[0], "lm", lambda), parts[1]);
            }
            if (cv < best) {
                best = cv;
                bestLambda = lambda;
            }
        }
        return new double[] {mse(train(init, train, "lm", bestLambda), test), bestLambda};
    }

    /** The objective with one weight class per input (its fan-out weights), the hidden biases, and the output layer. */
    static LeastSquaresObjective ard(NetworkObjective o) {
        Network net = o.network();
        int[] n = net.sizes(), of = new int[net.paramCount()];
        List<String> names = new ArrayList<>();
        for (int u = 0; u < n[0]; u++) names.add("input " + (u + 1) + " weights");
        for (int l = 1; l <= net.layers(); l++) {
            int wo = net.weightOffset(l), bo = net.biasOffset(l);
            boolean out = l == net.layers();
            if (l > 1) names.add(out ? "layer " + l + " (output) weights and biases" : "layer " + l + " weights");
            for (int t = 0; t < n[l]; t++) for (int u = 0; u < n[l - 1]; u++) of[wo + t * n[l - 1] + u] = l == 1 ? u : names.size() - 1;
            if (!out) names.add("layer " + l + " biases");
            for (int i = bo; i < bo + n[l]; i++) of[i] = names.size() - 1;
        }
        WeightClasses wc = new WeightClasses(of, names);
        return new LeastSquaresObjective() {
            public int dimension() { return o.dimension(); }
            public double valueAndGradient(float[] w, float[] g) { return o.valueAndGradient(w, g); }
            public double value(float[] w) { return o.value(w); }
            public int residualCount() { return o.residualCount(); }
            public double residualScale() { return o.residualScale(); }
            public double regularization(int i) { return o.regularization(i); }
            public double residuals(float[] w, double[] r) { return o.residuals(w, r); }
            public double residualsAndJacobian(float[] w, double[] r, double[] j) { return o.residualsAndJacobian(w, r, j); }
            public WeightClasses weightClasses() { return wc; }
        };
    }

    /** Held-out split (1/3 test) of a file-based set, standardised. */
    static DataSet[] split(DataSet all, long seed) {
        DataSet[] parts = Splits.holdOut(all.size(), 1.0 / 3, seed).of(all);
        return standardise(parts[0], parts[1]);
    }

    /**
     * {@code BayesianAcceptance SPLITS DATA,... [VARIANT;...]}: per data set and variant, the mean test MSEs over
     * the splits and their ratio, then each split's figures. The grid is computed once per split.
     */
    public static void main(String[] args) throws IOException {
        int splits = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String[] variants = args.length > 2 ? args[2].split(";") : new String[] {"br"};
        Path dir = SharedData.dir();
        if (dir == null) throw new IllegalArgumentException("shared/data not found");
        DataSet cpu = cpu(dir.resolve("cpu.arff"));
        DataSet diabetes = diabetes(dir.resolve("diabetes_data_raw.csv.gz"), dir.resolve("diabetes_target.csv.gz"));
        for (String name : args.length > 1 ? args[1].split(",") : new String[] {"sine", "cpu", "diabetes"}) {
            DataSet[][] tts = new DataSet[splits][];
            double[][] grids = new double[splits][];
            for (int s = 1; s <= splits; s++) {
                tts[s - 1] = switch (name) {
                    case "sine" -> {
                        DataSet[] raw = noisySine(s);
                        yield standardise(raw[0], raw[1]);
                    }
                    case "cpu" -> split(cpu, s);
                    default -> split(diabetes, s);
                };
                grids[s - 1] = gridTestMse(tts[s - 1][0], tts[s - 1][1], HIDDEN, s);
            }
            for (String v : variants) {
                double sumBr = 0, sumGrid = 0;
                StringBuilder per = new StringBuilder();
                for (int s = 1; s <= splits; s++) {
                    Result r = compare(name, tts[s - 1][0], tts[s - 1][1], HIDDEN, s, v, grids[s - 1]);
                    sumBr += r.brTestMse();
                    sumGrid += r.gridTestMse();
                    StringBuilder l = new StringBuilder();
                    for (double x : r.brLambdas()) l.append(l.isEmpty() ? "" : "/").append(String.format(Locale.ROOT, "%.2g", x));
                    per.append(String.format(Locale.ROOT, "%n    split %2d: BR %.4f grid %.4f ratio %.3f  grid λ %.3g  BR λ %s  γ %.1f of %d  ln p(D|α,β) %.1f",
                            s, r.brTestMse(), r.gridTestMse(), r.ratio(), r.bestLambda(), l, r.gamma(), r.params(), r.logEvidence()));
                }
                System.out.printf(Locale.ROOT, "%-8s %-40s BR %.4f grid %.4f ratio %.3f (means over %d splits)%s%n", name, v, sumBr / splits,
                        sumGrid / splits, sumBr / sumGrid, splits, per);
                System.out.flush();
            }
        }
    }
}
