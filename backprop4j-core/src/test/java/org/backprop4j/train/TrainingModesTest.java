package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.TestData;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.MonkFormat;
import org.junit.jupiter.api.Test;

/** Online, mini-batch and full-batch training on real data (MONK-1, UCI), and their definitions. */
class TrainingModesTest {

    static Network monkNet(long seed) {
        return Network.builder(MonkFormat.INPUTS).layer(4, Activation.TANH).layer(1, Activation.LOGISTIC)
                .build(Init.xavier(), seed);
    }

    private static void trainsBelow(TrainingConfig cfg, double level) throws Exception {
        DataSet train = MonkFormat.read(TestData.path("monks/monks-1.train"));
        Network net = monkNet(7);
        double before = Evaluation.of(new Backprop(net, Loss.BINARY_CROSS_ENTROPY), train).loss();
        TrainingResult r = new Trainer(net, Loss.BINARY_CROSS_ENTROPY, cfg).fit(train);
        double after = r.last().loss();
        assertTrue(before > 0.6, "untrained cross-entropy should be near ln 2, was " + before);
        assertTrue(after < level, cfg.mode() + ": training error " + after + " not below " + level + " (from " + before + ")");
        assertEquals(1.0, r.last().accuracy(), cfg.mode() + " should fit the MONK-1 training set");
    }

    // Levels: MONK-1 is noise-free and learnable by a 17-4-1 net; a mean cross-entropy of 0.05
    // means every pattern is on the right side with margin (p ≥ 0.9 on average).
    @Test
    void onlineTrainingReducesTheError() throws Exception {
        trainsBelow(TrainingConfig.builder().online().epochs(150).optimizer(() -> new Sgd(0.05)).seed(1).build(), 0.05);
    }

    /**
     * Online training with SGD, plain or with momentum (the trainer's epoch-at-a-time path,
     * Backprop.descendOnline, whose first-layer updates are fused with the next pattern's product)
     * gives exactly the weights of one descend per pattern in the trainer's order: file order, or
     * the order of Rng(seed).shuffle once per epoch. On MONK-1, 3 epochs, with and without shuffling.
     */
    @Test
    void onlineEpochsAreDescendPatternByPattern() throws Exception {
        DataSet train = MonkFormat.read(TestData.path("monks/monks-1.train"));
        for (double mu : new double[] {0, 0.9}) {
          for (boolean shuffle : new boolean[] {false, true}) {
            Network a = monkNet(3), b = a.copy();
            TrainingConfig cfg = TrainingConfig.builder().online().epochs(3).shuffle(shuffle).seed(5)
                    .optimizer(() -> new Sgd(0.2, mu, false)).evaluateEachEpoch(false).build();
            new Trainer(a, Loss.BINARY_CROSS_ENTROPY, cfg).fit(train);
            Backprop e = new Backprop(b, Loss.BINARY_CROSS_ENTROPY);
            float[] velocity = mu == 0 ? null : new float[b.paramCount()];
            Rng rng = new Rng(5);
            int[] order = new int[train.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            for (int epoch = 0; epoch < 3; epoch++) {
                if (shuffle) rng.shuffle(order);
                for (int i : order) e.descend(train.x(), train.d(), i, 1, 0.2f, (float) mu, velocity, 0f, false);
            }
            assertArrayEquals(b.params(), a.params(), "momentum " + mu + ", shuffle " + shuffle);
          }
        }
    }

    @Test
    void miniBatchTrainingReducesTheError() throws Exception {
        trainsBelow(TrainingConfig.builder().miniBatch(16).epochs(300).optimizer(() -> new Sgd(0.2, 0.9, false)).seed(1).build(), 0.05);
    }

    @Test
    void fullBatchTrainingReducesTheError() throws Exception {
        trainsBelow(TrainingConfig.builder().fullBatch().epochs(1500).optimizer(() -> new Sgd(0.5, 0.9, true)).build(), 0.05);
    }

    /** Seed 003: in batch mode the gradient is the sum over patterns of the per-pattern gradients. */
    @Test
    void fullBatchGradientIsTheSumOfPerPatternGradients() throws Exception {
        DataSet train = MonkFormat.read(TestData.path("monks/monks-1.train"));
        Network net = monkNet(3);
        Backprop engine = new Backprop(net, Loss.SSE);
        int m = train.size();
        float[] batch = new float[net.paramCount()];
        engine.gradient(train.x(), train.d(), 0, m, batch, 0, false);
        double[] sum = new double[net.paramCount()];
        float[] one = new float[net.paramCount()];
        for (int p = 0; p < m; p++) {
            engine.gradient(train.x(), train.d(), p, 1, one, 0, false);
            for (int i = 0; i < sum.length; i++) sum[i] += one[i];
        }
        // float32 sums of 124 terms in a different order: differences of a few ulps of the largest term
        double max = Arrays.stream(sum).map(Math::abs).max().orElse(1);
        for (int i = 0; i < sum.length; i++) assertEquals(sum[i], batch[i], 1e-5 * max, "parameter " + i);

        // mean losses divide by m: the batch gradient is then the average
        Backprop meanEngine = new Backprop(net, Loss.MSE);
        float[] mean = new float[net.paramCount()];
        meanEngine.gradient(train.x(), train.d(), 0, m, mean, 0, false);
        for (int i = 0; i < sum.length; i++) assertEquals(sum[i] / m, mean[i], 1e-5 * max / m, "parameter " + i);
    }

    /** Same seed ⇒ bit-identical weights; another seed ⇒ different weights. */
    @Test
    void sameSeedGivesBitIdenticalWeights() throws Exception {
        DataSet train = MonkFormat.read(TestData.path("monks/monks-1.train"));
        float[][] w = new float[3][];
        long[] seeds = {11, 11, 12};
        for (int r = 0; r < 3; r++) {
            Network net = monkNet(seeds[r]);
            TrainingConfig cfg = TrainingConfig.builder().miniBatch(10).epochs(20)
                    .optimizer(() -> new Sgd(0.1, 0.9, false)).seed(seeds[r]).build();
            new Trainer(net, Loss.BINARY_CROSS_ENTROPY, cfg).fit(train);
            w[r] = net.params().clone();
        }
        assertArrayEquals(w[0], w[1]);
        assertFalse(Arrays.equals(w[0], w[2]));
    }

    @Test
    void shuffleIsAPermutationAndSeeded() {
        int[] a = new int[100], b = new int[100];
        for (int i = 0; i < 100; i++) a[i] = b[i] = i;
        new Rng(5).shuffle(a);
        new Rng(5).shuffle(b);
        assertArrayEquals(a, b);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 100; i++) assertEquals(i, sorted[i]);
        assertFalse(Arrays.equals(a, sorted));
    }
}
