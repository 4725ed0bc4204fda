package org.backprop4j.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Seed 000's history: a single unit trained by the two rules that came before backpropagation, on
 * 0/1 targets, one pattern at a time in the given order, from zero weights (in double precision):
 * <ul>
 *   <li>Rosenblatt's perceptron rule (Rosenblatt 1958; convergence theorem: Novikoff 1962): a
 *       threshold unit o = 1 if w·x + b &gt; 0 else 0, and w ← w + η(d − o)·x, b ← b + η(d − o).
 *       On a linearly separable set it stops making errors after finitely many updates; on XOR the
 *       weights at the start of an epoch eventually repeat, so it cycles for ever
 *       ({@link Run#cycled()} detects this exactly).</li>
 *   <li>The delta rule (Widrow &amp; Hoff 1960, LMS): a linear unit o = w·x + b and
 *       w ← w + η(d − o)·x, gradient descent on ½(d − o)² (seed 004's δ = d − o for a linear
 *       output); classified by o ≥ ½. It settles near the least-squares line, which separates AND but
 *       not XOR.</li>
 * </ul>
 */
public final class ThresholdUnit {
    private ThresholdUnit() {}

    /**
     * A run: weights after each epoch's last pattern, misclassified patterns per epoch, whether the
     * rule stopped with no errors and whether its weights repeated (a perceptron cycle).
     */
    public record Run(double[] w, double b, List<Integer> errorsPerEpoch, boolean converged, boolean cycled, double sse) {
        public int epochs() { return errorsPerEpoch.size(); }
    }

    /** Rosenblatt's rule for at most maxEpochs epochs; stops after an epoch with no error, or on a repeated weight vector. */
    public static Run perceptron(double[][] x, int[] d, double eta, int maxEpochs) {
        int n = x[0].length;
        double[] w = new double[n];
        double b = 0;
        List<Integer> errors = new ArrayList<>();
        Set<List<Double>> seen = new HashSet<>();
        for (int epoch = 0; epoch < maxEpochs; epoch++) {
            if (!seen.add(key(w, b))) return new Run(w, b, errors, false, true, Double.NaN);
            int wrong = 0;
            for (int p = 0; p < x.length; p++) {
                int o = net(w, b, x[p]) > 0 ? 1 : 0;            // the threshold unit
                int e = d[p] - o;
                if (e == 0) continue;
                wrong++;
                for (int i = 0; i < n; i++) w[i] += eta * e * x[p][i];   // Rosenblatt 1958: Δw = η(d − o)x
                b += eta * e;
            }
            errors.add(wrong);
            if (wrong == 0) return new Run(w, b, errors, true, false, Double.NaN);
        }
        return new Run(w, b, errors, false, false, Double.NaN);
    }

    /** The delta rule for exactly {@code epochs} epochs; errors counted with o ≥ ½ as class 1, sse = Σ½(d − o)² at the end. */
    public static Run deltaRule(double[][] x, int[] d, double eta, int epochs) {
        int n = x[0].length;
        double[] w = new double[n];
        double b = 0;
        List<Integer> errors = new ArrayList<>();
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int p = 0; p < x.length; p++) {
                double e = d[p] - net(w, b, x[p]);                // linear unit: δ = d − o
                for (int i = 0; i < n; i++) w[i] += eta * e * x[p][i];   // Widrow & Hoff 1960: Δw = η(d − o)x
                b += eta * e;
            }
            errors.add(misclassified(w, b, x, d));
        }
        double sse = 0;
        for (int p = 0; p < x.length; p++) sse += 0.5 * Math.pow(d[p] - net(w, b, x[p]), 2);
        return new Run(w, b, errors, errors.get(errors.size() - 1) == 0, false, sse);
    }

    private static int misclassified(double[] w, double b, double[][] x, int[] d) {
        int wrong = 0;
        for (int p = 0; p < x.length; p++) if ((net(w, b, x[p]) >= 0.5 ? 1 : 0) != d[p]) wrong++;
        return wrong;
    }

    private static double net(double[] w, double b, double[] x) {
        double s = b;
        for (int i = 0; i < w.length; i++) s += w[i] * x[i];
        return s;
    }

    private static List<Double> key(double[] w, double b) {
        Double[] k = new Double[w.length + 1];
        for (int i = 0; i < w.length; i++) k[i] = w[i];
        k[w.length] = b;
        return Arrays.asList(k);
    }

    /** The four binary inputs (0,0), (0,1), (1,0), (1,1). */
    public static final double[][] BINARY = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    /** AND's targets (linearly separable). */
    public static final int[] AND = {0, 0, 0, 1};
    /** XOR's targets (not linearly separable, seed 000). */
    public static final int[] XOR = {0, 1, 1, 0};
}
