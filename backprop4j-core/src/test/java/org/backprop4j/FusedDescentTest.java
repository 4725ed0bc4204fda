package org.backprop4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.backprop4j.kernel.ScalarKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fused descent step equals gradient() followed by w −= η·g (with and without decay). */
class FusedDescentTest {

    @ParameterizedTest
    @CsvSource({"1, 0", "7, 0", "7, 0.01", "64, 0.001"})
    void fusedStepEqualsGradientThenUpdate(int m, float lambda) {
        Network a = Network.builder(12).layer(9, Activation.TANH).layer(6, Activation.LOGISTIC).layer(4, Activation.SOFTMAX)
                .build(Init.xavier(), 3);
        Network b = a.copy();
        float[] x = inputs(m, 12, 4), d = oneHot(m, 4, 4);
        float eta = 0.3f;
        Backprop ea = new Backprop(a, Loss.CROSS_ENTROPY, new ScalarKernels());
        Backprop eb = new Backprop(b, Loss.CROSS_ENTROPY, new ScalarKernels());
        for (int step = 0; step < 5; step++) {
            float[] g = new float[a.paramCount()];
            double ea1 = ea.gradient(x, d, 0, m, g, lambda, false);
            float[] w = a.params();
            for (int i = 0; i < w.length; i++) w[i] -= eta * g[i];
            double eb1 = eb.descend(x, d, 0, m, eta, lambda, false);
            assertEquals(ea1, eb1, 1e-6 * (1 + Math.abs(ea1)), "error before step " + step);
            // float32 rounding differs only in the order of a few products: a few ulps of each weight
            for (int i = 0; i < w.length; i++) assertEquals(w[i], b.params()[i], 2e-6 * (1 + Math.abs(w[i])), "parameter " + i);
        }
    }

    /**
     * Classical momentum fused into the backward pass equals gradient() followed by Sgd.step over
     * several steps (the velocity carries from step to step), with and without decay and bias decay,
     * on the scalar kernels and on two-thread parallel kernels whose products are split into blocks.
     */
    @ParameterizedTest
    @CsvSource({"1, 0, false, 1", "7, 0, false, 1", "7, 0.01, false, 1", "64, 0.001, true, 1", "64, 0.001, false, 2", "200, 0, false, 2"})
    void fusedMomentumEqualsGradientThenSgdStep(int m, float lambda, boolean decayBiases, int threads) {
        Network a = Network.builder(80).layer(70, Activation.RELU).layer(9, Activation.TANH).layer(4, Activation.SOFTMAX)
                .build(Init.xavier(), 5);
        Network b = a.copy();
        float[] x = inputs(m, 80, 6), d = oneHot(m, 4, 7);
        float eta = 0.2f, mu = 0.9f;
        org.backprop4j.train.Sgd sgd = new org.backprop4j.train.Sgd(eta, mu, false);
        org.backprop4j.train.Sgd fusedSgd = new org.backprop4j.train.Sgd(eta, mu, false);
        try (org.backprop4j.kernel.ParallelKernels pk = new org.backprop4j.kernel.ParallelKernels(new ScalarKernels(), threads)) {
            Backprop ea = new Backprop(a, Loss.CROSS_ENTROPY, new ScalarKernels());
            Backprop eb = new Backprop(b, Loss.CROSS_ENTROPY, pk);
            float[] g = new float[a.paramCount()];
            for (int step = 0; step < 6; step++) {
                double ea1 = ea.gradient(x, d, 0, m, g, lambda, decayBiases);
                sgd.step(a.params(), g);
                double eb1 = eb.descend(x, d, 0, m, eta, mu, fusedSgd.velocityFor(b.paramCount()), lambda, decayBiases);
                assertEquals(ea1, eb1, 1e-5 * (1 + Math.abs(ea1)), "error before step " + step);
                float[] wa = a.params(), wb = b.params();
                // float32: the velocity's products are rounded in another order (α·v − η·g vs one
                // fused product with β = α); the differences are a few ulps per step and compound
                // over 6 steps of a contracting recursion: 1e-5 relative is ~100 ulps
                for (int i = 0; i < wa.length; i++) assertEquals(wa[i], wb[i], 1e-5 * (1 + Math.abs(wa[i])), "parameter " + i + " after step " + step);
                float[] va = sgd.velocity(), vb = fusedSgd.velocity();
                for (int i = 0; i < va.length; i++) assertEquals(va[i], vb[i], 1e-5 * (1e-3 + Math.abs(va[i])) + 1e-7, "velocity " + i);
            }
        }
    }

    /** m patterns of n inputs uniform in [−1, 1). */
    static float[] inputs(int m, int n, long seed) {
        Rng r = new Rng(seed);
        float[] x = new float[m * n];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-1, 1);
        return x;
    }

    /** m one-hot targets over k classes. */
    static float[] oneHot(int m, int k, long seed) {
        Rng r = new Rng(seed);
        float[] d = new float[m * k];
        for (int p = 0; p < m; p++) d[p * k + r.nextInt(k)] = 1;
        return d;
    }
}
