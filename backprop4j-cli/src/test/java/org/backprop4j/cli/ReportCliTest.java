package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backprop4j.TestData;
import org.backprop4j.data.DataFiles;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Examples;
import org.backprop4j.data.ReadOptions;
import org.backprop4j.io.ModelFile;
import org.backprop4j.metrics.Ranking;
import org.backprop4j.model.Model;
import org.backprop4j.model.ModelTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reports of issue 20.7 made by the command line, each section with its exact values: train
 * --report (hyper-parameters in full, class balance, ROC/PR of the validation set, the network,
 * the command line and provenance) and evaluate --report on a test file.
 */
class ReportCliTest {
    @TempDir
    Path dir;

    /** The text of a row "<tr><td>NAME</td><td class="mono">VALUE</td></tr>" of a two-column table. */
    static String row(String html, String name) {
        Matcher m = Pattern.compile("<tr><(?:td|th)>" + Pattern.quote(name) + "</(?:td|th)><td[^>]*>([^<]*)</td></tr>").matcher(html);
        if (!m.find()) throw new AssertionError("no row " + name);
        return m.group(1);
    }

    /** The exact values of a ranking column ("auc" or "ap"). */
    static List<Double> exact(String html, String column) {
        Matcher m = Pattern.compile("<td class=\"num " + column + "\" data-value=\"([^\"]+)\">").matcher(html);
        List<Double> out = new ArrayList<>();
        while (m.find()) out.add(Double.parseDouble(m.group(1)));
        return out;
    }

    static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    /** Class k's output against the rest on raw data through the model, as the report must rank it. */
    static double[] scores(Model m, DataSet raw, int k) {
        float[] o = m.outputs(raw);
        int n = m.outputs();
        double[] s = new double[raw.size()];
        for (int p = 0; p < s.length; p++) s[p] = n == 1 ? (k == 1 ? o[p] : 1 - (double) o[p]) : o[p * n + k];
        return s;
    }

    static boolean[] positives(DataSet raw, int k) {
        boolean[] b = new boolean[raw.size()];
        for (int p = 0; p < b.length; p++) b[p] = Examples.labelOf(raw.d(), p * raw.outputs(), raw.outputs()) == k;
        return b;
    }

    /**
     * A model with one logistic output for two classes (the library and the studio make them):
     * the second class is ranked by o, the first by 1 − o, with the labels from the 0/1 target; the
     * two areas are one ranking seen from both ends.
     */
    @Test
    void oneLogisticOutputRanksBothClassesFromIt() {
        float[] o = {0.9f, 0.2f, 0.6f, 0.6f, 0.1f, 0.8f}, d = {1, 0, 1, 0, 0, 1};
        RunReport.Scored s = new RunReport.Scored(o, d, 6, 1);
        org.backprop4j.cli.report.ReportData.ClassScores pos = RunReport.oneVsRest(s, 1, "yes"), neg = RunReport.oneVsRest(s, 0, "no");
        for (int p = 0; p < 6; p++) {
            assertEquals((double) o[p], pos.scores()[p], 0.0);
            assertEquals(1 - (double) o[p], neg.scores()[p], 0.0);
            assertEquals(d[p] == 1, pos.positive()[p]);
            assertEquals(d[p] == 0, neg.positive()[p]);
        }
        // 3 positives, 3 negatives; pairs ranked right 8, tied 1 (0.6 vs 0.6): AUC = 8.5/9 from both ends
        assertEquals(8.5 / 9, Ranking.rocAuc(pos.scores(), pos.positive()), 1e-15);
        assertEquals(8.5 / 9, Ranking.rocAuc(neg.scores(), neg.positive()), 1e-15);
        assertEquals(List.of("yes"), RunReport.ranking(s, List.of("no", "yes")).stream().map(c -> c.className()).toList());
        assertEquals(2, s.confusion().length);
    }

