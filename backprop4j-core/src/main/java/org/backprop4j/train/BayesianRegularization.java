package org.backprop4j.train;

import java.util.Arrays;
import java.util.List;

/**
 * Bayesian regularisation (MacKay 1992a, "Bayesian interpolation"; 1992b, "A practical Bayesian
 * framework for backpropagation networks", eqs. 4.6–4.8; in the Gauss–Newton form of Foresee &amp;
 * Hagan 1997, "Gauss–Newton approximation to Bayesian learning", the algorithm of MATLAB's
 * trainbr): minimise F = β·E_D + Σ_c α_c·E_W^c with E_D = Σr² (r = o − d) and E_W^c = Σ_{i∈c} w_i²
 * by Levenberg–Marquardt steps (Hagan &amp; Menhaj 1994), and after each step re-estimate the
 * hyperparameters from the evidence:
 * <pre>
 *   A' = β·JᵀJ + diag(α)                        (half the Gauss–Newton Hessian of F)
 *   γ_c = k_c − α_c·Σ_{i∈c} (A'⁻¹)_ii,  γ = Σ_c γ_c   (effective parameters; MacKay 1992b eq. 4.8, per class)
 *   α_c = γ_c / (2·E_W^c),   β = (N − γ) / (2·E_D)     (MacKay 1992b eqs. 4.6–4.7; N residuals)
 * </pre>
 * starting from α = 0, β = 1 (trainbr). Two choices differ from trainbr, both MacKay's:
 * <ul>
 * <li><b>One α per class of weights</b> ({@link Prior#CLASSES}, the default; {@link WeightClasses}
 *     from the objective: each hidden layer's weights, its biases, the output layer's weights and
 *     biases). One α over all weights (trainbr; {@link Prior#SINGLE}) ties the input-side and
 *     output-side weights to one scale, which the scale of the data does not (MacKay 1992b, on
 *     several regularisers: the prior should not depend on how inputs and outputs are scaled).
 *     A class whose evidence drives α_c to infinity (γ_c → 0: its weights are not needed, as
 *     automatic relevance determination prunes) is held at α_c = {@value #ALPHA_MAX}.</li>
 * <li><b>The iterate of highest evidence</b> ({@code keep=evidence}, the default): the evidence
 *     <pre>
 *   ln p(D|α,β) ≈ −F(w) − ½·ln det A + Σ_c (k_c/2)·ln α_c + (N/2)·ln β + (P/2)·ln 2 − (N/2)·ln π,   A = 2β·JᵀJ + 2·diag(α)
 *     </pre>
 *     (the Gaussian approximation around w; MacKay 1992a, Foresee &amp; Hagan 1997; without the
 *     hidden units' permutation factor, a constant of the architecture) is what α and β should
 *     maximise, but the re-estimation steps do not climb it monotonically: after a peak they can
 *     drift to more effective parameters and a lower evidence. The run keeps the weights and
 *     hyperparameters of the iterate with the highest evidence ({@link #finish}); the iteration
 *     itself goes on unchanged, so a continued run (warm start) goes on from its last iterate.</li>
 * </ul>
 * The weight decay this amounts to, for the network's loss E = s·½Σr² + λ/2‖w‖², is λ_c = s·α_c/β
 * per class ({@link #lambdas()}). All parameters (biases too) are regularised, as in trainbr.
 * Sum-of-squares losses only; the trainer's own λ must be 0.
 */
public final class BayesianRegularization implements FullBatchOptimizer {
    /** How the prior's precision is shared among the parameters. */
    public enum Prior {
        /** One α for all parameters (MATLAB trainbr). */
        SINGLE,
        /** One α per class of weights ({@link LeastSquaresObjective#weightClasses()}; MacKay 1992b). */
        CLASSES
    }

    /** The precision a class is held at when its evidence wants it infinite (γ_c → 0): its weights ~ N(0, 1/(2·10¹⁰)). */
    public static final double ALPHA_MAX = 1e10;

