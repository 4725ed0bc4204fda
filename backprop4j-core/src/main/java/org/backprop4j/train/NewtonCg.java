package org.backprop4j.train;

import java.util.Arrays;

/**
 * Truncated Newton with a trust region (Newton-CG; Steihaug 1983; Nocedal &amp; Wright, Numerical
 * Optimization, 2nd ed., Alg. 4.1 and Alg. 7.2): each iteration solves H·p = −g approximately by
 * conjugate gradients with exact Hessian-vector products (the R-operator, Pearlmutter 1994), stopping
 * at the trust-region boundary when a step leaves it or a direction of negative curvature appears,
 * or when ‖r‖ ≤ min(½, √‖g‖)·‖g‖ (N&amp;W eq. 7.3). The step is taken if the actual decrease is at
 * least η = 0.1 of the quadratic model's; the radius shrinks ×¼ when the ratio ρ &lt; ¼ and doubles
 * (up to Δ_max) when ρ &gt; ¾ and the step reached the boundary. Full batch; one accepted step per
 * iteration (rejected trials are retried with the smaller radius within the same iteration).
 * With {@code gn} the Gauss–Newton matrix (Schraudolph 2002) replaces H.
 */
public final class NewtonCg implements FullBatchOptimizer {
    public static final double RADIUS = 1, RADIUS_MAX = 1000, MIN_GRAD = 1e-7, ETA = 0.1;
    public static final int MAX_CG = 100;
    /** Trials per iteration before giving up (the radius shrinks ×¼ each time: 4⁻³⁰ ≈ 1e-18). */
    static final int MAX_TRIALS = 30;

    private final double radius0, radiusMax, minGrad;
    private final int maxCg;
    private final boolean gaussNewton;
    private double radius;
    private int n = -1;
    private float[] w, wt, vf, hvf;
    private double[] g, z, r, d, hz, hd;
    private long evals;
    private String stop;
    private int lastCg;

    public NewtonCg() {
        this(RADIUS, RADIUS_MAX, MAX_CG, MIN_GRAD, false);
    }

    public NewtonCg(double radius, double radiusMax, int maxCg, double minGrad, boolean gaussNewton) {
        if (!(radius > 0)) throw new IllegalArgumentException("radius must be > 0: " + radius);
        if (!(radiusMax >= radius)) throw new IllegalArgumentException("radius_max must be ≥ radius: " + radiusMax);
        if (maxCg < 1) throw new IllegalArgumentException("cg (iterations per step) must be ≥ 1: " + maxCg);
        if (!(minGrad >= 0)) throw new IllegalArgumentException("mingrad must be ≥ 0: " + minGrad);
        this.radius0 = radius;
        this.radius = radius;
        this.radiusMax = radiusMax;
        this.maxCg = maxCg;
        this.minGrad = minGrad;
        this.gaussNewton = gaussNewton;
    }

    @Override
    public String describe() {
        return "newton-cg(radius=" + radius0 + ",radius_max=" + radiusMax + ",cg=" + maxCg + (gaussNewton ? ",gn=true" : "") + ")";
    }

    @Override
    public String stopReason() { return stop; }

    @Override
    public long evaluations() { return evals; }

    /** The current trust-region radius Δ. */
    public double radius() { return radius; }

    /** CG iterations (Hessian-vector products) of the last step. */
    public int lastCgIterations() { return lastCg; }

