package org.backprop4j.bench;

import java.util.concurrent.TimeUnit;
import org.backprop4j.Rng;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;
import org.openjdk.jmh.annotations.*;

/** sgemm shapes of the W1 workload (KERNELS.md's S1, S3) per kernel implementation. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SgemmBenchmark {
    @Param({"scalar"})
    public String kernel;
    @Param({"64x784x256", "64x256x128"})
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

    /** Forward product NET = O·Wᵀ. */
    @Benchmark
    public float[] forwardNT() {
        k.sgemm(false, true, m, n, kk, 1f, a, 0, kk, b, 0, kk, 0f, c, 0, n);
        return c;
    }
}
