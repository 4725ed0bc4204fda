package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.BuiltinData;
import org.backprop4j.data.DataSet;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;
import org.backprop4j.kernel.ScalarKernels;
import org.backprop4j.reference.ReferenceNetwork;
import org.junit.jupiter.api.Test;

/**
 * The trainer's loop against its definition, written out here with the public pieces: online is a
 * batch of one, mini-batches of any size are cut from an order reshuffled every epoch by the
 * seeded generator, full batch makes one update per epoch from the gradient summed over all
 * patterns (seed 003), training stops at the first epoch whose error is below ε (seed 004's loop),
 * and the listener sees every epoch.
 */
class TrainerLoopTest {
    static final Kernels SCALAR = new ScalarKernels();
    /** 50 patterns: batches of 7 leave a last batch of 1. */
    static final DataSet DATA = BuiltinData.monkSample(1, 50, 4);
    static final long SEED = 21;

    static Network net() {
        return Network.builder(17).layer(3, Activation.TANH).layer(1, Activation.LOGISTIC).build(Init.uniform(0.5), 6);
    }

    /** The loop as TrainingConfig documents it, with a fresh optimizer. */
    static float[] byHand(int batch, int epochs, Optimizer opt, boolean reshuffle) {
        Network net = net();
        Backprop engine = new Backprop(net, Loss.BINARY_CROSS_ENTROPY, SCALAR);
        int n = DATA.size(), in = DATA.inputs(), out = DATA.outputs();
        Rng rng = new Rng(SEED);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        float[] bx = new float[batch * in], bd = new float[batch * out], g = new float[net.paramCount()];
        for (int epoch = 0; epoch < epochs; epoch++) {
            if (reshuffle || epoch == 0) rng.shuffle(order);
            for (int start = 0; start < n; start += batch) {
                int m = Math.min(batch, n - start);
                for (int r = 0; r < m; r++) {
                    System.arraycopy(DATA.x(), order[start + r] * in, bx, r * in, in);
                    System.arraycopy(DATA.d(), order[start + r] * out, bd, r * out, out);
                }
                engine.gradient(bx, bd, 0, m, g, 0, false);
                opt.step(net.params(), g);
            }
        }
        return net.params().clone();
    }

    static TrainingResult train(Network net, TrainingConfig cfg) {
        return new Trainer(net, Loss.BINARY_CROSS_ENTROPY, cfg, SCALAR).fit(DATA);
    }

    @Test
    void miniBatchesComeFromAnOrderReshuffledEveryEpoch() {
        for (int batch : new int[] {7, 16, 50}) {
            Network net = net();
            TrainingResult r = train(net, TrainingConfig.builder().miniBatch(batch).epochs(3).seed(SEED)
                    .optimizer(() -> new Sgd(0.1, 0.9, false)).build());
            // momentum: not the fused path, so the same float operations in the same order
            assertArrayEquals(byHand(batch, 3, new Sgd(0.1, 0.9, false), true), net.params(), 0f, "batch " + batch);
            assertEquals(3L * ((50 + batch - 1) / batch), r.last().updates(), "updates, batch " + batch);
            if (batch < 50) {
                // the comparison can fail: shuffling only once gives other weights
                assertFalse(Arrays.equals(byHand(batch, 3, new Sgd(0.1, 0.9, false), false), net.params()), "batch " + batch);
            }
        }
        // plain gradient descent takes the fused path (w updated inside the backward pass): same
        // loop, float rounding in another order (FusedDescentTest: a few ulps per step)
        Network net = net();
        train(net, TrainingConfig.builder().miniBatch(7).epochs(3).seed(SEED).optimizer(() -> new Sgd(0.2)).build());
        float[] hand = byHand(7, 3, new Sgd(0.2), true);
        for (int i = 0; i < hand.length; i++) assertEquals(hand[i], net.params()[i], 1e-4, "fused, parameter " + i);
    }

    @Test
    void onlineIsABatchOfOne() {
        Network net = net();
        TrainingResult r = train(net, TrainingConfig.builder().online().epochs(2).seed(SEED)
                .optimizer(() -> new Sgd(0.05, 0.5, false)).build());
        assertArrayEquals(byHand(1, 2, new Sgd(0.05, 0.5, false), true), net.params(), 0f);
        assertEquals(100, r.last().updates());
    }

    /**
     * One full-batch epoch of plain descent is w ← w − η·Σ_p ∂E_p/∂w, with the per-pattern
     * gradients from the reference engine (double, one pattern at a time). Tolerance: the float32
     * engine sums 50 products of order 1; 1e-5 of Σ_p |∂E_p/∂w| is far above that rounding.
     */
    @Test
    void fullBatchIsOneUpdateFromTheSummedPerPatternGradients() {
        double eta = 0.02;
        Network net = net();
        ReferenceNetwork ref = new ReferenceNetwork(net, Loss.SSE);
        float[] w0 = net.params().clone();
        double[] sum = new double[w0.length], abs = new double[w0.length];
        for (int p = 0; p < DATA.size(); p++) {
            double[][] x = {row(DATA.x(), p, DATA.inputs())}, d = {row(DATA.d(), p, DATA.outputs())};
            double[] g = ref.gradient(x, d, 0, false).flat();
            for (int i = 0; i < g.length; i++) {
                sum[i] += g[i];
                abs[i] += Math.abs(g[i]);
            }
        }
        TrainingResult r = new Trainer(net, Loss.SSE, TrainingConfig.builder().fullBatch().epochs(1)
                .optimizer(() -> new Sgd(eta)).build(), SCALAR).fit(DATA);
        assertEquals(1, r.last().updates(), "one update per epoch");
        for (int i = 0; i < w0.length; i++) {
            assertEquals(w0[i] - eta * sum[i], net.params()[i], 1e-7 + 1e-5 * eta * abs[i], "parameter " + i);
        }
    }

