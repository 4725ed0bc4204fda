package org.backprop4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.backprop4j.Backprop;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.cli.progress.ProgressDisplay;
import org.backprop4j.cli.progress.ProgressFactory;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Splits;
import org.backprop4j.model.Model;
import org.backprop4j.model.ModelTrainer;
import org.backprop4j.train.Settings;

/**
 * k-fold cross-validation of one configuration: folds are seeded (stratified for classes), each
 * fold fits its own preprocessing and network on its training part only, and folds run in parallel. Every fold's result is
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

    /** {@link #run(ModelOptions, DataSet, int, int, double, ProgressFactory, String)} without progress display. */
    static Score run(ModelOptions o, DataSet raw, int k, int threads) throws InterruptedException {
        return run(o, raw, k, threads, FoldOptions.DEFAULT_INNER_VALIDATION, null, null);
    }

    /**
     * @param innerValidation with early stopping: the fraction of each fold's training part held out
     *                        to decide when to stop (the fold's test part is never used for it)
     * @param progress        a display per fold ("fold 2/5"), or null for none
     * @param prefix          put before each fold's name (a search candidate), or null
     */
    static Score run(ModelOptions o, DataSet raw, int k, int threads, double innerValidation, ProgressFactory progress,
                     String prefix) throws InterruptedException {
        if (k < 2) throw new IllegalArgumentException("--folds must be at least 2: " + k);
        if (k > raw.size()) throw new IllegalArgumentException("--folds " + k + " is more than the " + raw.size() + " patterns");
        List<Splits.Split> folds = raw.isClassification()
                ? Splits.stratifiedKFold(Splits.labels(raw), k, o.seed)
                : Splits.kFold(raw.size(), k, o.seed);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, k)));
        try {
            List<Future<double[]>> fs = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                Splits.Split s = folds.get(i);
                String name = (prefix == null ? "" : prefix + " ") + "fold " + (i + 1) + "/" + k;
                fs.add(pool.submit(() -> fold(o, raw, s, innerValidation, progress, name)));
            }
            double[] acc = new double[k], loss = new double[k], ep = new double[k];
            for (int i = 0; i < k; i++) {
                double[] f = get(fs.get(i));
                acc[i] = f[0];
                loss[i] = f[1];
                ep[i] = f[2];
            }
            return new Score(acc, loss, ep);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One fold: {test accuracy, test loss, epochs}. Without early stopping the test part is passed to
     * the trainer only to be monitored (per-epoch validation figures); with early stopping, which
     * chooses the weights by the validation loss, a stratified part of the fold's training data is
     * held out instead, so the test part plays no role in training (no optimistic bias in search).
     */
    private static double[] fold(ModelOptions o, DataSet raw, Splits.Split s, double innerValidation,
                                 ProgressFactory progress, String name) {
        DataSet[] parts = s.of(raw);
        boolean inner = o.earlyStopping != null;
        DataSet[] fit = inner ? ModelTrainer.split(parts[0], innerValidation, o.seed) : parts;
        Settings settings = o.settings(0);
        int maxEpochs = settings.resolve(raw).epochs();
        try (ProgressDisplay display = progress == null ? null : progress.start(name, maxEpochs)) {
            ModelTrainer trainer = new ModelTrainer(settings);
            if (display != null) trainer.listener(display);
            ModelTrainer.Fit f = trainer.fit(fit[0], fit[1], null);
            if (display != null) display.finish(f.result());
            Model m = f.model();
            Evaluation test = !inner ? f.validation() : Evaluation.of(new Backprop(m.network(), m.loss()), m.pipeline().apply(parts[1]));
            return new double[] {test.accuracy(), test.loss(), f.result().epochs()};
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);   // not reached: cross-validation reads and writes no checkpoint
        }
    }

    private static double[] get(Future<double[]> f) throws InterruptedException {
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
