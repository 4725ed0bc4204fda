package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.backprop4j.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 22.6: evaluate's ROC AUC / average precision per class, and the regression scatter. */
class EvaluateRankingCliTest {
    @TempDir
    Path dir;

    /** Each class's AUC equals the pairwise definition computed here from predict's probabilities (printed rounded: ±0.01). */
    @Test
    void rocAucPerClassMatchesThePairwiseDefinition() throws Exception {
        Path wine = TestData.path("iris.csv"), model = dir.resolve("iris.json"), preds = dir.resolve("p.csv");
        assertEquals(0, CliTest.run("train", wine.toString(), "-o", model.toString(), "--epochs", "1", "--hidden", "2", "--quiet").code());
        CliTest.Result e = CliTest.run("evaluate", model.toString(), wine.toString(), "--json");
        assertEquals(0, e.code(), e.err());
        JsonNode j = new ObjectMapper().readTree(e.out());
        assertEquals(0, CliTest.run("predict", model.toString(), wine.toString(), "--out", preds.toString()).code());
        List<String> lines = Files.readAllLines(preds);
        List<String> actual = Files.readAllLines(wine);
        int target = actual.get(0).split(",").length - 1;
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            String cls = String.valueOf(c);   // the sklearn-style file holds class indices; its header names them
            double pairs = 0, right = 0;
            for (int a = 1; a < lines.size(); a++) {
                for (int b = 1; b < lines.size(); b++) {
                    boolean pa = actual.get(a).split(",")[target].trim().equals(cls), pb = actual.get(b).split(",")[target].trim().equals(cls);
                    if (!pa || pb) continue;
                    double sa = Double.parseDouble(lines.get(a).split(",")[c + 1]), sb = Double.parseDouble(lines.get(b).split(",")[c + 1]);
                    pairs++;
                    right += sa > sb ? 1 : sa == sb ? 0.5 : 0;
                }
            }
            double auc = j.get("perClass").get(c).get("rocAuc").asDouble();
            assertEquals(right / pairs, auc, 0.01, cls);
            sum += auc;
        }
        assertEquals(sum / 3, j.get("macroRocAuc").asDouble(), 1e-12);
        CliTest.Result text = CliTest.run("evaluate", model.toString(), wine.toString());
        assertTrue(text.out().contains("ranking by each class's output, one class against the rest"), text.out());
    }

    @Test
    void regressionPrintsAScatterOfPredictedAgainstActual() {
        Path cpu = TestData.path("cpu.arff"), model = dir.resolve("cpu.json");
        assertEquals(0, CliTest.run("train", cpu.toString(), "-o", model.toString(), "--epochs", "5", "--quiet").code());
        CliTest.Result e = CliTest.run("evaluate", model.toString(), cpu.toString());
        assertEquals(0, e.code(), e.err());
        String out = e.out();
        assertTrue(out.contains("predicted against actual:"), out);
        long rows = out.lines().filter(l -> l.startsWith("  |")).count();
        assertEquals(20, rows, out);
        long points = out.chars().filter(ch -> ch == '*').count() + out.chars().filter(ch -> ch == '#').count();
        assertTrue(points >= 1, out);
    }
}
