package org.backprop4j.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.backprop4j.Backprop;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Splits;
import org.backprop4j.train.Settings;
import org.backprop4j.train.TrainingListener;
import org.backprop4j.train.TrainingResult;

/**
 * k-fold cross-validation of one configuration. The folds are seeded by the settings' seed and
 * stratified for classes; each fold fits its own preprocessing and network on its training part
 * only ({@link ModelTrainer}) and is scored on its held-out test part, which training never sees:
 * with early stopping a stratified share of the fold's training part decides when to stop. Folds
 * run in parallel; each fold's result depends on neither the others nor the thread count.
 *
 * <pre>{@code
 * CrossValidation.Result r = new CrossValidation(settings).folds(5).run(raw);
 * r.meanTestAccuracy(); r.folds().get(0).testLoss();
 * }</pre>
 */
public final class CrossValidation {
    /** Default share of a fold's training part held out to decide early stopping. */
    public static final double DEFAULT_INNER_VALIDATION = 0.2;
    /** Default number of folds. */
    public static final int DEFAULT_FOLDS = 5;

    /** Told when each fold starts training (may be called from several threads at once). */
    @FunctionalInterface
    public interface Progress {
        /**
         * A fold starts training.
         *
         * @param fold      the fold's index, from 0
         * @param folds     the number of folds
         * @param maxEpochs the fold's epoch budget
         * @return a listener for that fold's training, closed when the fold ends
         */
        FoldWatch start(int fold, int folds, int maxEpochs);
    }

    /** Watches one fold's training. */
    public interface FoldWatch extends TrainingListener, AutoCloseable {
        /**
         * The fold's training ended normally.
         *
         * @param result  how training ended
         * @param seconds its training time
         */
        default void finished(TrainingResult result, double seconds) {}

        /** Releases the watch; called also when training throws. */
        @Override
        default void close() {}
    }

    /**
     * One fold's figures: loss and accuracy on its training part (after preprocessing) and on its
     * held-out test part. Accuracy is NaN for regression.
     *
     * @param index         the fold's index, from 0
     * @param trainPatterns patterns in its training part (with any inner validation share)
     * @param testPatterns  patterns in its held-out test part
     * @param epochs        epochs trained
     * @param stopReason    why training ended
     * @param seconds       training time
     * @param trainLoss     loss E on the training part
     * @param trainAccuracy accuracy on the training part
     * @param testLoss      loss E on the test part
     * @param testAccuracy  accuracy on the test part
     */
    public record Fold(int index, int trainPatterns, int testPatterns, int epochs, String stopReason, double seconds,
                       double trainLoss, double trainAccuracy, double testLoss, double testAccuracy) {}

    /**
     * The folds in order, with means and sample standard deviations over them.
     *
     * @param folds the folds, by index
     */
    public record Result(List<Fold> folds) {
        /**
         * Copies the list.
         *
         * @param folds the folds, by index
         */
        public Result {
            folds = List.copyOf(folds);
        }

        /** {@return each fold's test loss, by fold} */
        public double[] testLoss() { return folds.stream().mapToDouble(Fold::testLoss).toArray(); }
        /** {@return each fold's test accuracy, by fold} */
        public double[] testAccuracy() { return folds.stream().mapToDouble(Fold::testAccuracy).toArray(); }
        /** {@return each fold's epochs, by fold} */
        public double[] epochs() { return folds.stream().mapToDouble(Fold::epochs).toArray(); }
        /** {@return the mean test loss over the folds} */
        public double meanTestLoss() { return mean(testLoss()); }
        /** {@return the sample standard deviation of the test loss over the folds} */
        public double sdTestLoss() { return sd(testLoss()); }
        /** {@return the mean test accuracy over the folds} */
        public double meanTestAccuracy() { return mean(testAccuracy()); }
        /** {@return the sample standard deviation of the test accuracy over the folds} */
        public double sdTestAccuracy() { return sd(testAccuracy()); }
        /** {@return the mean number of epochs over the folds} */
        public double meanEpochs() { return mean(epochs()); }
    }

    private final Settings settings;
    private int folds = DEFAULT_FOLDS;
    private int threads = Runtime.getRuntime().availableProcessors();
    private double innerValidation = DEFAULT_INNER_VALIDATION;
    private Progress progress;

