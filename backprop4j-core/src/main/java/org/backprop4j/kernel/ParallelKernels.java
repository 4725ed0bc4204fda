package org.backprop4j.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits large products into column (or row) blocks of C, each computed by one call of the
 * delegate kernel, and lets several threads take the blocks. The blocks depend only on the shape,
 * never on the thread count, and every block is the same delegate call whoever runs it, so results
 * are bit-identical for any thread count — even with kernels such as OpenBLAS whose results depend
 * on the sizes they are called with (tested).
 *
 * <p>A fork-join hand-off costs 25–60 µs on the 2-core machines this was measured on
 * (../shared/bench/KERNELS.md), so workers spin for a short while before parking, and products below
 * {@link #MIN_FLOPS} are one call on the calling thread. If another thread is already using the
 * workers, the caller computes all blocks itself (same blocks, same result). No allocation per call.
 * Idle workers also run background tasks handed over by {@link #startBackground} (the trainer's
 * copy of the next batch) between product blocks, and so does the caller while it waits for the
 * workers' blocks of a product.
 */
public final class ParallelKernels implements Kernels, AutoCloseable {
    /** Products smaller than this (2·m·n·k) are one delegate call. */
    public static final long MIN_FLOPS = Long.getLong("backprop4j.parallel.minFlops", 2_000_000);
    /** Target block extent; the block count is even so two threads share evenly. */
    static final int BLOCK = 512;
    private static final long SPIN_NANOS = 100_000;
    /** Block sizes are rounded up to a multiple of this where that moves little (see {@link #run}). */
    static final int ALIGN = 32;

    private final Kernels delegate;
    private final int threads;
    private final Thread[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean closed;

    // the current call, written by the owner before publishing a new generation
    private boolean transA, transB, splitRows;
    private int m, n, k, lda, ldb, ldc, aOff, bOff, cOff, blocks, blockSize;
    private float alpha, beta;
    private float[] a, b, c, w;
    private java.util.function.IntConsumer task;   // forEach's task, or null for sgemm blocks
    private int wOff;
    /**
     * (generation &lt;&lt; 32) | (blocks claimed from the front &lt;&lt; 16) | blocks claimed from the
     * back: a block is claimed by a CAS within its generation, the caller's from the front (0, 1, …),
     * the workers' from the back (see {@link #runBlocks}).
     */
    private final AtomicLong ticket = new AtomicLong();
    /** Most blocks (or tasks) one call can hand out: the ticket's two 16-bit counts. */
    static final int MAX_BLOCKS = 0xFFFF;
    /** Blocks of the current generation finished (by anyone). */
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile long generation;

    // background work (see startBackground): tasks claimed one by one by idle workers, the rest by
    // the owner in finishBackground
    private final AtomicBoolean bgBusy = new AtomicBoolean();
    /**
     * (job &lt;&lt; 32) | tasks not yet claimed. A task is claimed by a CAS that counts this down, so
     * "nothing left" is read from the same word as the job: a worker still looking at the last,
     * exhausted job can never claim an index of the next one (which an index compared with a
     * separately written task count would allow), and a successful claim means the job it read
     * the task and count of was still open.
     */
    private final AtomicLong bgTicket = new AtomicLong();
    private final AtomicInteger bgDone = new AtomicInteger();
    private final AtomicReference<Throwable> bgFailure = new AtomicReference<>();
    private int bgTasks;                             // written before bgTicket publishes them
    private long bgJobs;                             // jobs started, for tests and diagnostics
    private java.util.function.IntConsumer bgTask;

    /** @param threads total threads including the caller (≥ 1) */
    public ParallelKernels(Kernels delegate, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be ≥ 1: " + threads);
        this.delegate = delegate;
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name("backprop4j-kernel-" + (i + 1)).start(this::workerLoop);
        }
    }

    public Kernels delegate() {
        return delegate;
    }

    @Override
    public Kernels singleThreaded() {
        return delegate;
    }

    @Override
    public int threads() {
        return threads;
    }

    /** Products of at least {@link #MIN_FLOPS} are split into blocks when there are workers. */
    @Override
    public boolean splits(long flops) {
        return threads > 1 && flops >= MIN_FLOPS;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String toString() {
        return delegate + " on " + threads + " thread" + (threads == 1 ? "" : "s");
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null, 0);
    }

    /** Like {@link #sgemm}, each block adding itself to W right after it is computed. */
    @Override
    public void sgemmAddTo(boolean transA, boolean transB, int m, int n, int k,
                           float alpha, float[] a, int aOff, int lda,
                           float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc,
                           float[] w, int wOff) {
        run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, w, wOff);
    }

    /** One pattern's products stay on the calling thread (see {@link #run}): the delegate's own. */
    @Override
    public void updateThenGemv(int m, int n, float alpha, float[] u, int uOff, float[] x, int xOff,
                               float[] w, int wOff, int ldw, float[] y, int yOff, float[] net, int netOff) {
        delegate.updateThenGemv(m, n, alpha, u, uOff, x, xOff, w, wOff, ldw, y, yOff, net, netOff);
    }

    /** See {@link #updateThenGemv}. */
    @Override
    public void updateAddThenGemv(int m, int n, float alpha, float[] u, int uOff, float[] x, int xOff,
                                  float beta, float[] v, int vOff, float[] w, int wOff, int ldw,
                                  float[] y, int yOff, float[] net, int netOff) {
        delegate.updateAddThenGemv(m, n, alpha, u, uOff, x, xOff, beta, v, vOff, w, wOff, ldw, y, yOff, net, netOff);
    }

    private void run(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc, float[] w, int wOff) {
        // one-pattern products (online training) stay on the calling thread: the hand-off costs
        // more than half of such a product (docs/ENGINE.md)
        if (2L * m * n * k < MIN_FLOPS || Math.max(m, n) < 64) {
            if (w == null) delegate.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            else delegate.sgemmAddTo(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, w, wOff);
            return;
        }
        boolean splitRows = splitsRows(transA, transB, m, n, k);
        int extent = splitRows ? m : n;
        int size = blockSize(extent);
        int nBlocks = (extent + size - 1) / size;
        if (workers.length == 0 || nBlocks > MAX_BLOCKS || closed || !busy.compareAndSet(false, true)) {
            for (int i = 0; i * size < extent; i++) {
                block(i, size, extent, splitRows, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, w, wOff);
            }
            return;
        }
        try {
            this.task = null;
            this.transA = transA; this.transB = transB; this.splitRows = splitRows;
            this.m = m; this.n = n; this.k = k; this.alpha = alpha; this.beta = beta;
            this.a = a; this.aOff = aOff; this.lda = lda;
            this.b = b; this.bOff = bOff; this.ldb = ldb;
            this.c = c; this.cOff = cOff; this.ldc = ldc;
            this.w = w; this.wOff = wOff;
            this.blocks = nBlocks;
            this.blockSize = size;
            publishAndWait();
        } finally {
            this.a = null; this.b = null; this.c = null; this.w = null;
            busy.set(false);
        }
    }

    /**
     * Whether a product is cut into row blocks of C (else column blocks): the larger of m and n,
     * except for a weight gradient Δᵀ·O (transA, B not transposed; m = the layer's units, k = the
     * batch) whose forward product O·Wᵀ was cut by the units (batch ≤ units: {@code m > n} false
     * there). That gradient is cut by its rows, the units, into the same blocks as the forward
     * product, so the thread that computes block i of both (the caller block 0, see {@link #runBlocks}) updates
     * the rows of W, and their velocities, that it read in the forward pass: they stay in its own
     * L2 cache instead of moving to the other core every step (docs/ENGINE.md).
     */
    static boolean splitsRows(boolean transA, boolean transB, int m, int n, int k) {
        return m > n || (transA && !transB && m >= k && m >= 2 * ALIGN);
    }

    /**
     * The block size for an extent of rows or columns: an even number of blocks of about
     * {@link #BLOCK}, the edges moved to multiples of {@link #ALIGN} where that moves at most 1/16
     * of a block.
     */
    static int blockSize(int extent) {
        int blocks = 2 * ((extent + 2 * BLOCK - 1) / (2 * BLOCK));
        int size = (extent + blocks - 1) / blocks;
        // block edges on multiples of 32 columns (rows), the vector kernel's panel width (OpenBLAS's
        // unroll widths divide it), where that moves at most 1/16 of a block: the first block, which
        // the calling thread usually takes, gets the extra, so that only the last one has a partly
        // empty panel (a 784-column product: 416 + 368 instead of 392 + 392, 13 + 11.5 panels
        // instead of 12.25 + 12.25 computed as 13 + 13)
        int aligned = (size + ALIGN - 1) / ALIGN * ALIGN;
        return aligned - size <= size / 16 ? aligned : size;
    }

    /**
     * Runs {@code task.accept(i)} for i = 0 .. tasks−1, spread over the threads (each i exactly
     * once, in no particular order or thread), and returns when all have finished. Callers that
     * want results independent of the thread count give each i its own output and combine them in
     * a fixed order afterwards. Tasks run their products on a single-threaded kernel
     * ({@link #delegate()}); if the workers are busy (another caller), there are none, or there are
     * more than {@link #MAX_BLOCKS} tasks, the calling thread runs every task itself.
     */
    @Override
    public void forEach(int tasks, java.util.function.IntConsumer task) {
        if (tasks <= 0) return;
        if (tasks == 1 || tasks > MAX_BLOCKS || workers.length == 0 || closed || !busy.compareAndSet(false, true)) {
            for (int i = 0; i < tasks; i++) task.accept(i);
            return;
        }
        try {
            this.task = task;
            this.blocks = tasks;
            publishAndWait();
        } finally {
            this.task = null;
            busy.set(false);
        }
    }

    /**
     * Hands {@code task.accept(i)}, i = 0 .. tasks−1, to the workers as background work: a worker
     * that has no product block to compute claims one i at a time, and goes back to product blocks
     * as soon as one is published, so the work fills the gaps in which the workers would otherwise
     * wait (the element-wise, single-threaded parts of a training step); a caller of a product that
     * waits for a worker's block also claims them one at a time. The caller goes on at once
     * and must call {@link #finishBackground()}, which runs the i nobody has claimed yet on the
     * calling thread and waits for the rest. Each i runs exactly once, whoever runs it, so a task
     * that writes its own outputs gives the same result with any thread count. Returns false, and
     * runs nothing, if there are no workers or another background job is in progress; the caller
     * then does the work itself.
     */
    @Override
    public boolean startBackground(int tasks, java.util.function.IntConsumer task) {
        if (tasks <= 0 || workers.length == 0 || closed || !bgBusy.compareAndSet(false, true)) return false;
        bgTasks = tasks;
        bgTask = task;
        bgJobs++;
        bgDone.set(0);
        bgTicket.set((((bgTicket.get() >>> 32) + 1) << 32) | tasks);   // publishes the fields with the new job
        for (Thread worker : workers) LockSupport.unpark(worker);
        return true;
    }

    /** How many background jobs {@link #startBackground} has started (by any caller). */
    public long backgroundJobs() {
        return bgJobs;
    }

    /**
     * Completes the background job started by {@link #startBackground} (by the same thread): runs
     * the tasks no worker has claimed, waits for the claimed ones, and rethrows a task's failure.
     */
    @Override
    public void finishBackground() {
        if (!bgBusy.get() || bgTask == null) throw new IllegalStateException("no background job in progress");
        try {
            runBackground(true);
            awaitCount(bgDone, bgTasks);
        } finally {
            bgTask = null;
            bgBusy.set(false);
        }
        rethrow(bgFailure.getAndSet(null));
    }

    /**
     * Claims and runs background tasks of the current job; a worker ({@code all} false) stops after
     * one so that it can look for product blocks. Returns whether it ran one.
     */
    private boolean runBackground(boolean all) {
        boolean ran = false;
        while (true) {
            long t = bgTicket.get();
            int left = (int) t;
            if (left <= 0) return ran;
            java.util.function.IntConsumer task = bgTask;
            int i = bgTasks - left;
            if (!bgTicket.compareAndSet(t, t - 1)) continue;
            ran = true;
            try {
                task.accept(i);
            } catch (Throwable e) {
                bgFailure.compareAndSet(null, e);
            } finally {
                bgDone.incrementAndGet();
            }
            if (!all) return true;
        }
    }

    /** Starts a new generation of the current call's blocks, takes part, waits for all; rethrows a block's failure. */
    private void publishAndWait() {
        done.set(0);
        long g = generation + 1;
        ticket.set(g << 32);                            // publishes the fields with the new generation
        generation = g;
        for (Thread worker : workers) LockSupport.unpark(worker);
        runBlocks(g, false);
        // wait for blocks, not for workers: a worker that is not running never holds us up,
        // since the caller has taken every block nobody claimed
        awaitBlocks();
        rethrow(failure.getAndSet(null));
    }

    /**
     * Waits for the workers' blocks of the current call, running background tasks meanwhile (the
     * next batch's rows, one at a time, while the slower worker finishes its block), so that the
     * worker copies fewer rows and its blocks wait less (docs/ENGINE.md). Spins, then yields, like {@link #awaitCount}.
     */
    private void awaitBlocks() {
        long start = System.nanoTime();
        while (done.get() < blocks) {
            if (runBackground(false)) continue;
            if (System.nanoTime() - start > SPIN_NANOS) Thread.yield();
            else Thread.onSpinWait();
        }
    }

    /** Spins (yielding after {@link #SPIN_NANOS}) until {@code counter} reaches {@code target}. */
    private static void awaitCount(AtomicInteger counter, int target) {
        long start = System.nanoTime();
        while (counter.get() < target) {
            if (System.nanoTime() - start > SPIN_NANOS) Thread.yield();
            else Thread.onSpinWait();
        }
    }

    /** Rethrows a block's or task's failure on the calling thread (unchecked as is, else wrapped). */
    private static void rethrow(Throwable f) {
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
        if (f != null) throw new IllegalStateException(f);
    }

    /**
     * Claims and computes blocks of generation g until none is left (or g is over): the caller from
     * the front, the workers ({@code fromBack}) from the back. With one worker, each thread thus
     * computes the same blocks of every product of a shape, whoever is first to look (a thread takes
     * the other's only when it has run out of its own), so the rows of W that block i of the forward
     * product reads are the rows that block i of the weight gradient updates (see
     * {@link #splitsRows}) on the same core, and stay in its cache. With one shared counter, the
     * first claim was a race that a spinning worker often won (docs/ENGINE.md).
     */
    private void runBlocks(long g, boolean fromBack) {
        while (true) {
            long t = ticket.get();
            if ((t >>> 32) != (g & 0xFFFF_FFFFL)) return;   // the ticket holds g's low 32 bits
            int lo = (int) (t >>> 16) & 0xFFFF, hi = (int) t & 0xFFFF;
            if (lo + hi >= blocks) return;
            int i = fromBack ? blocks - 1 - hi : lo;
            if (!ticket.compareAndSet(t, fromBack ? t + 1 : t + (1L << 16))) continue;
            try {
                java.util.function.IntConsumer t0 = task;
                if (t0 != null) t0.accept(i);
                else block(i, blockSize, splitRows ? m : n, splitRows, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, w, wOff);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                done.incrementAndGet();
            }
        }
    }

    /** Block i: rows (or columns) i·size .. of op(A) (or op(B)) and C. */
    private void block(int i, int size, int extent, boolean splitRows, boolean transA, boolean transB, int m, int n, int k,
                       float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc, float[] w, int wOff) {
        int s = i * size;
        int len = Math.min(size, extent - s);
        if (splitRows) {
            int aO = transA ? aOff + s : aOff + s * lda;
            if (w == null) delegate.sgemm(transA, transB, len, n, k, alpha, a, aO, lda, b, bOff, ldb, beta, c, cOff + s * ldc, ldc);
            else delegate.sgemmAddTo(transA, transB, len, n, k, alpha, a, aO, lda, b, bOff, ldb, beta, c, cOff + s * ldc, ldc, w, wOff + s * ldc);
        } else {
            int bO = transB ? bOff + s * ldb : bOff + s;
            if (w == null) delegate.sgemm(transA, transB, m, len, k, alpha, a, aOff, lda, b, bO, ldb, beta, c, cOff + s, ldc);
            else delegate.sgemmAddTo(transA, transB, m, len, k, alpha, a, aOff, lda, b, bO, ldb, beta, c, cOff + s, ldc, w, wOff + s);
        }
    }

    private void workerLoop() {
        long seen = 0;
        while (!closed) {
            long g = generation;
            if (g == seen) {
                long start = System.nanoTime();
                while ((g = generation) == seen && !closed && System.nanoTime() - start < SPIN_NANOS) {
                    if (runBackground(false)) start = System.nanoTime();
                    else Thread.onSpinWait();
                }
                if (g == seen) {
                    LockSupport.parkNanos(this, 10_000_000L);
                    continue;
                }
            }
            seen = g;
            runBlocks(g, true);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
