package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
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
import org.backprop4j.data.DataSet;
import org.junit.jupiter.api.Test;

/** The trainer's new parts: early stopping, schedules/clipping wiring, full-batch methods, determinism. */
class TrainerExtensionsTest {

    /** Noisy labels on random inputs: a 6-8-1 net overfits them, so the validation error turns up. */
    private static DataSet noisy(int m, long seed) {
        Rng r = new Rng(seed);
        float[] x = new float[m * 6], d = new float[m];
        for (int p = 0; p < m; p++) {
            double s = 0;
            for (int i = 0; i < 6; i++) s += x[p * 6 + i] = (float) r.uniform(-1, 1);
            d[p] = (s > 0) ^ (r.nextDouble() < 0.3) ? 1f : 0f;   // 30% label noise
        }
        return new DataSet(x, d, 6, 1, List.of("0", "1"), null);
    }

    private static Network net(long seed) {
        return Network.builder(6).layer(8, Activation.TANH).layer(1, Activation.LOGISTIC).build(Init.xavier(), seed);
    }

    // ---- early stopping on made-up curves ----

    @Test
    void generalizationLossOnAMadeUpCurve() {
        EarlyStopping.Monitor m = EarlyStopping.generalizationLoss(5).monitor();
        double[] curve = {1.0, 0.8, 0.7, 0.72, 0.71, 0.74, 0.80};
        // GL(t) = 100·(E_va(t)/min_{t'≤t} E_va − 1): 0, 0, 0, 2.857…, 1.428…, 5.714… (> 5 → stop at epoch 6)
        double[] gl = {0, 0, 0, 100 * (0.72 / 0.7 - 1), 100 * (0.71 / 0.7 - 1), 100 * (0.74 / 0.7 - 1)};
        for (int t = 0; t < 6; t++) {
            m.observe(t + 1, curve[t]);
            assertEquals(gl[t], m.generalizationLoss(), 1e-12, "epoch " + (t + 1));
            if (t < 5) assertNull(m.stopReason(), "epoch " + (t + 1));
        }
        assertTrue(m.stopReason().contains("GL = 5.714"), m.stopReason());
        assertEquals(3, m.bestEpoch());
        assertEquals(EarlyStopping.gl(0.74, 0.7), m.generalizationLoss(), 0);
    }

    @Test
    void patienceOnAMadeUpCurve() {
        EarlyStopping.Monitor m = new EarlyStopping(2, 0.01, true, 0).monitor();
        // improvements must exceed 0.01: epoch 3 (0.895) does not count against 0.9, epoch 4 (0.85) does
        double[] curve = {1.0, 0.9, 0.895, 0.85, 0.86, 0.849};
        boolean[] best = {true, true, false, true, false, false};
        for (int t = 0; t < curve.length; t++) {
            assertEquals(best[t], m.observe(t + 1, curve[t]), "epoch " + (t + 1));
            if (t < 5) assertNull(m.stopReason(), "epoch " + (t + 1));
        }
        assertTrue(m.stopReason().contains("no validation improvement for 2 epochs"), m.stopReason());
        assertEquals(4, m.bestEpoch());
    }