    /**
     * Cross-validation of these settings.
     *
     * @param settings what to train (unset components are chosen from each fold's data, as for training; null: all unset)
     */
    public CrossValidation(Settings settings) {
        this.settings = settings == null ? Settings.defaults() : settings;
    }

    /**
     * Sets the number of folds.
     *
     * @param k the number of folds (at least 2, at most the number of patterns; default {@value #DEFAULT_FOLDS})
     * @return this cross-validation
     */
    public CrossValidation folds(int k) {
        if (k < 2) throw new IllegalArgumentException("--folds must be at least 2: " + k);
        this.folds = k;
        return this;
    }

    /**
     * Sets how many folds train at once; the results do not depend on it.
     *
     * @param n folds trained at once (default: the available processors)
     * @return this cross-validation
     */
    public CrossValidation threads(int n) {
        if (n < 1) throw new IllegalArgumentException("--threads must be at least 1: " + n);
        this.threads = n;
        return this;
    }

    /**
     * With early stopping: sets the share of each fold's training part held out to decide when to stop.
     *
     * @param fraction above 0 and below 1 (default {@value #DEFAULT_INNER_VALIDATION})
     * @return this cross-validation
     */
    public CrossValidation innerValidation(double fraction) {
        if (!(fraction > 0) || fraction >= 1) throw new IllegalArgumentException("--validation must be above 0 and below 1: " + fraction);
        this.innerValidation = fraction;
        return this;
    }

    /**
     * Sets who is told of each fold's training.
     *
     * @param p the progress (null: nobody)
     * @return this cross-validation
     */
    public CrossValidation progress(Progress p) {
        this.progress = p;
        return this;
    }

    /**
     * The order in which candidates rank, best first: for classes the highest mean test accuracy,
     * ties broken by the lowest mean test loss; for regression the lowest mean test loss.
     *
     * @param classification whether the task is classification
     * @return the order, best first
     */
    public static java.util.Comparator<Result> ranking(boolean classification) {
        java.util.Comparator<Result> byLoss = java.util.Comparator.comparingDouble(Result::meanTestLoss);
        return classification ? java.util.Comparator.comparingDouble((Result r) -> -r.meanTestAccuracy()).thenComparing(byLoss) : byLoss;
    }

    /**
     * One outer fold of nested cross-validation: the candidate chosen by the inner cross-validation
     * on the outer training part (its index), and the chosen candidate trained on that whole
     * training part and scored on the outer test part.
     *
     * @param chosen the chosen candidate's index
     * @param score  the chosen candidate's figures on this outer fold
     */
    public record NestedFold(int chosen, Fold score) {}

    /**
     * Nested cross-validation: an estimate of the whole selection procedure (search, then train the best).
     *
     * @param folds the outer folds, by index
     */
    public record Nested(List<NestedFold> folds) {
        /**
         * Copies the list.
         *
         * @param folds the outer folds, by index
         */
        public Nested {
            folds = List.copyOf(folds);
        }

        /** {@return the outer folds' scores as a cross-validation result} */
        public Result result() {
            return new Result(folds.stream().map(NestedFold::score).toList());
        }
    }

