package org.backprop4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.stream.Stream;
import org.backprop4j.Rng;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kernel against a double-precision naive product, over all transposition cases, edge sizes,
 * offsets, leading dimensions and alpha/beta variants. OpenBLAS cases are skipped (Assumptions)
 * where libopenblas is not installed.
 *
 * <p><b>Tolerance.</b> Each C element is a float32 sum of k products (exact or singly rounded, in
 * some order; with or without fma), then scaled by alpha and added to beta·C. The classical bound
 * for any summation order (Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, §3.1) is
 * |fl(Σ a_p b_p) − Σ a_p b_p| ≤ γ_k Σ|a_p||b_p| with γ_k = k·u/(1 − k·u), u = 2⁻²⁴; the alpha and
 * beta steps add at most 3 more roundings. So the test allows
 * (k + 3)·u·1.01·(|alpha|·Σ_p|a_p||b_p| + |beta·c_old|) plus the smallest subnormal; the double
 * reference's own error is ~2⁻⁵³·k, negligible. A kernel that drops, repeats or mis-indexes a single
 * term is off by a whole |a_p b_p| and fails.
 */
class KernelsTest {
    static final double U = Math.ulp(1.0f) / 2;   // unit roundoff of float32, 2^-24

    static Stream<String> kernelNames() {
        return Stream.of("scalar", "vector", "openblas");
    }

    static Kernels kernel(String name) {
        Kernels k = KernelProvider.byName(name);
        Assumptions.assumeTrue(k != null, name + " kernels not available here");
        return k;
    }

    /** (m, n, k) triples: 1, odd, non-multiples of the vector width (16) and of the tiles, k = 1, several k-blocks. */
    static final int[][] SHAPES = {
            {1, 1, 1}, {1, 1, 7}, {2, 2, 2}, {2, 1, 2}, {1, 64, 784 / 8}, {1, 17, 33}, {3, 5, 1},
            {7, 33, 17}, {8, 32, 16}, {9, 31, 40}, {17, 47, 1}, {16, 16, 16}, {33, 65, 19},
            {64, 48, 70}, {23, 100, 300}, {130, 40, 9}, {8, 4100, 2}, {40, 3, 50}, {1, 200, 513},
    };

