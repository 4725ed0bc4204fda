package org.backprop4j.train;

/**
 * AdaGrad (Duchi, Hazan &amp; Singer 2011, "Adaptive subgradient methods for online learning and
 * stochastic optimization", JMLR 12, the diagonal update of section 1.1 / eq. (1) with
 * diag(G_t)^{−1/2}): each weight's rate shrinks with its accumulated squared gradients.
 * <pre>
 *   G ← G + g²,   w ← w − η·g/(√G + ε)
 * </pre>
 * Defaults: η = 0.01 (PyTorch/TensorFlow), ε = 1e-10 (numerical guard, PyTorch's default), G0 = 0.
 */
public final class AdaGrad implements Optimizer {
    public static final double LR = 0.01, EPSILON = 1e-10;

    private double lr;
    private final double epsilon;
    private float[] sumSq;

    public AdaGrad(double lr) {
        this(lr, EPSILON);
    }

    public AdaGrad(double lr, double epsilon) {
        setLearningRate(lr);
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) throw new IllegalArgumentException("ε must be > 0: " + epsilon);
        this.epsilon = epsilon;
    }

    @Override
    public String describe() {
        return "adagrad(lr=" + lr + ",eps=" + epsilon + ")";
    }

    @Override
    public double learningRate() { return lr; }

    @Override
    public void setLearningRate(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be > 0: " + lr);
        this.lr = lr;
    }

    @Override
    public void step(float[] w, float[] grad) {
        if (sumSq == null || sumSq.length != w.length) sumSq = new float[w.length];
        float a = (float) lr, eps = (float) epsilon;
        float[] G = sumSq;
        for (int i = 0; i < w.length; i++) {
            float g = grad[i];
            float gi = G[i] + g * g;              // G_t = Σ_τ g_τ² (diagonal)
            G[i] = gi;
            w[i] -= a * g / ((float) Math.sqrt(gi) + eps);
        }
    }

    @Override
    public void reset() {
        sumSq = null;
    }

    @Override
    public double[] exportState() {
        return sumSq == null ? new double[0] : OptimizerState.pack(new double[0], sumSq);
    }

    @Override
    public void importState(double[] s) {
        if (s.length == 0) { reset(); return; }
        OptimizerState.scalars(s, 0, 1, describe());
        sumSq = OptimizerState.array(s, 0, describe());
    }
}
