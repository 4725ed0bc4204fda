package org.backprop4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.backprop4j.Rng;
import org.junit.jupiter.api.Test;

/** One-row products go to the gemv kernel, all others to the main one, with that kernel's bits. */
class RoutedKernelsTest {

    /** Counts the calls it delegates. */
    static final class Counting implements Kernels {
        final Kernels inner = new ScalarKernels();
        final AtomicInteger calls = new AtomicInteger();

        public String name() { return "counting"; }

        public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            calls.incrementAndGet();
            inner.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    @Test
    void routesByShapeOnly() {
        Counting main = new Counting(), gemv = new Counting();
        RoutedKernels r = new RoutedKernels(main, gemv);
        Rng rng = new Rng(1);
        float[] a = new float[5 * 7], b = new float[7 * 3];
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.uniform(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) rng.uniform(-1, 1);
        float[] c1 = new float[3], c5 = new float[15], e1 = new float[3], e5 = new float[15];
        r.sgemm(false, false, 1, 3, 7, 1f, a, 0, 7, b, 0, 3, 0f, c1, 0, 3);
        r.sgemm(false, false, 5, 3, 7, 1f, a, 0, 7, b, 0, 3, 0f, c5, 0, 3);
        r.sgemm(true, false, 5, 3, 1, 1f, a, 0, 5, b, 0, 3, 1f, new float[15], 0, 3);   // k = 1: outer product
        assertEquals(2, gemv.calls.get());
        assertEquals(1, main.calls.get());
        new ScalarKernels().sgemm(false, false, 1, 3, 7, 1f, a, 0, 7, b, 0, 3, 0f, e1, 0, 3);
        new ScalarKernels().sgemm(false, false, 5, 3, 7, 1f, a, 0, 7, b, 0, 3, 0f, e5, 0, 3);
        assertArrayEquals(e1, c1);
        assertArrayEquals(e5, c5);
        assertEquals("counting", r.name());
    }
}
