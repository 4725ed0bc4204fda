package org.backprop4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.TestData;
import org.backprop4j.data.DataFiles;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.ReadOptions;
import org.backprop4j.train.Settings;
import org.junit.jupiter.api.Test;

/**
 * Issue 22.5 through the model API: a model trained 50 epochs and trained again for 50 more
 * ({@link ModelTrainer#continueTraining}, {@link Model#continueTraining}) is the model trained 100
 * epochs, weight for weight and down to the update rule's state, for momentum SGD, Adam, iRprop−
 * and L-BFGS and Levenberg–Marquardt; the preprocessing is the model's; settings that change the
 * network are refused.
 */
class ModelWarmStartTest {
    static final List<String> RULES = List.of("momentum", "adam", "irprop-", "lbfgs", "lm");

    static DataSet iris() throws Exception {
        return DataFiles.read(TestData.path("iris.csv"), ReadOptions.defaults());
    }

    static Settings settings(String rule, int epochs) {
        // lm needs a sum-of-squares loss: softmax outputs with mse
        Settings.Builder b = Settings.builder().hidden(4).optimizer(rule).epochs(epochs).validation(0.2).seed(5);
        if (rule.equals("lm")) b.loss(org.backprop4j.Loss.MSE);
        return b.build();
    }

    @Test
    void twoRunsOfFiftyAreOneOfOneHundredForEveryKindOfRule() throws Exception {
        DataSet raw = iris();
        for (String rule : RULES) {
            ModelTrainer.Fit straight = new ModelTrainer(settings(rule, 100)).fit(raw, null);
            // 50 + 50, or halves of a run that converges sooner (L-BFGS here), so that both parts train
            int k = Math.min(50, straight.result().epochs() / 2);
            ModelTrainer.Fit half = new ModelTrainer(settings(rule, k)).fit(raw, null);
            assertNull(half.warmStart(), rule);
            ModelTrainer.Fit more = new ModelTrainer(Settings.builder().epochs(100 - k).build()).continueTraining(half.model(), raw, null);
            assertEquals("warm start: continuing " + more.model().trainingState().rule().replaceAll(".*;optimizer=([^;]*);.*", "$1")
                    + "'s state from epoch " + k, more.warmStart(), rule);
            assertArrayEquals(straight.model().network().params(), more.model().network().params(), 0f, rule);
            assertEquals(straight.model().trainingState(), more.model().trainingState(), rule);
            assertEquals(straight.validation().loss(), more.validation().loss(), 0, rule + ": the same validation part");
            assertEquals(straight.model().pipeline().toMap(), more.model().pipeline().toMap(), rule + ": the model's preprocessing, kept");
            // the library's one-call form: the recorded settings, 50 more epochs
            Model again = half.model().continueTraining(raw, 100 - k);
            assertArrayEquals(straight.model().network().params(), again.network().params(), 0f, rule);
        }
    }

    @Test
    void settingsThatChangeTheNetworkAreRefused() throws Exception {
        DataSet raw = iris();
        Model m = new ModelTrainer(settings("adam", 5)).fit(raw, null).model();
        var e = assertThrows(IllegalArgumentException.class, () -> new ModelTrainer(Settings.builder().hidden(8).activation(Activation.TANH)
                .build()).continueTraining(m, raw, null));
        assertEquals("a warm start keeps the model's network and preprocessing: hidden layers [4] in the model, [8] given; "
                + "activation relu in the model, tanh given", e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> new ModelTrainer(Settings.defaults()).checkpointEvery(1, java.nio.file.Path.of("x"))
                .continueTraining(m, raw, null));
        assertEquals("a warm start does not write or resume checkpoints (they resume a run from its start)", e2.getMessage());
    }

    @Test
    void anotherRuleStartsFreshButKeepsTheWeights() throws Exception {
        DataSet raw = iris();
        Model m = new ModelTrainer(settings("adam", 20)).fit(raw, null).model();
        ModelTrainer.Fit f = new ModelTrainer(Settings.builder().optimizer("irprop-").batch(0).epochs(20).build()).continueTraining(m, raw, null);
        String irprop = org.backprop4j.train.Optimizers.create("irprop-").describe();
        assertEquals("warm start: the model's update-rule state does not fit this run (its settings differ: optimizer="
                + "adam(lr=0.001,beta1=0.9,beta2=0.999,eps=1.0E-8) in the model, optimizer=" + irprop + " in this run; "
                + "mode=MINI_BATCH in the model, mode=FULL_BATCH in this run; batch=32 in the model, no batch in this run): "
                + irprop + " starts fresh from the model's weights", f.warmStart());
        // a fresh rule from the model's weights: the same as from the model saved without its state (WarmStartTest
        // shows that equals a plain run from those weights)
        ModelTrainer.Fit none = new ModelTrainer(Settings.builder().optimizer("irprop-").batch(0).epochs(20).build())
                .continueTraining(m.withoutTrainingState(), raw, null);
        assertEquals("warm start: the model holds no update-rule state (saved without it): " + irprop + " starts fresh from the model's weights",
                none.warmStart());
        assertArrayEquals(none.model().network().params(), f.model().network().params(), 0f);
    }
}
