package org.backprop4j.cli.progress;

import org.backprop4j.train.TrainingListener;
import org.backprop4j.train.TrainingResult;

/**
 * Shows the progress of one training run. Register it with
 * {@link org.backprop4j.train.Trainer#addListener}, call {@link #finish} with the result when
 * {@code fit} returns, and {@link #close} it (try-with-resources) so a bar is finished even when
 * training throws.
 */
public interface ProgressDisplay extends TrainingListener, AutoCloseable {

    /** Shows the end of the run: the last epoch if it was not shown yet, and why training stopped. */
    void finish(TrainingResult result);

    /**
     * {@link #finish(TrainingResult)} stating {@code seconds} as the run's duration: the wall-clock
     * time of this run's training, the same figure the command's summary prints (not the sum of
     * the epochs' times, which leaves out checkpoint writes and, after a resume, counts the epochs
     * of the earlier run).
     */
    default void finish(TrainingResult result, double seconds) {
        finish(result);
    }

    /**
     * The run started: a display that shows progress within an epoch follows the trainer's
     * counter of patterns presented ({@link #follow}).
     */
    @Override
    default void onStart(org.backprop4j.train.Trainer trainer) {
        follow(trainer::patternsPresented, trainer.patternsPerEpoch());
    }

    /**
     * Follow this counter of patterns presented in the run (read from the display's own thread;
     * {@code perEpoch} patterns to an epoch), e.g. the trainer's less the epochs before this
     * display's run; displays that show whole epochs only ignore it.
     */
    default void follow(java.util.function.LongSupplier presented, int perEpoch) {}

    /** Releases the display (ends a progress bar); idempotent, never throws. */
    @Override
    void close();
}
