package org.backprop4j.train;

import java.util.Arrays;

/**
 * Limited-memory BFGS (Liu &amp; Nocedal 1989; Nocedal &amp; Wright, "Numerical Optimization", 2nd ed.
 * 2006, Algorithm 7.5 with the two-loop recursion of Algorithm 7.4 and the initial matrix
 * H0 = γI, γ = sᵀy/yᵀy of eq. 7.20), with a line search satisfying the strong Wolfe conditions
 * (N&amp;W Algorithms 3.5 and 3.6, eqs. 3.7a–b, c1 = 1e-4, c2 = 0.9; cubic interpolation in zoom,
 * eq. 3.59, safeguarded by bisection). One {@link #iterate} = one L-BFGS iteration.
 *
 * <p>Defaults: memory m = 10 (scipy's maxcor, used by scikit-learn's MLP 'lbfgs' solver), gradient
 * tolerance ‖g‖∞ ≤ 1e-5 (scipy's pgtol). The error is computed in float32 by the fast engine, so a
 * line search may find no decrease before that tolerance: the memory is then dropped and steepest
 * descent tried once; if that also fails the method reports that it has converged to the
 * precision of the engine.
 */
public final class Lbfgs implements FullBatchOptimizer {
    public static final int MEMORY = 10;
    public static final double GTOL = 1e-5, C1 = 1e-4, C2 = 0.9;
    private static final int MAX_LINE_EVALS = 25;

    private final int memory;
    private final double gtol;
    private int n = -1;
    private float[] x, g, xt, gt;      // current point, its gradient; trial point, its gradient
    private double fx;
    private boolean have;              // x, g, fx valid
    private double[][] s, y;
    private double[] rho, alpha;
    private double[] d;
    private int count, head;           // pairs stored; index of the next slot
    private String stop;
    private long evals;
    private int iterations;

    public Lbfgs() {
        this(MEMORY, GTOL);
    }

    public Lbfgs(int memory, double gtol) {
        if (memory < 1) throw new IllegalArgumentException("L-BFGS memory must be ≥ 1: " + memory);
        if (!(gtol >= 0)) throw new IllegalArgumentException("gradient tolerance must be ≥ 0: " + gtol);
        this.memory = memory;
        this.gtol = gtol;
    }

    @Override
    public String describe() {
        return "lbfgs(m=" + memory + ",gtol=" + gtol + ")";
    }

    @Override
    public String stopReason() { return stop; }

    @Override
    public long evaluations() { return evals; }

    private void init(int dim) {
        n = dim;
        x = new float[n];
        g = new float[n];
        xt = new float[n];
        gt = new float[n];
        s = new double[memory][n];
        y = new double[memory][n];
        rho = new double[memory];
        alpha = new double[memory];
        d = new double[n];
        count = head = 0;
        have = false;
    }

    /** The memory's gradient differences and the kept gradient are the old error function's: start afresh at the point. */
    @Override
    public String objectiveChanged() {
        if (!have) return null;
        have = false;
        return "L-BFGS's memory (gradients of the old data's error) starts afresh";
    }

    @Override
    public double iterate(Objective f, float[] w) {
        if (n != w.length) init(w.length);
        if (!have || !Arrays.equals(w, x)) {      // first call, or weights changed from outside
            System.arraycopy(w, 0, x, 0, n);
            fx = f.valueAndGradient(x, g);
            evals++;
            have = true;
            count = head = 0;
        }
        stop = null;
        if (infNorm(g) <= gtol) {
            stop = "converged: ‖∂E/∂w‖∞ = " + infNorm(g) + " ≤ " + gtol;
            System.arraycopy(x, 0, w, 0, n);
            return fx;
        }
        boolean ok = false;
        for (int attempt = 0; attempt < 2 && !ok; attempt++) {
            if (attempt == 1) {
                if (count == 0) break;        // steepest descent already failed
                count = head = 0;             // drop the memory, retry along −g
            }
            direction();
            double dphi0 = dot(g, d);
            if (!(dphi0 < 0)) {               // not a descent direction (rounding): restart
                count = head = 0;
                direction();
                dphi0 = dot(g, d);
            }
            double a0 = count == 0 ? Math.min(1.0, 1.0 / norm2(g)) : 1.0;
            ok = lineSearch(f, dphi0, a0);
        }
        if (!ok) {
            stop = "converged: the line search found no decrease of E (float32 precision of the engine reached)";
            System.arraycopy(x, 0, w, 0, n);
            return fx;
        }
        // accepted trial (xt, gt, ft): update memory with s = x_{k+1} − x_k, y = g_{k+1} − g_k
        double[] sk = s[head], yk = y[head];
        double sy = 0, yy = 0;
        for (int i = 0; i < n; i++) {
            sk[i] = (double) xt[i] - x[i];
            yk[i] = (double) gt[i] - g[i];
            sy += sk[i] * yk[i];
            yy += yk[i] * yk[i];
        }
        if (sy > 1e-10 * yy && sy > 0) {      // curvature condition sᵀy > 0 keeps H positive definite
            rho[head] = 1.0 / sy;
            head = (head + 1) % memory;
            count = Math.min(count + 1, memory);
        }
        System.arraycopy(xt, 0, x, 0, n);
        System.arraycopy(gt, 0, g, 0, n);
        fx = lastF;
        iterations++;
        System.arraycopy(x, 0, w, 0, n);
        return fx;
    }

