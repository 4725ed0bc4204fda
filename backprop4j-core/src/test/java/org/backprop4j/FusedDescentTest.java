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
        Rng r = new Rng(4);
        float[] x = new float[m * 12], d = new float[m * 4];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-1, 1);
        for (int p = 0; p < m; p++) d[p * 4 + r.nextInt(4)] = 1;
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
}
