package org.backprop4j.train;

import java.util.Arrays;

/**
 * Levenberg–Marquardt for sum-of-squares errors (Levenberg 1944; Marquardt 1963; for networks,
 * Hagan &amp; Menhaj 1994, "Training feedforward networks with the Marquardt algorithm", IEEE TNN 5(6),
 * eqs. 12–13 — the algorithm of MATLAB's trainlm). With E = s·½‖r‖² + ½Σλ_i w_i², residuals
 * r = o − d and J = ∂r/∂w (one row per pattern and output, computed by a backward pass per output):
 * <pre>
 *   g = s·Jᵀr + Λw,   H ≈ s·JᵀJ + Λ                 (Gauss–Newton approximation)
 *   repeat:  solve (H + μI)·Δw = −g  (Cholesky);  if E(w + Δw) &lt; E(w): accept, μ ← μ·μ_dec, stop
 *            else μ ← μ·μ_inc  (until μ &gt; μ_max)
 * </pre>
 * Defaults (trainlm): μ = 0.001, μ_dec = 0.1, μ_inc = 10, μ_max = 1e10, min_grad = 1e-7.
 * Memory is R·n doubles for J and n² for H: meant for small networks (it refuses more than
 * {@value #MAX_JACOBIAN} Jacobian entries). Only sum-of-squares losses (sse, mse) are accepted.
 */
public final class LevenbergMarquardt implements FullBatchOptimizer {
    public static final double MU = 1e-3, MU_DEC = 0.1, MU_INC = 10, MU_MAX = 1e10, MIN_GRAD = 1e-7;
    public static final long MAX_JACOBIAN = 50_000_000L;

    private final double mu0, muDec, muInc, muMax, minGrad;
    private double mu;
    private int n = -1, rows;
    private float[] w, wt;
    private double[] r, rt, jac, h, grad, step, chol;
    private double fw;
    private boolean have;
    private long evals;
    private String stop;

    public LevenbergMarquardt() {
        this(MU, MU_DEC, MU_INC, MU_MAX, MIN_GRAD);
    }

    public LevenbergMarquardt(double mu, double muDec, double muInc, double muMax, double minGrad) {
        if (!(mu > 0)) throw new IllegalArgumentException("μ must be > 0: " + mu);
        if (!(muDec > 0 && muDec < 1)) throw new IllegalArgumentException("μ_dec must be in (0, 1): " + muDec);
        if (!(muInc > 1)) throw new IllegalArgumentException("μ_inc must be > 1: " + muInc);
        if (!(muMax > mu)) throw new IllegalArgumentException("μ_max must exceed μ: " + muMax);
        this.mu0 = mu;
        this.mu = mu;
        this.muDec = muDec;
        this.muInc = muInc;
        this.muMax = muMax;
        this.minGrad = minGrad;
    }

    @Override
    public String describe() {
        return "lm(mu=" + mu0 + ",mu_dec=" + muDec + ",mu_inc=" + muInc + ",mu_max=" + muMax + ")";
    }

    @Override
    public String stopReason() { return stop; }

    @Override
    public long evaluations() { return evals; }

    /** The current damping μ. */
    public double mu() { return mu; }

    @Override
    public double iterate(Objective f, float[] wOut) {
        if (!(f instanceof LeastSquaresObjective ls)) {
            throw new IllegalArgumentException("Levenberg–Marquardt needs a sum-of-squares objective (residuals and Jacobian)");
        }
        double s = ls.residualScale();    // rejects non-sum-of-squares losses with a clear message
        if (n != wOut.length || rows != ls.residualCount()) {
            n = wOut.length;
            rows = ls.residualCount();
            if ((long) rows * n > MAX_JACOBIAN) {
                throw new IllegalArgumentException("Levenberg–Marquardt would need a " + rows + "×" + n
                        + " Jacobian: too large (use lbfgs or scg for this network/data size)");
            }
            w = new float[n]; wt = new float[n];
            r = new double[rows]; rt = new double[rows]; jac = new double[rows * n];
            h = new double[n * n]; chol = new double[n * n]; grad = new double[n]; step = new double[n];
            have = false;   // μ stays: fresh it is μ0 (constructor, reset), imported it is the state's
        }
        stop = null;
        if (!have || !Arrays.equals(wOut, w)) System.arraycopy(wOut, 0, w, 0, n);
        fw = ls.residualsAndJacobian(w, r, jac);
        evals++;
        have = true;
        // g = s·Jᵀr + Λw;  H = s·JᵀJ + Λ
        Arrays.fill(grad, 0);
        Arrays.fill(h, 0);
        for (int a = 0; a < rows; a++) {
            int ro = a * n;
            double ra = r[a];
            for (int i = 0; i < n; i++) {
                double ji = jac[ro + i];
                if (ji == 0) continue;
                grad[i] += ji * ra;
                int hi = i * n;
                for (int j = 0; j <= i; j++) h[hi + j] += ji * jac[ro + j];
            }
        }
        double gnorm = 0;
        for (int i = 0; i < n; i++) {
            double li = ls.regularization(i);
            grad[i] = s * grad[i] + li * w[i];
            for (int j = 0; j <= i; j++) h[i * n + j] *= s;
            h[i * n + i] += li;
            gnorm += grad[i] * grad[i];
        }
        gnorm = Math.sqrt(gnorm);
        if (gnorm < minGrad) {
            stop = "converged: ‖∂E/∂w‖₂ = " + gnorm + " < " + minGrad;
            System.arraycopy(w, 0, wOut, 0, n);
            return fw;
        }
        while (true) {
            if (choleskySolve(mu)) {
                for (int i = 0; i < n; i++) wt[i] = (float) (w[i] + step[i]);
                double ft = ls.residuals(wt, rt);
                evals++;
                if (ft < fw) {                      // accept; trust the Gauss–Newton model more
                    System.arraycopy(wt, 0, w, 0, n);
                    fw = ft;
                    mu *= muDec;
                    break;
                }
            }
            mu *= muInc;                            // reject; move towards gradient descent
            if (mu > muMax) {
                stop = "converged: μ = " + mu + " > μ_max = " + muMax + " (no decrease found)";
                mu = muMax;
                break;
            }
        }
        System.arraycopy(w, 0, wOut, 0, n);
        return fw;
    }

