package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backprop4j.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 22.3: {@code train --optimizer br} reports γ and the chosen λ (text and --json summary). */
class BayesianCliTest {
    @TempDir
    Path dir;

    @Test
    void brReportsGammaAndLambdaAndStoresThem() throws Exception {
        Path model = dir.resolve("cpu.json");
        CliTest.Result r = CliTest.run("train", TestData.path("cpu.arff").toString(), "--optimizer", "br", "--hidden", "4",
                "--epochs", "30", "-o", model.toString());
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("Bayesian regularisation: γ = ([0-9.]+) effective parameters of 33, chosen λ = ([0-9.eE+-]+) ")
                .matcher(r.out());
        assertTrue(m.find(), r.out());
        double gamma = Double.parseDouble(m.group(1)), lambda = Double.parseDouble(m.group(2));
        assertTrue(gamma > 0 && gamma <= 33, "γ = " + gamma);
        assertTrue(lambda > 0, "λ = " + lambda);
        // the same run (same seed) with --json: the summary carries both
        CliTest.Result j = CliTest.run("train", TestData.path("cpu.arff").toString(), "--optimizer", "br", "--hidden", "4",
                "--epochs", "30", "--json", "-o", dir.resolve("cpu2.json").toString());
        assertEquals(0, j.code(), j.err());
        String[] lines = j.out().strip().split("\n");
        JsonNode training = new ObjectMapper().readTree(lines[lines.length - 1]);   // one object per epoch, then the summary
        assertEquals(gamma, training.get("effectiveParameters").asDouble(), 0.005 + 1e-9);   // printed with 2 decimals
        assertEquals(lambda, training.get("chosenLambda").asDouble(), 1e-3 * lambda);      // printed with 4 digits
    }

    @Test
    void brWithAGivenLambdaIsAOneLineError() {
        Path model = dir.resolve("m.json");
        CliTest.Result r = CliTest.run("train", TestData.path("cpu.arff").toString(), "--optimizer", "br", "--lambda", "0.1",
                "-o", model.toString());
        assertEquals(2, r.code());
        assertEquals("backprop4j: br chooses the weight decay itself (λ = α/β): drop --lambda", r.err().strip());
        assertFalse(model.toFile().exists());
    }
}
