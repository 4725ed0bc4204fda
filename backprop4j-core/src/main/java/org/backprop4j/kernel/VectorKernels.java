package org.backprop4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * sgemm on the Java Vector API ({@code jdk.incubator.vector}, {@link FloatVector#SPECIES_PREFERRED}):
 * the Goto/BLIS scheme (Goto &amp; van de Geijn 2008, "Anatomy of high-performance matrix
 * multiplication"; Van Zee &amp; van de Geijn 2015, BLIS) in row-major form.
 *
 * <ul>
 *   <li><b>Packed path</b> (medium and large products): op(B) is packed into NR-column panels
 *   (NR = 2 vectors) of KC rows, op(A) into MR-row panels; a register-blocked MR×NR micro-kernel
 *   keeps MR·2 vector accumulators in registers and does one broadcast of A and two vector loads of
 *   B per MR·2 fused multiply-adds. Packing also absorbs the transpositions, so all four
 *   transA/transB cases share one micro-kernel (a transposed B, the forward product's weights, is
 *   packed by 16×16 in-register transposes on AVX-512, by vector gathers otherwise).</li>
 *   <li><b>Direct path</b> (tiny products, m = 1 gemv of online training, n narrower than a
 *   vector, k ≤ 4 without transB such as the online weight gradient): no packing. With transB the inner loop is a dot product along k (A row · B row, both
 *   contiguous), otherwise an axpy along n over register accumulators.</li>
 * </ul>
 *
 * <p><b>Determinism.</b> The path, the blocking and every summation order depend only on
 * (transA, transB, m, n, k), never on timing or threads, and no lane reduction of unspecified order
 * ({@code reduceLanes}) is used: vector partial sums are reduced in a fixed pairwise tree (lane l +=
 * lane l + V/2, then + V/4, ...), in scalar code or, for 8 dot products at once, with the same
 * additions done by vector shuffles; a gemv output does not depend on which block it was computed in. Every vector operation used (add, mul, fma, loads, stores) is exactly rounded IEEE, so
 * interpreted, C1- and C2-compiled code give bit-identical results.
 *
 * <p>Single-threaded (a caller splits work across threads by rows of C, which keeps the results
 * independent of the thread count). Thread-safe: a call borrows packing buffers from a bounded
 * {@link ScratchPool} shared by all threads (virtual ones too) and returns them when it ends; they
 * grow only, so the steady state allocates nothing.
 */
public final class VectorKernels implements Kernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector (16 with AVX-512). */
    static final int V = S.length();
    /** Micro-tile rows: 8 rows × 2 vectors = 16 accumulators where there are 32 vector registers (AVX-512, NEON/SVE), 4 × 2 = 8 otherwise. */
    static final int MR = Integer.getInteger("backprop4j.vector.mr", V >= 16 ? 8 : 4) == 4 ? 4 : 8;
    /** Micro-tile columns: two vectors. */
    static final int NR = 2 * V;
    /** Depth of a packed block: a B micro-panel (KC×NR floats) stays in L1/L2 across the MR-row sweeps. */
    static final int KC = Math.max(8, Integer.getInteger("backprop4j.vector.kc", 256));
    /** Rows of op(A) packed at once (a multiple of MR; MC×KC floats sit in L2). */
    static final int MC = roundUp(Integer.getInteger("backprop4j.vector.mc", 128), MR);
    /** Columns of op(B) packed at once (a multiple of NR). */
    static final int NC = roundUp(4096, NR);
    /** Vectors of MR lanes (packing Aᵀ panels), if the machine has them; else null. */
    static final VectorSpecies<Float> SMR = MR * 32 <= S.vectorBitSize() && MR * 32 >= 64
            ? VectorSpecies.of(float.class, jdk.incubator.vector.VectorShape.forBitSize(MR * 32)) : null;
    /** Transposing B pack with vector gathers (off: element copies; for comparison). */
    static final boolean GATHER = !Boolean.getBoolean("backprop4j.vector.nogather");
    /** Transposing B pack with 16×16 in-register transposes (AVX-512 only; off: gathers). */
    static final boolean TRANSPOSE = !Boolean.getBoolean("backprop4j.vector.notranspose");
    /**
     * Products with at most this many multiply-adds skip packing (besides those with m &lt; MR or
     * n &lt; V, which always do): a packed product has a fixed cost that tiny products do not
     * repay; the dot form (transB) stops paying earlier than the axpy form, whose masked last
     * vector costs as much as a full one (crossovers: docs/ENGINE.md).
     */
    static final long DIRECT_MAX_AXPY = Long.getLong("backprop4j.vector.direct", 8192);
    static final long DIRECT_MAX_DOT = Long.getLong("backprop4j.vector.direct", 1024);

    private static final class Scratch {
        float[] ap = new float[MC * KC];
        float[] bp = new float[0];
        final float[] tile = new float[MR * NR];
        float[] row = new float[0];
        final float[] lanes = new float[8 * V];
        final int[] idx = new int[NR];
    }

    private final ScratchPool<Scratch> scratch = new ScratchPool<>(Scratch::new);

    /** {@return how many packing buffer sets this instance has made} For tests. */
    long scratchCreated() {
        return scratch.created();
    }

    public VectorKernels() {
        // touch the species so that a missing jdk.incubator.vector module fails here, in the constructor
        if (V < 1) throw new IllegalStateException("no vector species");
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String toString() {
        return "vector (" + S + ", MR=" + MR + ", NR=" + NR + ", KC=" + KC + ")";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        SgemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {   // BLAS: A and B are not referenced
            SgemmArgs.scaleC(beta, c, cOff, ldc, m, n);
            return;
        }
        if (!narrowPath(transB, m, n, k) && directPath(transA, transB, m, n, k) && !transB) {
            // axpy form: needs no scratch (tiny layers skip the pool too)
            axpyRows(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        Scratch s = scratch.borrow();
        try {
            if (narrowPath(transB, m, n, k)) {
                narrow(s, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else if (directPath(transA, transB, m, n, k)) {
                dotRows(s, transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else {
                packed(s, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null, 0);
            }
        } finally {
            scratch.release(s);
        }
    }

    /**
     * The packed path adds each finished C tile to W while the tile is still in registers (the
     * momentum step: one pass over C and W instead of the product's plus {@link Kernels#addBlock}'s);
     * the same bits as {@link #sgemm} followed by {@link Kernels#addBlock}. Direct-path shapes take
     * that pair.
     */
    @Override
    public void sgemmAddTo(boolean transA, boolean transB, int m, int n, int k,
                           float alpha, float[] a, int aOff, int lda,
                           float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc,
                           float[] w, int wOff) {
        SgemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        SgemmArgs.checkW(m, n, w, wOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f || narrowPath(transB, m, n, k) || directPath(transA, transB, m, n, k)) {
            sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            Kernels.addBlock(m, n, c, cOff, ldc, w, wOff);
            return;
        }
        Scratch s = scratch.borrow();
        try {
            packed(s, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, w, wOff);
        } finally {
            scratch.release(s);
        }
    }

    /**
     * The last pattern's update of W and the next pattern's product in one pass over W, four rows
     * at a time: each vector of a row is updated with {@link #axpyRow}'s operations for k = 1,
     * β = 1 (fma(x, u_i, 0), then fma(·, α, w·1)), stored, and multiplied into the row's
     * accumulator with {@link #dotRow}'s (fma(w, y, s)); the row's last n mod V elements are
     * updated in scalar code first, then {@link #finishDot} adds them to the lane sums. The same
     * bits as the two sgemm calls (dotRow's 8-row transpose-add reduction is finishDot's tree).
     * Online training reads and writes W¹ once per pattern instead of reading it twice, and that
     * traffic bounds an online step. Four rows at a time (four independent fma chains);
     * {@link #updateAddThenGemv} still takes one row at a time (figures: docs/ENGINE.md).
     */
    @Override
    public void updateThenGemv(int m, int n, float alpha, float[] u, int uOff, float[] x, int xOff,
                               float[] w, int wOff, int ldw, float[] y, int yOff, float[] net, int netOff) {
        if (m == 0 || n == 0 || alpha == 0f) {   // BLAS corner cases: the two calls' own handling
            Kernels.super.updateThenGemv(m, n, alpha, u, uOff, x, xOff, w, wOff, ldw, y, yOff, net, netOff);
            return;
        }
        SgemmArgs.check(true, false, m, n, 1, u, uOff, m, x, xOff, n, w, wOff, ldw);
        SgemmArgs.check(false, true, 1, m, n, y, yOff, n, w, wOff, ldw, net, netOff, m);
        Scratch s = scratch.borrow();
        try {
            updateThenGemv(s.lanes, m, n, alpha, u, uOff, x, xOff, w, wOff, ldw, y, yOff, net, netOff);
        } finally {
            scratch.release(s);
        }
    }

    private static void updateThenGemv(float[] lanes, int m, int n, float alpha, float[] u, int uOff, float[] x, int xOff,
                                       float[] w, int wOff, int ldw, float[] y, int yOff, float[] net, int netOff) {
        int kv = n - n % V;
        FloatVector av = FloatVector.broadcast(S, alpha), z = FloatVector.zero(S);
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int r0 = wOff + i * ldw, r1 = r0 + ldw, r2 = r1 + ldw, r3 = r2 + ldw;
            FloatVector u0 = FloatVector.broadcast(S, u[uOff + i]), u1 = FloatVector.broadcast(S, u[uOff + i + 1]);
            FloatVector u2 = FloatVector.broadcast(S, u[uOff + i + 2]), u3 = FloatVector.broadcast(S, u[uOff + i + 3]);
            FloatVector s0 = z, s1 = z, s2 = z, s3 = z;
            for (int p = 0; p < kv; p += V) {
                FloatVector xv = FloatVector.fromArray(S, x, xOff + p), yv = FloatVector.fromArray(S, y, yOff + p);
                FloatVector w0 = xv.fma(u0, z).fma(av, FloatVector.fromArray(S, w, r0 + p).mul(1f));
                FloatVector w1 = xv.fma(u1, z).fma(av, FloatVector.fromArray(S, w, r1 + p).mul(1f));
                FloatVector w2 = xv.fma(u2, z).fma(av, FloatVector.fromArray(S, w, r2 + p).mul(1f));
                FloatVector w3 = xv.fma(u3, z).fma(av, FloatVector.fromArray(S, w, r3 + p).mul(1f));
                w0.intoArray(w, r0 + p);
                w1.intoArray(w, r1 + p);
                w2.intoArray(w, r2 + p);
                w3.intoArray(w, r3 + p);
                s0 = w0.fma(yv, s0);
                s1 = w1.fma(yv, s1);
                s2 = w2.fma(yv, s2);
                s3 = w3.fma(yv, s3);
            }
            s0.intoArray(lanes, 0);
            s1.intoArray(lanes, V);
            s2.intoArray(lanes, 2 * V);
            s3.intoArray(lanes, 3 * V);
            for (int r = 0; r < 4; r++) {
                int row = r0 + r * ldw;
                updateTail(x, xOff, u[uOff + i + r], alpha, w, row, kv, n);
                finishDot(lanes, r * V, y, yOff, w, row, kv, n, 1f, 0f, net, netOff + i + r);
            }
        }
        for (; i < m; i++) {
            int row = wOff + i * ldw;
            FloatVector ui = FloatVector.broadcast(S, u[uOff + i]);
            FloatVector s0 = z;
            for (int p = 0; p < kv; p += V) {
                FloatVector wv = FloatVector.fromArray(S, x, xOff + p).fma(ui, z).fma(av, FloatVector.fromArray(S, w, row + p).mul(1f));
                wv.intoArray(w, row + p);
                s0 = wv.fma(FloatVector.fromArray(S, y, yOff + p), s0);
            }
            s0.intoArray(lanes, 0);
            updateTail(x, xOff, u[uOff + i], alpha, w, row, kv, n);
            finishDot(lanes, 0, y, yOff, w, row, kv, n, 1f, 0f, net, netOff + i);
        }
    }

    /**
     * {@link #updateThenGemv} with the velocity: each vector of V's row becomes
     * fma(fma(x, u_i, 0), α, v·β) (axpyRow's operations with β), flushed to 0 where subnormal and
     * added to W's (addBlock's {@link Elementwise#flushAdd}), then W's is multiplied into the row's
     * accumulator. The same bits as sgemmAddTo followed by the product (tested). Online training
     * with momentum: V and W read and written once per pattern, W not read a second time.
     */
    @Override
    public void updateAddThenGemv(int m, int n, float alpha, float[] u, int uOff, float[] x, int xOff,
                                  float beta, float[] v, int vOff, float[] w, int wOff, int ldw,
                                  float[] y, int yOff, float[] net, int netOff) {
        if (m == 0 || n == 0 || alpha == 0f || beta == 0f) {   // other paths of sgemm: the two calls
            Kernels.super.updateAddThenGemv(m, n, alpha, u, uOff, x, xOff, beta, v, vOff, w, wOff, ldw, y, yOff, net, netOff);
            return;
        }
        SgemmArgs.check(true, false, m, n, 1, u, uOff, m, x, xOff, n, v, vOff, ldw);
        SgemmArgs.checkW(m, n, w, wOff, ldw);
        SgemmArgs.check(false, true, 1, m, n, y, yOff, n, w, wOff, ldw, net, netOff, m);
        Scratch s = scratch.borrow();
        try {
            updateAddThenGemv(s.lanes, m, n, alpha, u, uOff, x, xOff, beta, v, vOff, w, wOff, ldw, y, yOff, net, netOff);
        } finally {
            scratch.release(s);
        }
    }

    private static void updateAddThenGemv(float[] lanes, int m, int n, float alpha, float[] u, int uOff, float[] x, int xOff,
                                          float beta, float[] v, int vOff, float[] w, int wOff, int ldw,
                                          float[] y, int yOff, float[] net, int netOff) {
        int kv = n - n % V;
        FloatVector av = FloatVector.broadcast(S, alpha), z = FloatVector.zero(S);
        for (int i = 0; i < m; i++) {
            int vr = vOff + i * ldw, wr = wOff + i * ldw;
            FloatVector ui = FloatVector.broadcast(S, u[uOff + i]);
            FloatVector s0 = z;
            for (int p = 0; p < kv; p += V) {
                FloatVector nv = FloatVector.fromArray(S, x, xOff + p).fma(ui, z).fma(av, FloatVector.fromArray(S, v, vr + p).mul(beta));
                nv = nv.blend(z, nv.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
                nv.intoArray(v, vr + p);
                FloatVector nw = FloatVector.fromArray(S, w, wr + p).add(nv);
                nw.intoArray(w, wr + p);
                s0 = nw.fma(FloatVector.fromArray(S, y, yOff + p), s0);
            }
            s0.intoArray(lanes, 0);
            float ux = u[uOff + i];
            for (int p = kv; p < n; p++) {
                float nv = Elementwise.flush(Math.fma(Math.fma(x[xOff + p], ux, 0f), alpha, v[vr + p] * beta));
                v[vr + p] = nv;
                w[wr + p] += nv;
            }
            finishDot(lanes, 0, y, yOff, w, wr, kv, n, 1f, 0f, net, netOff + i);
        }
    }

    /** w[row + p] += alpha·(x[xOff + p]·ui) for p = kv..n−1, with axpyRow's per-element operations. */
    private static void updateTail(float[] x, int xOff, float ui, float alpha, float[] w, int row, int kv, int n) {
        for (int p = kv; p < n; p++) w[row + p] = Math.fma(Math.fma(x[xOff + p], ui, 0f), alpha, w[row + p] * 1f);
    }

    /** n &lt; V with m ≥ MR, not tiny: {@link #narrow}. */
    private static boolean narrowPath(boolean transB, int m, int n, int k) {
        return n < V && m >= MR && (long) m * n * k > directMax(transB, n) && k > 4;
    }

    /**
     * The unpacked paths (checked after {@link #narrowPath}): m &lt; MR, n &lt; V, tiny products; k ≤ 4
     * without transB (e.g. the online weight gradient, an outer product with k = 1: packing costs more
     * than it saves, even at k = 4); and the weight gradient Δᵀ·O of a layer of fewer than 2·MR
     * units (a 10-class output layer: packing all of O for 10 rows of C costs more than the
     * product at a mini-batch's k; at large k the unpacked form, which reads all of O once per row
     * of C, loses). Figures: docs/ENGINE.md.
     */
    private static boolean directPath(boolean transA, boolean transB, int m, int n, int k) {
        return m < MR || n < V || (long) m * n * k <= directMax(transB, n) || (!transB && k <= 4)
                || (transA && !transB && m < 2 * MR && k <= 128);
    }

    private static long directMax(boolean transB, int n) {
        return transB ? DIRECT_MAX_DOT : (n % V == 0 ? DIRECT_MAX_AXPY : DIRECT_MAX_AXPY / 2);
    }

    // ------------------------------------------------------------------------------------------
    // packed path

    private static void packed(Scratch s, boolean transA, boolean transB, int m, int n, int k,
                               float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc, float[] w, int wOff) {
        int kBlocks = (k + KC - 1) / KC;
        int kcs = (k + kBlocks - 1) / kBlocks;              // even split: 784 -> 4 × 196, not 256,256,256,16
        int ncMax = Math.min(n, NC);
        int bNeed = roundUp(ncMax, NR) * kcs;
        if (s.bp.length < bNeed) s.bp = new float[bNeed];
        int aNeed = Math.min(roundUp(m, MR), MC) * kcs;
        if (s.ap.length < aNeed) s.ap = new float[aNeed];
        float[] ap = s.ap, bp = s.bp, tile = s.tile;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += kcs) {
                int kc = Math.min(kcs, k - pc);
                float bet = pc == 0 ? beta : 1f;         // later k-blocks accumulate onto the first
                float[] wl = pc + kc >= k ? w : null;    // W += C once C is final, in the last k-block
                if (transB) packBT(b, bOff, ldb, pc, kc, jc, nc, bp, s.idx);
                else packBN(b, bOff, ldb, pc, kc, jc, nc, bp);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    if (transA) packAT(a, aOff, lda, ic, mc, pc, kc, ap);
                    else packAN(a, aOff, lda, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bo = (jr / NR) * kc * NR;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int ao = (ir / MR) * kc * MR;
                            int co = cOff + (ic + ir) * ldc + jc + jr;
                            micro(kc, ap, ao, bp, bo, tile);
                            if (mr == MR && nr == NR) {
                                if (wl == null) update(tile, c, co, ldc, alpha, bet);
                                else updateAdd(tile, c, co, ldc, alpha, bet, wl, co - cOff + wOff);
                            } else {
                                // edge tile: the same C update, element by element
                                storeTile(tile, NR, mr, nr, alpha, bet, c, co, ldc);
                                if (wl != null) {
                                    for (int i = 0; i < mr; i++) {
                                        int ci = co + i * ldc, wi = ci - cOff + wOff;
                                        for (int j = 0; j < nr; j++) {
                                            float v = Elementwise.flush(c[ci + j]);
                                            c[ci + j] = v;
                                            wl[wi + j] += v;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void micro(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile) {
        if (MR == 8) micro8(kc, ap, ao, bp, bo, tile);
        else micro4(kc, ap, ao, bp, bo, tile);
    }

    /**
     * C[co + i·ldc + j] = alpha·tile[i·NR + j] (beta = 0: old C ignored) or fma(alpha, tile, beta·C),
     * for a full MR×NR tile. Kept out of the micro-kernels: the micro-kernels only write raw sums,
     * which keeps them small enough for C2 to inline and unbox every vector.
     */
    private static void update(float[] tile, float[] c, int co, int ldc, float alpha, float beta) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            for (int i = 0, t = 0; i < MR; i++, co += ldc) {
                for (int j = 0; j < NR; j += V, t += V) FloatVector.fromArray(S, tile, t).mul(av).intoArray(c, co + j);
            }
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            for (int i = 0, t = 0; i < MR; i++, co += ldc) {
                for (int j = 0; j < NR; j += V, t += V) {
                    FloatVector.fromArray(S, tile, t).fma(av, FloatVector.fromArray(S, c, co + j).mul(bv)).intoArray(c, co + j);
                }
            }
        }
    }

    /**
     * {@link #update}, then the tile's C values flushed to zero where subnormal and added to W
     * (W[wo + i·ldc + j] += C[co + i·ldc + j]): {@link Elementwise#flushAdd}'s operations, tile by tile.
     */
    private static void updateAdd(float[] tile, float[] c, int co, int ldc, float alpha, float beta, float[] w, int wo) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        FloatVector bv = FloatVector.broadcast(S, beta);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0, t = 0; i < MR; i++, co += ldc, wo += ldc) {
            for (int j = 0; j < NR; j += V, t += V) {
                FloatVector v = FloatVector.fromArray(S, tile, t);
                v = beta == 0f ? v.mul(av) : v.fma(av, FloatVector.fromArray(S, c, co + j).mul(bv));
                v = v.blend(zero, v.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
                v.intoArray(c, co + j);
                FloatVector.fromArray(S, w, wo + j).add(v).intoArray(w, wo + j);
            }
        }
    }

    /** 8×2V micro-kernel: t[8×NR] = Ap·Bp over kc (16 accumulators, one rank-1 update per p). */
    private static void micro8(int kc, float[] ap, int ao, float[] bp, int bo, float[] t) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, ao += 8, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + V);
            FloatVector x = FloatVector.broadcast(S, ap[ao]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
            x = FloatVector.broadcast(S, ap[ao + 6]);
            c60 = b0.fma(x, c60); c61 = b1.fma(x, c61);
            x = FloatVector.broadcast(S, ap[ao + 7]);
            c70 = b0.fma(x, c70); c71 = b1.fma(x, c71);
        }
        c00.intoArray(t, 0 * V); c01.intoArray(t, 1 * V);
        c10.intoArray(t, 2 * V); c11.intoArray(t, 3 * V);
        c20.intoArray(t, 4 * V); c21.intoArray(t, 5 * V);
        c30.intoArray(t, 6 * V); c31.intoArray(t, 7 * V);
        c40.intoArray(t, 8 * V); c41.intoArray(t, 9 * V);
        c50.intoArray(t, 10 * V); c51.intoArray(t, 11 * V);
        c60.intoArray(t, 12 * V); c61.intoArray(t, 13 * V);
        c70.intoArray(t, 14 * V); c71.intoArray(t, 15 * V);
    }

    /** 4×2V micro-kernel for 16-register vector units (AVX2): 8 accumulators. */
    private static void micro4(int kc, float[] ap, int ao, float[] bp, int bo, float[] t) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        for (int p = 0; p < kc; p++, ao += 4, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + V);
            FloatVector x = FloatVector.broadcast(S, ap[ao]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
        }
        c00.intoArray(t, 0 * V); c01.intoArray(t, 1 * V);
        c10.intoArray(t, 2 * V); c11.intoArray(t, 3 * V);
        c20.intoArray(t, 4 * V); c21.intoArray(t, 5 * V);
        c30.intoArray(t, 6 * V); c31.intoArray(t, 7 * V);
    }

    /** op(B) = B (k×n): panel q holds B[pc..pc+kc) × [jc+q·NR ..) as kc rows of NR floats, zero-padded. */
    private static void packBN(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] dst) {
        int d = 0;
        for (int jp = 0; jp < nc; jp += NR) {
            int nr = Math.min(NR, nc - jp);
            int src = bOff + pc * ldb + jc + jp;
            if (nr == NR) {
                for (int p = 0; p < kc; p++, src += ldb, d += NR) {
                    FloatVector.fromArray(S, b, src).intoArray(dst, d);
                    FloatVector.fromArray(S, b, src + V).intoArray(dst, d + V);
                }
            } else {
                for (int p = 0; p < kc; p++, src += ldb, d += NR) {
                    System.arraycopy(b, src, dst, d, nr);
                    java.util.Arrays.fill(dst, d + nr, d + NR, 0f);
                }
            }
        }
    }

    /**
     * op(B) = Bᵀ (B stored n×k): the same panels, a transposing copy. Full panels gather each packed
     * row (NR elements p of NR consecutive B rows) with two vector gathers; edge panels are copied
     * element by element.
     */
    private static void packBT(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] dst, int[] idx) {
        for (int jj = 0; jj < NR; jj++) idx[jj] = jj * ldb;
        int d = 0;
        for (int jp = 0; jp < nc; jp += NR) {
            int nr = Math.min(NR, nc - jp);
            if (nr == NR && V == 16 && TRANSPOSE) {
                int src = bOff + (jc + jp) * ldb + pc;
                int p = 0;
                for (; p + 16 <= kc; p += 16) {
                    transpose16(b, src + p, ldb, dst, d + p * NR);
                    transpose16(b, src + 16 * ldb + p, ldb, dst, d + p * NR + 16);
                }
                for (; p < kc; p++) {
                    FloatVector.fromArray(S, b, src + p, idx, 0).intoArray(dst, d + p * NR);
                    FloatVector.fromArray(S, b, src + p, idx, V).intoArray(dst, d + p * NR + V);
                }
                d += kc * NR;
                continue;
            }
            if (nr == NR && GATHER) {
                int src = bOff + (jc + jp) * ldb + pc;
                for (int p = 0; p < kc; p++, d += NR) {
                    FloatVector.fromArray(S, b, src + p, idx, 0).intoArray(dst, d);
                    FloatVector.fromArray(S, b, src + p, idx, V).intoArray(dst, d + V);
                }
                continue;
            }
            for (int jj = 0; jj < nr; jj++) {
                int src = bOff + (jc + jp + jj) * ldb + pc;
                for (int p = 0, t = d + jj; p < kc; p++, t += NR) dst[t] = b[src + p];
            }
            for (int jj = nr; jj < NR; jj++) {
                for (int p = 0, t = d + jj; p < kc; p++, t += NR) dst[t] = 0f;
            }
            d += kc * NR;
        }
    }

    // 16×16 in-register transpose (AVX-512): four rounds of the perfect shuffle, each pairing vector
    // i with i+8 and interleaving their low and high halves (two-vector selectFrom = vpermt2ps)
    private static final FloatVector ILO = V == 16 ? interleaveIndex(0) : null;
    private static final FloatVector IHI = V == 16 ? interleaveIndex(8) : null;

    private static FloatVector interleaveIndex(int base) {
        float[] ix = new float[V];
        for (int i = 0; i < V / 2; i++) {
            ix[2 * i] = base + i;
            ix[2 * i + 1] = base + i + V;
        }
        return FloatVector.fromArray(S, ix, 0);
    }

    /**
     * Transposes the 16×16 block b[src + r·ldb + q] (r, q &lt; 16) into dst[d + q·NR + r]: 16 vector
     * loads, 64 two-vector permutes, 16 vector stores (instead of 256 element copies or gathers).
     */
    private static void transpose16(float[] b, int src, int ldb, float[] dst, int d) {
        FloatVector x0 = FloatVector.fromArray(S, b, src + 0 * ldb);
        FloatVector x1 = FloatVector.fromArray(S, b, src + 1 * ldb);
        FloatVector x2 = FloatVector.fromArray(S, b, src + 2 * ldb);
        FloatVector x3 = FloatVector.fromArray(S, b, src + 3 * ldb);
        FloatVector x4 = FloatVector.fromArray(S, b, src + 4 * ldb);
        FloatVector x5 = FloatVector.fromArray(S, b, src + 5 * ldb);
        FloatVector x6 = FloatVector.fromArray(S, b, src + 6 * ldb);
        FloatVector x7 = FloatVector.fromArray(S, b, src + 7 * ldb);
        FloatVector x8 = FloatVector.fromArray(S, b, src + 8 * ldb);
        FloatVector x9 = FloatVector.fromArray(S, b, src + 9 * ldb);
        FloatVector x10 = FloatVector.fromArray(S, b, src + 10 * ldb);
        FloatVector x11 = FloatVector.fromArray(S, b, src + 11 * ldb);
        FloatVector x12 = FloatVector.fromArray(S, b, src + 12 * ldb);
        FloatVector x13 = FloatVector.fromArray(S, b, src + 13 * ldb);
        FloatVector x14 = FloatVector.fromArray(S, b, src + 14 * ldb);
        FloatVector x15 = FloatVector.fromArray(S, b, src + 15 * ldb);
        FloatVector y0, y1, y2, y3, y4, y5, y6, y7, y8, y9, y10, y11, y12, y13, y14, y15;
        y0 = ILO.selectFrom(x0, x8); y1 = IHI.selectFrom(x0, x8);
        y2 = ILO.selectFrom(x1, x9); y3 = IHI.selectFrom(x1, x9);
        y4 = ILO.selectFrom(x2, x10); y5 = IHI.selectFrom(x2, x10);
        y6 = ILO.selectFrom(x3, x11); y7 = IHI.selectFrom(x3, x11);
        y8 = ILO.selectFrom(x4, x12); y9 = IHI.selectFrom(x4, x12);
        y10 = ILO.selectFrom(x5, x13); y11 = IHI.selectFrom(x5, x13);
        y12 = ILO.selectFrom(x6, x14); y13 = IHI.selectFrom(x6, x14);
        y14 = ILO.selectFrom(x7, x15); y15 = IHI.selectFrom(x7, x15);
        x0 = ILO.selectFrom(y0, y8); x1 = IHI.selectFrom(y0, y8);
        x2 = ILO.selectFrom(y1, y9); x3 = IHI.selectFrom(y1, y9);
        x4 = ILO.selectFrom(y2, y10); x5 = IHI.selectFrom(y2, y10);
        x6 = ILO.selectFrom(y3, y11); x7 = IHI.selectFrom(y3, y11);
        x8 = ILO.selectFrom(y4, y12); x9 = IHI.selectFrom(y4, y12);
        x10 = ILO.selectFrom(y5, y13); x11 = IHI.selectFrom(y5, y13);
        x12 = ILO.selectFrom(y6, y14); x13 = IHI.selectFrom(y6, y14);
        x14 = ILO.selectFrom(y7, y15); x15 = IHI.selectFrom(y7, y15);
        y0 = ILO.selectFrom(x0, x8); y1 = IHI.selectFrom(x0, x8);
        y2 = ILO.selectFrom(x1, x9); y3 = IHI.selectFrom(x1, x9);
        y4 = ILO.selectFrom(x2, x10); y5 = IHI.selectFrom(x2, x10);
        y6 = ILO.selectFrom(x3, x11); y7 = IHI.selectFrom(x3, x11);
        y8 = ILO.selectFrom(x4, x12); y9 = IHI.selectFrom(x4, x12);
        y10 = ILO.selectFrom(x5, x13); y11 = IHI.selectFrom(x5, x13);
        y12 = ILO.selectFrom(x6, x14); y13 = IHI.selectFrom(x6, x14);
        y14 = ILO.selectFrom(x7, x15); y15 = IHI.selectFrom(x7, x15);
        x0 = ILO.selectFrom(y0, y8); x1 = IHI.selectFrom(y0, y8);
        x2 = ILO.selectFrom(y1, y9); x3 = IHI.selectFrom(y1, y9);
        x4 = ILO.selectFrom(y2, y10); x5 = IHI.selectFrom(y2, y10);
        x6 = ILO.selectFrom(y3, y11); x7 = IHI.selectFrom(y3, y11);
        x8 = ILO.selectFrom(y4, y12); x9 = IHI.selectFrom(y4, y12);
        x10 = ILO.selectFrom(y5, y13); x11 = IHI.selectFrom(y5, y13);
        x12 = ILO.selectFrom(y6, y14); x13 = IHI.selectFrom(y6, y14);
        x14 = ILO.selectFrom(y7, y15); x15 = IHI.selectFrom(y7, y15);
        x0.intoArray(dst, d + 0 * NR);
        x1.intoArray(dst, d + 1 * NR);
        x2.intoArray(dst, d + 2 * NR);
        x3.intoArray(dst, d + 3 * NR);
        x4.intoArray(dst, d + 4 * NR);
        x5.intoArray(dst, d + 5 * NR);
        x6.intoArray(dst, d + 6 * NR);
        x7.intoArray(dst, d + 7 * NR);
        x8.intoArray(dst, d + 8 * NR);
        x9.intoArray(dst, d + 9 * NR);
        x10.intoArray(dst, d + 10 * NR);
        x11.intoArray(dst, d + 11 * NR);
        x12.intoArray(dst, d + 12 * NR);
        x13.intoArray(dst, d + 13 * NR);
        x14.intoArray(dst, d + 14 * NR);
        x15.intoArray(dst, d + 15 * NR);
    }

    /** op(A) = A (m×k): panel r holds rows ic+r·MR.. as kc columns of MR floats, zero-padded. */
    private static void packAN(float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] dst) {
        int d = 0;
        for (int ip = 0; ip < mc; ip += MR) {
            int mr = Math.min(MR, mc - ip);
            if (mr == 8 && MR == 8) {        // full panel: contiguous writes, 8 sequential read streams
                int s0 = aOff + (ic + ip) * lda + pc;
                int s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda, s4 = s3 + lda, s5 = s4 + lda, s6 = s5 + lda, s7 = s6 + lda;
                int p0 = 0;
                if (V == 16 && TRANSPOSE) {    // 16 columns at a time: an 8×16 in-register transpose
                    for (; p0 + 16 <= kc; p0 += 16) transpose8x16(a, s0 + p0, lda, dst, d + p0 * 8);
                }
                for (int p = p0, t = d + p0 * 8; p < kc; p++, t += 8) {
                    dst[t] = a[s0 + p];
                    dst[t + 1] = a[s1 + p];
                    dst[t + 2] = a[s2 + p];
                    dst[t + 3] = a[s3 + p];
                    dst[t + 4] = a[s4 + p];
                    dst[t + 5] = a[s5 + p];
                    dst[t + 6] = a[s6 + p];
                    dst[t + 7] = a[s7 + p];
                }
                d += kc * MR;
                continue;
            }
            for (int ii = 0; ii < mr; ii++) {
                int src = aOff + (ic + ip + ii) * lda + pc;
                for (int p = 0, t = d + ii; p < kc; p++, t += MR) dst[t] = a[src + p];
            }
            for (int ii = mr; ii < MR; ii++) {
                for (int p = 0, t = d + ii; p < kc; p++, t += MR) dst[t] = 0f;
            }
            d += kc * MR;
        }
    }

    /**
     * Transposes the 8×16 block a[src + r·lda + q] (r &lt; 8, q &lt; 16) into dst[d + q·8 + r] (16
     * packed columns of an 8-row A panel): 8 vector loads, three rounds of the perfect shuffle
     * (vectors j and j+4 interleaved by halves into 2j and 2j+1; 24 two-vector permutes), 8 stores.
     * Each round moves the element at (vector v₂v₁v₀, lane L₃L₂L₁L₀) to (v₁v₀L₃, L₂L₁L₀v₂); after
     * three, element (r, q) is at vector q/2, lane 8·(q mod 2) + r.
     */
    private static void transpose8x16(float[] a, int src, int lda, float[] dst, int d) {
        FloatVector x0 = FloatVector.fromArray(S, a, src);
        FloatVector x1 = FloatVector.fromArray(S, a, src + lda);
        FloatVector x2 = FloatVector.fromArray(S, a, src + 2 * lda);
        FloatVector x3 = FloatVector.fromArray(S, a, src + 3 * lda);
        FloatVector x4 = FloatVector.fromArray(S, a, src + 4 * lda);
        FloatVector x5 = FloatVector.fromArray(S, a, src + 5 * lda);
        FloatVector x6 = FloatVector.fromArray(S, a, src + 6 * lda);
        FloatVector x7 = FloatVector.fromArray(S, a, src + 7 * lda);
        FloatVector y0, y1, y2, y3, y4, y5, y6, y7;   // written out: no loop-carried vectors
        y0 = ILO.selectFrom(x0, x4); y1 = IHI.selectFrom(x0, x4);
        y2 = ILO.selectFrom(x1, x5); y3 = IHI.selectFrom(x1, x5);
        y4 = ILO.selectFrom(x2, x6); y5 = IHI.selectFrom(x2, x6);
        y6 = ILO.selectFrom(x3, x7); y7 = IHI.selectFrom(x3, x7);
        x0 = ILO.selectFrom(y0, y4); x1 = IHI.selectFrom(y0, y4);
        x2 = ILO.selectFrom(y1, y5); x3 = IHI.selectFrom(y1, y5);
        x4 = ILO.selectFrom(y2, y6); x5 = IHI.selectFrom(y2, y6);
        x6 = ILO.selectFrom(y3, y7); x7 = IHI.selectFrom(y3, y7);
        y0 = ILO.selectFrom(x0, x4); y1 = IHI.selectFrom(x0, x4);
        y2 = ILO.selectFrom(x1, x5); y3 = IHI.selectFrom(x1, x5);
        y4 = ILO.selectFrom(x2, x6); y5 = IHI.selectFrom(x2, x6);
        y6 = ILO.selectFrom(x3, x7); y7 = IHI.selectFrom(x3, x7);
        y0.intoArray(dst, d);
        y1.intoArray(dst, d + V);
        y2.intoArray(dst, d + 2 * V);
        y3.intoArray(dst, d + 3 * V);
        y4.intoArray(dst, d + 4 * V);
        y5.intoArray(dst, d + 5 * V);
        y6.intoArray(dst, d + 6 * V);
        y7.intoArray(dst, d + 7 * V);
    }

    /** op(A) = Aᵀ (A stored k×m): the same panels; each p is a contiguous copy of MR floats. */
    private static void packAT(float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] dst) {
        int d = 0;
        for (int ip = 0; ip < mc; ip += MR) {
            int mr = Math.min(MR, mc - ip);
            int src = aOff + pc * lda + ic + ip;
            if (mr == MR && SMR != null) {    // one MR-lane vector per p (an 8-float arraycopy costs a stub call)
                for (int p = 0; p < kc; p++, src += lda, d += MR) FloatVector.fromArray(SMR, a, src).intoArray(dst, d);
                continue;
            }
            for (int p = 0; p < kc; p++, src += lda, d += MR) {
                System.arraycopy(a, src, dst, d, mr);
                if (mr < MR) java.util.Arrays.fill(dst, d + mr, d + MR, 0f);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // narrow path: n < V (an output layer of a few units, e.g. 10 classes), m ≥ MR

    /**
     * C = alpha·op(A)·op(B) + beta·C for n &lt; V: op(B) (k×n) is copied into k zero-padded rows of
     * one vector, then 8 rows of C at a time are one vector accumulator each (8 independent fma
     * chains: one vector load and 8 broadcasts per p), and lanes 0..n−1 are stored. Each element
     * is the fma chain over p = 0..k−1 in order, the same whether its row is in a block of 8 or in
     * the remainder, so any row split gives the same bits. Replaces k-long dot products with a lane
     * reduction each (the direct path: ~13 GFLOP/s at 2048×10×128 here).
     */
    private static void narrow(Scratch s, boolean transA, boolean transB, int m, int n, int k,
                               float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc) {
        int need = k * V;
        if (s.bp.length < need) s.bp = new float[need];
        float[] bp = s.bp;
        // bp[p·V + j] = op(B)[p, j], zero for j ≥ n; with transB each B row is read contiguously
        java.util.Arrays.fill(bp, 0, need, 0f);
        if (transB) {
            for (int j = 0; j < n; j++) {
                for (int p = 0, src = bOff + j * ldb, d = j; p < k; p++, d += V) bp[d] = b[src + p];
            }
        } else {
            for (int p = 0; p < k; p++) System.arraycopy(b, bOff + p * ldb, bp, p * V, n);
        }
        float[] tile = s.tile;                  // MR·NR = 2·MR·V ≥ 8·V floats (MR ≥ 4)
        int ai = transA ? 1 : lda, ap = transA ? lda : 1;   // strides of op(A) along i and p
        int i = 0;
        for (; i + 8 <= m; i += 8) {   // 8 rows at a time on every vector width (8 accumulators fit 16 registers)
            FloatVector z = FloatVector.zero(S), c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z;
            int r0 = aOff + i * ai;
            for (int p = 0, q = r0, d = 0; p < k; p++, q += ap, d += V) {
                FloatVector bv = FloatVector.fromArray(S, bp, d);
                c0 = bv.fma(FloatVector.broadcast(S, a[q]), c0);
                c1 = bv.fma(FloatVector.broadcast(S, a[q + ai]), c1);
                c2 = bv.fma(FloatVector.broadcast(S, a[q + 2 * ai]), c2);
                c3 = bv.fma(FloatVector.broadcast(S, a[q + 3 * ai]), c3);
                c4 = bv.fma(FloatVector.broadcast(S, a[q + 4 * ai]), c4);
                c5 = bv.fma(FloatVector.broadcast(S, a[q + 5 * ai]), c5);
                c6 = bv.fma(FloatVector.broadcast(S, a[q + 6 * ai]), c6);
                c7 = bv.fma(FloatVector.broadcast(S, a[q + 7 * ai]), c7);
            }
            c0.intoArray(tile, 0);
            c1.intoArray(tile, V);
            c2.intoArray(tile, 2 * V);
            c3.intoArray(tile, 3 * V);
            c4.intoArray(tile, 4 * V);
            c5.intoArray(tile, 5 * V);
            c6.intoArray(tile, 6 * V);
            c7.intoArray(tile, 7 * V);
            storeTile(tile, V, 8, n, alpha, beta, c, cOff + i * ldc, ldc);
        }
        for (; i < m; i++) {
            FloatVector c0 = FloatVector.zero(S);
            for (int p = 0, q = aOff + i * ai, d = 0; p < k; p++, q += ap, d += V) {
                c0 = FloatVector.fromArray(S, bp, d).fma(FloatVector.broadcast(S, a[q]), c0);
            }
            c0.intoArray(tile, 0);
            storeTile(tile, V, 1, n, alpha, beta, c, cOff + i * ldc, ldc);
        }
    }

    /**
     * C[co + r·ldc + j] = alpha·tile[r·stride + j] (beta = 0: old C ignored) or fma(alpha, tile,
     * beta·C), for r &lt; rows, j &lt; cols, element by element: the edge tiles of the packed path and
     * the narrow path's rows (Math.fma is the lane operation of the vector fma, so the rounding is
     * that of {@link #update}).
     */
    private static void storeTile(float[] tile, int stride, int rows, int cols, float alpha, float beta, float[] c, int co, int ldc) {
        for (int r = 0; r < rows; r++, co += ldc) {
            int t = r * stride;
            for (int j = 0; j < cols; j++) {
                c[co + j] = beta == 0f ? alpha * tile[t + j] : Math.fma(alpha, tile[t + j], beta * c[co + j]);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // direct path (no packing): tiny products, gemv (m = 1), narrow n

    /** C[i,j] = alpha·⟨op(A)[i,:], B[j,:]⟩ + beta·C[i,j] (transB): dot products along k, both rows contiguous. */
    private static void dotRows(Scratch s, boolean transA, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            float[] ar;
            int ao;
            if (transA) {                     // gather column i of the stored A into a contiguous row
                if (s.row.length < k) s.row = new float[k];
                ar = s.row;
                ao = 0;
                for (int p = 0, src = aOff + i; p < k; p++, src += lda) ar[p] = a[src];
            } else {
                ar = a;
                ao = aOff + i * lda;
            }
            dotRow(s.lanes, ar, ao, b, bOff, ldb, n, k, alpha, beta, c, cOff + i * ldc);
        }
    }

    /** C[i,:] = alpha·Σ_p op(A)[i,p]·B[p,:] + beta·C[i,:] (B not transposed): axpy along n. */
    private static void axpyRows(boolean transA, int m, int n, int k,
                                 float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc) {
        int astep = transA ? lda : 1;       // stride of op(A)[i,p] along p
        for (int i = 0; i < m; i++) {
            int ai = transA ? aOff + i : aOff + i * lda;
            axpyRow(a, ai, astep, b, bOff, ldb, n, k, alpha, beta, c, cOff + i * ldc);
        }
    }

    /** c[co+j] (op)= alpha·Σ_p a[ao+p]·b[bOff+j·ldb+p] for j < n: eight (then four, then one) B rows at a time. */
    private static void dotRow(float[] lanes, float[] a, int ao, float[] b, int bOff, int ldb, int n, int k,
                               float alpha, float beta, float[] c, int co) {
        int kv = k - k % V;                        // vector part of k; the tail is summed after, in order
        int j = 0;
        for (; j + 8 <= n; j += 8) {               // 8 independent fma chains: hides the fma latency
            int b0 = bOff + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
            int b4 = b3 + ldb, b5 = b4 + ldb, b6 = b5 + ldb, b7 = b6 + ldb;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int p = 0; p < kv; p += V) {
                FloatVector x = FloatVector.fromArray(S, a, ao + p);
                s0 = FloatVector.fromArray(S, b, b0 + p).fma(x, s0);
                s1 = FloatVector.fromArray(S, b, b1 + p).fma(x, s1);
                s2 = FloatVector.fromArray(S, b, b2 + p).fma(x, s2);
                s3 = FloatVector.fromArray(S, b, b3 + p).fma(x, s3);
                s4 = FloatVector.fromArray(S, b, b4 + p).fma(x, s4);
                s5 = FloatVector.fromArray(S, b, b5 + p).fma(x, s5);
                s6 = FloatVector.fromArray(S, b, b6 + p).fma(x, s6);
                s7 = FloatVector.fromArray(S, b, b7 + p).fma(x, s7);
            }
            if (V == 16 && kv > 0) {
                // the same pairwise lane tree as finishDot, done on 8 vectors at once (transpose-add)
                // reduce8, written out here: a vector passed to a method that C2 does not inline
                // is boxed, and whether it inlines depends on what else was compiled first
                FloatVector t01 = s0.blend(s1, HI8).add(s0.slice(8, s1));
                FloatVector t23 = s2.blend(s3, HI8).add(s2.slice(8, s3));
                FloatVector t45 = s4.blend(s5, HI8).add(s4.slice(8, s5));
                FloatVector t67 = s6.blend(s7, HI8).add(s6.slice(8, s7));
                FloatVector u0 = t01.blend(t23, Q4).add(t01.rearrange(X4).blend(t23.rearrange(X4), Q4));
                FloatVector u1 = t45.blend(t67, Q4).add(t45.rearrange(X4).blend(t67.rearrange(X4), Q4));
                FloatVector w = u0.blend(u1, Q2).add(u0.rearrange(X2).blend(u1.rearrange(X2), Q2));
                w.add(w.rearrange(X1)).intoArray(lanes, 0);
                for (int r = 0; r < 8; r++) {
                    finishSum(lanes[RED8_LANE[r]], a, ao, b, b0 + r * ldb, kv, k, alpha, beta, c, co + j + r);
                }
            } else {
                s0.intoArray(lanes, 0);
                s1.intoArray(lanes, V);
                s2.intoArray(lanes, 2 * V);
                s3.intoArray(lanes, 3 * V);
                s4.intoArray(lanes, 4 * V);
                s5.intoArray(lanes, 5 * V);
                s6.intoArray(lanes, 6 * V);
                s7.intoArray(lanes, 7 * V);
                for (int r = 0; r < 8; r++) {
                    finishDot(lanes, r * V, a, ao, b, b0 + r * ldb, kv, k, alpha, beta, c, co + j + r);
                }
            }
        }
        for (; j + 4 <= n; j += 4) {
            int b0 = bOff + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int p = 0; p < kv; p += V) {
                FloatVector x = FloatVector.fromArray(S, a, ao + p);
                s0 = FloatVector.fromArray(S, b, b0 + p).fma(x, s0);
                s1 = FloatVector.fromArray(S, b, b1 + p).fma(x, s1);
                s2 = FloatVector.fromArray(S, b, b2 + p).fma(x, s2);
                s3 = FloatVector.fromArray(S, b, b3 + p).fma(x, s3);
            }
            s0.intoArray(lanes, 0);
            s1.intoArray(lanes, V);
            s2.intoArray(lanes, 2 * V);
            s3.intoArray(lanes, 3 * V);
            finishDot(lanes, 0, a, ao, b, b0, kv, k, alpha, beta, c, co + j);
            finishDot(lanes, V, a, ao, b, b1, kv, k, alpha, beta, c, co + j + 1);
            finishDot(lanes, 2 * V, a, ao, b, b2, kv, k, alpha, beta, c, co + j + 2);
            finishDot(lanes, 3 * V, a, ao, b, b3, kv, k, alpha, beta, c, co + j + 3);
        }
        for (; j < n; j++) {
            int b0 = bOff + j * ldb;
            FloatVector s0 = FloatVector.zero(S);
            for (int p = 0; p < kv; p += V) {
                s0 = FloatVector.fromArray(S, b, b0 + p).fma(FloatVector.fromArray(S, a, ao + p), s0);
            }
            s0.intoArray(lanes, 0);
            finishDot(lanes, 0, a, ao, b, b0, kv, k, alpha, beta, c, co + j);
        }
    }

    /**
     * Fixed-order reduction: the V lanes pairwise (lane l += lane l + w for w = V/2, V/4, .., 1: a
     * tree of depth log₂V instead of a chain of V dependent adds), then the scalar tail
     * p = kv..k−1 in order; then the C update.
     */
    private static void finishDot(float[] lanes, int lo, float[] a, int ao, float[] b, int bo, int kv, int k,
                                  float alpha, float beta, float[] c, int ci) {
        float sum = 0f;
        if (kv > 0) {
            for (int w = V / 2; w >= 1; w >>= 1) {
                for (int l = lo; l < lo + w; l++) lanes[l] += lanes[l + w];
            }
            sum = lanes[lo];
        }
        finishSum(sum, a, ao, b, bo, kv, k, alpha, beta, c, ci);
    }

    /** Adds the scalar tail p = kv..k−1 in order to the reduced vector part, then updates C. */
    private static void finishSum(float sum, float[] a, int ao, float[] b, int bo, int kv, int k,
                                  float alpha, float beta, float[] c, int ci) {
        for (int p = kv; p < k; p++) sum = Math.fma(a[ao + p], b[bo + p], sum);
        c[ci] = beta == 0f ? alpha * sum : Math.fma(alpha, sum, beta * c[ci]);
    }

    // transpose-add reduction of 8 vectors of 16 lanes (AVX-512): after the three merge levels and the
    // final pair step, the sum of s_r sits in lane RED8_LANE[r]
    private static final int[] RED8_LANE = {0, 8, 4, 12, 2, 10, 6, 14};
    private static final VectorMask<Float> HI8 = V == 16 ? VectorMask.fromLong(S, 0xFF00L) : null;
    private static final VectorMask<Float> Q4 = V == 16 ? VectorMask.fromLong(S, 0xF0F0L) : null;
    private static final VectorMask<Float> Q2 = V == 16 ? VectorMask.fromLong(S, 0xCCCCL) : null;
    private static final VectorShuffle<Float> X4 = V == 16 ? VectorShuffle.fromOp(S, i -> i ^ 4) : null;
    private static final VectorShuffle<Float> X2 = V == 16 ? VectorShuffle.fromOp(S, i -> i ^ 2) : null;
    private static final VectorShuffle<Float> X1 = V == 16 ? VectorShuffle.fromOp(S, i -> i ^ 1) : null;

    // dotRow's reduction of 8 vectors s0..s7 (the "reduce8" block): lane sums with exactly the
    // additions of finishDot's tree (lane l += lane l+8, then l+4, l+2, l+1), only interleaved across
    // the vectors, so the results are bit-identical to the scalar tree with ~30 vector operations
    // instead of 8×15 dependent scalar adds. Level 8: [s.lo + s.hi] of two vectors in the two halves
    // (lanes 0..7: s0, 8..15: s1); level 4: quarters (0..3 s0, 4..7 s2, 8..11 s1, 12..15 s3);
    // level 2: pairs of lanes (0..1 s0, 2..3 s4, 4..5 s2, 6..7 s6, 8..9 s1, 10..11 s5, 12..13 s3,
    // 14..15 s7); level 1: the even lanes hold the totals, s_r's in lane RED8_LANE[r].

    /** c[co..co+n) (op)= alpha·Σ_p a[ai+p·astep]·B[p,:]: up to 4 vectors of accumulators per sweep over p. */
    private static void axpyRow(float[] a, int ai, int astep, float[] b, int bOff, int ldb, int n, int k,
                                float alpha, float beta, float[] c, int co) {
        int j = 0;
        for (; j + 4 * V <= n; j += 4 * V) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int p = 0, ap = ai, bp = bOff + j; p < k; p++, ap += astep, bp += ldb) {
                FloatVector x = FloatVector.broadcast(S, a[ap]);
                s0 = FloatVector.fromArray(S, b, bp).fma(x, s0);
                s1 = FloatVector.fromArray(S, b, bp + V).fma(x, s1);
                s2 = FloatVector.fromArray(S, b, bp + 2 * V).fma(x, s2);
                s3 = FloatVector.fromArray(S, b, bp + 3 * V).fma(x, s3);
            }
            // (written out, not a helper taking vectors: see dotRow)
            if (beta == 0f) {
                s0.mul(alpha).intoArray(c, co + j);
                s1.mul(alpha).intoArray(c, co + j + V);
                s2.mul(alpha).intoArray(c, co + j + 2 * V);
                s3.mul(alpha).intoArray(c, co + j + 3 * V);
            } else {
                FloatVector av = FloatVector.broadcast(S, alpha);
                s0.fma(av, FloatVector.fromArray(S, c, co + j).mul(beta)).intoArray(c, co + j);
                s1.fma(av, FloatVector.fromArray(S, c, co + j + V).mul(beta)).intoArray(c, co + j + V);
                s2.fma(av, FloatVector.fromArray(S, c, co + j + 2 * V).mul(beta)).intoArray(c, co + j + 2 * V);
                s3.fma(av, FloatVector.fromArray(S, c, co + j + 3 * V).mul(beta)).intoArray(c, co + j + 3 * V);
            }
        }
        for (; j + V <= n; j += V) {
            FloatVector s0 = FloatVector.zero(S);
            for (int p = 0, ap = ai, bp = bOff + j; p < k; p++, ap += astep, bp += ldb) {
                s0 = FloatVector.fromArray(S, b, bp).fma(FloatVector.broadcast(S, a[ap]), s0);
            }
            if (beta == 0f) {
                s0.mul(alpha).intoArray(c, co + j);
            } else {
                s0.fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, c, co + j).mul(beta)).intoArray(c, co + j);
            }
        }
        if (j < n && (bOff + j + (long) (k - 1) * ldb + V > b.length || co + j + V > c.length)) {
            // a masked access reaching past an array's end takes the Vector API's slow, allocating
            // path: the same fma chain per column in scalar code (Math.fma = the lane operation)
            for (; j < n; j++) {
                float s0 = 0f;
                for (int p = 0, ap = ai, bp = bOff + j; p < k; p++, ap += astep, bp += ldb) s0 = Math.fma(b[bp], a[ap], s0);
                c[co + j] = beta == 0f ? s0 * alpha : Math.fma(s0, alpha, c[co + j] * beta);
            }
        }
        if (j < n) {                                 // last n mod V columns: one masked vector, same fma chain per lane
            VectorMask<Float> mask = S.indexInRange(j, n);
            FloatVector s0 = FloatVector.zero(S);
            for (int p = 0, ap = ai, bp = bOff + j; p < k; p++, ap += astep, bp += ldb) {
                s0 = FloatVector.fromArray(S, b, bp, mask).fma(FloatVector.broadcast(S, a[ap]), s0);
            }
            if (beta == 0f) {
                s0.mul(alpha).intoArray(c, co + j, mask);
            } else {
                s0.fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, c, co + j, mask).mul(beta))
                        .intoArray(c, co + j, mask);
            }
        }
    }

    private static int roundUp(int x, int q) {
        return (x + q - 1) / q * q;
    }
}
