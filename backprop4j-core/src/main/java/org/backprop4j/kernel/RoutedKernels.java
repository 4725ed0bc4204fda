package org.backprop4j.kernel;

/**
 * Products with one row (m = 1: the gemv of online training) go to one kernel, all others to
 * another. The route depends only on the shape, so results stay deterministic. {@code auto} uses it
 * to send gemv to OpenBLAS when both it and the Vector API are available: a run of online training
 * is often over before the JIT has compiled the Java gemv, while the native one is fast at once
 * (W2: BENCHMARKS.md).
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
        (m == 1 ? gemv : main).sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
