package org.backprop4j.cli;

import picocli.CommandLine.Option;

/** k-fold cross-validation settings shared by {@code cv} and {@code search}. */
final class FoldOptions {
    @Option(names = {"-k", "--folds"}, defaultValue = "5", description = "Number of folds (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--threads", description = "Folds trained at once (default: the available processors).")
    Integer threads;

    int threadCount() {
        return threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
