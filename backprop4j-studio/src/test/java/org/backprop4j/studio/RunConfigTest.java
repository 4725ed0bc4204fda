package org.backprop4j.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.backprop4j.Activation;
import org.junit.jupiter.api.Test;

/** The run's settings as the library and {@code backprop4j train} take them, hidden activations per layer. */
class RunConfigTest {
    static RunConfig parse(String json) throws Exception {
        return RunConfig.parse(new ObjectMapper().readTree(json));
    }

    @Test
    void hiddenLayersWithDifferentActivationsExportOnePerLayer() throws Exception {
        RunConfig c = parse("{\"hidden\":[4,3],\"activations\":[\"relu\",\"tanh\"],\"outputs\":\"per-class\",\"dataset\":\"circles\"}");
        assertEquals(List.of("studio-circles.csv", "--classes", "--hidden", "4,3", "--activation", "relu,tanh", "--output", "softmax",
                "--loss", "ce", "--init", "auto", "--optimizer", "sgd", "--batch", "0", "--epochs", "9", "--lambda", "0", "--no-plateau-stop", "--validation", "0.2",
                "--scaling", "standardize", "--seed", "42", "-o", "m.json"), c.trainArguments(9, "studio-circles.csv", "m.json"));
        assertEquals(List.of(Activation.RELU, Activation.TANH), c.settings(9).activations());
        // the studio trains the epochs it is asked for, and so does the exported command (the command line's defaults would decay and stop early)
        assertEquals("off", c.settings(9).plateau());
        assertEquals(0.0, c.settings(9).lambda());
        assertEquals("2-4(relu)-3(tanh)-2(softmax)", c.network(2, 2).describe());
    }

    @Test
    void oneActivationForAllIsExportedOnce() throws Exception {
        RunConfig c = parse("{\"hidden\":[4,3],\"activations\":[\"relu\",\"relu\"]}");
        List<String> a = c.trainArguments(5, "x.csv", "m.json");
        assertEquals("relu", a.get(a.indexOf("--activation") + 1));
        assertEquals(List.of(Activation.RELU), c.settings(5).activations());
        RunConfig none = parse("{\"hidden\":[]}");
        List<String> b = none.trainArguments(5, "x.csv", "m.json");
        assertEquals("0", b.get(b.indexOf("--hidden") + 1));
        assertEquals(-1, b.indexOf("--activation"));
        assertEquals(null, none.settings(5).activations());
    }
}
