package org.backprop4j.studio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.backprop4j.data.DataSet;
import org.junit.jupiter.api.Test;

/**
 * The studio's data sets: each generated one's shape (patterns, two inputs, classes 0 and 1), its
 * defining property, and seeded determinism (the same seed gives the same CSV text, so every value,
 * and another seed other points); the user's CSV re-encoded value for value.
 */
class DatasetsTest {
    static String csv(String name, int n, double noise, long seed) throws Exception {
        return Datasets.csv(name, n, noise, seed, null);
    }

    /** The CSV read as {@code train --classes} reads it; checks the shape every generated set has. */
    static DataSet read(String csv, int n) throws Exception {
        DataSet ds = Datasets.read(csv, "t.csv", true);
        assertEquals(n, ds.size(), "patterns");
        assertEquals(2, ds.inputs());
        assertEquals(List.of("0", "1"), ds.classNames());
        assertEquals(List.of("x1", "x2"), ds.inputNames());
        String[] lines = csv.split("\n");
        assertEquals("x1,x2,class", lines[0]);
        assertEquals(n + 1, lines.length, "a header and one line per pattern");
        return ds;
    }

    static int[] classCounts(DataSet ds) {
        int[] c = new int[2];
        for (int p = 0; p < ds.size(); p++) c[ds.label(p)]++;
        return c;
    }

    @Test
    void everyGeneratedSetIsTheSameForTheSameSeedAndOtherForAnother() throws Exception {
        for (String name : Datasets.NAMES) {
            if (name.equals("csv")) continue;
            String one = csv(name, 300, 0.2, 7), again = csv(name, 300, 0.2, 7);
            assertEquals(one, again, name + ": the same seed, the same text (every value)");
            DataSet a = Datasets.read(one, "a.csv", true), b = Datasets.read(again, "b.csv", true);
            assertArrayEquals(a.x(), b.x(), name);
            assertArrayEquals(a.d(), b.d(), name);
            // the same seed also through the regression reading (one 0/1 output): the same inputs, targets = labels
            DataSet r = Datasets.read(one, "r.csv", false);
            assertArrayEquals(a.x(), r.x(), name);
            assertEquals(1, r.outputs());
            for (int p = 0; p < a.size(); p++) assertEquals(a.label(p), (int) r.d()[p], name + " pattern " + p);
            if (!name.equals("xor")) assertNotEquals(one, csv(name, 300, 0.2, 8), name + ": another seed, other points");
        }
        assertEquals(csv("xor", 300, 0.2, 7), csv("xor", 4, 0, 99), "XOR has no seed, noise or size: always its four patterns");
    }

