package org.backprop4j.train;

import java.util.Arrays;

/**
 * Bayesian regularisation (MacKay 1992, "A practical Bayesian framework for backpropagation
 * networks", eqs. 2.9–2.10 and 4.6–4.8; in the Gauss–Newton form of Foresee &amp; Hagan 1997,
 * "Gauss–Newton approximation to Bayesian learning", the algorithm of MATLAB's trainbr): minimise
 * F = β·E_D + α·E_W with E_D = Σr² (r = o − d) and E_W = Σw² by Levenberg–Marquardt steps
 * (Hagan &amp; Menhaj 1994), and after each step re-estimate the hyperparameters from the evidence:
 * <pre>
 *   γ = P − 2α·tr(H⁻¹),  H = 2β·JᵀJ + 2α·I      (effective number of parameters; MacKay eq. 4.8)
 *   α = γ / (2·E_W),     β = (N − γ) / (2·E_D)    (MacKay eqs. 4.6–4.7; N residuals)
 * </pre>
 * starting from α = 0, β = 1 (trainbr). The weight decay this amounts to, for the network's loss
 * E = s·½Σr² + λ/2‖w‖², is λ = s·α/β ({@link #lambda()}). All parameters (biases too) are
 * regularised, as in trainbr. Sum-of-squares losses only; the trainer's own λ must be 0.
 */
public final class BayesianRegularization implements FullBatchOptimizer {
    private final double mu0, muDec, muInc, muMax;
    private double mu, alpha, beta = 1, gamma = Double.NaN, scale = 1;
    private int n = -1, rows;
    private float[] w, wt;
    private double[] r, rt, jac, jtj, h, grad, step, chol;
    private long evals;
    private String stop;

    public BayesianRegularization() {
        this(LevenbergMarquardt.MU, LevenbergMarquardt.MU_DEC, LevenbergMarquardt.MU_INC, LevenbergMarquardt.MU_MAX);
    }

    public BayesianRegularization(double mu, double muDec, double muInc, double muMax) {
        new LevenbergMarquardt(mu, muDec, muInc, muMax, 0);   // the same checks of the LM settings
        this.mu0 = mu;
        this.mu = mu;
        this.muDec = muDec;
        this.muInc = muInc;
        this.muMax = muMax;
    }

    @Override
    public String describe() {
        return "br(mu=" + mu0 + ",mu_dec=" + muDec + ",mu_inc=" + muInc + ",mu_max=" + muMax + ")";
    }

    /** γ, the effective number of parameters after the last iteration (NaN before the first). */
    public double gamma() { return gamma; }
    /** The prior's precision α (weights ~ N(0, 1/(2α))). */
    public double alpha() { return alpha; }
    /** The noise precision β. */
    public double beta() { return beta; }
    /** The equivalent L2 decay λ = s·α/β for the network's loss (s = 1 for sse, 1/m for mse). */
    public double lambda() { return scale * alpha / beta; }
    /** Number of parameters P (γ's upper bound). */
    public int parameters() { return n; }

    @Override
    public String stopReason() { return stop; }

    @Override
    public long evaluations() { return evals; }

    private double f(double ed, float[] x) {
        double ew = 0;
        for (float v : x) ew += (double) v * v;
        return beta * ed + alpha * ew;
    }

