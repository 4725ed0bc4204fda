package org.backprop4j.cli.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.backprop4j.train.Sgd;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingResult;

/** Real training runs to report on (small: well under a second). */
final class SampleRuns {
    private SampleRuns() {
    }

    /** Class names, one of them hostile, to check the escaping. */
    static final List<String> CLASSES = List.of("setosa & co", "<script>alert('x')</script>", "virginica \"v\"");

    /** Three overlapping Gaussian blobs in 2-D, 3 × n patterns. */
    static DataSet blobs(int n, long seed) {
        Rng rng = new Rng(seed);
        double[][] centres = {{0, 0}, {2.2, 0.4}, {1.0, 2.0}};
        float[] x = new float[3 * n * 2];
        int[] labels = new int[3 * n];
        for (int p = 0; p < 3 * n; p++) {
            int k = p % 3;
            labels[p] = k;
            x[2 * p] = (float) (centres[k][0] + 0.7 * rng.nextGaussian());
            x[2 * p + 1] = (float) (centres[k][1] + 0.7 * rng.nextGaussian());
        }
        return DataSet.classification(x, 2, labels, CLASSES);
    }

    /** confusion[actual][predicted] of {@code net} on {@code ds}. */
    static int[][] confusion(Network net, Loss loss, DataSet ds) {
        int k = ds.outputs();
        int[][] c = new int[k][k];
        float[] o = new Backprop(net, loss).forward(ds.x(), 0, ds.size());
        for (int p = 0; p < ds.size(); p++) c[ds.label(p)][Evaluation.predictedClass(o, p * k, k)]++;
        return c;
    }

    /** A 2-8-3 softmax network trained on blobs, with validation and test sets, as report data. */
    static ReportData classification(int epochs) {
        DataSet train = blobs(60, 1), val = blobs(20, 2), test = blobs(30, 3);
        Network net = Network.builder(2).layer(8, Activation.TANH).layer(3, Activation.SOFTMAX).build(Init.xavier(), 7);
        TrainingConfig cfg = TrainingConfig.builder().miniBatch(16).epochs(epochs).optimizer(() -> new Sgd(0.03, 0.9, false)).seed(7).build();
        Instant start = Instant.parse("2026-11-22T10:00:00Z");
        TrainingResult r = new Trainer(net, Loss.CROSS_ENTROPY, cfg).fit(train, val);
        Evaluation te = Evaluation.of(new Backprop(net, Loss.CROSS_ENTROPY), test);
        return ReportData.builder()
                .title("Blobs <3 classes> & friends")
                .dataSet("blobs.csv", train.size(), val.size(), test.size())
                .network(net)
                .config("optimizer", "SGD η = 0.03, momentum 0.9")
                .config("mode", cfg.mode())
                .config("batch size", cfg.batchSize())
                .config("epochs", cfg.maxEpochs())
                .config("loss", Loss.CROSS_ENTROPY.id())
                .config("seed", cfg.seed())
                .config("λ", 0.0)
                .config("note", "<b>not bold</b>")
                .maxEpochs(epochs)
                .result(r)
                .startedAt(start)
                .trainingTime(Duration.ofMillis(1234))
                .metric("test accuracy", te.accuracy())
                .metric("test loss", te.loss())
                .metric("training accuracy", r.last().accuracy())
                .confusion(confusion(net, Loss.CROSS_ENTROPY, test), CLASSES)
                .generatedAt(Instant.parse("2026-11-22T10:00:02Z"))
                .build();
    }
}
