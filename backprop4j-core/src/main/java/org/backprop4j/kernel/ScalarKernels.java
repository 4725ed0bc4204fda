package org.backprop4j.kernel;

/**
 * Plain Java loops: the reference kernel, always available. Loop orders are chosen so that the
 * innermost loop walks all arrays with the same unit-stride index (C2 can vectorize those).
 */
public final class ScalarKernels implements Kernels {
    /** Scratch rows borrowed for a call, grown as needed: no allocation per call in steady state. */
    private static final ScratchPool<float[][]> SCRATCH = new ScratchPool<>(() -> new float[][] {new float[64]});

    private static float[] scratch(float[][] h, int size) {
        if (h[0].length < size) h[0] = new float[Math.max(size, 2 * h[0].length)];
        return h[0];
    }

    /** {@return how many scratch rows have been made} For tests. */
    static long scratchCreated() {
        return SCRATCH.created();
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        SgemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (alpha == 0f) {   // BLAS: A and B are not referenced
            SgemmArgs.scaleC(beta, c, cOff, ldc, m, n);
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) c[ci + j] *= beta;
            }
        }
        float[][] h = SCRATCH.borrow();
        try {
            product(h, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        } finally {
            SCRATCH.release(h);
        }
    }

    /** C += alpha·op(A)·op(B), C already scaled by beta. */
    private static void product(float[][] h, boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc) {
        if (!transB) {
            // C[i,:] += alpha * A(i,p) * B[p,:]
            float[] row = scratch(h, n);
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(row, 0, n, 0f);
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    if (aip == 0f) continue;
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) row[j] += aip * b[bp + j];
                }
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) c[ci + j] += alpha * row[j];
            }
        } else {
            // C[i,j] += alpha * dot(A(i,:), B[j,:])
            float[] ai = scratch(h, k);
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) ai[p] = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    float s = 0f;
                    for (int p = 0; p < k; p++) s += ai[p] * b[bj + p];
                    c[ci + j] += alpha * s;
                }
            }
        }
    }
}
