package org.backprop4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.backprop4j.data.BuiltinData;
import org.backprop4j.data.DataSet;
import org.backprop4j.kernel.ParallelKernels;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;
import org.backprop4j.train.Sgd;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Predictions from many threads at once; training identical for 1 and 2 compute threads. */
class ConcurrencyTest {

    @Test
    void manyThreadsPredictTheSameAsOne() throws Exception {
        Network net = Network.builder(20).layer(64, Activation.TANH).layer(5, Activation.SOFTMAX).build(Init.xavier(), 1);
        Predictor pred = new Predictor(net, Loss.CROSS_ENTROPY);
        Rng r = new Rng(2);
        int m = 500;
        float[] x = new float[m * 20];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-1, 1);
        float[] expected = pred.predict(x, m);
        // one pattern at a time may differ in the last bit from a batch (BLAS libraries use other
        // code paths for m = 1), so single-pattern calls are compared with single-pattern calls
        float[] expectedSingle = new float[m * 5];
        for (int p = 0; p < m; p++) {
            float[] o = pred.predict(java.util.Arrays.copyOfRange(x, p * 20, p * 20 + 20));
            org.junit.jupiter.api.Assertions.assertEquals(5, o.length, "one pattern gives exactly the outputs of one pattern");
            System.arraycopy(o, 0, expectedSingle, p * 5, 5);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<float[]>> fs = new ArrayList<>();
            List<Future<float[]>> singles = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                final int shift = t;
                singles.add(pool.submit(() -> {
                    // mix batch sizes and single patterns so the threads' buffers differ
                    float[] out = new float[m * 5];
                    for (int p = 0; p < m; p++) {
                        int q = (p + shift) % m;
                        float[] xi = java.util.Arrays.copyOfRange(x, q * 20, q * 20 + 20);
                        float[] o = pred.predict(xi);
                        // the whole array, not its first 5 values: a longer one is wrong (issue 24.1)
                        if (o.length != 5) throw new AssertionError("pattern " + q + ": " + o.length + " outputs, not 5");
                        System.arraycopy(o, 0, out, q * 5, 5);
                    }
                    return out;
                }));
                fs.add(pool.submit(() -> pred.predict(x, m)));
            }
            for (Future<float[]> f : fs) assertArrayEquals(expected, f.get());
            for (Future<float[]> f : singles) assertArrayEquals(expectedSingle, f.get());
        } finally {
            pool.shutdown();
        }
    }

    /**
     * 10,000 virtual threads, each a task of a server, predict one pattern or a batch: exactly the
     * results of one thread, and the engines are made as often as predictions run at once (at most a
     * carrier thread per processor), not once per thread.
     */
    @Test
    void virtualThreadsPredictTheSameAsOneWithBoundedEngines() throws Exception {
        Network net = Network.builder(20).layer(64, Activation.TANH).layer(5, Activation.SOFTMAX).build(Init.xavier(), 3);
        Predictor pred = new Predictor(net, Loss.CROSS_ENTROPY);
        Rng r = new Rng(4);
        int m = 60, tasks = 10_000;   // batches below ParallelKernels' split: no task waits while it holds an engine
        float[] x = new float[m * 20];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-1, 1);
        float[] expected = pred.predict(x, m);
        float[][] expectedSingle = new float[m][];
        for (int p = 0; p < m; p++) expectedSingle[p] = pred.predict(java.util.Arrays.copyOfRange(x, p * 20, p * 20 + 20));
        org.junit.jupiter.api.Assertions.assertEquals(1, pred.enginesCreated(), "one thread: one engine");
        List<Future<float[]>> fs = new ArrayList<>(tasks);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < tasks; t++) {
                int p = t % (m + 1);   // p = m: the whole batch
                fs.add(pool.submit(() -> p == m ? pred.predict(x, m) : pred.predict(java.util.Arrays.copyOfRange(x, p * 20, p * 20 + 20))));
            }
            for (int t = 0; t < tasks; t++) {
                int p = t % (m + 1);
                assertArrayEquals(p == m ? expected : expectedSingle[p], fs.get(t).get(), "task " + t);
            }
        }
        long bound = 4L * Runtime.getRuntime().availableProcessors();
        org.junit.jupiter.api.Assertions.assertTrue(pred.enginesCreated() <= bound,
                pred.enginesCreated() + " engines for " + tasks + " virtual threads");
    }

    /** For every kernel present (the default one, OpenBLAS or Vector API, is what users train with). */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector", "openblas"})
    void trainingIsBitIdenticalForOneAndTwoThreads(String kernel) {
        Kernels base = KernelProvider.byName(kernel);
        Assumptions.assumeTrue(base != null, kernel + " kernels not available here");
        DataSet data = BuiltinData.twoSpirals(400);
        float[][] w = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            // wide enough layers that the products are split across threads
            Network net = Network.builder(2).layer(512, Activation.TANH).layer(512, Activation.TANH).layer(1, Activation.LOGISTIC)
                    .build(Init.xavier(), 3);
            try (ParallelKernels k = new ParallelKernels(base, threads)) {
                TrainingConfig cfg = TrainingConfig.builder().miniBatch(200).epochs(3).optimizer(() -> new Sgd(0.1, 0.9, false))
                        .seed(4).build();
                new Trainer(net, Loss.BINARY_CROSS_ENTROPY, cfg, k).fit(data);
            }
            w[threads - 1] = net.params().clone();
        }
        assertArrayEquals(w[0], w[1]);
    }

    /**
     * With two threads the trainer copies the next shuffled batch in the background (an idle worker
     * does it while the current batch trains, when the first layer's product is split across the
     * threads: here 2·150·100·256 flops); the weights must be the same bits as with one thread and
     * as with kernels that are not parallel at all — for the fused momentum path and the
     * gradient-then-step path (Adam), with a last batch shorter than the others (400 = 150+150+100).
     */
    @ParameterizedTest
    @ValueSource(strings = {"sgd", "adam"})
    void backgroundBatchCopiesGiveTheSameWeights(String rule) {
        org.backprop4j.Rng r = new org.backprop4j.Rng(12);
        int rows = 400, in = 100;
        float[] x = new float[rows * in], d = new float[rows];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-1, 1);
        for (int i = 0; i < rows; i++) d[i] = x[i * in] + x[i * in + 1] > 0 ? 1f : 0f;
        DataSet data = new DataSet(x, d, in, 1);
        Kernels base = new org.backprop4j.kernel.ScalarKernels();
        float[][] w = new float[3][];
        long[] jobs = new long[3];
        for (int run = 0; run < 3; run++) {
            Network net = Network.builder(in).layer(256, Activation.TANH).layer(1, Activation.LOGISTIC).build(Init.xavier(), 5);
            TrainingConfig cfg = TrainingConfig.builder().miniBatch(150).epochs(3)
                    .optimizer(rule.equals("sgd") ? () -> new Sgd(0.1, 0.9, false) : () -> new org.backprop4j.train.Adam(0.01))
                    .seed(6).build();
            if (run == 0) {
                new Trainer(net, Loss.BINARY_CROSS_ENTROPY, cfg, base).fit(data);
            } else {
                try (ParallelKernels k = new ParallelKernels(base, run)) {
                    new Trainer(net, Loss.BINARY_CROSS_ENTROPY, cfg, k).fit(data);
                    jobs[run] = k.backgroundJobs();
                }
            }
            w[run] = net.params().clone();
        }
        assertArrayEquals(w[0], w[1], "one thread");
        assertArrayEquals(w[0], w[2], "two threads");
        org.junit.jupiter.api.Assertions.assertEquals(0, jobs[1], "one thread: no background copies");
        org.junit.jupiter.api.Assertions.assertEquals(3 * 2, jobs[2], "two threads: batches 2 and 3 of each epoch copied in the background");
    }
}
