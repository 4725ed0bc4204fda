package org.backprop4j.kernel;

import static org.backprop4j.kernel.Elementwise.*;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API form of {@link Elementwise}'s scalar functions: the same operations lane by lane
 * (so bit-identical results); the tail of an array is done by the scalar functions. Loaded
 * reflectively only when the jdk.incubator.vector module is present.
 *
 * <p>No method here passes a {@code FloatVector} to another method: every lane computation is written
 * inside its loop. Vectors stay in registers only when C2 inlines every method they cross, and
 * whether it does is not reliable (a helper already compiled on its own into a big method is not
 * inlined, e.g. after a recompilation): then every vector becomes a heap object, and the steady
 * state allocated kilobytes per call (seen in {@code EngineAllocationTest}).
 */
final class VectorElementwise implements Elementwise.Impl {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    /** What {@link #exp} does before and after e^t: the three functions that need an exponential. */
    private static final int EXP_SHIFTED = 0, LOGISTIC = 1, TANH = 2;

    VectorElementwise() {
        if (SI.length() != V) throw new IllegalStateException("int and float species differ in length");
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public void logistic(float[] a, int off, int len) {
        int i = exp(LOGISTIC, a, off, len, 0f), end = off + len;
        for (; i < end; i++) a[i] = Elementwise.logistic(a[i]);      // tail: the scalar function, same bits
    }

    @Override
    public void tanh(float[] a, int off, int len) {
        int i = exp(TANH, a, off, len, 0f), end = off + len;
        for (; i < end; i++) a[i] = Elementwise.tanh(a[i]);
    }

    @Override
    public void expShifted(float[] a, int off, int len, float shift) {
        int i = exp(EXP_SHIFTED, a, off, len, shift), end = off + len;
        for (; i < end; i++) a[i] = Elementwise.expNeg(a[i] - shift);
    }

    /**
     * The whole vectors of a[off, off+len): t from x by {@code op}, e = e^t lane-wise as
     * {@link Elementwise#expNeg(float)} computes it, then the result from e and x. Returns the index
     * where the scalar tail starts. {@code op} is loop-invariant, so C2 unswitches the loop.
     */
    private static int exp(int op, float[] a, int off, int len, float shift) {
        int i = off;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int vend = off + len - len % V; i < vend; i += V) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            FloatVector ax = x.abs();
            FloatVector t = op == EXP_SHIFTED ? x.sub(shift) : op == LOGISTIC ? ax.neg() : ax.mul(-2f);
            // e^t for t ≤ 0: Elementwise.expNeg, lane by lane
            t = t.max(EXP_MIN);
            FloatVector n = t.mul(LOG2E).add(MAGIC).sub(MAGIC);
            FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), t);
            r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = FloatVector.broadcast(S, P0).fma(r, FloatVector.broadcast(S, P1));
            p = p.fma(r, FloatVector.broadcast(S, P2));
            p = p.fma(r, FloatVector.broadcast(S, P3));
            p = p.fma(r, FloatVector.broadcast(S, P4));
            p = p.fma(r, FloatVector.broadcast(S, P5));
            FloatVector y = p.fma(r.mul(r), r).add(1f);
            IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
            IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
            IntVector n2 = ni.sub(n1);
            FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = y.mul(s1).mul(s2);
            FloatVector out;
            if (op == EXP_SHIFTED) {
                out = e;
            } else if (op == LOGISTIC) {                     // Elementwise.logistic
                FloatVector d = e.add(1f);
                out = one.div(d).blend(e.div(d), x.compare(VectorOperators.LT, 0f));
            } else {                                         // Elementwise.tanh
                FloatVector z = x.mul(x);
                FloatVector q = FloatVector.broadcast(S, Q0).fma(z, FloatVector.broadcast(S, Q1));
                q = q.fma(z, FloatVector.broadcast(S, Q2));
                q = q.fma(z, FloatVector.broadcast(S, Q3));
                q = q.fma(z, FloatVector.broadcast(S, Q4));
                FloatVector small = x.mul(q.fma(z, one));
                FloatVector tt = one.sub(e).div(e.add(1f));
                FloatVector big = tt.blend(tt.neg(), x.compare(VectorOperators.LT, 0f));
                out = big.blend(small, ax.compare(VectorOperators.LT, TANH_SMALL));
            }
            out.intoArray(a, i);
        }
        return i;
    }

    @Override
    public void multiplyDerivative(int f, float[] g, float[] o, int off, int len) {
        int end = off + len, i = off, vend = off + len - len % V;
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
        switch (f) {   // one loop per function (Elementwise.derivativeTimes lane by lane)
            case DERIV_LOGISTIC -> {
                for (; i < vend; i += V) {
                    FloatVector ov = FloatVector.fromArray(S, o, i);
                    FloatVector.fromArray(S, g, i).mul(ov.mul(one.sub(ov))).intoArray(g, i);
                }
            }
            case DERIV_TANH -> {
                for (; i < vend; i += V) {
                    FloatVector ov = FloatVector.fromArray(S, o, i);
                    FloatVector.fromArray(S, g, i).mul(one.sub(ov.mul(ov))).intoArray(g, i);
                }
            }
            case DERIV_RELU -> {
                for (; i < vend; i += V) {
                    FloatVector gv = FloatVector.fromArray(S, g, i);
                    zero.blend(gv, FloatVector.fromArray(S, o, i).compare(VectorOperators.GT, 0f)).intoArray(g, i);
                }
            }
            case DERIV_LEAKY_RELU -> {
                for (; i < vend; i += V) {
                    FloatVector gv = FloatVector.fromArray(S, g, i);
                    gv.mul(LEAKY).blend(gv, FloatVector.fromArray(S, o, i).compare(VectorOperators.GT, 0f)).intoArray(g, i);
                }
            }
            default -> throw new IllegalArgumentException("derivative code " + f);
        }
        for (; i < end; i++) g[i] = Elementwise.derivativeTimes(f, g[i], o[i]);   // tail: scalar, same bits
    }

    @Override
    public void scale(float[] a, int off, int len, float s) {
        int end = off + len, i = off;
        for (int vend = off + len - len % V; i < vend; i += V) {
            FloatVector.fromArray(S, a, i).mul(s).intoArray(a, i);
        }
        for (; i < end; i++) a[i] *= s;
    }

    @Override
    public void columnSums(float[] d, int m, int n, float[] dst, int dstOff, boolean accumulate) {
        int t = 0;
        for (int vend = n - n % V; t < vend; t += V) {    // V columns at a time, rows added in order
            FloatVector sum = accumulate ? FloatVector.fromArray(S, dst, dstOff + t) : FloatVector.zero(S);
            for (int r = 0, i = t; r < m; r++, i += n) sum = sum.add(FloatVector.fromArray(S, d, i));
            sum.intoArray(dst, dstOff + t);
        }
        Elementwise.scalarColumnSums(d, m, n, t, dst, dstOff, accumulate);
    }

    @Override
    public void addToRows(float[] a, int off, int m, int n, float[] v, int vOff) {
        int vend = n - n % V;
        for (int r = 0; r < m; r++) {
            int s = off + r * n;
            for (int t = 0; t < vend; t += V) {
                FloatVector.fromArray(S, a, s + t).add(FloatVector.fromArray(S, v, vOff + t)).intoArray(a, s + t);
            }
        }
        if (vend < n) Elementwise.scalarAddToRows(a, off, m, n, vend, v, vOff);
    }

    @Override
    public void flushAdd(float[] c, int ci, float[] w, int wi, int len) {
        int i = 0;
        FloatVector zero = FloatVector.zero(S);
        for (int vend = len - len % V; i < vend; i += V) {
            FloatVector v = FloatVector.fromArray(S, c, ci + i);
            // compare and blend only: no arithmetic ever touches a subnormal
            v = v.blend(zero, v.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
            v.intoArray(c, ci + i);
            FloatVector.fromArray(S, w, wi + i).add(v).intoArray(w, wi + i);
        }
        for (; i < len; i++) {
            float v = Elementwise.flush(c[ci + i]);
            c[ci + i] = v;
            w[wi + i] += v;
        }
    }
}
