package org.backprop4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;
import org.backprop4j.kernel.ParallelKernels;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Online training with each pattern's first-layer update fused into the next pattern's first
 * product ({@link Backprop#descendOnline}, {@link Kernels#updateThenGemv}) gives the same bits as
 * one {@link Backprop#descend} per pattern, on every kernel.
 */
class OnlineDescentTest {

    /**
     * updateThenGemv equals the kernel's own two sgemm calls (W += α·u·xᵀ, then net = W·y),
     * bit for bit, for row counts around the 4-row groups, row lengths around the vector width,
     * offsets and a row stride wider than the rows; W outside the block is untouched.
     */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector", "openblas"})
    void updateThenGemvIsTheUpdateThenTheProduct(String kernel) {
        Rng r = new Rng(21);
        int[][] shapes = {{64, 784}, {10, 64}, {7, 33}, {5, 16}, {3, 5}, {17, 100}, {1, 1}, {4, 47}, {64, 8}};
        forKernelAloneAndSplit(kernel, k -> {
            for (int[] s : shapes) {
                int m = s[0], n = s[1], ldw = n + 3, wOff = 2, uOff = 1, xOff = 3, yOff = 5, netOff = 4;
                float[] u = random(r, uOff + m), x = random(r, xOff + n + 2), y = random(r, yOff + n + 1);
                float[] w0 = random(r, wOff + m * ldw + 2), net0 = random(r, netOff + m + 1);
                float[] wRef = w0.clone(), netRef = net0.clone();
                float alpha = -0.0371f;
                k.sgemm(true, false, m, n, 1, alpha, u, uOff, m, x, xOff, n, 1f, wRef, wOff, ldw);
                k.sgemm(false, true, 1, m, n, 1f, y, yOff, n, wRef, wOff, ldw, 0f, netRef, netOff, m);
                float[] w = w0.clone(), net = net0.clone();
                k.updateThenGemv(m, n, alpha, u, uOff, x, xOff, w, wOff, ldw, y, yOff, net, netOff);
                String what = k + " " + m + "x" + n;
                assertArrayEquals(wRef, w, "W " + what);
                assertArrayEquals(netRef, net, "net " + what);
            }
        });
    }

    /**
     * updateAddThenGemv (with momentum) equals the kernel's own sgemmAddTo (V ← βV + α·u·xᵀ,
     * subnormal V flushed to 0, W += V) followed by the product, bit for bit, with β = 0.9, 1 and 0,
     * and with velocities that come out subnormal (a zero u_i, β = 1, a subnormal old V), which
     * must be flushed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector", "openblas"})
    void updateAddThenGemvIsSgemmAddToThenTheProduct(String kernel) {
        Rng r = new Rng(22);
        int[][] shapes = {{64, 784}, {10, 64}, {7, 33}, {5, 16}, {3, 5}, {17, 100}, {1, 1}};
        int[] flushed = {0};
        forKernelAloneAndSplit(kernel, k -> {
            for (int[] s : shapes) {
                for (float beta : new float[] {0.9f, 1f, 0f}) {
                    int m = s[0], n = s[1], ldw = n + 3, wOff = 2, uOff = 1, xOff = 3, yOff = 5, netOff = 4;
                    float[] u = random(r, uOff + m), x = random(r, xOff + n + 2), y = random(r, yOff + n + 1);
                    float[] w0 = random(r, wOff + m * ldw + 2), v0 = random(r, wOff + m * ldw + 2), net0 = random(r, netOff + m + 1);
                    if (beta == 1f && m > 1) {
                        u[uOff + 1] = 0f;   // row 1: V unchanged, made subnormal for even j
                        for (int j = 0; j < n; j += 2) v0[wOff + ldw + j] = Float.MIN_VALUE * (j + 1);
                        flushed[0]++;
                    }
                    float[] wRef = w0.clone(), vRef = v0.clone(), netRef = net0.clone();
                    float alpha = -0.0371f;
                    k.sgemmAddTo(true, false, m, n, 1, alpha, u, uOff, m, x, xOff, n, beta, vRef, wOff, ldw, wRef, wOff);
                    k.sgemm(false, true, 1, m, n, 1f, y, yOff, n, wRef, wOff, ldw, 0f, netRef, netOff, m);
                    float[] w = w0.clone(), v = v0.clone(), net = net0.clone();
                    k.updateAddThenGemv(m, n, alpha, u, uOff, x, xOff, beta, v, wOff, w, wOff, ldw, y, yOff, net, netOff);
                    String what = k + " " + m + "x" + n + " beta=" + beta;
                    assertArrayEquals(vRef, v, "V " + what);
                    assertArrayEquals(wRef, w, "W " + what);
                    assertArrayEquals(netRef, net, "net " + what);
                    if (beta == 1f && m > 1) assertEquals(0f, v[wOff + ldw], "a subnormal velocity flushed, " + what);
                }
            }
        });
        assertTrue(flushed[0] > 0);
    }

    /** Runs {@code check} on the named kernels alone and split over 2 threads; skipped where they are not available. */
    private static void forKernelAloneAndSplit(String kernel, java.util.function.Consumer<Kernels> check) {
        Kernels base = KernelProvider.byName(kernel);
        Assumptions.assumeTrue(base != null, kernel + " kernels not available here");
        try (ParallelKernels two = new ParallelKernels(base, 2)) {
            check.accept(base);
            check.accept(two);
        }
    }

    /**
     * With momentum (the velocity carried from pattern to pattern), descendOnline gives the same
     * weights, velocities and summed error as descend once per pattern, bit for bit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector", "openblas"})
    void onlineDescentWithMomentumIsDescendPatternByPattern(String kernel) {
        Kernels k = KernelProvider.byName(kernel);
        Assumptions.assumeTrue(k != null, kernel + " kernels not available here");
        Network a = Network.builder(37).layer(19, Activation.LOGISTIC).layer(5, Activation.SOFTMAX).build(Init.xavier(), 1);
        int m = 50;
        float[] x = FusedDescentTest.inputs(m, 37, 12), d = FusedDescentTest.oneHot(m, 5, 13);
        Network b = a.copy(), c = a.copy();
        float[] vb = new float[a.paramCount()], vc = new float[a.paramCount()];
        Backprop eb = new Backprop(b, Loss.CROSS_ENTROPY, k), ec = new Backprop(c, Loss.CROSS_ENTROPY, k);
        double want = 0;
        for (int i = 0; i < m; i++) want += eb.descend(x, d, i, 1, 0.2f, 0.9f, vb, 0f, false);
        double[] sums = new double[2];
        assertEquals(m, ec.descendOnline(x, d, null, 0, m, 0.2f, 0.9f, vc, sums));
        assertEquals(want, sums[0], 0.0, kernel);
        assertArrayEquals(vb, vc, "velocities, " + kernel);
        assertArrayEquals(b.params(), c.params(), "weights, " + kernel);
    }

    /**
     * descendOnline over a stretch of patterns (in file order, in a shuffled order, a network
     * without hidden layers, and one with three) gives the same weights and the same summed error
     * as descend once per pattern, bit for bit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector", "openblas"})
    void onlineDescentIsDescendPatternByPattern(String kernel) {
        Kernels k = KernelProvider.byName(kernel);
        Assumptions.assumeTrue(k != null, kernel + " kernels not available here");
        Network[] nets = {
                Network.builder(37).layer(19, Activation.LOGISTIC).layer(5, Activation.SOFTMAX).build(Init.xavier(), 1),
                Network.builder(20).layer(4, Activation.SOFTMAX).build(Init.xavier(), 2),
                Network.builder(33).layer(17, Activation.TANH).layer(9, Activation.RELU).layer(3, Activation.SOFTMAX).build(Init.xavier(), 3)};
        for (Network a : nets) {
            int n0 = a.sizes()[0], nL = a.sizes()[a.layers()], m = 60;
            float[] x = FusedDescentTest.inputs(m, n0, 8), d = FusedDescentTest.oneHot(m, nL, 9);
            int[] perm = new int[m];
            for (int i = 0; i < m; i++) perm[i] = i;
            new Rng(4).shuffle(perm);
            for (int[] rows : new int[][] {null, perm}) {
                Network b = a.copy(), c = a.copy();
                Backprop eb = new Backprop(b, Loss.CROSS_ENTROPY, k), ec = new Backprop(c, Loss.CROSS_ENTROPY, k);
                float eta = 0.25f;
                int first = rows == null ? 3 : 0, count = rows == null ? m - 3 : m;
                double want = 0;
                for (int i = 0; i < count; i++) want += eb.descend(x, d, rows == null ? first + i : rows[first + i], 1, eta, 0f, false);
                double[] sums = new double[2];
                int done = ec.descendOnline(x, d, rows, first, count, eta, sums);
                String what = kernel + " " + java.util.Arrays.toString(a.sizes()) + (rows == null ? " in order" : " shuffled");
                assertEquals(count, done, what);
                assertEquals(want, sums[0], 0.0, "summed error, " + what);
                assertArrayEquals(b.params(), c.params(), "weights, " + what);
                // and the weights did move: the comparison is not of two untouched copies
                assertTrue(java.util.stream.IntStream.range(0, a.paramCount()).anyMatch(i -> a.params()[i] != c.params()[i]), what);
            }
        }
    }

    /**
     * A pattern whose error is not finite (a NaN input) stops descendOnline after that pattern's
     * update, as the per-pattern loop would stop after it: the count of finite patterns, the
     * non-finite error, and the same weights as descend up to and including that pattern.
     */
    @org.junit.jupiter.api.Test
    void stopsAfterTheFirstNonFinitePattern() {
        Kernels k = KernelProvider.get();
        Network a = Network.builder(40).layer(20, Activation.TANH).layer(3, Activation.SOFTMAX).build(Init.xavier(), 6);
        Network b = a.copy();
        int m = 30;
        float[] x = FusedDescentTest.inputs(m, 40, 10), d = FusedDescentTest.oneHot(m, 3, 11);
        x[17 * 40 + 5] = Float.NaN;
        Backprop ea = new Backprop(a, Loss.CROSS_ENTROPY, k), eb = new Backprop(b, Loss.CROSS_ENTROPY, k);
        double want = 0;
        for (int i = 0; i < 17; i++) want += ea.descend(x, d, i, 1, 0.1f, 0f, false);
        double bad = ea.descend(x, d, 17, 1, 0.1f, 0f, false);
        double[] sums = new double[2];
        assertEquals(17, eb.descendOnline(x, d, null, 0, m, 0.1f, sums));
        assertEquals(want, sums[0], 0.0);
        assertTrue(Double.isNaN(bad) && Double.isNaN(sums[1]), "the non-finite error: " + sums[1]);
        assertArrayEquals(a.params(), b.params());
    }

    private static float[] random(Rng r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.uniform(-1, 1);
        return a;
    }
}
