package org.backprop4j.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit}.
 *
 * @param history    one entry per epoch
 * @param stopReason why training ended, e.g. "max epochs", "target error reached"
 * @param bestEpoch  with early stopping, the (1-based) epoch with the best validation error (whose
 *                   weights the network holds at the end when restore-best is on); 0 without
 */
public record TrainingResult(List<EpochStats> history, String stopReason, int bestEpoch) {

    public TrainingResult(List<EpochStats> history, String stopReason) {
        this(history, stopReason, 0);
    }

    /** The last epoch's statistics (null if no epoch ran). */
    public EpochStats last() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }

    /** Whether training stopped because it diverged (NaN or infinite error or weights). */
    public boolean diverged() {
        return stopReason.startsWith("diverged");
    }

    public int epochs() {
        return history.size();
    }
}
