package org.backprop4j.kernel;

import static org.backprop4j.kernel.Elementwise.*;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API form of {@link Elementwise}'s scalar functions: the same operations lane by lane
 * (so bit-identical results); the tail of an array is one masked vector step. Loaded reflectively only when the
 * jdk.incubator.vector module is present.
 */
final class VectorElementwise implements Elementwise.Impl {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    VectorElementwise() {
        if (SI.length() != V) throw new IllegalStateException("int and float species differ in length");
    }

    @Override
    public String name() {
        return "vector";
    }

    /** Lane-wise {@link Elementwise#expNeg(float)}. */
    static FloatVector expNeg(FloatVector x) {
        x = x.max(EXP_MIN);
        FloatVector n = x.mul(LOG2E).add(MAGIC).sub(MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
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
        return y.mul(s1).mul(s2);
    }

    static FloatVector logistic(FloatVector x) {
        FloatVector e = expNeg(x.abs().neg());
        FloatVector d = e.add(1f);
        FloatVector pos = FloatVector.broadcast(S, 1f).div(d);
        FloatVector neg = e.div(d);
        return pos.blend(neg, x.compare(VectorOperators.LT, 0f));
    }

    @Override
    public void logistic(float[] a, int off, int len) {
        int end = off + len, i = off;
        for (int vend = off + len - len % V; i < vend; i += V) logistic(FloatVector.fromArray(S, a, i)).intoArray(a, i);
        // tail: the scalar function (bit-identical by construction). Masked vector tails allocated
        // in steady state: near an array's end they take the Vector API's slow path, and a second
        // inlined copy of the large lane function made C2 give up scalarizing the vectors.
        for (; i < end; i++) a[i] = Elementwise.logistic(a[i]);
    }

    @Override
    public void tanh(float[] a, int off, int len) {
        int end = off + len, i = off;
        for (int vend = off + len - len % V; i < vend; i += V) tanh(FloatVector.fromArray(S, a, i)).intoArray(a, i);
        for (; i < end; i++) a[i] = Elementwise.tanh(a[i]);      // tail: scalar (see logistic)
    }

    /** Lane-wise {@link Elementwise#tanh(float)}. */
    static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector z = x.mul(x);
        FloatVector q = FloatVector.broadcast(S, Q0).fma(z, FloatVector.broadcast(S, Q1));
        q = q.fma(z, FloatVector.broadcast(S, Q2));
        q = q.fma(z, FloatVector.broadcast(S, Q3));
        q = q.fma(z, FloatVector.broadcast(S, Q4));
        FloatVector small = x.mul(q.fma(z, FloatVector.broadcast(S, 1f)));
        FloatVector e = expNeg(ax.mul(-2f));
        FloatVector t = FloatVector.broadcast(S, 1f).sub(e).div(e.add(1f));
        FloatVector big = t.blend(t.neg(), x.compare(VectorOperators.LT, 0f));
        return big.blend(small, ax.compare(VectorOperators.LT, TANH_SMALL));
    }

    @Override
    public void expShifted(float[] a, int off, int len, float shift) {
        int end = off + len, i = off;
        for (int vend = off + len - len % V; i < vend; i += V) {
            expNeg(FloatVector.fromArray(S, a, i).sub(shift)).intoArray(a, i);
        }
        for (; i < end; i++) a[i] = Elementwise.expNeg(a[i] - shift);   // tail: scalar (see logistic)
    }

    @Override
    public void multiplyDerivative(int f, float[] g, float[] o, int off, int len) {
        if (f < DERIV_LOGISTIC || f > DERIV_LEAKY_RELU) throw new IllegalArgumentException("derivative code " + f);
        int end = off + len, i = off;
        for (int vend = off + len - len % V; i < vend; i += V) {
            derivativeTimes(f, FloatVector.fromArray(S, g, i), FloatVector.fromArray(S, o, i)).intoArray(g, i);
        }
        for (; i < end; i++) g[i] = Elementwise.derivativeTimes(f, g[i], o[i]);   // tail: scalar (see logistic)
    }

    /** Lane-wise {@link Elementwise#derivativeTimes}. */
    private static FloatVector derivativeTimes(int f, FloatVector g, FloatVector o) {
        return switch (f) {
            case DERIV_LOGISTIC -> g.mul(o.mul(FloatVector.broadcast(S, 1f).sub(o)));
            case DERIV_TANH -> g.mul(FloatVector.broadcast(S, 1f).sub(o.mul(o)));
            case DERIV_RELU -> FloatVector.zero(S).blend(g, o.compare(VectorOperators.GT, 0f));
            default -> g.mul(LEAKY).blend(g, o.compare(VectorOperators.GT, 0f));
        };
    }

    @Override
    public void scale(float[] a, int off, int len, float s) {
        int end = off + len, i = off;
        for (int vend = off + len - len % V; i < vend; i += V) {
            FloatVector.fromArray(S, a, i).mul(s).intoArray(a, i);
        }
        for (; i < end; i++) a[i] *= s;                          // tail: scalar (see logistic)
    }
}
