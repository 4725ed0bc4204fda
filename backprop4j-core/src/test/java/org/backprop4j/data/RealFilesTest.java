package org.backprop4j.data;

import org.backprop4j.TestData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every reader on the real files of ../shared/data, checked against the counts of its README and
 * values read off the files by eye (first/last lines quoted in the comments).
 */
class RealFilesTest {

    static int[] classCounts(DataSet ds) {
        int[] c = new int[ds.isClassification() && ds.outputs() > 1 ? ds.outputs() : 2];
        for (int p = 0; p < ds.size(); p++) c[ds.label(p)]++;
        return c;
    }

    /** Row p of the inputs. */
    static float[] row(DataSet ds, int p) {
        float[] r = new float[ds.inputs()];
        System.arraycopy(ds.x(), p * ds.inputs(), r, 0, ds.inputs());
        return r;
    }

    @Test
    void irisCsvSklearnHeader() throws IOException {
        DataSet ds = CsvReader.read(TestData.path("iris.csv"));
        assertEquals(150, ds.size());
        assertEquals(4, ds.inputs());
        assertEquals(List.of("setosa", "versicolor", "virginica"), ds.classNames());
        assertArrayEquals(new int[] {50, 50, 50}, classCounts(ds));
        // line 2: 5.1,3.5,1.4,0.2,0
        assertArrayEquals(new float[] {5.1f, 3.5f, 1.4f, 0.2f}, row(ds, 0));
        assertEquals(0, ds.label(0));
        // last line: 5.9,3.0,5.1,1.8,2
        assertArrayEquals(new float[] {5.9f, 3.0f, 5.1f, 1.8f}, row(ds, 149));
        assertEquals(2, ds.label(149));
        assertFalse(ds.hasMissing());
    }

    @Test
    void wineAndBreastCancer() throws IOException {
        DataSet wine = CsvReader.read(TestData.path("wine_data.csv"));
        assertEquals(178, wine.size());
        assertEquals(13, wine.inputs());
        assertEquals(List.of("class_0", "class_1", "class_2"), wine.classNames());
        assertArrayEquals(new int[] {59, 71, 48}, classCounts(wine));
        // 14.23,1.71,2.43,15.6,127,2.8,3.06,0.28,2.29,5.64,1.04,3.92,1065,0
        assertEquals(14.23f, wine.x()[0]);
        assertEquals(1065f, wine.x()[12]);

        DataSet bc = CsvReader.read(TestData.path("breast_cancer.csv"));
        assertEquals(569, bc.size());
        assertEquals(30, bc.inputs());
        assertEquals(List.of("malignant", "benign"), bc.classNames());
        assertArrayEquals(new int[] {212, 357}, classCounts(bc));
        assertEquals(17.99f, bc.x()[0]);   // first value of line 2
        assertEquals(0, bc.label(0));      // first patient: malignant
    }

