package org.backprop4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;
import org.backprop4j.kernel.ParallelKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast engine allocates nothing per step once its buffers are sized (issue 5). */
class EngineAllocationTest {

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector", "openblas"})
    void gradientStepsAllocateNothingInSteadyState(String kernel) {
        Kernels base = KernelProvider.byName(kernel);
        org.junit.jupiter.api.Assumptions.assumeTrue(base != null, kernel + " not available");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        try (ParallelKernels k = new ParallelKernels(base, 2)) {
            // wide enough for the products to be split across threads
            Network net = Network.builder(100).layer(256, Activation.RELU).layer(10, Activation.SOFTMAX).build(Init.he(), 1);
            Backprop bp = new Backprop(net, Loss.CROSS_ENTROPY, k);
            Rng r = new Rng(2);
            float[] x = new float[64 * 100], d = new float[64 * 10];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
            for (int p = 0; p < 64; p++) d[p * 10 + r.nextInt(10)] = 1;
            float[] g = new float[net.paramCount()];
            for (int i = 0; i < 1500; i++) {     // warm-up: buffers sized, code compiled by C2
                bp.gradient(x, d, 0, 64, g, 0.001, false);
                bp.gradient(x, d, i % 64, 1, g, 0, false);
            }
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 200; i++) {
                bp.gradient(x, d, 0, 64, g, 0.001, false);
                bp.gradient(x, d, i % 64, 1, g, 0, false);
            }
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            // any per-step array (the smallest buffer here is 10 floats) would add ≥ 400·56 bytes.
            // OpenBLAS through FFM wraps each array in a MemorySegment per call (~200 bytes, no data
            // copied; docs/KERNELS.md): bounded, not zero, for that kernel only.
            long bound = kernel.equals("openblas") ? 400L * 10 * 256 : 4096;
            assertTrue(allocated < bound, kernel + ": 400 steps allocated " + allocated + " bytes");
        }
    }
}
