package org.backprop4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.backprop4j.train.Settings;
import org.backprop4j.train.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ModelTrainer.prime compiles the training step on synthetic patterns of a guessed shape while the
 * data are read (the CLI's train does so for large files): the model trained afterwards is the one
 * trained without it, every weight.
 */
class ModelTrainerPrimeTest {
    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd:lr=0.05,momentum=0.9", "irprop-", "lbfgs"})
    void aPrimedRunGivesTheSameWeights(String optimizer) throws Exception {
        Rng r = new Rng(11);
        int m = 240, in = 6;
        float[] x = new float[m * in];
        int[] labels = new int[m];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-1, 1);
        for (int p = 0; p < m; p++) labels[p] = x[p * in] + x[p * in + 1] > 0.2 ? 0 : x[p * in + 2] > 0 ? 1 : 2;
        DataSet raw = DataSet.classification(x, in, labels, List.of("a", "b", "c"));
        Settings s = Settings.builder().hidden(7).optimizer(optimizer).epochs(6).seed(3).build();

        Model plain = new ModelTrainer(s).fit(raw, null).model();
        ModelTrainer primed = new ModelTrainer(s);
        try (Trainer.Primer p = primed.prime(50, 10, true, 60_000)) {   // a wrong guess of the shape on purpose
            Thread.sleep(150);
        }
        Model after = primed.fit(raw, null).model();
        assertArrayEquals(plain.network().params(), after.network().params());
    }
}