    @Test
    void bestWeightsKeepsTheBestEpochsWeightsAndRestoresThem() {
        // the keep-best-weights logic the Trainer and backprop4j-spark share
        EarlyStopping.BestWeights k = EarlyStopping.patience(2).bestWeights(3);
        double[] curve = {1.0, 0.7, 0.8, 0.75};
        float[][] ws = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10, 11, 12}};
        String[] stops = new String[curve.length];
        for (int t = 0; t < curve.length; t++) stops[t] = k.observe(t + 1, curve[t], ws[t].clone());
        assertNull(stops[0]);
        assertNull(stops[1]);
        assertNull(stops[2]);
        assertTrue(stops[3].startsWith("early stopping: no validation improvement for 2 epochs"), stops[3]);
        assertEquals(2, k.monitor().bestEpoch());
        float[] w = ws[3].clone();
        assertEquals("max epochs; restored the weights of epoch 2", k.restore(w, "max epochs"));
        assertArrayEquals(ws[1], w, 0f);

        // norestore: the monitor still stops, the weights stay as they are
        EarlyStopping.BestWeights n = new EarlyStopping(1, 0, false, 0).bestWeights(3);
        assertNull(n.observe(1, 1.0, ws[0]));
        assertTrue(n.observe(2, 2.0, ws[1]).startsWith("early stopping"));
        float[] v = ws[1].clone();
        assertEquals("x", n.restore(v, "x"));
        assertArrayEquals(ws[1], v, 0f);

        // nothing observed (the run stopped before its first epoch ended): nothing restored
        float[] u = ws[2].clone();
        assertEquals("y", EarlyStopping.patience(2).bestWeights(3).restore(u, "y"));
        assertArrayEquals(ws[2], u, 0f);
    }

    @Test
    void earlyStoppingSpecsParse() {
        assertEquals(new EarlyStopping(20, 0, true, 5), EarlyStopping.parse("patience:20,gl:5"));
        assertEquals(new EarlyStopping(3, 0.1, false, 0), EarlyStopping.parse("patience:3,delta:0.1,norestore"));
        assertThrows(IllegalArgumentException.class, () -> EarlyStopping.parse("patience:x"));
        assertThrows(IllegalArgumentException.class, () -> EarlyStopping.parse("wait:3"));
    }

    // ---- early stopping in the trainer ----

    @Test
    void patienceStopsAndRestoresTheBestWeightsExactly() {
        DataSet train = noisy(40, 1), val = noisy(200, 2);
        Network net = net(3);
        int patience = 15;
        TrainingConfig cfg = TrainingConfig.builder().fullBatch().epochs(2000).optimizer("irprop-")
                .earlyStopping(EarlyStopping.patience(patience)).build();
        List<float[]> snapshots = new ArrayList<>();
        List<Double> valAtSnapshot = new ArrayList<>();
        Backprop probe = new Backprop(net, Loss.BINARY_CROSS_ENTROPY);
        TrainingResult r = new Trainer(net, Loss.BINARY_CROSS_ENTROPY, cfg).addListener((s, t) -> {
            snapshots.add(net.params().clone());
            valAtSnapshot.add(Evaluation.of(probe, val).loss());
        }).fit(train, val);
        assertTrue(r.stopReason().startsWith("early stopping: no validation improvement"), r.stopReason());
        // the curve: training and validation loss recorded every epoch, validation = E_va at that epoch's weights
        int best = 1;
        for (int i = 0; i < r.epochs(); i++) {
            EpochStats s = r.history().get(i);
            assertTrue(Double.isFinite(s.loss()) && Double.isFinite(s.validationLoss()));
            assertEquals(valAtSnapshot.get(i), s.validationLoss(), 0.0);
            if (s.validationLoss() < r.history().get(best - 1).validationLoss()) best = i + 1;
        }
        assertEquals(best, r.bestEpoch());
        assertEquals(best + patience, r.epochs());
        assertTrue(best > 1, "the run must overfit for this test to mean anything");
        assertArrayEquals(snapshots.get(best - 1), net.params(), 0f);
        assertFalse(Arrays.equals(snapshots.get(r.epochs() - 1), net.params()));
    }

    @Test
    void glAlphaStopsTheTrainer() {
        DataSet train = noisy(40, 1), val = noisy(200, 2);
        Network net = net(3);
        double alpha = 2;
        TrainingConfig cfg = TrainingConfig.builder().fullBatch().epochs(2000).optimizer("irprop-")
                .earlyStopping(new EarlyStopping(0, 0, false, alpha)).build();
        TrainingResult r = new Trainer(net, Loss.BINARY_CROSS_ENTROPY, cfg).fit(train, val);
        assertTrue(r.stopReason().startsWith("early stopping: generalization loss"), r.stopReason());
        double opt = Double.POSITIVE_INFINITY;
        for (int i = 0; i < r.epochs(); i++) {
            double v = r.history().get(i).validationLoss();
            opt = Math.min(opt, v);
            boolean over = 100 * (v / opt - 1) > alpha;
            assertEquals(i == r.epochs() - 1, over, "GL exceeds α exactly at the last epoch, epoch " + (i + 1));
        }
    }

    @Test
    void earlyStoppingNeedsAValidationSet() {
        TrainingConfig cfg = TrainingConfig.builder().earlyStopping(EarlyStopping.patience(3)).build();
        assertThrows(IllegalArgumentException.class, () -> new Trainer(net(1), Loss.BINARY_CROSS_ENTROPY, cfg).fit(noisy(10, 1)));
    }

    // ---- wiring ----

    @Test
    void fullBatchMethodsNeedFullBatchModeAndRejectSchedules() {
        DataSet ds = noisy(10, 1);
        var e1 = assertThrows(IllegalArgumentException.class, () -> new Trainer(net(1), Loss.SSE,
                TrainingConfig.builder().miniBatch(4).optimizer("lbfgs").build()).fit(ds));
        assertTrue(e1.getMessage().contains("full-batch"), e1.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Trainer(net(1), Loss.SSE,
                TrainingConfig.builder().fullBatch().optimizer("scg").schedule(Schedule.exponential(0.9)).build()).fit(ds));
        var e2 = assertThrows(IllegalArgumentException.class, () -> new Trainer(net(1), Loss.BINARY_CROSS_ENTROPY,
                TrainingConfig.builder().fullBatch().optimizer("lm").build()).fit(ds));
        assertTrue(e2.getMessage().contains("sum-of-squares"), e2.getMessage());
    }

    @Test
    void scheduleAndClippingWrapTheOptimizer() {
        TrainingConfig cfg = TrainingConfig.builder().optimizer("adam").schedule(Schedule.cosine(10, 0)).clipNorm(1).build();
        Optimizer o = new Trainer(net(1), Loss.SSE, cfg).makeOptimizer();
        assertTrue(o.describe().startsWith("adam(") && o.describe().contains("+clip(1.0)+cosine(10,0.0)"), o.describe());
        o.startEpoch(5);
        assertEquals(0.5 * Adam.LR, o.learningRate(), 1e-15);
    }

    @Test
    void iRpropPlusGetsTheFullBatchErrorBeforeEachStep() {
        DataSet ds = noisy(30, 4);
        Network net = net(5);
        double lambda = 0.01;
        List<Double> seen = new ArrayList<>(), expected = new ArrayList<>();
        NetworkObjective f = new NetworkObjective(net.copy(), Loss.BINARY_CROSS_ENTROPY, ds, lambda, false);
        Optimizer spy = new Optimizer() {
            final Rprop inner = new Rprop(Rprop.Variant.IRPROP_PLUS);
            public String describe() { return "spy"; }
            public void step(float[] w, float[] g) { throw new AssertionError("must get the error"); }
            public boolean usesError() { return true; }
            public void step(float[] w, float[] g, double e) {
                seen.add(e);
                expected.add(f.value(w.clone()));
                inner.step(w, g, e);
            }
            public void reset() {}
        };
        TrainingConfig cfg = TrainingConfig.builder().fullBatch().epochs(5).lambda(lambda).optimizer(() -> spy).build();
        new Trainer(net, Loss.BINARY_CROSS_ENTROPY, cfg).fit(ds);
        assertEquals(5, seen.size());
        for (int i = 0; i < 5; i++) assertEquals(expected.get(i), seen.get(i), 1e-12);
    }

    // ---- determinism and allocation ----

    @Test
    void sameSeedGivesBitIdenticalWeightsForEveryOptimizer() {
        DataSet ds = noisy(50, 7);
        for (String spec : Optimizers.NAMES) {
            float[][] w = new float[2][];
            for (int run = 0; run < 2; run++) {
                Network net = net(9);
                boolean fb = Optimizers.isFullBatch(spec);
                TrainingConfig.Builder b = TrainingConfig.builder().epochs(15).optimizer(spec).seed(5);
                if (fb || spec.contains("rprop") || spec.equals("quickprop")) b.fullBatch(); else b.miniBatch(8);
                if (!fb) b.clipNorm(5);
                if (!fb && !Double.isNaN(Optimizers.create(spec).learningRate())) b.schedule(Schedule.inverseTime(0.1));
                new Trainer(net, spec.equals("lm") || spec.equals("br") ? Loss.SSE : Loss.BINARY_CROSS_ENTROPY, b.build()).fit(ds);
                w[run] = net.params().clone();
            }
            assertArrayEquals(w[0], w[1], 0f, spec);
        }
    }

    /**
     * The loop and the optimizers are measured with the scalar kernels, which reach their steady
     * state at once; the Vector API kernels allocate until C2 has compiled them, which would make
     * the subtraction below depend on JIT timing (their own steady state: EngineAllocationTest).
     */
    private static final org.backprop4j.kernel.Kernels KERNELS = new org.backprop4j.kernel.ScalarKernels();

    @Test
    void trainingLoopAllocatesNothingPerStep() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean.isThreadAllocatedMemorySupported());
        DataSet ds = noisy(2000, 3);
        long tid = Thread.currentThread().threadId();
        for (String spec : new String[] {"sgd:momentum=0.9", "irprop+", "adam"}) {
            long[] bytes = new long[2];
            int[] epochs = {2, 6};
            for (int k = 0; k < 3; k++) {     // k = 0 warms up the JIT and class loading
                int e = epochs[Math.max(0, k - 1)];
                // per-epoch evaluation is off: its vector loops run too rarely to be compiled, and interpreted
                // Vector API code allocates per operation (JIT timing, not the loop under test)
                TrainingConfig.Builder b = TrainingConfig.builder().online().epochs(e).optimizer(spec).lambda(1e-4).clipNorm(10)
                        .evaluateEachEpoch(false);
                if (!spec.startsWith("irprop")) b.schedule(Schedule.inverseTime(0.01));
                Network n = net(1);
                long before = bean.getThreadAllocatedBytes(tid);
                new Trainer(n, Loss.BINARY_CROSS_ENTROPY, b.build(), KERNELS).fit(ds);
                if (k > 0) bytes[k - 1] = bean.getThreadAllocatedBytes(tid) - before;
            }
            // 4 more epochs = 8000 more online steps. The gradient
            // engine's own allocation (none in steady state, see EngineAllocationTest) is measured and subtracted; per-epoch
            // bookkeeping (EpochStats, Evaluation, history) is a few hundred bytes, so anything the
            // loop or the optimizer allocated per step would add ≥ 8000·16 = 128 kB
            long extra = bytes[1] - bytes[0] - engineBytes(ds, 8000);
            assertTrue(extra < 32_000, spec + ": 8000 extra steps allocated " + extra + " bytes beyond the engine's");
        }
    }

    /** Bytes the engine itself allocates for {@code steps} single-pattern gradients (after warm-up). */
    private static long engineBytes(DataSet ds, int steps) {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        Network n = net(1);
        Backprop bp = new Backprop(n, Loss.BINARY_CROSS_ENTROPY, KERNELS);
        float[] g = new float[n.paramCount()];
        for (int i = 0; i < 2000; i++) bp.gradient(ds.x(), ds.d(), i, 1, g, 1e-4, false);
        long before = bean.getThreadAllocatedBytes(tid);
        for (int i = 0; i < steps; i++) bp.gradient(ds.x(), ds.d(), i % ds.size(), 1, g, 1e-4, false);
        return bean.getThreadAllocatedBytes(tid) - before;
    }

    @Test
    void firstOrderStepsAllocateNothing() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean.isThreadAllocatedMemorySupported());
        float[] w = new float[1000], g = new float[1000];
        for (int i = 0; i < g.length; i++) g[i] = (float) Math.sin(i);
        for (String spec : new String[] {"sgd:momentum=0.9", "quickprop", "rprop+", "irprop+", "irprop-", "adam", "rmsprop", "adagrad"}) {
            Optimizer inner = Optimizers.create(spec);
            Optimizer o = new ClipNorm(Double.isNaN(inner.learningRate()) ? inner : new Scheduled(inner, Schedule.inverseTime(0.1)), 1);
            for (int i = 0; i < 3; i++) o.step(w, g, 1.0);     // sizes the state
            long tid = Thread.currentThread().threadId();
            long before = bean.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100; i++) {
                o.startEpoch(i);
                o.step(w, g, 1.0 - i);
            }
            long after = bean.getThreadAllocatedBytes(tid);
            // getThreadAllocatedBytes itself may allocate a few bytes; 100 steps of 1000 weights
            // allocating any per-step array would show up as ≥ 400 kB
            assertTrue(after - before < 1024, spec + " allocated " + (after - before) + " bytes in 100 steps");
        }
    }
}
