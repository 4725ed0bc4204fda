package org.backprop4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The scratch pool the kernels (and Predictor) borrow from: objects are reused, never held by two
 * borrowers at once, and as many are made as run at once, not one per thread, also on virtual threads.
 */
class ScratchPoolTest {
    /** Virtual-thread tasks per test: a per-thread scratch would be made this many times. */
    static final int TASKS = 10_000;
    /** What the pools may make for TASKS virtual threads: they run at most a carrier per processor at once. */
    static final long BOUND = 4L * Runtime.getRuntime().availableProcessors();

    @Test
    void aReleasedObjectIsBorrowedAgain() {
        ScratchPool<int[]> pool = new ScratchPool<>(() -> new int[1], 4);
        int[] a = pool.borrow();
        pool.release(a);
        assertSame(a, pool.borrow());
        int[] b = pool.borrow();
        assertNotSame(a, b, "two borrowers at once get two objects");
        pool.release(a);
        pool.release(b);
        int[] c = pool.borrow(), d = pool.borrow();
        assertTrue((c == a && d == b) || (c == b && d == a), "both reused");
        assertEquals(2, pool.created());
        assertThrows(NullPointerException.class, () -> pool.release(null));
    }

    @Test
    void atMostCapacityIdleObjectsAreKept() {
        ScratchPool<int[]> pool = new ScratchPool<>(() -> new int[1], 3);
        assertEquals(4, pool.capacity(), "rounded up to a power of two");
        assertEquals(1, new ScratchPool<>(() -> new int[1], 1).capacity());
        List<int[]> held = new ArrayList<>();
        for (int i = 0; i < 10; i++) held.add(pool.borrow());
        held.forEach(pool::release);
        assertEquals(10, pool.created());
        for (int i = 0; i < 10; i++) pool.borrow();
        assertEquals(16, pool.created(), "4 idle objects kept, 6 dropped and made again");
        assertThrows(IllegalArgumentException.class, () -> new ScratchPool<>(() -> new int[1], 0));
    }

