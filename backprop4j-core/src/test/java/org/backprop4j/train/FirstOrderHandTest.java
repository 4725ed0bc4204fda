package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * First steps of each first-order rule, checked against values worked out by hand from the papers'
 * formulas (the expected numbers are written as the arithmetic of those formulas, not taken from
 * the implementation). Gradients are fed in directly, so each case is a tiny 1- or 2-parameter
 * problem. Tolerance: the rules compute in float32, so 1e-6 absolute on values of order 1
 * (a few float ulps) unless stated.
 */
class FirstOrderHandTest {
    private static final float TOL = 1e-6f;

    // ---- Rprop family: Δ0 = 0.1, η+ = 1.2, η− = 0.5; w = (0, 0); gradients g1, g2, g3 ----
    private static final float[] G1 = {1f, -2f}, G2 = {0.5f, 3f}, G3 = {0.2f, -1f};

    private static float[] rprop(Rprop.Variant v, double e1, double e2, double e3) {
        Rprop r = new Rprop(v);
        float[] w = {0f, 0f};
        r.step(w, G1.clone(), e1);
        r.step(w, G2.clone(), e2);
        r.step(w, G3.clone(), e3);
        return w;
    }

    @Test
    void rpropPlusBacktracksOnSignChange() {
        Rprop r = new Rprop(Rprop.Variant.RPROP_PLUS);
        float[] w = {0f, 0f};
        r.step(w, G1.clone());
        // t=1: no previous gradient → Δw = −sign(g)·Δ0
        assertArrayEquals(new float[] {-0.1f, 0.1f}, w, TOL);
        r.step(w, G2.clone());
        // t=2: w0 same sign → Δ = 1.2·0.1, step −0.12; w1 sign change → Δ = 0.05, revert +0.1 step
        assertArrayEquals(new float[] {-0.1f - 0.12f, 0.1f - 0.1f}, w, TOL);
        r.step(w, G3.clone());
        // t=3: w0 Δ = 0.144; w1 had g(t−1) := 0 → no adaptation, step −sign(−1)·0.05
        assertArrayEquals(new float[] {-0.1f - 0.12f - 0.144f, 0.05f}, w, TOL);
        assertArrayEquals(new float[] {0.144f, 0.05f}, r.stepSizes(), TOL);
    }

    @Test
    void rpropMinusStepsWithReducedDelta() {
        float[] w = rprop(Rprop.Variant.RPROP_MINUS, Double.NaN, Double.NaN, Double.NaN);
        // w1: t1 +0.1; t2 sign change → Δ = 0.05, step −sign(3)·0.05; t3 sign change again → Δ = 0.025, step +0.025
        assertArrayEquals(new float[] {-0.1f - 0.12f - 0.144f, 0.1f - 0.05f + 0.025f}, w, TOL);
    }

    @Test
    void iRpropMinusDoesNotMoveOnSignChange() {
        Rprop r = new Rprop(Rprop.Variant.IRPROP_MINUS);
        float[] w = {0f, 0f};
        r.step(w, G1.clone());
        r.step(w, G2.clone());
        // w1: sign change → Δ = 0.05, g := 0, no move (Igel & Hüsken Fig. 4)
        assertArrayEquals(new float[] {-0.22f, 0.1f}, w, TOL);
        r.step(w, G3.clone());
        // w1: stored g is 0 → Δ kept 0.05, step −sign(−1)·0.05
        assertArrayEquals(new float[] {-0.364f, 0.15f}, w, TOL);
    }

    @Test
    void iRpropPlusBacktracksOnlyWhenErrorRose() {
        // error went up at t=2 (E2 > E1): w1 reverts to 0, like Rprop+
        assertArrayEquals(new float[] {-0.364f, 0.05f}, rprop(Rprop.Variant.IRPROP_PLUS, 1.0, 2.0, 1.5), TOL);
        // error went down at t=2: w1 stays at 0.1, then steps +0.05
        assertArrayEquals(new float[] {-0.364f, 0.15f}, rprop(Rprop.Variant.IRPROP_PLUS, 1.0, 0.5, 0.4), TOL);
    }

    @Test
    void rpropClampsStepSizes() {
        Rprop r = new Rprop(Rprop.Variant.IRPROP_MINUS, 2.0, 0.1, 1.0, 0.05, 3.0);
        float[] w = {0f};
        r.step(w, new float[] {1f});      // Δ = 1, w = −1
        r.step(w, new float[] {1f});      // Δ = min(2, 3) = 2, w = −3
        r.step(w, new float[] {1f});      // Δ = min(4, 3) = 3, w = −6
        assertEquals(-6f, w[0], TOL);
        r.step(w, new float[] {-1f});     // Δ = max(0.3, 0.05) = 0.3, no move
        r.step(w, new float[] {-1f});     // stored 0: Δ 0.3, w += 0.3
        r.step(w, new float[] {1f});      // Δ = max(0.03, 0.05) = 0.05, no move
        assertEquals(-5.7f, w[0], TOL);
        assertEquals(0.05f, r.stepSizes()[0], TOL);
    }

