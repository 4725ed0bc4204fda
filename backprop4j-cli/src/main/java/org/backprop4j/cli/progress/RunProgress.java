package org.backprop4j.cli.progress;

import java.util.function.LongSupplier;

/**
 * Where one run is, for a display: the patterns presented so far (the trainer's per-batch counter,
 * {@link org.backprop4j.train.Trainer#patternsPresented}, polled) against max epochs × patterns per
 * epoch, and the time left ({@link Eta}).
 * Before the trainer is known (or for a listener fed
 * epochs only), whole epochs count. Thread-safe: the training thread reports epochs, a display's
 * thread polls.
 */
final class RunProgress {
    private final int maxEpochs;
    private final LongSupplier clock;
    private final Eta eta = new Eta();
    private LongSupplier presented;   // null until the run starts
    private int perEpoch;
    private int epochsDone;

    RunProgress(int maxEpochs, LongSupplier clock) {
        this.maxEpochs = maxEpochs;
        this.clock = clock;
        eta.restart(0);
    }

    /** The run started: its counter and epoch size (see {@link org.backprop4j.train.TrainingListener#onStart}). */
    synchronized void start(LongSupplier presented, int perEpoch) {
        this.presented = perEpoch > 0 ? presented : null;
        this.perEpoch = perEpoch;
        eta.restart(fraction());   // a resumed run starts part-way
    }

    /** Epoch {@code epoch} (1-based) is complete. */
    synchronized void epochDone(int epoch) {
        epochsDone = epoch;
        observe();
    }

    /** Patterns presented so far in the run (epochs done × size before the counter is known). */
    synchronized long patterns() {
        if (presented == null) return (long) epochsDone * Math.max(perEpoch, 1);
        return presented.getAsLong();
    }

    /** Patterns per epoch, 0 if not known. */
    synchronized int perEpoch() {
        return presented == null ? 0 : perEpoch;
    }

    /** The fraction of max epochs done, in [0, 1]. */
    synchronized double fraction() {
        if (maxEpochs <= 0) return 1;
        double f = presented == null ? (double) epochsDone / maxEpochs : (double) presented.getAsLong() / ((double) maxEpochs * perEpoch);
        return Math.max(0, Math.min(1, f));
    }

    /** Records the present state for the ETA; returns the fraction done. */
    synchronized double observe() {
        double f = fraction();
        eta.observe(clock.getAsLong(), f);
        return f;
    }

    /** Milliseconds left to max epochs at the present state, or NaN while not known. */
    synchronized double millisLeft() {
        long now = clock.getAsLong();
        double f = fraction();
        eta.observe(now, f);
        return eta.millisLeft(now, f);
    }
}
