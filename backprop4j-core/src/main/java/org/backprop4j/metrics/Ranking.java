package org.backprop4j.metrics;

import java.util.Arrays;

/**
 * Threshold-free scores of a classifier's outputs for one class against the rest: the area under
 * the ROC curve and average precision (the area under the precision–recall curve as a step
 * function), with tied scores handled as scikit-learn's roc_auc_score and average_precision_score
 * do. Also an ASCII scatter plot of predicted against actual values for regression.
 */
public final class Ranking {
    private Ranking() {}

    /**
     * ROC AUC = P(score of a random positive &gt; score of a random negative) + ½·P(tie), the
     * Mann–Whitney U statistic over n₊·n₋ (Hanley &amp; McNeil 1982, eq. 1), from average ranks. NaN if
     * either class is absent.
     */
    public static double rocAuc(double[] score, boolean[] positive) {
        int m = score.length;
        Integer[] idx = order(score);
        double rankSumPos = 0;
        long pos = 0;
        for (int i = 0; i < m; ) {
            int j = i;
            while (j + 1 < m && score[idx[j + 1]] == score[idx[i]]) j++;
            double avgRank = (i + j) / 2.0 + 1;              // ranks i+1 .. j+1 share their mean
            for (int k = i; k <= j; k++) if (positive[idx[k]]) { rankSumPos += avgRank; pos++; }
            i = j + 1;
        }
        long neg = m - pos;
        if (pos == 0 || neg == 0) return Double.NaN;
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * Average precision AP = Σ_t (R_t − R_{t−1})·P_t over the distinct score thresholds t taken from
     * the highest down (precision P_t and recall R_t of "score ≥ t"), scikit-learn's definition. NaN
     * without positives.
     */
    public static double averagePrecision(double[] score, boolean[] positive) {
        int m = score.length;
        Integer[] idx = order(score);
        long pos = 0;
        for (boolean b : positive) if (b) pos++;
        if (pos == 0) return Double.NaN;
        double ap = 0, lastRecall = 0;
        long tp = 0;
        for (int i = m - 1; i >= 0; ) {
            int j = i;
            while (j - 1 >= 0 && score[idx[j - 1]] == score[idx[i]]) j--;
            for (int k = j; k <= i; k++) if (positive[idx[k]]) tp++;
            double recall = (double) tp / pos, precision = (double) tp / (m - j);
            ap += (recall - lastRecall) * precision;
            lastRecall = recall;
            i = j - 1;
        }
        return ap;
    }

    /** Indices sorted by ascending score. */
    private static Integer[] order(double[] score) {
        Integer[] idx = new Integer[score.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> Double.compare(score[a], score[b]));
        return idx;
    }

    /**
     * A width×height character plot of predicted (vertical) against actual (horizontal) values on the
     * same scale, with the diagonal predicted = actual drawn as '.', a cell holding points as '*' (1),
     * '#' (more); axis ranges printed below.
     */
    public static String scatter(double[] actual, double[] predicted, int width, int height) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < actual.length; i++) {
            lo = Math.min(lo, Math.min(actual[i], predicted[i]));
            hi = Math.max(hi, Math.max(actual[i], predicted[i]));
        }
        if (!(hi > lo)) hi = lo + 1;
        int[][] count = new int[height][width];
        for (int i = 0; i < actual.length; i++) {
            int c = cell(actual[i], lo, hi, width), r = cell(predicted[i], lo, hi, height);
            count[height - 1 - r][c]++;
        }
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < height; r++) {
            sb.append("  |");
            for (int c = 0; c < width; c++) {
                int n = count[r][c];
                boolean diagonal = cell(lo + (hi - lo) * (c + 0.5) / width, lo, hi, height) == height - 1 - r;
                sb.append(n > 1 ? '#' : n == 1 ? '*' : diagonal ? '.' : ' ');
            }
            sb.append('\n');
        }
        sb.append("  +").append("-".repeat(width)).append('\n');
        sb.append(String.format(java.util.Locale.ROOT, "  actual (→) and predicted (↑) from %.4g to %.4g; '.' = perfect prediction%n", lo, hi));
        return sb.toString();
    }

    private static int cell(double v, double lo, double hi, int cells) {
        return Math.min(cells - 1, Math.max(0, (int) ((v - lo) / (hi - lo) * cells)));
    }
}
