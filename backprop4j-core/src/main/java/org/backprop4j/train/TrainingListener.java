package org.backprop4j.train;

/** Called by the {@link Trainer} after every epoch (progress bars, curves, early stopping). */
@FunctionalInterface
public interface TrainingListener {
    /** @param trainer the trainer, whose {@link Trainer#stop(String)} ends training after this epoch */
    void onEpoch(EpochStats stats, Trainer trainer);

    /**
     * Called once as a run starts ({@code fit} or {@code resume}), before its first epoch, on the
     * training thread. A display that shows progress within an epoch keeps the trainer and polls
     * {@link Trainer#patternsPresented()} from a thread of its own: the training loop calls no
     * listener per batch.
     */
    default void onStart(Trainer trainer) {}

    /**
     * Called when training diverged (a NaN or infinite error or weight).
     *
     * @param message    what happened and how to avoid it (one line)
     * @param restarting whether the trainer now retries from the last good epoch with a halved
     *                   learning rate ({@link Trainer#restartOnDivergence}); false: training stops
     */
    default void onDivergence(String message, boolean restarting, Trainer trainer) {}
}
