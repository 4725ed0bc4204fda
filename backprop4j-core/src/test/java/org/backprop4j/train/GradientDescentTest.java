package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Gradient descent (seed 004's standard back-prop, w ← w − η·∂E/∂w), classical momentum and
 * Nesterov momentum, step by step by hand. float32 weights: tolerances are a few ulps of values of
 * order 1 (1e-6).
 */
class GradientDescentTest {
    static final double TOL = 1e-6;

    @Test
    void plainStep() {
        float[] w = {1f, -2f};
        Sgd sgd = new Sgd(0.1);
        sgd.step(w, new float[] {0.5f, -1f});
        assertEquals(0.95, w[0], TOL);      // 1 − 0.1·0.5
        assertEquals(-1.9, w[1], TOL);      // −2 − 0.1·(−1)
        sgd.step(w, new float[] {0.5f, -1f});
        assertEquals(0.90, w[0], TOL);      // no memory: the same step again
        assertEquals(-1.8, w[1], TOL);
    }

    @Test
    void classicalMomentumAddsTheLastStep() {
        // Δw(t) = −η·g + α·Δw(t−1), η = 0.1, α = 0.9, g = 0.5 each time
        float[] w = {1f};
        Sgd sgd = new Sgd(0.1, 0.9, false);
        sgd.step(w, new float[] {0.5f});
        assertEquals(0.95, w[0], TOL);      // Δw(1) = −0.05
        sgd.step(w, new float[] {0.5f});
        assertEquals(0.855, w[0], TOL);     // Δw(2) = −0.05 + 0.9·(−0.05) = −0.095
        sgd.step(w, new float[] {0f});
        assertEquals(0.7695, w[0], TOL);    // Δw(3) = 0.9·(−0.095) = −0.0855: momentum moves on a flat gradient
    }

    @Test
    void nesterovLooksAhead() {
        // v ← α·v − η·g; w ← w + α·v − η·g, η = 0.1, α = 0.9, g = 0.5 each time
        float[] w = {1f};
        Sgd sgd = new Sgd(0.1, 0.9, true);
        sgd.step(w, new float[] {0.5f});
        assertEquals(0.905, w[0], TOL);     // v = −0.05; w = 1 + 0.9·(−0.05) − 0.05
        sgd.step(w, new float[] {0.5f});
        assertEquals(0.7695, w[0], TOL);    // v = −0.095; w = 0.905 + 0.9·(−0.095) − 0.05
    }

    /**
     * Sutskever et al. (2013), eqs. 3–4: v ← α·v − η·∇E(θ + α·v), θ ← θ + v. The stored form
     * (PyTorch's) keeps w = θ + α·v instead; on E = ½Σ a_i w_i² the two must give the same w
     * at every step.
     */
    @Test
    void nesterovEqualsSutskeversLookAheadForm() {
        double[] a = {1.0, 3.0, 0.2};
        double eta = 0.05, alpha = 0.9;
        double[] theta = {1.0, -0.5, 2.0}, v = new double[3];
        float[] w = {1f, -0.5f, 2f};
        Sgd sgd = new Sgd(eta, alpha, true);
        for (int step = 0; step < 30; step++) {
            float[] g = new float[3];
            for (int i = 0; i < 3; i++) g[i] = (float) (a[i] * w[i]);
            sgd.step(w, g);
            for (int i = 0; i < 3; i++) {
                double look = theta[i] + alpha * v[i];
                v[i] = alpha * v[i] - eta * a[i] * look;
                theta[i] += v[i];
                // float32 over 30 steps of a contracting map: errors stay a few ulps
                assertEquals(theta[i] + alpha * v[i], w[i], 1e-5, "step " + step + ", weight " + i);
            }
        }
    }
}
