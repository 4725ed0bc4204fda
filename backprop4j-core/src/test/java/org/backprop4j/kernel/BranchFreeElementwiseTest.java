package org.backprop4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.backprop4j.Activation;
import org.backprop4j.Rng;
import org.junit.jupiter.api.Test;

/**
 * The scalar loops ({@link Elementwise#scalarImpl}, with {@link BranchFreeElementwise}'s loops C2
 * vectorizes by itself from {@link Elementwise#BRANCH_FREE_MIN} elements on): bit for bit the element
 * functions' results ({@link Elementwise#elementImpl}, and the Vector API loops where the module is
 * present), for every kind of value: ±0, subnormals, the smallest normals, the functions' thresholds,
 * ±∞, the largest floats and NaNs of either sign with payloads (a NaN result need only be a NaN, see
 * {@link #bits}). Each comparison runs
 * long enough for C2 to compile the loops, so their vectorized form is checked, not only the interpreter's.
 */
class BranchFreeElementwiseTest {
    /** The lengths around {@link Elementwise#BRANCH_FREE_MIN} and longer, odd and even (vector tails). */
    static final int[] LENGTHS = {255, 256, 257, 300, 1000, 4099};
    /** Rounds per check: enough calls for C2 to compile (and vectorize) the loops. */
    static final int ROUNDS = 120;

