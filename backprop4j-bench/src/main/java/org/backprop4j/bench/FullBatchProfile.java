package org.backprop4j.bench;

import java.util.Arrays;
import java.util.Locale;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.ParallelKernels;

/**
 * W3's full-batch gradient alone ({@link Backprop#gradient} over 60,000 rows of 784 inputs,
 * 784-128-10 tanh/softmax, random data with half the inputs 0 like Fashion-MNIST's pixels), on 1 and
 * 2 threads alternately in one process (2 gradients each per round), so that the machine's speed
 * drifts cancel: medians and the 2-thread/1-thread ratio. No optimizer step, no trainer.
 *
 * <pre>java --add-modules jdk.incubator.vector -Xmx1g -cp backprop4j-bench.jar org.backprop4j.bench.FullBatchProfile [ROUNDS]</pre>
 */
public final class FullBatchProfile {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int m = 60000;
        Network net = Network.builder(784).layer(128, Activation.TANH).layer(10, Activation.SOFTMAX).build(Init.fanIn(), 1);
        Rng r = new Rng(1);
        float[] x = new float[m * 784];
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(2) == 0 ? 0f : (float) r.uniform(0, 1);
        float[] d = new float[m * 10];
        for (int i = 0; i < m; i++) d[i * 10 + r.nextInt(10)] = 1;
        float[] g = new float[net.paramCount()];
        org.backprop4j.kernel.Kernels vector = KernelProvider.byName("vector");
        if (vector == null) throw new IllegalStateException("vector kernels are not available here (--add-modules jdk.incubator.vector)");
        try (ParallelKernels p1 = new ParallelKernels(vector, 1); ParallelKernels p2 = new ParallelKernels(vector, 2)) {
            Backprop[] bp = {new Backprop(net, Loss.CROSS_ENTROPY, p1), new Backprop(net, Loss.CROSS_ENTROPY, p2)};
            for (int w = 0; w < 20; w++) bp[w & 1].gradient(x, d, 0, m, g, 0, false);
            double[][] t = new double[2][rounds];
            for (int rd = 0; rd < rounds; rd++) {
                for (int v = 0; v < 2; v++) {
                    long t0 = System.nanoTime();
                    for (int k = 0; k < 2; k++) bp[v].gradient(x, d, 0, m, g, 0, false);
                    t[v][rd] = 2.0 * m / ((System.nanoTime() - t0) / 1e9);
                }
            }
            double[] ratio = new double[rounds];
            for (int rd = 0; rd < rounds; rd++) ratio[rd] = t[1][rd] / t[0][rd];
            Arrays.sort(ratio); Arrays.sort(t[0]); Arrays.sort(t[1]);
            System.out.printf(Locale.ROOT, "1 thread %.0f, 2 threads %.0f samples/s (medians); 2/1 = %.3f [q1 %.3f q3 %.3f]; GFLOP/s 2 threads %.1f%n",
                t[0][rounds / 2], t[1][rounds / 2], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4], t[1][rounds / 2] * 2 * (784 * 128 * 2 + 128 * 10 * 3) / 1e9);
        }
    }
}
