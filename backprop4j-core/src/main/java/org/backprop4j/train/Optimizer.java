package org.backprop4j.train;

/**
 * An update rule (seed 004, "Step 2": w_new ← w + η·Δw + …) working on the flat parameter vector
 * of a {@link org.backprop4j.Network}. The gradient passed in is ∂E/∂w (so the descent direction
 * is its negative). Implementations keep their own state (velocities, step sizes, previous
 * gradients), sized on the first call.
 */
public interface Optimizer {

    /** Name and settings, for logs and model provenance, e.g. {@code sgd(lr=0.1,momentum=0.9)}. */
    String describe();

    /** One update of {@code w} in place from the gradient {@code grad} = ∂E/∂w. */
    void step(float[] w, float[] grad);

    /** Called by the trainer before each epoch (0-based), e.g. for learning-rate schedules. */
    default void startEpoch(int epoch) {}

    /** Forgets all state (as if newly made). */
    void reset();

    /**
     * One update that may also use E(w), the error at the weights the gradient was computed at
     * (data term plus decay, as the trainer minimises it). Only rules that compare errors need it
     * (iRprop+'s conditional backtracking, Igel &amp; Hüsken 2000); the default ignores it.
     */
    default void step(float[] w, float[] grad, double error) {
        step(w, grad);
    }

    /** Whether {@link #step(float[], float[], double)} uses the error (the trainer skips computing it otherwise). */
    default boolean usesError() {
        return false;
    }

    /** The current base learning rate η, or NaN if the rule has none (e.g. Rprop). */
    default double learningRate() {
        return Double.NaN;
    }

    /** Sets η (learning-rate schedules use this); rules without one reject it. */
    default void setLearningRate(double lr) {
        throw new UnsupportedOperationException(describe() + " has no learning rate to schedule");
    }

    /**
     * The complete internal state as one array (for checkpoints), restorable with
     * {@link #importState(double[])} on an optimizer made with the same settings; empty when the
     * rule keeps no state (or has not stepped yet). Float state is widened exactly to double.
     */
    default double[] exportState() {
        return new double[0];
    }

    /** Restores a state from {@link #exportState()}; an empty array means "fresh". */
    default void importState(double[] state) {
        if (state.length != 0) throw new IllegalArgumentException(describe() + " keeps no state, got " + state.length + " values");
    }
}
