package org.backprop4j.train;

import java.nio.file.Files;
import java.nio.file.Path;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.IdxReader;

/**
 * Measures what divergence detection costs on workload W1 (784-256-128-10 ReLU/softmax, SGD with
 * momentum 0.9, η = 0.05, batch 64; ../shared/bench/peers/WORKLOADS.md): the per-epoch work it adds
 * (a finiteness scan of every weight and a copy of the weights as the last good ones) against the
 * time of one training epoch, and the per-step check (one {@code Double.isFinite} on the batch error,
 * which is computed anyway). Not a test: run it by hand,
 * {@code java ... org.backprop4j.train.DivergenceCost [patterns]} (Fashion-MNIST from
 * /usr/share/datasets/fashion-mnist or $FMNIST_DIR, else random data of the same shape).
 */
public final class DivergenceCost {
    static int steps(int m) {
        return (m + 63) / 64;
    }

    public static void main(String[] args) throws Exception {
        int m = args.length > 0 ? Integer.parseInt(args[0]) : 60000;
        Path dir = Path.of(System.getenv().getOrDefault("FMNIST_DIR", "/usr/share/datasets/fashion-mnist"));
        DataSet ds;
        if (Files.exists(dir.resolve("train-images-idx3-ubyte.gz"))) {
            ds = IdxReader.read(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"),
                    IdxReader.FASHION_MNIST, m);
        } else {
            Rng r = new Rng(1);
            float[] x = new float[m * 784];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
            int[] y = new int[m];
            for (int i = 0; i < m; i++) y[i] = r.nextInt(10);
            ds = DataSet.classification(x, 784, y, IdxReader.FASHION_MNIST);
        }
        Network net = Network.builder(784).layer(256, Activation.RELU).layer(128, Activation.RELU).layer(10, Activation.SOFTMAX)
                .build(Init.he(), 42);
        TrainingConfig cfg = TrainingConfig.builder().miniBatch(64).epochs(1).optimizer("sgd:lr=0.05,momentum=0.9")
                .evaluateEachEpoch(false).seed(42).build();
        Trainer t = new Trainer(net, Loss.CROSS_ENTROPY, cfg);
        t.fit(ds);   // warm-up
        int epochs = 3;
        long t0 = System.nanoTime();
        for (int e = 0; e < epochs; e++) t.fit(ds);
        double epochMs = (System.nanoTime() - t0) / 1e6 / epochs;

        float[] w = net.params(), good = new float[w.length];
        int reps = 2000;
        long sink = 0;
        for (int i = 0; i < reps; i++) sink += Trainer.firstNonFinite(w);   // warm-up
        long t1 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            sink += Trainer.firstNonFinite(w);
            System.arraycopy(w, 0, good, 0, w.length);
        }
        double checkMs = (System.nanoTime() - t1) / 1e6 / reps;
        // a checkpoint of this run (weights, SGD velocity, restart point and pattern order), written 5 times
        Optimizer sgd = Optimizers.create("sgd:lr=0.05,momentum=0.9");
        sgd.step(w.clone(), new float[w.length]);
        int[] order = new int[m];
        for (int i = 0; i < m; i++) order[i] = i;
        Checkpoint c = new Checkpoint("W1", net.sizes(), m, 784, 10, 0, 1, steps(m), 0, order, w.clone(), sgd.exportState(),
                1, 0, 1, 1, w.clone(), sgd.exportState(), new double[0], new float[0],
                java.util.List.of(new EpochStats(1, 1, 1, 1, 1, steps(m), 1)));
        Path f = Files.createTempFile("w1", ".ckpt");
        c.write(f);
        long t2 = System.nanoTime();
        for (int i = 0; i < 5; i++) c.write(f);
        double writeMs = (System.nanoTime() - t2) / 1e6 / 5;
        long t3 = System.nanoTime();
        for (int i = 0; i < 5; i++) Checkpoint.read(f);
        double readMs = (System.nanoTime() - t3) / 1e6 / 5;
        System.out.printf(java.util.Locale.ROOT, "W1 checkpoint: %.1f MB, written (with fsync) in %.1f ms = %.2f%% of an epoch, read and validated in %.1f ms%n",
                Files.size(f) / 1e6, writeMs, 100 * writeMs / epochMs, readMs);
        Files.delete(f);
        int steps = steps(m);
        System.out.printf(java.util.Locale.ROOT,
                "W1 (%d patterns, %d parameters): epoch %.1f ms; per-epoch weight scan + copy %.4f ms = %.4f%% of an epoch;"
                        + " per-step check: %d comparisons of one double per epoch (%s)%n",
                m, w.length, epochMs, checkMs, 100 * checkMs / epochMs, steps, sink == Long.MIN_VALUE ? "" : "negligible");
    }
}
