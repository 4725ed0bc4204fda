package org.backprop4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.backprop4j.Rng;
import org.backprop4j.kernel.Elementwise;

/**
 * Nanoseconds per element of each element-wise loop on W1's and W3's shapes, through the public
 * {@link Elementwise} entry points: without the jdk.incubator.vector module they run the scalar loops,
 * with it the Vector API loops (loops of 256 elements or more). Built against the core only, so the
 * same class can time another build's core: {@code java -cp OTHER/backprop4j-core/target/classes:backprop4j-bench/target/classes
 * org.backprop4j.bench.ElementwiseLoops [seconds per loop]}. Loops that change their input start from a
 * fresh copy each call, whose cost is taken off. Prints one line per loop (the median of timed slices).
 */
public final class ElementwiseLoops {
    private ElementwiseLoops() {}

    private record Case(String name, int len, float[] src, float[] work, Runnable body) {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        Rng r = new Rng(1);
        List<Case> cases = new ArrayList<>();
        // W1: momentum step over a 784x256 layer, ReLU' of 64x256, bias sums, softmax's exp over 64x10
        cases.add(flushAdd(r, 784 * 256));
        cases.add(flushAdd(r, 256 * 128));
        float[] o = fill(r, 64 * 256, -1, 1), g = fill(r, 64 * 256, -1, 1);
        for (int i = 0; i < o.length; i++) o[i] = Math.max(o[i], 0f);
        cases.add(new Case("relu' 64x256", o.length, null, null, () -> Elementwise.multiplyDerivative(Elementwise.DERIV_RELU, g, o, 0, o.length)));
        cases.add(columnSums(r, 64, 256));
        cases.add(columnSums(r, 64, 128));
        cases.add(inPlace("softmax exp 64x10", fill(r, 640, -20, 0), a -> Elementwise.expShifted(a, 0, a.length, 0f)));
        // W3: tanh hidden layer of a 2048-row chunk, its derivative, bias sums, softmax's exp
        cases.add(inPlace("tanh 2048x128", fill(r, 2048 * 128, -3, 3), a -> Elementwise.tanh(a, 0, a.length)));
        cases.add(inPlace("logistic 2048x128", fill(r, 2048 * 128, -6, 6), a -> Elementwise.logistic(a, 0, a.length)));
        float[] ot = fill(r, 2048 * 128, -1, 1), gt = fill(r, 2048 * 128, -1, 1);
        cases.add(new Case("tanh' 2048x128", ot.length, null, null, () -> Elementwise.multiplyDerivative(Elementwise.DERIV_TANH, gt, ot, 0, ot.length)));
        cases.add(columnSums(r, 2048, 128));
        cases.add(inPlace("softmax exp 2048x10", fill(r, 20480, -20, 0), a -> Elementwise.expShifted(a, 0, a.length, 0f)));
        System.out.println("# elementwise loops: " + Elementwise.implementation() + ", " + seconds + " s per loop");
        for (Case c : cases) {
            run(c, seconds);   // warm-up: C2 compiles the loop
            double ns = run(c, seconds);
            double copy = c.src == null ? 0 : copyNanos(c, seconds / 4);
            System.out.printf(java.util.Locale.ROOT, "%-22s %8d  %7.3f ns/element%s%n", c.name, c.len, (ns - copy) / c.len,
                    c.src == null ? "" : String.format(java.util.Locale.ROOT, "  (copy %.3f taken off)", copy / c.len));
        }
    }

    private static float[] fill(Rng r, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.uniform(lo, hi);
        return a;
    }

    private static Case flushAdd(Rng r, int n) {
        float[] c = fill(r, n, -1e-3, 1e-3), w = fill(r, n, -0.1, 0.1);
        return new Case("flushAdd " + n, n, null, null, () -> Elementwise.flushAdd(c, 0, w, 0, n));
    }

    private static Case columnSums(Rng r, int m, int n) {
        float[] d = fill(r, m * n, -1, 1), dst = new float[n];
        return new Case("columnSums " + m + "x" + n, m * n, null, null, () -> Elementwise.columnSums(d, m, n, dst, 0, false));
    }

    private static Case inPlace(String name, float[] src, java.util.function.Consumer<float[]> f) {
        float[] work = new float[src.length];
        return new Case(name, src.length, src, work, () -> {
            System.arraycopy(src, 0, work, 0, src.length);
            f.accept(work);
        });
    }

    /** Median nanoseconds per call over five slices of a fifth of {@code seconds} each. */
    private static double run(Case c, double seconds) {
        double[] slices = new double[5];
        for (int s = 0; s < slices.length; s++) {
            long end = System.nanoTime() + (long) (seconds / slices.length * 1e9), t0 = System.nanoTime(), calls = 0, now;
            do {
                c.body.run();
                calls++;
            } while ((now = System.nanoTime()) < end);
            slices[s] = (double) (now - t0) / calls;
        }
        Arrays.sort(slices);
        return slices[2];
    }

    private static double copyNanos(Case c, double seconds) {
        return run(new Case(c.name, c.len, null, null, () -> System.arraycopy(c.src, 0, c.work, 0, c.len)), seconds);
    }
}
