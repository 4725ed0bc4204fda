package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.TestData;
import org.backprop4j.data.DataFiles;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.ReadOptions;
import org.backprop4j.model.ModelTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plateau stop: scikit-learn's tol / n_iter_no_change rule on the training error, on by default in {@link Settings}. */
class PlateauStopTest {
    @TempDir
    Path dir;

    static DataSet iris() throws Exception {
        DataSet raw = DataFiles.read(TestData.path("iris.csv"), ReadOptions.defaults());
        return (DataSet) Pipeline.fit(raw, new Pipeline.Options(Pipeline.Scaling.STANDARDIZE, false, Pipeline.Scaling.NONE)).apply(raw);
    }

    static Network net() {
        return Network.builder(4).layer(8, Activation.TANH).layer(3, Activation.SOFTMAX).build(Init.parse("auto"), 7);
    }

    /** sklearn's _update_no_improvement_count, written out independently: the first epoch (1-based) at which the rule stops, or 0. */
    static int sklearnStopEpoch(List<EpochStats> h, double tol, int n) {
        double best = Double.POSITIVE_INFINITY;
        int count = 0;
        for (EpochStats s : h) {
            count = s.loss() > best - tol ? count + 1 : 0;
            best = Math.min(best, s.loss());
            if (count >= n) return s.epoch();
        }
        return 0;
    }

    /** Every figure of every epoch but its wall-clock time. */
    static List<List<Double>> figures(List<EpochStats> h) {
        return h.stream().map(s -> List.of((double) s.epoch(), s.loss(), s.accuracy(), s.validationLoss(), s.validationAccuracy(),
                (double) s.updates())).toList();
    }

    @Test
    void stopsAtTheFirstEpochTheRuleFiresOnTheSameRun() throws Exception {
        DataSet iris = iris();
        // a tolerance the run crosses well before its 400 epochs, so the stop is exercised (Adam lr 0.01 converges on iris)
        PlateauStop rule = new PlateauStop(1e-3, 10);
        TrainingConfig.Builder b = TrainingConfig.builder().optimizer("adam:lr=0.01").miniBatch(16).epochs(400).seed(3);
        TrainingResult all = new Trainer(net(), Loss.CROSS_ENTROPY, b.build()).fit(iris);
        assertEquals(400, all.history().size(), "without the rule the run goes to its cap");
        int t = sklearnStopEpoch(all.history(), rule.tol(), rule.epochs());
        assertTrue(t > rule.epochs() && t < 400, "the rule fires inside the run: " + t);
        TrainingResult stopped = new Trainer(net(), Loss.CROSS_ENTROPY, b.plateau(rule).build()).fit(iris);
        // the same run up to there, every epoch's every figure, and not one epoch more
        assertEquals(figures(all.history().subList(0, t)), figures(stopped.history()));
        assertTrue(stopped.stopReason().startsWith("plateau: the training error did not improve by more than tol = 0.001 for 10 epochs"),
                stopped.stopReason());
        assertTrue(stopped.stopReason().contains("--no-plateau-stop"), "the reason names the way to turn it off: " + stopped.stopReason());
    }

    @Test
    void aResumedRunStopsWhereTheUninterruptedOneDoes() throws Exception {
        DataSet iris = iris();
        TrainingConfig c = TrainingConfig.builder().optimizer("adam:lr=0.01").miniBatch(16).epochs(400).seed(3)
                .plateau(new PlateauStop(1e-3, 10)).build();
        Network whole = net();
        TrainingResult r = new Trainer(whole, Loss.CROSS_ENTROPY, c).fit(iris);
        int t = r.history().size();
        // paused a few epochs before the stop, inside the run of non-improving epochs when there is one: the count is replayed from the history
        int pause = t - 4;
        Path f = dir.resolve("run.ckpt");
        Trainer first = new Trainer(net(), Loss.CROSS_ENTROPY, c).checkpointEvery(1, f);
        first.addListener(new TrainingListener() {
            @Override
            public void onEpoch(EpochStats s, Trainer tr) {
                if (s.epoch() == pause) tr.stop("paused");
            }
        });
        assertEquals("paused", first.fit(iris).stopReason());
        assertTrue(Files.exists(f));
        Network resumed = net();
        TrainingResult rr = new Trainer(resumed, Loss.CROSS_ENTROPY, c).checkpointEvery(1, f).resume(f, iris);
        assertEquals(figures(r.history()), figures(rr.history()));
        assertEquals(r.stopReason(), rr.stopReason());
        assertArrayEquals(whole.params(), resumed.params());
    }

