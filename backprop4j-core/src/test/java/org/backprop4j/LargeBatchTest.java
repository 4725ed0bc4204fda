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
}
