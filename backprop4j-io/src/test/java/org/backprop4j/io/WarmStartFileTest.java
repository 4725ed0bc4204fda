package org.backprop4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.backprop4j.Rng;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.data.DataSet;
import org.backprop4j.model.Model;
import org.backprop4j.model.ModelTrainer;
import org.backprop4j.train.Settings;
import org.backprop4j.train.TrainingState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22.5 through a model file: a model trained 50 epochs, saved, loaded and trained 50 more is
 * the model trained 100 epochs, every weight and the update rule's state, for momentum SGD, Adam,
 * iRprop−, L-BFGS and Levenberg–Marquardt; the state (non-finite values too) reads back exactly,
 * sits under its own checksum, and a file without it still loads and trains with a fresh rule.
 */
class WarmStartFileTest {
    @TempDir
    Path dir;

    /** 150 noisy patterns of a smooth function of three inputs (regression; seeded). */
    static DataSet data() {
        Rng r = new Rng(9);
        int m = 150;
        float[] x = new float[m * 3], d = new float[m];
        for (int p = 0; p < m; p++) {
            for (int i = 0; i < 3; i++) x[p * 3 + i] = (float) r.uniform(-2, 2);
            d[p] = (float) (Math.sin(x[p * 3]) + 0.5 * x[p * 3 + 1] * x[p * 3 + 2] + 0.1 * r.nextGaussian());
        }
        return new DataSet(x, d, 3, 1);
    }

    static Settings settings(String rule, int epochs) {
        return Settings.builder().hidden(6).optimizer(rule).epochs(epochs).validation(0.2).seed(3).build();
    }

    @Test
    void fiftyEpochsSavedLoadedAndFiftyMoreAreOneHundred() throws Exception {
        DataSet raw = data();
        for (String rule : List.of("momentum", "adam", "irprop-", "lbfgs", "lm")) {
            ModelTrainer.Fit straight = new ModelTrainer(settings(rule, 100)).fit(raw, null);
            int k = Math.min(50, straight.result().epochs() / 2);   // a rule that converges sooner: halves of its run
            Model half = new ModelTrainer(settings(rule, k)).fit(raw, null).model();
            Path f = dir.resolve(rule + ".json");
            half.save(f);
            assertTrue(Files.readString(f).contains("\"formatVersion\" : 3"), rule + ": a file with a training state is format 3");
            Model loaded = Model.load(f);
            assertEquals(half.trainingState(), loaded.trainingState(), rule + ": the state reads back exactly");
            ModelTrainer.Fit more = new ModelTrainer(Settings.builder().epochs(100 - k).build()).continueTraining(loaded, raw, null);
            assertTrue(more.warmStart().startsWith("warm start: continuing "), more.warmStart());
            assertArrayEquals(straight.model().network().params(), more.model().network().params(), 0f, rule);
            assertEquals(straight.model().trainingState(), more.model().trainingState(), rule);
        }
    }

    static Model withState(double... optimizer) throws Exception {
        TrainingState s = new TrainingState("net=3-5(tanh)-4(relu)-2(softmax);loss=ce;optimizer=adam", 7, 12, 340, -5_000_000_000L,
                0.25, optimizer, 3, 0xFFFF_FFFFL);
        return ModelFileTest.sample().toBuilder().trainingState(s).build();
    }

    @Test
    void nonFiniteStateValuesAndLongsReadBackExactly() throws Exception {
        Model m = withState(1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE, 1e308, 0.1);
        Model back = ModelFile.parse(ModelFile.toBytes(m), "m.json");
        assertEquals(m.trainingState(), back.trainingState());
        double[] v = back.trainingState().optimizerState();
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(v[4]), "-0.0 keeps its sign");
        assertEquals(ModelFile.contentChecksum(ModelFileTest.sample()), ModelFile.contentChecksum(back),
                "the state is outside the content checksum: predictions are the same model's");
    }

    private String rejected(String json) throws Exception {
        Path f = dir.resolve("edited.json");
        Files.writeString(f, json);
        DataFormatException e = assertThrows(DataFormatException.class, () -> ModelFile.read(f));
        assertTrue(e.getMessage().startsWith("edited.json:"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void anEditedStateIsRefused() throws Exception {
        String good = ModelFile.toJson(withState(1.5, 2.5)).toPrettyString();
        assertEquals("edited.json: the update rule's state does not match its checksum (the file was modified or damaged): restore it, "
                + "or remove \"trainingState\" and its checksum (training the model again then starts the update rule afresh)",
                rejected(good.replace("\"epochs\" : 12", "\"epochs\" : 13")));
        assertEquals("edited.json: trainingState: the learning-rate factor must be in (0, 1]: 2.5 (the file was modified): restore it",
                rejected(good.replace("\"learningRateFactor\" : 0.25", "\"learningRateFactor\" : 2.5")));
        assertEquals("edited.json: format 2 has no \"trainingState\" (the file was modified): restore it",
                rejected(good.replace("\"formatVersion\" : 3", "\"formatVersion\" : 2")));
        String noState = ModelFile.toJson(ModelFileTest.sample()).toPrettyString();
        assertTrue(noState.contains("\"formatVersion\" : 2"), "without a state the file stays format 2 (older readers load it)");
        assertEquals("edited.json: \"trainingState\" is incomplete (the file was modified): restore it, or remove the section and its checksum "
                + "(training the model again then starts the update rule afresh)",
                rejected(good.replaceAll("\"rule\" : \"[^\"]*\",", "")));
    }

    @Test
    void aModelWithoutStateTrainsOnWithAFreshRule() throws Exception {
        DataSet raw = data();
        Model m = new ModelTrainer(settings("adam", 5)).fit(raw, null).model();
        Path f = dir.resolve("m.json");
        m.withoutTrainingState().save(f);
        Model loaded = Model.load(f);
        assertNull(loaded.trainingState());
        ModelTrainer.Fit more = new ModelTrainer(Settings.builder().epochs(5).build()).continueTraining(loaded, raw, null);
        assertEquals("warm start: the model holds no update-rule state (saved without it): adam(lr=0.001,beta1=0.9,beta2=0.999,eps=1.0E-8)"
                + " starts fresh from the model's weights", more.warmStart());
    }
}
