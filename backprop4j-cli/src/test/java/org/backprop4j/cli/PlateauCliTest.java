package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.backprop4j.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train's plateau stop (on by default) and the options that set it or turn it off. */
class PlateauCliTest {
    @TempDir
    Path dir;

    JsonNode summary(CliTest.Result r) throws Exception {
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out().lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void noPlateauStopTrainsToTheCap() throws Exception {
        JsonNode s = summary(CliTest.run("train", TestData.path("iris.csv").toString(), "--epochs", "30", "--no-plateau-stop",
                "-o", dir.resolve("m.json").toString(), "--json"));
        assertEquals(30, s.get("epochs").asInt());
        assertEquals("max epochs (30)", s.get("stopReason").asText());
    }

    @Test
    void aPlateauSpecStopsWhereItsRuleFires() throws Exception {
        // tol 10: no epoch lowers the cross-entropy by 10, so the count runs from epoch 2 (epoch 1 sets the best) and reaches 2 at epoch 3
        JsonNode s = summary(CliTest.run("train", TestData.path("iris.csv").toString(), "--plateau", "tol:10,epochs:2",
                "-o", dir.resolve("m.json").toString(), "--json"));
        assertEquals(3, s.get("epochs").asInt());
        assertTrue(s.get("stopReason").asText().startsWith("plateau: the training error did not improve by more than tol = 10.0 for 2 epochs (best "),
                s.get("stopReason").asText());
    }

    @Test
    void badOrContradictoryOptionsAreOneLineErrors() {
        String iris = TestData.path("iris.csv").toString(), m = dir.resolve("m.json").toString();
        CliTest.Result r = CliTest.run("train", iris, "--plateau", "tol:0.01", "--no-plateau-stop", "-o", m);
        assertEquals(2, r.code());
        assertEquals("backprop4j: --no-plateau-stop and --plateau tol:0.01 contradict each other: give one", r.err().strip());
        r = CliTest.run("train", iris, "--plateau", "patience:3", "-o", m);
        assertEquals(2, r.code());
        assertEquals("backprop4j: --plateau: unknown plateau option 'patience:3' in 'patience:3' (expected off, or tol:T,epochs:N)", r.err().strip());
        assertFalse(r.err().contains("at org."), "no stack trace");
    }
}
