package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.junit.jupiter.api.Test;

/**
 * L-BFGS, scaled conjugate gradient and Levenberg–Marquardt: first iterations worked out by hand on
 * 1-D quadratics (where each method's formulas give closed forms), convergence on Rosenbrock's
 * function, and the network objective's gradient and Jacobian checked against the fast engine and
 * finite differences.
 */
class SecondOrderTest {

    /** E(w) = ½·a·(w − c)² in one dimension. */
    private static Objective parabola(double a, double c) {
        return new Objective() {
            public int dimension() { return 1; }
            public double valueAndGradient(float[] w, float[] g) {
                g[0] = (float) (a * (w[0] - c));
                return value(w);
            }
            public double value(float[] w) { return 0.5 * a * (w[0] - c) * (w[0] - c); }
        };
    }

    /** Rosenbrock's function (1 − x)² + 100(y − x²)², minimum 0 at (1, 1). */
    private static final Objective ROSENBROCK = new Objective() {
        public int dimension() { return 2; }
        public double valueAndGradient(float[] w, float[] g) {
            double x = w[0], y = w[1];
            g[0] = (float) (-2 * (1 - x) - 400 * x * (y - x * x));
            g[1] = (float) (200 * (y - x * x));
            return value(w);
        }
        public double value(float[] w) {
            double x = w[0], y = w[1];
            return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
        }
    };

    @Test
    void lbfgsFirstIterationsOnAParabola() {
        // a = 2, c = 3, w0 = 0: g0 = −6, d = 6, first trial α = 1/‖g0‖ = 1/6 → w = 1.
        // Wolfe: E(1) = 4 ≤ 9 − 1e-4·(1/6)·36, |φ'| = |−4·6| = 24 ≤ 0.9·36 → accepted.
        Lbfgs opt = new Lbfgs();
        Objective f = parabola(2, 3);
        float[] w = {0f};
        assertEquals(4.0, opt.iterate(f, w), 1e-12);
        assertEquals(1f, w[0], 0f);
        // s = 1, y = g1 − g0 = −4 + 6 = 2, γ = sᵀy/yᵀy = 1/2 = 1/a: the Newton step, α = 1 → w = 3
        assertEquals(0.0, opt.iterate(f, w), 1e-12);
        assertEquals(3f, w[0], 0f);
        opt.iterate(f, w);
        assertNotNull(opt.stopReason());           // gradient 0: converged
    }

    @Test
    void lbfgsSolvesRosenbrock() {
        Lbfgs opt = new Lbfgs();
        float[] w = {-1.2f, 1f};
        int it = 0;
        while (opt.stopReason() == null && it < 200) {
            opt.iterate(ROSENBROCK, w);
            it++;
        }
        // float32 iterates: the minimum (1, 1) to about √(float ε)·10
        assertEquals(1.0, w[0], 2e-3);
        assertEquals(1.0, w[1], 4e-3);
        assertTrue(it < 100, "iterations: " + it);   // Nocedal & Wright report ~35 for BFGS from (−1.2, 1)
    }

    @Test
    void cubicInterpolationIsExactOnACubic() {
        // φ(a) = (a − 1)² (a + 2)... use φ = a³/3 − a with minimum at 1: φ(0)=0, φ'(0)=−1, φ(2)=2/3, φ'(2)=3
        assertEquals(1.0, Lbfgs.cubicMin(0, 0, -1, 2, 2.0 / 3, 3), 1e-12);
    }

    @Test
    void scgFirstIterationOnAParabola() {
        // Møller's steps on E = ½·2·(w − 3)², w1 = 0, σ = 2^-7, λ1 = 5e-7:
        // p = r = 6, s = (E'(w+σ/6·6) − E'(w))/(σ/6) = 2·6 (exact: a quadratic), δ = pᵀs = 72,
        // δ += λ·p² → 72 + 36λ, μ = pᵀr = 36, α = μ/δ = 1/(2 + λ), w2 = 6/(2 + λ).
        double lambda1 = 5e-7;
        ScaledConjugateGradient opt = new ScaledConjugateGradient(0x1p-7, lambda1, 1e-6);
        float[] w = {0f};
        opt.iterate(parabola(2, 3), w);
        assertEquals(6 / (2 + lambda1), w[0], 1e-6);
        // Δ = 2δ(E(w1) − E(w2))/μ² ≈ 2·72·9/36² = 1 ≥ 0.75 → λ ← λ/4 (and not < 0.25, so no increase)
        assertEquals(lambda1 / 4, opt.lambda(), 1e-12);
    }

    @Test
    void scgSolvesRosenbrock() {
        ScaledConjugateGradient opt = new ScaledConjugateGradient();
        float[] w = {-1.2f, 1f};
        double e = Double.NaN;
        for (int it = 0; it < 2000 && opt.stopReason() == null; it++) e = opt.iterate(ROSENBROCK, w);
        // float32 finite differences limit the accuracy; E started at 24.2
        assertTrue(e < 1e-4, "E = " + e);
        assertEquals(1.0, w[0], 2e-2);
    }

