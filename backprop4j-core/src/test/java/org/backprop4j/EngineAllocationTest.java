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
          // wide enough for the products to be split across threads; and tiny, so that element-wise
          // tails reach the ends of the engine's arrays
          for (Network net : new Network[] {
                  Network.builder(100).layer(256, Activation.RELU).layer(10, Activation.SOFTMAX).build(Init.he(), 1),
                  Network.builder(100).layer(8, Activation.TANH).layer(3, Activation.LOGISTIC).build(Init.xavier(), 1)}) {
            int nL = net.outputs();
            Backprop bp = new Backprop(net, nL == 10 ? Loss.CROSS_ENTROPY : Loss.BINARY_CROSS_ENTROPY, k);
            Rng r = new Rng(2);
            float[] x = new float[64 * 100], d = new float[64 * nL];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
            for (int p = 0; p < 64; p++) d[p * nL + r.nextInt(nL)] = 1;
            float[] g = new float[net.paramCount()];
            double[] sums = new double[2];
            // Steady state = once C2 has compiled the loops (interpreted or C1-compiled Vector API code
            // allocates a box per operation, and when C2 gets to it depends on the rest of the JVM's
            // work). So: windows of 500 steps (100 × a batch, one pattern, three online patterns) until one allocates (almost) nothing, within a bound.
            // A per-step array (the smallest buffer here is 10 floats) would make every window ≥ 500·56 bytes.
            // OpenBLAS through FFM wraps each array in a MemorySegment per call (~200 bytes, no data
            // copied; docs/KERNELS.md): bounded, not zero, for that kernel only.
            long bound = kernel.equals("openblas") ? 500L * 10 * 256 : 2048;
            long allocated = Long.MAX_VALUE;
            for (int window = 0; window < 100 && allocated >= bound; window++) {
                long before = mx.getThreadAllocatedBytes(tid);
                for (int i = 0; i < 100; i++) {
                    bp.gradient(x, d, 0, 64, g, 0.001, false);
                    bp.gradient(x, d, i % 64, 1, g, 0, false);
                    bp.descendOnline(x, d, null, i % 32, 3, 1e-4f, sums);   // online steps, the fused first layer
                }
                allocated = mx.getThreadAllocatedBytes(tid) - before;
            }
            assertTrue(allocated < bound, kernel + ", " + net.describe() + ": 500 steps still allocated " + allocated + " bytes after 50,000 steps");
          }
        }
    }
}