    private static double[] row(float[] a, int p, int n) {
        double[] r = new double[n];
        for (int j = 0; j < n; j++) r[j] = a[p * n + j];
        return r;
    }

    /** Seed 004: "while E_tot ≥ ε": the run ends with the first epoch whose error is below ε. */
    @Test
    void stopsAtTheFirstEpochBelowTheTargetError() {
        double eps = 0.02;
        Network net = Network.builder(2).layer(2, Activation.LOGISTIC).layer(1, Activation.LOGISTIC).build(Init.uniform(0.3), 1);
        TrainingResult r = new Trainer(net, Loss.SSE, TrainingConfig.builder().fullBatch().epochs(10000).targetError(eps)
                .optimizer(() -> new Sgd(1.0)).build()).fit(BuiltinData.xor());
        assertTrue(r.epochs() < 10000, "XOR reaches E < 0.02 well before 10000 epochs: " + r.stopReason());
        assertTrue(r.stopReason().startsWith("target error reached"), r.stopReason());
        assertTrue(r.last().loss() < eps);
        for (int i = 0; i < r.epochs() - 1; i++) assertTrue(r.history().get(i).loss() >= eps, "epoch " + (i + 1) + " was already below ε");
        // the error it stopped on is E_tot = Σ_p ½Σ_k (d−o)² at the final weights, by the reference engine
        double[][] x = {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, d = {{0}, {1}, {1}, {0}};
        assertEquals(new ReferenceNetwork(net, Loss.SSE).error(x, d, 0, false), r.last().loss(), 1e-6);

        // without ε: exactly the maximum number of epochs
        Network again = Network.builder(2).layer(2, Activation.LOGISTIC).layer(1, Activation.LOGISTIC).build(Init.uniform(0.3), 1);
        TrainingResult all = new Trainer(again, Loss.SSE, TrainingConfig.builder().fullBatch().epochs(r.epochs() + 5)
                .optimizer(() -> new Sgd(1.0)).build()).fit(BuiltinData.xor());
        assertEquals(r.epochs() + 5, all.epochs());
        assertEquals("max epochs (" + (r.epochs() + 5) + ")", all.stopReason());
    }

    @Test
    void listenerSeesEveryEpochWithLossAccuracyAndTime() {
        Network net = net();
        List<EpochStats> seen = new ArrayList<>();
        Trainer t = new Trainer(net, Loss.BINARY_CROSS_ENTROPY, TrainingConfig.builder().miniBatch(10).epochs(6).seed(SEED)
                .optimizer(() -> new Sgd(0.3, 0.9, false)).build(), SCALAR);
        t.addListener((s, trainer) -> {
            assertSame(t, trainer);
            seen.add(s);
        });
        TrainingResult r = t.fit(DATA);
        assertEquals(r.history(), seen);
        for (int i = 0; i < seen.size(); i++) {
            EpochStats s = seen.get(i);
            assertEquals(i + 1, s.epoch());
            assertEquals(5L * (i + 1), s.updates());
            assertTrue(s.millis() >= 0 && Double.isFinite(s.millis()), "time " + s.millis());
            assertTrue(s.accuracy() >= 0 && s.accuracy() <= 1, "accuracy " + s.accuracy());
            assertTrue(Double.isNaN(s.validationLoss()), "no validation set");
        }
        // the last epoch's numbers are those of the final weights
        Evaluation ev = Evaluation.of(new Backprop(net, Loss.BINARY_CROSS_ENTROPY, SCALAR), DATA);
        assertEquals(ev.loss(), r.last().loss(), 0.0);
        assertEquals(ev.accuracy(), r.last().accuracy(), 0.0);
        assertTrue(r.last().loss() < seen.get(0).loss(), "training lowers the error");
    }

    /** Same seed ⇒ bit-identical weights, in every mode, with the default (fastest) kernels. */
    @Test
    void sameSeedGivesBitIdenticalWeightsInEveryMode() {
        List<TrainingConfig.Builder> modes = List.of(
                TrainingConfig.builder().online().optimizer(() -> new Sgd(0.05)),
                TrainingConfig.builder().miniBatch(7).optimizer(() -> new Sgd(0.1)),
                TrainingConfig.builder().miniBatch(7).optimizer(() -> new Sgd(0.1, 0.9, true)),
                TrainingConfig.builder().fullBatch().optimizer(() -> new Sgd(0.5, 0.9, false)));
        for (TrainingConfig.Builder b : modes) {
            TrainingConfig cfg = b.epochs(4).seed(SEED).build();
            float[][] w = new float[2][];
            for (int run = 0; run < 2; run++) {
                Network net = net();
                new Trainer(net, Loss.BINARY_CROSS_ENTROPY, cfg, KernelProvider.get()).fit(DATA);
                w[run] = net.params().clone();
            }
            assertArrayEquals(w[0], w[1], 0f, cfg.mode() + " " + cfg.optimizer().get().describe());
            assertFalse(Arrays.equals(w[0], net().params()), "training moved the weights");
        }
    }
}