    @Test
    void noObjectHasTwoBorrowersAtOnce() throws Exception {
        ScratchPool<AtomicBoolean> pool = new ScratchPool<>(AtomicBoolean::new, 4);
        AtomicInteger clashes = new AtomicInteger();
        Runnable use = () -> {
            for (int i = 0; i < 2000; i++) {
                AtomicBoolean b = pool.borrow();
                try {
                    if (!b.compareAndSet(false, true)) clashes.incrementAndGet();
                    Thread.onSpinWait();
                    b.set(false);
                } finally {
                    pool.release(b);
                }
            }
        };
        // platform threads (their own start slots, more threads than slots) and virtual ones
        for (ExecutorService ex : List.of(Executors.newFixedThreadPool(16), Executors.newVirtualThreadPerTaskExecutor())) {
            try (ex) {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 64; t++) fs.add(ex.submit(use));
                for (Future<?> f : fs) f.get();
            }
        }
        assertEquals(0, clashes.get());
    }

    /**
     * Every path of the vector kernels that uses packing buffers (narrow, dot, packed, the fused
     * momentum product, the fused online updates), from {@link #TASKS} virtual threads: exactly the
     * results of one thread, and the buffers are made as often as calls run at once.
     */
    @Test
    void vectorKernelsOnVirtualThreads() throws Exception {
        Assumptions.assumeTrue(KernelProvider.byName("vector") != null, "vector kernels not available here");
        VectorKernels k = new VectorKernels();
        List<Function<VectorKernels, float[]>> calls = kernelCalls();
        float[][] expected = new float[calls.size()][];
        for (int i = 0; i < calls.size(); i++) expected[i] = calls.get(i).apply(k);
        long before = k.scratchCreated();
        assertEquals(1, before, "one thread: one set of buffers");
        float[][] got = onVirtualThreads(i -> calls.get(i % calls.size()).apply(k));
        for (int t = 0; t < TASKS; t++) assertArrayEquals(expected[t % calls.size()], got[t], "task " + t);
        assertTrue(k.scratchCreated() <= BOUND, k.scratchCreated() + " buffer sets for " + TASKS + " virtual threads");
    }

    @Test
    void scalarKernelsOnVirtualThreads() throws Exception {
        ScalarKernels k = new ScalarKernels();
        List<Function<Kernels, float[]>> calls = List.of(
                c -> product(c, false, true, 3, 40, 70), c -> product(c, false, false, 5, 90, 30),
                c -> product(c, true, false, 33, 20, 7));
        float[][] expected = new float[calls.size()][];
        for (int i = 0; i < calls.size(); i++) expected[i] = calls.get(i).apply(k);
        long before = ScalarKernels.scratchCreated();   // a static pool: other tests may have made some
        float[][] got = onVirtualThreads(i -> calls.get(i % calls.size()).apply(k));
        for (int t = 0; t < TASKS; t++) assertArrayEquals(expected[t % calls.size()], got[t], "task " + t);
        long made = ScalarKernels.scratchCreated() - before;
        assertTrue(made <= BOUND, made + " scratch rows for " + TASKS + " virtual threads");
    }

    private static float[][] onVirtualThreads(java.util.function.IntFunction<float[]> task) throws Exception {
        float[][] got = new float[TASKS][];
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<float[]>> fs = new ArrayList<>(TASKS);
            for (int t = 0; t < TASKS; t++) {
                int i = t;
                fs.add(ex.submit(() -> task.apply(i)));
            }
            for (int t = 0; t < TASKS; t++) got[t] = fs.get(t).get();
        }
        return got;
    }

    private static List<Function<VectorKernels, float[]>> kernelCalls() {
        int v = VectorKernels.V;
        return List.of(
                c -> product(c, false, true, 1, 37, 300),                  // dot rows (gemv)
                c -> product(c, false, true, 64, v - 1, 50),               // narrow: n below a vector
                c -> product(c, false, true, 70, 3 * v + 5, 300),          // packed, transposed B (the forward product)
                c -> product(c, true, false, 90, 2 * v + 3, 260),          // packed, transposed A (a weight gradient)
                c -> {                                                     // packed with W += C
                    float[] a = data(40 * 300, 1), b = data(300 * 70, 2), cc = data(40 * 70, 3), w = data(40 * 70, 4);
                    c.sgemmAddTo(false, false, 40, 70, 300, -0.01f, a, 0, 300, b, 0, 70, 0.9f, cc, 0, 70, w, 0);
                    return concat(cc, w);
                },
                c -> {                                                     // online step, four rows at a time
                    int m = 37, n = 3 * v + 5;
                    float[] u = data(m, 5), x = data(n, 6), w = data(m * n, 7), y = data(n, 8), net = new float[m];
                    c.updateThenGemv(m, n, -0.1f, u, 0, x, 0, w, 0, n, y, 0, net, 0);
                    return concat(w, net);
                },
                c -> {                                                     // online step with momentum
                    int m = 21, n = 2 * v + 7;
                    float[] u = data(m, 9), x = data(n, 10), vv = data(m * n, 11), w = data(m * n, 12), y = data(n, 13);
                    float[] net = new float[m];
                    c.updateAddThenGemv(m, n, -0.1f, u, 0, x, 0, 0.9f, vv, 0, w, 0, n, y, 0, net, 0);
                    return concat(concat(vv, w), net);
                });
    }

    /** C = op(A)·op(B) + 0.5·C for fresh data (a new C each call). */
    private static float[] product(Kernels k, boolean transA, boolean transB, int m, int n, int kk) {
        float[] a = data(m * kk, 21), b = data(kk * n, 22), c = data(m * n, 23);
        k.sgemm(transA, transB, m, n, kk, 1f, a, 0, transA ? m : kk, b, 0, transB ? kk : n, 0.5f, c, 0, n);
        return c;
    }

    private static float[] data(int size, long seed) {
        float[] x = new float[size];
        long s = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < size; i++) {
            s = s * 6364136223846793005L + 1442695040888963407L;
            x[i] = (float) ((s >>> 40) / (double) (1L << 24) * 2 - 1);
        }
        return x;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
