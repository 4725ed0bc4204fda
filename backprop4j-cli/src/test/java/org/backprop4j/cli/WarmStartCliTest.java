package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.backprop4j.TestData;
import org.backprop4j.io.ModelFile;
import org.backprop4j.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22.5 on the command line: {@code train --warm-start MODEL} trains a saved model further;
 * 50 epochs, then 50 more from the file (written over it), are the 100-epoch model exactly; other
 * rule settings start the rule fresh and say so in one line; checkpoints with it are refused.
 */
class WarmStartCliTest {
    @TempDir
    Path dir;

    static final List<String> OPTS = List.of("--hidden", "5", "--lambda", "1e-4", "--validation", "0.2", "--seed", "9");

    private CliTest.Result train(String data, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("train", data));
        a.addAll(List.of(more));
        return CliTest.run(a.toArray(String[]::new));
    }

    @Test
    void fiftyAndFiftyMoreFromTheFileAreOneHundred() throws Exception {
        String iris = TestData.path("iris.csv").toString();
        Path straight = dir.resolve("straight.json"), m = dir.resolve("m.json");
        List<String> base = new java.util.ArrayList<>(OPTS);
        base.addAll(List.of("--optimizer", "adam:lr=0.01", "--schedule", "step:30:0.5", "--quiet"));
        List<String> a = new java.util.ArrayList<>(base);
        a.addAll(List.of("--epochs", "100", "-o", straight.toString()));
        assertEquals(0, train(iris, a.toArray(String[]::new)).code());
        List<String> b = new java.util.ArrayList<>(base);
        b.addAll(List.of("--epochs", "50", "-o", m.toString()));
        assertEquals(0, train(iris, b.toArray(String[]::new)).code());
        // only the epochs given: everything else (λ, validation, seed, schedule, rule) is the model's
        CliTest.Result r = train(iris, "--warm-start", m.toString(), "--epochs", "50", "--plain", "-o", m.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("  warm start from m.json: its network 4-5(relu)-3(softmax) and preprocessing; settings not given are the model's; 50 more epochs\n"), r.out());
        assertTrue(r.out().contains("\n  warm start: continuing adam(lr=0.01,beta1=0.9,beta2=0.999,eps=1.0E-8)+step(30,0.5)'s state from epoch 50\n"), r.out());
        assertTrue(r.out().contains("50/50"), "the display counts this run's epochs: " + r.out());
        Model s = ModelFile.read(straight), c = ModelFile.read(m);
        assertArrayEquals(s.network().params(), c.network().params(), 0f);
        assertEquals(s.trainingState(), c.trainingState());
        assertEquals(s.provenance().outcome().validationLoss(), c.provenance().outcome().validationLoss(), 0);
    }

    @Test
    void otherRuleSettingsStartFreshAndSaySoInTheSummary() throws Exception {
        String iris = TestData.path("iris.csv").toString();
        Path m = dir.resolve("m.json");
        assertEquals(0, train(iris, "--hidden", "3", "--epochs", "5", "--quiet", "-o", m.toString()).code());
        CliTest.Result r = train(iris, "--warm-start", m.toString(), "--optimizer", "irprop-", "--epochs", "5", "--json",
                "-o", dir.resolve("n.json").toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        JsonNode summary = new ObjectMapper().readTree(lines[lines.length - 1]);
        String line = summary.get("warmStart").asText();
        assertTrue(line.startsWith("warm start: the model's update-rule state does not fit this run (its settings differ: optimizer=adam("), line);
        String irprop = org.backprop4j.train.Optimizers.create("irprop-").describe();
        // another rule brings its own presentation: irprop- trains full batch (its default), not in the model's batches of 32
        assertTrue(line.endsWith(" in the model, optimizer=" + irprop + " in this run; mode=MINI_BATCH in the model, mode=FULL_BATCH in this run; "
                + "batch=32 in the model, no batch in this run): " + irprop + " starts fresh from the model's weights"), line);
        assertFalse(line.contains("\n"));
    }

    @Test
    void checkpointsWithAWarmStartAreAOneLineError() throws Exception {
        String iris = TestData.path("iris.csv").toString();
        Path m = dir.resolve("m.json");
        assertEquals(0, train(iris, "--epochs", "2", "--quiet", "-o", m.toString()).code());
        byte[] before = Files.readAllBytes(m);
        CliTest.Result r = train(iris, "--warm-start", m.toString(), "--checkpoint-every", "1", "-o", m.toString());
        assertEquals(2, r.code());
        assertEquals("backprop4j: --warm-start continues a saved model and writes no checkpoints: drop --checkpoint-every and --resume",
                r.err().strip());
        assertArrayEquals(before, Files.readAllBytes(m), "the model is left as it was");
    }
}
