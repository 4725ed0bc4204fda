package org.backprop4j.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A k×k confusion matrix: {@code count(a, p)} patterns of actual class a predicted as p, and the
 * per-class scores derived from it. For class c: TP = count(c, c), FP = Σ_{a≠c} count(a, c),
 * FN = Σ_{p≠c} count(c, p); precision = TP/(TP+FP), recall = TP/(TP+FN),
 * F1 = 2·precision·recall/(precision+recall). A ratio with a zero denominator is 0 (scikit-learn's
 * zero_division=0). Macro averages are the unweighted means over all k classes, including classes
 * with no pattern (as scikit-learn's average='macro' over the given labels).
 */
public final class ConfusionMatrix {
    private final long[][] m;
    private final List<String> names;

    private ConfusionMatrix(long[][] m, List<String> names) {
        this.m = m;
        this.names = names;
    }

    /** From actual and predicted class indices 0..k−1; class names may be null ("0", "1", ...). */
    public static ConfusionMatrix of(int[] actual, int[] predicted, int k, List<String> classNames) {
        if (actual.length != predicted.length) throw new IllegalArgumentException(actual.length + " actual but " + predicted.length + " predicted labels");
        if (k < 1) throw new IllegalArgumentException("need at least one class");
        if (classNames != null && classNames.size() != k) throw new IllegalArgumentException(classNames.size() + " class names for " + k + " classes");
        long[][] m = new long[k][k];
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] < 0 || actual[i] >= k || predicted[i] < 0 || predicted[i] >= k) {
                throw new IllegalArgumentException("label out of range 0.." + (k - 1) + " at pattern " + i + ": actual " + actual[i] + ", predicted " + predicted[i]);
            }
            m[actual[i]][predicted[i]]++;
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < k; c++) names.add(classNames == null ? Integer.toString(c) : classNames.get(c));
        return new ConfusionMatrix(m, List.copyOf(names));
    }

    public int classes() { return m.length; }
    public List<String> classNames() { return names; }
    public long count(int actual, int predicted) { return m[actual][predicted]; }

    public long total() {
        long t = 0;
        for (long[] r : m) for (long v : r) t += v;
        return t;
    }

    /** Patterns whose actual class is c. */
    public long support(int c) {
        long s = 0;
        for (long v : m[c]) s += v;
        return s;
    }

    /** Patterns predicted as c. */
    public long predicted(int c) {
        long s = 0;
        for (long[] r : m) s += r[c];
        return s;
    }

    /** Fraction on the diagonal (NaN for no patterns). */
    public double accuracy() {
        long t = total();
        if (t == 0) return Double.NaN;
        long diag = 0;
        for (int c = 0; c < m.length; c++) diag += m[c][c];
        return (double) diag / t;
    }

    public double precision(int c) { return ratio(m[c][c], predicted(c)); }
    public double recall(int c) { return ratio(m[c][c], support(c)); }

    public double f1(int c) {
        double p = precision(c), r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double macroPrecision() {
        double s = 0;
        for (int c = 0; c < m.length; c++) s += precision(c);
        return s / m.length;
    }

    public double macroRecall() {
        double s = 0;
        for (int c = 0; c < m.length; c++) s += recall(c);
        return s / m.length;
    }

    /** Mean of the per-class F1 scores (not the F1 of the macro precision and recall). */
    public double macroF1() {
        double s = 0;
        for (int c = 0; c < m.length; c++) s += f1(c);
        return s / m.length;
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }

    /**
     * The matrix as text: rows = actual, columns = predicted, with totals, e.g.
     * <pre>
     * actual \ predicted  setosa  versicolor  virginica
     * setosa                  50           0          0
     * </pre>
     */
    public String format() {
        int k = m.length;
        String corner = "actual \\ predicted";
        int w0 = corner.length();
        for (String n : names) w0 = Math.max(w0, n.length());
        int[] w = new int[k];
        for (int c = 0; c < k; c++) {
            w[c] = names.get(c).length();
            for (long[] r : m) w[c] = Math.max(w[c], Long.toString(r[c]).length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(pad(corner, w0, false));
        for (int c = 0; c < k; c++) sb.append("  ").append(pad(names.get(c), w[c], true));
        sb.append('\n');
        for (int a = 0; a < k; a++) {
            sb.append(pad(names.get(a), w0, false));
            for (int c = 0; c < k; c++) sb.append("  ").append(pad(Long.toString(m[a][c]), w[c], true));
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Per-class precision, recall, F1 and support, then the macro averages and accuracy (scikit-learn's classification_report layout). */
    public String report() {
        int w0 = "macro avg".length();
        for (String n : names) w0 = Math.max(w0, n.length());
        StringBuilder sb = new StringBuilder();
        sb.append(pad("", w0, false)).append(String.format(Locale.ROOT, "  %9s  %9s  %9s  %9s%n", "precision", "recall", "f1-score", "support"));
        for (int c = 0; c < m.length; c++) {
            sb.append(pad(names.get(c), w0, false)).append(String.format(Locale.ROOT, "  %9.4f  %9.4f  %9.4f  %9d%n", precision(c), recall(c), f1(c), support(c)));
        }
        sb.append(pad("accuracy", w0, false)).append(String.format(Locale.ROOT, "  %9s  %9s  %9.4f  %9d%n", "", "", accuracy(), total()));
        sb.append(pad("macro avg", w0, false)).append(String.format(Locale.ROOT, "  %9.4f  %9.4f  %9.4f  %9d%n", macroPrecision(), macroRecall(), macroF1(), total()));
        return sb.toString();
    }

    private static String pad(String s, int w, boolean right) {
        if (s.length() >= w) return s;
        String sp = " ".repeat(w - s.length());
        return right ? sp + s : s + sp;
    }

    @Override
    public String toString() {
        return format();
    }
}