    @Override
    public double iterate(Objective f, float[] wOut) {
        if (!(f instanceof CurvatureObjective c)) {
            throw new IllegalArgumentException("Newton-CG needs Hessian-vector products (a network objective)");
        }
        if (n != wOut.length) {
            n = wOut.length;
            w = new float[n]; wt = new float[n]; vf = new float[n]; hvf = new float[n];
            g = new double[n]; z = new double[n]; r = new double[n]; d = new double[n]; hz = new double[n]; hd = new double[n];
        }
        stop = null;
        System.arraycopy(wOut, 0, w, 0, n);
        double fw = f.valueAndGradient(w, hvf);
        evals++;
        double gnorm = 0;
        for (int i = 0; i < n; i++) {
            g[i] = hvf[i];
            gnorm += g[i] * g[i];
        }
        gnorm = Math.sqrt(gnorm);
        if (gnorm < minGrad) {
            stop = "converged: ‖∂E/∂w‖₂ = " + gnorm + " < " + minGrad;
            return fw;
        }
        for (int trial = 0; trial < MAX_TRIALS; trial++) {
            boolean boundary = steihaug(c, gnorm);
            // model decrease −(gᵀp + ½pᵀHp), with H·p tracked by CG
            double gp = 0, pHp = 0;
            for (int i = 0; i < n; i++) {
                gp += g[i] * z[i];
                pHp += z[i] * hz[i];
                wt[i] = (float) (w[i] + z[i]);
            }
            double pred = -(gp + 0.5 * pHp);
            double ft = f.value(wt);
            evals++;
            double rho = pred > 0 ? (fw - ft) / pred : -1;
            if (rho < 0.25) radius *= 0.25;                                      // N&W Alg. 4.1
            else if (rho > 0.75 && boundary) radius = Math.min(2 * radius, radiusMax);
            if (rho > ETA && ft < fw) {
                System.arraycopy(wt, 0, wOut, 0, n);
                return ft;
            }
            if (radius < 1e-12) break;
        }
        stop = "converged: the trust region shrank to " + radius + " without a decrease";
        return fw;
    }

    /** CG-Steihaug (N&amp;W Alg. 7.2): z ≈ −H⁻¹g within ‖z‖ ≤ Δ, hz = H·z; true if it stopped on the boundary. */
    private boolean steihaug(CurvatureObjective c, double gnorm) {
        Arrays.fill(z, 0);
        Arrays.fill(hz, 0);
        double tol = Math.min(0.5, Math.sqrt(gnorm)) * gnorm;
        double rr = 0;
        for (int i = 0; i < n; i++) {
            r[i] = g[i];
            d[i] = -g[i];
            rr += r[i] * r[i];
        }
        lastCg = 0;
        for (int j = 0; j < maxCg; j++) {
            for (int i = 0; i < n; i++) vf[i] = (float) d[i];
            c.hessianVector(w, vf, hvf, gaussNewton);
            evals++;
            lastCg++;
            double dHd = 0;
            for (int i = 0; i < n; i++) {
                hd[i] = hvf[i];
                dHd += d[i] * hd[i];
            }
            if (dHd <= 0) {                                    // negative curvature: follow d to the boundary
                toBoundary();
                return true;
            }
            double alpha = rr / dHd, zz = 0;
            for (int i = 0; i < n; i++) {
                double zi = z[i] + alpha * d[i];
                zz += zi * zi;
            }
            if (Math.sqrt(zz) >= radius) {
                toBoundary();
                return true;
            }
            double rr1 = 0;
            for (int i = 0; i < n; i++) {
                z[i] += alpha * d[i];
                hz[i] += alpha * hd[i];
                r[i] += alpha * hd[i];
                rr1 += r[i] * r[i];
            }
            if (Math.sqrt(rr1) < tol) return false;
            double beta = rr1 / rr;
            rr = rr1;
            for (int i = 0; i < n; i++) d[i] = -r[i] + beta * d[i];
        }
        return false;
    }

    /** z ← z + τ·d with τ ≥ 0 and ‖z + τd‖ = Δ (and hz ← hz + τ·hd). */
    private void toBoundary() {
        double dd = 0, zd = 0, zz = 0;
        for (int i = 0; i < n; i++) {
            dd += d[i] * d[i];
            zd += z[i] * d[i];
            zz += z[i] * z[i];
        }
        double tau = (-zd + Math.sqrt(zd * zd + dd * (radius * radius - zz))) / dd;
        for (int i = 0; i < n; i++) {
            z[i] += tau * d[i];
            hz[i] += tau * hd[i];
        }
    }

    @Override
    public void reset() {
        n = -1;
        stop = null;
        evals = 0;
        radius = radius0;
    }

    @Override
    public double[] exportState() {
        return new double[] {radius};
    }

    @Override
    public void importState(double[] state) {
        if (state.length == 0) { radius = radius0; return; }
        if (state.length != 1) throw new IllegalArgumentException("not a state of " + describe() + ": expected [radius]");
        radius = state[0];
    }
}
