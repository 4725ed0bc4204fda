package org.backprop4j.spark;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import org.backprop4j.kernel.Kernels;

/**
 * The kept tasks ({@link Hub}) of one fit that run in the same JVM (local mode, or an executor with
 * several cores): they share the engine's work items, the row groups of a large block
 * ({@link Kernels#forEach} in {@code Backprop.gradient}), so that a pass ends when the JVM's tasks
 * have done their work together rather than when the slowest has done its own. A task that has
 * answered a command takes the groups the others have not started until every task of the crew has
 * answered it, as the library's threads share the groups of a full batch (a core slowed by other
 * work, or a larger partition, no longer sets the pace alone). Which thread runs a group never
 * changes its result: the groups and the order of their sum depend only on the rows
 * ({@code Backprop.groupGradient}), so the shares are the same bits. Tasks in other JVMs are not
 * members: their rows are not here.
 */
final class Crew {
    private static final ConcurrentHashMap<Long, Crew> CREWS = new ConcurrentHashMap<>();
    /** The crew of the kept task this thread runs, else null (a job's task works alone). */
    private static final ThreadLocal<Crew> CURRENT = new ThreadLocal<>();

    private final Object lock = new Object();
    /** Work items not all claimed yet, oldest first. */
    private final ArrayDeque<Job> open = new ArrayDeque<>();
    /** Each member (its partition) and the commands it has answered. */
    private final Map<Integer, Long> answered = new HashMap<>();
    /** Items run by a thread other than the one that asked for them, in this JVM since it started (the tests check that crews share). */
    static final java.util.concurrent.atomic.AtomicLong SHARED = new java.util.concurrent.atomic.AtomicLong();

    private static final class Job {
        final IntConsumer task;
        final int count;
        final Thread owner = Thread.currentThread();
        int next, done;
        Throwable failure;

        Job(IntConsumer task, int count) {
            this.task = task;
            this.count = count;
        }
    }

    /** This thread, running partition p's kept task of the fit {@code token}, joins the fit's crew in this JVM. */
    static Crew join(long token, int p) {
        Crew c = CREWS.compute(token, (k, v) -> {
            Crew crew = v == null ? new Crew() : v;
            synchronized (crew.lock) {
                crew.answered.put(p, 0L);
            }
            return crew;
        });
        CURRENT.set(c);
        return c;
    }

    /** Partition p's task leaves (it ends, or failed): the others no longer wait for its answers. */
    void leave(long token, int p) {
        CURRENT.remove();
        CREWS.computeIfPresent(token, (k, v) -> {
            synchronized (lock) {
                answered.remove(p);
                lock.notifyAll();
                return answered.isEmpty() ? null : v;
            }
        });
    }

    /**
     * Runs {@code task.accept(0 .. count−1)}: this thread claims the items one by one, other members
     * that have answered the current command take some too; while its own last items run elsewhere,
     * this thread takes other members' items. Returns when all of its own have finished.
     */
    void forEach(int count, IntConsumer task) {
        Job own = new Job(task, count);
        synchronized (lock) {
            open.addLast(own);
            lock.notifyAll();
        }
        while (true) {
            Job j;
            int i;
            synchronized (lock) {
                if (own.next < own.count) {
                    j = own;
                } else if (own.done == own.count) {
                    break;
                } else if ((j = open.peekFirst()) == null) {
                    await();   // its last items run on other threads
                    continue;
                }
                i = claim(j);
            }
            run(j, i);
        }
        if (own.failure instanceof RuntimeException e) throw e;
        if (own.failure instanceof Error e) throw e;
        if (own.failure != null) throw new IllegalStateException(own.failure);
    }

    /** Partition p's task has answered its command number {@code n} (from 1): it takes other members' items until they have too. */
    void answered(int p, long n) {
        synchronized (lock) {
            answered.put(p, n);
            lock.notifyAll();
        }
        while (true) {
            Job j;
            int i;
            synchronized (lock) {
                if (allAnswered(n)) return;
                if ((j = open.peekFirst()) == null) {
                    await();
                    continue;
                }
                i = claim(j);
            }
            run(j, i);
        }
    }

    private boolean allAnswered(long n) {
        for (long a : answered.values()) if (a < n) return false;
        return true;
    }

    /** The next item of j (under the lock); a job whose items are all claimed leaves the open list. */
    private int claim(Job j) {
        int i = j.next++;
        if (j.next == j.count) open.remove(j);
        if (j.owner != Thread.currentThread()) SHARED.incrementAndGet();
        return i;
    }

    private void run(Job j, int i) {
        try {
            j.task.accept(i);
        } catch (Throwable t) {
            synchronized (lock) {
                if (j.failure == null) j.failure = t;
            }
        } finally {
            synchronized (lock) {
                if (++j.done == j.count) lock.notifyAll();
            }
        }
    }

    private void await() {
        try {
            lock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();   // the task is being killed: its caller sees the flag or the closed socket
            throw new IllegalStateException("the kept task was interrupted", e);
        }
    }

    /**
     * The kernels a task's engine runs: the delegate's products on the calling thread, and
     * {@link #forEach} shared with the thread's crew while it runs a kept task (else a plain loop).
     */
    record Shared(Kernels delegate) implements Kernels {
        @Override public String name() { return delegate.name(); }
        @Override public String toString() { return delegate.toString(); }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            delegate.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }

        @Override
        public void sgemmAddTo(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc, float[] w, int wOff) {
            delegate.sgemmAddTo(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, w, wOff);
        }

        @Override
        public void updateThenGemv(int m, int n, float alpha, float[] u, int uOff, float[] x, int xOff,
                                   float[] w, int wOff, int ldw, float[] y, int yOff, float[] net, int netOff) {
            delegate.updateThenGemv(m, n, alpha, u, uOff, x, xOff, w, wOff, ldw, y, yOff, net, netOff);
        }

        @Override
        public void updateAddThenGemv(int m, int n, float alpha, float[] u, int uOff, float[] x, int xOff, float beta, float[] v, int vOff,
                                      float[] w, int wOff, int ldw, float[] y, int yOff, float[] net, int netOff) {
            delegate.updateAddThenGemv(m, n, alpha, u, uOff, x, xOff, beta, v, vOff, w, wOff, ldw, y, yOff, net, netOff);
        }

        @Override
        public void forEach(int tasks, IntConsumer task) {
            Crew c = CURRENT.get();
            if (c == null) delegate.forEach(tasks, task);
            else c.forEach(tasks, task);
        }

        /** The group engines' kernels: each group's products on the thread that runs the group. */
        @Override
        public Kernels singleThreaded() {
            return delegate;
        }
    }
}