    private final double mu0, muDec, muInc, muMax;
    private final Prior prior;
    private final boolean keepBest;
    // the iteration
    private double mu, beta = 1, gamma = Double.NaN, scale = 1;
    private double[] alpha = new double[0], gammaC = new double[0];
    private int n = -1, rows, classes;
    private int[] classOf, k;
    private List<String> names = List.of();
    private float[] w, wt;
    private boolean haveW;
    private double[] r, rt, jac, jtj, h, grad, step, chol, dinv;
    private long evals, iterations;
    private String stop;
    // the evidence record: the iterate of highest evidence so far
    private double bestEv = Double.NEGATIVE_INFINITY, bestBeta, bestGamma;
    private double[] bestAlpha, bestGammaC;
    private float[] bestW;
    private long bestIteration;
    // what the run ended with (after finish: the kept iterate), for gamma(), lambdas() etc.
    private double shownBeta = 1, shownGamma = Double.NaN, shownEv = Double.NaN;
    private double[] shownAlpha = new double[0], shownGammaC = new double[0];
    private long shownIteration;

    public BayesianRegularization() {
        this(LevenbergMarquardt.MU, LevenbergMarquardt.MU_DEC, LevenbergMarquardt.MU_INC, LevenbergMarquardt.MU_MAX, Prior.CLASSES, true);
    }

    public BayesianRegularization(double mu, double muDec, double muInc, double muMax) {
        this(mu, muDec, muInc, muMax, Prior.CLASSES, true);
    }

    /**
     * @param prior    one α for all parameters, or one per class of weights
     * @param keepBest keep the iterate of highest evidence (else the last, as trainbr)
     */
    public BayesianRegularization(double mu, double muDec, double muInc, double muMax, Prior prior, boolean keepBest) {
        new LevenbergMarquardt(mu, muDec, muInc, muMax, 0);   // the same checks of the LM settings
        this.mu0 = mu;
        this.mu = mu;
        this.muDec = muDec;
        this.muInc = muInc;
        this.muMax = muMax;
        this.prior = prior;
        this.keepBest = keepBest;
    }

    @Override
    public String describe() {
        return "br(mu=" + mu0 + ",mu_dec=" + muDec + ",mu_inc=" + muInc + ",mu_max=" + muMax
                + ",prior=" + (prior == Prior.SINGLE ? "single" : "classes") + ",keep=" + (keepBest ? "evidence" : "last") + ")";
    }

    /** γ, the effective number of parameters of the kept iterate (NaN before the first iteration). */
    public double gamma() { return shownGamma; }
    /** γ_c per class of weights. */
    public double[] gammas() { return shownGammaC.clone(); }
    /** The prior's precisions α_c (class c's weights ~ N(0, 1/(2α_c))). */
    public double[] alphas() { return shownAlpha.clone(); }
    /** The noise precision β. */
    public double beta() { return shownBeta; }
    /** The equivalent L2 decay per class, λ_c = s·α_c/β for the network's loss (s = 1 for sse, 1/m for mse). */
    public double[] lambdas() {
        double[] l = new double[shownAlpha.length];
        for (int c = 0; c < l.length; c++) l[c] = scale * shownAlpha[c] / shownBeta;
        return l;
    }
    /** What each class of weights holds (one entry, "all parameters", with {@link Prior#SINGLE}). */
    public List<String> classNames() { return names; }
    /** Parameters in each class. */
    public int[] classSizes() { return k == null ? new int[0] : k.clone(); }
    /** Number of parameters P (γ's upper bound). */
    public int parameters() { return n; }
    /** ln p(D|α,β) of the kept iterate (NaN when none was evaluated). */
    public double logEvidence() { return shownEv; }
    /** The iteration whose weights were kept (0: the starting point; with keep=last, the last). */
    public long keptIteration() { return shownIteration; }

    /** α when there is one class ({@link Prior#SINGLE}, or a network without hidden layer). */
    public double alpha() { return single(shownAlpha); }
    /** λ = s·α/β when there is one class. */
    public double lambda() { return single(lambdas()); }

    private static double single(double[] v) {
        if (v.length != 1) throw new IllegalStateException("one value per class of weights (" + v.length + "): use the per-class accessors");
        return v[0];
    }

    @Override
    public String stopReason() { return stop; }

    @Override
    public long evaluations() { return evals; }

    private double f(double ed, float[] x) {
        double s = beta * ed;
        for (int i = 0; i < x.length; i++) s += alpha[classOf[i]] * ((double) x[i] * x[i]);
        return s;
    }

