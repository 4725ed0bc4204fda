package org.backprop4j.bench;

import java.util.Locale;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;
import org.backprop4j.kernel.ParallelKernels;
import org.backprop4j.train.Sgd;

/**
 * Where a W1-shaped training step spends its time (784-256-128-10 ReLU/softmax, batch 64, momentum
 * 0.9, random data): products (sgemm), the rest of the gradient, and the optimizer step, per 937
 * batches (one Fashion-MNIST epoch), 8 repetitions; then how many velocities are subnormal and the
 * optimizer step alone. {@code fused} runs the momentum update inside the backward pass
 * ({@link Backprop#descend(float[], float[], int, int, float, float, float[], float, boolean)}),
 * {@code plain} gradient() then Sgd.step.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp backprop4j-bench.jar org.backprop4j.bench.StepProfile [vector|openblas|scalar] [THREADS] [fused|plain]</pre>
 */
public final class StepProfile {

    /** Counts the time spent in the products. */
    static final class Timed implements Kernels {
        final Kernels d;
        long ns;
        /** Time per product shape ("NT 64x256x784", in call order), for the per-product breakdown. */
        final java.util.LinkedHashMap<String, long[]> perShape = new java.util.LinkedHashMap<>();
        Timed(Kernels d) { this.d = d; }
        @Override public String name() { return d.name(); }
        private void count(boolean ta, boolean tb, int m, int n, int k, boolean add, long t) {
            String key = (ta ? "T" : "N") + (tb ? "T" : "N") + (add ? "+W " : " ") + m + "x" + n + "x" + k;
            long[] e = perShape.get(key);
            if (e == null) perShape.put(key, e = new long[2]);
            e[0] += t;
            e[1]++;
            ns += t;
        }
        @Override
        public void sgemm(boolean ta, boolean tb, int m, int n, int k, float al, float[] a, int ao, int lda,
                          float[] b, int bo, int ldb, float be, float[] c, int co, int ldc) {
            long t = System.nanoTime();
            d.sgemm(ta, tb, m, n, k, al, a, ao, lda, b, bo, ldb, be, c, co, ldc);
            count(ta, tb, m, n, k, false, System.nanoTime() - t);
        }
        @Override
        public void sgemmAddTo(boolean ta, boolean tb, int m, int n, int k, float al, float[] a, int ao, int lda,
                               float[] b, int bo, int ldb, float be, float[] c, int co, int ldc, float[] w, int wo) {
            long t = System.nanoTime();
            d.sgemmAddTo(ta, tb, m, n, k, al, a, ao, lda, b, bo, ldb, be, c, co, ldc, w, wo);
            count(ta, tb, m, n, k, true, System.nanoTime() - t);
        }
    }

    public static void main(String[] args) {
        String kernel = args.length > 0 ? args[0] : "vector";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        boolean fused = args.length <= 2 || args[2].equals("fused");
        Kernels base = KernelProvider.byName(kernel);
        if (base == null) throw new IllegalArgumentException(kernel + " kernels are not available here");
        int batches = 937, m = 64, blocks = 16;
        try (ParallelKernels pk = new ParallelKernels(base, threads)) {
            Timed tk = new Timed(pk);
            Network net = Network.builder(784).layer(256, Activation.RELU).layer(128, Activation.RELU).layer(10, Activation.SOFTMAX)
                    .build(Init.he(), 1);
            Backprop bp = new Backprop(net, Loss.CROSS_ENTROPY, tk);
            Rng r = new Rng(1);
            float[] x = new float[m * 784 * blocks];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(0, 1);
            float[] d = new float[m * 10 * blocks];
            for (int i = 0; i < m * blocks; i++) d[i * 10 + r.nextInt(10)] = 1;
            float[] g = new float[net.paramCount()];
            Sgd opt = new Sgd(0.01, 0.9, false);
            for (int rep = 0; rep < 8; rep++) {
                tk.ns = 0;
                tk.perShape.clear();
                long tg = 0, ts = 0, t0 = System.nanoTime();
                for (int i = 0; i < batches; i++) {
                    long a0 = System.nanoTime();
                    if (fused) {
                        bp.descend(x, d, (i % blocks) * m, m, 0.01f, 0.9f, opt.velocityFor(g.length), 0f, false);
                        tg += System.nanoTime() - a0;
                    } else {
                        bp.gradient(x, d, (i % blocks) * m, m, g, 0, false);
                        long a1 = System.nanoTime();
                        opt.step(net.params(), g);
                        tg += a1 - a0;
                        ts += System.nanoTime() - a1;
                    }
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "rep %d: %.0f samples/s  total %.3f s  sgemm %.3f s  rest of gradient %.3f s  step %.3f s%n",
                        rep, batches * m / s, s, tk.ns / 1e9, (tg - tk.ns) / 1e9, ts / 1e9);
            }
            StringBuilder shapes = new StringBuilder("last repetition, per product (µs per call, GFLOP/s):");
            tk.perShape.forEach((key, e) -> {
                String[] mnk = key.substring(key.lastIndexOf(' ') + 1).split("x");
                double flops = 2.0 * Long.parseLong(mnk[0]) * Long.parseLong(mnk[1]) * Long.parseLong(mnk[2]);
                double us = e[0] / 1e3 / e[1];
                shapes.append(String.format(Locale.ROOT, "%n  %-22s %7.1f µs %6.1f GFLOP/s", key, us, flops / us / 1e3));
            });
            System.out.println(shapes);
            float[] v = opt.velocity();
            int sub = 0;
            for (float vi : v) if (vi != 0 && Math.abs(vi) < Float.MIN_NORMAL) sub++;
            System.out.printf(Locale.ROOT, "subnormal velocities: %d of %d%n", sub, v.length);
            long t0 = System.nanoTime();
            for (int i = 0; i < 1000; i++) opt.step(net.params(), g);
            System.out.printf(Locale.ROOT, "Sgd.step alone: %.1f µs (%.2f ns per weight)%n",
                    (System.nanoTime() - t0) / 1e3 / 1000, (System.nanoTime() - t0) / 1000.0 / v.length);
        }
    }
}
