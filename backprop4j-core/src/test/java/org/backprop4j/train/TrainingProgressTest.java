package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.junit.jupiter.api.Test;

/**
 * Progress within an epoch (issue 20.4): the trainer counts the patterns presented after every
 * batch ({@link Trainer#patternsPresented}), and tells listeners the run has started
 * ({@link TrainingListener#onStart}) so that a display can poll that counter.
 */
class TrainingProgressTest {

    /** {@code n} patterns of 3 inputs and 2 one-hot classes (a seeded, learnable rule). */
    static DataSet data(int n, long seed) {
        Rng r = new Rng(seed);
        float[] x = new float[n * 3], d = new float[n * 2];
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < 3; i++) x[p * 3 + i] = (float) (2 * r.nextDouble() - 1);
            d[p * 2 + (x[p * 3] + x[p * 3 + 1] > 0 ? 1 : 0)] = 1;
        }
        return new DataSet(x, d, 3, 2);
    }

    static Network net() {
        return Network.builder(3).layer(4, Activation.TANH).layer(2, Activation.SOFTMAX).build(Init.xavier(), 3);
    }

    /** An update rule that records the counter at each of its steps (called between batches, on the training thread). */
    static final class Recording implements Optimizer {
        final Adam inner = new Adam(0.01);
        final List<Long> seen = new ArrayList<>();
        Trainer trainer;

        @Override
        public String describe() {
            return "recording";
        }

        @Override
        public void step(float[] w, float[] grad) {
            seen.add(trainer.patternsPresented());
            inner.step(w, grad);
        }

        @Override
        public void reset() {
            inner.reset();
        }
    }

    /**
     * A multi-batch epoch advances the counter batch by batch: at the step of the batch that starts
     * at pattern s of epoch e (0-based) the counter is e·n + s, the patterns of the batches before it
     * (100 patterns in batches of 32: 0, 32, 64, 96); after the run it is epochs·n; onStart came once,
     * before any step, with the counter at 0 and the epoch's size known.
     */
    @Test
    void theCounterAdvancesBatchByBatchWithinAnEpoch() {
        DataSet train = data(100, 1);
        Recording opt = new Recording();
        TrainingConfig cfg = TrainingConfig.builder().miniBatch(32).epochs(3).optimizer(() -> opt).seed(2).build();
        Trainer t = new Trainer(net(), Loss.CROSS_ENTROPY, cfg);
        opt.trainer = t;
        List<String> started = new ArrayList<>();
        t.addListener(new TrainingListener() {
            @Override
            public void onEpoch(EpochStats stats, Trainer trainer) {
                // an epoch's end: all its patterns counted
                started.add("epoch " + stats.epoch() + " at " + trainer.patternsPresented());
            }

            @Override
            public void onStart(Trainer trainer) {
                assertSame(t, trainer);
                started.add("start at " + trainer.patternsPresented() + " of " + trainer.patternsPerEpoch() + " per epoch, steps " + opt.seen.size());
            }
        });
        assertEquals(0, t.patternsPresented());
        t.fit(train);
        List<Long> want = new ArrayList<>();
        for (int e = 0; e < 3; e++) for (int s = 0; s < 100; s += 32) want.add(e * 100L + s);
        assertEquals(want, opt.seen);
        assertEquals(List.of("start at 0 of 100 per epoch, steps 0", "epoch 1 at 100", "epoch 2 at 200", "epoch 3 at 300"), started);
        assertEquals(300, t.patternsPresented());
    }

    /**
     * Online SGD presents an epoch in slices of {@link EpochStrategy.Online#SLICE} patterns, and
     * that changes nothing: on 2,500 patterns (three slices) the weights are those of one descend
     * per pattern in the trainer's shuffled order, bit for bit, and the epoch's error (the summed
     * per-pattern errors, evaluateEachEpoch off) is the same double as one accumulator over the
     * epoch gives.
     */
    @Test
    void onlineSlicesGiveTheSameBitsAsOnePassPerEpoch() {
        DataSet train = data(2 * EpochStrategy.Online.SLICE + 452, 5);
        Network a = net(), b = a.copy();
        TrainingConfig cfg = TrainingConfig.builder().online().epochs(2).seed(9).optimizer(() -> new Sgd(0.05, 0.5, false))
                .evaluateEachEpoch(false).build();
        Trainer t = new Trainer(a, Loss.CROSS_ENTROPY, cfg);
        TrainingResult r = t.fit(train);
        Backprop e = new Backprop(b, Loss.CROSS_ENTROPY);
        float[] velocity = new float[b.paramCount()];
        Rng rng = new Rng(9);
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int epoch = 0; epoch < 2; epoch++) {
            rng.shuffle(order);
            double sum = 0;
            for (int i : order) sum += e.descend(train.x(), train.d(), i, 1, 0.05f, 0.5f, velocity, 0f, false);
            assertEquals(Loss.CROSS_ENTROPY.scale(train.size()) * sum, r.history().get(epoch).loss(), 0.0, "epoch " + (epoch + 1));
        }
        assertArrayEquals(b.params(), a.params());
        assertEquals(2L * train.size(), t.patternsPresented());
    }

    /** A full-batch method counts a whole epoch per iteration. */
    @Test
    void fullBatchCountsOneEpochPerIteration() {
        DataSet train = data(50, 2);
        List<Long> atEpochs = new ArrayList<>();
        Trainer t = new Trainer(net(), Loss.CROSS_ENTROPY, TrainingConfig.builder().fullBatch().epochs(4).optimizer(Lbfgs::new).seed(1).build());
        t.addListener((s, tr) -> atEpochs.add(tr.patternsPresented()));
        t.fit(train);
        // L-BFGS may stop before 4 iterations on its own criterion: every epoch that ran counts 50
        assertTrue(atEpochs.size() >= 2, atEpochs.toString());
        List<Long> want = new ArrayList<>();
        for (int e = 1; e <= atEpochs.size(); e++) want.add(50L * e);
        assertEquals(want, atEpochs);
    }
}
