package org.backprop4j.kernel;

/**
 * The dense float32 products backpropagation needs, behind one interface (BLAS conventions,
 * row-major storage, explicit leading dimensions and array offsets).
 *
 * <p>With patterns as rows (an m×n batch matrix O), the three products of a training step are
 * <ul>
 *   <li>forward: {@code NET = O·Wᵀ} ({@code transB = true}),</li>
 *   <li>gradient: {@code ∂E/∂W = Δᵀ·O} ({@code transA = true}),</li>
 *   <li>backward: {@code ∂E/∂O = Δ·W} (no transpose).</li>
 * </ul>
 * Implementations must be deterministic: the same inputs give bit-identical outputs on every call
 * (whatever the thread count), so that training is reproducible.
 */
public interface Kernels {

    /** Short name for logs and model provenance, e.g. {@code scalar}, {@code vector}, {@code openblas}. */
    String name();

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C} where op(A) is m×k, op(B) is k×n, C is m×n.
     * When {@code beta == 0}, C's previous contents are ignored (may be NaN).
     *
     * @param transA whether A is stored k×m (op(A) = Aᵀ)
     * @param transB whether B is stored n×k (op(B) = Bᵀ)
     * @param lda    row stride of A as stored
     * @param ldb    row stride of B as stored
     * @param ldc    row stride of C
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C}, then C's subnormal values set to 0 and {@code W += C}
     * over the same m×n block (W laid out like C: offset {@code wOff}, row stride {@code ldc}). This
     * is the momentum update of gradient descent in one pass, with C the velocity:
     * Δw(t) = −η·∂E/∂w + α·Δw(t−1), w ← w + Δw(t) (Rumelhart, Hinton &amp; Williams 1986, eq. 16);
     * the flush is {@link Elementwise#flushAdd}'s. Implementations that split a product into
     * blocks (see {@link ParallelKernels}) add each block while it is still in cache, on the thread
     * that computed it. Deterministic like {@link #sgemm}; W must not overlap A, B or C.
     */
    default void sgemmAddTo(boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc,
                            float[] w, int wOff) {
        SgemmArgs.checkW(m, n, w, wOff, ldc);
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        addBlock(m, n, c, cOff, ldc, w, wOff);
    }

    /**
     * Online training's first layer in one call: the last pattern's update W ← W + alpha·u·xᵀ, then
     * the next pattern's product net = W·y, with W m×n (row stride ldw), u of length m, x and y of
     * length n, net of length m. The same results as
     * {@code sgemm(true, false, m, n, 1, alpha, u, uOff, m, x, xOff, n, 1, w, wOff, ldw)} followed by
     * {@code sgemm(false, true, 1, m, n, 1, y, yOff, n, w, wOff, ldw, 0, net, netOff, m)}, which is
     * this default; a kernel may do both in one pass over W (VectorKernels: each row is updated
     * and multiplied by y while it is in registers, so W is read once per pattern instead of twice).
     */
    default void updateThenGemv(int m, int n, float alpha, float[] u, int uOff, float[] x, int xOff,
                                float[] w, int wOff, int ldw, float[] y, int yOff, float[] net, int netOff) {
        sgemm(true, false, m, n, 1, alpha, u, uOff, m, x, xOff, n, 1f, w, wOff, ldw);
        sgemm(false, true, 1, m, n, 1f, y, yOff, n, w, wOff, ldw, 0f, net, netOff, m);
    }

    /**
     * {@link #updateThenGemv} with classical momentum: the last pattern's update
     * V ← beta·V + alpha·u·xᵀ, V's subnormal values set to 0, W ← W + V (V laid out like W), then
     * net = W·y. The same results as {@code sgemmAddTo(true, false, m, n, 1, alpha, u, uOff, m, x,
     * xOff, n, beta, v, vOff, ldw, w, wOff)} followed by the product, which is this default.
     */
    default void updateAddThenGemv(int m, int n, float alpha, float[] u, int uOff, float[] x, int xOff,
                                   float beta, float[] v, int vOff, float[] w, int wOff, int ldw,
                                   float[] y, int yOff, float[] net, int netOff) {
        sgemmAddTo(true, false, m, n, 1, alpha, u, uOff, m, x, xOff, n, beta, v, vOff, ldw, w, wOff);
        sgemm(false, true, 1, m, n, 1f, y, yOff, n, w, wOff, ldw, 0f, net, netOff, m);
    }

    // ---- how the work is spread: a plain loop on the calling thread unless the provider splits it ----

    /** Compute threads behind these kernels (1: everything runs on the calling thread). */
    default int threads() {
        return 1;
    }

    /**
     * Runs {@code task.accept(0 .. tasks−1)}, possibly on several threads, and returns when all have
     * finished; the tasks must not depend on their order. Here: a plain loop.
     */
    default void forEach(int tasks, java.util.function.IntConsumer task) {
        for (int i = 0; i < tasks; i++) task.accept(i);
    }

    /** Kernels that run every product on the calling thread: for work already spread by {@link #forEach}. */
    default Kernels singleThreaded() {
        return this;
    }

    /** Whether a product of this many flops (2·m·n·k) is split across threads, leaving idle workers between blocks. */
    default boolean splits(long flops) {
        return false;
    }

    /**
     * Offers {@code tasks} independent tasks to idle compute threads, to run alongside the caller's
     * next products; {@link #finishBackground} runs what is left and waits. Returns false (and runs
     * nothing) when there is nobody to take them: the caller then does the work itself.
     */
    default boolean startBackground(int tasks, java.util.function.IntConsumer task) {
        return false;
    }

    /** Runs the background tasks no worker took and waits for the others (after a true {@link #startBackground}). */
    default void finishBackground() {}

    /**
     * W += C over an m×n block (both with row stride ldc), C's subnormal values flushed to zero
     * first ({@link Elementwise#flushAdd}: C is a velocity here).
     */
    static void addBlock(int m, int n, float[] c, int cOff, int ldc, float[] w, int wOff) {
        if (n == ldc) {
            Elementwise.flushAdd(c, cOff, w, wOff, m * n);
            return;
        }
        for (int r = 0; r < m; r++) Elementwise.flushAdd(c, cOff + r * ldc, w, wOff + r * ldc, n);
    }
}
