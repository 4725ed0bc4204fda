package org.backprop4j.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backprop4j.kernel.KernelProvider;
import org.junit.jupiter.api.Test;

/**
 * scripts/bench's start-up cache is made by AotTraining's runs: its W1 run must be declared as long a run
 * as W1 itself (above KernelProvider.SCALAR_LOOPS_FLOPS), so that the element-wise loops' warm-up and
 * vector form run in it and the cache holds their classes and profiles.
 */
class AotTrainingTest {
    @Test
    void theW1RunIsDeclaredAsLongARunAsW1() {
        long weights = 784L * 256 + 256 + 256L * 128 + 128 + 128L * 10 + 10;
        double declared = 6.0 * weights * AotTraining.SAMPLES * AotTraining.epochs("W1");   // as Workloads.run declares it
        assertTrue(declared >= KernelProvider.SCALAR_LOOPS_FLOPS, "declared " + declared);
        assertTrue(6.0 * weights * Workloads.resolve("W1").trainSamples() * Workloads.resolve("W1").epochs() >= KernelProvider.SCALAR_LOOPS_FLOPS,
                "W1 itself");
    }
}