    static final float[] SPECIAL = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 3 * Float.MIN_VALUE, -3 * Float.MIN_VALUE,
        Float.MIN_NORMAL, -Float.MIN_NORMAL, Math.nextDown(Float.MIN_NORMAL), -Math.nextDown(Float.MIN_NORMAL),
        Math.nextUp(Float.MIN_NORMAL), 1e-30f, -1e-30f, 1e-8f, -1e-8f, 3e-8f, -3e-8f,
        0.6249999f, -0.6249999f, 0.625f, -0.625f, 0.6250001f, -0.6250001f, 0.3465736f, -0.3465736f, 0.3465737f, -0.3465737f,
        1f, -1f, 16.6f, -16.6f, 52f, -52f, 87.33655f, -87.33655f, 103.9f, -103.9f, 104f, -104f, 104.1f, -104.1f,
        110f, -110f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE};
    static final float[] NON_FINITE = {Float.NaN, Float.intBitsToFloat(0xffc00000), Float.intBitsToFloat(0x7fc12345),
        Float.intBitsToFloat(0xffe54321), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};

    /** len values at random from {@code SPECIAL} (and {@code NON_FINITE} if asked), uniform in ±40, and in ±0.7 (tanh's both sides). */
    static float[] values(Rng r, int len, boolean nonFinite) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = switch (r.nextInt(nonFinite ? 5 : 4)) {
                case 0 -> SPECIAL[r.nextInt(SPECIAL.length)];
                case 1 -> (float) r.uniform(-40, 40);
                case 2 -> (float) r.uniform(-0.7, 0.7);
                case 3 -> (float) r.uniform(-1, 1) * 1e-38f;      // subnormal
                default -> NON_FINITE[r.nextInt(NON_FINITE.length)];
            };
        }
        return x;
    }

    /**
     * The same bits, except that a NaN need only be a NaN: Java specifies no NaN's bits, and where two
     * NaNs meet in an operation the x86 result is the first operand's, an order C2 may swap (the
     * Vector API loops already differ from the element functions there).
     */
    static void bits(String what, float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                fail(what + " at " + i + ": " + got[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(got[i])) + "), want "
                        + want[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(want[i])) + ")");
            }
        }
    }

    interface Loop {
        void run(Elementwise.Impl impl, float[] a, int off, int len);
    }

    /** The loop over a[off, off+len) of a copy of x by the element loops, the scalar loops and the active loops: the same bits, the rest untouched. */
    static void same(String what, Loop loop, float[] x, int off, int len) {
        float[] want = x.clone(), got = x.clone(), active = x.clone();
        loop.run(Elementwise.elementImpl(), want, off, len);
        loop.run(Elementwise.scalarImpl(), got, off, len);
        loop.run(Elementwise.activeImpl(), active, off, len);
        bits(what + " scalar, len " + len, want, got);
        bits(what + " " + Elementwise.implementation() + ", len " + len, want, active);
    }

    static void everyLength(String what, Loop loop, boolean nonFinite, float lo) {
        Rng r = new Rng(what.hashCode());
        for (int round = 0; round < ROUNDS; round++) {
            for (int len : LENGTHS) {
                float[] x = values(r, len + 5, nonFinite && round % 2 == 0);   // odd rounds all finite: the branch-free path throughout
                if (lo == 0f) for (int i = 0; i < x.length; i++) x[i] = -Math.abs(x[i]);   // exp's arguments: ≤ 0 (NaN of either sign)
                same(what, loop, x, 3, len);
            }
        }
    }

    @Test
    void logisticTanhAndExpGiveTheElementFunctionsBits() {
        everyLength("logistic", (impl, a, off, len) -> impl.logistic(a, off, len), true, -1f);
        everyLength("tanh", (impl, a, off, len) -> impl.tanh(a, off, len), true, -1f);
        everyLength("exp", (impl, a, off, len) -> impl.expShifted(a, off, len, 0f), true, 0f);
        // shifted arguments, a few above 0 (beyond the branch-free 2ⁿ: the element loop takes them)
        everyLength("exp shifted", (impl, a, off, len) -> impl.expShifted(a, off, len, 39.5f), true, -1f);
    }

    @Test
    void derivativesGiveTheElementFormulasBits() {
        Rng r = new Rng(31);
        for (int f = Elementwise.DERIV_LOGISTIC; f <= Elementwise.DERIV_LEAKY_RELU; f++) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int len : LENGTHS) {
                    float[] g = values(r, len + 5, round % 2 == 0), o = values(r, len + 5, round % 4 == 0);
                    int code = f;
                    Loop loop = (impl, a, off, n) -> impl.multiplyDerivative(code, a, o, off, n);
                    same("derivative " + f, loop, g, 2, len);
                    float[] want = g.clone();
                    for (int i = 2; i < 2 + len; i++) want[i] = Elementwise.derivativeTimes(f, g[i], o[i]);
                    float[] got = g.clone();
                    Elementwise.scalarImpl().multiplyDerivative(f, got, o, 2, len);
                    bits("derivative " + f + " against derivativeTimes, len " + len, want, got);
                }
            }
        }
    }

    @Test
    void flushAddGivesTheElementFormulasBits() {
        Rng r = new Rng(32);
        for (int round = 0; round < ROUNDS; round++) {
            for (int len : LENGTHS) {
                float[] c = values(r, len + 4, round % 2 == 0), w = values(r, len + 4, round % 4 == 0);
                int ci = 1, wi = round % 3 == 0 ? 3 : 1;     // the same offsets (one index for both arrays) or not
                float[] cw = c.clone(), ww = w.clone();
                for (int i = 0; i < len; i++) {
                    cw[ci + i] = Elementwise.flush(c[ci + i]);
                    ww[wi + i] = w[wi + i] + cw[ci + i];
                }
                for (Elementwise.Impl impl : new Elementwise.Impl[] {Elementwise.scalarImpl(), Elementwise.elementImpl(), Elementwise.activeImpl()}) {
                    float[] cg = c.clone(), wg = w.clone();
                    impl.flushAdd(cg, ci, wg, wi, len);
                    bits("flushAdd velocity " + impl.name() + ", len " + len + ", offsets " + ci + "/" + wi, cw, cg);
                    bits("flushAdd weights " + impl.name() + ", len " + len + ", offsets " + ci + "/" + wi, ww, wg);
                }
            }
        }
    }

    /** Column sums row by row: each column added in row order from 0 (or dst), as the column-by-column definition. */
    @Test
    void columnSumsAddEachColumnInRowOrder() {
        Rng r = new Rng(33);
        int[][] shapes = {{1, 1}, {1, 300}, {3, 10}, {64, 10}, {64, 256}, {7, 33}, {2048, 17}, {5, 4099}};
        for (int round = 0; round < ROUNDS / 4; round++) {
            for (int[] mn : shapes) {
                int m = mn[0], n = mn[1], dstOff = 2;
                float[] d = values(r, m * n, round % 2 == 0), dst0 = values(r, n + 4, false);
                for (boolean accumulate : new boolean[] {false, true}) {
                    float[] want = dst0.clone();
                    for (int t = 0; t < n; t++) {
                        float s = accumulate ? dst0[dstOff + t] : 0f;
                        for (int i = 0; i < m; i++) s += d[i * n + t];
                        want[dstOff + t] = s;
                    }
                    for (Elementwise.Impl impl : new Elementwise.Impl[] {Elementwise.scalarImpl(), Elementwise.activeImpl()}) {
                        float[] got = dst0.clone();
                        impl.columnSums(d, m, n, got, dstOff, accumulate);
                        bits("columnSums " + impl.name() + " " + m + "x" + n + (accumulate ? " accumulated" : ""), want, got);
                    }
                }
            }
        }
    }

    /** The test v &gt; 0 as a 0/1 factor, against its definition, over specials and random bit patterns. */
    @Test
    void positiveIsTheTestVAboveZero() {
        Rng r = new Rng(34);
        for (float v : SPECIAL) assertEquals(v > 0f ? 1 : 0, BranchFreeElementwise.positive(v), "positive(" + v + ")");
        for (float v : NON_FINITE) assertEquals(v > 0f ? 1 : 0, BranchFreeElementwise.positive(v), "positive(" + v + ")");
        for (int i = 0; i < 1_000_000; i++) {
            float v = Float.intBitsToFloat(r.nextInt(Integer.MAX_VALUE) * (r.nextInt(2) == 0 ? 1 : -1));
            assertEquals(v > 0f ? 1 : 0, BranchFreeElementwise.positive(v), "positive(" + v + ")");
        }
    }

    /** Same seed, same weights: the scalar loops (momentum step, ReLU derivatives, bias sums) against the Vector API loops. */
    @Test
    void aReluMomentumRunHasTheSameWeightsWithEitherLoops() {
        assumeTrue(KernelProvider.vectorModulePresent(), "needs --add-modules jdk.incubator.vector");
        try {
            Elementwise.vectorFrom(Elementwise.VECTOR_MIN);
            // a momentum run with ReLU and leaky ReLU layers (loops of 64 × 300)
            float[] vector = ElementwiseWarmUpTest.train(Activation.RELU, Activation.LEAKY_RELU, () -> {}, -1);
            float[] scalar = ElementwiseWarmUpTest.train(Activation.RELU, Activation.LEAKY_RELU, Elementwise::scalarOnly, -1);
            ElementwiseWarmUpTest.sameBits("ReLU run, scalar against vector loops", vector, scalar);
        } finally {
            Elementwise.vectorFrom(Elementwise.VECTOR_MIN);
        }
    }
}
