package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.backprop4j.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22.4: logistic outputs with cross-entropy on a single-label multi-class target never give a
 * silent bad model: without --loss it is an error naming softmax and bce, with --loss ce an error
 * naming softmax, and with --loss bce (independent outputs, multi-label) it trains.
 */
class LossPairingCliTest {
    @TempDir
    Path dir;

    @Test
    void logisticOutputWithoutLossOnIrisIsAClearError() {
        CliTest.Result r = CliTest.run("train", TestData.path("iris.csv").toString(), "--output", "logistic",
                "-o", dir.resolve("m.json").toString());
        assertEquals(2, r.code());
        assertEquals("backprop4j: logistic outputs on a single-label class target: use softmax outputs (the default, with loss ce) "
                + "for class probabilities that sum to 1, or loss bce for one independent logistic output per class (one-vs-rest)",
                r.err().strip());
        assertFalse(dir.resolve("m.json").toFile().exists(), "no model written");
    }

    @Test
    void crossEntropyWithLogisticOutputsIsRejectedNamingSoftmax() {
        CliTest.Result r = CliTest.run("train", TestData.path("iris.csv").toString(), "--output", "logistic",
                "--loss", "ce", "-o", dir.resolve("m.json").toString());
        assertEquals(2, r.code());
        assertEquals("backprop4j: cross-entropy (ce) needs softmax outputs (one class per pattern); for logistic "
                + "outputs, each an independent yes/no (multi-label), use bce", r.err().strip());
    }

    @Test
    void bceWithLogisticOutputsTrainsIndependentOutputs() {
        CliTest.Result r = CliTest.run("train", TestData.path("iris.csv").toString(), "--output", "logistic",
                "--loss", "bce", "--quiet", "-o", dir.resolve("m.json").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(dir.resolve("m.json").toFile().exists());
    }
}
