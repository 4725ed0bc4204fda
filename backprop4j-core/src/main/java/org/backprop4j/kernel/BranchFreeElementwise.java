package org.backprop4j.kernel;

import static org.backprop4j.kernel.Elementwise.*;

/**
 * The long loops of {@link Elementwise}'s scalar form that C2's auto-vectorizer (SuperWord) can turn
 * into vector code without the {@code jdk.incubator.vector} module once their select is gone: the
 * momentum step's flush-and-add and the ReLU derivatives; and the bias gradient's column sums eight
 * columns at a time. The same bits as the element formulas ({@link Elementwise#flush},
 * {@link Elementwise#derivativeTimes}, a column at a time).
 *
 * <p>SuperWord (JDK 25) vectorizes no branch and no select (a float CMove needs -XX:+UseVectorCmov).
 * So a test becomes a 0/1 factor from a float→int conversion ({@link #positive}), and a select a sum of
 * products by 0 and 1 arranged so that the unused term is a zero that leaves the other term's bits
 * alone (−0 where the used term may be −0). Every step is exact, so the selected value comes out
 * unchanged. An unused term is NaN only for a non-finite input: a read-only pass looks for those first
 * and the element loop runs instead (for ReLU a second pass repairs the elements concerned).
 *
 * <p>The exponential's loops (logistic, tanh, softmax) stay element by element: written this way
 * (2ⁿ from int→float conversions instead of the exponent bits, which SuperWord moves only from JDK 26)
 * their bodies are too large for SuperWord to unroll and vectorize, and the scalar code was slower.
 */
final class BranchFreeElementwise {
    private BranchFreeElementwise() {}

    /**
     * 1 for v in (0, +∞], 0 for v ≤ 0 (−0 included) and NaN: signum is ±1 or v itself (±0, NaN), and
     * (int) takes NaN to 0. (A scaled v converted directly would leave int's range, and C2's conversion
     * then takes a slow path for every such element wherever the loop is not vectorized.)
     */
    static int positive(float v) {
        return Math.max(0, (int) Math.signum(v));
    }

    /** 0 if a[from, to) holds a NaN or ±∞ (fma(x, 0, 1) is 1 for every finite x, NaN else), else 1. */
    static int finite(float[] a, int from, int to) {
        int all = 1;
        for (int i = from; i < to; i++) all &= (int) Math.fma(a[i], 0f, 1f);
        return all;
    }

    /**
     * {@link Elementwise#flushAdd} for c and w at the same offset (the momentum step's case: the velocity
     * is laid out as the weights), one index for both arrays: v·0 + 0 = +0 below 2⁻¹²⁶ in magnitude
     * (−0 and negative subnormals too), v·1 + 0 = v else (v is no −0 there); a NaN stays itself. The
     * factor is ⌊min(|v|·2¹²⁶, 1)⌋, kept in int range so that no conversion takes C2's slow path.
     */
    static void flushAdd(float[] c, float[] w, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = c[i];
            v = v * (int) Math.min(Math.abs(v) * 0x1p126f, 1f) + 0f;
            c[i] = v;
            w[i] += v;
        }
    }

    /**
     * {@link Elementwise#columnSums} for columns t0..n−1: eight columns at a time, each summed in row
     * order in a variable of its own (the same bits as one column at a time, without its stride-n walk
     * and its one chain of dependent adds). Row by row into dst would be C2-vectorizable only if C2
     * could tell dst's accesses from d's, which it cannot for two offsets (JDK 25).
     */
    static void columnSums(float[] d, int m, int n, int t0, float[] dst, int dstOff, boolean accumulate) {
        int t = t0;
        for (; t + 8 <= n; t += 8) {
            int o = dstOff + t;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            if (accumulate) {
                s0 = dst[o]; s1 = dst[o + 1]; s2 = dst[o + 2]; s3 = dst[o + 3];
                s4 = dst[o + 4]; s5 = dst[o + 5]; s6 = dst[o + 6]; s7 = dst[o + 7];
            }
            for (int r = 0, i = t; r < m; r++, i += n) {
                s0 += d[i]; s1 += d[i + 1]; s2 += d[i + 2]; s3 += d[i + 3];
                s4 += d[i + 4]; s5 += d[i + 5]; s6 += d[i + 6]; s7 += d[i + 7];
            }
            dst[o] = s0; dst[o + 1] = s1; dst[o + 2] = s2; dst[o + 3] = s3;
            dst[o + 4] = s4; dst[o + 5] = s5; dst[o + 6] = s6; dst[o + 7] = s7;
        }
        for (; t < n; t++) {
            float sum = accumulate ? dst[dstOff + t] : 0f;
            for (int r = 0, i = t; r < m; r++, i += n) sum += d[i];
            dst[dstOff + t] = sum;
        }
    }

    /**
     * g[i] = o[i] &gt; 0 ? g[i] : 0: g·1 + (−0) where o &gt; 0, g·0 + (+0) = +0 else; an infinite or NaN
     * g makes g·0 NaN, and then a second pass puts the +0 there (it leaves the other elements alone).
     */
    static void reluDerivative(float[] g, float[] o, int off, int end) {
        int finite = 1;
        for (int i = off; i < end; i++) {
            float gi = g[i], k = positive(o[i]);
            g[i] = gi * k + (0.5f - k) * 0f;
            finite &= (int) Math.fma(gi, 0f, 1f);
        }
        if (finite == 0) {
            for (int i = off; i < end; i++) g[i] = o[i] > 0f ? g[i] : 0f;
        }
    }

    /**
     * g[i] = o[i] &gt; 0 ? g[i] : 0.01·g[i]: the unused product is a zero of g's sign, which leaves the
     * used one's bits alone; the element loop if a g is not finite.
     */
    static void leakyReluDerivative(float[] g, float[] o, int off, int end) {
        if (finite(g, off, end) == 0) {
            for (int i = off; i < end; i++) g[i] = derivativeTimes(DERIV_LEAKY_RELU, g[i], o[i]);
            return;
        }
        for (int i = off; i < end; i++) {
            float gi = g[i], k = positive(o[i]);
            g[i] = gi * k + LEAKY * gi * (1f - k);
        }
    }
}
