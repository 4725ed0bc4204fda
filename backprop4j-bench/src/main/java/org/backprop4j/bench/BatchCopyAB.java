package org.backprop4j.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;
import org.backprop4j.kernel.ParallelKernels;
import org.backprop4j.train.Sgd;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;

/**
 * W1's training loop (Fashion-MNIST, 784-256-128-10 ReLU/softmax, batch 64, SGD with momentum, 2
 * threads) with and without the background copy of the next shuffled batch, one epoch each,
 * alternately in one process, so that this VM's speed drifts (±20–40% between whole runs) cancel in
 * the per-round ratio. "Without" runs the same parallel kernels behind a wrapper that is not a
 * {@link ParallelKernels}, so the products are split exactly as before and only the copy moves back
 * onto the training thread. Prints each round and the median ratio (first 3 rounds left out: JIT).
 *
 * <pre>java --add-modules jdk.incubator.vector -Xmx1g -cp backprop4j-bench.jar org.backprop4j.bench.BatchCopyAB [ROUNDS]</pre>
 */
public final class BatchCopyAB {
    /** The same kernels, hidden from the trainer's {@code instanceof ParallelKernels}. */
    private record Hidden(Kernels k) implements Kernels {
        @Override public String name() {
            return k.name();
        }

        @Override public void sgemm(boolean ta, boolean tb, int m, int n, int kk, float alpha, float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            k.sgemm(ta, tb, m, n, kk, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }

        @Override public void sgemmAddTo(boolean ta, boolean tb, int m, int n, int kk, float alpha, float[] a, int aOff, int lda,
                                         float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc, float[] w, int wOff) {
            k.sgemmAddTo(ta, tb, m, n, kk, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, w, wOff);
        }
    }

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        DataSet train = FashionMnist.load(FashionMnist.directory(), true, 60000);
        Kernels vector = KernelProvider.byName("vector");
        if (vector == null) throw new IllegalStateException("vector kernels are not available here (--add-modules jdk.incubator.vector)");
        try (ParallelKernels pk = new ParallelKernels(vector, 2)) {
            Kernels[] kernels = {pk, new Hidden(pk)};
            Network[] nets = new Network[2];
            for (int i = 0; i < 2; i++) {
                nets[i] = Network.builder(784).layer(256, Activation.RELU).layer(128, Activation.RELU).layer(10, Activation.SOFTMAX)
                        .build(Init.he(), 42);
            }
            List<double[]> kept = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                double[] sps = new double[2];
                for (int j = 0; j < 2; j++) {
                    int i = r % 2 == 0 ? j : 1 - j;   // which goes first alternates too
                    TrainingConfig cfg = TrainingConfig.builder().epochs(1).seed(r).evaluateEachEpoch(false).miniBatch(64).shuffle(true)
                            .optimizer(() -> new Sgd(0.05, 0.9, false)).build();
                    Trainer t = new Trainer(nets[i], Loss.CROSS_ENTROPY, cfg, kernels[i]);
                    long t0 = System.nanoTime();
                    t.fit(train);
                    sps[i] = train.size() / ((System.nanoTime() - t0) / 1e9);
                }
                if (r >= 3) kept.add(sps);
                System.out.printf(Locale.ROOT, "round %d: background copy %.0f samples/s, on the training thread %.0f, ratio %.3f%n",
                        r, sps[0], sps[1], sps[0] / sps[1]);
            }
            double[] ratio = kept.stream().mapToDouble(s -> s[0] / s[1]).sorted().toArray();
            double[] with = kept.stream().mapToDouble(s -> s[0]).sorted().toArray();
            double[] without = kept.stream().mapToDouble(s -> s[1]).sorted().toArray();
            System.out.printf(Locale.ROOT, "medians of %d rounds: background copy %.0f, on the training thread %.0f samples/s; ratio %.3f (quartiles %.3f–%.3f)%n",
                    ratio.length, median(with), median(without), median(ratio), ratio[ratio.length / 4], ratio[3 * ratio.length / 4]);
        }
    }

    private static double median(double[] sorted) {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }

    private BatchCopyAB() {}
}
