package org.backprop4j.train;

/**
 * RMSprop (Tieleman &amp; Hinton 2012, Coursera "Neural networks for machine learning", lecture 6e):
 * divide the gradient by a running root-mean-square of its recent magnitudes.
 * <pre>
 *   v ← ρ·v + (1−ρ)·g²              (lecture 6e: MeanSquare(w,t) = 0.9·MeanSquare(w,t−1) + 0.1·g²)
 *   w ← w − η·g/(√v + ε)
 * </pre>
 * Defaults: η = 0.001, ρ = 0.9 (the lecture's 0.9; PyTorch uses 0.99), ε = 1e-8 (numerical guard,
 * not in the lecture).
 */
public final class RmsProp implements Optimizer {
    public static final double LR = 1e-3, RHO = 0.9, EPSILON = 1e-8;

    private double lr;
    private final double rho, epsilon;
    private float[] v;

    public RmsProp(double lr) {
        this(lr, RHO, EPSILON);
    }

    public RmsProp(double lr, double rho, double epsilon) {
        setLearningRate(lr);
        if (!(rho >= 0 && rho < 1)) throw new IllegalArgumentException("ρ must be in [0, 1): " + rho);
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) throw new IllegalArgumentException("ε must be > 0: " + epsilon);
        this.rho = rho;
        this.epsilon = epsilon;
    }

    @Override
    public String describe() {
        return "rmsprop(lr=" + lr + ",rho=" + rho + ",eps=" + epsilon + ")";
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
        if (v == null || v.length != w.length) v = new float[w.length];
        float r = (float) rho, c = (float) (1 - rho), a = (float) lr, eps = (float) epsilon;
        float[] vv = v;
        for (int i = 0; i < w.length; i++) {
            float g = grad[i];
            float vi = r * vv[i] + c * g * g;     // running mean square
            vv[i] = vi;
            w[i] -= a * g / ((float) Math.sqrt(vi) + eps);
        }
    }

    @Override
    public void reset() {
        v = null;
    }

    @Override
    public double[] exportState() {
        return v == null ? new double[0] : OptimizerState.pack(new double[0], v);
    }

    @Override
    public void importState(double[] s) {
        if (s.length == 0) { reset(); return; }
        OptimizerState.scalars(s, 0, 1, describe());
        v = OptimizerState.array(s, 0, describe());
    }
}
