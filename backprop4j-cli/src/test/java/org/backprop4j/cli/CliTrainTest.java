package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.backprop4j.TestData;
import org.backprop4j.model.Model;
import org.backprop4j.model.Provenance;
import org.backprop4j.io.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train → evaluate → predict → cv → search end to end on real files, exit codes and outputs. */
class CliTrainTest {
    @TempDir
    Path dir;

    static CliTest.Result run(String... args) {
        return CliTest.run(args);
    }

    @Test
    void trainEvaluatePredictOnIris() throws Exception {
        Path iris = TestData.path("iris.csv");
        Path model = dir.resolve("iris.json");
        CliTest.Result t = run("train", iris.toString(), "--out", model.toString(), "--validation", "0.3", "--seed", "1");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("loss: ce (cross-entropy with softmax"), "defaults are printed: " + t.out());
        assertTrue(t.out().contains("validation: 45 of 150 patterns held out"), t.out());
        Model m = ModelFile.read(model);
        assertEquals(List.of("setosa", "versicolor", "virginica"), m.classNames());
        // hashed on another thread while the data are read: the file's SHA-256 all the same
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(java.nio.file.Files.readAllBytes(iris))),
                m.provenance().data().sha256());

        CliTest.Result e = run("evaluate", model.toString(), iris.toString(), "--json");
        assertEquals(0, e.code(), e.err());
        JsonNode j = new ObjectMapper().readTree(e.out());
        assertTrue(j.get("accuracy").asDouble() >= 0.93, e.out());
        assertEquals(150, j.get("patterns").asInt());
        int total = 0;
        for (JsonNode row : j.get("confusion")) for (JsonNode c : row) total += c.asInt();
        assertEquals(150, total);

        Path preds = dir.resolve("p.csv");
        CliTest.Result p = run("predict", model.toString(), iris.toString(), "--out", preds.toString());
        assertEquals(0, p.code(), p.err());
        List<String> lines = Files.readAllLines(preds);
        assertEquals("predicted,p(setosa),p(versicolor),p(virginica)", lines.get(0));
        assertEquals(151, lines.size());
        assertTrue(lines.get(1).startsWith("setosa,"), lines.get(1));
        // probabilities of a row sum to 1
        String[] f = lines.get(1).split(",");
        assertEquals(1.0, Double.parseDouble(f[1]) + Double.parseDouble(f[2]) + Double.parseDouble(f[3]), 1e-5);
    }

    /**
     * --kernel names the kernels a run must use (studio's export repeats a page's weights with it):
     * the ones this process runs are accepted and recorded, other ones cannot be had once chosen, and
     * an unknown name is refused before any work, each as one line with exit 2 and no model written.
     */
    @Test
    void kernelOptionPinsTheKernelsOrSaysWhyNot() throws Exception {
        Path iris = TestData.path("iris.csv");
        Path model = dir.resolve("k.json");
        String running = org.backprop4j.kernel.KernelProvider.get().name();
        CliTest.Result ok = run("train", iris.toString(), "-o", model.toString(), "--epochs", "2", "--quiet", "--kernel", running);
        assertEquals(0, ok.code(), ok.err());
        assertTrue(java.nio.file.Files.readString(model).contains(running), "the model records the kernels");
        String other = running.equals("scalar") ? "vector" : "scalar";
        Path none = dir.resolve("none.json");
        CliTest.Result clash = run("train", iris.toString(), "-o", none.toString(), "--epochs", "2", "--kernel", other);
        assertEquals(2, clash.code());
        assertEquals("backprop4j: --kernel " + other + ": the kernels of this process are " + running + " already, not " + other, clash.err().strip());
        CliTest.Result bad = run("train", iris.toString(), "-o", none.toString(), "--epochs", "2", "--kernel", "fast");
        assertEquals(2, bad.code());
        assertEquals("backprop4j: --kernel fast: expected auto, vector, openblas or scalar", bad.err().strip());
        assertFalse(java.nio.file.Files.exists(none));
    }

    @Test
    void evaluateGivesPerClassPrecisionRecallF1ConsistentWithItsConfusionMatrix() throws Exception {
        Path wine = TestData.path("wine_data.csv");
        Path model = dir.resolve("wine.json");
        assertEquals(0, run("train", wine.toString(), "-o", model.toString(), "--epochs", "3", "--hidden", "2", "--quiet").code());
        CliTest.Result e = run("evaluate", model.toString(), wine.toString(), "--json");
        assertEquals(0, e.code(), e.err());
        JsonNode j = new ObjectMapper().readTree(e.out());
        JsonNode cm = j.get("confusion"), per = j.get("perClass");
        assertEquals(3, per.size());
        // recomputed here from the printed counts (rows actual, columns predicted): the definitions,
        // not the library's code; 0/0 counts as 0 (scikit-learn's zero_division=0)
        double f1Sum = 0;
        for (int c = 0; c < 3; c++) {
            long tp = cm.get(c).get(c).asLong(), actual = 0, predicted = 0;
            for (int q = 0; q < 3; q++) {
                actual += cm.get(c).get(q).asLong();
                predicted += cm.get(q).get(c).asLong();
            }
            double p = predicted == 0 ? 0 : (double) tp / predicted, r = actual == 0 ? 0 : (double) tp / actual;
            double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
            f1Sum += f1;
            JsonNode pc = per.get(c);
            assertEquals(List.of("class_0", "class_1", "class_2").get(c), pc.get("class").asText());
            assertEquals(actual, pc.get("support").asLong());
            // the same few operations in double in another order: agreement to 1e-12 is far above rounding
            assertEquals(p, pc.get("precision").asDouble(), 1e-12);
            assertEquals(r, pc.get("recall").asDouble(), 1e-12);
            assertEquals(f1, pc.get("f1").asDouble(), 1e-12);
        }
        assertEquals(f1Sum / 3, j.get("macroF1").asDouble(), 1e-12);
        assertEquals(List.of(59, 71, 48), List.of(per.get(0).get("support").asInt(), per.get(1).get("support").asInt(),
                per.get(2).get("support").asInt()));   // the class counts of the data README
    }

    @Test
    void textOutputEndingWithoutALineEndReachesTheStreams() throws Exception {
        // main() wraps System.out in a PrintWriter that flushes only on println: the classification
        // report (printed last, with print) was lost at System.exit
        Path iris = TestData.path("iris.csv");
        Path model = dir.resolve("iris.json");
        assertEquals(0, run("train", iris.toString(), "-o", model.toString(), "--epochs", "5", "--quiet").code());
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(), errBytes = new java.io.ByteArrayOutputStream();
        int code = Main.run(new String[] {"evaluate", model.toString(), iris.toString()},
                new java.io.PrintStream(bytes, false, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(errBytes, false, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, code, errBytes.toString(java.nio.charset.StandardCharsets.UTF_8));
        String out = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(out.contains("actual \\ predicted"), out);
        assertTrue(out.contains("precision") && out.contains("macro avg"), "per-class report printed: " + out);
    }

    @Test
    void predictsFilesWithoutTheTargetColumn() throws Exception {
        Path model = dir.resolve("m.json");
        Path train = dir.resolve("t.csv");
        Files.writeString(train, "size,colour,label\n1,red,a\n2,blue,b\n1.5,red,a\n2.5,blue,b\n1.2,red,a\n2.2,blue,b\n");
        assertEquals(0, run("train", train.toString(), "-o", model.toString(), "--epochs", "100", "--quiet",
                "--optimizer", "adam:lr=0.05").code());
        Path unlabeled = dir.resolve("u.csv");
        Files.writeString(unlabeled, "size,colour\n1.1,red\n2.4,blue\n");
        CliTest.Result p = run("predict", model.toString(), unlabeled.toString());
        assertEquals(0, p.code(), p.err());
        List<String> lines = p.out().lines().toList();
        assertEquals("predicted,p(a),p(b)", lines.get(0));
        assertTrue(lines.get(1).startsWith("a,"), p.out());
        assertTrue(lines.get(2).startsWith("b,"), p.out());
        // a nominal value the model never saw is an error naming line and column
        Files.writeString(unlabeled, "size,colour\n1.1,green\n");
        CliTest.Result bad = run("predict", model.toString(), unlabeled.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("backprop4j: u.csv:2:2:"), bad.err());
    }

    @Test
    void reportCurvesAndExplainForATrainedModel() throws Exception {
        Path iris = TestData.path("iris.csv");
        Path model = dir.resolve("iris.json"), html = dir.resolve("r.html"), curves = dir.resolve("curves");
        CliTest.Result t = run("train", iris.toString(), "-o", model.toString(), "--epochs", "30", "--validation", "0.2",
                "--report", html.toString(), "--curves", curves.toString(), "--plain");
        assertEquals(0, t.code(), t.err());
        String page = Files.readString(html);
        assertTrue(page.contains("iris.csv") && page.contains("<svg") && page.contains("versicolor"), "report content");
        assertTrue(Files.size(curves.resolve("iris-loss.png")) > 1000);
        assertTrue(Files.readString(curves.resolve("iris-loss.svg")).contains("<svg"));
        assertTrue(Files.exists(curves.resolve("iris-accuracy.png")));
        CliTest.Result e = run("explain", model.toString(), iris.toString(), "--row", "51");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("Pattern 51 of iris.csv"), e.out());
        assertTrue(e.out().contains("output  unit 2: δ = d − o"), e.out());
        assertEquals(2, run("explain", model.toString(), iris.toString(), "--row", "999").code());
    }

    @Test
    void divergenceExitsWithThreeAndKeepsTheOldModel() throws Exception {
        Path model = dir.resolve("m.json");
        Files.writeString(model, "precious");
        CliTest.Result r = run("train", TestData.path("cpu.arff").toString(), "-o", model.toString(),
                "--optimizer", "sgd:lr=100", "--epochs", "20", "--quiet");
        assertEquals(3, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertTrue(err.startsWith("backprop4j: diverged in epoch") && err.contains("lower the learning rate"), err);
        assertFalse(err.contains("\n"));
        assertEquals("precious", Files.readString(model));
    }

    @Test
    void resumedRunEndsWithTheWeightsOfAnUninterruptedOne() throws Exception {
        Path wine = TestData.path("wine_data.csv");
        Path whole = dir.resolve("whole.json"), parts = dir.resolve("parts.json");
        assertEquals(0, run("train", wine.toString(), "-o", whole.toString(), "--epochs", "12", "--quiet").code());
        // "interrupted" after 5 epochs (checkpoint every epoch), then resumed to 12
        assertEquals(0, run("train", wine.toString(), "-o", parts.toString(), "--epochs", "5", "--checkpoint-every", "1", "--quiet").code());
        assertTrue(Files.exists(dir.resolve("parts.json.ckpt")));
        CliTest.Result r = run("train", wine.toString(), "-o", parts.toString(), "--epochs", "12", "--checkpoint-every", "1",
                "--resume", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(ModelFile.read(whole).network().params(), ModelFile.read(parts).network().params());
        assertEquals(12, ModelFile.read(parts).provenance().outcome().epochs());
    }

    @Test
    void sameSeedSameModel() throws Exception {
        Path wine = TestData.path("wine_data.csv");
        Path a = dir.resolve("a.json"), b = dir.resolve("b.json");
        assertEquals(0, run("train", wine.toString(), "-o", a.toString(), "--epochs", "20", "--quiet").code());
        assertEquals(0, run("train", wine.toString(), "-o", b.toString(), "--epochs", "20", "--quiet").code());
        assertArrayEquals(ModelFile.read(a).network().params(), ModelFile.read(b).network().params());
    }

    @Test
    void regressionOnCpuArff() throws Exception {
        Path cpu = TestData.path("cpu.arff");
        Path model = dir.resolve("cpu.json");
        CliTest.Result t = run("train", cpu.toString(), "-o", model.toString(), "--hidden", "8", "--epochs", "300",
                "--optimizer", "adam:lr=0.01", "--quiet");
        assertEquals(0, t.code(), t.err());
        assertEquals("", t.out(), "--quiet prints nothing");
        CliTest.Result e = run("evaluate", model.toString(), cpu.toString(), "--json");
        assertEquals(0, e.code(), e.err());
        JsonNode j = new ObjectMapper().readTree(e.out());
        // published CPU performance is well explained by the hardware attributes (linear fits reach R² ≈ 0.9)
        assertTrue(j.get("r2").asDouble() > 0.85, e.out());
        CliTest.Result p = run("predict", model.toString(), cpu.toString());
        assertEquals(0, p.code(), p.err());
        assertEquals("class", p.out().lines().findFirst().orElseThrow());
    }

    @Test
    void jsonModePrintsOneObjectPerEpochAndASummary() throws Exception {
        Path iris = TestData.path("iris.csv");
        CliTest.Result t = run("train", iris.toString(), "-o", dir.resolve("m.json").toString(), "--epochs", "5", "--json");
        assertEquals(0, t.code(), t.err());
        List<String> lines = t.out().lines().toList();
        assertEquals(6, lines.size(), t.out());     // 5 epochs, then the end of the run with the summary (issue 20.4: once)
        ObjectMapper om = new ObjectMapper();
        for (int i = 0; i < 5; i++) assertEquals(i + 1, om.readTree(lines.get(i)).get("epoch").asInt());
        assertEquals("end", om.readTree(lines.get(5)).get("event").asText());
        assertEquals(5, om.readTree(lines.get(5)).get("epochs").asInt());
    }

    @Test
    void cvAndSearchRankCandidates() throws Exception {
        Path iris = TestData.path("iris.csv");
        CliTest.Result cv = run("cv", iris.toString(), "-k", "3", "--epochs", "50", "--json");
        assertEquals(0, cv.code(), cv.err());
        JsonNode j = new ObjectMapper().readTree(cv.out());
        assertEquals(3, j.get("accuracy").size());
        assertTrue(j.get("meanAccuracy").asDouble() > 0.8, cv.out());
        CliTest.Result s = run("search", iris.toString(), "-k", "3", "--epochs", "30", "--param", "hidden=0|8", "--json");
        assertEquals(0, s.code(), s.err());
        List<String> rows = s.out().lines().toList();
        assertEquals(2, rows.size());
        JsonNode first = new ObjectMapper().readTree(rows.get(0)), second = new ObjectMapper().readTree(rows.get(1));
        assertTrue(first.get("meanAccuracy").asDouble() >= second.get("meanAccuracy").asDouble());
    }

    @Test
    void badDataGivesOneLineExitTwoAndLeavesTheModelAlone() throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "a,b,c\n1,2,x\n3,4,y\n5,oops,x\n");
        Path model = dir.resolve("m.json");
        Files.writeString(model, "precious");
        CliTest.Result r = run("train", bad.toString(), "-o", model.toString());
        assertEquals(2, r.code());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("backprop4j: bad.csv:4:2:"), err);
        assertFalse(err.contains("Exception"), err);
        assertEquals("precious", Files.readString(model), "the old file is untouched");

        CliTest.Result missing = run("evaluate", dir.resolve("nope.json").toString(), bad.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());

        Path notModel = dir.resolve("x.json");
        Files.writeString(notModel, "{\"hello\": 1}");
        CliTest.Result nm = run("evaluate", notModel.toString(), bad.toString());
        assertEquals(2, nm.code());
        assertTrue(nm.err().contains("x.json: not a backprop4j model file"), nm.err());
    }

    @Test
    void evaluateRejectsDataThatDoesNotFitTheModel() throws Exception {
        Path iris = TestData.path("iris.csv");
        Path model = dir.resolve("iris.json");
        assertEquals(0, run("train", iris.toString(), "-o", model.toString(), "--epochs", "5", "--quiet").code());
        CliTest.Result r = run("evaluate", model.toString(), TestData.path("wine_data.csv").toString());
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().startsWith("backprop4j: "), r.err());
    }

    @Test
    void restartsAfterDivergenceAreToldAsTheyHappenAndRecordedInTheModel() throws Exception {
        Path model = dir.resolve("cpu.json");
        // η = 1 for plain SGD on cpu.arff's (standardized) inputs and its large targets: NaN within a
        // few epochs; each restart halves η (probed: restarts at η = 1, 0.5, 0.25, then 0.125 holds)
        CliTest.Result r = run("train", TestData.path("cpu.arff").toString(), "-o", model.toString(),
                "--optimizer", "sgd:lr=1", "--epochs", "30", "--restarts", "5", "--plain");
        assertEquals(0, r.code(), r.err());
        List<String> warnings = r.err().lines().filter(l -> l.startsWith("backprop4j: warning: diverged in epoch")).toList();
        assertFalse(warnings.isEmpty(), "η = 1 must diverge: " + r.err());
        for (int k = 0; k < warnings.size(); k++) {
            String w = warnings.get(k);
            assertTrue(w.contains("lower the learning rate") && w.contains("with the learning rate halved (restart " + (k + 1) + " of 5)"), w);
        }
        assertTrue(r.out().contains("diverged and restarted " + (warnings.size() == 1 ? "once" : warnings.size() + " times")), r.out());
        Provenance.Outcome outcome = ModelFile.read(model).provenance().outcome();
        assertEquals(warnings.size(), outcome.divergenceRestarts());
        // the learning rate actually used after k restarts, η/2^k (issue 24.7), not the configured 1
        assertEquals(1.0 / (1 << warnings.size()), outcome.learningRateUsed());
        assertEquals(1.0 / (1 << warnings.size()), outcome.learningRateFactor());
    }

    @Test
    void aDirectoryWhereAFileIsExpectedIsBadInput() throws Exception {
        Path model = dir.resolve("m.json");
        CliTest.Result r = run("train", dir.toString(), "-o", model.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("backprop4j: " + dir + ": is a directory, not a file", r.err().strip());
        assertFalse(Files.exists(model));
        CliTest.Result p = run("predict", dir.toString(), TestData.path("iris.csv").toString());
        assertEquals(2, p.code(), p.err());
        assertEquals("backprop4j: " + dir + ": is a directory, not a file", p.err().strip());
    }

    @Test
    void debugPrintsTheStackTraceAndStillEndsWithTheOneLineMessage() throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "a,b,c\n1,2,x\n3,4\n");
        Path model = dir.resolve("m.json");
        CliTest.Result plain = run("train", bad.toString(), "-o", model.toString());
        assertEquals(2, plain.code());
        assertEquals("backprop4j: bad.csv:3:3: expected 3 fields, found 2 (the header has 3)", plain.err().strip());
        CliTest.Result debug = run("train", bad.toString(), "-o", model.toString(), "--debug");
        assertEquals(2, debug.code());
        List<String> lines = debug.err().strip().lines().toList();
        assertTrue(lines.getFirst().startsWith("org.backprop4j.data.DataFormatException: bad.csv:3:3:"), debug.err());
        assertTrue(lines.stream().anyMatch(l -> l.strip().startsWith("at org.backprop4j.data.CsvReader")), debug.err());
        assertEquals(plain.err().strip(), lines.getLast());
        assertFalse(Files.exists(model));
    }

    @Test
    void predictReadsIdxImagesAndRefusesImagesOfAnotherSize() throws Exception {
        // four 2×2 images labelled 0..3 and four 3×3 ones (IDX: magic 00 00 08 nd, big-endian sizes, bytes)
        Path i4 = dir.resolve("i4-idx3-ubyte"), l4 = dir.resolve("l4-idx1-ubyte"), i9 = dir.resolve("i9-idx3-ubyte");
        Files.write(i4, idx(new int[] {4, 2, 2}, 16));
        Files.write(l4, new byte[] {0, 0, 8, 1, 0, 0, 0, 4, 0, 1, 2, 3});
        Files.write(i9, idx(new int[] {4, 3, 3}, 36));
        Path model = dir.resolve("idx.json");
        assertEquals(0, run("train", i4.toString(), "--labels", l4.toString(), "-o", model.toString(), "--epochs", "3", "--quiet").code());
        CliTest.Result p = run("predict", model.toString(), i4.toString(), "--labels", l4.toString());
        assertEquals(0, p.code(), p.err());
        List<String> lines = p.out().lines().toList();
        assertEquals(5, lines.size(), p.out());
        assertTrue(lines.getFirst().startsWith("predicted,p(0),p(1),"), lines.getFirst());
        CliTest.Result bad = run("predict", model.toString(), i9.toString(), "--labels", l4.toString());
        assertEquals(2, bad.code(), bad.out());
        assertEquals("backprop4j: i9-idx3-ubyte: the data has 9 inputs after encoding; the model idx.json expects 4", bad.err().strip());
    }

    /** An IDX file of unsigned bytes 0, 1, 2, … with the given sizes. */
    private static byte[] idx(int[] dims, int n) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * dims.length + n);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        for (int i = 0; i < n; i++) b.put((byte) (i * 7));
        return b.array();
    }
}