    @Test
    void parsesAndRefuses() {
        assertEquals(new PlateauStop(1e-4, 10), Defaults.PLATEAU);
        assertEquals(new PlateauStop(0.01, 5), PlateauStop.parse("tol:0.01,epochs:5"));
        assertEquals(new PlateauStop(0.01, 10), PlateauStop.parse("tol:0.01"));
        assertEquals(new PlateauStop(1e-4, 3), PlateauStop.parse("epochs:3"));
        assertEquals(Defaults.PLATEAU, PlateauStop.parse(Defaults.PLATEAU.spec()));
        assertNull(PlateauStop.parse("off"));
        assertEquals("unknown plateau option 'patience:3' in 'patience:3' (expected off, or tol:T,epochs:N)",
                assertThrows(IllegalArgumentException.class, () -> PlateauStop.parse("patience:3")).getMessage());
        assertEquals("plateau 'tol:x': bad value in 'tol:x' (expected off, or tol:T,epochs:N)",
                assertThrows(IllegalArgumentException.class, () -> PlateauStop.parse("tol:x")).getMessage());
        assertEquals("plateau epochs must be ≥ 1: 0", assertThrows(IllegalArgumentException.class, () -> PlateauStop.parse("epochs:0")).getMessage());
        assertEquals("plateau tolerance must be ≥ 0: -1.0", assertThrows(IllegalArgumentException.class, () -> PlateauStop.parse("tol:-1")).getMessage());
    }

    @Test
    void settingsTurnItOnByDefaultAndOffOnRequest() throws Exception {
        DataSet raw = DataFiles.read(TestData.path("iris.csv"), ReadOptions.defaults());
        Settings d = Settings.defaults().resolve(raw);
        assertEquals(Defaults.PLATEAU.spec(), d.plateau());
        assertEquals(Defaults.PLATEAU, d.config(100, false).plateau());
        Settings off = Settings.builder().plateau("off").build().resolve(raw);
        assertEquals(PlateauStop.OFF, off.plateau());
        assertNull(off.config(100, false).plateau());
        assertEquals(Settings.builder().plateau("tol:0.001,epochs:4").build(), Settings.builder().plateau("epochs:4,tol:1e-3").build(),
                "one canonical spec");
        assertNull(Settings.builder().plateau("off").unset("plateau").build().plateau());
        // the library's low-level loop stops only on what it is asked to
        assertNull(TrainingConfig.builder().build().plateau());
        // a model trained with the defaults: stopped by the rule before its cap, or at the cap; the history says which
        ModelTrainer.Fit fit = new ModelTrainer(Settings.builder().epochs(2000).seed(1).build()).fit(raw, null);
        int t = sklearnStopEpoch(fit.result().history(), Defaults.PLATEAU.tol(), Defaults.PLATEAU.epochs());
        assertEquals(fit.result().history().size(), t, "the default run stops when the rule first fires: " + fit.result().stopReason());
        assertTrue(fit.result().stopReason().startsWith("plateau: "), fit.result().stopReason());
        ModelTrainer.Fit full = new ModelTrainer(Settings.builder().epochs(t + 5).seed(1).plateau("off").build()).fit(raw, null);
        assertEquals(t + 5, full.result().history().size());
        assertEquals(figures(fit.result().history()), figures(full.result().history().subList(0, t)));
    }
}