    /**
     * Nested cross-validation (Varma and Simon, 2006): splits {@code raw} into {@code outerFolds}
     * folds seeded by {@code seed}; in each, every candidate is scored by this cross-validation's
     * k folds on the outer training part only, the best by {@link #ranking} is trained on the whole
     * outer training part and scored on the outer test part, which took no part in the choice.
     * This instance's settings are not used; its folds, threads, inner validation and progress are.
     *
     * @param raw        the data as read, not preprocessed
     * @param candidates the settings to choose from
     * @param outerFolds the number of outer folds (at least 2)
     * @param seed       the outer folds' seed
     * @return the outer folds: the choice made in each and its score
     * @throws InterruptedException if interrupted while folds train
     */
    public Nested nested(DataSet raw, List<Settings> candidates, int outerFolds, long seed) throws InterruptedException {
        if (candidates.isEmpty()) throw new IllegalArgumentException("no candidates to choose from");
        if (outerFolds < 2) throw new IllegalArgumentException("--nested must be at least 2: " + outerFolds);
        List<Splits.Split> outer = splits(raw, outerFolds, seed);
        List<NestedFold> out = new ArrayList<>();
        for (int o = 0; o < outerFolds; o++) {
            DataSet[] parts = outer.get(o).of(raw);
            int best = 0;
            Result bestScore = null;
            for (int c = 0; c < candidates.size(); c++) {
                Result r = new CrossValidation(candidates.get(c)).folds(folds).threads(threads).innerValidation(innerValidation)
                        .progress(progress).run(parts[0]);
                if (bestScore == null || ranking(raw.isClassification()).compare(r, bestScore) < 0) {
                    best = c;
                    bestScore = r;
                }
            }
            CrossValidation chosen = new CrossValidation(candidates.get(best)).innerValidation(innerValidation);
            Settings resolved = chosen.settings.resolve(parts[0]);
            out.add(new NestedFold(best, chosen.fold(raw, outer.get(o), o, resolved.epochs(), resolved.seed())));
        }
        return new Nested(out);
    }

    /**
     * The fold indices used for {@code raw}: stratified for classes, seeded.
     *
     * @param raw  the data
     * @param k    the number of folds
     * @param seed the folds' seed
     * @return k training/test splits
     */
    public static List<Splits.Split> splits(DataSet raw, int k, long seed) {
        if (k > raw.size()) throw new IllegalArgumentException("--folds " + k + " is more than the " + raw.size() + " patterns");
        return raw.isClassification() ? Splits.stratifiedKFold(Splits.labels(raw), k, seed) : Splits.kFold(raw.size(), k, seed);
    }

    /**
     * Runs the folds.
     *
     * @param raw the data as read, not preprocessed
     * @return the folds' figures
     * @throws InterruptedException if interrupted while folds train
     */
    public Result run(DataSet raw) throws InterruptedException {
        Settings resolved = settings.resolve(raw);
        List<Splits.Split> split = splits(raw, folds, resolved.seed());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, folds)));
        try {
            List<Future<Fold>> fs = new ArrayList<>();
            for (int i = 0; i < folds; i++) {
                int index = i;
                fs.add(pool.submit(() -> fold(raw, split.get(index), index, resolved.epochs(), resolved.seed())));
            }
            List<Fold> out = new ArrayList<>();
            for (Future<Fold> f : fs) out.add(get(f));
            return new Result(out);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One fold. The test part is not given to the trainer at all (it is scored once, after
     * training), so no early-stopping rule or per-epoch figure can ever look at it.
     */
    private Fold fold(DataSet raw, Splits.Split s, int index, int maxEpochs, long seed) {
        DataSet[] parts = s.of(raw);
        DataSet[] fit = settings.earlyStopping() != null ? ModelTrainer.split(parts[0], innerValidation, seed) : new DataSet[] {parts[0], null};
        try (FoldWatch watch = progress == null ? null : progress.start(index, folds, maxEpochs)) {
            ModelTrainer trainer = new ModelTrainer(settings);
            if (watch != null) trainer.listener(watch);
            ModelTrainer.Fit f = trainer.fit(fit[0], fit[1], null);
            if (watch != null) watch.finished(f.result(), f.seconds());
            Model m = f.model();
            Evaluation test = Evaluation.of(new Backprop(m.network(), m.loss()), m.pipeline().apply(parts[1]));
            return new Fold(index, parts[0].size(), parts[1].size(), f.result().epochs(), f.result().stopReason(), f.seconds(),
                    f.train().loss(), f.train().accuracy(), test.loss(), test.accuracy());
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // not reached: cross-validation reads and writes no checkpoint
        }
    }

    private static Fold get(Future<Fold> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error er) throw er;
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * The mean.
     *
     * @param v the values
     * @return their mean (NaN for no values)
     */
    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    /**
     * Sample standard deviation (n − 1).
     *
     * @param v the values
     * @return their sample standard deviation (0 for fewer than two values)
     */
    public static double sd(double[] v) {
        if (v.length < 2) return 0;
        double m = mean(v), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / (v.length - 1));
    }
}
