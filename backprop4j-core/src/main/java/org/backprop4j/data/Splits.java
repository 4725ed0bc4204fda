package org.backprop4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.backprop4j.Rng;

/**
 * Seeded, deterministic partitions of pattern indices: hold-out, stratified hold-out, k-fold and
 * stratified k-fold. Shuffling uses the project's {@link Rng} (Fisher–Yates), so the same seed gives
 * the same split on every JVM. Index arrays are returned sorted (original pattern order).
 */
public final class Splits {
    private Splits() {}

    /** Training and test (or validation) indices; disjoint, together all patterns. */
    public record Split(int[] train, int[] test) {
        /** The two parts of a data set. */
        public DataSet[] of(DataSet ds) {
            return new DataSet[] {ds.subset(train), ds.subset(test)};
        }

        /** The two parts of any examples ({@link Examples#select}: copies of a data set, views of a mapped one). */
        public Examples[] of(Examples ds) {
            return new Examples[] {ds.select(train), ds.select(test)};
        }
    }

    /** Hold-out: a random {@code round(n·testFraction)} patterns for the test part (at least 1, at most n−1). */
    public static Split holdOut(int n, double testFraction, long seed) {
        int nTest = testCount(n, testFraction);
        int[] perm = permutation(n, new Rng(seed));
        return split(n, Arrays.copyOf(perm, nTest));
    }

    /**
     * Stratified hold-out: each class contributes its share of the test part; the per-class counts
     * are the largest-remainder rounding of n_c·testFraction, so they add up to round(n·testFraction).
     */
    public static Split stratifiedHoldOut(int[] labels, double testFraction, long seed) {
        int n = labels.length;
        int nTest = testCount(n, testFraction);
        int[][] byClass = shuffledByClass(labels, new Rng(seed));
        int k = byClass.length;
        int[] take = new int[k];
        double[] rem = new double[k];
        int taken = 0;
        for (int c = 0; c < k; c++) {
            double exact = byClass[c].length * (double) nTest / n;
            take[c] = (int) Math.floor(exact);
            rem[c] = exact - take[c];
            taken += take[c];
        }
        while (taken < nTest) {   // largest remainder first; ties to the lower class index
            int best = -1;
            for (int c = 0; c < k; c++) if (take[c] < byClass[c].length && (best < 0 || rem[c] > rem[best])) best = c;
            take[best]++;
            rem[best] = -1;
            taken++;
        }
        int[] test = new int[nTest];
        int t = 0;
        for (int c = 0; c < k; c++) for (int i = 0; i < take[c]; i++) test[t++] = byClass[c][i];
        return split(n, test);
    }

    /** k-fold cross-validation: a random permutation cut into k folds of sizes ⌊n/k⌋ or ⌈n/k⌉; fold i is test in split i. */
    public static List<Split> kFold(int n, int k, long seed) {
        checkFolds(n, k);
        int[] perm = permutation(n, new Rng(seed));
        List<Split> out = new ArrayList<>(k);
        for (int f = 0; f < k; f++) {
            int from = (int) ((long) f * n / k), to = (int) ((long) (f + 1) * n / k);
            out.add(split(n, Arrays.copyOfRange(perm, from, to)));
        }
        return out;
    }

    /**
     * Stratified k-fold: each class's patterns are shuffled, the classes are laid end to end, and the
     * j-th pattern of that sequence goes to fold j mod k; so every fold has each class's count to
     * within one, and fold sizes differ by at most one.
     */
    public static List<Split> stratifiedKFold(int[] labels, int k, long seed) {
        int n = labels.length;
        checkFolds(n, k);
        int[][] byClass = shuffledByClass(labels, new Rng(seed));
        List<List<Integer>> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) folds.add(new ArrayList<>());
        int j = 0;
        for (int[] cls : byClass) for (int p : cls) folds.get(j++ % k).add(p);
        List<Split> out = new ArrayList<>(k);
        for (List<Integer> f : folds) out.add(split(n, f.stream().mapToInt(Integer::intValue).toArray()));
        return out;
    }

    /** The class index of every pattern of a classification set. */
    public static int[] labels(Examples ds) {
        if (!ds.isClassification()) throw new IllegalArgumentException("stratification needs a classification data set");
        int[] y = new int[ds.size()];
        int k = ds.outputs();
        int[] at = new int[1];
        ds.forEachChunk((x, d, rows) -> {
            for (int r = 0; r < rows; r++) y[at[0]++] = Examples.labelOf(d, r * k, k);
        });
        return y;
    }

    private static int testCount(int n, double f) {
        if (n < 2) throw new IllegalArgumentException("need at least 2 patterns to split, have " + n);
        if (!(f > 0 && f < 1)) throw new IllegalArgumentException("test fraction must be in (0, 1): " + f);
        return (int) Math.min(n - 1, Math.max(1, Math.round(n * f)));
    }

    private static void checkFolds(int n, int k) {
        if (k < 2) throw new IllegalArgumentException("k-fold needs k ≥ 2, got " + k);
        if (k > n) throw new IllegalArgumentException("k = " + k + " folds need at least k patterns, have " + n);
    }

    private static int[] permutation(int n, Rng rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        rng.shuffle(p);
        return p;
    }

    private static int[][] shuffledByClass(int[] labels, Rng rng) {
        int k = 0;
        for (int y : labels) {
            if (y < 0) throw new IllegalArgumentException("negative class label " + y);
            k = Math.max(k, y + 1);
        }
        int[] count = new int[k];
        for (int y : labels) count[y]++;
        int[][] by = new int[k][];
        for (int c = 0; c < k; c++) by[c] = new int[count[c]];
        int[] fillIdx = new int[k];
        for (int p = 0; p < labels.length; p++) by[labels[p]][fillIdx[labels[p]]++] = p;
        for (int[] cls : by) rng.shuffle(cls);   // classes in order, each with the same generator: deterministic
        return by;
    }

    private static Split split(int n, int[] test) {
        boolean[] isTest = new boolean[n];
        for (int p : test) isTest[p] = true;
        int[] train = new int[n - test.length];
        int t = 0;
        for (int p = 0; p < n; p++) if (!isTest[p]) train[t++] = p;
        int[] te = test.clone();
        Arrays.sort(te);
        return new Split(train, te);
    }
}
