package org.backprop4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.backprop4j.kernel.ScalarKernels;
import org.backprop4j.reference.ReferenceNetwork;
import org.junit.jupiter.api.Test;

/**
 * Seed 003 (Jacobs, "Backpropagation Algorithm"), the worked 2-2-2 example: logistic hidden units,
 * linear output units, sum-of-squares error, inputs (1, 2), targets (1, 0).
 * Jacobs differentiates the log-likelihood (gradient ascent); our gradients are of E = −log L, so
 * each of his derivatives (eqs. 16–25) appears here with the opposite sign.
 */
class JacobsExampleTest {

    /** Half a unit in the third decimal, plus float32 noise: the precision Jacobs printed. */
    private static final double PRINTED = 0.0005 + 1e-6;
    /** float32 arithmetic on values of order 1 over a handful of operations: well under 1e-6. */
    private static final double EXACT = 1e-6;

    static Network jacobsNetwork() {
        return org.backprop4j.data.JacobsExample.network();
    }

    static final float[] X = {1, 2};
    static final float[] D = {1, 0};

    /** His derivatives (eqs. 16–25), evaluated from given h and y, as ∂log L/∂w. */
    record Jacobs(double h1, double h2, double y1, double y2) {
        double out(int i, int j) {               // eqs. 16–19: (y*_i − y_i)·h_j
            double err = i == 0 ? 1.0 - y1 : 0.0 - y2;
            return err * (j == 0 ? h1 : h2);
        }
        double outBias(int i) {                  // "(1.0 − 0.984)", "(0.0 − 0.984)"
            return i == 0 ? 1.0 - y1 : 0.0 - y2;
        }
        double hiddenBias(int i) {               // eqs. 20–21
            double w = i == 0 ? 1.0 : -1.0;
            double h = i == 0 ? h1 : h2;
            return ((1.0 - y1) * w + (0.0 - y2) * w) * (h * (1.0 - h));
        }
        double hidden(int i, int j) {            // eqs. 22–25: × x_j
            return hiddenBias(i) * (j == 0 ? 1.0 : 2.0);
        }
    }

    static double sigma(double s) {
        return 1 / (1 + Math.exp(-s));
    }

    /** Exact values of the example, from the definitions (not from our engines). */
    static Jacobs exact() {
        double h1 = sigma(4.0), h2 = sigma(6.0);
        double y = h1 - h2 + 1.0;
        return new Jacobs(h1, h2, y, y);
    }

    static final Jacobs PRINTED_VALUES = new Jacobs(0.982, 0.998, 0.984, 0.984);

    @Test
    void forwardValuesAsPrinted() {
        Network net = jacobsNetwork();
        Backprop fast = new Backprop(net, Loss.SSE, new ScalarKernels());
        float[] y = fast.forward(X, 0, 1).clone();
        ReferenceNetwork ref = new ReferenceNetwork(net, Loss.SSE);
        ReferenceNetwork.Pattern p = ref.forward(new double[] {1, 2});
        // weighted sums 4.0 and 6.0 (his text)
        assertEquals(4.0, p.net[1][0], 0);
        assertEquals(6.0, p.net[1][1], 0);
        assertEquals(0.982, p.o[1][0], PRINTED);
        assertEquals(0.998, p.o[1][1], PRINTED);
        assertEquals(0.984, p.o[2][0], PRINTED);
        assertEquals(0.984, p.o[2][1], PRINTED);
        assertEquals(0.984, y[0], PRINTED);
        assertEquals(0.984, y[1], PRINTED);
        Jacobs e = exact();
        assertEquals(e.h1(), p.o[1][0], 1e-15);
        assertEquals(e.h2(), p.o[1][1], 1e-15);
        assertEquals(e.y1(), y[0], EXACT);
        assertEquals(e.y2(), y[1], EXACT);
    }

    @Test
    void fastEngineGradientsAreJacobsDerivativesNegated() {
        Network net = jacobsNetwork();
        Backprop fast = new Backprop(net, Loss.SSE, new ScalarKernels());
        float[] g = new float[net.paramCount()];
        double e = fast.gradient(X, D, 0, 1, g, 0, false);
        Jacobs ex = exact();
        assertEquals(0.5 * ((1 - ex.y1()) * (1 - ex.y1()) + ex.y2() * ex.y2()), e, EXACT);
        check(net, g, ex, EXACT);
        checkAgainstPrinted(net, g);
        // the fast engine's hidden outputs, read off its gradients: eq. 18 (resp. 19) over the
        // output-2 bias derivative is h_1 (resp. h_2); the values are of order 1, so float32 keeps 1e-6
        int w2 = net.weightOffset(2), b2 = net.biasOffset(2);
        double h1 = g[w2 + 2] / g[b2 + 1], h2 = g[w2 + 3] / g[b2 + 1];
        assertEquals(0.982, h1, PRINTED);
        assertEquals(0.998, h2, PRINTED);
        assertEquals(ex.h1(), h1, EXACT);
        assertEquals(ex.h2(), h2, EXACT);
    }

