package org.backprop4j.cli.progress;

import org.backprop4j.train.EpochStats;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingResult;

/** Shows nothing ({@code --quiet}). */
final class QuietProgress implements ProgressDisplay {
    static final QuietProgress INSTANCE = new QuietProgress();

    private QuietProgress() {
    }

    @Override
    public void onEpoch(EpochStats stats, Trainer trainer) {
    }

    @Override
    public void finish(TrainingResult result) {
    }

    @Override
    public void close() {
    }
}