    @ParameterizedTest
    @MethodSource("kernelNames")
    void matchesDoubleReferenceOnAllShapesAndTranspositions(String name) {
        Kernels kern = kernel(name);
        Rng rng = new Rng(11);
        float[][] alphaBeta = {{1f, 0f}, {1f, 1f}, {-0.5f, 0.75f}, {2.25f, 0f}, {1f, -1f}};
        int cases = 0;
        for (int[] s : SHAPES) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                for (float[] ab : alphaBeta) {
                    // alternate tight and padded layouts (offsets and leading dimensions larger than the rows)
                    int pad = (cases % 2 == 0) ? 0 : 1 + rng.nextInt(5);
                    checkOne(kern, rng, ta, tb, s[0], s[1], s[2], ab[0], ab[1], pad, pad > 0 ? 3 + rng.nextInt(9) : 0, false);
                    cases++;
                }
            }
        }
        assertEquals(SHAPES.length * 4 * alphaBeta.length, cases);
    }

    @ParameterizedTest
    @MethodSource("kernelNames")
    void betaZeroIgnoresNaNInC(String name) {
        Kernels kern = kernel(name);
        Rng rng = new Rng(12);
        for (int[] s : SHAPES) {
            for (int t = 0; t < 4; t++) {
                checkOne(kern, rng, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1.5f, 0f, 2, 5, true);
            }
        }
        // k = 0 and alpha = 0: C = beta·C, and beta = 0 clears NaN
        float[] c = {Float.NaN, Float.NaN, 3f, Float.NaN};
        kern.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {0, 0, 0, 0}, c);
        float[] c2 = {1f, 2f, 3f, 4f};
        float[] nanA = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        kern.sgemm(false, false, 2, 2, 2, 0f, nanA, 0, 2, nanA, 0, 2, 2f, c2, 0, 2);
        assertArrayEquals(new float[] {2, 4, 6, 8}, c2, "alpha = 0: A and B are not referenced (BLAS)");
    }

    /**
     * Determinism: the first (cold, interpreted) call and a call after the code is JIT-compiled give
     * bit-identical results, for the packed and the direct paths.
     */
    @ParameterizedTest
    @MethodSource("kernelNames")
    void repeatedCallsAreBitIdentical(String name) {
        Kernels kern = kernel(name);
        int[][] shapes = {{64, 100, 70}, {1, 64, 200}, {5, 9, 11}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            Rng rng = new Rng(13);
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                float[] a = random(rng, m * k), b = random(rng, k * n);
                float[] c0 = random(rng, m * n);
                float[] first = c0.clone();
                kern.sgemm(ta, tb, m, n, k, 0.7f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0.3f, first, 0, n);
                float[] again = null;
                for (int rep = 0; rep < 150; rep++) {
                    again = c0.clone();
                    kern.sgemm(ta, tb, m, n, k, 0.7f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0.3f, again, 0, n);
                }
                for (int i = 0; i < first.length; i++) {
                    if (Float.floatToRawIntBits(first[i]) != Float.floatToRawIntBits(again[i])) {
                        fail(name + " not deterministic for " + m + "x" + n + "x" + k + " t=" + t + " at " + i
                                + ": " + first[i] + " vs " + again[i]);
                    }
                }
            }
        }
    }

    /**
     * The vector gemv (m = 1, transB) reduces 8 rows at once with a vector transpose-add and single
     * rows with a scalar tree; both must perform the same additions. So each output is bit-identical
     * whether computed in a block of 8, of 4 or alone (this also makes splitting the output columns
     * across threads exact).
     */
    @org.junit.jupiter.api.Test
    void vectorGemvOutputsDoNotDependOnTheirBlock() {
        Kernels kern = kernel("vector");
        Rng rng = new Rng(15);
        for (int k : new int[] {16, 100, 784, 5}) {
            int n = 13;
            float[] x = random(rng, k), w = random(rng, n * k);
            float[] all = new float[n];
            kern.sgemm(false, true, 1, n, k, 1f, x, 0, k, w, 0, k, 0f, all, 0, n);
            for (int j = 0; j < n; j++) {
                float[] one = new float[1];
                kern.sgemm(false, true, 1, 1, k, 1f, x, 0, k, w, j * k, k, 0f, one, 0, 1);
                assertEquals(Float.floatToRawIntBits(one[0]), Float.floatToRawIntBits(all[j]),
                        "k=" + k + " output " + j + ": " + one[0] + " alone vs " + all[j] + " in a block");
            }
        }
    }

    /**
     * Packed vector path: each C element depends only on k (not on m, n or the block position), so a
     * fixed grid of row blocks (≥ 8 rows) or column blocks (≥ 16 columns), e.g. one per thread, gives
     * the bits of the whole product (docs/KERNELS.md, "Using the kernels from several threads").
     */
    @org.junit.jupiter.api.Test
    void vectorPackedBlocksGiveTheBitsOfTheWholeProduct() {
        Kernels kern = kernel("vector");
        Rng rng = new Rng(16);
        int m = 40, n = 80, k = 300;
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            int lda = ta ? m : k, ldb = tb ? k : n;
            float[] a = random(rng, m * k), b = random(rng, k * n);
            float[] whole = new float[m * n], rows = new float[m * n], cols = new float[m * n];
            kern.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, whole, 0, n);
            for (int i0 = 0; i0 < m; i0 += 16) {       // row blocks 16, 16, 8
                int mb = Math.min(16, m - i0);
                kern.sgemm(ta, tb, mb, n, k, 1f, a, ta ? i0 : i0 * lda, lda, b, 0, ldb, 0f, rows, i0 * n, n);
            }
            for (int j0 = 0; j0 < n; j0 += 32) {       // column blocks 32, 32, 16
                int nb = Math.min(32, n - j0);
                kern.sgemm(ta, tb, m, nb, k, 1f, a, 0, lda, b, tb ? j0 * ldb : j0, ldb, 0f, cols, j0, n);
            }
            for (int i = 0; i < whole.length; i++) {
                assertEquals(Float.floatToRawIntBits(whole[i]), Float.floatToRawIntBits(rows[i]), "t=" + t + " row blocks at " + i);
                assertEquals(Float.floatToRawIntBits(whole[i]), Float.floatToRawIntBits(cols[i]), "t=" + t + " column blocks at " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "openblas"})
    void rejectsOutOfRangeArguments(String name) {
        Kernels kern = kernel(name);
        float[] a = new float[6], b = new float[6], c = new float[4];
        // fits: A 2×3, B 3×2, C 2×2
        kern.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kern.sgemm(false, false, 2, 2, 3, 1f, a, 1, 3, b, 0, 2, 0f, c, 0, 2));
        assertTrue(e.getMessage().contains("matrix A"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> kern.sgemm(false, true, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
        assertTrue(e.getMessage().contains("leading dimension 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> kern.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 1, 2));
        assertTrue(e.getMessage().contains("matrix C"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> kern.sgemm(false, false, -1, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
        // sgemmAddTo: W (laid out like C) too short for the 2×2 block, checked before anything is written
        float[] ones = {1, 1, 1, 1, 1, 1}, w = new float[3], cw = c.clone();   // a product would write 3s
        e = assertThrows(IllegalArgumentException.class,
                () -> kern.sgemmAddTo(false, false, 2, 2, 3, 1f, ones, 0, 3, ones, 0, 2, 0f, cw, 0, 2, w, 0));
        assertTrue(e.getMessage().contains("matrix W"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertArrayEquals(c, cw, "C written before W was checked");
    }

    /**
     * One product with random data; op(A) m×k, op(B) k×n, C m×n inside larger arrays (offsets, leading
     * dimensions padded by {@code pad}); checks C against the double reference and that nothing
     * outside C's m×n window changed.
     */
    static void checkOne(Kernels kern, Rng rng, boolean ta, boolean tb, int m, int n, int k,
                         float alpha, float beta, int pad, int off, boolean nanC) {
        int aRows = ta ? k : m, aCols = ta ? m : k;
        int bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        int aOff = off, bOff = off + 1, cOff = off + 2;
        float[] a = random(rng, aOff + aRows * lda + pad);
        float[] b = random(rng, bOff + bRows * ldb + pad);
        float[] c = random(rng, cOff + m * ldc + pad);
        if (nanC) {
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c[cOff + i * ldc + j] = Float.NaN;
        }
        float[] before = c.clone();
        kern.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        String where = kern.name() + " " + (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                + " alpha=" + alpha + " beta=" + beta + " pad=" + pad + " off=" + off;
        boolean[] inside = new boolean[c.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++) {
                    double x = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double y = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += x * y;
                    abs += Math.abs(x * y);
                }
                int ci = cOff + i * ldc + j;
                inside[ci] = true;
                double old = beta == 0f ? 0 : before[ci];
                double want = alpha * sum + beta * old;
                double tol = (k + 3) * U * 1.01 * (Math.abs(alpha) * abs + Math.abs(beta * old)) + Float.MIN_VALUE;
                if (!(Math.abs(c[ci] - want) <= tol)) {
                    fail(where + ": C[" + i + "," + j + "] = " + c[ci] + ", want " + want + " ± " + tol);
                }
            }
        }
        for (int i = 0; i < c.length; i++) {
            if (!inside[i] && Float.floatToRawIntBits(c[i]) != Float.floatToRawIntBits(before[i])) {
                fail(where + ": element " + i + " outside C was changed");
            }
        }
    }

    static float[] random(Rng rng, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) rng.uniform(-1, 1);
        return x;
    }

    @ParameterizedTest
    @MethodSource("kernelNames")
    void largeProductsOfTheEngineShapes(String name) {
        // the W1 shapes in the three cases the engine uses (NT forward, TN gradient, NN backward)
        Kernels kern = kernel(name);
        Rng rng = new Rng(14);
        checkOne(kern, rng, false, true, 64, 256, 784, 1f, 0f, 0, 0, true);
        checkOne(kern, rng, true, false, 256, 784, 64, 1f, 0f, 0, 0, false);
        checkOne(kern, rng, false, false, 64, 256, 128, 1f, 0f, 0, 0, false);
    }
}
