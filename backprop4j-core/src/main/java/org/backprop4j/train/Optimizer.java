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
}
