package org.backprop4j.data;

import org.backprop4j.TestData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineTest {
    static final float N = Float.NaN;

    /** Inputs: a (numeric), c ∈ {x, y, z} one-hot; target numeric. Row 3 misses a, row 4 misses c. */
    static DataSet data() {
        Schema s = new Schema(List.of(Attribute.numeric("a"), Attribute.nominal("c", List.of("x", "y", "z"))), List.of(Attribute.numeric("t")));
        float[] x = {
            1, 1, 0, 0,
            2, 0, 1, 0,
            N, 0, 1, 0,
            5, N, N, N};
        float[] d = {1, 2, 3, 4};
        return new DataSet(x, d, 4, 1, null, s.encodedInputNames(), s);
    }

    @Test
    void imputeThenStandardize() {
        Pipeline p = Pipeline.fit(data(), Pipeline.Options.standardize());
        // fill: mean of a over 1, 2, 5 = 8/3; c's most frequent value y (twice) as one-hot
        assertArrayEquals(new double[] {8.0 / 3, 0, 1, 0}, p.fill(), 1e-15);
        // after imputation a = 1, 2, 8/3, 5: mean 8/3, population variance (25+4+0+49)/9/4 = 13/6
        assertEquals(8.0 / 3, p.center()[0], 1e-15);
        assertEquals(Math.sqrt(13.0 / 6), p.scale()[0], 1e-15);
        // one-hot columns untouched by default
        assertArrayEquals(new double[] {0, 0, 0}, java.util.Arrays.copyOfRange(p.center(), 1, 4));
        assertArrayEquals(new double[] {1, 1, 1}, java.util.Arrays.copyOfRange(p.scale(), 1, 4));
        DataSet t = p.apply(data());
        float[] x = t.x();
        assertEquals((float) ((1 - 8.0 / 3) / Math.sqrt(13.0 / 6)), x[0]);   // -1.1322770…
        assertEquals(0f, x[8]);                                            // imputed mean → 0
        assertArrayEquals(new float[] {0, 1, 0}, java.util.Arrays.copyOfRange(x, 13, 16));   // imputed mode y
        assertArrayEquals(data().d(), t.d());   // targets unscaled by default
        assertTrue(!t.hasMissing());
    }

    /** The inputs' preprocessing as its formula states it, value by value: the reference for the fast paths. */
    static float[] byFormula(Pipeline p, float[] x) {
        double[] fill = p.fill(), center = p.center(), scale = p.scale();
        int n = fill.length;
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            if (Double.isNaN(v)) v = fill[i % n];
            y[i] = (float) ((v - center[i % n]) / scale[i % n]);
        }
        return y;
    }

    @Test
    void unscaledInputsKeepEveryBitButTheMissingOnes() throws DataFormatException {
        float[] x = {
            -0f, 1e-45f, Float.NEGATIVE_INFINITY, 3.4028235e38f,
            N, 0.1f, N, -7.5f,
            Float.POSITIVE_INFINITY, -1e-40f, 1f, N};
        Pipeline none = Pipeline.fit(data(), new Pipeline.Options(Pipeline.Scaling.NONE, false, Pipeline.Scaling.NONE));
        Map<String, Object> m = new LinkedHashMap<>(none.toMap());
        m.put("center", List.of(-0.0, 0.0, 0.0, 0.0));   // -0 is no centring for the formula: v - (-0) turns -0 into +0
        Pipeline negativeZero = Pipeline.fromMap(m);
        Pipeline standardized = Pipeline.fit(data(), Pipeline.Options.standardize());
        for (Pipeline p : List.of(none, negativeZero, standardized)) {
            float[] want = byFormula(p, x);
            assertArrayEquals(bits(want), bits(p.transformInputs(x)), p.toMap().toString());
            DataSet ds = new DataSet(x.clone(), new float[] {1, 2, 3}, 4, 1, null, data().inputNames(), data().schema());
            assertArrayEquals(bits(want), bits(p.applyInPlace(ds).x()), p.toMap().toString());
        }
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(none.transformInputs(x)[0]), "-0 stays -0 without scaling");
        assertEquals(0, Float.floatToRawIntBits(negativeZero.transformInputs(x)[0]), "-0 becomes +0 with a centre of -0");
    }

    static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }

    @Test
    void nominalMissingAsZeros() throws DataFormatException {
        Pipeline p = Pipeline.fit(data(), new Pipeline.Options(Pipeline.Scaling.NONE, false, Pipeline.Scaling.NONE, Pipeline.NominalMissing.ZEROS));
        float[] x = p.apply(data()).x();
        assertArrayEquals(new float[] {5, 0, 0, 0}, java.util.Arrays.copyOfRange(x, 12, 16));   // row 4: a = 5, c missing -> zeros
        assertEquals(8f / 3, x[8], 1e-6f);   // numeric still the mean (float rounding)
        assertEquals(p, Pipeline.fromMap(p.toMap()));
        assertEquals(Pipeline.NominalMissing.ZEROS, Pipeline.fromMap(p.toMap()).options().nominalMissing());
    }

    @Test
    void minMaxBothRangesAndTargets() {
        Pipeline p01 = Pipeline.fit(data(), new Pipeline.Options(Pipeline.Scaling.MINMAX_01, false, Pipeline.Scaling.NONE));
        float[] x = p01.apply(data()).x();
        assertEquals(0f, x[0]);       // a = 1 = min
        assertEquals(0.25f, x[4]);    // (2 − 1)/(5 − 1)
        assertEquals(1f, x[12]);
        Pipeline pm = Pipeline.fit(data(), new Pipeline.Options(Pipeline.Scaling.MINMAX_PM1, true, Pipeline.Scaling.STANDARDIZE));
        DataSet t = pm.apply(data());
        assertEquals(-1f, t.x()[0]);
        assertEquals(-0.5f, t.x()[4]);   // (2 − 3)/2
        assertEquals(1f, t.x()[12]);
        assertEquals(1f, t.x()[1]);      // one-hot scaled too: (1 − 0.5)/0.5
        assertEquals(-1f, t.x()[2]);
        // targets 1..4: mean 2.5, std √1.25; inverse maps back
        assertEquals((float) ((1 - 2.5) / Math.sqrt(1.25)), t.d()[0]);
        float[] back = pm.inverseTargets(t.d());
        for (int i = 0; i < 4; i++) assertEquals(data().d()[i], back[i], 1e-6f);   // float rounding of two affine maps
    }

    @Test
    void constantColumnIsNotDividedByZero() {
        float[] x = {3, 1, 3, 2, 3, 3};
        DataSet ds = new DataSet(x, new float[] {0, 1, 0}, 2, 1);
        Pipeline p = Pipeline.fit(ds, Pipeline.Options.standardize());
        assertEquals(1.0, p.scale()[0]);
        assertArrayEquals(new float[] {0, 0, 0}, new float[] {p.apply(ds).x()[0], p.apply(ds).x()[2], p.apply(ds).x()[4]});
    }

    /** A deep copy as JSON would give it back: every number through its decimal string. */
    @SuppressWarnings("unchecked")
    static Object viaText(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> c = new LinkedHashMap<>();
            m.forEach((k, v) -> c.put((String) k, viaText(v)));
            return c;
        }
        if (o instanceof List<?> l) {
            List<Object> c = new ArrayList<>();
            for (Object v : l) c.add(viaText(v));
            return c;
        }
        if (o instanceof Double d) return Double.valueOf(Double.toString(d));
        if (o instanceof Integer i) return Double.valueOf(i);   // JSON parsers may give any Number
        return o;
    }

    @Test
    @SuppressWarnings("unchecked")
    void roundTripThroughPlainMapIsBitIdentical() throws DataFormatException {
        Pipeline p = Pipeline.fit(data(), new Pipeline.Options(Pipeline.Scaling.STANDARDIZE, false, Pipeline.Scaling.MINMAX_PM1));
        Map<String, Object> m = (Map<String, Object>) viaText(p.toMap());
        Pipeline q = Pipeline.fromMap(m);
        assertEquals(p, q);
        assertEquals(p.schema(), q.schema());
        assertArrayEquals(p.apply(data()).x(), q.apply(data()).x());
        assertArrayEquals(p.apply(data()).d(), q.apply(data()).d());
    }

    @Test
    void fromMapRejectsBadContent() {
        Map<String, Object> good = Pipeline.fit(data(), Pipeline.Options.standardize()).toMap();
        String[][] cases = {
            {"version", "7", "version 7 is newer than this library's (1)"},
            {"type", "\"x\"", "type must be"},
            {"inputs", "5", "\"fill\" must hold 5 numbers, found 4"},
            {"inputScaling", "\"ZSCORE\"", "\"inputScaling\" must be one of"},
            {"scale", "[1.0, 0.0, 1.0, 1.0]", "\"scale\"[1] must be positive"},
            {"center", "[1.0, \"a\", 1.0, 1.0]", "\"center\"[1] must be a finite number"},
            {"outputs", "2.5", "\"outputs\" must be an integer"},
        };
        for (String[] c : cases) {
            Map<String, Object> m = new LinkedHashMap<>(good);
            m.put(c[0], parse(c[1]));
            DataFormatException e = assertThrows(DataFormatException.class, () -> Pipeline.fromMap(m), c[0]);
            assertTrue(e.getMessage().startsWith("pipeline: ") && e.getMessage().contains(c[2]), e.getMessage());
        }
        Map<String, Object> missing = new LinkedHashMap<>(good);
        missing.remove("fill");
        DataFormatException e = assertThrows(DataFormatException.class, () -> Pipeline.fromMap(missing));
        assertTrue(e.getMessage().contains("missing key \"fill\""), e.getMessage());
        Map<String, Object> badSchema = new LinkedHashMap<>(good);
        badSchema.put("schema", Map.of("inputs", List.of(Map.of("name", "a", "type", "text")), "targets", List.of()));
        e = assertThrows(DataFormatException.class, () -> Pipeline.fromMap(badSchema));
        assertTrue(e.getMessage().contains("type must be numeric or nominal"), e.getMessage());
    }

    static Object parse(String s) {
        if (s.startsWith("\"")) return s.substring(1, s.length() - 1);
        if (s.startsWith("[")) {
            List<Object> l = new ArrayList<>();
            for (String t : s.substring(1, s.length() - 1).split(",\\s*")) l.add(parse(t));
            return l;
        }
        return Double.valueOf(s);
    }

    @Test
    void mismatchedDataIsRejected() throws IOException {
        Pipeline p = Pipeline.fit(data(), Pipeline.Options.standardize());
        DataSet other = new DataSet(new float[6], new float[2], 3, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.apply(other));
        assertTrue(e.getMessage().contains("has 3 inputs and 1 outputs; the pipeline was fitted on 4 and 1"), e.getMessage());
        Schema s2 = new Schema(List.of(Attribute.numeric("a"), Attribute.nominal("c", List.of("x", "z", "y"))), List.of(Attribute.numeric("t")));
        DataSet reordered = data().withSchema(s2);
        e = assertThrows(IllegalArgumentException.class, () -> p.apply(reordered));
        assertTrue(e.getMessage().contains("attribute 2 is"), e.getMessage());
        DataSet allMissing = new DataSet(new float[] {N, 1, N, 2}, new float[] {0, 1}, 2, 1);
        e = assertThrows(IllegalArgumentException.class, () -> Pipeline.fit(allMissing, Pipeline.Options.none()));
        assertTrue(e.getMessage().contains("'x1' has no value in the training data"), e.getMessage());
    }

    @Test
    void fittedOnTrainingOnlyAppliedToTest() throws IOException {
        // the test part's own statistics must not leak in: fit on train, apply to test
        DataSet iris = CsvReader.read(TestData.path("iris.csv"));
        Splits.Split sp = Splits.stratifiedHoldOut(Splits.labels(iris), 0.3, 42);
        DataSet[] parts = sp.of(iris);
        Pipeline p = Pipeline.fit(parts[0], Pipeline.Options.standardize());
        DataSet tr = p.apply(parts[0]), te = p.apply(parts[1]);
        for (int j = 0; j < 4; j++) {
            double mTr = 0, mTe = 0;
            for (int r = 0; r < tr.size(); r++) mTr += tr.x()[r * 4 + j];
            for (int r = 0; r < te.size(); r++) mTe += te.x()[r * 4 + j];
            assertEquals(0, mTr / tr.size(), 1e-6);      // float32 storage of 105 values: 1e-6 ≫ rounding
            assertTrue(Math.abs(mTe / te.size()) > 1e-4, "test mean is not forced to 0");
        }
    }
}
