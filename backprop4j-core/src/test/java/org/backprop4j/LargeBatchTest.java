package org.backprop4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backprop4j.reference.ReferenceNetwork;
import org.junit.jupiter.api.Test;

/** Batches larger than the engine's chunk size give the full-batch gradient (seed 003's sum). */
class LargeBatchTest {

    @Test
    void batchesLargerThanOneChunkMatchTheReference() {
        int m = 2 * Backprop.CHUNK + 123;
        Network net = Network.builder(3).layer(4, Activation.TANH).layer(3, Activation.SOFTMAX).build(Init.xavier(), 5);
        Rng r = new Rng(6);
        float[] x = new float[m * 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-2, 2);
        float[] d = NetworkFixtures.targets(Activation.SOFTMAX, Loss.CROSS_ENTROPY, m, 3, r);
        for (Loss loss : new Loss[] {Loss.CROSS_ENTROPY, Loss.SSE}) {
            float[] g = new float[net.paramCount()];
            double sumE = new Backprop(net, loss).gradient(x, d, 0, m, g, 0.01, false);
            ReferenceNetwork.Gradient rg = new ReferenceNetwork(net, loss)
                    .gradient(NetworkFixtures.rows(x, m, 3), NetworkFixtures.rows(d, m, 3), 0.01, false);
            double[] flat = rg.flat();
            double max = 0;
            for (double v : flat) max = Math.max(max, Math.abs(v));
            // float32 sums over ~4,000 patterns: relative error grows like √m·ε ≈ 4e-6 (random-walk
            // rounding), up to m·ε ≈ 2.5e-4 in the worst case; 5e-4 of the largest entry is safe.
            for (int i = 0; i < flat.length; i++) {
                assertTrue(Math.abs(flat[i] - g[i]) <= 5e-4 * max, loss + " parameter " + i + ": " + flat[i] + " vs " + g[i]);
            }
            double e = loss.scale(m) * sumE + Backprop.decayPenalty(net, 0.01, false);
            assertTrue(Math.abs(e - rg.error) <= 1e-5 * Math.abs(rg.error), loss + " error " + e + " vs " + rg.error);
        }
    }

    /** A chunk's inputs fit in 1 MB (2¹⁸ floats), a power of two of rows within 64 .. CHUNK. */
    @Test
    void groupChunksFollowTheInputWidth() {
        org.junit.jupiter.api.Assertions.assertEquals(256, Backprop.groupChunk(784));     // Fashion-MNIST: 784 KB
        org.junit.jupiter.api.Assertions.assertEquals(512, Backprop.groupChunk(512));
        org.junit.jupiter.api.Assertions.assertEquals(Backprop.CHUNK, Backprop.groupChunk(3));
        org.junit.jupiter.api.Assertions.assertEquals(64, Backprop.groupChunk(100_000));
    }

    /** One group per two chunks, 2 .. 16, and no more than 64 MB of group gradients. */
    @Test
    void groupCountFollowsTheChunksAndTheParameterCount() {
        org.junit.jupiter.api.Assertions.assertEquals(16, Backprop.groups(60_000, 256, 101_770));   // W3
        org.junit.jupiter.api.Assertions.assertEquals(2, Backprop.groups(Backprop.CHUNK + 1, Backprop.CHUNK, 100));
        org.junit.jupiter.api.Assertions.assertEquals(6, Backprop.groups(13 * 256, 256, 100));
        org.junit.jupiter.api.Assertions.assertEquals(4, Backprop.groups(60_000, 256, 4_000_000));  // 4 × 16 MB
        org.junit.jupiter.api.Assertions.assertEquals(2, Backprop.groups(60_000, 256, 50_000_000));
    }

    /**
     * Large batches are split into groups that run on the kernel threads: the gradient and the error
     * are the same bits whatever the thread count (1, 2, 3 threads, and the bare single-threaded
     * kernels), for 2 groups (m just over one chunk, and 5 chunks) and, with 1,024 inputs (chunks of
     * 256 rows), 6 groups of 2 or 3 chunks, the last one short.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"40, 2049", "40, 8269", "1024, 3149"})
    void groupGradientsAreTheSameBitsForAnyThreadCount(int inputs, int m) {
        Network net = Network.builder(inputs).layer(24, Activation.TANH).layer(5, Activation.SOFTMAX).build(Init.xavier(), 7);
        Rng r = new Rng(8);
        float[] x = new float[m * inputs];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-1, 1);
        float[] d = NetworkFixtures.targets(Activation.SOFTMAX, Loss.CROSS_ENTROPY, m, 5, r);
        org.backprop4j.kernel.Kernels base = org.backprop4j.kernel.KernelProvider.byName("vector");
        if (base == null) base = new org.backprop4j.kernel.ScalarKernels();
        float[] g1 = new float[net.paramCount()];
        double e1 = new Backprop(net, Loss.CROSS_ENTROPY, base).gradient(x, d, 0, m, g1, 0.001, false);
        // every row counted once: the groups' sum is the reference gradient (tolerance as above)
        ReferenceNetwork.Gradient rg = new ReferenceNetwork(net, Loss.CROSS_ENTROPY)
                .gradient(NetworkFixtures.rows(x, m, inputs), NetworkFixtures.rows(d, m, 5), 0.001, false);
        double[] flat = rg.flat();
        double max = 0;
        for (double v : flat) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < flat.length; i++) {
            assertTrue(Math.abs(flat[i] - g1[i]) <= 5e-4 * max, "parameter " + i + ": " + flat[i] + " vs " + g1[i]);
        }
        double err = Loss.CROSS_ENTROPY.scale(m) * e1 + Backprop.decayPenalty(net, 0.001, false);
        assertTrue(Math.abs(err - rg.error) <= 1e-5 * Math.abs(rg.error), "error " + err + " vs " + rg.error);
        for (int threads = 1; threads <= 3; threads++) {
            try (org.backprop4j.kernel.ParallelKernels pk = new org.backprop4j.kernel.ParallelKernels(base, threads)) {
                Backprop e = new Backprop(net, Loss.CROSS_ENTROPY, pk);
                for (int rep = 0; rep < 2; rep++) {          // the second call reuses the group buffers
                    float[] g = new float[net.paramCount()];
                    double sumE = e.gradient(x, d, 0, m, g, 0.001, false);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(g1, g, threads + " threads, call " + rep);
                    org.junit.jupiter.api.Assertions.assertEquals(e1, sumE, 0.0, "error, " + threads + " threads");
                }
            }
        }
    }
}
