package org.backprop4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.backprop4j.train.Settings;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ModelTrainer.prime compiles the training step on synthetic patterns of a guessed shape while the
 * data are read: the model trained afterwards is the one trained without it, every weight. The CLI's
 * train and the benchmarks prime where the library's rule says so (Trainer.primes, ModelTrainer.primeForRun).
 */
class ModelTrainerPrimeTest {
    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd:lr=0.05,momentum=0.9", "irprop-", "lbfgs"})
    void aPrimedRunGivesTheSameWeights(String optimizer) throws Exception {
        DataSet raw = data();
        Settings s = Settings.builder().hidden(7).optimizer(optimizer).epochs(6).seed(3).build();

        Model plain = new ModelTrainer(s).fit(raw, null).model();
        ModelTrainer primed = new ModelTrainer(s);
        try (Trainer.Primer p = primed.prime(50, 10, true, 60_000)) {   // a wrong guess of the shape on purpose
            Thread.sleep(150);
        }
        Model after = primed.fit(raw, null).model();
        assertArrayEquals(plain.network().params(), after.network().params());
    }

    @Test
    void theRulePrimesMiniBatchRunsOfSomeSizeWithACoreToSpare() {
        TrainingConfig mini = TrainingConfig.builder().miniBatch(64).build();
        double big = 100 * Trainer.PRIME_MIN_FLOPS;
        assertTrue(Trainer.primes(mini, Trainer.PRIME_MIN_FLOPS, 2));
        assertTrue(Trainer.primes(mini, big, 8));
        assertFalse(Trainer.primes(mini, Math.nextDown(Trainer.PRIME_MIN_FLOPS), 2), "a shorter run");
        assertFalse(Trainer.primes(mini, Double.NaN, 2), "a run not declared");
        assertFalse(Trainer.primes(mini, big, 1), "no core beside the reading");
        assertFalse(Trainer.primes(TrainingConfig.builder().online().build(), big, 2), "online steps compile within their first patterns");
        assertFalse(Trainer.primes(TrainingConfig.builder().fullBatch().build(), big, 2), "a full-batch run");
    }

    @Test
    void aRunPrimedByTheRuleGivesTheSameWeights() throws Exception {
        DataSet raw = data();
        Settings s = Settings.builder().hidden(7).optimizer("sgd:lr=0.05,momentum=0.9").batch(16).epochs(6).seed(3).build();
        Model plain = new ModelTrainer(s).fit(raw, null).model();

        ModelTrainer primed = new ModelTrainer(s);
        assertNull(primed.primeForRun(6, 3, true, raw.size(), Double.NaN), "not declared: no primer");
        assertNull(primed.primeForRun(6, 3, true, raw.size(), Trainer.PRIME_MIN_FLOPS / 2), "too short a run: no primer");
        assertNull(new ModelTrainer(Settings.builder().hidden(7).optimizer("irprop-").build())
                .primeForRun(6, 3, true, raw.size(), 1e12), "full batch: no primer");
        Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "the rule primes only with a core to spare");
        try (Trainer.Primer p = primed.primeForRun(6, 3, true, raw.size(), 1e12)) {
            assertNotNull(p);
            Thread.sleep(150);
        }
        Model after = primed.fit(raw, null).model();
        assertArrayEquals(plain.network().params(), after.network().params());
    }

    /** 240 patterns of 6 inputs in three classes. */
    static DataSet data() {
        Rng r = new Rng(11);
        int m = 240, in = 6;
        float[] x = new float[m * in];
        int[] labels = new int[m];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.uniform(-1, 1);
        for (int p = 0; p < m; p++) labels[p] = x[p * in] + x[p * in + 1] > 0.2 ? 0 : x[p * in + 2] > 0 ? 1 : 2;
        return DataSet.classification(x, in, labels, List.of("a", "b", "c"));
    }
}
