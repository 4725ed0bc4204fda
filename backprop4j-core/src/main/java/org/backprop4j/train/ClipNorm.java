package org.backprop4j.train;

/**
 * Gradient clipping by norm (Pascanu, Mikolov &amp; Bengio 2013, "On the difficulty of training
 * recurrent neural networks", Algorithm 1): if ‖g‖₂ &gt; c then g ← (c/‖g‖₂)·g, before the wrapped
 * update rule sees it. The norm is over the whole parameter vector, accumulated in double.
 * The gradient array is scaled in place (it is the trainer's scratch buffer).
 */
public final class ClipNorm implements Optimizer {
    private final Optimizer inner;
    private final double maxNorm;

    public ClipNorm(Optimizer inner, double maxNorm) {
        if (!(maxNorm > 0) || !Double.isFinite(maxNorm)) throw new IllegalArgumentException("clip norm must be > 0: " + maxNorm);
        if (inner instanceof FullBatchOptimizer) {
            throw new IllegalArgumentException(inner.describe() + " works on the full objective; gradient clipping does not apply");
        }
        this.inner = inner;
        this.maxNorm = maxNorm;
    }

    public Optimizer inner() { return inner; }

    /** Scales g in place so that ‖g‖₂ ≤ c; returns the norm before clipping. */
    public static double clip(float[] g, double c) {
        double s = 0;
        for (float x : g) s += (double) x * x;
        double norm = Math.sqrt(s);
        if (norm > c) {
            float f = (float) (c / norm);
            for (int i = 0; i < g.length; i++) g[i] *= f;
        }
        return norm;
    }

    @Override
    public String describe() {
        return inner.describe() + "+clip(" + maxNorm + ")";
    }

    @Override
    public void step(float[] w, float[] grad) {
        clip(grad, maxNorm);
        inner.step(w, grad);
    }

    @Override
    public void step(float[] w, float[] grad, double error) {
        clip(grad, maxNorm);
        inner.step(w, grad, error);
    }

    @Override
    public void startEpoch(int epoch) { inner.startEpoch(epoch); }

    @Override
    public boolean usesError() { return inner.usesError(); }

    @Override
    public double learningRate() { return inner.learningRate(); }

    @Override
    public void setLearningRate(double lr) { inner.setLearningRate(lr); }

    @Override
    public void reset() { inner.reset(); }

    @Override
    public double[] exportState() { return inner.exportState(); }

    @Override
    public void importState(double[] s) { inner.importState(s); }
}
