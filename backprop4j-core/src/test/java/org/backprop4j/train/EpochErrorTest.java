package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.backprop4j.Backprop;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.model.ModelTrainer;
import org.junit.jupiter.api.Test;

/**
 * The training error an epoch reports in {@link Settings}' runs (the command line, ModelTrainer):
 * without a validation set the running mean of the errors its updates computed (no extra pass),
 * with one the error and accuracy at the epoch's final weights; the weights are the same bits
 * either way.
 */
class EpochErrorTest {
    static Settings.Builder settings() {
        return Settings.builder().hidden(8).activation(org.backprop4j.Activation.TANH).optimizer("sgd:lr=0.05,momentum=0.9").batch(16)
                .epochs(6).plateau("off").lambda(0).seed(11).scaling(org.backprop4j.data.Pipeline.Scaling.NONE);
    }

    @Test
    void withoutValidationTheEpochErrorIsTheRunningMeanAndNoWeightChanges() throws Exception {
        DataSet iris = PlateauStopTest.iris();
        Settings s = settings().build().resolve(iris);
        assertFalse(s.config(iris.size(), false).evaluateEachEpoch());
        assertTrue(s.config(iris.size(), true).evaluateEachEpoch());

        // the same run by hand, with the exact evaluation after every epoch
        Network exact = s.network(iris);
        TrainingConfig evaluated = TrainingConfig.builder().optimizer("sgd:lr=0.05,momentum=0.9").miniBatch(16).epochs(6).lambda(0).seed(11).build();
        TrainingResult byHand = new Trainer(exact, Loss.CROSS_ENTROPY, evaluated).fit(iris);

        Network running = s.network(iris);
        TrainingResult r = new Trainer(running, Loss.CROSS_ENTROPY, s.config(iris.size(), false)).fit(iris);
        assertArrayEquals(exact.params(), running.params(), "the per-epoch evaluation changes no weight");
        assertEquals(6, r.history().size());
        List<Double> loss = r.history().stream().map(EpochStats::loss).toList();
        for (int e = 0; e < 6; e++) {
            EpochStats st = r.history().get(e);
            assertTrue(Double.isNaN(st.accuracy()), "no training accuracy without the extra pass");
            assertTrue(Double.isFinite(st.loss()) && st.loss() > 0);
            assertNotEquals(byHand.history().get(e).loss(), st.loss(), "epoch " + (e + 1) + ": a running mean, not the end-of-epoch error");
        }
        assertTrue(loss.get(5) < loss.get(0), "the running error falls as the run learns: " + loss);

        // with a step too small to move a weight visibly, every update sees the same weights: the
        // running mean is then the mean error at those weights, as an evaluation computes it
        Network still = s.network(iris);
        float[] w0 = still.params().clone();
        TrainingConfig tiny = settings().optimizer("sgd:lr=1e-30").build().resolve(iris).config(iris.size(), false);
        TrainingResult frozen = new Trainer(still, Loss.CROSS_ENTROPY, tiny).fit(iris);
        for (int i = 0; i < w0.length; i++) assertEquals(w0[i], still.params()[i], 1e-20f, "weight " + i);
        double atStart = Evaluation.of(new Backprop(still, Loss.CROSS_ENTROPY), iris).loss();
        // (float32 outputs of batches of 16 and of the evaluation's larger batches round differently,
        // ~1e-8 relative; leaving out one pattern of the 150 would be off by ~1e-2)
        for (EpochStats st : frozen.history()) assertEquals(atStart, st.loss(), 1e-6 * atStart, "epoch " + st.epoch());

        // ModelTrainer (the command line's path): the same history; the summary is exact at the final weights
        ModelTrainer.Fit fit = new ModelTrainer(settings().build()).fit(iris, null, null);
        assertEquals(loss, fit.result().history().stream().map(EpochStats::loss).toList());
        Evaluation end = Evaluation.of(new Backprop(exact, Loss.CROSS_ENTROPY), iris);
        assertEquals(end.loss(), fit.train().loss(), 1e-12);
        assertEquals(end.accuracy(), fit.train().accuracy());
    }
}