    @Test
    void referenceEngineGradientsAreJacobsDerivativesNegated() {
        Network net = jacobsNetwork();
        ReferenceNetwork ref = new ReferenceNetwork(net, Loss.SSE);
        ReferenceNetwork.Gradient g = ref.gradient(new double[][] {{1, 2}}, new double[][] {{1, 0}}, 0, false);
        double[] flat = g.flat();
        float[] gf = new float[flat.length];
        for (int i = 0; i < flat.length; i++) gf[i] = (float) flat[i];
        Jacobs ex = exact();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(-ex.out(i, j), g.w[2][i][j], 1e-12, "eq. 16-19 w" + (i + 1) + (j + 1));
                assertEquals(-ex.hidden(i, j), g.w[1][i][j], 1e-12, "eq. 22-25 w" + (i + 1) + (j + 1));
            }
            assertEquals(-ex.outBias(i), g.b[2][i], 1e-12);
            assertEquals(-ex.hiddenBias(i), g.b[1][i], 1e-12, "eq. 20-21");
        }
        // seed 004's deltas: δ_k = (d_k − o_k)·1 for linear outputs
        ReferenceNetwork.Pattern p = ref.backward(new double[] {1, 2}, new double[] {1, 0});
        assertEquals(1 - ex.y1(), p.delta[2][0], 1e-12);
        assertEquals(0 - ex.y2(), p.delta[2][1], 1e-12);
        checkAgainstPrinted(net, gf);
    }

    /**
     * Jacobs printed h and y to 3 decimals, so each printed value stands for an interval of ±0.0005.
     * A derivative agrees "as printed" when it lies between the smallest and largest value his
     * formula takes over those intervals (all 16 corners; each formula is monotone in each value
     * over such a small box). Rounding h2 = 0.998 moves h2(1 − h2) by 20%, so this, not a fixed
     * tolerance, is the honest comparison for eqs. 20–25.
     */
    private static void checkAgainstPrinted(Network net, float[] g) {
        var eqs = formulas();
        int[] index = indices(net);
        for (int e = 0; e < eqs.size(); e++) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (int corner = 0; corner < 16; corner++) {
                Jacobs j = new Jacobs(0.982 + ((corner & 1) == 0 ? -1 : 1) * 0.0005,
                        0.998 + ((corner & 2) == 0 ? -1 : 1) * 0.0005,
                        0.984 + ((corner & 4) == 0 ? -1 : 1) * 0.0005,
                        0.984 + ((corner & 8) == 0 ? -1 : 1) * 0.0005);
                double v = -eqs.get(e).applyAsDouble(j);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            double ours = g[index[e]];
            org.junit.jupiter.api.Assertions.assertTrue(ours >= lo - 1e-9 && ours <= hi + 1e-9,
                    "derivative " + e + " = " + ours + " is outside the printed precision [" + lo + ", " + hi + "]");
            // and rounded to 3 decimals it is what his formula gives with the printed numbers,
            // wherever that rounding is unambiguous (the interval does not straddle a rounding edge)
            if (Math.round(lo * 1000) == Math.round(hi * 1000)) {
                assertEquals(Math.round(-eqs.get(e).applyAsDouble(PRINTED_VALUES) * 1000), Math.round(ours * 1000));
            }
        }
    }

    private static java.util.List<java.util.function.ToDoubleFunction<Jacobs>> formulas() {
        return java.util.List.of(
            j -> j.out(0, 0), j -> j.out(0, 1), j -> j.out(1, 0), j -> j.out(1, 1),
            j -> j.outBias(0), j -> j.outBias(1),
            j -> j.hiddenBias(0), j -> j.hiddenBias(1),
            j -> j.hidden(0, 0), j -> j.hidden(0, 1), j -> j.hidden(1, 0), j -> j.hidden(1, 1));
    }

    private static int[] indices(Network net) {
        int w2 = net.weightOffset(2), b2 = net.biasOffset(2), w1 = net.weightOffset(1), b1 = net.biasOffset(1);
        return new int[] {w2, w2 + 1, w2 + 2, w2 + 3, b2, b2 + 1, b1, b1 + 1, w1, w1 + 1, w1 + 2, w1 + 3};
    }

    private static void check(Network net, float[] g, Jacobs j, double tol) {
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 2; k++) {
                // eqs. 16–19: hidden k -> output i
                assertEquals(-j.out(i, k), g[net.weightOffset(2) + i * 2 + k], tol, "eq. " + (16 + 2 * i + k));
                // eqs. 22–25: input k -> hidden i
                assertEquals(-j.hidden(i, k), g[net.weightOffset(1) + i * 2 + k], tol, "eq. " + (22 + 2 * i + k));
            }
            assertEquals(-j.outBias(i), g[net.biasOffset(2) + i], tol, "output bias " + (i + 1));
            assertEquals(-j.hiddenBias(i), g[net.biasOffset(1) + i], tol, "eq. " + (20 + i));
        }
    }
}