    @Test
    void iRpropPlusRequiresTheError() {
        assertThrows(IllegalStateException.class, () -> new Rprop(Rprop.Variant.IRPROP_PLUS).step(new float[1], new float[1]));
    }

    // ---- Quickprop on E(w) = ½·a·(w − c)², a = 2, c = 1, ε = 0.1, μ = 1.75 ----

    @Test
    void quickpropFirstStepsOnAParabola() {
        double a = 2, c = 1;
        Quickprop q = new Quickprop(0.1, 1.75, 0);
        float[] w = {0f};
        q.step(w, new float[] {(float) (a * (w[0] - c))});
        // previous step zero → gradient descent: −0.1·(−2)
        assertEquals(0.2, w[0], TOL);
        q.step(w, new float[] {(float) (a * (w[0] - c))});
        // S = −1.6, S(t−1) = −2: parabola step 0.2·(−1.6)/(−2+1.6) = 0.8 > μ·0.2, so μ·0.2 = 0.35,
        // plus −ε·S = 0.16 (still downhill)
        assertEquals(0.2 + 0.35 + 0.16, w[0], TOL);
        q.step(w, new float[] {(float) (a * (w[0] - c))});
        // S = −0.58, S(t−1) = −1.6, Δw(t−1) = 0.51: parabola step 0.51·(−0.58)/(−1.6+0.58), plus 0.058
        assertEquals(0.71 + 0.51 * -0.58 / (-1.6 + 0.58) + 0.058, w[0], 1e-5);
    }

    @Test
    void quickpropAddsItsDecayToTheSlope() {
        Quickprop q = new Quickprop(0.5, 1.75, 0.1);
        float[] w = {2f};
        q.step(w, new float[] {0f});
        // slope S = 0 + 0.1·2 = 0.2, previous step zero → Δw = −0.5·0.2
        assertEquals(2 - 0.1, w[0], TOL);
    }

    @Test
    void quickpropFallsBackToGradientDescentAfterAZeroStep() {
        Quickprop q = new Quickprop(0.25, 1.75, 0);
        float[] w = {1f, 1f};
        q.step(w, new float[] {0f, 1f});      // weight 0 does not move (zero slope), weight 1 steps −0.25
        q.step(w, new float[] {2f, 0.5f});    // weight 0: previous step 0 → −0.25·2 (no parabola from a zero step)
        assertEquals(1 - 0.5, w[0], TOL);
        // weight 1: Δw(t−1) = −0.25 and S went 1 → 0.5: parabola −0.25·0.5/(1 − 0.5) = −0.25, plus −0.25·0.5
        assertEquals(1 - 0.25 - 0.25 - 0.125, w[1], TOL);
    }

    @Test
    void quickpropJumpsToTheMinimumWhenNotLimited() {
        // a = 2, c = 1, from w = 0.9 with ε small: GD step 0.02 → w = 0.92; then the secant lands at c
        Quickprop q = new Quickprop(0.1, 100, 0);
        float[] w = {0.9f};
        q.step(w, new float[] {2f * (w[0] - 1f)});
        assertEquals(0.92, w[0], TOL);
        q.step(w, new float[] {2f * (w[0] - 1f)});
        // parabola step 0.02·(−0.16)/(−0.2+0.16) = 0.08 to w = 1, plus the gradient term 0.1·0.16
        assertEquals(1.0 + 0.016, w[0], TOL);
    }

    // ---- gradient descent, classical and Nesterov momentum: η = 0.1, α = 0.9, fed g = 0.5, −0.2, 0.3 ----

    private static final float[] SGD_G = {0.5f, -0.2f, 0.3f};

    private static float[] sgdIterates(Sgd opt) {
        float[] w = {1f};
        float[] seen = new float[SGD_G.length];
        for (int t = 0; t < SGD_G.length; t++) {
            opt.step(w, new float[] {SGD_G[t]});
            seen[t] = w[0];
        }
        return seen;
    }

    @Test
    void plainGradientDescentSteps() {
        // seed 004, Step 2: w ← w − η·∂E/∂w
        assertArrayEquals(new float[] {1 - 0.05f, 1 - 0.05f + 0.02f, 1 - 0.05f + 0.02f - 0.03f}, sgdIterates(new Sgd(0.1)), TOL);
    }

