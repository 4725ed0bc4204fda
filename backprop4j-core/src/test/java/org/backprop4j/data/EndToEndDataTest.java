package org.backprop4j.data;

import org.backprop4j.TestData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.metrics.ConfusionMatrix;
import org.backprop4j.metrics.Metrics;
import org.backprop4j.train.Sgd;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.junit.jupiter.api.Test;

/**
 * The data layer with the engine: read, split (stratified), fit the pipeline on the training part
 * only, train, score the test part; then restore the pipeline from its plain map and check that
 * prediction gives bit-identical outputs.
 */
class EndToEndDataTest {

    @Test
    void irisReadSplitStandardizeTrainScore() throws IOException, DataFormatException {
        DataSet iris = CsvReader.read(TestData.path("iris.csv"));
        DataSet[] parts = Splits.stratifiedHoldOut(Splits.labels(iris), 0.3, 1).of(iris);
        Pipeline p = Pipeline.fit(parts[0], Pipeline.Options.standardize());
        DataSet train = p.apply(parts[0]), test = p.apply(parts[1]);
        assertEquals(105, train.size());
        assertEquals(45, test.size());

        Network net = Network.builder(4).layer(8, Activation.TANH).layer(3, Activation.SOFTMAX).build(Init.xavier(), 7);
        TrainingConfig cfg = TrainingConfig.builder().miniBatch(16).epochs(150).optimizer(() -> new Sgd(0.1, 0.9, false)).seed(3).build();
        new Trainer(net, Loss.CROSS_ENTROPY, cfg).fit(train);

        Backprop engine = new Backprop(net, Loss.CROSS_ENTROPY);
        float[] out = engine.forward(test.x(), 0, test.size()).clone();
        ConfusionMatrix cm = Metrics.confusion(test, out);
        // iris with a small MLP on standardized inputs: ≥ 42/45 correct is the usual outcome
        // (scikit-learn's MLPClassifier gets 0.93–1.0 on such splits); a broken pipeline gives ~1/3
        assertTrue(cm.accuracy() >= 42.0 / 45, "test accuracy " + cm.accuracy() + "\n" + cm.format());
        assertEquals(45, cm.total());
        System.out.println("iris hold-out test accuracy " + cm.accuracy() + "\n" + cm.format() + cm.report());

        // the pipeline as a model file would store it: restored, it gives bit-identical predictions
        Pipeline q = Pipeline.fromMap(PipelineTest.viaText(p.toMap()) instanceof java.util.Map<?, ?> m ? cast(m) : null);
        float[] x2 = q.transformInputs(parts[1].x());
        assertArrayEquals(test.x(), x2);
        assertArrayEquals(out, engine.forward(x2, 0, test.size()));
    }

    @SuppressWarnings("unchecked")
    static java.util.Map<String, Object> cast(java.util.Map<?, ?> m) {
        return (java.util.Map<String, Object>) m;
    }
}
