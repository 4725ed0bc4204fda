package org.backprop4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.backprop4j.Rng;

/**
 * Splitting a product across threads gives bit-identical results to one thread, for every kernel
 * (OpenBLAS included, whose results depend on the sizes it is called with: the blocks do not
 * depend on the thread count).
 */
class ParallelKernelsTest {

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"scalar", "vector", "openblas"})
    void anyThreadCountGivesBitIdenticalResults(String kernel) {
        Kernels base = KernelProvider.byName(kernel);
        org.junit.jupiter.api.Assumptions.assumeTrue(base != null, kernel + " kernels not available here");
        try (ParallelKernels one = new ParallelKernels(base, 1); ParallelKernels two = new ParallelKernels(base, 2); ParallelKernels three = new ParallelKernels(base, 3)) {
            Rng r = new Rng(9);
            int[][] shapes = {{64, 256, 784}, {256, 784, 64}, {300, 17, 500}, {7, 900, 400}, {1, 64, 784}, {64, 784, 1}, {1, 40, 500}};
            for (int[] s : shapes) {
                for (int ta = 0; ta < 2; ta++) {
                    for (int tb = 0; tb < 2; tb++) {
                        int m = s[0], n = s[1], k = s[2];
                        boolean transA = ta == 1, transB = tb == 1;
                        float[] a = random(r, m * k), b = random(r, k * n);
                        float[] c1 = random(r, m * n), c2 = c1.clone(), c3 = c1.clone();
                        int lda = transA ? m : k, ldb = transB ? k : n;
                        one.sgemm(transA, transB, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, 1f, c1, 0, n);
                        two.sgemm(transA, transB, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, 1f, c2, 0, n);
                        three.sgemm(transA, transB, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, 1f, c3, 0, n);
                        assertArrayEquals(c1, c2, "2 threads, shape " + m + "x" + n + "x" + k + " transA=" + transA + " transB=" + transB);
                        assertArrayEquals(c1, c3, "3 threads");
                    }
                }
            }
        }
    }

    /**
     * sgemmAddTo (the fused momentum update) gives C exactly as sgemm does and W + C exactly (the
     * elements outside the m×n block untouched), for any thread count and for products split into
     * blocks or not, including an offset sub-matrix whose row stride is wider than its columns.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"scalar", "vector", "openblas"})
    void sgemmAddToIsSgemmThenAnExactAdd(String kernel) {
        Kernels base = KernelProvider.byName(kernel);
        org.junit.jupiter.api.Assumptions.assumeTrue(base != null, kernel + " kernels not available here");
        try (ParallelKernels one = new ParallelKernels(base, 1); ParallelKernels two = new ParallelKernels(base, 2)) {
            Rng r = new Rng(11);
            int[][] shapes = {{256, 784, 64}, {128, 256, 64}, {10, 128, 64}, {64, 700, 1}};
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                for (int ldcExtra : new int[] {0, 5}) {
                    int ldc = n + ldcExtra, off = 3;
                    float[] a = random(r, k * m), b = random(r, k * n);
                    float[] c0 = random(r, off + m * ldc), w0 = random(r, off + m * ldc);
                    float[] cRef = c0.clone();
                    one.sgemm(true, false, m, n, k, -0.05f, a, 0, m, b, 0, n, 0.9f, cRef, off, ldc);
                    float[] wRef = w0.clone();
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) wRef[off + i * ldc + j] = w0[off + i * ldc + j] + cRef[off + i * ldc + j];
                    }
                    for (ParallelKernels pk : new ParallelKernels[] {one, two}) {
                        float[] c = c0.clone(), w = w0.clone();
                        pk.sgemmAddTo(true, false, m, n, k, -0.05f, a, 0, m, b, 0, n, 0.9f, c, off, ldc, w, off);
                        String what = m + "x" + n + "x" + k + " ldc=" + ldc + " threads=" + pk.threads();
                        assertArrayEquals(cRef, c, "C " + what);
                        assertArrayEquals(wRef, w, "W " + what);
                    }
                }
            }
        }
    }

    private static float[] random(Rng r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.uniform(-1, 1);
        return a;
    }
}