    /** step = −(H + μI)⁻¹·g by Cholesky (lower triangle of h); false if not positive definite. */
    private boolean choleskySolve(double damp) {
        return choleskySolve(h, n, damp, grad, step, chol);
    }

    /**
     * Cholesky factor L of the lower triangle of h + damp·I into {@code L} (n×n, row-major); false if
     * that matrix is not positive definite.
     */
    static boolean cholesky(double[] h, int n, double damp, double[] L) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = h[i * n + j] + (i == j ? damp : 0);
                for (int k = 0; k < j; k++) sum -= L[i * n + k] * L[j * n + k];
                if (i == j) {
                    if (!(sum > 0)) return false;
                    L[i * n + i] = Math.sqrt(sum);
                } else {
                    L[i * n + j] = sum / L[j * n + j];
                }
            }
        }
        return true;
    }

    /** step = −(H + damp·I)⁻¹·g (lower triangle of h) by Cholesky into scratch L; false if not positive definite. */
    static boolean choleskySolve(double[] h, int n, double damp, double[] grad, double[] step, double[] L) {
        if (!cholesky(h, n, damp, L)) return false;
        for (int i = 0; i < n; i++) {               // L·z = −g
            double sum = -grad[i];
            for (int k = 0; k < i; k++) sum -= L[i * n + k] * step[k];
            step[i] = sum / L[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--) {          // Lᵀ·step = z
            double sum = step[i];
            for (int k = i + 1; k < n; k++) sum -= L[k * n + i] * step[k];
            step[i] = sum / L[i * n + i];
        }
        return true;
    }

    /**
     * tr((h + damp·I)⁻¹) for the symmetric positive definite matrix given by its lower triangle
     * ({@link #diagonalOfInverse} summed); NaN if it is not positive definite.
     */
    static double traceOfInverse(double[] h, int n, double damp, double[] L) {
        double[] d = new double[n];
        diagonalOfInverse(h, n, damp, L, d);
        double sum = 0;
        for (double v : d) sum += v;
        return sum;
    }

    /**
     * The diagonal of (h + damp·I)⁻¹ into {@code out}, for the symmetric positive definite matrix given
     * by its lower triangle: with h + damp·I = L·Lᵀ, (A⁻¹)_cc = ‖L⁻¹·e_c‖² (column c of L⁻¹ by forward
     * substitution). All NaN if the matrix is not positive definite.
     */
    static void diagonalOfInverse(double[] h, int n, double damp, double[] L, double[] out) {
        if (!cholesky(h, n, damp, L)) {
            java.util.Arrays.fill(out, 0, n, Double.NaN);
            return;
        }
        double[] col = new double[n];
        for (int c = 0; c < n; c++) {
            java.util.Arrays.fill(col, 0);
            double sum = 0;
            for (int i = c; i < n; i++) {               // L·col = e_c
                double s = i == c ? 1 : 0;
                for (int k = c; k < i; k++) s -= L[i * n + k] * col[k];
                col[i] = s / L[i * n + i];
                sum += col[i] * col[i];
            }
            out[c] = sum;
        }
    }

    @Override
    public void reset() {
        n = -1;
        have = false;
        stop = null;
        evals = 0;
        mu = mu0;
    }

    @Override
    public double[] exportState() {
        return new double[] {mu};
    }

    @Override
    public void importState(double[] state) {
        if (state.length == 0) { mu = mu0; return; }
        if (state.length != 1) throw new IllegalArgumentException("not a state of " + describe() + ": expected [μ]");
        mu = state[0];
    }
}
