package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.TestData;
import org.backprop4j.io.ModelFile;
import org.backprop4j.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --activation} with one activation per hidden layer: train, its errors, and gradcheck. */
class PerLayerActivationCliTest {
    @TempDir
    Path dir;

    @Test
    void trainGivesEachHiddenLayerItsActivation() throws Exception {
        Path out = dir.resolve("m.json");
        CliTest.Result r = CliTest.run("train", TestData.path("iris.csv").toString(), "--hidden", "6,4", "--activation", "relu,tanh",
                "--epochs", "3", "--quiet", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        Model m = ModelFile.read(out);
        assertEquals("4-6(relu)-4(tanh)-3(softmax)", m.network().describe());
        assertEquals(List.of(Activation.RELU, Activation.TANH), m.provenance().settings().activations());
        // one activation stays the shorthand for all of them
        Path one = dir.resolve("one.json");
        r = CliTest.run("train", TestData.path("iris.csv").toString(), "--hidden", "6,4", "--activation", "relu", "--epochs", "3", "--quiet",
                "-o", one.toString());
        assertEquals(0, r.code(), r.err());
        Model o = ModelFile.read(one);
        assertEquals("4-6(relu)-4(relu)-3(softmax)", o.network().describe());
        assertEquals(List.of(Activation.RELU), o.provenance().settings().activations());
    }

    @Test
    void aCountThatDoesNotFitHiddenIsOneLineNamingBothOptions() {
        String iris = TestData.path("iris.csv").toString();
        CliTest.Result r = CliTest.run("train", iris, "--hidden", "8,4,2", "--activation", "tanh,relu", "-o", dir.resolve("a.json").toString());
        assertEquals(2, r.code());
        assertEquals("backprop4j: --activation tanh,relu names 2 activations for 3 hidden layers (--hidden 8,4,2): give one per hidden layer "
                + "(--hidden with 2 sizes), or one activation for all", r.err().strip());
        r = CliTest.run("train", iris, "--activation", "tanh,relu", "-o", dir.resolve("b.json").toString());
        assertEquals(2, r.code());
        assertEquals("backprop4j: --activation tanh,relu names 2 activations for the default hidden layer (--hidden " + org.backprop4j.train.Defaults.HIDDEN_UNITS + "): give one per hidden layer "
                + "(--hidden with 2 sizes), or one activation for all", r.err().strip());
        r = CliTest.run("train", iris, "--hidden", "0", "--activation", "tanh,relu", "-o", dir.resolve("c.json").toString());
        assertEquals(2, r.code());
        assertEquals("backprop4j: --activation tanh,relu names 2 activations for no hidden layer (--hidden 0): give one per hidden layer "
                + "(--hidden with 2 sizes), or one activation for all", r.err().strip());
        r = CliTest.run("train", iris, "--hidden", "4,4", "--activation", "tanh,swish", "-o", dir.resolve("d.json").toString());
        assertEquals(2, r.code());
        assertEquals("backprop4j: --activation tanh,swish: unknown activation 'swish' (expected identity, logistic, tanh, relu, leaky_relu, "
                + "softmax, softplus, elu, gelu or sin)", r.err().strip());
        // cv and search take the same options
        r = CliTest.run("cv", iris, "-k", "2", "--hidden", "8", "--activation", "tanh,relu");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("backprop4j: --activation tanh,relu names 2 activations for 1 hidden layer (--hidden 8)"), r.err());
        assertFalse(r.err().contains("at org."), "no stack trace");
    }

    @Test
    void gradcheckTakesOneActivationPerHiddenLayer() {
        CliTest.Result r = CliTest.run("gradcheck", "--layers", "4,3,3,2", "--activation", "tanh,relu", "--output", "softmax", "--loss", "ce");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("network 4-3(tanh)-3(relu)-2(softmax), loss ce"), r.out());
        assertFalse(r.out().contains("FAIL"), r.out());
        // --hidden means what it means in train (issue 20.6): the hidden layers' sizes, here replacing those of --layers
        r = CliTest.run("gradcheck", "--layers", "4,3,3,2", "--hidden", "5", "--activation", "logistic");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("network 4-5(logistic)-2(softmax)"), r.out());
        // an activation there (the command's older use of the name) is one line naming the option it belongs to
        r = CliTest.run("gradcheck", "--hidden", "logistic");
        assertEquals(2, r.code());
        assertEquals("backprop4j: Invalid value for option '--hidden' (UNITS): --hidden gives the hidden layers' sizes (e.g. --hidden 8 or "
                + "--hidden 32,16), not 'logistic': the hidden activation is --activation logistic (backprop4j gradcheck --help lists the options)",
                r.err().strip());
        r = CliTest.run("gradcheck", "--layers", "4,3,2", "--activation", "tanh,relu");
        assertEquals(2, r.code());
        assertEquals("backprop4j: --activation tanh,relu names 2 activations for the 1 hidden layer of --layers 4,3,2: give one per hidden layer, "
                + "or one activation for all", r.err().strip());
    }
}
