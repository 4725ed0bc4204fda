package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Divergence: a deliberately huge learning rate makes the error NaN/∞; the trainer notices within
 * the epoch, stops with a message saying what to change and keeps the last finite weights, or,
 * when asked, restarts from the last good epoch with the learning rate halved.
 */
class DivergenceTest {
    @TempDir
    Path dir;

    /** Regression y = x1 + 2·x2 − x3 + x4 on 200 points with inputs in [−3, 3] (not normalised). */
    static DataSet regression() {
        Rng r = new Rng(5);
        int m = 200;
        float[] x = new float[m * 4], d = new float[m];
        for (int p = 0; p < m; p++) {
            for (int i = 0; i < 4; i++) x[p * 4 + i] = (float) r.uniform(-3, 3);
            d[p] = x[p * 4] + 2 * x[p * 4 + 1] - x[p * 4 + 2] + x[p * 4 + 3];
        }
        return new DataSet(x, d, 4, 1);
    }

    static Network net() {
        return Network.builder(4).layer(8, Activation.TANH).layer(1, Activation.IDENTITY).build(Init.xavier(), 1);
    }

    /** Linear regression (a 4-1 identity net): plain gradient descent converges for η ≤ 0.05 here and
     *  blows up to ∞/NaN within a few epochs for η ≥ 0.1 (probed: 0.1, 0.2, 0.4 diverge; 0.01..0.05 fit). */
    static Network linear() {
        return Network.builder(4).layer(1, Activation.IDENTITY).build(Init.xavier(), 1);
    }

    static TrainingConfig plain(double lr, int epochs) {
        return TrainingConfig.builder().miniBatch(10).epochs(epochs).optimizer(() -> new Sgd(lr)).seed(3).build();
    }

    static TrainingConfig config(double lr, int epochs) {
        return TrainingConfig.builder().miniBatch(10).epochs(epochs).optimizer(() -> new Sgd(lr, 0.9, false)).seed(3).build();
    }

    /** Records divergence reports. */
    static final class Spy implements TrainingListener {
        final List<String> messages = new ArrayList<>();
        final List<Boolean> restarting = new ArrayList<>();
        final List<Integer> epochs = new ArrayList<>();

        @Override
        public void onEpoch(EpochStats stats, Trainer trainer) {
            epochs.add(stats.epoch());
        }

        @Override
        public void onDivergence(String message, boolean restart, Trainer trainer) {
            messages.add(message);
            restarting.add(restart);
        }
    }

    @Test
    void aHugeLearningRateStopsWithinTheEpochWithAdvice() {
        DataSet ds = regression();
        Network n = net();
        Spy spy = new Spy();
        // η = 1 with momentum on unnormalised inputs and the summed (SSE) error: diverges at once
        TrainingResult r = new Trainer(n, Loss.SSE, config(1.0, 50)).addListener(spy).fit(ds);
        assertTrue(r.diverged(), r.stopReason());
        String m = r.stopReason();
        assertTrue(m.startsWith("diverged in epoch 1: the error of the batch at update "), m);
        // detected inside the epoch: the failing update is one of epoch 1's 20
        int update = Integer.parseInt(m.replaceAll(".*at update (\\d+) .*", "$1"));
        assertTrue(update >= 1 && update <= 20, m);
        assertTrue(m.contains("lower the learning rate (now 1.0; try 0.1)") && m.contains("standardize or min-max scale the inputs"), m);
        assertTrue(m.endsWith("the network holds the weights of the start (no epoch finished)"), m);
        assertEquals(0, r.epochs(), "a diverged epoch is not in the history");
        assertArrayEquals(net().params(), n.params(), 0f, "the last finite weights (here: the initial ones) are kept");
        assertEquals(List.of(m), spy.messages);
        assertEquals(List.of(false), spy.restarting);
    }

    @Test
    void restartsFromTheLastGoodEpochWithHalvedLearningRates() {
        DataSet ds = regression();
        TrainingResult ok = new Trainer(linear(), Loss.SSE, plain(0.05, 30)).fit(ds);
        assertTrue(ok.last().loss() < 1e-6, "η = 0.05 fits the linear target: " + ok.last());
        Network n = linear();
        Spy spy = new Spy();
        Trainer tr = new Trainer(n, Loss.SSE, plain(0.4, 30)).restartOnDivergence(5).addListener(spy);
        TrainingResult r = tr.fit(ds);
        assertFalse(r.diverged(), r.stopReason());
        assertFalse(spy.messages.isEmpty(), "η = 0.4 must diverge at least once");
        // what the model records (issue 24.7): the restarts made and the factor on the learning rate
        assertEquals(spy.messages.size(), tr.divergenceRestarts());
        assertEquals(1.0 / (1 << spy.messages.size()), tr.learningRateFactor());
        assertTrue(spy.messages.getFirst().contains("with the learning rate halved (restart 1 of 5)"), spy.messages.getFirst());
        assertTrue(spy.restarting.stream().allMatch(b -> b));
        // the history is epochs 1..30 once each, the fit as good as with a stable rate, weights finite
        assertEquals(30, r.epochs());
        for (int i = 0; i < 30; i++) assertEquals(i + 1, r.history().get(i).epoch());
        assertTrue(r.last().loss() < 1e-6, r.last().toString());
        assertEquals(-1, Trainer.firstNonFinite(n.params()));
        // the learning rate after k restarts is η/2^k: the k-th report names η/2^(k−1) as the rate in use
        for (int k = 0; k < spy.messages.size(); k++) {
            assertTrue(spy.messages.get(k).contains("now " + 0.4 / (1 << k) + ";"), spy.messages.get(k));
        }
    }

