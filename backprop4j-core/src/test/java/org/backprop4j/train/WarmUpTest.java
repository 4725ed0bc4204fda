package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.backprop4j.kernel.KernelProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Trainer.warmUp changes nothing but time: the run after it gives the same weights, bit for bit. */
class WarmUpTest {

    @ParameterizedTest
    @ValueSource(strings = {"sgd:lr=0.05,momentum=0.9", "sgd:lr=0.05", "irprop-", "adam"})
    void aRunAfterWarmUpGivesTheSameWeights(String optimizer) {
        Rng r = new Rng(3);
        int size = 300, in = 20, out = 3;
        float[] x = new float[size * in], d = new float[size * out];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-1, 1);
        for (int p = 0; p < size; p++) d[p * out + (x[p * in] > 0.3 ? 0 : x[p * in + 1] > 0 ? 1 : 2)] = 1;
        DataSet train = new DataSet(x, d, in, out);
        TrainingConfig.Builder b = TrainingConfig.builder().epochs(4).seed(8).optimizer(optimizer).shuffle(true);
        if (optimizer.startsWith("irprop")) b.fullBatch();
        else b.miniBatch(32);
        TrainingConfig cfg = b.build();

        Network cold = Network.builder(in).layer(16, Activation.RELU).layer(out, Activation.SOFTMAX).build(Init.he(), 5);
        Network warm = cold.copy();
        float[] before = warm.params().clone();
        TrainingResult rc = new Trainer(cold, Loss.CROSS_ENTROPY, cfg, KernelProvider.get()).fit(train);

        Trainer t = new Trainer(warm, Loss.CROSS_ENTROPY, cfg, KernelProvider.get());
        double secs = t.warmUp(train, 2000);
        assertArrayEquals(before, warm.params(), "warmUp leaves the network's weights alone");
        assertTrue(secs >= 0 && secs < 10, "warm-up bounded by its budget (plus one round): " + secs);
        TrainingResult rw = t.fit(train);
        assertArrayEquals(cold.params(), warm.params(), "same weights after warm-up");
        assertEquals(rc.last().loss(), rw.last().loss(), 0.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd:lr=0.05,momentum=0.9", "sgd:lr=0.01", "irprop-"})
    void aRunAfterABackgroundPrimerGivesTheSameWeights(String optimizer) throws InterruptedException {
        Rng r = new Rng(4);
        int size = 200, in = 12, out = 3;
        float[] x = new float[size * in], d = new float[size * out];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-1, 1);
        for (int p = 0; p < size; p++) d[p * out + (x[p * in] > 0.3 ? 0 : x[p * in + 1] > 0 ? 1 : 2)] = 1;
        DataSet train = new DataSet(x, d, in, out);
        TrainingConfig.Builder b = TrainingConfig.builder().epochs(3).seed(9).optimizer(optimizer).shuffle(true);
        if (optimizer.startsWith("irprop")) b.fullBatch();
        else if (optimizer.equals("sgd:lr=0.01")) b.online();
        else b.miniBatch(16);
        TrainingConfig cfg = b.build();
        Network cold = Network.builder(in).layer(8, Activation.LOGISTIC).layer(out, Activation.SOFTMAX).build(Init.xavier(), 6);
        Network primed = cold.copy();
        float[] before = primed.params().clone();
        new Trainer(cold, Loss.CROSS_ENTROPY, cfg, KernelProvider.get()).fit(train);

        Trainer t = new Trainer(primed, Loss.CROSS_ENTROPY, cfg, KernelProvider.get());
        long t0 = System.nanoTime();
        try (Trainer.Primer p = t.primeInBackground(64, 60_000)) {
            Thread.sleep(200);   // the primer trains its scratch copy meanwhile
        }
        // close() stops it after its current round, long before its 60 s budget
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "the primer stopped when closed");
        assertArrayEquals(before, primed.params(), "the primer leaves the network's weights alone");
        t.fit(train);
        assertArrayEquals(cold.params(), primed.params(), "same weights after a background primer");
    }
}
