package org.backprop4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;

/**
 * Online training (W2's network: 784-64-10 logistic/softmax, the first 10,000 Fashion-MNIST
 * images in file order, SGD η = 0.01) two ways, alternately in one process on the vector kernels
 * (one thread): one {@link Backprop#descend} per pattern, and {@link Backprop#descendOnline}, whose
 * first-layer update is fused with the next pattern's product. Prints the last round's
 * patterns/s, whether the two networks' weights are the same bits, and the median ratio (the
 * first 4 rounds left out: JIT).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp backprop4j-bench.jar org.backprop4j.bench.OnlineAB [MOMENTUM]</pre>
 */
public final class OnlineAB {
    public static void main(String[] args) throws Exception {
        DataSet train = FashionMnist.load(FashionMnist.directory(), true, 10000);
        Kernels k = KernelProvider.byName("vector");
        float mu = args.length > 0 ? Float.parseFloat(args[0]) : 0f;
        Network a = Network.builder(784).layer(64, Activation.LOGISTIC).layer(10, Activation.SOFTMAX).build(Init.he(), 42), b = a.copy();
        Backprop ea = new Backprop(a, Loss.CROSS_ENTROPY, k), eb = new Backprop(b, Loss.CROSS_ENTROPY, k);
        float[] va = mu == 0 ? null : new float[a.paramCount()], vb = mu == 0 ? null : new float[b.paramCount()];
        float[] x = train.x(), d = train.d();
        double[] sums = new double[2];
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < 16; r++) {
            long t0 = System.nanoTime();
            for (int p = 0; p < 10000; p++) ea.descend(x, d, p, 1, 0.01f, mu, va, 0f, false);
            long t1 = System.nanoTime();
            eb.descendOnline(x, d, null, 0, 10000, 0.01f, mu, vb, sums);
            long t2 = System.nanoTime();
            if (r >= 4) ratios.add((double) (t1 - t0) / (t2 - t1));
            if (r == 15) System.out.printf(Locale.ROOT, "momentum %.1f: per pattern %.0f vs %.0f patterns/s; same weights: %b%n", mu, 1e4 / ((t1 - t0) / 1e9), 1e4 / ((t2 - t1) / 1e9), Arrays.equals(a.params(), b.params()));
        }
        Collections.sort(ratios);
        System.out.printf(Locale.ROOT, "fused / per pattern: median %.3f (quartiles %.3f–%.3f)%n", ratios.get(ratios.size() / 2), ratios.get(ratios.size() / 4), ratios.get(3 * ratios.size() / 4));
    }

    private OnlineAB() {}
}