    @Test
    void digitsGzipNoHeaderAsClasses() throws IOException {
        DataSet ds = CsvReader.read(TestData.path("digits.csv.gz"), ReadOptions.defaults().classTarget(true));
        assertEquals(1797, ds.size());
        assertEquals(64, ds.inputs());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), ds.classNames());
        int[] c = classCounts(ds);
        int sum = 0;
        for (int v : c) {
            assertTrue(v >= 174 && v <= 183, "class count " + v);
            sum += v;
        }
        assertEquals(1797, sum);
        // line 1: 0,0,5,13,9,1,0,0,... ,0   (digit 0);  line 2 ends with ,1
        assertEquals(5f, ds.x()[2]);
        assertEquals(13f, ds.x()[3]);
        assertEquals(0, ds.label(0));
        assertEquals(1, ds.label(1));
        // by default too: 10 distinct integer labels are classes, and the reader says so
        List<ReadNotice> told = new java.util.ArrayList<>();
        DataSet byDefault = CsvReader.read(TestData.path("digits.csv.gz"), ReadOptions.defaults().onNotice(told::add));
        assertTrue(byDefault.sameContents(ds));
        assertEquals(List.of(new ReadNotice(ReadNotice.Kind.TASK, "digits.csv.gz",
                "target 'x65': 10 integer values → classification; use classTarget(false) to fit them as numbers")), told);
        // classTarget(false): a regression target
        DataSet reg = CsvReader.read(TestData.path("digits.csv.gz"), ReadOptions.defaults().classTarget(false));
        assertNull(reg.classNames());
        assertEquals(1, reg.outputs());
        assertEquals(1f, reg.d()[1]);
    }

    @Test
    void diabetesRawWithSeparateTarget() throws IOException {
        DataSet ds = CsvReader.read(TestData.path("diabetes_data_raw.csv.gz"), TestData.path("diabetes_target.csv.gz"), ReadOptions.defaults());
        assertEquals(442, ds.size());
        assertEquals(10, ds.inputs());
        assertEquals(1, ds.outputs());
        assertFalse(ds.isClassification());
        // line 1: 59 2 32.1 101.0 157 93.2 38.0 4.0 4.8598 87 ; target 1.51e+02
        assertArrayEquals(new float[] {59, 2, 32.1f, 101.0f, 157, 93.2f, 38.0f, 4.0f, 4.8598f, 87}, row(ds, 0));
        assertEquals(151f, ds.d()[0]);
        assertEquals(75f, ds.d()[1]);
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float v : ds.d()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(25f, min);
        assertEquals(346f, max);
    }

    @Test
    void irisArff() throws IOException {
        DataSet ds = ArffReader.read(TestData.path("iris.arff"));
        assertEquals(150, ds.size());
        assertEquals(List.of("Iris-setosa", "Iris-versicolor", "Iris-virginica"), ds.classNames());
        assertArrayEquals(new int[] {50, 50, 50}, classCounts(ds));
        assertArrayEquals(new float[] {5.1f, 3.5f, 1.4f, 0.2f}, row(ds, 0));
        assertEquals(List.of("sepallength", "sepalwidth", "petallength", "petalwidth"), ds.inputNames());
        // the README: iris.csv and iris.arff differ in rows 35 and 38 (1-based), and only there
        DataSet csv = CsvReader.read(TestData.path("iris.csv"));
        int differing = 0;
        for (int p = 0; p < 150; p++) {
            if (!java.util.Arrays.equals(row(ds, p), row(csv, p))) {
                differing++;
                assertTrue(p == 34 || p == 37, "unexpected difference in row " + (p + 1));
            }
            assertEquals(csv.label(p), ds.label(p));
        }
        assertEquals(2, differing);
    }

    @Test
    void diabetesArff() throws IOException {
        DataSet ds = ArffReader.read(TestData.path("diabetes.arff"));
        assertEquals(768, ds.size());
        assertEquals(8, ds.inputs());
        assertEquals(List.of("tested_negative", "tested_positive"), ds.classNames());
        assertArrayEquals(new int[] {500, 268}, classCounts(ds));
        // zeros are kept as numbers (README): insu has 374 zeros
        int zeros = 0;
        for (int p = 0; p < ds.size(); p++) if (ds.x()[p * 8 + 4] == 0f) zeros++;
        assertEquals(374, zeros);
        // 6,148,72,35,0,33.6,0.627,50,tested_positive
        assertArrayEquals(new float[] {6, 148, 72, 35, 0, 33.6f, 0.627f, 50}, row(ds, 0));
        assertEquals(1, ds.label(0));
    }

    @Test
    void glassArffKeepsDeclaredClassWithoutExamples() throws IOException {
        DataSet ds = ArffReader.read(TestData.path("glass.arff"));
        assertEquals(214, ds.size());
        assertEquals(9, ds.inputs());
        assertEquals(List.of("build wind float", "build wind non-float", "vehic wind float", "vehic wind non-float",
                "containers", "tableware", "headlamps"), ds.classNames());
        assertArrayEquals(new int[] {70, 76, 17, 0, 13, 9, 29}, classCounts(ds));
        // 1.51793,12.79,3.5,1.12,73.03,0.64,8.77,0,0,'build wind float'
        assertArrayEquals(new float[] {1.51793f, 12.79f, 3.5f, 1.12f, 73.03f, 0.64f, 8.77f, 0, 0}, row(ds, 0));
        assertEquals(0, ds.label(0));
        assertEquals(2, ds.label(1));   // 'vehic wind float'
        assertEquals(5, ds.label(3));   // tableware (unquoted)
    }

    @Test
    void cpuArffIsRegression() throws IOException {
        DataSet ds = ArffReader.read(TestData.path("cpu.arff"));
        assertEquals(209, ds.size());
        assertEquals(6, ds.inputs());
        assertFalse(ds.isClassification());
        assertEquals(1, ds.outputs());
        // 125,256,6000,256,16,128,198
        assertArrayEquals(new float[] {125, 256, 6000, 256, 16, 128}, row(ds, 0));
        assertEquals(198f, ds.d()[0]);
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE, mmax = 0;
        for (float v : ds.d()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        for (int p = 0; p < ds.size(); p++) mmax = Math.max(mmax, ds.x()[p * 6 + 2]);
        assertEquals(6f, min);
        assertEquals(1150f, max);
        assertEquals(64000f, mmax);
    }

    @Test
    void weatherNominalOneHot() throws IOException {
        DataSet ds = ArffReader.read(TestData.path("weather.nominal.arff"));
        assertEquals(14, ds.size());
        assertEquals(10, ds.inputs());   // 3 + 3 + 2 + 2
        assertEquals(List.of("yes", "no"), ds.classNames());
        assertArrayEquals(new int[] {9, 5}, classCounts(ds));
        assertEquals(List.of("outlook=sunny", "outlook=overcast", "outlook=rainy", "temperature=hot", "temperature=mild",
                "temperature=cool", "humidity=high", "humidity=normal", "windy=TRUE", "windy=FALSE"), ds.inputNames());
        // sunny,hot,high,FALSE,no
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 0, 1, 0, 0, 1}, row(ds, 0));
        assertEquals(1, ds.label(0));
        // rainy,cool,normal,TRUE,no (line 6 of the data)
        assertArrayEquals(new float[] {0, 0, 1, 0, 0, 1, 0, 1, 1, 0}, row(ds, 5));
        Schema s = ds.schema();
        assertEquals(4, s.inputs().size());
        assertTrue(s.inputs().get(3).isNominal());
        assertEquals(List.of("TRUE", "FALSE"), s.inputs().get(3).values());
    }

    @Test
    void monkFiles() throws IOException {
        int[][] expect = {{124, 62}, {432, 216}, {169, 64}, {432, 142}, {122, 60}, {432, 228}};
        String[] files = {"monks-1.train", "monks-1.test", "monks-2.train", "monks-2.test", "monks-3.train", "monks-3.test"};
        for (int i = 0; i < files.length; i++) {
            DataSet ds = MonkFormat.read(TestData.path("monks/" + files[i]));
            assertEquals(expect[i][0], ds.size(), files[i]);
            assertEquals(17, ds.inputs());
            int pos = 0;
            for (float v : ds.d()) pos += (int) v;
            assertEquals(expect[i][1], pos, files[i] + " positives");
        }
        // the .test files are the full 432-tuple space labelled by the rule: same as our generator
        for (int prob = 1; prob <= 3; prob++) {
            DataSet t = MonkFormat.read(TestData.path("monks/monks-" + prob + ".test"));
            assertTrue(t.sameContents(BuiltinData.monkAll(prob)), "monks-" + prob + ".test");
        }
        // MONK-3 train: exactly 6 labels disagree with the rule (the deliberate noise)
        DataSet m3 = MonkFormat.read(TestData.path("monks/monks-3.train"));
        int wrong = 0;
        for (int p = 0; p < m3.size(); p++) {
            int[] a = new int[6];
            int off = 0;
            for (int k = 0; k < 6; k++) {
                for (int v = 0; v < MonkFormat.VALUES[k]; v++) if (m3.x()[p * 17 + off + v] == 1f) a[k] = v + 1;
                off += MonkFormat.VALUES[k];
            }
            if (BuiltinData.monkRule(3, a) != (int) m3.d()[p]) wrong++;
        }
        assertEquals(6, wrong);
    }

    @Test
    void dispatchByFileName() throws IOException {
        assertEquals(DataFiles.Format.ARFF, DataFiles.formatOf(TestData.path("iris.arff")));
        assertEquals(DataFiles.Format.CSV, DataFiles.formatOf(TestData.path("digits.csv.gz")));
        assertEquals(DataFiles.Format.MONK, DataFiles.formatOf(TestData.path("monks/monks-2.test")));
        assertEquals(150, DataFiles.read(TestData.path("iris.arff"), ReadOptions.defaults()).size());
        assertEquals(432, DataFiles.read(TestData.path("monks/monks-2.test"), ReadOptions.defaults()).size());
    }
}