    @Test
    void trainReportsEverySectionWithItsValues() throws Exception {
        Path iris = Files.copy(TestData.path("iris.csv"), dir.resolve("iris.csv"));
        Path model = dir.resolve("m.json"), report = dir.resolve("r.html");
        CliTest.Result r = CliTest.run("train", iris.toString(), "-o", model.toString(), "--validation", "0.3", "--report", report.toString(),
                "--epochs", "30", "--quiet");
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(report);
        Model m = ModelFile.read(model);

        // hyper-parameters: every resolved setting, the defaults spelled out
        int h = org.backprop4j.train.Defaults.HIDDEN_UNITS;
        assertEquals("4-" + h + "(relu)-3(softmax)", row(html, "network"));
        assertEquals("" + h, row(html, "hidden layers"));
        assertEquals("relu", row(html, "hidden activation"));
        assertEquals("softmax", row(html, "output activation"));
        assertEquals("ce", row(html, "loss"));
        assertEquals("adam", row(html, "optimizer"));
        assertEquals("0.001", row(html, "learning rate"));
        assertEquals("mini-batch", row(html, "mode"));
        assertEquals("32 patterns per update", row(html, "batch"));
        assertEquals("30", row(html, "max epochs"));
        assertEquals(Double.toString(org.backprop4j.train.Defaults.LAMBDA), row(html, "L2 decay λ"));
        assertEquals(m.provenance().settings().plateau(), row(html, "plateau stop"));
        assertTrue(row(html, "plateau stop").contains("tol"), row(html, "plateau stop"));
        assertEquals("off", row(html, "target error ε"));
        assertEquals("none", row(html, "learning-rate schedule"));
        assertEquals("off", row(html, "gradient clipping"));
        assertEquals("off", row(html, "early stopping"));
        assertEquals("0.3", row(html, "validation fraction"));
        assertEquals("standardize", row(html, "input scaling"));
        assertEquals("42", row(html, "seed"));

        // class balance: the split the trainer made (same fraction and seed)
        DataSet raw = DataFiles.read(iris, ReadOptions.defaults());
        Examples[] parts = ModelTrainer.split(raw, 0.3, 42);
        int[] train = RunReport.classCounts(parts[0], 3), val = RunReport.classCounts(parts[1], 3);
        assertEquals(150, java.util.Arrays.stream(train).sum() + java.util.Arrays.stream(val).sum());
        for (int c = 0; c < 3; c++) {
            String name = raw.classNames().get(c);
            assertTrue(Pattern.compile("<tr><td>" + name + "</td><td class=\"num\">" + train[c] + " <span[^>]*>\\([0-9.]+%\\)</span></td>"
                    + "<td class=\"num\">" + val[c] + " ").matcher(html).find(), name + " " + train[c] + "/" + val[c]);
        }

        // ROC AUC and AP of each class on the validation set: Ranking's, on the model's outputs there
        DataSet v = (DataSet) parts[1];
        List<Double> auc = exact(html, "auc"), ap = exact(html, "ap");
        assertEquals(4, auc.size());
        for (int c = 0; c < 3; c++) {
            assertEquals(Ranking.rocAuc(scores(m, v, c), positives(v, c)), auc.get(c), 0.0, "AUC " + c);
            assertEquals(Ranking.averagePrecision(scores(m, v, c), positives(v, c)), ap.get(c), 0.0, "AP " + c);
        }
        assertTrue(html.contains("on the validation set (45 patterns)."), "the set is named");

        // the network's diagram
        for (String t : List.of(">4 inputs</text>", ">" + h + " relu</text>", ">3 softmax</text>")) assertTrue(html.contains(t), t);

        // the command line, and the provenance: version, data file, size and hash, seed, kernels
        assertTrue(html.contains("<pre class=\"command\">backprop4j train " + iris + " -o " + model + " --validation 0.3 --report " + report
                + " --epochs 30 --quiet</pre>"), html.substring(html.indexOf("<pre")));
        assertEquals("backprop4j " + ModelFile.libraryVersion(), row(html, "library"));
        assertEquals("iris.csv", row(html, "data file"));
        assertEquals(String.format(Locale.ROOT, "%,d bytes", Files.size(iris)), row(html, "data size"));
        assertEquals(sha256(iris), row(html, "data SHA-256"));
        assertEquals("150", row(html, "data patterns"));
        assertEquals(m.provenance().environment().kernels(), row(html, "kernels"));
        assertEquals("42", row(html, "seed"));
    }

