package org.backprop4j.cli;

import org.backprop4j.cli.progress.ProgressDisplay;
import org.backprop4j.cli.progress.ProgressFactory;
import org.backprop4j.model.CrossValidation;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.Settings;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingResult;
import picocli.CommandLine.Option;

/** k-fold cross-validation settings shared by {@code cv} and {@code search}: the command-line form of {@link CrossValidation}. */
final class FoldOptions {
    @Option(names = {"-k", "--folds"}, paramLabel = "K", defaultValue = "" + CrossValidation.DEFAULT_FOLDS, description = "Number of folds (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--threads", paramLabel = "N", description = "Folds trained at once (default: the available processors). The results do not depend on it.")
    Integer threads;

    @Option(names = "--validation", paramLabel = "F", defaultValue = "" + CrossValidation.DEFAULT_INNER_VALIDATION,
            description = "With --early-stopping: the fraction of each fold's training part held out to decide when to stop "
                    + "(default: ${DEFAULT-VALUE}; the fold's test part is never used for it).")
    double validation;

    @Option(names = "--quiet", description = Flags.QUIET)
    boolean quiet;

    @Option(names = "--plain", description = Flags.PLAIN)
    boolean plain;

    int threadCount() {
        if (threads != null && threads < 1) throw new IllegalArgumentException("--threads must be at least 1: " + threads);
        return threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    }

    /**
     * The library's cross-validation of these settings.
     *
     * @param progress a display per fold ("fold 2/5"), or null for none
     * @param prefix   put before each fold's name (a search candidate), or null
     */
    CrossValidation crossValidation(Settings settings, ProgressFactory progress, String prefix) {
        CrossValidation cv = new CrossValidation(settings).folds(folds).threads(threadCount());
        if (settings.earlyStopping() != null) cv.innerValidation(validation);
        if (progress != null) cv.progress((i, k, maxEpochs) -> watch(progress.start((prefix == null ? "" : prefix + " ") + "fold " + (i + 1) + "/" + k, maxEpochs)));
        return cv;
    }

    private static CrossValidation.FoldWatch watch(ProgressDisplay d) {
        return new CrossValidation.FoldWatch() {
            @Override
            public void onStart(Trainer trainer) {
                d.onStart(trainer);
            }

            @Override
            public void onEpoch(EpochStats stats, Trainer trainer) {
                d.onEpoch(stats, trainer);
            }

            @Override
            public void onDivergence(String message, boolean restarting, Trainer trainer) {
                d.onDivergence(message, restarting, trainer);
            }

            @Override
            public void finished(TrainingResult result, double seconds) {
                d.finish(result);
            }

            @Override
            public void close() {
                d.close();
            }
        };
    }
}
