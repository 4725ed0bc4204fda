package org.backprop4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every prediction entry point of {@link Predictor} (one pattern, its class, a batch of any size)
 * called in every order on one predictor from many threads gives, in full (every value and the
 * length), what a fresh predictor gives for that call alone. Issue 24.1: after {@code predict(x, 300)}
 * a single-pattern call returned the engine's whole 256-row buffer.
 */
class PredictorEntryPointsTest {

    private static final int INPUTS = 12;
    private static final int PATTERNS = 300;
    /** Batch sizes: one row, exactly and more than the predictor's 256-row chunk (all rows). */
    private static final int[] BATCHES = {1, 256, PATTERNS};
    /** Single-pattern and classify calls go over these many patterns per operation. */
    private static final int SINGLES = 20;

    @ParameterizedTest(name = "{0} kernels, {1} outputs")
    @CsvSource({"scalar,10", "scalar,1", "vector,10", "vector,1", "openblas,10", "openblas,1", "default,10", "default,1"})
    void everyEntryPointInEveryOrderFromManyThreadsMatchesAFreshPredictor(String kernel, int outputs) throws Exception {
        Kernels k = kernel.equals("default") ? KernelProvider.get() : KernelProvider.byName(kernel);
        Assumptions.assumeTrue(k != null, kernel + " kernels not available here");
        Network net = Network.builder(INPUTS).layer(24, Activation.TANH)
                .layer(outputs, outputs == 1 ? Activation.LOGISTIC : Activation.SOFTMAX).build(Init.xavier(), 7);
        Loss loss = outputs == 1 ? Loss.BINARY_CROSS_ENTROPY : Loss.CROSS_ENTROPY;
        Rng r = new Rng(3);
        float[] x = new float[PATTERNS * INPUTS];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-2, 2);

        // references: a new predictor for every single call
        float[][] single = new float[SINGLES][];
        int[] cls = new int[SINGLES];
        for (int p = 0; p < SINGLES; p++) {
            single[p] = new Predictor(net, loss, k).predict(row(x, p));
            assertEquals(outputs, single[p].length);
            cls[p] = new Predictor(net, loss, k).classify(row(x, p));
        }
        float[][] batch = new float[BATCHES.length][];
        for (int b = 0; b < BATCHES.length; b++) {
            batch[b] = new Predictor(net, loss, k).predict(x, BATCHES[b]);
            assertEquals(BATCHES[b] * outputs, batch[b].length);
        }

        // operations 0..1: single predict / classify; 2..: batches; every permutation of all of them
        int ops = 2 + BATCHES.length;
        List<int[]> orders = new ArrayList<>();
        permutations(new int[ops], new boolean[ops], 0, orders);
        Predictor shared = new Predictor(net, loss, k);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                final int first = t;
                done.add(pool.submit(() -> {
                    int checked = 0;
                    // each thread runs its share of the orders one after another on the shared
                    // predictor, so its engine carries whatever the previous order left
                    for (int o = first; o < orders.size(); o += 6) {
                        for (int op : orders.get(o)) {
                            checked += run(shared, op, x, single, cls, batch, "order " + Arrays.toString(orders.get(o)));
                        }
                    }
                    return checked;
                }));
            }
            int total = 0;
            for (Future<Integer> f : done) total += f.get();
            // every order ran every operation exactly once
            assertEquals(orders.size() * (2 * SINGLES + BATCHES.length), total);
        } finally {
            pool.shutdown();
        }
    }

    private static int run(Predictor pred, int op, float[] x, float[][] single, int[] cls, float[][] batch, String where) {
        if (op == 0) {
            for (int p = 0; p < SINGLES; p++) assertArrayEquals(single[p], pred.predict(row(x, p)), where + ", predict(row " + p + ")");
            return SINGLES;
        }
        if (op == 1) {
            for (int p = 0; p < SINGLES; p++) assertEquals(cls[p], pred.classify(row(x, p)), where + ", classify(row " + p + ")");
            return SINGLES;
        }
        int b = op - 2;
        assertArrayEquals(batch[b], pred.predict(x, BATCHES[b]), where + ", predict(x, " + BATCHES[b] + ")");
        return 1;
    }

    private static float[] row(float[] x, int p) {
        return Arrays.copyOfRange(x, p * INPUTS, (p + 1) * INPUTS);
    }

    private static void permutations(int[] cur, boolean[] used, int depth, List<int[]> out) {
        if (depth == cur.length) {
            out.add(cur.clone());
            return;
        }
        for (int i = 0; i < cur.length; i++) {
            if (used[i]) continue;
            used[i] = true;
            cur[depth] = i;
            permutations(cur, used, depth + 1, out);
            used[i] = false;
        }
    }

    @Test
    void badArgumentsAreRefusedClearly() {
        Network net = Network.builder(3).layer(2, Activation.SOFTMAX).build(Init.xavier(), 1);
        Predictor p = new Predictor(net, Loss.CROSS_ENTROPY, KernelProvider.byName("scalar"));
        assertThrows(IllegalArgumentException.class, () -> p.predict(new float[2]));
        assertThrows(IllegalArgumentException.class, () -> p.predict(new float[5], 2));
        assertThrows(IllegalArgumentException.class, () -> p.predict(new float[3], -1));
        assertEquals(0, p.predict(new float[0], 0).length);
    }
}
