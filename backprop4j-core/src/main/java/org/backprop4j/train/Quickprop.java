package org.backprop4j.train;

/**
 * Quickprop (Fahlman 1988, "An empirical study of learning speed in back-propagation networks",
 * CMU-CS-88-162, section 4): each weight is treated as if the error were a parabola in that weight
 * alone, and jumps towards the parabola's minimum, estimated from the current and previous slopes.
 *
 * <p>With the slope S(t) = ∂E/∂w + d·w (Fahlman's weight-decay term d, added to every slope;
 * default 0.0001), the previous slope S(t−1) and the previous step Δw(t−1), per weight:
 * <pre>
 *   Δw(t−1) = 0:   Δw(t) = −ε·S(t)                                  (gradient descent start / fallback)
 *   Δw(t−1) ≠ 0:   Δw(t) = quad + lin, where
 *       quad = Δw(t−1)·S(t)/(S(t−1) − S(t))                          (Fahlman eq. of section 4)
 *              but μ·Δw(t−1) if that would be larger than μ times the previous step, i.e. if
 *              S(t) is on the same side as S(t−1) and |S(t)| ≥ μ/(1+μ)·|S(t−1)|  (maximum growth factor μ)
 *       lin  = −ε·S(t)  if S(t) still points the way Δw(t−1) went (−S(t) and Δw(t−1) of equal sign),
 *              else 0                                                 (Fahlman: add the gradient term
 *                                                                      only while still going downhill)
 * </pre>
 * Defaults: μ = 1.75 (Fahlman), d = 0.0001 (Fahlman), ε = 0.1 (problem-dependent: Fahlman tunes ε per
 * problem; FANN's default 0.7 is divided by the number of patterns). Meant for full-batch training.
 * The "previous step was zero" test is exact (Fahlman's C code); FANN uses |Δw(t−1)| &gt; 0.001.
 */
public final class Quickprop implements Optimizer {
    public static final double MU = 1.75, DECAY = 1e-4;

    private double epsilon;
    private final double mu;
    private final double decay;
    private float[] prevSlope;  // S(t−1)
    private float[] prevStep;   // Δw(t−1)

    public Quickprop(double epsilon) {
        this(epsilon, MU, DECAY);
    }

    public Quickprop(double epsilon, double mu, double decay) {
        setLearningRate(epsilon);
        if (!(mu > 0) || !Double.isFinite(mu)) throw new IllegalArgumentException("μ must be > 0: " + mu);
        if (!(decay >= 0) || !Double.isFinite(decay)) throw new IllegalArgumentException("decay must be ≥ 0: " + decay);
        this.mu = mu;
        this.decay = decay;
    }

    @Override
    public String describe() {
        return "quickprop(lr=" + epsilon + ",mu=" + mu + ",decay=" + decay + ")";
    }

    @Override
    public double learningRate() { return epsilon; }

    @Override
    public void setLearningRate(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate ε must be > 0: " + lr);
        this.epsilon = lr;
    }

    @Override
    public void step(float[] w, float[] grad) {
        int n = w.length;
        if (prevSlope == null || prevSlope.length != n) {
            prevSlope = new float[n];
            prevStep = new float[n];
        }
        float eps = (float) epsilon, m = (float) mu, dec = (float) decay;
        float shrink = (float) (mu / (1 + mu));
        float[] psl = prevSlope, pst = prevStep;
        for (int i = 0; i < n; i++) {
            float s = grad[i] + dec * w[i];      // slope with Fahlman's decay term
            float ps = psl[i];
            float prev = pst[i];
            float step;
            if (prev > 0) {
                step = s < 0 ? -eps * s : 0f;                       // still downhill in the +direction
                step += s < shrink * ps ? m * prev                  // would grow by more than μ
                        : quadratic(prev, s, ps, eps);              // parabola's minimum
            } else if (prev < 0) {
                step = s > 0 ? -eps * s : 0f;
                step += s > shrink * ps ? m * prev
                        : quadratic(prev, s, ps, eps);
            } else {
                step = -eps * s;                                    // previous step zero: gradient descent
            }
            w[i] += step;
            pst[i] = step;
            psl[i] = s;
        }
    }

    /** Δw(t−1)·S(t)/(S(t−1) − S(t)); when S(t) = S(t−1) (no curvature seen) a plain gradient step. */
    private static float quadratic(float prev, float s, float ps, float eps) {
        float den = ps - s;
        return den != 0f ? prev * s / den : -eps * s;
    }

    @Override
    public void reset() {
        prevSlope = null;
        prevStep = null;
    }

    @Override
    public double[] exportState() {
        return prevSlope == null ? new double[0] : OptimizerState.pack(new double[0], prevSlope, prevStep);
    }

    @Override
    public void importState(double[] s) {
        if (s.length == 0) { reset(); return; }
        OptimizerState.scalars(s, 0, 2, describe());
        prevSlope = OptimizerState.array(s, 0, describe());
        prevStep = OptimizerState.array(s, 1, describe());
    }
}
