package org.backprop4j.cli;

import picocli.CommandLine.Option;

/** k-fold cross-validation settings shared by {@code cv} and {@code search}. */
final class FoldOptions {
    /** Default share of a fold's training part held out for early stopping. */
    static final double DEFAULT_INNER_VALIDATION = 0.2;

    @Option(names = {"-k", "--folds"}, defaultValue = "5", description = "Number of folds (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--threads", description = "Folds trained at once (default: the available processors). The results do not depend on it.")
    Integer threads;

    @Option(names = "--validation", paramLabel = "F", defaultValue = "0.2",
            description = "With --early-stopping: the fraction of each fold's training part held out to decide when to stop "
                    + "(default: ${DEFAULT-VALUE}; the fold's test part is never used for it).")
    double validation;

    @Option(names = "--quiet", description = "No progress display while the folds train.")
    boolean quiet;

    int threadCount() {
        if (threads != null && threads < 1) throw new IllegalArgumentException("--threads must be at least 1: " + threads);
        return threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
