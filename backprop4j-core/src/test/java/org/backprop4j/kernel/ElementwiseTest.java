package org.backprop4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.backprop4j.Activation;
import org.backprop4j.Rng;
import org.junit.jupiter.api.Test;

/**
 * The float32 exp/logistic/tanh/softmax of {@link Elementwise} (used by {@link Activation#apply})
 * against double-precision {@code Math.exp}/{@code Math.tanh}: relative error at most 10⁻⁶ (the
 * stated target; the algorithms' error is a few ulp ≈ 2–4·10⁻⁷) wherever the result is a normal
 * float, and at most 2 subnormal steps (2·2⁻¹⁴⁹) below that, where float32 itself has no relative
 * precision. Also: the vector loops and the scalar functions agree bit for bit (tails included), and
 * NaN, ±0 and ±∞ behave like the double functions.
 */
class ElementwiseTest {
    static final double REL = 1e-6;

    static void close(String what, double x, float got, double want) {
        double err = Math.abs(got - want);
        boolean ok = Math.abs(want) >= Float.MIN_NORMAL ? err <= REL * Math.abs(want) : err <= 2.0 * Float.MIN_VALUE;
        if (!ok) fail(what + "(" + x + ") = " + got + ", want " + want + " (rel. error " + err / Math.abs(want) + ")");
    }

    /** Arguments: random over the range plus a dense sweep and the edges. */
    static float[] args(float lo, float hi, int count, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[count];
        for (int i = 0; i < count / 2; i++) x[i] = (float) rng.uniform(lo, hi);
        for (int i = count / 2; i < count; i++) x[i] = lo + (hi - lo) * (i - count / 2) / (count - count / 2 - 1);
        return x;
    }

    @Test
    void expOfNonPositiveArgumentsIsAccurate() {
        float[] x = args(-110f, 0f, 400_001, 1);
        float[] e = x.clone();
        Elementwise.expShifted(e, 0, e.length, 0f);
        for (int i = 0; i < x.length; i++) close("exp", x[i], e[i], Math.exp(x[i]));
        float[] tiny = {0f, -0f, -1e-30f, -1e-7f, -0.3465736f, -0.3465737f, -87.33655f, -103.9f, -1e30f, Float.NEGATIVE_INFINITY};
        for (float t : tiny) close("exp", t, Elementwise.expNeg(t), Math.exp(t));
        assertTrue(Float.isNaN(Elementwise.expNeg(Float.NaN)));
    }

    @Test
    void logisticIsAccurateOverTheWholeRange() {
        float[] x = args(-120f, 120f, 400_001, 2);
        float[] o = x.clone();
        Activation.LOGISTIC.apply(o, 0, 1, o.length);
        for (int i = 0; i < x.length; i++) close("logistic", x[i], o[i], 1.0 / (1.0 + Math.exp(-(double) x[i])));
        float[] special = {0f, -0f, 1e-8f, -1e-8f, 16.6f, -16.6f, 88.8f, -88.8f, -103.5f, 1e30f, -1e30f};
        for (float t : special) close("logistic", t, Elementwise.logistic(t), 1.0 / (1.0 + Math.exp(-(double) t)));
        assertEquals(1f, Elementwise.logistic(Float.POSITIVE_INFINITY));
        assertEquals(0f, Elementwise.logistic(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(Elementwise.logistic(Float.NaN)));
    }

    @Test
    void tanhIsAccurateOverTheWholeRange() {
        float[] x = args(-20f, 20f, 400_001, 3);
        float[] o = x.clone();
        Activation.TANH.apply(o, 0, 1, o.length);
        for (int i = 0; i < x.length; i++) close("tanh", x[i], o[i], Math.tanh(x[i]));
        float[] special = {1e-30f, -1e-30f, 1e-4f, 0.6249999f, 0.625f, -0.625f, 0.6250001f, 9f, 50f, -50f, Float.MIN_VALUE};
        for (float t : special) close("tanh", t, Elementwise.tanh(t), Math.tanh(t));
        assertEquals(0f, Elementwise.tanh(0f));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Elementwise.tanh(-0f)), "tanh(−0) = −0");
        assertEquals(1f, Elementwise.tanh(Float.POSITIVE_INFINITY));
        assertEquals(-1f, Elementwise.tanh(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(Elementwise.tanh(Float.NaN)));
    }