    @Test
    void classicalMomentumFirstSteps() {
        // Rumelhart, Hinton & Williams 1986 eq. 16: Δw(t) = −η·g(t) + α·Δw(t−1), Δw(0) = 0
        double d1 = -0.1 * 0.5;                 // −0.05
        double d2 = -0.1 * -0.2 + 0.9 * d1;     // 0.02 − 0.045 = −0.025
        double d3 = -0.1 * 0.3 + 0.9 * d2;      // −0.03 − 0.0225 = −0.0525
        assertArrayEquals(new float[] {(float) (1 + d1), (float) (1 + d1 + d2), (float) (1 + d1 + d2 + d3)},
                sgdIterates(new Sgd(0.1, 0.9, false)), TOL);
    }

    @Test
    void nesterovMomentumFirstSteps() {
        // Sutskever et al. 2013 in the form PyTorch documents (a different algebra from the class's
        // v ← αv − ηg, w ← w + αv − ηg): b(t) = α·b(t−1) + g(t), w ← w − η·(g(t) + α·b(t)), b(0) = 0
        double b1 = 0.5, w1 = 1 - 0.1 * (0.5 + 0.9 * b1);             // 1 − 0.1·0.95 = 0.905
        double b2 = 0.9 * b1 - 0.2, w2 = w1 - 0.1 * (-0.2 + 0.9 * b2); // b = 0.25, w = 0.905 − 0.0025
        double b3 = 0.9 * b2 + 0.3, w3 = w2 - 0.1 * (0.3 + 0.9 * b3);  // b = 0.525, w = 0.9025 − 0.07725
        assertArrayEquals(new float[] {(float) w1, (float) w2, (float) w3}, sgdIterates(new Sgd(0.1, 0.9, true)), TOL);
    }

    // ---- Adam / AdamW / RMSprop / AdaGrad on a fed gradient sequence g = 0.5, −0.2 ----

    @Test
    void adamFirstTwoSteps() {
        double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        Adam opt = new Adam(lr, b1, b2, eps, 0);
        float[] w = {1f};
        opt.step(w, new float[] {0.5f});
        // m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25: Δw = −0.1·0.5/(0.5 + 1e-8)
        double w1 = 1 - lr * 0.5 / (0.5 + eps);
        assertEquals(w1, w[0], TOL);
        opt.step(w, new float[] {-0.2f});
        double m = 0.9 * 0.05 + 0.1 * -0.2, v = 0.999 * 0.00025 + 0.001 * 0.04;
        double mHat = m / (1 - 0.81), vHat = v / (1 - 0.998001);
        assertEquals(w1 - lr * mHat / (Math.sqrt(vHat) + eps), w[0], TOL);
    }

    @Test
    void adamWDecaysTheWeightsDecoupled() {
        double lr = 0.1, lambda = 0.5;
        Adam opt = Adam.adamW(lr, lambda);
        float[] w = {2f};
        opt.step(w, new float[] {0.5f});
        // L&H Alg. 2: w ← w − lr·(m̂/(√v̂+ε) + λ·w) = 2 − 0.1·(1 + 0.5·2)
        assertEquals(2 - lr * (0.5 / (0.5 + 1e-8) + lambda * 2), w[0], TOL);
    }

    @Test
    void rmspropFirstTwoSteps() {
        RmsProp opt = new RmsProp(0.01, 0.9, 1e-8);
        float[] w = {0f};
        opt.step(w, new float[] {0.5f});
        double v1 = 0.1 * 0.25;
        double w1 = -0.01 * 0.5 / (Math.sqrt(v1) + 1e-8);
        assertEquals(w1, w[0], TOL);
        opt.step(w, new float[] {-0.2f});
        double v2 = 0.9 * v1 + 0.1 * 0.04;
        assertEquals(w1 + 0.01 * 0.2 / (Math.sqrt(v2) + 1e-8), w[0], TOL);
    }

    @Test
    void adagradFirstTwoSteps() {
        AdaGrad opt = new AdaGrad(0.1, 1e-10);
        float[] w = {0f};
        opt.step(w, new float[] {0.5f});
        assertEquals(-0.1, w[0], TOL);                        // −0.1·0.5/√0.25
        opt.step(w, new float[] {-0.2f});
        assertEquals(-0.1 + 0.1 * 0.2 / Math.sqrt(0.29), w[0], TOL);   // G = 0.25 + 0.04
    }

    // ---- schedules and clipping ----