    @Override
    public double iterate(Objective obj, float[] wOut) {
        if (!(obj instanceof LeastSquaresObjective ls)) {
            throw new IllegalArgumentException("Bayesian regularisation needs a sum-of-squares objective (residuals and Jacobian)");
        }
        scale = ls.residualScale();    // rejects non-sum-of-squares losses
        if (n != wOut.length || rows != ls.residualCount()) {
            n = wOut.length;
            rows = ls.residualCount();
            if ((long) rows * n > LevenbergMarquardt.MAX_JACOBIAN) {
                throw new IllegalArgumentException("Bayesian regularisation would need a " + rows + "×" + n + " Jacobian: too large");
            }
            for (int i = 0; i < n; i++) {
                if (ls.regularization(i) != 0) {
                    throw new IllegalArgumentException("br chooses the weight decay itself (λ = α/β): drop --lambda");
                }
            }
            w = new float[n]; wt = new float[n];
            r = new double[rows]; rt = new double[rows]; jac = new double[rows * n];
            jtj = new double[n * n]; h = new double[n * n]; chol = new double[n * n]; grad = new double[n]; step = new double[n];
        }
        stop = null;
        System.arraycopy(wOut, 0, w, 0, n);
        ls.residualsAndJacobian(w, r, jac);
        evals++;
        double ed = 0;
        for (double v : r) ed += v * v;
        // JᵀJ and Jᵀr (lower triangle)
        Arrays.fill(jtj, 0);
        Arrays.fill(grad, 0);
        for (int a = 0; a < rows; a++) {
            int ro = a * n;
            for (int i = 0; i < n; i++) {
                double ji = jac[ro + i];
                if (ji == 0) continue;
                grad[i] += ji * r[a];
                for (int j = 0; j <= i; j++) jtj[i * n + j] += ji * jac[ro + j];
            }
        }
        // LM on F: g = 2β·Jᵀr + 2α·w, H = 2β·JᵀJ + 2α·I (Foresee & Hagan 1997, eq. 13)
        for (int i = 0; i < n; i++) {
            grad[i] = 2 * beta * grad[i] + 2 * alpha * w[i];
            for (int j = 0; j <= i; j++) h[i * n + j] = 2 * beta * jtj[i * n + j] + (i == j ? 2 * alpha : 0);
        }
        double fw = f(ed, w), edNew = ed;
        while (true) {
            if (LevenbergMarquardt.choleskySolve(h, n, mu, grad, step, chol)) {
                for (int i = 0; i < n; i++) wt[i] = (float) (w[i] + step[i]);
                ls.residuals(wt, rt);
                evals++;
                double edt = 0;
                for (double v : rt) edt += v * v;
                if (f(edt, wt) < fw) {
                    System.arraycopy(wt, 0, w, 0, n);
                    edNew = edt;
                    mu *= muDec;
                    break;
                }
            }
            mu *= muInc;
            if (mu > muMax) {
                stop = "converged: μ = " + mu + " > μ_max = " + muMax + " (no decrease found)";
                mu = muMax;
                break;
            }
        }
        // the evidence: γ = P − 2α·tr((2βJᵀJ + 2αI)⁻¹) = P − α·tr((βJᵀJ + αI)⁻¹) (MacKay 1992, eq. 4.8)
        double ew = 0;
        for (float v : w) ew += (double) v * v;
        if (alpha == 0) {
            gamma = n;
        } else {
            for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) h[i * n + j] = beta * jtj[i * n + j];
            gamma = n - alpha * LevenbergMarquardt.traceOfInverse(h, n, alpha, chol);
        }
        gamma = Math.max(0, Math.min(n, gamma));
        // MacKay 1992, eqs. 4.6–4.7 (with trainbr's guards: a positive N − γ, a nonzero E_W)
        alpha = gamma / (2 * Math.max(ew, 1e-300));
        beta = Math.max(rows - gamma, 1e-3) / (2 * Math.max(edNew, 1e-300));
        System.arraycopy(w, 0, wOut, 0, n);
        return scale * 0.5 * edNew;
    }

    @Override
    public void reset() {
        n = -1;
        stop = null;
        evals = 0;
        mu = mu0;
        alpha = 0;
        beta = 1;
        gamma = Double.NaN;
    }

    @Override
    public double[] exportState() {
        return new double[] {mu, alpha, beta, gamma};
    }

    @Override
    public void importState(double[] state) {
        if (state.length == 0) { reset(); return; }
        if (state.length != 4) throw new IllegalArgumentException("not a state of " + describe() + ": expected [μ, α, β, γ]");
        mu = state[0];
        alpha = state[1];
        beta = state[2];
        gamma = state[3];
    }
}
