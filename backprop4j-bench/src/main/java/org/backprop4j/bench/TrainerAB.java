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
 * threads) two ways, one epoch each, alternately in one process, so that this VM's speed drifts
 * (±20–40% between whole runs) cancel in the per-round ratio:
 * <ul>
 *   <li>{@code copy}: with and without the background copy of the next shuffled batch. "Without"
 *   runs the same parallel kernels behind a wrapper that keeps {@link Kernels#splits}'s default
 *   (false), so the products are split exactly as before and only the copy moves back onto the
 *   training thread.</li>
 *   <li>{@code kernels}: the Java Vector API kernels against OpenBLAS (both on 2 threads through
 *   {@link ParallelKernels}; OpenBLAS's kernels as {@code OPENBLAS_CORETYPE} or its detection pick).</li>
 * </ul>
 * Prints each round and the median ratio (first 3 rounds left out: JIT).
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx1g -cp backprop4j-bench.jar org.backprop4j.bench.TrainerAB copy|kernels [ROUNDS]</pre>
 */
public final class TrainerAB {
    /** The same kernels, saying they split nothing (so the trainer copies every batch itself). */
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
        String mode = args.length > 0 ? args[0] : "copy";
        if (!mode.equals("copy") && !mode.equals("kernels")) throw new IllegalArgumentException("mode copy or kernels, not " + mode);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        DataSet train = FashionMnist.load(FashionMnist.directory(), true, 60000);
        Kernels vector = KernelProvider.byName("vector");
        if (vector == null) throw new IllegalStateException("vector kernels are not available here (--add-modules jdk.incubator.vector)");
        Kernels openblas = mode.equals("kernels") ? KernelProvider.byName("openblas") : null;
        if (mode.equals("kernels") && openblas == null) throw new IllegalStateException("OpenBLAS is not available here");
        String[] names = mode.equals("copy") ? new String[] {"background copy", "copy on the training thread"} : new String[] {"vector", "openblas"};
        try (ParallelKernels pk = new ParallelKernels(vector, 2); ParallelKernels other = openblas == null ? null : new ParallelKernels(openblas, 2)) {
            Kernels[] kernels = {pk, other == null ? new Hidden(pk) : other};
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
                System.out.printf(Locale.ROOT, "round %d: %s %.0f samples/s, %s %.0f, ratio %.3f%n",
                        r, names[0], sps[0], names[1], sps[1], sps[0] / sps[1]);
            }
            double[] ratio = kept.stream().mapToDouble(s -> s[0] / s[1]).sorted().toArray();
            double[] with = kept.stream().mapToDouble(s -> s[0]).sorted().toArray();
            double[] without = kept.stream().mapToDouble(s -> s[1]).sorted().toArray();
            System.out.printf(Locale.ROOT, "medians of %d rounds: %s %.0f, %s %.0f samples/s; ratio %.3f (quartiles %.3f–%.3f)%n",
                    ratio.length, names[0], median(with), names[1], median(without), median(ratio), ratio[ratio.length / 4], ratio[3 * ratio.length / 4]);
        }
    }

    private static double median(double[] sorted) {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }

    private TrainerAB() {}
}
