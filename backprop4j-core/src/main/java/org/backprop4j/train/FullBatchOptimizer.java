package org.backprop4j.train;

/**
 * An optimizer that needs the whole error function rather than one gradient: line searches and
 * second-order methods (L-BFGS, scaled conjugate gradient, Levenberg–Marquardt). The
 * {@link Trainer} calls {@link #iterate} once per epoch with the full-batch {@link Objective}
 * (so these require {@link TrainingConfig.Mode#FULL_BATCH}).
 */
public interface FullBatchOptimizer extends Optimizer {

    /**
     * One iteration from the point {@code w} (updated in place). Returns E at the new point.
     * The objective may overwrite the network's parameters: the method writes its final point into
     * {@code w} before returning.
     */
    double iterate(Objective f, float[] w);

    /** Why the method cannot make further progress (e.g. gradient below tolerance), or null. */
    String stopReason();

    /**
     * The error function is another one from the next {@link #iterate} on (a warm start on other
     * data): forget what was kept of the old one (its value, gradient, search direction), keep
     * what carries over. Returns what was dropped, for the user, or null when nothing was.
     */
    default String objectiveChanged() {
        return null;
    }

    /**
     * The run ends after the last {@link #iterate}: a method that keeps a better point than its last
     * one (Bayesian regularisation's highest evidence) puts it into {@code w}. Returns what it did, for
     * the stop reason, or null. The method's own state (for a warm start) stays at the last iterate.
     */
    default String finish(Objective f, float[] w) {
        return null;
    }

    /** Objective evaluations so far (each is one forward and backward pass over the data). */
    long evaluations();

    @Override
    default void step(float[] w, float[] grad) {
        throw new UnsupportedOperationException(describe() + " is a full-batch method: it needs the error function, "
                + "not one gradient (train in full-batch mode, or call iterate(objective, w))");
    }
}