    @Test
    void schedulesFollowTheirFormulas() {
        assertEquals(0.1 * 0.5 * 0.5, Schedule.step(10, 0.5).rate(0.1, 25), 1e-15);
        assertEquals(0.1 * Math.pow(0.9, 3), Schedule.exponential(0.9).rate(0.1, 3), 1e-15);
        assertEquals(0.1 / (1 + 0.5 * 4), Schedule.inverseTime(0.5).rate(0.1, 4), 1e-15);
        Schedule cos = Schedule.cosine(10, 0.01);
        assertEquals(0.1, cos.rate(0.1, 0), 1e-15);
        assertEquals(0.01 + 0.5 * 0.09, cos.rate(0.1, 5), 1e-15);     // cos(π/2) = 0
        assertEquals(0.01, cos.rate(0.1, 10), 1e-15);
        assertEquals(0.01, cos.rate(0.1, 50), 1e-15);                 // stays at the minimum
        assertEquals(Schedule.step(3, 0.25).rate(1, 7), Schedule.parse("step:3:0.25").rate(1, 7));
        assertThrows(IllegalArgumentException.class, () -> Schedule.parse("warp:9"));
    }

    @Test
    void scheduledSgdUsesTheEpochsRate() {
        Optimizer o = new Scheduled(new Sgd(0.1), Schedule.step(1, 0.5));
        float[] w = {0f};
        o.startEpoch(0);
        o.step(w, new float[] {1f});       // −0.1
        o.startEpoch(1);
        o.step(w, new float[] {1f});       // −0.05
        o.startEpoch(2);
        o.step(w, new float[] {1f});       // −0.025
        assertEquals(-0.175, w[0], TOL);
        assertThrows(IllegalArgumentException.class, () -> new Scheduled(new Rprop(Rprop.Variant.IRPROP_MINUS), Schedule.exponential(0.9)));
    }

    @Test
    void clippingScalesToTheNorm() {
        float[] g = {3f, 4f};
        assertEquals(5.0, ClipNorm.clip(g, 1.0), 1e-12);
        assertArrayEquals(new float[] {0.6f, 0.8f}, g, TOL);
        float[] small = {0.3f, 0.4f};
        ClipNorm.clip(small, 1.0);
        assertArrayEquals(new float[] {0.3f, 0.4f}, small, 0f);     // untouched below the threshold
        float[] w = {0f, 0f};
        new ClipNorm(new Sgd(1.0), 2.5).step(w, new float[] {3f, 4f});
        assertArrayEquals(new float[] {-1.5f, -2f}, w, TOL);
    }

    @Test
    void everyRuleRejectsNonsenseSettings() {
        assertThrows(IllegalArgumentException.class, () -> new Rprop(Rprop.Variant.RPROP_PLUS, 0.9, 0.5, 0.1, 1e-6, 50));
        assertThrows(IllegalArgumentException.class, () -> new Rprop(Rprop.Variant.RPROP_PLUS, 1.2, 0.5, 0.1, 60, 50));
        assertThrows(IllegalArgumentException.class, () -> new Quickprop(0.1, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 1.0, 0.999, 1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> new RmsProp(-1));
        assertThrows(IllegalArgumentException.class, () -> new AdaGrad(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ClipNorm(new Sgd(0.1), 0));
    }

    @Test
    void stateRoundTripsAndContinuesBitIdentically() {
        for (String spec : new String[] {"sgd:momentum=0.9", "quickprop", "rprop+", "rprop-", "irprop+", "irprop-", "adam", "adamw", "rmsprop", "adagrad"}) {
            Optimizer a = Optimizers.create(spec);
            float[] w = {0.3f, -0.2f, 0.1f};
            for (int t = 0; t < 4; t++) a.step(w, grad(w, t), err(w));
            double[] state = a.exportState();
            Optimizer b = Optimizers.create(spec);
            b.importState(state);
            float[] wa = w.clone(), wb = w.clone();
            for (int t = 4; t < 8; t++) {
                a.step(wa, grad(wa, t), err(wa));
                b.step(wb, grad(wb, t), err(wb));
            }
            assertArrayEquals(wa, wb, 0f, spec);
            assertTrue(state.length > 0, spec);
            assertThrows(IllegalArgumentException.class, () -> Optimizers.create(spec).importState(new double[] {1, 2}), spec);
        }
    }

    /** A made-up non-convex gradient field (only its determinism matters here). */
    private static float[] grad(float[] w, int t) {
        float[] g = new float[w.length];
        for (int i = 0; i < w.length; i++) g[i] = (float) (Math.sin(3 * w[i] + t) + 0.5 * w[i]);
        return g;
    }

    private static double err(float[] w) {
        double s = 0;
        for (float x : w) s += x * x;
        return s;
    }
}
