package org.backprop4j.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits large products across threads by blocks of rows (or columns) of C, each block computed by
 * the delegate kernel. Every element of C is computed by exactly one call with the same k-order
 * whatever the split, so results are bit-identical for any thread count (tested).
 *
 * <p>A fork-join handoff costs 25–60 µs on the 2-core machines this was measured on
 * (../shared/bench/KERNELS.md), so the workers spin for a short while before parking, and products
 * below {@link #MIN_FLOPS} stay on the calling thread. If another thread is already using the
 * workers, the caller simply computes the whole product itself.
 */
public final class ParallelKernels implements Kernels, AutoCloseable {
    /** Products smaller than this (2·m·n·k) are not split. */
    public static final long MIN_FLOPS = 2_000_000;
    private static final long SPIN_NANOS = 200_000;

    private final Kernels delegate;
    private final int threads;
    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();

    /** @param threads total threads including the caller (≥ 1) */
    public ParallelKernels(Kernels delegate, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be ≥ 1: " + threads);
        this.delegate = delegate;
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(delegate);
            Thread t = Thread.ofPlatform().daemon().name("backprop4j-kernel-" + (i + 1)).unstarted(workers[i]);
            workers[i].thread = t;
            t.start();
        }
    }

    public Kernels delegate() {
        return delegate;
    }

    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return delegate.name() + (threads > 1 ? "×" + threads : "");
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        long flops = 2L * m * n * k;
        if (threads == 1 || flops < MIN_FLOPS || Math.max(m, n) < 2 * threads || !busy.compareAndSet(false, true)) {
            delegate.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        try {
            boolean splitRows = m >= n;
            int extent = splitRows ? m : n;
            // block boundaries rounded to multiples of 16 so kernels see aligned, similar blocks
            int per = ((extent + threads - 1) / threads + 15) & ~15;
            int parts = 0;
            Task[] tasks = new Task[threads];
            for (int s = 0; s < extent; s += per) {
                int len = Math.min(per, extent - s);
                Task t;
                if (splitRows) {
                    // rows s..s+len of op(A) and of C
                    int aO = transA ? aOff + s : aOff + s * lda;
                    t = new Task(transA, transB, len, n, k, alpha, a, aO, lda, b, bOff, ldb, beta, c, cOff + s * ldc, ldc);
                } else {
                    // columns s..s+len of op(B) and of C
                    int bO = transB ? bOff + s * ldb : bOff + s;
                    t = new Task(transA, transB, m, len, k, alpha, a, aOff, lda, b, bO, ldb, beta, c, cOff + s, ldc);
                }
                tasks[parts++] = t;
            }
            for (int i = 1; i < parts; i++) workers[i - 1].submit(tasks[i]);
            tasks[0].run(delegate);
            for (int i = 1; i < parts; i++) workers[i - 1].await();
        } finally {
            busy.set(false);
        }
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.stop = true;
            LockSupport.unpark(w.thread);
        }
    }

    private record Task(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                        float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        void run(Kernels kern) {
            kern.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    private static final class Worker implements Runnable {
        private final Kernels delegate;
        private volatile Task task;
        private volatile boolean done = true;
        private volatile Throwable failure;
        volatile boolean stop;
        Thread thread;

        Worker(Kernels delegate) {
            this.delegate = delegate;
        }

        void submit(Task t) {
            done = false;
            task = t;
            LockSupport.unpark(thread);
        }

        void await() {
            long start = System.nanoTime();
            while (!done) {
                if (System.nanoTime() - start > SPIN_NANOS) Thread.yield();
                else Thread.onSpinWait();
            }
            Throwable f = failure;
            if (f != null) {
                failure = null;
                if (f instanceof RuntimeException re) throw re;
                if (f instanceof Error e) throw e;
                throw new IllegalStateException(f);
            }
        }

        @Override
        public void run() {
            while (!stop) {
                Task t = task;
                if (t == null) {
                    long start = System.nanoTime();
                    while ((t = task) == null && !stop && System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                    if (t == null) {
                        LockSupport.park(this);
                        continue;
                    }
                }
                task = null;
                try {
                    t.run(delegate);
                } catch (Throwable e) {
                    failure = e;
                }
                done = true;
            }
        }
    }
}
