package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Network;
import org.backprop4j.TestData;
import org.backprop4j.data.DataFiles;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.ReadOptions;
import org.backprop4j.model.ModelTrainer;
import org.junit.jupiter.api.Test;

/**
 * Settings with one hidden activation per hidden layer: the list form builds and trains that
 * network, the one-activation form stays its shorthand, and a list that does not fit the hidden
 * layers is refused with the fix.
 */
class PerLayerActivationsTest {

    static DataSet iris() throws Exception {
        return DataFiles.read(TestData.path("iris.csv"), ReadOptions.defaults());
    }

    @Test
    void theListFormTrainsThatNetworkAsAHandBuiltOneWould() throws Exception {
        DataSet iris = iris();
        Settings s = Settings.builder().hidden(5, 4, 3).activations(Activation.TANH, Activation.RELU, Activation.LOGISTIC)
                .optimizer("sgd:lr=0.05,momentum=0.9").batch(16).epochs(6).seed(3).build();
        assertTrue(s.perLayerActivations());
        assertEquals(List.of(Activation.TANH, Activation.RELU, Activation.LOGISTIC), s.activations());
        ModelTrainer.Fit fit = new ModelTrainer(s).fit(iris, null);
        Network net = fit.model().network();
        assertEquals("4-5(tanh)-4(relu)-3(logistic)-3(softmax)", net.describe());
        assertEquals(s.activations(), fit.settings().activations());
        assertEquals(s.activations(), fit.model().provenance().settings().activations());

        // the same network built by hand, initialised and trained as ModelTrainer does: every weight bit the same
        Settings r = s.resolve(iris);
        Pipeline p = Pipeline.fit(iris, r.pipelineOptions(true));
        DataSet train = p.apply(iris);
        Network hand = Network.builder(4).layer(5, Activation.TANH).layer(4, Activation.RELU).layer(3, Activation.LOGISTIC)
                .layer(3, Activation.SOFTMAX).build(Init.parse(r.init()), r.seed());
        new Trainer(hand, r.loss(), r.config(train.size(), false)).fit(train, null);
        float[] a = net.params(), b = hand.params();
        assertEquals(b.length, a.length);
        for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(b[i]), Float.floatToRawIntBits(a[i]), "parameter " + i);
    }

    @Test
    void oneActivationIsTheShorthandForTheSameOnEveryLayer() throws Exception {
        Settings one = Settings.builder().hidden(6, 4).activation(Activation.RELU).epochs(4).build();
        Settings two = Settings.builder().hidden(6, 4).activations(Activation.RELU, Activation.RELU).epochs(4).build();
        assertEquals(one, two, "one canonical form");
        assertEquals(List.of(Activation.RELU), two.activations());
        assertFalse(two.perLayerActivations());
        assertEquals(Activation.RELU, two.activation());
        assertEquals(Activation.RELU, two.hiddenActivation(0));
        assertEquals(Activation.RELU, two.hiddenActivation(1));
        // the old single-activation constructor is the same settings
        assertEquals(one.toBuilder().build(), new Settings(List.of(6, 4), Activation.RELU, null, null, null, null, 4, null, null, null,
                null, null, null, null, null, null));
        DataSet iris = iris();
        float[] a = new ModelTrainer(one).fit(iris, null).model().network().params();
        float[] b = new ModelTrainer(two).fit(iris, null).model().network().params();
        assertArrayEquals(a, b, 0f);
        // unset: the default activation for every hidden layer, and the default network is unchanged
        Settings d = Settings.defaults().resolve(iris);
        assertEquals(List.of(Defaults.HIDDEN_ACTIVATION), d.activations());
        assertEquals("4-" + Defaults.HIDDEN_UNITS + "(relu)-3(softmax)", d.network(Pipeline.fit(iris, d.pipelineOptions(true)).apply(iris)).describe());
    }

    @Test
    void aListThatDoesNotFitTheHiddenLayersIsRefusedWithTheFix() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.builder().hidden(8).activations(Activation.TANH, Activation.RELU).build());
        assertEquals("2 hidden activations for 1 hidden layer: give one per hidden layer, or one for all", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Settings.builder().hidden(8, 4, 2).activations(Activation.TANH, Activation.RELU).build());
        assertEquals("2 hidden activations for 3 hidden layers: give one per hidden layer, or one for all", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Settings.builder().hidden(0).activations(Activation.TANH, Activation.RELU).build());
        assertEquals("2 hidden activations for 0 hidden layers: give one per hidden layer, or one for all", e.getMessage());
        // hidden layers unset: found when the default hidden layer is chosen
        Settings unset = Settings.builder().activations(Activation.TANH, Activation.RELU).build();
        DataSet iris = iris();
        e = assertThrows(IllegalArgumentException.class, () -> unset.resolve(iris));
        assertEquals("2 hidden activations (tanh,relu) for the default hidden layer of " + Defaults.HIDDEN_UNITS + " units: set the hidden layer sizes too, "
                + "one per activation, or give one activation", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Settings.builder().activations(List.of()).build());
        assertTrue(e.getMessage().contains("not none"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Settings.builder().hidden(3, 3).activations(Activation.TANH, Activation.SOFTMAX).build());
        assertTrue(e.getMessage().contains("softmax is only allowed on the output layer"), e.getMessage());
        // the shorthand accessor says the layers differ instead of answering for one of them
        Settings mixed = Settings.builder().hidden(3, 3).activations(Activation.TANH, Activation.RELU).build();
        IllegalStateException x = assertThrows(IllegalStateException.class, mixed::activation);
        assertTrue(x.getMessage().contains("tanh,relu"), x.getMessage());
        assertEquals(Activation.RELU, mixed.hiddenActivation(1));
    }

    @Test
    void activationsParseAsTheCommandLineGivesThem() {
        assertEquals(List.of(Activation.TANH, Activation.RELU, Activation.GELU), Settings.parseActivations("tanh, relu,gelu"));
        assertEquals(List.of(Activation.LOGISTIC), Settings.parseActivations("sigmoid"));
        assertEquals("tanh,relu", Settings.ids(List.of(Activation.TANH, Activation.RELU)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Settings.parseActivations("tanh,,relu"));
        assertTrue(e.getMessage().startsWith("unknown activation ''"), e.getMessage());
    }
}
