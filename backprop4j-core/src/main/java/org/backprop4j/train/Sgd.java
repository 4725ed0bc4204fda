package org.backprop4j.train;

/**
 * Gradient descent, the "standard back-prop" update rule of seed 004, with optional momentum:
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
