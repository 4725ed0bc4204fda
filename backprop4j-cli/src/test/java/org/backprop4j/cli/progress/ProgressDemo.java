package org.backprop4j.cli.progress;

import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.BuiltinData;
import org.backprop4j.data.DataSet;
import org.backprop4j.train.Sgd;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingResult;

/**
 * Manual check of the displays on a real terminal (not a test):
 * {@code java -cp ... org.backprop4j.cli.progress.ProgressDemo [auto|bar|plain|quiet|json] [epochs] [sleepMs] [runs]}.
 * Trains MONK-1 with a pause per epoch so the bar can be watched; with runs > 1 the runs train in
 * parallel threads, each with its own bar.
 */
public final class ProgressDemo {
    public static void main(String[] args) throws Exception {
        ProgressMode mode = ProgressMode.valueOf(args.length > 0 ? args[0].toUpperCase(java.util.Locale.ROOT) : "AUTO");
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        long sleep = args.length > 2 ? Long.parseLong(args[2]) : 50;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        ProgressFactory f = ProgressFactory.create(mode, System.err);
        System.err.println("progress mode: " + f.mode() + " (asked " + mode + ")");
        Thread[] threads = new Thread[runs];
        for (int i = 0; i < runs; i++) {
            int seed = i + 1;
            threads[i] = new Thread(() -> {
                DataSet train = BuiltinData.monkSample(1, 124, seed);
                DataSet val = BuiltinData.monkAll(1);
                Network net = Network.builder(17).layer(4, Activation.TANH).layer(1, Activation.LOGISTIC).build(Init.xavier(), seed);
                TrainingConfig cfg = TrainingConfig.builder().miniBatch(16).epochs(epochs).optimizer(() -> new Sgd(0.2, 0.9, false)).seed(seed).build();
                try (ProgressDisplay d = f.start(runs == 1 ? "train" : "fold " + seed + "/" + runs, epochs)) {
                    Trainer t = new Trainer(net, Loss.BINARY_CROSS_ENTROPY, cfg).addListener(d).addListener((s, tr) -> {
                        try {
                            Thread.sleep(sleep * seed);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    TrainingResult r = t.fit(train, val);
                    d.finish(r);
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) t.join();
        System.err.println("demo done");
    }
}