    /** d = −H·g by the two-loop recursion (N&amp;W Algorithm 7.4). */
    private void direction() {
        for (int i = 0; i < n; i++) d[i] = -g[i];
        int idx = head;
        for (int k = 0; k < count; k++) {              // newest to oldest
            idx = (idx - 1 + memory) % memory;
            double a = rho[idx] * dot(s[idx], d);
            alpha[idx] = a;
            double[] yi = y[idx];
            for (int i = 0; i < n; i++) d[i] -= a * yi[i];
        }
        if (count > 0) {                               // H0 = γI, γ = sᵀy/yᵀy (eq. 7.20)
            int last = (head - 1 + memory) % memory;
            double yy = dot(y[last], y[last]);
            double gamma = 1.0 / (rho[last] * yy);
            for (int i = 0; i < n; i++) d[i] *= gamma;
        }
        for (int k = 0; k < count; k++) {              // oldest to newest
            double b = rho[idx] * dot(y[idx], d);
            double a = alpha[idx];
            double[] si = s[idx];
            for (int i = 0; i < n; i++) d[i] += (a - b) * si[i];
            idx = (idx + 1) % memory;
        }
    }

    private double lastF, lastAlpha;

    /** φ(a) = E(x + a·d) into (xt, gt, lastF); returns φ'(a) = gtᵀd. */
    private double phi(Objective f, double a) {
        for (int i = 0; i < n; i++) xt[i] = (float) (x[i] + a * d[i]);
        lastF = f.valueAndGradient(xt, gt);
        lastAlpha = a;
        evals++;
        return dot(gt, d);
    }

    /** Strong Wolfe line search (N&amp;W Algorithm 3.5); on success (xt, gt, lastF) hold the accepted point. */
    private boolean lineSearch(Objective f, double dphi0, double a1) {
        double phi0 = fx;
        double aPrev = 0, phiPrev = phi0, dphiPrev = dphi0;
        double a = a1;
        int evalsLeft = MAX_LINE_EVALS;
        for (int i = 1; evalsLeft > 0; i++) {
            double dphi = phi(f, a);
            evalsLeft--;
            double ph = lastF;
            if (!Double.isFinite(ph)) {                       // overshoot into overflow: shrink
                a = aPrev + 0.1 * (a - aPrev);
                continue;
            }
            if (ph > phi0 + C1 * a * dphi0 || (i > 1 && ph >= phiPrev)) {
                return zoom(f, phi0, dphi0, aPrev, phiPrev, dphiPrev, a, ph, dphi, evalsLeft);
            }
            if (Math.abs(dphi) <= -C2 * dphi0) return true;    // strong Wolfe (3.7b)
            if (dphi >= 0) {
                return zoom(f, phi0, dphi0, a, ph, dphi, aPrev, phiPrev, dphiPrev, evalsLeft);
            }
            aPrev = a;
            phiPrev = ph;
            dphiPrev = dphi;
            a = 2 * a;
        }
        return false;
    }

