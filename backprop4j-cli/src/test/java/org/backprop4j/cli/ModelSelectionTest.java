package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.backprop4j.TestData;
import org.backprop4j.data.CsvReader;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Splits;
import org.backprop4j.model.CrossValidation;
import org.junit.jupiter.api.Test;

/** cv and search: folds in parallel give the serial results, the test folds stay out of training, tables. */
class ModelSelectionTest {

    static ModelOptions options(String earlyStopping, int epochs) {
        ModelOptions o = new ModelOptions();   // the defaults picocli would set
        o.scaling = "standardize";
        o.seed = 42;
        o.hidden = new int[] {6};
        o.optimizer = "adam:lr=0.01";
        o.epochs = epochs;
        o.earlyStopping = earlyStopping;
        return o;
    }

    @Test
    void foldsInParallelGiveExactlyTheSerialResults() throws Exception {
        Path wine = TestData.path("wine_data.csv");
        ObjectMapper om = new ObjectMapper();
        JsonNode serial = om.readTree(CliTest.run("cv", wine.toString(), "-k", "4", "--threads", "1", "--epochs", "25", "--json").out());
        JsonNode parallel = om.readTree(CliTest.run("cv", wine.toString(), "-k", "4", "--threads", "4", "--epochs", "25", "--json").out());
        assertEquals(4, serial.get("accuracy").size());
        // every fold's test loss and accuracy, to the last bit (JSON doubles round-trip exactly)
        assertEquals(serial.get("loss"), parallel.get("loss"));
        assertEquals(serial.get("accuracy"), parallel.get("accuracy"));
        assertTrue(serial.get("meanAccuracy").asDouble() > 0.8, serial.toString());

        List<String> s1 = CliTest.run("search", wine.toString(), "-k", "3", "--threads", "1", "--epochs", "15",
                "--param", "hidden=2|5", "--param", "lambda=0|0.01", "--json").out().lines().toList();
        List<String> s3 = CliTest.run("search", wine.toString(), "-k", "3", "--threads", "3", "--epochs", "15",
                "--param", "hidden=2|5", "--param", "lambda=0|0.01", "--json").out().lines().toList();
        assertEquals(4, s1.size(), "2 × 2 grid");
        assertEquals(s1, s3);
    }

    @Test
    void earlyStoppingInCrossValidationNeverLooksAtTheTestFold() throws Exception {
        DataSet wine = CsvReader.read(TestData.path("wine_data.csv"));
        int k = 3;
        ModelOptions o = options("patience:3", 400);
        // the folds depend only on the labels: change the inputs of fold 1's test patterns (only)
        Splits.Split first = Splits.stratifiedKFold(Splits.labels(wine), k, o.seed).get(0);
        float[] x = wine.x().clone();
        for (int p : first.test()) for (int j = 0; j < wine.inputs(); j++) x[p * wine.inputs() + j] *= (j % 2 == 0 ? 1.7f : 0.4f);
        DataSet changed = new DataSet(x, wine.d(), wine.inputs(), wine.outputs(), wine.classNames(), wine.inputNames(), wine.schema());

        CrossValidation.Result a = new CrossValidation(o.settings(0)).folds(k).threads(2).run(wine);
        CrossValidation.Result b = new CrossValidation(o.settings(0)).folds(k).threads(2).run(changed);
        // fold 1 was trained on the same patterns and stopped by the same inner validation patterns,
        // so it ran the same epochs; had the test fold driven early stopping, its changed inputs
        // (different validation losses every epoch) would have moved the stopping epoch
        assertTrue(a.epochs()[0] < 400, "early stopping triggered: " + a.epochs()[0]);
        assertEquals(a.epochs()[0], b.epochs()[0]);
        assertTrue(a.testLoss()[0] != b.testLoss()[0], "the changed test patterns are scored");

        // without early stopping the test fold is monitored only: training does not depend on it either
        ModelOptions plain = options(null, 30);
        CrossValidation.Result c = new CrossValidation(plain.settings(0)).folds(k).threads(2).run(wine);
        assertArrayEquals(new double[] {30, 30, 30}, c.epochs());
    }

    @Test
    void cvPrintsATableAndSearchARankedOne() throws Exception {
        Path iris = TestData.path("iris.csv");
        CliTest.Result cv = CliTest.run("cv", iris.toString(), "-k", "3", "--epochs", "20", "--threads", "1");
        assertEquals(0, cv.code(), cv.err());
        // the folds' progress (plain lines: not a terminal) left out
        List<String> lines = cv.out().lines().filter(l -> !l.startsWith("fold ")).toList();
        assertEquals("target 'class': 3 classes named on the first line → classification", lines.get(0));   // the task first, and why
        lines = lines.subList(1, lines.size());
        assertTrue(lines.get(0).startsWith("3-fold cross-validation of adam on iris.csv (150 patterns"), cv.out());
        assertTrue(lines.get(0).endsWith("; each fold scored on its held-out test part"), cv.out());
        assertEquals(" fold   test loss   test accuracy   epochs", lines.get(1));
        for (int i = 1; i <= 3; i++) assertTrue(lines.get(1 + i).matches(" {4}" + i + " +\\d\\.\\d{5} +\\d+\\.\\d\\d% +20"), lines.get(1 + i));
        assertTrue(lines.get(5).startsWith(" mean   "), cv.out());
        // --quiet: the table alone (issue 20.6: only the result), the same table
        CliTest.Result quiet = CliTest.run("cv", iris.toString(), "-k", "3", "--epochs", "20", "--quiet");
        assertEquals(0, quiet.code(), quiet.err());
        List<String> table = quiet.out().lines().toList();
        assertEquals(lines.subList(1, 5), table.subList(0, 4), quiet.out());
        assertEquals(5, table.size(), quiet.out());
        assertTrue(table.get(4).startsWith(" mean   "), quiet.out());

        CliTest.Result s = CliTest.run("search", iris.toString(), "-k", "3", "--epochs", "20", "--random", "2",
                "--param", "hidden=2|4|8", "--param", "activation=tanh|relu");
        assertEquals(0, s.code(), s.err());
        List<String> out = s.out().lines().toList();
        int head = out.indexOf(" rank  hidden              activation          accuracy (mean ± sd)  loss (mean ± sd)");
        assertTrue(head > 0, s.out());
        assertTrue(out.get(head - 1).startsWith("2 candidates, 3-fold cross-validation on iris.csv"), s.out());
        assertEquals(head + 5, out.size(), "two ranked rows, then the command for the best: " + s.out());
        assertEquals("reproduce it with:", out.get(head + 3), s.out());
        assertTrue(out.get(head + 4).startsWith("  backprop4j train " + iris + " -o MODEL.json --epochs 20 --hidden "), s.out());
        assertTrue(out.get(head + 1).startsWith("    1  ") && out.get(head + 2).startsWith("    2  "), s.out());
    }

    @Test
    void earlyStoppingNeedsNoValidationFlagInCv() {
        CliTest.Result r = CliTest.run("cv", TestData.path("iris.csv").toString(), "-k", "2", "--epochs", "20",
                "--early-stopping", "patience:5", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, CliTest.run("cv", TestData.path("iris.csv").toString(), "--threads", "0").code());
    }
}
