package org.backprop4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Splits;

/**
 * k-fold cross-validation of one configuration: folds are seeded (stratified for classes), each
 * fold fits its own preprocessing and network, and folds run in parallel. Every fold's result is
 * independent of the others and of the thread count, so the table is reproducible.
 */
final class CrossValidation {
    private CrossValidation() {}

    /** Mean and standard deviation over folds; accuracy NaN for regression. */
    record Score(double[] accuracy, double[] loss, double[] epochs) {
        double meanAccuracy() { return mean(accuracy); }
        double sdAccuracy() { return sd(accuracy); }
        double meanLoss() { return mean(loss); }
        double sdLoss() { return sd(loss); }
        double meanEpochs() { return mean(epochs); }
    }

    static Score run(ModelOptions o, DataSet raw, int k, int threads) throws InterruptedException {
        if (k < 2) throw new IllegalArgumentException("--folds must be at least 2: " + k);
        if (k > raw.size()) throw new IllegalArgumentException("--folds " + k + " is more than the " + raw.size() + " patterns");
        List<Splits.Split> folds = raw.isClassification()
                ? Splits.stratifiedKFold(Splits.labels(raw), k, o.seed)
                : Splits.kFold(raw.size(), k, o.seed);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, k)));
        try {
            List<Future<Fitting.Fit>> fs = new ArrayList<>();
            for (Splits.Split s : folds) {
                fs.add(pool.submit(() -> {
                    DataSet[] parts = s.of(raw);
                    return Fitting.fit(o, parts[0], parts[1], List.of());
                }));
            }
            double[] acc = new double[k], loss = new double[k], ep = new double[k];
            for (int i = 0; i < k; i++) {
                Fitting.Fit f = get(fs.get(i));
                acc[i] = f.validation().accuracy();
                loss[i] = f.validation().loss();
                ep[i] = f.result().epochs();
            }
            return new Score(acc, loss, ep);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Fitting.Fit get(Future<Fitting.Fit> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        }
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    /** Sample standard deviation (n − 1). */
    static double sd(double[] v) {
        if (v.length < 2) return 0;
        double m = mean(v), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / (v.length - 1));
    }
}
