package org.backprop4j.bench;

import java.util.concurrent.TimeUnit;
import org.backprop4j.Rng;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;
import org.openjdk.jmh.annotations.*;

/**
 * sgemm per kernel implementation on the shapes of KERNELS.md (M×K×N: S1 64x784x256 mini-batch first
 * layer, S2 256x784x256, S3 64x256x128, 64x128x10 the 10-class output layer of W1, S4 1x784x64 online
 * gemv) in the three transposition cases
 * backprop uses: NT (forward NET = O·Wᵀ), TN (gradient Δᵀ·O), NN (backward Δ·W). Every case computes
 * C (M×N) = op(A) (M×K) · op(B) (K×N), i.e. 2·M·N·K flops per call; scripts/bench-kernels turns the
 * throughput into GFLOP/s. Run with scripts/bench-kernels (never as a test).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SgemmBenchmark {
    @Param({"scalar", "vector", "openblas"})
    public String kernel;
    /** M×K×N. */
    @Param({"64x784x256", "256x784x256", "64x256x128", "64x128x10", "1x784x64"})
    public String shape;

    private Kernels k;
    private float[] a, b, c;
    private int m, n, kk;

    @Setup
    public void setup() {
        k = KernelProvider.byName(kernel);
        if (k == null) throw new IllegalStateException("kernel " + kernel + " not available");
        String[] s = shape.split("x");
        m = Integer.parseInt(s[0]);
        kk = Integer.parseInt(s[1]);
        n = Integer.parseInt(s[2]);
        Rng r = new Rng(1);
        a = new float[m * kk];
        b = new float[n * kk];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.uniform(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) r.uniform(-1, 1);
    }

    /** Forward NET = O·Wᵀ: A M×K, B stored N×K. */
    @Benchmark
    public float[] nt() {
        k.sgemm(false, true, m, n, kk, 1f, a, 0, kk, b, 0, kk, 0f, c, 0, n);
        return c;
    }

    /** Weight gradient Δᵀ·O: A stored K×M, B K×N. */
    @Benchmark
    public float[] tn() {
        k.sgemm(true, false, m, n, kk, 1f, a, 0, m, b, 0, n, 0f, c, 0, n);
        return c;
    }

    /** Backward Δ·W: A M×K, B K×N. */
    @Benchmark
    public float[] nn() {
        k.sgemm(false, false, m, n, kk, 1f, a, 0, kk, b, 0, n, 0f, c, 0, n);
        return c;
    }
}
