package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.BuiltinData;
import org.backprop4j.data.DataSet;
import org.junit.jupiter.api.Test;

/** Seed 000: XOR needs a hidden layer; a single layer cannot represent it. */
class XorTest {
    static final int EPOCHS = 10000;

    static TrainingResult trainXor(Network net, long seed) {
        // seed 004's standard back-prop: full batch, plain gradient descent, small initial weights
        TrainingConfig cfg = TrainingConfig.builder().fullBatch().epochs(EPOCHS).targetError(0.02)
                .optimizer(() -> new Sgd(1.0)).seed(seed).build();
        return new Trainer(net, Loss.SSE, cfg).fit(BuiltinData.xor());
    }

    @Test
    void twoTwoOneNetworkLearnsXorFromAtLeastNineOfTenSeeds() {
        int solved = 0;
        for (long seed = 1; seed <= 10; seed++) {
            Network net = Network.builder(2).layer(2, Activation.LOGISTIC).layer(1, Activation.LOGISTIC)
                    .build(Init.uniform(0.3), seed);
            trainXor(net, seed);
            Evaluation ev = Evaluation.of(new Backprop(net, Loss.SSE), BuiltinData.xor());
            if (ev.accuracy() == 1.0) solved++;
        }
        assertTrue(solved >= 9, "solved XOR from only " + solved + " of 10 seeds");
    }

    @Test
    void singleLayerCannotLearnXor() {
        DataSet xor = BuiltinData.xor();
        for (long seed = 1; seed <= 10; seed++) {
            Network net = Network.builder(2).layer(1, Activation.LOGISTIC).build(Init.uniform(0.3), seed);
            TrainingResult r = trainXor(net, seed);
            assertEquals(EPOCHS, r.epochs(), "a single layer must never reach the target error");
            Evaluation ev = Evaluation.of(new Backprop(net, Loss.SSE), xor);
            // a line separates at most 3 of the 4 XOR points
            assertTrue(ev.accuracy() <= 0.75, "single layer classified " + ev.accuracy() + " of XOR");
            // and the best it can do in squared error is to output ~0.5 everywhere: E = 4·½·0.25 = 0.5
            assertTrue(ev.loss() > 0.45, "single-layer error " + ev.loss());
        }
    }
}