    @Test
    void xorIsItsFourPatterns() throws Exception {
        DataSet ds = read(csv("xor", 200, 0.1, 1), 4);
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, ds.x());
        for (int p = 0; p < 4; p++) assertEquals(p == 1 || p == 2 ? 1 : 0, ds.label(p), "pattern " + p);
    }

    @Test
    void twoSpiralsAreMirrorImagesOfEachOther() throws Exception {
        DataSet ds = read(csv("spirals", 200, 0, 3), 200);
        assertArrayEquals(new int[] {100, 100}, classCounts(ds));
        // Lang & Witbrock: point 2i of spiral 1 (class 1) and point 2i+1 of spiral 0 are (x, y) and (−x, −y); without noise exactly
        for (int i = 0; i < 100; i++) {
            assertEquals(1, ds.label(2 * i));
            assertEquals(0, ds.label(2 * i + 1));
            assertEquals(-ds.x()[4 * i], ds.x()[4 * i + 2], "x of pair " + i);
            assertEquals(-ds.x()[4 * i + 1], ds.x()[4 * i + 3], "y of pair " + i);
        }
        assertEquals(20, read(csv("spirals", 21, 0, 3), 20).size(), "an odd count: n/2 points per spiral");
        // noise jitters the points, not the labels
        DataSet noisy = read(csv("spirals", 200, 0.5, 3), 200);
        assertArrayEquals(ds.d(), noisy.d());
        assertFalse(java.util.Arrays.equals(ds.x(), noisy.x()));
    }

    @Test
    void circlesAreADiscInsideARing() throws Exception {
        DataSet ds = read(csv("circles", 301, 0, 5), 301);
        assertArrayEquals(new int[] {151, 150}, classCounts(ds), "classes alternate, class 0 first");
        for (int p = 0; p < ds.size(); p++) {
            double r = Math.hypot(ds.x()[2 * p], ds.x()[2 * p + 1]);
            // the coordinates are floats: their radius is within a few float roundings (~1e-7) of the drawn one
            if (ds.label(p) == 1) assertTrue(r <= 0.5 + 1e-6, "pattern " + p + " inside radius 0.5: " + r);
            else assertTrue(r >= 0.7 - 1e-6 && r <= 1.0 + 1e-6, "pattern " + p + " on the ring 0.7..1: " + r);
        }
    }

    @Test
    void blobsAreTwoGaussiansAroundMinusHalfAndHalf() throws Exception {
        for (double noise : new double[] {0, 0.4}) {
            int n = 2000;
            DataSet ds = read(csv("blobs", n, noise, 11), n);
            assertArrayEquals(new int[] {n / 2, n / 2}, classCounts(ds));
            double sd = 0.15 + 0.35 * noise;
            for (int c = 0; c < 2; c++) {
                double centre = c == 1 ? 0.5 : -0.5;
                for (int i = 0; i < 2; i++) {
                    double sum = 0, sq = 0;
                    for (int p = 0; p < n; p++) {
                        if (ds.label(p) != c) continue;
                        double v = ds.x()[2 * p + i];
                        sum += v;
                        sq += v * v;
                    }
                    int m = n / 2;
                    double mean = sum / m, s = Math.sqrt((sq - m * mean * mean) / (m - 1));
                    // five standard errors: the mean's sd/√m, the sample sd's ≈ sd/√(2(m−1)) (normal data)
                    assertEquals(centre, mean, 5 * sd / Math.sqrt(m), "class " + c + " input " + i + " mean, noise " + noise);
                    assertEquals(sd, s, 5 * sd / Math.sqrt(2.0 * (m - 1)), "class " + c + " input " + i + " sd, noise " + noise);
                }
            }
        }
    }

    @Test
    void theMonkLikeRuleWithoutNoiseLabelsEveryPointByTheRule() throws Exception {
        int n = 2000;
        DataSet clean = read(csv("rule", n, 0, 13), n);
        int[] counts = classCounts(clean);
        assertTrue(counts[0] > 0 && counts[1] > 0, "both classes: " + counts[0] + ", " + counts[1]);
        for (int p = 0; p < n; p++) {
            double x1 = clean.x()[2 * p], x2 = clean.x()[2 * p + 1];
            assertTrue(x1 >= 0 && x1 < 3 && x2 >= 0 && x2 < 3, "pattern " + p + " in [0, 3)²");
            assertEquals(rule(x1, x2), clean.label(p), "pattern " + p + " (" + x1 + ", " + x2 + ")");
        }
        // with noise 0.2 the same seed draws other labels' flips: the count of labels against the rule is Binomial(n, 0.2)
        DataSet noisy = read(csv("rule", n, 0.2, 13), n);
        int flipped = 0;
        for (int p = 0; p < n; p++) if (noisy.label(p) != rule(noisy.x()[2 * p], noisy.x()[2 * p + 1])) flipped++;
        // five standard deviations of Binomial(2000, 0.2): 5·√(2000·0.2·0.8) ≈ 89
        assertEquals(0.2 * n, flipped, 5 * Math.sqrt(n * 0.2 * 0.8), "labels against the rule");
        DataSet all = read(csv("rule", n, 1, 13), n);
        for (int p = 0; p < n; p++) assertEquals(1 - rule(all.x()[2 * p], all.x()[2 * p + 1]), all.label(p), "noise 1 flips every label");
    }

    /** MONK-1 on two attributes a = ⌊x⌋ + 1: class 1 iff a1 = a2 or a2 = 1. */
    static int rule(double x1, double x2) {
        int a1 = (int) Math.floor(x1) + 1, a2 = (int) Math.floor(x2) + 1;
        return a1 == a2 || a2 == 1 ? 1 : 0;
    }

    @Test
    void aUsersCsvIsReEncodedValueForValueWithItsClassesNumberedInSortedOrder() throws Exception {
        String text = "width,height,kind\n1.5,-2,yes\n0.25,3e2,no\n-7,0.125,yes\n4,5,no\n";
        String csv = Datasets.userCsv(text);
        assertEquals("x1,x2,class\n1.5,-2.0,1\n0.25,300.0,0\n-7.0,0.125,1\n4.0,5.0,0\n", csv, "classes 'no' → 0, 'yes' → 1 (sorted)");
        DataSet ds = read(csv, 4);
        assertArrayEquals(new float[] {1.5f, -2, 0.25f, 300, -7, 0.125f, 4, 5}, ds.x());
        // without a header the same rows
        assertEquals(csv, Datasets.userCsv("1.5,-2,yes\n0.25,3e2,no\n-7,0.125,yes\n4,5,no\n"));
        assertThrows(IllegalArgumentException.class, () -> Datasets.csv("csv", 200, 0, 1, null), "no file chosen");
    }
}
