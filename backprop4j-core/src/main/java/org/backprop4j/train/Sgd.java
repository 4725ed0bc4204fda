package org.backprop4j.train;

/**
 * Gradient descent, the "standard back-prop" update rule of lecture note 004, with optional momentum:
 * <pre>
 *   plain:     Δw(t) = −η·∂E/∂w,                 w ← w + Δw(t)
 *   classical: Δw(t) = −η·∂E/∂w + α·Δw(t−1)       (Rumelhart, Hinton &amp; Williams 1986, eq. 16)
 *   Nesterov:  v ← α·v − η·g;  w ← w + α·v − η·g  (Sutskever et al. 2013, the form PyTorch uses)
 * </pre>
 */
public final class Sgd implements Optimizer {
    private double lr;
    private final double momentum;
    private final boolean nesterov;
    private float[] velocity;

    public Sgd(double learningRate) {
        this(learningRate, 0, false);
    }

    public Sgd(double learningRate, double momentum, boolean nesterov) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) throw new IllegalArgumentException("learning rate must be > 0: " + learningRate);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1): " + momentum);
        if (nesterov && momentum == 0) throw new IllegalArgumentException("Nesterov momentum needs momentum > 0");
        this.lr = learningRate;
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    public double learningRate() { return lr; }

    @Override
    public void setLearningRate(double learningRate) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) throw new IllegalArgumentException("learning rate must be > 0: " + learningRate);
        this.lr = learningRate;
    }

    public double momentum() { return momentum; }
    public boolean nesterov() { return nesterov; }

    @Override
    public String describe() {
        return "sgd(lr=" + lr + (momentum > 0 ? ",momentum=" + momentum : "") + (nesterov ? ",nesterov" : "") + ")";
    }

    @Override
    public void step(float[] w, float[] grad) {
        float eta = (float) lr;
        if (momentum == 0) {
            for (int i = 0; i < w.length; i++) w[i] -= eta * grad[i];   // w ← w − η·∂E/∂w
            return;
        }
        if (velocity == null || velocity.length != w.length) velocity = new float[w.length];
        float[] v = velocity;
        float a = (float) momentum;
        if (nesterov) {
            for (int i = 0; i < w.length; i++) {
                float vi = org.backprop4j.kernel.Elementwise.flush(a * v[i] - eta * grad[i]);
                v[i] = vi;
                w[i] += a * vi - eta * grad[i];
            }
        } else {
            for (int i = 0; i < w.length; i++) {
                // Δw(t) = −η·g + α·Δw(t−1); a subnormal Δw is flushed to 0 (Elementwise.flushAdd:
                // it could not change any weight ≥ 2⁻¹⁰², and subnormal arithmetic is ~100× slower)
                float vi = org.backprop4j.kernel.Elementwise.flush(a * v[i] - eta * grad[i]);
                v[i] = vi;
                w[i] += vi;
            }
        }
    }

    @Override
    public void reset() {
        velocity = null;
    }

    @Override
    public double[] exportState() {
        return velocity == null ? new double[0] : OptimizerState.pack(new double[0], velocity);
    }

    @Override
    public void importState(double[] s) {
        if (s.length == 0) { velocity = null; return; }
        OptimizerState.scalars(s, 0, 1, describe());
        velocity = OptimizerState.array(s, 0, describe());
    }

    /**
     * This rule's step in the form the backward pass applies layer by layer as it goes
     * ({@link org.backprop4j.Backprop.WeightStep}): the same update as {@link #step} with
     * {@code grad} = ∂E/∂w + λw, up to float rounding (the products are summed in another order,
     * and decay scales the weights by 1 − ηλ first). Not for Nesterov momentum, whose step needs
     * the whole gradient.
     */
    public org.backprop4j.Backprop.WeightStep fusedStep(float lambda, boolean decayBiases) {
        if (nesterov) throw new IllegalStateException("Nesterov momentum has no fused step");
        return momentum == 0 ? org.backprop4j.Backprop.WeightStep.descent(lambda, decayBiases)
                : org.backprop4j.Backprop.WeightStep.momentum((float) momentum, lambda, decayBiases);
    }

    /** Sets a {@link #fusedStep}'s learning rate and velocity (n weights) for the next batch. */
    public org.backprop4j.Backprop.WeightStep prepare(org.backprop4j.Backprop.WeightStep step, int n) {
        step.rate((float) lr);
        if (momentum != 0) step.velocity(velocityFor(n));
        return step;
    }

    /**
     * An epoch of online training with this rule (no decay): {@code count} patterns in the order of
     * {@code rows} (null: as stored), one update each ({@link org.backprop4j.Backprop#descendOnline}).
     */
    public int descendOnline(org.backprop4j.Backprop engine, float[] x, float[] d, int[] rows, int count, double[] sums) {
        if (nesterov) throw new IllegalStateException("Nesterov momentum has no fused step");
        float[] v = momentum == 0 ? null : velocityFor(engine.network().paramCount());
        return engine.descendOnline(x, d, rows, 0, count, (float) lr, (float) momentum, v, sums);
    }

    /**
     * Patterns {@code rows[first .. first+count)} (null rows: {@code first ..}) of an online epoch
     * presented in slices: their errors are added on to {@code sums[0]}, as one call over the whole
     * epoch would sum them ({@link org.backprop4j.Backprop#descendOnline(float[], float[], int[], int, int, float, float, float[], double[], boolean)}).
     */
    public int descendOnline(org.backprop4j.Backprop engine, float[] x, float[] d, int[] rows, int first, int count, double[] sums) {
        if (nesterov) throw new IllegalStateException("Nesterov momentum has no fused step");
        float[] v = momentum == 0 ? null : velocityFor(engine.network().paramCount());
        return engine.descendOnline(x, d, rows, first, count, (float) lr, (float) momentum, v, sums, true);
    }

    /**
     * The velocity Δw(t−1) for a parameter vector of n values, made (zero) if there is none yet or
     * it has another size: for the fused update in the backward pass
     * ({@link org.backprop4j.Backprop#descend(float[], float[], int, int, float, float, float[], float, boolean)}),
     * which then writes Δw(t) into it, as {@link #step} would.
     */
    public float[] velocityFor(int n) {
        if (velocity == null || velocity.length != n) velocity = new float[n];
        return velocity;
    }

    /** The velocity Δw(t−1) (for checkpoints); null before the first step. */
    public float[] velocity() {
        return velocity;
    }
}
