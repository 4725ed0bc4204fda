package org.backprop4j.kernel;

/**
 * Argument checks and the degenerate cases shared by the kernels. A native kernel reads heap arrays
 * directly, so an out-of-range offset or leading dimension must be rejected here, before the call,
 * with a message naming the matrix.
 */
final class SgemmArgs {
    private SgemmArgs() {}

    /** Throws {@link IllegalArgumentException} unless every element the product touches lies inside its array. */
    static void check(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative dimension (m=" + m + ", n=" + n + ", k=" + k + ")");
        }
        if (m == 0 || n == 0) return;
        matrix("C", c, cOff, ldc, m, n);
        if (k == 0) return;
        // A is stored k×m when transposed, B is stored n×k when transposed (BLAS row-major convention)
        matrix(transA ? "A (transposed, stored k×m)" : "A (m×k)", a, aOff, lda, transA ? k : m, transA ? m : k);
        matrix(transB ? "B (transposed, stored n×k)" : "B (k×n)", b, bOff, ldb, transB ? n : k, transB ? k : n);
    }

    /** For sgemmAddTo: W, laid out like C (row stride ldc), must hold the m×n block at wOff. */
    static void checkW(int m, int n, float[] w, int wOff, int ldc) {
        if (m > 0 && n > 0) matrix("W", w, wOff, ldc, m, n);
    }

    private static void matrix(String name, float[] x, int off, int ld, int rows, int cols) {
        if (x == null) throw new IllegalArgumentException("sgemm: matrix " + name + " is null");
        if (off < 0) throw new IllegalArgumentException("sgemm: matrix " + name + " has negative offset " + off);
        if (ld < cols) {
            throw new IllegalArgumentException("sgemm: matrix " + name + " has leading dimension " + ld
                    + " < its " + cols + " columns");
        }
        long end = (long) off + (long) (rows - 1) * ld + cols;
        if (end > x.length) {
            throw new IllegalArgumentException("sgemm: matrix " + name + " (" + rows + "×" + cols + ", offset " + off
                    + ", leading dimension " + ld + ") needs " + end + " array elements, the array has " + x.length);
        }
    }

    /** C = beta·C over m×n, with beta = 0 meaning "set to 0" (old contents ignored, even NaN). */
    static void scaleC(float beta, float[] c, int cOff, int ldc, int m, int n) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else {
                for (int j = 0; j < n; j++) c[ci + j] *= beta;
            }
        }
    }
}
