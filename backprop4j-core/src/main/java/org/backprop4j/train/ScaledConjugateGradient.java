package org.backprop4j.train;

import java.util.Arrays;

/**
 * Scaled conjugate gradient (Møller 1993, "A scaled conjugate gradient algorithm for fast
 * supervised learning", Neural Networks 6, 525–533, the algorithm of section 4, steps 1–9): a
 * conjugate-gradient method that replaces the line search by a Levenberg–Marquardt-style scaling
 * λ of a finite-difference estimate of the Hessian along the search direction.
 * One {@link #iterate} = one pass through steps 2–9 (one k; an unsuccessful k only changes λ).
 * <pre>
 *   2. if success: σ_k = σ/|p_k|,  s_k = (E'(w_k + σ_k p_k) − E'(w_k))/σ_k,  δ_k = p_kᵀ s_k
 *   3. δ_k ← δ_k + (λ_k − λ̄_k)|p_k|²
 *   4. if δ_k ≤ 0:  λ̄_k = 2(λ_k − δ_k/|p_k|²),  δ_k ← −δ_k + λ_k|p_k|²,  λ_k = λ̄_k
 *   5. μ_k = p_kᵀ r_k,  α_k = μ_k/δ_k                      (r_k = −E'(w_k))
 *   6. Δ_k = 2δ_k(E(w_k) − E(w_k + α_k p_k))/μ_k²           (comparison parameter)
 *   7. if Δ_k ≥ 0: w_{k+1} = w_k + α_k p_k, r_{k+1} = −E'(w_{k+1}), λ̄_k = 0, success;
 *         restart p_{k+1} = r_{k+1} every N steps, else β_k = (|r_{k+1}|² − r_{k+1}ᵀr_k)/μ_k,
 *         p_{k+1} = r_{k+1} + β_k p_k;   if Δ_k ≥ 0.75: λ_k ← λ_k/4
 *      else: λ̄_k = λ_k, no success
 *   8. if Δ_k &lt; 0.25: λ_k ← λ_k + δ_k(1 − Δ_k)/|p_k|²
 * </pre>
 * Defaults: σ = 5e-5, λ_1 = 5e-7 (MATLAB trainscg's; Møller requires 0 &lt; σ ≤ 1e-4, 0 &lt; λ_1 ≤ 1e-6),
 * N = number of weights, stop when ‖E'‖₂ &lt; 1e-6 (trainscg's min_grad) or λ exceeds 1e20 (no
 * decrease representable in float32).
 */
public final class ScaledConjugateGradient implements FullBatchOptimizer {
    public static final double SIGMA = 5e-5, LAMBDA1 = 5e-7, MIN_GRAD = 1e-6;

    private final double sigma0, lambda1, minGrad;
    private int n = -1;
    private float[] w, r, rNew, p, wt, gt;
    private double fw;
    private double lambda, lambdaBar, delta;
    private boolean success, have;
    private int k;
    private long evals;
    private String stop;

    public ScaledConjugateGradient() {
        this(SIGMA, LAMBDA1, MIN_GRAD);
    }

    public ScaledConjugateGradient(double sigma, double lambda1, double minGrad) {
        if (!(sigma > 0)) throw new IllegalArgumentException("σ must be > 0: " + sigma);
        if (!(lambda1 > 0)) throw new IllegalArgumentException("λ1 must be > 0: " + lambda1);
        this.sigma0 = sigma;
        this.lambda1 = lambda1;
        this.minGrad = minGrad;
    }

    @Override
    public String describe() {
        return "scg(sigma=" + sigma0 + ",lambda=" + lambda1 + ")";
    }

    @Override
    public String stopReason() { return stop; }

    @Override
    public long evaluations() { return evals; }

    /** The current scale λ_k (for tests). */
    public double lambda() { return lambda; }

    /** The conjugate direction and the kept gradient are the old error function's: restart at step 1 (Møller 1993, §4). */
    @Override
    public String objectiveChanged() {
        if (!have) return null;
        have = false;
        return "SCG's search direction (of the old data's error) restarts along the gradient";
    }