    private void setUp(LeastSquaresObjective ls, int dim) {
        n = dim;
        rows = ls.residualCount();
        if ((long) rows * n > LevenbergMarquardt.MAX_JACOBIAN) {
            throw new IllegalArgumentException("Bayesian regularisation would need a " + rows + "×" + n + " Jacobian: too large");
        }
        for (int i = 0; i < n; i++) {
            if (ls.regularization(i) != 0) throw new IllegalArgumentException("br chooses the weight decay itself (λ = α/β): drop --lambda");
        }
        WeightClasses wc = prior == Prior.SINGLE ? WeightClasses.single(n) : ls.weightClasses();
        if (wc.classOf().length != n) throw new IllegalArgumentException("weight classes for " + wc.classOf().length + " parameters, not " + n);
        classOf = wc.classOf();
        k = wc.sizes();
        names = wc.names();
        if (alpha.length != wc.count()) {              // a fresh start, or an imported state of one α (checkpoint format before classes)
            double a = alpha.length == 1 ? alpha[0] : 0;
            alpha = new double[wc.count()];
            Arrays.fill(alpha, a);
        }
        classes = alpha.length;
        if (gammaC.length != classes) gammaC = new double[classes];
        if (w == null || w.length != n) {                 // (an imported iterate of this size is kept)
            w = new float[n];
            haveW = false;
        }
        if (bestW != null && bestW.length != n) bestW = null;
        wt = new float[n];
        r = new double[rows]; rt = new double[rows]; jac = new double[rows * n];
        jtj = new double[n * n]; h = new double[n * n]; chol = new double[n * n]; grad = new double[n]; step = new double[n]; dinv = new double[n];
    }

