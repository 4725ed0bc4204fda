package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.backprop4j.TestData;
import org.backprop4j.io.ModelFile;
import org.backprop4j.model.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 22.3: {@code train --optimizer br} reports γ and the chosen λ per class of weights (model provenance, text and --json summary). */
class BayesianCliTest {
    @TempDir
    Path dir;

    @Test
    void brReportsGammaAndLambdaPerClassAndStoresThemInTheProvenance() throws Exception {
        Path model = dir.resolve("cpu.json");
        Path report = dir.resolve("cpu.html");
        CliTest.Result r = CliTest.run("train", TestData.path("cpu.arff").toString(), "--optimizer", "br", "--hidden", "4",
                "--epochs", "30", "-o", model.toString(), "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        // the model file's typed provenance holds what BR chose; the summary line and the report say the same
        Provenance.Bayesian b = ModelFile.read(model).provenance().outcome().bayesian();
        assertEquals(33, b.parameters());
        assertEquals(List.of("layer 1 weights", "layer 1 biases", "layer 2 (output) weights and biases"),
                b.classes().stream().map(Provenance.WeightClass::name).toList());
        assertEquals(List.of(24, 4, 5), b.classes().stream().map(Provenance.WeightClass::parameters).toList());
        double sum = 0;
        for (Provenance.WeightClass c : b.classes()) {
            assertTrue(c.effectiveParameters() >= 0 && c.effectiveParameters() <= c.parameters(), c.toString());
            assertTrue(c.lambda() > 0 && c.alpha() > 0, c.toString());
            assertEquals(c.alpha() / b.beta() / 209, c.lambda(), 1e-12 * c.lambda(), "λ = α/β·(1/m) for mse on the 209 patterns");
            sum += c.effectiveParameters();
        }
        assertEquals(sum, b.effectiveParameters(), 1e-9 * sum, "γ = Σ γ_c");
        assertTrue(r.out().contains("\n  Bayesian regularisation: " + b.describe() + "\n"), r.out());
        assertTrue(java.nio.file.Files.readString(report).contains(b.describe()), "the HTML report's configuration");
        assertTrue(b.describe().startsWith(String.format(Locale.ROOT, "γ = %.2f effective parameters of 33; λ = %.3g (layer 1 weights: γ ",
                b.effectiveParameters(), b.classes().get(0).lambda())), b.describe());
        // the same run (same seed) with --json: the summary carries the same figures
        CliTest.Result j = CliTest.run("train", TestData.path("cpu.arff").toString(), "--optimizer", "br", "--hidden", "4",
                "--epochs", "30", "--json", "-o", dir.resolve("cpu2.json").toString());
        assertEquals(0, j.code(), j.err());
        String[] lines = j.out().strip().split("\n");
        JsonNode training = new ObjectMapper().readTree(lines[lines.length - 1]);   // one object per epoch, then the summary
        assertEquals(b.effectiveParameters(), training.get("effectiveParameters").asDouble(), 0);
        assertEquals(b.logEvidence(), training.get("logEvidence").asDouble(), 0);
        for (int c = 0; c < 3; c++) {
            JsonNode n = training.get("chosenLambdas").get(c);
            assertEquals(b.classes().get(c).name(), n.get("class").asText());
            assertEquals(b.classes().get(c).lambda(), n.get("lambda").asDouble(), 0);
            assertEquals(b.classes().get(c).effectiveParameters(), n.get("effectiveParameters").asDouble(), 0);
        }
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
