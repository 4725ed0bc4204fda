package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.TestData;
import org.backprop4j.data.DataFiles;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.ReadOptions;
import org.junit.jupiter.api.Test;

/** One set of defaults: the library's builder and settings take them from {@link Defaults}. */
class DefaultsTest {

    @Test
    void theTrainingConfigBuilderUsesTheDefaults() {
        TrainingConfig c = TrainingConfig.builder().build();
        assertEquals(Defaults.EPOCHS, c.maxEpochs());
        assertEquals(TrainingConfig.Mode.MINI_BATCH, c.mode());
        assertEquals(Defaults.BATCH, c.batchSize());
        assertEquals(Defaults.SEED, c.seed());
        assertInstanceOf(Adam.class, c.optimizer().get(), "the default update rule is " + Defaults.OPTIMIZER);
        // methods meant for the full batch get it unless a mode is given
        assertEquals(TrainingConfig.Mode.FULL_BATCH, TrainingConfig.builder().optimizer("irprop-").build().mode());
        assertEquals(TrainingConfig.Mode.FULL_BATCH, TrainingConfig.builder().optimizer("lbfgs").build().mode());
        assertEquals(TrainingConfig.Mode.ONLINE, TrainingConfig.builder().optimizer("irprop-").online().build().mode());
        assertEquals(TrainingConfig.Mode.MINI_BATCH, TrainingConfig.builder().optimizer("sgd:lr=0.1").build().mode());
    }

    @Test
    void settingsResolveFromTheDataTask() throws Exception {
        DataSet iris = DataFiles.read(TestData.path("iris.csv"), ReadOptions.defaults());
        DataSet cpu = DataFiles.read(TestData.path("cpu.arff"), ReadOptions.defaults());
        Settings c = Defaults.forData(iris), r = Defaults.forData(cpu);
        assertEquals(new Settings(List.of(64), List.of(Activation.RELU), Activation.SOFTMAX, Loss.CROSS_ENTROPY, "xavier", "adam", 500, 32, 0.01, 0.0,
                null, 0.0, null, Pipeline.Scaling.STANDARDIZE, 42L, 0.0, "tol:1.0E-4,epochs:10"), c);
        assertEquals(new Settings(List.of(64), List.of(Activation.RELU), Activation.IDENTITY, Loss.MSE, "xavier", "adam", 500, 32, 0.01, 0.0,
                null, 0.0, null, Pipeline.Scaling.STANDARDIZE, 42L, 0.0, "tol:1.0E-4,epochs:10"), r);
        assertEquals(c, Defaults.forSchema(iris.schema()));
        assertTrue(c.isResolved());
        assertFalse(Settings.defaults().isResolved());
        // what is set stays set; full-batch methods get the full batch
        Settings s = Settings.builder().optimizer("irprop-").hidden(0).epochs(7).build().resolve(iris);
        assertEquals(0, s.batch());
        assertEquals(List.of(), s.hidden());
        assertEquals(7, s.epochs());
        // the decay is the objective's, for every rule but those that decay by a rule of their own
        assertEquals(Defaults.LAMBDA, s.lambda());
        assertEquals(0.0, Settings.builder().optimizer("br").build().resolve(iris).lambda());
        assertEquals(0.0, Settings.builder().optimizer("adamw").build().resolve(iris).lambda());
        assertEquals(0.0, Settings.builder().lambda(0).build().resolve(iris).lambda());
        // two classes in one 0/1 column (a MONK file): one logistic unit and bce, not a constant softmax unit
        DataSet monk = DataFiles.read(TestData.path("monks/monks-1.train"), ReadOptions.defaults());
        assertEquals(1, monk.outputs());
        Settings m = Defaults.forData(monk);
        assertEquals(Activation.LOGISTIC, m.output());
        assertEquals(Loss.BINARY_CROSS_ENTROPY, m.loss());
        assertEquals(Loss.BINARY_CROSS_ENTROPY, Settings.builder().output(Activation.LOGISTIC).build().resolve(monk).loss());
        assertEquals(TrainingConfig.Mode.FULL_BATCH, s.config(100, false).mode());
        assertEquals(TrainingConfig.Mode.ONLINE, Settings.builder().batch(1).build().resolve(iris).config(100, false).mode());
        // a batch as large as the training part is the full batch
        assertEquals(TrainingConfig.Mode.FULL_BATCH, Settings.builder().batch(100).build().resolve(iris).config(100, false).mode());
    }

    @Test
    void explainSaysEveryDefaultChosen() throws Exception {
        DataSet iris = DataFiles.read(TestData.path("iris.csv"), ReadOptions.defaults());
        List<String> lines = Settings.defaults().explain(iris, n -> "--" + n);
        assertEquals(List.of(
                "task: classification into 3 classes [setosa, versicolor, virginica] (150 patterns, 4 inputs after encoding)",
                "output layer: 3 softmax units (set with --output)",
                "loss: ce (cross-entropy with softmax: output delta o − d; set with --loss)",
                "hidden layer: 64 units (set with --hidden)",
                "hidden activation: relu (set with --activation)",
                "optimizer: adam (Kingma & Ba 2015, lr 0.001; set with --optimizer)",
                "batch: 32 patterns per update (set with --batch)",
                "epochs: at most 500 (set with --epochs)",
                "L2 decay: λ = 0.01 (set with --lambda)",
                "plateau stop: when the training error improves by less than 1.0E-4 for 10 epochs in a row (set with --plateau)",
                "inputs: standardize (fitted on the training data, stored in the model)"), lines);
        List<String> set = Settings.builder().epochs(5).optimizer("sgd").hidden(4).activation(Activation.RELU).output(Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).batch(8).lambda(0).plateau("off").build().explain(iris);
        assertEquals(2, set.size(), "only the task and the inputs' scaling when everything is set: " + set);
    }

    /** Counts agree with their nouns (issue 20.6: "1 identity units"): one pattern, input, target and output unit. */
    @Test
    void explainSaysOneInTheSingular() {
        DataSet one = new DataSet(new float[] {0.5f}, new float[] {1.5f}, 1, 1);
        List<String> lines = Settings.defaults().explain(one, n -> "--" + n);
        assertEquals("task: regression of 1 target (1 pattern, 1 input after encoding)", lines.get(0));
        assertEquals("output layer: 1 identity unit (set with --output)", lines.get(1));
    }

    @Test
    void badSettingsAreRefusedWhenBuilt() {
        assertThrows(IllegalArgumentException.class, () -> Settings.builder().optimizer("nope").build());
        assertThrows(IllegalArgumentException.class, () -> Settings.builder().hidden(4, -1).build());
        assertThrows(IllegalArgumentException.class, () -> Settings.builder().batch(-1).build());
        assertThrows(IllegalArgumentException.class, () -> Settings.builder().validation(1).build());
        assertThrows(IllegalArgumentException.class, () -> Settings.builder().schedule("sometimes").build());
        assertThrows(IllegalArgumentException.class, () -> Settings.builder().init("random").build());
        assertThrows(IllegalStateException.class, () -> Settings.defaults().config(10, false));
    }
}
