package org.backprop4j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.Examples;

/**
 * Where a run is: what a {@link Checkpoint} saves after an epoch and a resumed run restores, so that
 * it continues bit-identically: epochs done, the shuffling generator and the pattern order, the
 * history, early stopping's monitor and best weights; with the optimizer's state, the update count
 * ({@link EpochStrategy}) and the divergence guard's learning-rate factor and restart point.
 */
final class RunState {
    int epoch;
    final Rng rng;
    final int[] order;                    // the pattern order the shuffles permute
    final boolean reorder;                // whether the run shuffles (else the order is not saved)
    final List<EpochStats> history = new ArrayList<>();
    final EarlyStopping.BestWeights keeper;  // null without early stopping
    final EarlyStopping.Monitor monitor;     // keeper's monitor, or null
    final float[] best;                      // keeper's copy of the best validation epoch's weights, if they are restored at the end
    final PlateauStop.Monitor plateau;       // null without a plateau stop

    RunState(TrainingConfig config, int size, int params) {
        this.rng = new Rng(config.seed());
        this.order = identity(size);
        this.reorder = config.shuffle() && config.mode() != TrainingConfig.Mode.FULL_BATCH;
        EarlyStopping es = config.earlyStopping();
        this.keeper = es == null ? null : es.bestWeights(params);
        this.monitor = keeper == null ? null : keeper.monitor();
        this.best = keeper == null ? null : keeper.weights();
        this.plateau = config.plateau() == null ? null : config.plateau().monitor();
    }

    /**
     * 0, 1, …, size − 1. A method of its own: a loop over the data set in the trainer's run made
     * the JIT compile all of it on-stack at the start of a long run, on a core the training needs.
     */
    private static int[] identity(int size) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) order[i] = i;
        return order;
    }

    /** This state as a checkpoint of a run with these settings and training data. */
    Checkpoint save(RunSettings settings, Network net, Examples train, long fingerprint, float[] w, long updates,
                    Optimizer opt, DivergenceGuard guard) {
        boolean r = guard.canRestart;
        return new Checkpoint(settings.encode(), net.sizes(), train.size(), train.inputs(), train.outputs(), fingerprint,
                epoch, updates, rng.state(), reorder ? order.clone() : new int[0], w.clone(), opt.exportState(),
                guard.lrFactor, guard.restarts, guard.restartEpoch, guard.restartE,
                r ? guard.restartW.clone() : new float[0], r ? guard.restartOpt.clone() : new double[0],
                monitor == null ? new double[0] : monitor.exportState(), best == null ? new float[0] : best.clone(),
                List.copyOf(history));
    }

    /**
     * Why checkpoint c cannot continue this run, or null: settings, network, data and the shapes
     * of the saved states must fit ({@code optimizerFits} checks an optimizer state).
     */
    String mismatch(Checkpoint c, RunSettings settings, Network net, Examples train, long fingerprint, boolean canRestart,
                    java.util.function.BiFunction<double[], String, String> optimizerFits) {
        String why = settings.differences(c.run());
        if (why != null) return why;
        if (!Arrays.equals(c.sizes(), net.sizes())) {
            return "its network is " + Arrays.toString(c.sizes()) + ", this one " + Arrays.toString(net.sizes());
        }
        if (c.dataSize() != train.size() || c.dataFingerprint() != fingerprint) {
            return "it was trained on other data (" + c.dataSize() + " patterns, fingerprint "
                    + Long.toHexString(c.dataFingerprint()) + "; this set: " + train.size() + ", " + Long.toHexString(fingerprint) + ")";
        }
        if (c.order().length != (reorder ? train.size() : 0)) return "its pattern order does not fit this run";
        if (c.monitorState().length != (monitor == null ? 0 : EarlyStopping.Monitor.STATE_SIZE)
                || c.bestWeights().length != (best == null ? 0 : best.length)) {
            return "its early-stopping state does not fit this run";
        }
        if (c.restartWeights().length != (canRestart ? net.paramCount() : 0)) return "its divergence-restart state does not fit this run";
        why = optimizerFits.apply(c.optimizerState(), "its optimizer state");
        if (why == null && canRestart) why = optimizerFits.apply(c.restartOptimizerState(), "its restart optimizer state");
        return why;
    }

    /** Takes over a checkpoint's state (checked by {@link #mismatch}); the optimizer's is imported by the caller. */
    void restore(Checkpoint c, float[] w) {
        epoch = c.epoch();
        rng.setState(c.rngState());
        if (reorder) System.arraycopy(c.order(), 0, order, 0, order.length);
        System.arraycopy(c.weights(), 0, w, 0, w.length);
        if (best != null) System.arraycopy(c.bestWeights(), 0, best, 0, w.length);
        history.addAll(c.history());
        // the plateau count is a function of the training errors: replayed, not saved (the checkpoint format stays)
        if (plateau != null) plateau.replay(c.history());
    }
}
