package org.backprop4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import org.backprop4j.data.BuiltinData;
import org.backprop4j.data.DataSet;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.ScalarKernels;
import org.backprop4j.reference.ReferenceNetwork;
import org.backprop4j.train.Sgd;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.junit.jupiter.api.Test;

/**
 * L2 weight decay λ/2‖W‖² (seed 002's J): it adds λ·w to the gradient of every weight and, only
 * when asked, λ·b to the gradient of every bias. Biases are excluded by default.
 */
class WeightDecayTest {
    static final double LAMBDA = 0.1;

    static Network net() {
        // biases drawn too (uniform init), so a decay term on them would show
        return Network.builder(4).layer(5, Activation.TANH).layer(3, Activation.LOGISTIC).layer(2, Activation.SOFTMAX)
                .build(Init.uniform(0.7), 5);
    }

    static float[] x(int m) {
        Rng r = new Rng(9);
        float[] x = new float[m * 4];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-1, 1);
        return x;
    }

    static float[] d(int m) {
        float[] d = new float[m * 2];
        for (int p = 0; p < m; p++) d[p * 2 + p % 2] = 1;
        return d;
    }

    @Test
    void biasesAreExcludedUnlessAsked() {
        assertFalse(TrainingConfig.builder().build().decayBiases(), "default: biases not decayed");
        Network net = net();
        int m = 6;
        for (var kernels : new org.backprop4j.kernel.Kernels[] {new ScalarKernels(), KernelProvider.get()}) {
            Backprop e = new Backprop(net, Loss.CROSS_ENTROPY, kernels);
            float[] g0 = new float[net.paramCount()], gw = new float[net.paramCount()], gb = new float[net.paramCount()];
            e.gradient(x(m), d(m), 0, m, g0, 0, false);
            e.gradient(x(m), d(m), 0, m, gw, LAMBDA, false);
            e.gradient(x(m), d(m), 0, m, gb, LAMBDA, true);
            float[] p = net.params();
            for (int i = 0; i < p.length; i++) {
                if (net.isBias(i)) {
                    // the data gradient is computed the same way each time, so a bias without decay is bit-identical
                    assertEquals(g0[i], gw[i], 0f, kernels.name() + ": bias " + i + " decayed though decayBiases is false");
                    assertEquals(g0[i] + LAMBDA * p[i], gb[i], 1e-6, kernels.name() + ": bias " + i + " with decayBiases");
                } else {
                    // float32 sum g + λ·w: one rounding of a value of order 1
                    assertEquals(g0[i] + LAMBDA * p[i], gw[i], 1e-6, kernels.name() + ": weight " + i);
                    assertEquals(gw[i], gb[i], 0f, kernels.name() + ": weight " + i);
                }
            }
        }

        // the reference engine, and the penalty term itself, computed here from the weights one by one
        double[][] xr = NetworkFixtures.rows(x(m), m, 4), dr = NetworkFixtures.rows(d(m), m, 2);
        ReferenceNetwork ref = new ReferenceNetwork(net, Loss.CROSS_ENTROPY);
        ReferenceNetwork.Gradient r0 = ref.gradient(xr, dr, 0, false), rw = ref.gradient(xr, dr, LAMBDA, false),
                rb = ref.gradient(xr, dr, LAMBDA, true);
        double sumW = 0, sumB = 0;
        for (int l = 1; l <= net.layers(); l++) {
            for (int t = 0; t < net.size(l); t++) {
                for (int u = 0; u < net.size(l - 1); u++) {
                    double w = net.weight(l, t, u);
                    sumW += w * w;
                    assertEquals(r0.w[l][t][u] + LAMBDA * w, rw.w[l][t][u], 1e-15);
                }
                double b = net.bias(l, t);
                sumB += b * b;
                assertEquals(r0.b[l][t], rw.b[l][t], 0.0, "reference: bias decayed though decayBiases is false");
                assertEquals(r0.b[l][t] + LAMBDA * b, rb.b[l][t], 1e-15);
            }
        }
        assertNotEquals(0.0, sumB, "the test needs non-zero biases");
        assertEquals(0.5 * LAMBDA * sumW, Backprop.decayPenalty(net, LAMBDA, false), 1e-12);
        assertEquals(0.5 * LAMBDA * (sumW + sumB), Backprop.decayPenalty(net, LAMBDA, true), 1e-12);
        assertEquals(r0.error + 0.5 * LAMBDA * sumW, rw.error, 1e-12);
        assertEquals(r0.error + 0.5 * LAMBDA * (sumW + sumB), rb.error, 1e-12);
    }

    /**
     * In the trainer, after one full-batch step (the weights before it are the same, so the bias
     * gradients are too): biases are bit-identical to a run without decay unless decayBiases is
     * set; weights are not. Both the fused plain-descent path and the momentum path.
     */
    @Test
    void trainerDecaysBiasesOnlyWhenAsked() {
        DataSet ds = BuiltinData.monkSample(1, 40, 2);
        for (boolean momentum : new boolean[] {false, true}) {
            float[] none = oneEpoch(ds, 0, false, momentum), weights = oneEpoch(ds, LAMBDA, false, momentum),
                    all = oneEpoch(ds, LAMBDA, true, momentum);
            Network shape = monkNet();
            for (int i = 0; i < none.length; i++) {
                if (shape.isBias(i)) {
                    assertEquals(none[i], weights[i], 0f, "bias " + i + " (momentum " + momentum + ")");
                    assertNotEquals(none[i], all[i], "bias " + i + " with decayBiases (momentum " + momentum + ")");
                }
            }
            assertFalse(Arrays.equals(none, weights), "the weights are decayed");
        }
        // and a run with the default configuration equals the explicit decayBiases(false) run
        float[] def = trainOneEpoch(ds, TrainingConfig.builder().fullBatch().epochs(1).lambda(LAMBDA).optimizer(() -> new Sgd(0.5)));
        assertArrayEquals(oneEpoch(ds, LAMBDA, false, false), def, 0f);
    }

    static Network monkNet() {
        return Network.builder(17).layer(3, Activation.TANH).layer(1, Activation.LOGISTIC).build(Init.uniform(0.5), 8);
    }

    static float[] oneEpoch(DataSet ds, double lambda, boolean biases, boolean momentum) {
        return trainOneEpoch(ds, TrainingConfig.builder().fullBatch().epochs(1).lambda(lambda).decayBiases(biases)
                .optimizer(() -> momentum ? new Sgd(0.5, 0.9, false) : new Sgd(0.5)));
    }

    static float[] trainOneEpoch(DataSet ds, TrainingConfig.Builder cfg) {
        Network net = monkNet();
        new Trainer(net, Loss.BINARY_CROSS_ENTROPY, cfg.build(), new ScalarKernels()).fit(ds);
        return net.params().clone();
    }
}
