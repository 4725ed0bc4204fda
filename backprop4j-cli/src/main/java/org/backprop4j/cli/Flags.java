package org.backprop4j.cli;

/**
 * Help texts of options that several commands share, so that the same option says the same thing
 * everywhere (CliConsistencyTest holds every command to it).
 */
final class Flags {
    private Flags() {
    }

    static final String QUIET = "Only the result: no progress, notes or summary (train prints nothing; cv and search their table). "
            + "Errors and warnings still go to standard error.";

    static final String PLAIN = "Progress as plain lines, even on a terminal (no live bar).";

    static final String SEED = "Seed of the random numbers: initial weights, shuffling and splits (default: ${DEFAULT-VALUE}).";
}
