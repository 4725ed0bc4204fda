package org.backprop4j.train;

/** Called by the {@link Trainer} after every epoch (progress bars, curves, early stopping). */
@FunctionalInterface
public interface TrainingListener {
    /** @param trainer the trainer, whose {@link Trainer#stop(String)} ends training after this epoch */
    void onEpoch(EpochStats stats, Trainer trainer);
}
