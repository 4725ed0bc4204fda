package org.backprop4j.kernel;

/**
 * The products of online training — one row (m = 1: forward and backward gemv) or one pattern
 * (k = 1: the outer product of the weight update) — go to one kernel, all others to another. The
 * route depends only on the shape, so results stay deterministic. {@code auto} uses it to send them
 * to OpenBLAS when both it and the Vector API are available: a run of online training is often over
 * before the JIT has compiled the Java kernels, while the native ones are fast at once (W2:
 * 20k → 105k samples/s, BENCHMARKS.md).
 */
public final class RoutedKernels implements Kernels {
    private final Kernels main;
    private final Kernels gemv;

    public RoutedKernels(Kernels main, Kernels gemv) {
        this.main = main;
        this.gemv = gemv;
    }

    public Kernels main() {
        return main;
    }

    public Kernels gemv() {
        return gemv;
    }

    @Override
    public String name() {
        return main.name();
    }

    @Override
    public String toString() {
        return main + " (one-row products: " + gemv + ")";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        (m == 1 || k == 1 ? gemv : main).sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
