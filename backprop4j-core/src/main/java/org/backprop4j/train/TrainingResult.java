package org.backprop4j.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit}.
 *
 * @param history    one entry per epoch
 * @param stopReason why training ended, e.g. "max epochs", "target error reached"
 */
public record TrainingResult(List<EpochStats> history, String stopReason) {
    /** The last epoch's statistics (null if no epoch ran). */
    public EpochStats last() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }

    public int epochs() {
        return history.size();
    }
}
