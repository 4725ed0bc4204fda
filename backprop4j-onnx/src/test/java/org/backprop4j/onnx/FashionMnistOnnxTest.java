package org.backprop4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.backprop4j.Activation;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.IdxReader;
import org.backprop4j.data.Pipeline;
import org.backprop4j.model.Model;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A W1-shaped Fashion-MNIST model (784-256-128-10, ReLU, softmax + cross-entropy, SGD with momentum
 * 0.9, learning rate 0.05, batches of 64; one epoch over the first 12,000 training images instead of
 * W1's three over 60,000, to keep the suite short)
 * exported to ONNX: ONNX Runtime classifies the 10,000 test images exactly as backprop4j does, so the
 * test accuracy is the same. Needs Debian's dataset-fashion-mnist (.ci/run installs it).
 */
class FashionMnistOnnxTest {
    static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Training images used (of 60,000): one epoch over them keeps the test at a few seconds. */
    static final int TRAIN = 12_000;

    @Test
    void exportedW1ModelHasTheSameTestAccuracyInOnnxRuntime() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(DIR.resolve("t10k-images-idx3-ubyte.gz")),
                "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
        DataSet train = IdxReader.read(DIR.resolve("train-images-idx3-ubyte.gz"), DIR.resolve("train-labels-idx1-ubyte.gz"),
                IdxReader.FASHION_MNIST, TRAIN);
        DataSet test = IdxReader.read(DIR.resolve("t10k-images-idx3-ubyte.gz"), DIR.resolve("t10k-labels-idx1-ubyte.gz"),
                IdxReader.FASHION_MNIST, Integer.MAX_VALUE);
        Pipeline p = Pipeline.fit(train, new Pipeline.Options(Pipeline.Scaling.MINMAX_01, false, Pipeline.Scaling.NONE));
        Network net = Network.builder(784).layer(256, Activation.RELU).layer(128, Activation.RELU).layer(10, Activation.SOFTMAX)
                .build(Init.he(), 42);
        TrainingConfig c = TrainingConfig.builder().miniBatch(64).epochs(1).optimizer("momentum:lr=0.05").seed(42).build();
        new Trainer(net, Loss.CROSS_ENTROPY, c).fit(p.apply(train));
        Model model = Model.builder(net, Loss.CROSS_ENTROPY).pipeline(p).classNames(train.classNames()).inputNames(train.inputNames()).build();

        int m = test.size();
        float[] lib = model.outputs(test.x(), m);
        Map<String, Object> ort = OnnxFixtures.run(OnnxExporter.toBytes(model), OnnxFixtures.single(test.x(), m, 784));
        String[] label = (String[]) ort.get(OnnxExporter.LABEL);
        int libCorrect = 0, ortCorrect = 0;
        for (int i = 0; i < m; i++) {
            String truth = test.classNames().get(test.label(i));
            String mine = test.classNames().get(Evaluation.predictedClass(lib, i * 10, 10));
            assertEquals(mine, label[i], "test image " + i);
            if (mine.equals(truth)) libCorrect++;
            if (label[i].equals(truth)) ortCorrect++;
        }
        assertEquals(libCorrect, ortCorrect);
        assertTrue(libCorrect > 0.75 * m, "a trained model, not chance (10%): " + libCorrect);
        System.out.printf("Fashion-MNIST W1 shape (1 epoch, 12,000 images): test accuracy backprop4j %.4f, ONNX Runtime %.4f%n", libCorrect / (double) m, ortCorrect / (double) m);
    }
}
