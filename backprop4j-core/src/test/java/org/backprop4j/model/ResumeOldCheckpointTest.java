package org.backprop4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.backprop4j.TestData;
import org.backprop4j.data.DataFiles;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.ReadOptions;
import org.backprop4j.train.Checkpoint;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint of a run without a validation set, written when such runs still evaluated the
 * training set after every epoch ({@code evaluateEachEpoch=true} in its settings), resumes: the run
 * goes on evaluating each epoch, as it started, instead of being refused as "settings differ";
 * one that says {@code false} resumes as it is.
 */
class ResumeOldCheckpointTest {
    @TempDir Path dir;

    static Settings settings(int epochs) {
        return Settings.builder().hidden(4).optimizer("adam").epochs(epochs).seed(5).build();
    }

    @Test
    void aCheckpointThatEvaluatedEachEpochGoesOnDoingSo() throws Exception {
        DataSet raw = DataFiles.read(TestData.path("iris.csv"), ReadOptions.defaults());
        ModelTrainer.Fit straight = new ModelTrainer(settings(8)).fit(raw, null);
        for (boolean old : new boolean[] {true, false}) {
            Path ck = dir.resolve("m" + old + ".ckpt");
            // interrupted after epoch 4 of 8 (a stop writes the checkpoint)
            new ModelTrainer(settings(8)).checkpointEvery(4, ck).listener((st, t) -> { if (st.epoch() == 4) t.stop("interrupted"); })
                    .fit(raw, null);
            Checkpoint c = Checkpoint.read(ck);
            assertEquals(Boolean.FALSE, c.evaluatesEachEpoch(), "this version's runs without validation");
            if (old) {
                // the same file as an earlier version wrote it: only the recorded setting differs
                String run = c.run().replace(";evaluateEachEpoch=false;", ";evaluateEachEpoch=true;");
                assertFalse(run.equals(c.run()));
                new Checkpoint(run, c.sizes(), c.dataSize(), c.dataInputs(), c.dataOutputs(), c.dataFingerprint(), c.epoch(),
                        c.updates(), c.rngState(), c.order(), c.weights(), c.optimizerState(), c.lrFactor(), c.restarts(),
                        c.restartEpoch(), c.restartError(), c.restartWeights(), c.restartOptimizerState(), c.monitorState(),
                        c.bestWeights(), c.history()).write(ck);
                assertEquals(Boolean.TRUE, Checkpoint.read(ck).evaluatesEachEpoch());
            }
            assertTrue(Files.exists(ck));
            ModelTrainer.Fit resumed = new ModelTrainer(settings(8)).checkpointEvery(4, ck).resume(true).fit(raw, null);
            assertEquals(8, resumed.result().epochs(), "resumed from epoch 4 to 8");
            // the weights do not depend on how an epoch's error is reported
            assertArrayEquals(straight.model().network().params(), resumed.model().network().params(), 0f, "old " + old);
            for (int e = 4; e < 8; e++) {
                EpochStats s = resumed.result().history().get(e);
                // a training accuracy is recorded exactly when the run evaluates each epoch
                assertEquals(old, !Double.isNaN(s.accuracy()), "epoch " + (e + 1) + ", old " + old);
            }
            assertEquals(old, Checkpoint.read(ck).evaluatesEachEpoch(), "the run's checkpoints keep its setting");
        }
    }

    @Test
    void aDescriptionWithoutTheSettingSaysNothing() {
        Checkpoint c = new Checkpoint("net=x;seed=1", new int[] {1, 1}, 0, 1, 1, 0, 0, 0, 0, new int[0], new float[2],
                new double[0], 1, 0, 0, Double.POSITIVE_INFINITY, new float[0], new double[0], new double[0], new float[0],
                java.util.List.of());
        assertEquals(null, c.evaluatesEachEpoch());
    }
}
