package org.backprop4j.model;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Predictor;
import org.backprop4j.TestData;
import org.backprop4j.data.DataFiles;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.ReadOptions;
import org.backprop4j.train.Settings;
import org.junit.jupiter.api.Test;

/**
 * The typed model: a raw record (text, typed values or named fields) gives exactly the outputs of
 * the stored preprocessing and network on the file's encoded row, for every row of real files.
 */
class ModelTest {

    /** The data rows of a file as text fields (CSV after scikit-learn's first line; ARFF after @data). */
    static List<String[]> rows(Path file) throws Exception {
        List<String[]> out = new ArrayList<>();
        boolean arff = file.toString().endsWith(".arff"), data = !arff;
        List<String> lines = Files.readAllLines(file);
        for (int i = arff ? 0 : 1; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("%")) continue;
            if (!data) {
                data = l.equalsIgnoreCase("@data");
                continue;
            }
            String[] f = l.split(",");
            for (int j = 0; j < f.length; j++) f[j] = f[j].strip();
            out.add(f);
        }
        return out;
    }

    static Model trained(Path file, int epochs) throws Exception {
        DataSet raw = DataFiles.read(file, ReadOptions.defaults());
        return Model.train(raw, Settings.builder().epochs(epochs).hidden(5).build());
    }

    @Test
    void everyRecordOfEveryFilePredictsAsTheEncodedRow() throws Exception {
        // numeric classification, regression (outputs in the data's units), nominal inputs
        for (String name : List.of("iris.csv", "cpu.arff", "weather.nominal.arff")) {
            Path file = TestData.path(name);
            Model m = trained(file, 30);
            DataSet raw = DataFiles.read(file, ReadOptions.defaults().schema(m.schema()));
            float[] all = m.outputs(raw);
            List<String[]> rows = rows(file);
            assertEquals(raw.size(), rows.size(), name);
            int n = m.outputs(), k = m.fieldNames().size();
            List<List<?>> batch = new ArrayList<>();
            for (int p = 0; p < rows.size(); p++) {
                String[] fields = Arrays.copyOf(rows.get(p), k);   // the target column left off
                Prediction byText = m.predict(fields);
                double[] expected = new double[n];
                for (int j = 0; j < n; j++) expected[j] = all[p * n + j];
                assertArrayEquals(expected, byText.values(), name + " row " + (p + 1));   // exact: same floats
                Map<String, Object> named = new LinkedHashMap<>();
                for (int j = 0; j < k; j++) named.put(m.fieldNames().get(j), fields[j]);
                assertArrayEquals(expected, m.predict(named).values(), name + " row " + (p + 1) + " by name");
                List<Object> typed = new ArrayList<>();
                for (int j = 0; j < k; j++) {
                    boolean numeric = m.schema().inputs().get(j).values() == null;
                    typed.add(numeric ? (Object) Double.parseDouble(fields[j]) : fields[j]);
                }
                assertArrayEquals(expected, m.predict(typed).values(), name + " row " + (p + 1) + " typed");
                batch.add(Arrays.asList((Object[]) fields));
                if (m.isClassification()) {
                    assertEquals(m.classNames().get(byText.classIndex()), byText.label());
                    assertEquals(org.backprop4j.metrics.Evaluation.predictedClass(all, p * n, n), byText.classIndex());
                    double sum = 0;
                    for (double v : byText.probabilities().values()) sum += v;
                    assertEquals(1.0, sum, 1e-5, "softmax outputs sum to 1 (float32 rounding)");
                } else {
                    assertEquals(expected[0], byText.value());
                    assertEquals(List.copyOf(m.targetNames()), List.copyOf(byText.named().keySet()));
                }
            }
            List<Prediction> many = m.predictAll(batch);
            assertEquals(rows.size(), many.size());
            List<Prediction> ofData = m.predict(raw);
            for (int p = 0; p < rows.size(); p++) {
                assertArrayEquals(m.predict(Arrays.copyOf(rows.get(p), k)).values(), many.get(p).values());
                assertArrayEquals(many.get(p).values(), ofData.get(p).values());
            }
        }
    }

    @Test
    void regressionValuesAreInTheDataUnits() throws Exception {
        Model m = trained(TestData.path("cpu.arff"), 30);
        DataSet raw = DataFiles.read(TestData.path("cpu.arff"), ReadOptions.defaults());
        // by hand: the pipeline's scaling, the network, the inverse target scaling
        float[] net = new Predictor(m.network(), m.loss()).predict(m.pipeline().transformInputs(raw.x()), raw.size());
        assertArrayEquals(m.pipeline().inverseTargets(net), m.outputs(raw));
        assertNotEquals(net[0], m.outputs(raw)[0], "the targets really were scaled");
        assertEquals(Task.REGRESSION, m.task());
        assertEquals(List.of("class"), m.targetNames());
    }

    @Test
    void missingValuesAreImputedByTheStoredPipeline() throws Exception {
        Model iris = trained(TestData.path("iris.csv"), 10);
        double[] imputed = iris.predict("5.1", "?", "1.4", "0.2").values();
        assertArrayEquals(imputed, iris.predict("5.1", "", "1.4", "0.2").values());
        assertArrayEquals(imputed, iris.predict(Arrays.asList(5.1, null, 1.4, 0.2)).values());
        assertArrayEquals(imputed, iris.predict(Arrays.asList(5.1, Double.NaN, 1.4, 0.2)).values());
        Model weather = trained(TestData.path("weather.nominal.arff"), 10);
        // a missing nominal value: its most frequent training value (sunny, 5 of 14; ties: first declared)
        assertArrayEquals(weather.predict("sunny", "hot", "high", "FALSE").values(), weather.predict("?", "hot", "high", "FALSE").values());
    }

    @Test
    void badRecordsAreOneLineErrorsNamingTheField() throws Exception {
        Model iris = trained(TestData.path("iris.csv"), 5);
        List<String> f = iris.fieldNames();
        assertEquals(4, f.size());
        String count = assertThrows(IllegalArgumentException.class, () -> iris.predict("5.1", "3.5", "1.4")).getMessage();
        assertTrue(count.startsWith("expected 4 fields [" + f.get(0)) && count.endsWith("got 3"), count);
        String number = assertThrows(IllegalArgumentException.class, () -> iris.predict("5.1", "abc", "1.4", "0.2")).getMessage();
        assertEquals("field '" + f.get(1) + "': expected a number, found \"abc\" (write ? or null for a missing value)", number);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> iris.predict("5.1", "NaN", "1.4", "0.2")).getMessage().contains("expected a number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> iris.predict(List.of(5.1, 1e300, 1.4, 0.2))).getMessage().contains("not a finite float32"));
        Map<String, Object> m = new LinkedHashMap<>();
        for (String n : f) m.put(n, "1");
        m.put("colour", "red");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> iris.predict(m)).getMessage().startsWith("unknown field 'colour'"));
        m.remove("colour");
        m.remove(f.get(2));
        assertEquals("no value for field '" + f.get(2) + "' (give null for a missing value)",
                assertThrows(IllegalArgumentException.class, () -> iris.predict(m)).getMessage());
        Model weather = trained(TestData.path("weather.nominal.arff"), 5);
        assertEquals("field 'outlook': unknown value \"snowy\" (expected one of [sunny, overcast, rainy])",
                assertThrows(IllegalArgumentException.class, () -> weather.predict("snowy", "hot", "high", "FALSE")).getMessage());
        List<List<?>> batch = List.of(List.of("sunny", "hot", "high", "FALSE"), List.of("sunny", "hot", "high", "maybe"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> weather.predictAll(batch)).getMessage().startsWith("record 2: field 'windy'"));
    }

    @Test
    void theModelIsImmutable() throws Exception {
        Model m = trained(TestData.path("iris.csv"), 5);
        double[] before = m.predict("5.1", "3.5", "1.4", "0.2").values();
        Network copy = m.network();
        Arrays.fill(copy.params(), 0f);
        assertArrayEquals(before, m.predict("5.1", "3.5", "1.4", "0.2").values());
        assertThrows(UnsupportedOperationException.class, () -> m.classNames().set(0, "x"));
        assertThrows(UnsupportedOperationException.class, () -> m.fieldNames().set(0, "x"));
    }

    /** A server's way: a virtual thread per request, single records and batches (Predictor's pool; ConcurrencyTest counts its engines). */
    @Test
    void virtualThreadsPredictExactlyWhatOneThreadDoes() throws Exception {
        Model m = trained(TestData.path("iris.csv"), 20);
        List<String[]> rows = rows(TestData.path("iris.csv"));
        List<List<?>> all = new ArrayList<>();
        for (String[] row : rows) all.add(Arrays.asList((Object[]) Arrays.copyOf(row, 4)));
        double[][] expected = new double[rows.size()][];
        for (int p = 0; p < rows.size(); p++) expected[p] = m.predict(all.get(p)).values();
        // a batch may differ from single records in the last bit (m = 1 takes other kernel paths)
        double[][] expectedBatch = m.predictAll(all).stream().map(Prediction::values).toArray(double[][]::new);
        int tasks = 10_000;
        List<Future<double[][]>> fs = new ArrayList<>(tasks);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < tasks; t++) {
                int p = t % rows.size();
                fs.add(pool.submit(() -> {
                    if (p % 10 != 0) return new double[][] {m.predict(all.get(p)).values()};
                    List<Prediction> ps = m.predictAll(all);   // the whole file as one batch
                    double[][] got = new double[ps.size()][];
                    for (int i = 0; i < got.length; i++) got[i] = ps.get(i).values();
                    return got;
                }));
            }
            for (int t = 0; t < tasks; t++) {
                int p = t % rows.size();
                double[][] got = fs.get(t).get();
                if (p % 10 != 0) {
                    assertArrayEquals(expected[p], got[0], "task " + t + ", row " + (p + 1));
                } else {
                    assertEquals(expectedBatch.length, got.length);
                    for (int i = 0; i < got.length; i++) assertArrayEquals(expectedBatch[i], got[i], "task " + t + ", batch row " + (i + 1));
                }
            }
        }
    }

    @Test
    void manyThreadsPredictExactlyWhatOneThreadDoes() throws Exception {
        Model m = trained(TestData.path("iris.csv"), 20);
        List<String[]> rows = rows(TestData.path("iris.csv"));
        double[][] expected = new double[rows.size()][];
        for (int p = 0; p < rows.size(); p++) expected[p] = m.predict(Arrays.copyOf(rows.get(p), 4)).values();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<double[][]>> fs = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int offset = t;
                fs.add(pool.submit(() -> {
                    double[][] got = new double[rows.size()][];
                    for (int i = 0; i < rows.size(); i++) {
                        int p = (i + offset * 7) % rows.size();   // every thread in another order, single and batch mixed
                        got[p] = p % 3 == 0 ? m.predictAll(List.of(Arrays.asList((Object[]) Arrays.copyOf(rows.get(p), 4)))).get(0).values()
                                : m.predict(Arrays.copyOf(rows.get(p), 4)).values();
                    }
                    return got;
                }));
            }
            for (Future<double[][]> f : fs) {
                double[][] got = f.get();
                for (int p = 0; p < rows.size(); p++) assertArrayEquals(expected[p], got[p], "row " + (p + 1));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aModelAssembledByHandWithOneLogisticOutput() throws Exception {
        Network net = Network.builder(2).layer(1, Activation.LOGISTIC).build();
        net.setWeight(1, 0, 0, 2f);
        net.setWeight(1, 0, 1, -1f);
        Model m = Model.builder(net, Loss.BINARY_CROSS_ENTROPY).classNames(List.of("off", "on")).build();
        assertEquals(List.of("x1", "x2"), m.fieldNames());
        Prediction p = m.predict("1", "0");   // o = σ(2) ≈ 0.881
        float o = (float) (1 / (1 + Math.exp(-2.0)));
        assertEquals(o, (float) p.probability("on"), 1e-6, "float32 logistic against the double formula");
        assertEquals(1 - p.probability("on"), p.probability("off"));
        assertEquals("on", p.label());
        assertEquals("off", m.predict("0", "1").label());
        assertEquals(Provenance.NONE, m.provenance());
        assertThrows(IllegalArgumentException.class, () -> Model.builder(net, Loss.BINARY_CROSS_ENTROPY).classNames(List.of("a", "b", "c")).build());
    }

    /**
     * A binary model with one logistic output unit on data with a nominal field keeps the data's
     * schema (the target as one 0/1 column), so it predicts raw records: "red", "?" and all.
     */
    static Model oneLogisticOutputOnNominalData() {
        org.backprop4j.data.Schema s = new org.backprop4j.data.Schema(
                List.of(org.backprop4j.data.Attribute.numeric("age"), org.backprop4j.data.Attribute.nominal("colour", List.of("red", "green", "blue"))),
                List.of(org.backprop4j.data.Attribute.nominal("class", List.of("no", "yes"))));
        // rows: age, one-hot colour; targets one-hot (no, yes); green is the mode
        float[] x = {20, 1, 0, 0, 30, 0, 1, 0, 40, 0, 1, 0, 50, 0, 0, 1};
        float[] d = {1, 0, 0, 1, 0, 1, 1, 0};
        DataSet raw = new DataSet(x, d, 4, 2, List.of("no", "yes"), s.encodedInputNames(), s);
        DataSet binary = raw.withTargets(new float[] {0, 1, 1, 0}, 1, List.of("no", "yes"));
        assertEquals(s, binary.schema(), "the schema describes one 0/1 column of a two-class target");
        org.backprop4j.data.Pipeline p = org.backprop4j.data.Pipeline.fit(binary, org.backprop4j.data.Pipeline.Options.standardize());
        Network net = Network.builder(4).layer(3, Activation.TANH).layer(1, Activation.LOGISTIC).build(org.backprop4j.Init.xavier(), 5);
        return Model.builder(net, Loss.BINARY_CROSS_ENTROPY).pipeline(p).classNames(List.of("no", "yes")).targetNames(List.of("class")).build();
    }

    @Test
    void aBinaryModelWithOneLogisticOutputPredictsRawNominalRecords() {
        Model m = oneLogisticOutputOnNominalData();
        assertEquals(List.of("age", "colour"), m.fieldNames());
        assertNotNull(m.schema());
        Predictor net = new Predictor(m.network(), m.loss());
        // each raw record against the encoded row (missing colour: the mode's one-hot code, green)
        Object[][] records = {{"35", "red"}, {"35", "blue"}, {"35", "?"}, {"?", "green"}};
        float[][] rows = {{35, 1, 0, 0}, {35, 0, 0, 1}, {35, 0, 1, 0}, {Float.NaN, 0, 1, 0}};
        for (int i = 0; i < records.length; i++) {
            Prediction p = m.predict((String) records[i][0], (String) records[i][1]);
            float o = net.predict(m.pipeline().transformInputs(rows[i]), 1)[0];
            assertArrayEquals(new double[] {o}, p.values(), "record " + i);
            assertEquals(List.of("no", "yes"), List.copyOf(p.probabilities().keySet()));
            assertEquals(o, p.probability("yes"));
            assertEquals(1 - (double) o, p.probability("no"));
            assertEquals(o >= 0.5f ? "yes" : "no", p.label(), "record " + i);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predict("35", "purple"));
        assertTrue(e.getMessage().contains("colour"), e.getMessage());
        // one column fits only a two-class target
        org.backprop4j.data.Schema three = new org.backprop4j.data.Schema(List.of(org.backprop4j.data.Attribute.numeric("a")),
                List.of(org.backprop4j.data.Attribute.nominal("class", List.of("a", "b", "c"))));
        assertThrows(IllegalArgumentException.class, () -> new DataSet(new float[] {1}, new float[] {1}, 1, 1, List.of("a", "b", "c"), null, three));
    }

    @Test
    void loadAndSaveNeedAModelFileFormatOnTheClassPath() {
        // core alone has none: backprop4j-io provides it (tested there and in the CLI module)
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Model.load(Path.of("m.json")));
        assertTrue(e.getMessage().contains("add the backprop4j-io module"), e.getMessage());
    }
}