    @Override
    public double iterate(Objective obj, float[] wOut) {
        if (!(obj instanceof LeastSquaresObjective ls)) {
            throw new IllegalArgumentException("Bayesian regularisation needs a sum-of-squares objective (residuals and Jacobian)");
        }
        scale = ls.residualScale();    // rejects non-sum-of-squares losses
        if (n != wOut.length || rows != ls.residualCount() || classOf == null) setUp(ls, wOut.length);
        stop = null;
        // the iteration goes on from its own point unless the weights were changed from outside (the kept
        // iterate given back, as after a warm start, is not a change)
        if (!haveW || !(Arrays.equals(wOut, w) || (bestW != null && Arrays.equals(wOut, bestW)))) System.arraycopy(wOut, 0, w, 0, n);
        haveW = true;
        double ed = jacobian(ls, w);
        if (keepBest) record(ed, iterations);
        // LM on F: g = 2β·Jᵀr + 2α∘w, H = 2β·JᵀJ + 2·diag(α) (Foresee & Hagan 1997, eq. 13)
        for (int i = 0; i < n; i++) {
            double a = alpha[classOf[i]];
            grad[i] = 2 * beta * grad[i] + 2 * a * w[i];
            for (int j = 0; j <= i; j++) h[i * n + j] = 2 * beta * jtj[i * n + j] + (i == j ? 2 * a : 0);
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
        reestimate(edNew);
        iterations++;
        show(beta, gamma, alpha, gammaC, Double.NaN, iterations);
        System.arraycopy(w, 0, wOut, 0, n);
        return scale * 0.5 * edNew;
    }

    /** r, J, E_D, JᵀJ (lower triangle) and Jᵀr (into grad) at x. */
    private double jacobian(LeastSquaresObjective ls, float[] x) {
        ls.residualsAndJacobian(x, r, jac);
        evals++;
        double ed = 0;
        for (double v : r) ed += v * v;
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
        return ed;
    }

    /**
     * The evidence of the current α, β at the current point (J from {@link #jacobian}), recorded if it
     * is the highest so far. Undefined (skipped) while some α_c is 0: an improper prior.
     */
    private void record(double ed, long iteration) {
        double ev = evidence(ed);
        if (!(ev > bestEv)) return;
        bestEv = ev;
        if (bestW == null) bestW = new float[n];
        System.arraycopy(w, 0, bestW, 0, n);
        bestAlpha = alpha.clone();
        bestBeta = beta;
        bestGamma = gamma;
        bestGammaC = gammaC.clone();
        bestIteration = iteration;
    }

    /** ln p(D|α,β) at the current point (J from {@link #jacobian}); NaN while some α_c is 0 or A is singular. */
    private double evidence(double ed) {
        for (double a : alpha) if (!(a > 0)) return Double.NaN;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) h[i * n + j] = 2 * beta * jtj[i * n + j] + (i == j ? 2 * alpha[classOf[i]] : 0);
        }
        if (!LevenbergMarquardt.cholesky(h, n, 0, chol)) return Double.NaN;
        double logDet = 0;
        for (int i = 0; i < n; i++) logDet += 2 * Math.log(chol[i * n + i]);
        double ev = -f(ed, w) - 0.5 * logDet + 0.5 * n * Math.log(2) + 0.5 * rows * (Math.log(beta) - Math.log(Math.PI));
        for (int c = 0; c < classes; c++) ev += 0.5 * k[c] * Math.log(alpha[c]);
        return ev;
    }

    /** γ_c, α_c and β from the evidence at the new point (with the JᵀJ of the step, as trainbr). */
    private void reestimate(double edNew) {
        double[] ew = new double[classes];
        for (int i = 0; i < n; i++) ew[classOf[i]] += (double) w[i] * w[i];
        boolean fresh = true;
        for (double a : alpha) fresh &= a == 0;
        if (fresh) {
            for (int c = 0; c < classes; c++) gammaC[c] = k[c];   // trainbr's start: α = 0, so γ = P
        } else {
            // γ_c = k_c − α_c·Σ_{i∈c} (A'⁻¹)_ii with A' = βJᵀJ + diag(α) (MacKay 1992b eq. 4.8, one trace per class)
            for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) h[i * n + j] = beta * jtj[i * n + j] + (i == j ? alpha[classOf[i]] : 0);
            LevenbergMarquardt.diagonalOfInverse(h, n, 0, chol, dinv);
            Arrays.fill(gammaC, 0);
            for (int i = 0; i < n; i++) gammaC[classOf[i]] += 1 - alpha[classOf[i]] * dinv[i];
        }
        gamma = 0;
        for (int c = 0; c < classes; c++) {
            gammaC[c] = Math.max(0, Math.min(k[c], gammaC[c]));   // NaN (a singular A') stays NaN and is caught below
            gamma += gammaC[c];
        }
        // MacKay 1992b eqs. 4.6–4.7 with trainbr's guards (a positive N − γ, a nonzero E_W); a class pruned by its
        // evidence (γ_c = 0) or whose α would exceed the cap is held at α_max
        for (int c = 0; c < classes; c++) {
            double a = gammaC[c] / (2 * Math.max(ew[c], 1e-300));
            alpha[c] = gammaC[c] > 0 && a < ALPHA_MAX ? a : ALPHA_MAX;
        }
        beta = Math.max(rows - gamma, 1e-3) / (2 * Math.max(edNew, 1e-300));
    }

    private void show(double b, double g, double[] a, double[] gc, double ev, long iteration) {
        shownBeta = b;
        shownGamma = g;
        shownAlpha = a.clone();
        shownGammaC = gc.clone();
        shownEv = ev;
        shownIteration = iteration;
    }

    /**
     * The run ends: the evidence of the last iterate is evaluated (one more Jacobian), and when an
     * earlier iterate had a higher one ({@code keep=evidence}), its weights go into {@code wOut} and
     * {@link #gamma()}, {@link #lambdas()}, ... report its hyperparameters. The iteration's own state
     * (its point, α, β, μ) is left as it was, so a continued run goes on from the last iterate.
     */
    @Override
    public String finish(Objective obj, float[] wOut) {
        if (!haveW || !(obj instanceof LeastSquaresObjective ls)) return null;
        double ed = jacobian(ls, w);
        if (!keepBest) {                                // trainbr: the last iterate, with its evidence for comparison
            show(beta, gamma, alpha, gammaC, evidence(ed), iterations);
            return null;
        }
        record(ed, iterations);
        if (bestW == null) return null;
        show(bestBeta, bestGamma, bestAlpha, bestGammaC, bestEv, bestIteration);
        System.arraycopy(bestW, 0, wOut, 0, n);
        return bestIteration == iterations ? null
                : "kept the weights of iteration " + bestIteration + ", of highest evidence (ln p(D|α,β) = "
                        + String.format(java.util.Locale.ROOT, "%.4g", bestEv) + ")";
    }

    /**
     * Another error function (a warm start on other data): the evidence record is the old data's and
     * is dropped; α, β and μ carry over, and the iteration starts at the weights it is given.
     */
    @Override
    public String objectiveChanged() {
        haveW = false;
        if (bestW == null) return null;
        bestW = null;
        bestEv = Double.NEGATIVE_INFINITY;
        return "Bayesian regularisation's evidence record (of the old data) starts afresh";
    }

    @Override
    public void reset() {
        n = -1;
        classOf = null;
        stop = null;
        evals = 0;
        iterations = 0;
        mu = mu0;
        alpha = new double[0];
        beta = 1;
        gamma = Double.NaN;
        haveW = false;
        bestW = null;
        bestEv = Double.NEGATIVE_INFINITY;
        show(1, Double.NaN, new double[0], new double[0], Double.NaN, 0);
    }

    /*
     * State: [μ, β, γ, iterations, bestEv, bestβ, bestγ, bestIteration, C, nW, nBest,
     *         α(C), γ_c(C), bestα(C or 0), bestγ_c(C or 0), w(nW), bestW(nBest)]; nW, nBest ∈ {0, P}.
     * The evaluation count is not state (finish() makes one more evaluation than a longer run at that point).
     */
    private static final int HEAD = 11;

    @Override
    public double[] exportState() {
        if (classOf == null && alpha.length == 0) return new double[0];
        int c = alpha.length, nw = haveW ? n : 0, nb = bestW == null ? 0 : n;
        double[] s = new double[HEAD + 2 * c + (nb > 0 ? 2 * c : 0) + nw + nb];
        s[0] = mu; s[1] = beta; s[2] = gamma; s[3] = iterations; s[4] = bestEv; s[5] = bestBeta; s[6] = bestGamma; s[7] = bestIteration;
        s[8] = c; s[9] = nw; s[10] = nb;
        int p = HEAD;
        for (double v : alpha) s[p++] = v;
        for (int i = 0; i < c; i++) s[p++] = i < gammaC.length ? gammaC[i] : Double.NaN;
        if (nb > 0) {
            for (double v : bestAlpha) s[p++] = v;
            for (double v : bestGammaC) s[p++] = v;
        }
        for (int i = 0; i < nw; i++) s[p++] = w[i];
        for (int i = 0; i < nb; i++) s[p++] = bestW[i];
        return s;
    }

    @Override
    public void importState(double[] s) {
        if (s.length == 0) { reset(); return; }
        if (s.length == 4) {                         // checkpoints of the single-α form: [μ, α, β, γ]
            reset();
            mu = s[0];
            alpha = new double[] {s[1]};
            beta = s[2];
            gamma = s[3];
            return;
        }
        int c = s.length >= HEAD ? (int) s[8] : -1, nw = s.length >= HEAD ? (int) s[9] : -1, nb = s.length >= HEAD ? (int) s[10] : -1;
        if (c < 1 || nw < 0 || nb < 0 || (nw > 0 && nb > 0 && nw != nb)
                || s.length != HEAD + 2L * c + (nb > 0 ? 2L * c : 0) + nw + nb) {
            throw new IllegalArgumentException("not a state of " + describe() + " (" + s.length + " values)");
        }
        reset();
        mu = s[0]; beta = s[1]; gamma = s[2]; iterations = (long) s[3]; bestEv = s[4]; bestBeta = s[5]; bestGamma = s[6];
        bestIteration = (long) s[7];
        int p = HEAD;
        alpha = Arrays.copyOfRange(s, p, p + c);
        p += c;
        gammaC = Arrays.copyOfRange(s, p, p + c);
        p += c;
        if (nb > 0) {
            bestAlpha = Arrays.copyOfRange(s, p, p + c);
            p += c;
            bestGammaC = Arrays.copyOfRange(s, p, p + c);
            p += c;
        }
        if (nw > 0) {
            w = new float[nw];
            for (int i = 0; i < nw; i++) w[i] = (float) s[p++];
            haveW = true;
        }
        if (nb > 0) {
            bestW = new float[nb];
            for (int i = 0; i < nb; i++) bestW[i] = (float) s[p++];
        }
        show(beta, gamma, alpha, gammaC, Double.NaN, iterations);
    }
}
