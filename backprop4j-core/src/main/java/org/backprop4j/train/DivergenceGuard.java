package org.backprop4j.train;

/**
 * What the trainer does when an epoch diverges (a NaN or infinite error or weight): keep the
 * weights of the last finite epoch and stop, or, with restarts allowed, go back to the weights and
 * optimizer state at the end of the epoch with the lowest training error so far (the start if none
 * finished) and retry with the learning rate halved, at most {@code maxRestarts} times. The
 * lowest-error epoch rather than the last one, because the epochs just before a blow-up usually
 * hold weights already on their way to it. Rules without a learning rate always stop.
 */
final class DivergenceGuard {
    final int maxRestarts;
    final boolean canRestart;
    private final boolean scheduled;   // a Scheduled rule resets η at every startEpoch
    private final double baseLr;       // NaN for rules without one
    double lrFactor = 1;               // halved by each restart
    int restarts;
    // the weights at the end of the last finite epoch (a stopped run keeps them)
    private float[] good;
    private int goodEpoch;
    // the restart point: the epoch with the lowest training error so far
    float[] restartW;
    double[] restartOpt;
    double restartE = Double.POSITIVE_INFINITY;
    int restartEpoch;

    DivergenceGuard(int maxRestarts, Optimizer opt, boolean scheduled) {
        this.maxRestarts = maxRestarts;
        this.baseLr = opt.learningRate();
        this.canRestart = maxRestarts > 0 && !Double.isNaN(baseLr);
        this.scheduled = scheduled;
    }

    /** The state the run starts from (fresh, or as restored from a checkpoint). */
    void start(float[] w, int epoch, Optimizer opt, Checkpoint from) {
        good = w.clone();
        goodEpoch = epoch;
        restartEpoch = epoch;
        if (canRestart) {
            restartW = w.clone();
            restartOpt = opt.exportState();
        }
        if (from != null) {
            lrFactor = from.lrFactor();
            restarts = from.restarts();
            if (lrFactor != 1 && !scheduled) opt.setLearningRate(baseLr * lrFactor);
            if (canRestart) {
                System.arraycopy(from.restartWeights(), 0, restartW, 0, w.length);
                restartOpt = from.restartOptimizerState().clone();
                restartE = from.restartError();
                restartEpoch = from.restartEpoch();
            }
        }
    }

    /** A warm start's factor from the run it continues ({@link TrainingState#lrFactor()}). */
    void carry(double factor, Optimizer opt) {
        lrFactor = factor;
        if (lrFactor != 1 && !scheduled) opt.setLearningRate(baseLr * lrFactor);
    }

    /** Before an epoch's updates: the optimizer's epoch start, with a schedule's rate scaled by the restarts' factor. */
    void startEpoch(Optimizer opt, int epoch) {
        opt.startEpoch(epoch);
        if (scheduled && lrFactor != 1) opt.setLearningRate(opt.learningRate() * lrFactor);
    }

    /** After a complete, finite epoch (now {@code epoch} epochs done) with training error e. */
    void epochDone(int epoch, double e, float[] w, Optimizer opt) {
        System.arraycopy(w, 0, good, 0, w.length);
        goodEpoch = epoch;
        if (canRestart && e < restartE) {
            System.arraycopy(w, 0, restartW, 0, w.length);
            restartOpt = opt.exportState();
            restartE = e;
            restartEpoch = epoch;
        }
    }

    /**
     * Handles a divergence in epoch {@code epoch} (0-based): restores weights (and optimizer state)
     * and returns the message for the user; {@link #restarting} says whether training goes on.
     */
    String diverged(int epoch, String what, float[] w, Optimizer opt, String badData) {
        String msg = describe(epoch, what, opt, badData);
        restarting = canRestart && restarts < maxRestarts && badData == null;
        if (restarting) {
            restarts++;
            lrFactor *= 0.5;
            System.arraycopy(restartW, 0, w, 0, w.length);
            System.arraycopy(restartW, 0, good, 0, w.length);
            goodEpoch = restartEpoch;
            opt.importState(restartOpt);
            if (!scheduled) opt.setLearningRate(baseLr * lrFactor);
            return msg + "; restarting from the weights of " + (restartEpoch == 0 ? "the start" : "epoch " + restartEpoch
                    + " (the lowest training error so far)") + " with the learning rate halved (restart "
                    + restarts + " of " + maxRestarts + ")";
        }
        System.arraycopy(good, 0, w, 0, w.length);
        if (canRestart && badData == null) msg += "; gave up after " + restarts + " restarts with halved learning rates";
        return msg + "; the network holds the weights of " + (goodEpoch == 0 ? "the start (no epoch finished)" : "epoch " + goodEpoch
                + ", the last finite ones");
    }

    /** Whether the last {@link #diverged} restarted training. */
    boolean restarting;

    /** The user-facing explanation of a divergence and how to avoid it. */
    private static String describe(int epoch, String what, Optimizer opt, String badData) {
        StringBuilder sb = new StringBuilder("diverged in epoch ").append(epoch + 1).append(": ").append(what);
        if (badData != null) {
            return sb.append(", because the training data are not finite (").append(badData)
                    .append("): drop or impute missing values before training").toString();
        }
        double lr = opt.learningRate();
        sb.append(" (").append(opt.describe()).append("). To fix it: ");
        if (!Double.isNaN(lr)) sb.append("lower the learning rate (now ").append(lr).append("; try ").append(lr / 10).append("), ");
        else sb.append("use smaller initial steps, ");
        return sb.append("standardize or min-max scale the inputs, or clip the gradient norm").toString();
    }
}