    /**
     * evaluate --report on a test file: its metrics, matrix and areas are evaluate --json's (and
     * Ranking's on the model's outputs); the class balance counts the file's patterns.
     */
    @Test
    void evaluateReportsATestSet() throws Exception {
        Path iris = Files.copy(TestData.path("iris.csv"), dir.resolve("iris.csv"));
        List<String> lines = Files.readAllLines(iris);
        Path test = dir.resolve("test.csv");
        // the scikit-learn count line first: 50 patterns now
        List<String> t = new ArrayList<>(List.of(lines.get(0).replaceFirst("^150,", "50,")));
        for (int i = 1; i < lines.size(); i += 3) t.add(lines.get(i));   // every third pattern: 50
        Files.write(test, t);
        Path model = dir.resolve("m.json"), report = dir.resolve("e.html");
        assertEquals(0, CliTest.run("train", iris.toString(), "-o", model.toString(), "--epochs", "20", "--quiet").code());
        CliTest.Result e = CliTest.run("evaluate", model.toString(), test.toString(), "--report", report.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().endsWith("report written to " + report + "\n"), e.out());
        JsonNode j = new ObjectMapper().readTree(CliTest.run("evaluate", model.toString(), test.toString(), "--json").out());
        String html = Files.readString(report);
        assertEquals(j.get("accuracy").asDouble(), Double.parseDouble(row(html, "accuracy")), 5e-7, "6 significant digits");
        List<Double> auc = exact(html, "auc");
        for (int c = 0; c < 3; c++) assertEquals(j.get("perClass").get(c).get("rocAuc").asDouble(), auc.get(c), 0.0, "class " + c);
        Model m = ModelFile.read(model);
        DataSet raw = DataFiles.read(test, ReadOptions.defaults().schema(m.schema()));
        for (int c = 0; c < 3; c++) assertEquals(Ranking.rocAuc(scores(m, raw, c), positives(raw, c)), auc.get(c), 0.0);
        // the matrix is evaluate's
        for (int a = 0; a < 3; a++) {
            StringBuilder rowRe = new StringBuilder("<tr><th>" + raw.classNames().get(a) + "</th>");
            for (int p = 0; p < 3; p++) rowRe.append("<td[^>]*>").append(j.get("confusion").get(a).get(p).asInt()).append("</td>");
            assertTrue(Pattern.compile(rowRe.toString()).matcher(html).find(), rowRe.toString());
        }
        assertTrue(html.contains("<tr class=\"total\"><td>all</td><td class=\"num\">50</td></tr>"), "class balance of the file");
        assertTrue(html.contains("<tr><th>test patterns</th><td>50</td></tr>"));
        assertFalse(html.contains("id=\"curves\""), "no learning curves: nothing was trained");
        assertTrue(html.contains("<h2>Hyper-parameters of the training run</h2>"));
        assertEquals("20", row(html, "max epochs"));
        assertEquals(sha256(test), row(html, "evaluated data SHA-256"));
        assertEquals(sha256(iris), row(html, "model: data SHA-256"));
        assertTrue(html.contains("<pre class=\"command\">backprop4j evaluate " + model + " " + test + " --report " + report + "</pre>"));
    }

    /**
     * Two classes with logistic outputs (bce: one independent output per class): the report ranks
     * the positive class, with evaluate's area for it; a regression report plots every pattern.
     */
    @Test
    void binaryWithOneOutputAndRegression() throws Exception {
        Path bc = TestData.path("breast_cancer.csv");
        Path model = dir.resolve("b.json"), report = dir.resolve("b.html");
        assertEquals(0, CliTest.run("train", bc.toString(), "-o", model.toString(), "--output", "logistic", "--loss", "bce", "--epochs", "5",
                "--quiet").code());
        CliTest.Result e = CliTest.run("evaluate", model.toString(), bc.toString(), "--report", report.toString(), "--json");
        assertEquals(0, e.code(), e.err());
        JsonNode j = new ObjectMapper().readTree(e.out());
        String html = Files.readString(report);
        assertEquals(List.of(j.get("perClass").get(1).get("rocAuc").asDouble()), exact(html, "auc"));
        assertTrue(html.contains("The positive class, benign, ranked by its output"), html);

        Path cpu = TestData.path("cpu.arff"), cm = dir.resolve("c.json"), cr = dir.resolve("c.html");
        assertEquals(0, CliTest.run("train", cpu.toString(), "-o", cm.toString(), "--epochs", "5", "--quiet").code());
        CliTest.Result c = CliTest.run("evaluate", cm.toString(), cpu.toString(), "--report", cr.toString(), "--json");
        assertEquals(0, c.code(), c.err());
        String rh = Files.readString(cr);
        JsonNode cj = new ObjectMapper().readTree(c.out());
        String sc = rh.substring(rh.indexOf("<section id=\"scatter\">"));
        assertEquals(cj.get("patterns").asInt(), sc.split("<circle ", -1).length - 1);
        // the report prints 6 significant digits: equal to half a unit in the sixth
        double mse = cj.get("mse").asDouble();
        assertEquals(mse, Double.parseDouble(row(rh, "MSE")), 5e-6 * Math.abs(mse));
    }
}