    /** N&amp;W Algorithm 3.6: lo satisfies sufficient decrease with the lowest φ; [lo, hi] brackets a Wolfe point. */
    private boolean zoom(Objective f, double phi0, double dphi0, double lo, double phiLo, double dphiLo,
                         double hi, double phiHi, double dphiHi, int evalsLeft) {
        while (evalsLeft-- > 0) {
            double a = cubicMin(lo, phiLo, dphiLo, hi, phiHi, dphiHi);
            double lower = Math.min(lo, hi), upper = Math.max(lo, hi), width = upper - lower;
            if (!(a > lower + 0.1 * width && a < upper - 0.1 * width)) a = 0.5 * (lo + hi);   // safeguard: bisect
            double dphi = phi(f, a);
            double ph = lastF;
            if (ph > phi0 + C1 * a * dphi0 || ph >= phiLo) {
                hi = a;
                phiHi = ph;
                dphiHi = dphi;
            } else {
                if (Math.abs(dphi) <= -C2 * dphi0) return true;
                if (dphi * (hi - lo) >= 0) {
                    hi = lo;
                    phiHi = phiLo;
                    dphiHi = dphiLo;
                }
                lo = a;
                phiLo = ph;
                dphiLo = dphi;
            }
            if (Math.abs(hi - lo) < 1e-12 * Math.max(1, Math.abs(lo))) break;
        }
        // out of evaluations: accept the best sufficient-decrease point if it lowers E
        if (lo > 0 && phiLo < phi0) {
            if (lastAlpha != lo) phi(f, lo);
            return lastF < phi0;
        }
        return false;
    }

    /** Minimiser of the cubic interpolating φ and φ' at a and b (N&amp;W eq. 3.59); NaN if none. */
    static double cubicMin(double a, double fa, double da, double b, double fb, double db) {
        double d1 = da + db - 3 * (fa - fb) / (a - b);
        double disc = d1 * d1 - da * db;
        if (!(disc >= 0)) return Double.NaN;
        double d2 = Math.signum(b - a) * Math.sqrt(disc);
        return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
    }

    private static double dot(float[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double norm2(float[] a) {
        double s = 0;
        for (float v : a) s += (double) v * v;
        return Math.sqrt(s);
    }

    private static double infNorm(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** L-BFGS iterations completed. */
    public int iterations() { return iterations; }

    /**
     * The whole state (current point, its error and gradient, the stored pairs) for checkpoints:
     * {@code [n, m, E, count, head, iterations, evaluations, x…, g…, ρ…, s…, y…]}.
     */
    @Override
    public double[] exportState() {
        if (n < 0 || !have) return new double[0];
        double[] st = new double[7 + 2 * n + memory + 2 * memory * n];
        st[0] = n; st[1] = memory; st[2] = fx; st[3] = count; st[4] = head; st[5] = iterations; st[6] = evals;
        int o = 7;
        for (int i = 0; i < n; i++) st[o++] = x[i];
        for (int i = 0; i < n; i++) st[o++] = g[i];
        for (int k = 0; k < memory; k++) st[o++] = rho[k];
        for (int k = 0; k < memory; k++) { System.arraycopy(s[k], 0, st, o, n); o += n; }
        for (int k = 0; k < memory; k++) { System.arraycopy(y[k], 0, st, o, n); o += n; }
        return st;
    }

    @Override
    public void importState(double[] st) {
        if (st.length == 0) { reset(); return; }
        int dim = (int) st[0];
        if (st.length < 7 || st[1] != memory || st.length != 7 + 2L * dim + memory + 2L * memory * dim) {
            throw new IllegalArgumentException("not a state of " + describe() + " (" + st.length + " values)");
        }
        init(dim);
        fx = st[2]; count = (int) st[3]; head = (int) st[4]; iterations = (int) st[5]; evals = (long) st[6];
        int o = 7;
        for (int i = 0; i < n; i++) x[i] = (float) st[o++];
        for (int i = 0; i < n; i++) g[i] = (float) st[o++];
        for (int k = 0; k < memory; k++) rho[k] = st[o++];
        for (int k = 0; k < memory; k++) { System.arraycopy(st, o, s[k], 0, n); o += n; }
        for (int k = 0; k < memory; k++) { System.arraycopy(st, o, y[k], 0, n); o += n; }
        have = true;
    }

    @Override
    public void reset() {
        n = -1;
        have = false;
        stop = null;
        evals = 0;
        iterations = 0;
    }
}
