package org.backprop4j.train;

/**
 * Adam (Kingma &amp; Ba 2015, "Adam: a method for stochastic optimization", ICLR, Algorithm 1), and
 * with a decoupled weight decay λ &gt; 0, AdamW (Loshchilov &amp; Hutter 2019, "Decoupled weight decay
 * regularization", ICLR, Algorithm 2) — see {@link #adamW}.
 * <pre>
 *   t ← t + 1
 *   m ← β1·m + (1−β1)·g                    (Alg. 1: biased first moment)
 *   v ← β2·v + (1−β2)·g²                   (Alg. 1: biased second raw moment)
 *   m̂ = m/(1−β1^t),  v̂ = v/(1−β2^t)        (Alg. 1: bias correction)
 *   w ← w − α·m̂/(√v̂ + ε) − α·λ·w           (Alg. 1; the last term only for AdamW, L&amp;H Alg. 2 line 12
 *                                           with the schedule multiplier folded into α, PyTorch's form)
 * </pre>
 * Defaults (Kingma &amp; Ba, Alg. 1): α = 0.001, β1 = 0.9, β2 = 0.999, ε = 1e-8; AdamW λ = 0.01
 * (PyTorch's default). AdamW decays every parameter, biases included (as in the paper).
 */
public final class Adam implements Optimizer {
    public static final double LR = 1e-3, BETA1 = 0.9, BETA2 = 0.999, EPSILON = 1e-8, ADAMW_DECAY = 0.01;

    private double lr;
    private final double beta1, beta2, epsilon, weightDecay;
    private float[] m, v;
    private long t;

    public Adam() {
        this(LR);
    }

    public Adam(double lr) {
        this(lr, BETA1, BETA2, EPSILON, 0);
    }

    /** @param weightDecay decoupled decay λ (0 = Adam, &gt; 0 = AdamW) */
    public Adam(double lr, double beta1, double beta2, double epsilon, double weightDecay) {
        setLearningRate(lr);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("β1 must be in [0, 1): " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("β2 must be in [0, 1): " + beta2);
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) throw new IllegalArgumentException("ε must be > 0: " + epsilon);
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) throw new IllegalArgumentException("weight decay must be ≥ 0: " + weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    /** AdamW with the paper's moments and the given learning rate and decoupled decay λ. */
    public static Adam adamW(double lr, double weightDecay) {
        if (!(weightDecay > 0)) throw new IllegalArgumentException("AdamW needs a weight decay > 0: " + weightDecay);
        return new Adam(lr, BETA1, BETA2, EPSILON, weightDecay);
    }

    @Override
    public String describe() {
        return (weightDecay > 0 ? "adamw" : "adam") + "(lr=" + lr + ",beta1=" + beta1 + ",beta2=" + beta2
                + ",eps=" + epsilon + (weightDecay > 0 ? ",decay=" + weightDecay : "") + ")";
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
        int n = w.length;
        if (m == null || m.length != n) {
            m = new float[n];
            v = new float[n];
            t = 0;
        }
        t++;
        float b1 = (float) beta1, b2 = (float) beta2;
        float c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
        // 1/(1−β^t) in double; m̂ and v̂ are formed per weight exactly as in Alg. 1 (not the
        // "more efficient" reordering of section 2, which changes where ε enters)
        float bc1 = (float) (1 / (1 - Math.pow(beta1, t)));
        float bc2 = (float) (1 / (1 - Math.pow(beta2, t)));
        float a = (float) lr, eps = (float) epsilon;
        float decay = (float) (lr * weightDecay);
        float[] mm = m, vv = v;
        for (int i = 0; i < n; i++) {
            float g = grad[i];
            float mi = b1 * mm[i] + c1 * g;
            float vi = b2 * vv[i] + c2 * g * g;
            mm[i] = mi;
            vv[i] = vi;
            float mHat = mi * bc1, vHat = vi * bc2;
            w[i] -= a * mHat / ((float) Math.sqrt(vHat) + eps) + decay * w[i];
        }
    }

    @Override
    public void reset() {
        m = null;
        v = null;
        t = 0;
    }

    @Override
    public double[] exportState() {
        return m == null ? new double[0] : OptimizerState.pack(new double[] {t}, m, v);
    }

    @Override
    public void importState(double[] s) {
        if (s.length == 0) { reset(); return; }
        t = (long) OptimizerState.scalars(s, 1, 2, describe())[0];
        m = OptimizerState.array(s, 0, describe());
        v = OptimizerState.array(s, 1, describe());
    }
}
