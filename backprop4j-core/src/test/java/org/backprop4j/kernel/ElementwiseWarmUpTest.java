package org.backprop4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.backprop4j.train.Sgd;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Elementwise#scalarUntilWarm}: the run's threads take the scalar loops while a background
 * thread compiles the vector ones, then the vector ones; the switch changes no bit of a run's weights,
 * wherever in the run it comes.
 */
class ElementwiseWarmUpTest {
    @AfterEach
    void reset() {
        Elementwise.vectorFrom(Elementwise.VECTOR_MIN);
    }

    @Test
    void theScalarLoopsRunUntilTheVectorOnesAreCompiledThenTheVectorOnes() throws InterruptedException {
        assumeTrue(KernelProvider.vectorModulePresent(), "needs --add-modules jdk.incubator.vector");
        int len = 1 << 16;
        long start = System.nanoTime();
        Elementwise.scalarUntilWarm(120_000);
        assertTrue(Elementwise.warming());
        assertEquals("scalar", Elementwise.impl(len).name(), "while the vector loops are being compiled");
        long t0 = System.nanoTime();
        while (Elementwise.warming()) {
            if (System.nanoTime() - t0 > 120_000_000_000L) fail("the warm-up did not end");
            Thread.sleep(20);
        }
        assertEquals("vector", Elementwise.impl(len).name(), "after the warm-up");
        long at = Elementwise.vectorLoopsSince();
        assertTrue(at > start && at <= System.nanoTime(), "the switch's time is reported");
        assertEquals("scalar", Elementwise.impl(Elementwise.VECTOR_MIN - 1).name(), "short loops stay scalar");
    }

    @Test
    void aWarmUpThatRunsOutOfTimeLeavesTheScalarLoops() throws InterruptedException {
        assumeTrue(KernelProvider.vectorModulePresent(), "needs --add-modules jdk.incubator.vector");
        Elementwise.scalarUntilWarm(0);
        long t0 = System.nanoTime();
        while (Elementwise.warming()) {
            if (System.nanoTime() - t0 > 10_000_000_000L) fail("the warm-up did not end");
            Thread.sleep(5);
        }
        assertEquals("scalar", Elementwise.impl(1 << 16).name());
    }

    @Test
    void scalarOnlyEndsAWarmUpForGood() throws InterruptedException {
        assumeTrue(KernelProvider.vectorModulePresent(), "needs --add-modules jdk.incubator.vector");
        Elementwise.scalarUntilWarm(120_000);
        Elementwise.scalarOnly();
        assertFalse(Elementwise.warming());
        Thread.sleep(200);
        assertEquals("scalar", Elementwise.impl(1 << 16).name());
    }

    /** A mini-batch run whose element-wise loops are long enough for the vector form (hidden 300, logistic and tanh, softmax of 64 × 10). */
    static float[] train(Runnable atStart, int switchAfterEpoch) {
        return train(Activation.LOGISTIC, Activation.TANH, atStart, switchAfterEpoch);
    }

    /** {@link #train(Runnable, int)} with the two hidden layers' activations given. */
    static float[] train(Activation first, Activation second, Runnable atStart, int switchAfterEpoch) {
        Rng r = new Rng(5);
        int n = 512, in = 40, out = 10;
        float[] x = new float[n * in], d = new float[n * out];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-1, 1);
        for (int p = 0; p < n; p++) d[p * out + r.nextInt(out)] = 1f;
        Network net = Network.builder(in).layer(300, first).layer(300, second).layer(out, Activation.SOFTMAX)
                .build(Init.xavier(), 11);
        TrainingConfig cfg = TrainingConfig.builder().epochs(4).seed(3).miniBatch(64).shuffle(true).evaluateEachEpoch(false)
                .optimizer(() -> new Sgd(0.05, 0.9, false)).build();
        Trainer t = new Trainer(net, Loss.CROSS_ENTROPY, cfg, new ScalarKernels());
        t.addListener((stats, tr) -> {
            if (stats.epoch() == switchAfterEpoch) Elementwise.vectorFrom(Elementwise.VECTOR_MIN);
        });
        atStart.run();
        t.fit(new DataSet(x, d, in, out));
        return net.params().clone();
    }

    static void sameBits(String what, float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) fail(what + ": weight " + i + " is " + got[i] + ", want " + want[i]);
        }
    }

    @Test
    void theSwitchChangesNoWeight() throws InterruptedException {
        assumeTrue(KernelProvider.vectorModulePresent(), "needs --add-modules jdk.incubator.vector");
        float[] scalar = train(Elementwise::scalarOnly, -1);
        Elementwise.vectorFrom(Elementwise.VECTOR_MIN);
        float[] vector = train(() -> {}, -1);
        sameBits("vector loops throughout", scalar, vector);
        for (int e = 1; e <= 3; e++) {
            sameBits("scalar, vector after epoch " + e, scalar, train(Elementwise::scalarOnly, e));
        }
        // with the background warm-up itself, the switch wherever it comes
        for (int k = 0; k < 3; k++) {
            sameBits("with the warm-up, run " + k, scalar, train(() -> Elementwise.scalarUntilWarm(120_000), -1));
            while (Elementwise.warming()) Thread.sleep(10);
            Elementwise.vectorFrom(Elementwise.VECTOR_MIN);
        }
    }
}