    @Test
    void givesUpAfterTheAllowedRestarts() {
        Network n = net();
        Spy spy = new Spy();
        TrainingResult r = new Trainer(n, Loss.SSE, config(1e6, 10)).restartOnDivergence(2).addListener(spy).fit(regression());
        assertTrue(r.diverged());
        assertEquals(List.of(true, true, false), spy.restarting);
        assertTrue(r.stopReason().contains("gave up after 2 restarts with halved learning rates"), r.stopReason());
        assertEquals(-1, Trainer.firstNonFinite(n.params()));
        // the weights kept are the restart point's, and the message says which epoch that is
        String kept = r.stopReason().replaceAll(".*the network holds the weights of ", "");
        if (kept.startsWith("the start")) assertArrayEquals(net().params(), n.params(), 0f);
        else assertTrue(kept.matches("epoch \\d+, the last finite ones"), kept);
    }

    @Test
    void nonFiniteDataIsNamedAndNotRetried() {
        DataSet ds = regression();
        float[] x = ds.x().clone();
        x[2 * 4 + 1] = Float.NaN;   // pattern 3, input 2
        TrainingResult r = new Trainer(net(), Loss.SSE, config(0.01, 5)).restartOnDivergence(3).fit(new DataSet(x, ds.d(), 4, 1));
        assertTrue(r.diverged());
        assertTrue(r.stopReason().contains("the training data are not finite (input 2 of pattern 3 is NaN)"), r.stopReason());
    }

    @Test
    void aNonFiniteWeightIsFoundEvenIfNoLaterErrorShowsIt() {
        // an update rule that writes NaN into one weight on the last step of epoch 2: no batch error
        // is computed after it in that epoch, so only the per-epoch weight scan can see it
        DataSet ds = regression();
        int stepsPerEpoch = 20;
        Optimizer saboteur = new Optimizer() {
            int steps;
            public String describe() { return "saboteur"; }
            public void reset() {}
            public void step(float[] w, float[] g) {
                for (int i = 0; i < w.length; i++) w[i] -= 1e-4f * g[i];
                if (++steps == 2 * stepsPerEpoch) w[7] = Float.NaN;
            }
        };
        TrainingConfig cfg = TrainingConfig.builder().miniBatch(10).epochs(5).optimizer(() -> saboteur).evaluateEachEpoch(false).build();
        Network n = net();
        TrainingResult r = new Trainer(n, Loss.SSE, cfg).fit(ds);
        assertTrue(r.stopReason().startsWith("diverged in epoch 2: weight 7 became NaN"), r.stopReason());
        assertTrue(r.stopReason().contains("use smaller initial steps"), "a rule without a learning rate gets other advice");
        assertEquals(1, r.epochs());
        assertEquals(-1, Trainer.firstNonFinite(n.params()));
    }

    @Test
    void aResumedRunAfterARestartIsBitIdentical() throws IOException {
        DataSet ds = regression();
        Network straight = linear();
        Spy spy = new Spy();
        new Trainer(straight, Loss.SSE, plain(0.4, 12)).restartOnDivergence(5).addListener(spy).fit(ds);
        assertFalse(spy.messages.isEmpty());
        Path file = dir.resolve("d.ckpt");
        Trainer t = new Trainer(linear(), Loss.SSE, plain(0.4, 12)).restartOnDivergence(5).checkpointEvery(1, file);
        t.addListener((s, tr) -> { if (s.epoch() == 6) tr.stop("interrupted"); }).fit(ds);
        Checkpoint c = Checkpoint.read(file);
        assertTrue(c.lrFactor() < 1 && c.restarts() > 0, "the checkpoint carries the halved rate: " + c.lrFactor());
        Network resumed = Network.builder(4).layer(1, Activation.IDENTITY).build();
        new Trainer(resumed, Loss.SSE, plain(0.4, 12)).restartOnDivergence(5).resume(file, ds);
        assertArrayEquals(straight.params(), resumed.params(), 0f);
    }
}
