package org.backprop4j.metrics;

import org.backprop4j.data.DataSet;

/**
 * Scores of predictions against targets. Outputs and targets are row-major m×n float arrays
 * (one pattern per row, as in {@link DataSet}); sums in double.
 * <ul>
 * <li>MSE = 1/(m·n) Σ_p Σ_k (d_pk − o_pk)² (the mean over all entries; scikit-learn's
 *     mean_squared_error with uniform averaging over outputs);</li>
 * <li>MEE = 1/m Σ_p ‖d_p − o_p‖₂ (mean Euclidean error, the usual regression score of the
 *     ML course's projects);</li>
 * <li>R² = 1 − SS_res/SS_tot per output column, averaged uniformly over columns (scikit-learn's
 *     r2_score); a constant target column scores 1 if predicted exactly, else 0.</li>
 * </ul>
 */
public final class Metrics {
    private Metrics() {}

    /** Fraction of equal labels. */
    public static double accuracy(int[] actual, int[] predicted) {
        if (actual.length != predicted.length) throw new IllegalArgumentException(actual.length + " actual but " + predicted.length + " predicted labels");
        if (actual.length == 0) return Double.NaN;
        int c = 0;
        for (int i = 0; i < actual.length; i++) if (actual[i] == predicted[i]) c++;
        return (double) c / actual.length;
    }

    /** The predicted class of every row: argmax (first on ties), or output ≥ 0.5 for a single column. */
    public static int[] predictedClasses(float[] out, int n) {
        check(out.length, n);
        int m = out.length / n;
        int[] y = new int[m];
        for (int p = 0; p < m; p++) {
            int off = p * n;
            if (n == 1) {
                y[p] = out[off] >= 0.5f ? 1 : 0;
                continue;
            }
            int best = 0;
            for (int k = 1; k < n; k++) if (out[off + k] > out[off + best]) best = k;
            y[p] = best;
        }
        return y;
    }

    /** The actual class of every pattern of a classification set. */
    public static int[] labels(DataSet ds) {
        int[] y = new int[ds.size()];
        for (int p = 0; p < y.length; p++) y[p] = ds.label(p);
        return y;
    }

    /** Confusion matrix of a network's outputs on a classification set. */
    public static ConfusionMatrix confusion(DataSet ds, float[] out) {
        if (!ds.isClassification()) throw new IllegalArgumentException("not a classification data set");
        if (out.length != (long) ds.size() * ds.outputs()) throw new IllegalArgumentException("outputs hold " + out.length + " values, expected " + ds.size() + "×" + ds.outputs());
        int k = ds.classNames().size();
        return ConfusionMatrix.of(labels(ds), predictedClasses(out, ds.outputs()), k, ds.classNames());
    }

    public static double mse(float[] target, float[] out, int n) {
        checkPair(target, out, n);
        double s = 0;
        for (int i = 0; i < target.length; i++) {
            double e = (double) target[i] - out[i];
            s += e * e;
        }
        return s / target.length;
    }

    public static double mee(float[] target, float[] out, int n) {
        checkPair(target, out, n);
        int m = target.length / n;
        double s = 0;
        for (int p = 0; p < m; p++) {
            double ss = 0;
            for (int k = 0; k < n; k++) {
                double e = (double) target[p * n + k] - out[p * n + k];
                ss += e * e;
            }
            s += Math.sqrt(ss);
        }
        return s / m;
    }

    public static double r2(float[] target, float[] out, int n) {
        checkPair(target, out, n);
        int m = target.length / n;
        double total = 0;
        for (int k = 0; k < n; k++) {
            double mean = 0;
            for (int p = 0; p < m; p++) mean += target[p * n + k];
            mean /= m;
            double res = 0, tot = 0;
            for (int p = 0; p < m; p++) {
                double d = target[p * n + k];
                double e = d - out[p * n + k];
                res += e * e;
                tot += (d - mean) * (d - mean);
            }
            total += tot == 0 ? (res == 0 ? 1 : 0) : 1 - res / tot;
        }
        return total / n;
    }

    private static void check(int len, int n) {
        if (n < 1) throw new IllegalArgumentException("need at least one column");
        if (len % n != 0) throw new IllegalArgumentException("length " + len + " is not a multiple of " + n + " columns");
    }

    private static void checkPair(float[] t, float[] o, int n) {
        check(t.length, n);
        if (t.length != o.length) throw new IllegalArgumentException("targets hold " + t.length + " values, outputs " + o.length);
        if (t.length == 0) throw new IllegalArgumentException("no patterns");
    }
}