    /** r_i = a_i·w − b_i with a = (1, 2), b = (1, 4): E = ½Σr², AᵀA = 5, Aᵀb = 9, minimum w = 9/5. */
    private static LeastSquaresObjective line() {
        double[] a = {1, 2}, b = {1, 4};
        return new LeastSquaresObjective() {
            public int residualCount() { return 2; }
            public double residualScale() { return 1; }
            public double regularization(int i) { return 0; }
            public double residuals(float[] w, double[] r) { return residualsAndJacobian(w, r, null); }
            public double residualsAndJacobian(float[] w, double[] r, double[] j) {
                double e = 0;
                for (int i = 0; i < 2; i++) {
                    r[i] = a[i] * w[0] - b[i];
                    if (j != null) j[i] = a[i];
                    e += 0.5 * r[i] * r[i];
                }
                return e;
            }
            public int dimension() { return 1; }
            public double valueAndGradient(float[] w, float[] g) { throw new UnsupportedOperationException(); }
            public double value(float[] w) { return residuals(w, new double[2]); }
        };
    }

    @Test
    void levenbergMarquardtFirstStepsOnALinearProblem() {
        // Hagan & Menhaj eq. 12: Δw = −(JᵀJ + μI)⁻¹Jᵀr. From w = 0: Jᵀr = −9, so w1 = 9/(5 + 0.001);
        // E went down → μ ← 0.1·μ; then w2 = w1 − (5·w1 − 9)/(5 + 1e-4).
        LevenbergMarquardt lm = new LevenbergMarquardt();
        float[] w = {0f};
        lm.iterate(line(), w);
        double w1 = 9 / 5.001;
        assertEquals(w1, w[0], 1e-6);
        assertEquals(1e-4, lm.mu(), 1e-18);
        lm.iterate(line(), w);
        assertEquals(w1 - (5 * w1 - 9) / (5 + 1e-4), w[0], 1e-6);
        assertEquals(1e-5, lm.mu(), 1e-18);
    }

    @Test
    void levenbergMarquardtRaisesMuWhenTheStepFails() {
        // A Gauss–Newton model that overshoots: r = w² − 1 from w = 0.1 with μ tiny jumps to w ≈ 5 (E grows),
        // so μ must grow ×10 until the step is small enough to decrease E.
        LeastSquaresObjective f = new LeastSquaresObjective() {
            public int residualCount() { return 1; }
            public double residualScale() { return 1; }
            public double regularization(int i) { return 0; }
            public double residuals(float[] w, double[] r) { return residualsAndJacobian(w, r, null); }
            public double residualsAndJacobian(float[] w, double[] r, double[] j) {
                r[0] = (double) w[0] * w[0] - 1;
                if (j != null) j[0] = 2.0 * w[0];
                return 0.5 * r[0] * r[0];
            }
            public int dimension() { return 1; }
            public double valueAndGradient(float[] w, float[] g) { throw new UnsupportedOperationException(); }
            public double value(float[] w) { return residuals(w, new double[1]); }
        };
        LevenbergMarquardt lm = new LevenbergMarquardt(1e-6, 0.1, 10, 1e10, 0);
        float[] w = {0.1f};
        double e0 = 0.5 * 0.99 * 0.99;
        double e = lm.iterate(f, w);
        assertTrue(e < e0, "E must decrease: " + e);
        // the accepted μ (before the ×0.1) is the first of 1e-6·10^k for which E decreased; check by hand:
        double mu = 1e-6;
        while (true) {
            double step = -(2 * 0.1 * (0.01 - 1)) / (0.04 + mu);      // −Jᵀr/(JᵀJ + μ)
            double wt = (float) (0.1 + step);
            if (0.5 * (wt * wt - 1) * (wt * wt - 1) < 0.5 * (0.1f * 0.1f - 1) * (0.1f * 0.1f - 1)) break;
            mu *= 10;
        }
        assertEquals(mu * 0.1, lm.mu(), mu * 1e-9);
        assertTrue(mu > 1e-6, "the test must exercise at least one rejected step");
    }

    // ---- the network objective ----