    @Test
    void softmaxRowsMatchDoublePrecision() {
        Rng rng = new Rng(4);
        int[] widths = {1, 2, 3, 10, 16, 17, 33, 100};
        for (int n : widths) {
            int m = 7;
            float[] a = new float[m * n + 3];
            for (int i = 0; i < a.length; i++) a[i] = (float) rng.uniform(-30, 30);
            float[] net = a.clone();
            Activation.SOFTMAX.apply(a, 3, m, n);
            for (int r = 0; r < m; r++) {
                int s = 3 + r * n;
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < n; j++) max = Math.max(max, net[s + j]);
                // the shifted argument net − max is a float subtraction (as in any float32 softmax): its
                // rounding, up to 2⁻²⁴·|net − max| in the exponent, is part of the input here
                for (int j = 0; j < n; j++) sum += Math.exp((float) (net[s + j] - max));
                for (int j = 0; j < n; j++) close("softmax", net[s + j], a[s + j], Math.exp((float) (net[s + j] - max)) / sum);
            }
            for (int i = 0; i < 3; i++) assertEquals(net[i], a[i], "outside the block: untouched");
        }
    }

    @Test
    void vectorAndScalarLoopsAreBitIdentical() {
        // the test JVM has the module, so the active loops are the vector ones
        assertEquals("vector", Elementwise.implementation());
        Elementwise.Impl vec = Elementwise.activeImpl(), sc = Elementwise.scalarImpl();
        Rng rng = new Rng(5);
        for (int len : new int[] {1, 15, 16, 17, 1000, 4099}) {
            float[] x = new float[len + 2];
            for (int i = 0; i < x.length; i++) x[i] = (float) rng.uniform(-40, 40) * (i % 5 == 0 ? 0.01f : 1f);
            x[0] = Float.NaN;
            float[] p = x.clone(), q = x.clone();
            vec.logistic(p, 1, len);
            sc.logistic(q, 1, len);
            bits("logistic", p, q);
            p = x.clone();
            q = x.clone();
            vec.tanh(p, 1, len);
            sc.tanh(q, 1, len);
            bits("tanh", p, q);
            p = x.clone();
            q = x.clone();
            vec.expShifted(p, 1, len, 40f);
            sc.expShifted(q, 1, len, 40f);
            bits("exp", p, q);
        }
    }

    /**
     * addToRows (the bias added to a layer's net inputs) is one float add per element, in either
     * implementation: vector and scalar give the same bits as the plain loop, for row lengths
     * below, at and around the vector width, with offsets, and leave everything outside alone.
     */
    @Test
    void addToRowsAddsTheVectorToEveryRowExactly() {
        Elementwise.Impl vec = Elementwise.activeImpl(), sc = Elementwise.scalarImpl();
        Rng rng = new Rng(8);
        for (int[] mn : new int[][] {{1, 1}, {3, 10}, {64, 16}, {5, 17}, {64, 256}, {7, 33}}) {
            int m = mn[0], n = mn[1], off = 3, vOff = 2;
            float[] a = new float[off + m * n + 4], v = new float[vOff + n + 1];
            for (int i = 0; i < a.length; i++) a[i] = (float) rng.uniform(-5, 5);
            for (int i = 0; i < v.length; i++) v[i] = (float) rng.uniform(-5, 5);
            float[] want = a.clone();
            for (int r = 0; r < m; r++) for (int t = 0; t < n; t++) want[off + r * n + t] = a[off + r * n + t] + v[vOff + t];
            float[] p = a.clone(), q = a.clone();
            vec.addToRows(p, off, m, n, v, vOff);
            sc.addToRows(q, off, m, n, v, vOff);
            bits("addToRows vector " + m + "x" + n, want, p);
            bits("addToRows scalar " + m + "x" + n, want, q);
        }
    }

    /**
     * multiplyDerivative (vectorized) equals the element-wise float formulas of the delta rule's f'
     * factor exactly, tails and offsets included, and leaves elements outside the range alone.
     */
    @Test
    void multiplyDerivativeMatchesTheElementFormulasExactly() {
        Rng rng = new Rng(6);
        Activation[] fs = {Activation.IDENTITY, Activation.LOGISTIC, Activation.TANH, Activation.RELU, Activation.LEAKY_RELU};
        for (Activation f : fs) {
            for (int len : new int[] {1, 7, 16, 33, 1001}) {
                int off = 3;
                float[] g = new float[len + 6], o = new float[len + 6];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) rng.uniform(-2, 2);
                    o[i] = f == Activation.LOGISTIC ? (float) rng.nextDouble() : (float) rng.uniform(-1, 1);
                    if (i % 7 == 0) o[i] = 0f;
                }
                float[] got = g.clone();
                f.multiplyDerivative(got, o, off, len);
                for (int i = 0; i < g.length; i++) {
                    float want = g[i];
                    if (i >= off && i < off + len) {
                        want = switch (f) {
                            case LOGISTIC -> g[i] * (o[i] * (1f - o[i]));
                            case TANH -> g[i] * (1f - o[i] * o[i]);
                            case RELU -> o[i] > 0f ? g[i] : 0f;
                            case LEAKY_RELU -> o[i] > 0f ? g[i] : Activation.LEAKY_SLOPE * g[i];
                            default -> g[i];
                        };
                    }
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[i]), f + " len=" + len + " at " + i);
                }
                if (f != Activation.IDENTITY) {   // and the scalar loops agree bit for bit
                    float[] sc = g.clone();
                    int code = f.ordinal();       // IDENTITY=0, LOGISTIC=1, TANH=2, RELU=3, LEAKY_RELU=4
                    Elementwise.scalarImpl().multiplyDerivative(code, sc, o, off, len);
                    bits(f + " scalar vs vector", got, sc);
                }
            }
        }
    }

    /**
     * flushAdd: subnormal velocities become 0 and every other value is added exactly (w + v in
     * float32), the same bits in the vector and the scalar loops, at any offset and length; and
     * flushing loses nothing, since w + subnormal == w for every weight of magnitude ≥ 2⁻¹⁰².
     */
    @org.junit.jupiter.api.Test
    void flushAddZeroesSubnormalVelocitiesAndAddsTheRestExactly() {
        org.backprop4j.Rng r = new org.backprop4j.Rng(21);
        int n = 1000;
        float[] c0 = new float[n], w0 = new float[n];
        for (int i = 0; i < n; i++) {
            c0[i] = switch (i % 5) {
                case 0 -> (float) (r.uniform(-1, 1) * 1e-39);      // subnormal
                case 1 -> -Float.MIN_VALUE;                          // smallest subnormal
                case 2 -> Float.MIN_NORMAL * (i % 2 == 0 ? 1 : -1);  // smallest normal: kept
                default -> (float) r.uniform(-0.01, 0.01);
            };
            w0[i] = (float) r.uniform(-1, 1);
        }
        for (int off : new int[] {0, 3}) {
            int len = n - off - 5;
            float[] cv = c0.clone(), wv = w0.clone(), cs = c0.clone(), ws = w0.clone();
            Elementwise.activeImpl().flushAdd(cv, off, wv, off, len);
            Elementwise.scalarImpl().flushAdd(cs, off, ws, off, len);
            bits("flushAdd velocity", cs, cv);
            bits("flushAdd weights", ws, wv);
            for (int i = 0; i < n; i++) {
                boolean in = i >= off && i < off + len;
                boolean sub = Math.abs(c0[i]) < Float.MIN_NORMAL && c0[i] != 0;
                assertEquals(in && sub ? 0f : c0[i], cs[i], "velocity " + i);
                assertEquals(in ? w0[i] + (sub ? 0f : c0[i]) : w0[i], ws[i], "weight " + i);
                if (sub) assertEquals(w0[i], w0[i] + c0[i], "a subnormal cannot move weight " + i);
            }
        }
    }

    static void bits(String what, float[] p, float[] q) {
        for (int i = 0; i < p.length; i++) {
            if (Float.floatToRawIntBits(p[i]) != Float.floatToRawIntBits(q[i])) {
                fail(what + ": vector " + p[i] + " vs scalar " + q[i] + " at " + i);
            }
        }
    }

    @Test
    void aShortRunTakesTheScalarLoopsAtEveryLength() {
        int len = 1 << 16;
        Elementwise.Impl longLoops = Elementwise.impl(len);
        assertEquals(KernelProvider.vectorModulePresent() ? "vector" : "scalar", longLoops.name());
        float[] x = args(-30f, 30f, len, 7), before = x.clone();
        Activation.LOGISTIC.apply(before, 0, 1, len);
        try {
            Elementwise.scalarOnly();
            assertEquals("scalar", Elementwise.impl(len).name());
            Activation.LOGISTIC.apply(x, 0, 1, len);
            for (int i = 0; i < len; i++) assertEquals(Float.floatToRawIntBits(before[i]), Float.floatToRawIntBits(x[i]), "element " + i);
        } finally {
            Elementwise.vectorFrom(Elementwise.VECTOR_MIN);
        }
        assertEquals(longLoops.name(), Elementwise.impl(len).name());
    }
}
