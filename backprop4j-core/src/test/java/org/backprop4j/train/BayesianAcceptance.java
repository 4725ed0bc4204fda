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

    /** One data set's comparison: the two test MSEs and what BR chose. */
    public record Result(String name, double brTestMse, double gridTestMse, double bestLambda, double brLambda, double gamma, int params) {
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

    /** The comparison on one train/test pair (already standardised). */
    public static Result compare(String name, DataSet train, DataSet test, int hidden, long seed) {
        Network init = network(train.inputs(), hidden, seed);
        // Bayesian regularisation: one run, λ chosen by the evidence
        Network brNet = init.copy();
        TrainingConfig cfg = TrainingConfig.builder().fullBatch().epochs(EPOCHS).optimizer("br").evaluateEachEpoch(false).build();
        Trainer t = new Trainer(brNet, Loss.MSE, cfg);
        t.fit(train);
        BayesianRegularization br = (BayesianRegularization) t.lastOptimizer();
        double brTest = mse(brNet, test);
        // the grid: 5-fold CV on the training part for each λ, then a run on the whole training part
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
        double gridTest = mse(train(init, train, "lm", bestLambda), test);
        return new Result(name, brTest, gridTest, bestLambda, br.lambda(), br.gamma(), init.paramCount());
    }

    /** Held-out split (1/3 test) of a file-based set, standardised. */
    static DataSet[] split(DataSet all, long seed) {
        DataSet[] parts = Splits.holdOut(all.size(), 1.0 / 3, seed).of(all);
        return standardise(parts[0], parts[1]);
    }

    public static void main(String[] args) throws IOException {
        int splits = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = SharedData.dir();
        if (dir == null) throw new IllegalArgumentException("shared/data not found");
        DataSet cpu = cpu(dir.resolve("cpu.arff"));
        DataSet diabetes = diabetes(dir.resolve("diabetes_data_raw.csv.gz"), dir.resolve("diabetes_target.csv.gz"));
        System.out.printf(Locale.ROOT, "%-9s %5s %12s %12s %7s %10s %10s %14s%n", "data", "split", "BR test MSE", "grid-CV MSE",
                "ratio", "grid λ", "BR λ", "BR γ of P");
        for (String name : args.length > 1 ? args[1].split(",") : new String[] {"sine", "cpu", "diabetes"}) {
            double sumBr = 0, sumGrid = 0;
            for (int s = 1; s <= splits; s++) {
                DataSet[] tt = switch (name) {
                    case "sine" -> {
                        DataSet[] raw = noisySine(s);
                        yield standardise(raw[0], raw[1]);
                    }
                    case "cpu" -> split(cpu, s);
                    default -> split(diabetes, s);
                };
                Result r = compare(name, tt[0], tt[1], HIDDEN, s);
                sumBr += r.brTestMse();
                sumGrid += r.gridTestMse();
                System.out.printf(Locale.ROOT, "%-9s %5d %12.4f %12.4f %7.3f %10.3g %10.3g %8.1f of %3d%n", name, s, r.brTestMse(),
                        r.gridTestMse(), r.ratio(), r.bestLambda(), r.brLambda(), r.gamma(), r.params());
            }
            System.out.printf(Locale.ROOT, "%-9s %5s %12.4f %12.4f %7.3f   (mean over %d splits)%n", name, "mean", sumBr / splits,
                    sumGrid / splits, sumBr / sumGrid, splits);
        }
    }
}
