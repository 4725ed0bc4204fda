package org.backprop4j.train;

/**
 * A differentiable error function E(w) over a flat parameter vector — for full-batch training, the
 * error over the whole training set (seed 003's batch error) plus decay, at any weight vector a
 * line search or a second-order method wants to try.
 */
public interface Objective {

    /** Number of parameters n. */
    int dimension();

    /**
     * E(w), and ∂E/∂w written into {@code grad} (length n). Implementations may overwrite the
     * network's live parameter vector with {@code w}: callers keep the current point in their own
     * array.
     */
    double valueAndGradient(float[] w, float[] grad);

    /** E(w) alone (implementations may compute the gradient too, into scratch space of their own). */
    double value(float[] w);
}