    private static DataSet randomData(int m, int in, int out, long seed) {
        Rng r = new Rng(seed);
        float[] x = new float[m * in], d = new float[m * out];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-1, 1);
        for (int i = 0; i < d.length; i++) d[i] = (float) r.uniform(0, 1);
        return new DataSet(x, d, in, out);
    }

    @Test
    void objectiveMatchesTheEngineAndJacobianMatchesFiniteDifferences() {
        Network net = Network.builder(3).layer(4, Activation.TANH).layer(2, Activation.LOGISTIC).build(Init.xavier(), 7);
        DataSet ds = randomData(5, 3, 2, 11);
        double lambda = 0.01;
        NetworkObjective f = new NetworkObjective(net, Loss.SSE, ds, lambda, false);
        float[] w = net.params().clone();
        float[] g = new float[w.length];
        double e = f.valueAndGradient(w, g);
        // the engine's own gradient and error at the same weights
        Network copy = net.copy();
        float[] g2 = new float[w.length];
        double sumE = new Backprop(copy, Loss.SSE).gradient(ds.x(), ds.d(), 0, 5, g2, lambda, false);
        assertEquals(sumE + Backprop.decayPenalty(copy, lambda, false), e, 1e-9 * Math.max(1, e));
        assertEquals(java.util.Arrays.toString(g2), java.util.Arrays.toString(g));

        // Jacobian (double) against central differences of the double residuals, and s·Jᵀr + λw = ∂E/∂w
        int R = f.residualCount(), n = f.dimension();
        double[] r = new double[R], J = new double[R * n];
        double eLs = f.residualsAndJacobian(w, r, J);
        assertEquals(e, eLs, 1e-5 * e);              // float engine vs double path
        double h = 1e-3;
        for (int i = 0; i < n; i++) {
            float[] wp = w.clone(), wm = w.clone();
            wp[i] += (float) h;
            wm[i] -= (float) h;
            double hh = (double) wp[i] - wm[i];
            double[] rp = new double[R], rm = new double[R];
            f.residuals(wp, rp);
            f.residuals(wm, rm);
            double gi = 0;
            for (int a = 0; a < R; a++) {
                // central difference error O(h²) ≈ 1e-6 relative for these smooth units
                assertEquals((rp[a] - rm[a]) / hh, J[a * n + i], 1e-5, "J[" + a + "," + i + "]");
                gi += J[a * n + i] * r[a];
            }
            gi += f.regularization(i) * w[i];
            // float32 engine gradient vs double Jᵀr: relative 1e-5
            assertEquals(g[i], gi, 1e-5 * Math.max(1, Math.abs(gi)), "gradient " + i);
        }
        assertEquals(lambda, f.regularization(0));
        assertEquals(0.0, f.regularization(net.biasOffset(1)));
    }

    @Test
    void softmaxJacobianMatchesFiniteDifferences() {
        Network net = Network.builder(2).layer(3, Activation.LOGISTIC).layer(3, Activation.SOFTMAX).build(Init.xavier(), 3);
        DataSet ds = randomData(2, 2, 3, 5);
        NetworkObjective f = new NetworkObjective(net, Loss.MSE, ds, 0, false);
        float[] w = net.params().clone();
        int R = f.residualCount(), n = f.dimension();
        double[] r = new double[R], J = new double[R * n];
        f.residualsAndJacobian(w, r, J);
        for (int i = 0; i < n; i++) {
            float[] wp = w.clone(), wm = w.clone();
            wp[i] += 1e-3f;
            wm[i] -= 1e-3f;
            double[] rp = new double[R], rm = new double[R];
            f.residuals(wp, rp);
            f.residuals(wm, rm);
            for (int a = 0; a < R; a++) {
                assertEquals((rp[a] - rm[a]) / ((double) wp[i] - wm[i]), J[a * n + i], 1e-5);
            }
        }
        assertEquals(0.5, f.residualScale());        // MSE: 1/m with m = 2
    }

    @Test
    void levenbergMarquardtRejectsNonSquaredLosses() {
        Network net = Network.builder(2).layer(1, Activation.LOGISTIC).build(Init.xavier(), 1);
        NetworkObjective f = new NetworkObjective(net, Loss.BINARY_CROSS_ENTROPY, randomData(3, 2, 1, 1), 0, false);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new LevenbergMarquardt().iterate(f, net.params()));
        assertTrue(ex.getMessage().contains("sum-of-squares loss"), ex.getMessage());
        assertTrue(ex.getMessage().contains("bce"), ex.getMessage());
    }

    @Test
    void fullBatchStateRoundTripsAndContinuesBitIdentically() {
        Network net = Network.builder(3).layer(4, Activation.TANH).layer(2, Activation.LOGISTIC).build(Init.xavier(), 7);
        DataSet ds = randomData(12, 3, 2, 11);
        for (String spec : new String[] {"lbfgs:m=3", "scg", "lm"}) {
            NetworkObjective f = new NetworkObjective(net.copy(), Loss.SSE, ds, 0.001, false);
            FullBatchOptimizer a = (FullBatchOptimizer) Optimizers.create(spec);
            float[] w = net.params().clone();
            for (int i = 0; i < 6; i++) a.iterate(f, w);
            FullBatchOptimizer b = (FullBatchOptimizer) Optimizers.create(spec);
            b.importState(a.exportState());
            float[] wa = w.clone(), wb = w.clone();
            for (int i = 0; i < 6; i++) {
                a.iterate(f, wa);
                b.iterate(f, wb);
            }
            assertEquals(java.util.Arrays.toString(wa), java.util.Arrays.toString(wb), spec);
        }
    }

    @Test
    void fullBatchMethodsRefuseSingleSteps() {
        assertThrows(UnsupportedOperationException.class, () -> new Lbfgs().step(new float[1], new float[1]));
        assertNull(new Lbfgs().stopReason());
    }
}
