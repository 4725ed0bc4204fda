package org.backprop4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.backprop4j.Rng;

/**
 * Splitting a product across threads gives bit-identical results to one thread, for every kernel
 * (OpenBLAS included, whose results depend on the sizes it is called with: the blocks do not
 * depend on the thread count).
 */
class ParallelKernelsTest {

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"scalar", "vector", "openblas"})
    void anyThreadCountGivesBitIdenticalResults(String kernel) {
        Kernels base = KernelProvider.byName(kernel);
        org.junit.jupiter.api.Assumptions.assumeTrue(base != null, kernel + " kernels not available here");
        try (ParallelKernels one = new ParallelKernels(base, 1); ParallelKernels two = new ParallelKernels(base, 2); ParallelKernels three = new ParallelKernels(base, 3)) {
            Rng r = new Rng(9);
            int[][] shapes = {{64, 256, 784}, {256, 784, 64}, {300, 17, 500}, {7, 900, 400}, {1, 64, 784}, {64, 784, 1}, {1, 40, 500},
                    {600, 10, 200}};   // n < 16: the narrow path, its 8-row blocks cut differently by the split
            for (int[] s : shapes) {
                for (int ta = 0; ta < 2; ta++) {
                    for (int tb = 0; tb < 2; tb++) {
                        int m = s[0], n = s[1], k = s[2];
                        boolean transA = ta == 1, transB = tb == 1;
                        float[] a = random(r, m * k), b = random(r, k * n);
                        float[] c1 = random(r, m * n), c2 = c1.clone(), c3 = c1.clone();
                        int lda = transA ? m : k, ldb = transB ? k : n;
                        one.sgemm(transA, transB, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, 1f, c1, 0, n);
                        two.sgemm(transA, transB, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, 1f, c2, 0, n);
                        three.sgemm(transA, transB, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, 1f, c3, 0, n);
                        assertArrayEquals(c1, c2, "2 threads, shape " + m + "x" + n + "x" + k + " transA=" + transA + " transB=" + transB);
                        assertArrayEquals(c1, c3, "3 threads");
                    }
                }
            }
        }
    }

    /**
     * sgemmAddTo (the fused momentum update) gives C exactly as sgemm does and W + C exactly (the
     * elements outside the m×n block untouched), for any thread count and for products split into
     * blocks or not, including an offset sub-matrix whose row stride is wider than its columns.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"scalar", "vector", "openblas"})
    void sgemmAddToIsSgemmThenAnExactAdd(String kernel) {
        Kernels base = KernelProvider.byName(kernel);
        org.junit.jupiter.api.Assumptions.assumeTrue(base != null, kernel + " kernels not available here");
        try (ParallelKernels one = new ParallelKernels(base, 1); ParallelKernels two = new ParallelKernels(base, 2)) {
            Rng r = new Rng(11);
            int[][] shapes = {{256, 784, 64}, {128, 256, 64}, {10, 128, 64}, {64, 700, 1}};
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                for (int ldcExtra : new int[] {0, 5}) {
                    int ldc = n + ldcExtra, off = 3;
                    float[] a = random(r, k * m), b = random(r, k * n);
                    float[] c0 = random(r, off + m * ldc), w0 = random(r, off + m * ldc);
                    float[] cRef = c0.clone();
                    one.sgemm(true, false, m, n, k, -0.05f, a, 0, m, b, 0, n, 0.9f, cRef, off, ldc);
                    float[] wRef = w0.clone();
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) wRef[off + i * ldc + j] = w0[off + i * ldc + j] + cRef[off + i * ldc + j];
                    }
                    for (ParallelKernels pk : new ParallelKernels[] {one, two}) {
                        float[] c = c0.clone(), w = w0.clone();
                        pk.sgemmAddTo(true, false, m, n, k, -0.05f, a, 0, m, b, 0, n, 0.9f, c, off, ldc, w, off);
                        String what = m + "x" + n + "x" + k + " ldc=" + ldc + " threads=" + pk.threads();
                        assertArrayEquals(cRef, c, "C " + what);
                        assertArrayEquals(wRef, w, "W " + what);
                    }
                }
            }
        }
    }

    /**
     * Every kernel's own sgemmAddTo (the vector kernel adds each tile to W in its C update) is
     * bit-identical to its sgemm followed by {@link Kernels#addBlock}, alone and split over 2
     * threads: all four transpose cases, β = 0 and β ≠ 0, k over several packed k-blocks, edge
     * tiles (m, n not multiples of the micro-tile), direct-path shapes, and C entries that come out
     * subnormal (a zero column of op(A) with a subnormal old C and β = 1), which must be flushed to 0.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"scalar", "vector", "openblas"})
    void ownSgemmAddToIsItsSgemmThenAddBlockWithTheFlush(String kernel) {
        Kernels base = KernelProvider.byName(kernel);
        org.junit.jupiter.api.Assumptions.assumeTrue(base != null, kernel + " kernels not available here");
        try (ParallelKernels two = new ParallelKernels(base, 2)) {
            Rng r = new Rng(12);
            int[][] shapes = {{256, 784, 64}, {37, 70, 600}, {64, 256, 784}, {13, 45, 9}, {8, 32, 3}, {5, 700, 64}};
            int subnormals = 0;
            for (int[] s : shapes) {
                for (int ta = 0; ta < 2; ta++) {
                    for (int tb = 0; tb < 2; tb++) {
                        for (float beta : new float[] {0f, 0.9f, 1f}) {
                            int m = s[0], n = s[1], k = s[2], ldc = n + 3, off = 2;
                            boolean transA = ta == 1, transB = tb == 1;
                            int lda = transA ? m : k, ldb = transB ? k : n;
                            float[] a = random(r, m * k), b = random(r, k * n);
                            float[] c0 = random(r, off + m * ldc), w0 = random(r, off + m * ldc);
                            if (beta == 1f) {
                                // row 1 of op(A) is zero: C[1,j] = old C[1,j], made subnormal for even j
                                for (int p = 0; p < k; p++) a[transA ? p * lda + 1 : lda + p] = 0f;
                                for (int j = 0; j < n; j += 2) c0[off + ldc + j] = Float.MIN_VALUE * (j + 1);
                            }
                            for (Kernels kk : new Kernels[] {base, two}) {
                                // the reference: the same kernel's sgemm (split the same way), then addBlock
                                float[] cRef = c0.clone(), wRef = w0.clone();
                                kk.sgemm(transA, transB, m, n, k, -0.05f, a, 0, lda, b, 0, ldb, beta, cRef, off, ldc);
                                for (int j = 0; j < n; j++) if (cRef[off + ldc + j] != 0f && Math.abs(cRef[off + ldc + j]) < Float.MIN_NORMAL) subnormals++;
                                Kernels.addBlock(m, n, cRef, off, ldc, wRef, off);
                                float[] c = c0.clone(), w = w0.clone();
                                kk.sgemmAddTo(transA, transB, m, n, k, -0.05f, a, 0, lda, b, 0, ldb, beta, c, off, ldc, w, off);
                                String what = kk + " " + m + "x" + n + "x" + k + " transA=" + transA + " transB=" + transB + " beta=" + beta;
                                assertArrayEquals(cRef, c, "C " + what);
                                assertArrayEquals(wRef, w, "W " + what);
                            }
                        }
                    }
                }
            }
            org.junit.jupiter.api.Assertions.assertTrue(subnormals > 0, "the subnormal case was not exercised");
        }
    }

    /**
     * A weight gradient Δᵀ·O is cut by the rows of W (its units) into the same blocks as the
     * forward product O·Wᵀ cuts them (the columns of its C), wherever the forward product is cut by
     * units (batch ≤ units), so block i of both touches the same rows of W; where the batch is the
     * larger extent the forward product is cut by patterns and the gradient by its larger extent.
     */
    @org.junit.jupiter.api.Test
    void weightGradientIsCutIntoTheForwardProductsBlocksOfW() {
        int[][] layers = {{64, 784, 256}, {64, 256, 128}, {32, 100, 1000}, {64, 784, 2048}, {256, 784, 256}};   // batch, inputs, units
        for (int[] l : layers) {
            int batch = l[0], in = l[1], units = l[2];
            String what = "batch " + batch + ", " + in + " -> " + units;
            org.junit.jupiter.api.Assertions.assertFalse(ParallelKernels.splitsRows(false, true, batch, units, in), "forward cut by units, " + what);
            org.junit.jupiter.api.Assertions.assertTrue(ParallelKernels.splitsRows(true, false, units, in, batch), "gradient cut by units, " + what);
        }
        // batch 300 > 256 units: the forward product is cut by patterns; the gradient 256×784 by its columns
        org.junit.jupiter.api.Assertions.assertTrue(ParallelKernels.splitsRows(false, true, 300, 256, 784));
        org.junit.jupiter.api.Assertions.assertFalse(ParallelKernels.splitsRows(true, false, 256, 784, 300));
        // other products keep the larger extent
        org.junit.jupiter.api.Assertions.assertFalse(ParallelKernels.splitsRows(false, false, 64, 256, 128));
        org.junit.jupiter.api.Assertions.assertFalse(ParallelKernels.splitsRows(true, true, 256, 784, 64));
        org.junit.jupiter.api.Assertions.assertEquals(416, ParallelKernels.blockSize(784), "784 = 416 + 368 (edges on multiples of 32)");
        org.junit.jupiter.api.Assertions.assertEquals(128, ParallelKernels.blockSize(256));
        org.junit.jupiter.api.Assertions.assertEquals(512, ParallelKernels.blockSize(2048), "4 blocks");
    }

    /**
     * With one worker the caller claims blocks from the front and the worker from the back, so in
     * every call the caller's blocks are a prefix 0..a−1 and the worker's the rest, and a 2-block
     * product's block 0 is never the worker's while the caller computes block 1: each core computes
     * the same rows of W in the forward product and in the weight gradient. (With the one shared
     * counter before, a spinning worker often won block 0.) Checked over 300 calls of each, in which
     * the worker must also have taken part.
     */
    @org.junit.jupiter.api.Test
    void callerTakesTheFirstBlocksAndTheWorkerTheLast() {
        Thread me = Thread.currentThread();
        try (ParallelKernels two = new ParallelKernels(new ScalarKernels(), 2)) {
            int shared = 0;
            for (int call = 0; call < 300; call++) {
                int tasks = 2 + call % 7;
                Thread[] by = new Thread[tasks];
                two.forEach(tasks, i -> {
                    by[i] = Thread.currentThread();
                    long end = System.nanoTime() + 20_000;
                    while (System.nanoTime() < end) Thread.onSpinWait();
                });
                int a = 0;
                while (a < tasks && by[a] == me) a++;
                for (int i = a; i < tasks; i++) {
                    org.junit.jupiter.api.Assertions.assertNotNull(by[i], "call " + call + " task " + i);
                    org.junit.jupiter.api.Assertions.assertNotEquals(me, by[i], "call " + call + ": the caller's tasks are a prefix");
                }
                if (a > 0 && a < tasks) shared++;
            }
            org.junit.jupiter.api.Assertions.assertTrue(shared > 0, "the worker never took part");
        }
        // a 2-block product (W¹'s forward product in W1): block 0 on the caller whenever the worker computed one
        java.util.concurrent.ConcurrentHashMap<Integer, Thread> byBlock = new java.util.concurrent.ConcurrentHashMap<>();
        Kernels recording = scalarSeeingBlocks(cOff -> byBlock.put(cOff, Thread.currentThread()));
        int m = 64, n = 256, k = 64;   // 2.1 MFLOP: split (≥ MIN_FLOPS) into two column blocks of 128
        float[] x = random(new Rng(3), m * k), w = random(new Rng(4), n * k), net = new float[m * n];
        try (ParallelKernels two = new ParallelKernels(recording, 2)) {
            int shared = 0;
            for (int call = 0; call < 300; call++) {
                byBlock.clear();
                two.sgemm(false, true, m, n, k, 1f, x, 0, k, w, 0, k, 0f, net, 0, n);
                org.junit.jupiter.api.Assertions.assertEquals(java.util.Set.of(0, 128), byBlock.keySet(), "two column blocks of 128 units");
                if (byBlock.get(0) != byBlock.get(128)) {
                    shared++;
                    org.junit.jupiter.api.Assertions.assertEquals(me, byBlock.get(0), "call " + call + ": block 0 on the caller");
                }
            }
            org.junit.jupiter.api.Assertions.assertTrue(shared > 0, "the worker never took part");
        }
    }

    /**
     * While the caller of a product waits for a worker's block, it runs background tasks: with a
     * worker's block that takes 5 ms and 2000 background tasks of ~5 µs, tasks run on the calling
     * thread before the product returns (checked in the first product whose block 1 the worker
     * computed; a worker that is never scheduled leaves no such product, and the test fails then).
     */
    @org.junit.jupiter.api.Test
    void callerRunsBackgroundTasksWhileWaitingForAWorkersBlock() {
        Thread me = Thread.currentThread();
        java.util.concurrent.atomic.AtomicReference<Thread> block1 = new java.util.concurrent.atomic.AtomicReference<>();
        Kernels slowBlock1 = scalarSeeingBlocks(cOff -> {
            if (cOff != 0) {
                block1.set(Thread.currentThread());
                long end = System.nanoTime() + 5_000_000;
                while (System.nanoTime() < end) Thread.onSpinWait();
            }
        });
        int m = 64, n = 256, k = 784;
        float[] x = random(new Rng(5), m * k), w = random(new Rng(6), n * k), net = new float[m * n];
        try (ParallelKernels two = new ParallelKernels(slowBlock1, 2)) {
            int workerProducts = 0;
            for (int attempt = 0; attempt < 50; attempt++) {
                java.util.concurrent.atomic.AtomicBoolean returned = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.atomic.AtomicInteger byCallerDuring = new java.util.concurrent.atomic.AtomicInteger();
                org.junit.jupiter.api.Assertions.assertTrue(two.startBackground(2000, i -> {
                    if (Thread.currentThread() == me && !returned.get()) byCallerDuring.incrementAndGet();
                    long end = System.nanoTime() + 5_000;
                    while (System.nanoTime() < end) Thread.onSpinWait();
                }));
                two.sgemm(false, true, m, n, k, 1f, x, 0, k, w, 0, k, 0f, net, 0, n);
                returned.set(true);
                two.finishBackground();
                if (block1.get() != me) {
                    workerProducts++;
                    // on a loaded machine the caller can be descheduled for the whole wait: then
                    // another product must show it (the property is that it can, not that the OS lets it)
                    if (byCallerDuring.get() > 0) return;
                }
            }
            org.junit.jupiter.api.Assertions.fail(workerProducts == 0 ? "the worker never computed block 1 in 50 products"
                    : "the caller ran no task while the worker computed block 1, in all " + workerProducts + " such products");
        }
    }

    /**
     * The ticket holds the generation's low 32 bits: products still run once the generation
     * passes 2³² (about 860 million W1 steps). Before the fix the 2³²nd product claimed no block
     * and waited forever; here the generation starts just below 2³² (set by reflection).
     */
    @org.junit.jupiter.api.Test
    void productsRunPastTwoToThe32Generations() throws ReflectiveOperationException {
        float[] x = random(new Rng(7), 64 * 64), w = random(new Rng(8), 256 * 64);
        float[] one = new float[64 * 256], two = new float[64 * 256];
        new ScalarKernels().sgemm(false, true, 64, 256, 64, 1f, x, 0, 64, w, 0, 64, 0f, one, 0, 256);
        try (ParallelKernels pk = new ParallelKernels(new ScalarKernels(), 2)) {
            java.lang.reflect.Field g = ParallelKernels.class.getDeclaredField("generation");
            g.setAccessible(true);
            g.setLong(pk, (1L << 32) - 3);
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
                for (int i = 0; i < 6; i++) {
                    java.util.Arrays.fill(two, Float.NaN);
                    pk.sgemm(false, true, 64, 256, 64, 1f, x, 0, 64, w, 0, 64, 0f, two, 0, 256);   // 2.1 MFLOP: two blocks
                    assertArrayEquals(one, two, "product " + i);
                }
            });
            org.junit.jupiter.api.Assertions.assertEquals((1L << 32) + 3, g.getLong(pk));
        }
    }

    /** Scalar kernels that first hand each call's C offset (a block's first column) to {@code seen}, on the calling thread. */
    private static Kernels scalarSeeingBlocks(java.util.function.IntConsumer seen) {
        Kernels scalar = new ScalarKernels();
        return new Kernels() {
            @Override
            public String name() {
                return "scalar, seeing blocks";
            }

            @Override
            public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                seen.accept(cOff);
                scalar.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            }
        };
    }

    private static float[] random(Rng r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.uniform(-1, 1);
        return a;
    }

    /**
     * Background jobs (the trainer's copy of the next batch): every index runs exactly once, over
     * thousands of back-to-back jobs with products published in between (a worker that read the
     * previous job's task must not run it under the new job's indices); a worker takes part; a
     * failing task is rethrown by finishBackground and the next job runs normally.
     */
    @org.junit.jupiter.api.Test
    void backgroundTasksRunExactlyOnceAndWorkersTakePart() throws InterruptedException {
        try (ParallelKernels two = new ParallelKernels(new ScalarKernels(), 2)) {
            Thread me = Thread.currentThread();
            java.util.concurrent.atomic.AtomicInteger byWorker = new java.util.concurrent.atomic.AtomicInteger();
            float[] a = new float[64 * 64], b = new float[64 * 64], c = new float[64 * 64];
            for (int job = 0; job < 3000; job++) {
                int tasks = 1 + job % 97;
                int[] runs = new int[tasks];
                int stamp = job;
                int[] seen = new int[tasks];
                org.junit.jupiter.api.Assertions.assertTrue(two.startBackground(tasks, i -> {
                    runs[i]++;
                    seen[i] = stamp;
                    if (Thread.currentThread() != me) byWorker.incrementAndGet();
                }));
                if (job % 3 == 0) two.sgemm(false, false, 64, 64, 64, 1f, a, 0, 64, b, 0, 64, 0f, c, 0, 64);   // 0.5 MFLOP: one call
                if (job % 3 == 1) two.sgemm(false, false, 64, 512, 32, 1f, new float[64 * 32], 0, 32, new float[32 * 512], 0, 512, 0f, new float[64 * 512], 0, 512);
                two.finishBackground();
                for (int i = 0; i < tasks; i++) {
                    org.junit.jupiter.api.Assertions.assertEquals(1, runs[i], "job " + job + " task " + i);
                    org.junit.jupiter.api.Assertions.assertEquals(job, seen[i]);
                }
            }
            // a job the caller leaves to the workers is done by them (the caller waits up to 10 s)
            java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
            int before = byWorker.get();
            org.junit.jupiter.api.Assertions.assertTrue(two.startBackground(1, i -> {
                if (Thread.currentThread() != me) byWorker.incrementAndGet();
                ran.countDown();
            }));
            org.junit.jupiter.api.Assertions.assertTrue(ran.await(10, java.util.concurrent.TimeUnit.SECONDS));
            two.finishBackground();
            org.junit.jupiter.api.Assertions.assertEquals(before + 1, byWorker.get(), "the task ran on the worker");

            // one job at a time; a failure comes back from finishBackground, and the next job runs
            org.junit.jupiter.api.Assertions.assertTrue(two.startBackground(4, i -> {
                if (i == 2) throw new IllegalArgumentException("task 2 failed");
            }));
            org.junit.jupiter.api.Assertions.assertFalse(two.startBackground(1, i -> { }), "a second job while one is in progress");
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, two::finishBackground);
            org.junit.jupiter.api.Assertions.assertEquals("task 2 failed", e.getMessage());
            int[] after = new int[5];
            org.junit.jupiter.api.Assertions.assertTrue(two.startBackground(5, i -> after[i]++));
            two.finishBackground();
            assertArrayEquals(new int[] {1, 1, 1, 1, 1}, after);
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, two::finishBackground, "no job in progress");
        }
        try (ParallelKernels one = new ParallelKernels(new ScalarKernels(), 1)) {
            org.junit.jupiter.api.Assertions.assertFalse(one.startBackground(3, i -> { }), "no workers: the caller does the work itself");
        }
    }
}