    @Override
    public double iterate(Objective f, float[] wOut) {
        if (n != wOut.length) {
            n = wOut.length;
            w = new float[n]; r = new float[n]; rNew = new float[n]; p = new float[n]; wt = new float[n]; gt = new float[n];
            have = false;
        }
        if (!have || !Arrays.equals(wOut, w)) {       // step 1: p_1 = r_1 = −E'(w_1)
            System.arraycopy(wOut, 0, w, 0, n);
            fw = f.valueAndGradient(w, r);
            evals++;
            for (int i = 0; i < n; i++) { r[i] = -r[i]; p[i] = r[i]; }
            lambda = lambda1;
            lambdaBar = 0;
            success = true;
            k = 1;
            have = true;
        }
        stop = null;
        double rr = dot(r, r);
        if (Math.sqrt(rr) < minGrad) {
            stop = "converged: ‖∂E/∂w‖₂ = " + Math.sqrt(rr) + " < " + minGrad;
            System.arraycopy(w, 0, wOut, 0, n);
            return fw;
        }
        if (!(dot(p, r) > 0)) {                        // rounding lost descent: restart along r = −E'
            System.arraycopy(r, 0, p, 0, n);
            success = true;
        }
        double pp = dot(p, p);
        if (success) {                                 // step 2: second-order information
            double sigmaK = sigma0 / Math.sqrt(pp);
            for (int i = 0; i < n; i++) wt[i] = (float) (w[i] + sigmaK * p[i]);
            f.valueAndGradient(wt, gt);
            evals++;
            double pS = 0;                             // p_kᵀ s_k, s_k = (E'(w+σp) − E'(w))/σ = (gt + r)/σ
            for (int i = 0; i < n; i++) pS += p[i] * ((double) gt[i] + r[i]);
            delta = pS / sigmaK;
        }
        delta += (lambda - lambdaBar) * pp;            // step 3: scale
        if (delta <= 0) {                              // step 4: make the Hessian estimate positive definite
            lambdaBar = 2 * (lambda - delta / pp);
            delta = -delta + lambda * pp;
            lambda = lambdaBar;
        }
        double mu = dot(p, r);                         // step 5: step size
        double alpha = mu / delta;
        for (int i = 0; i < n; i++) wt[i] = (float) (w[i] + alpha * p[i]);
        double ft = f.valueAndGradient(wt, gt);        // step 6: comparison parameter
        evals++;
        double cmp = 2 * delta * (fw - ft) / (mu * mu);
        if (cmp >= 0 && Double.isFinite(ft)) {         // step 7: successful reduction
            System.arraycopy(wt, 0, w, 0, n);
            fw = ft;
            for (int i = 0; i < n; i++) rNew[i] = -gt[i];
            lambdaBar = 0;
            success = true;
            if (k % n == 0) {
                System.arraycopy(rNew, 0, p, 0, n);    // restart
            } else {
                double beta = (dot(rNew, rNew) - dot(rNew, r)) / mu;
                for (int i = 0; i < n; i++) p[i] = (float) (rNew[i] + beta * p[i]);
            }
            float[] tmp = r; r = rNew; rNew = tmp;
            if (cmp >= 0.75) lambda = 0.25 * lambda;
        } else {
            lambdaBar = lambda;
            success = false;
        }
        if (cmp < 0.25 || !Double.isFinite(ft)) {      // step 8: increase the scale
            lambda = lambda + delta * (1 - (Double.isFinite(cmp) ? cmp : 0)) / pp;
        }
        k++;                                            // step 9
        if (lambda > 1e20) stop = "converged: λ = " + lambda + " (no decrease of E representable in float32)";
        System.arraycopy(w, 0, wOut, 0, n);
        return fw;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /**
     * The whole state for checkpoints:
     * {@code [n, E, λ, λ̄, δ, success, k, evaluations, w…, r…, p…]}.
     */
    @Override
    public double[] exportState() {
        if (n < 0 || !have) return new double[0];
        double[] st = new double[8 + 3 * n];
        st[0] = n; st[1] = fw; st[2] = lambda; st[3] = lambdaBar; st[4] = delta; st[5] = success ? 1 : 0; st[6] = k; st[7] = evals;
        for (int i = 0; i < n; i++) {
            st[8 + i] = w[i];
            st[8 + n + i] = r[i];
            st[8 + 2 * n + i] = p[i];
        }
        return st;
    }

    @Override
    public void importState(double[] st) {
        if (st.length == 0) { reset(); return; }
        int dim = (int) st[0];
        if (st.length < 8 || st.length != 8 + 3L * dim) throw new IllegalArgumentException("not a state of " + describe() + " (" + st.length + " values)");
        n = dim;
        w = new float[n]; r = new float[n]; rNew = new float[n]; p = new float[n]; wt = new float[n]; gt = new float[n];
        fw = st[1]; lambda = st[2]; lambdaBar = st[3]; delta = st[4]; success = st[5] != 0; k = (int) st[6]; evals = (long) st[7];
        for (int i = 0; i < n; i++) {
            w[i] = (float) st[8 + i];
            r[i] = (float) st[8 + n + i];
            p[i] = (float) st[8 + 2 * n + i];
        }
        have = true;
    }

    @Override
    public void reset() {
        n = -1;
        have = false;
        stop = null;
        evals = 0;
    }
}
