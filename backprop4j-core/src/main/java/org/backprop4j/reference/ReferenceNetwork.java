package org.backprop4j.reference;

import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.Network;

/**
 * The reference engine: backpropagation one unit at a time, in double precision, written straight
 * from seed 004's equations (Micheli, "Derivation of the Back-propagation based learning
 * algorithm"). It is slow on purpose and meant to be read: it is the oracle the fast engine is
 * tested against, and {@code explain} prints its intermediate values.
 *
 * <p>Notation (seed 004): unit t of a layer receives o_u from unit u of the layer below through
 * weight w_tu; net_t = Σ_u w_tu·o_u + b_t; o_t = f_t(net_t). Its delta is
 * <b>δ_t = −∂E_p/∂net_t</b> (seed 004's sign, so Δ_p w_tu = δ_t·o_u is the descent step
 * before η); the gradient ∂E/∂w_tu is therefore −δ_t·o_u.
 */
public final class ReferenceNetwork {
    private final int[] n;                 // n[0] inputs .. n[L] outputs
    private final Activation[] f;          // f[l], l = 1..L
    private final double[][][] w;          // w[l][t][u]
    private final double[][] b;            // b[l][t]
    private final Loss loss;

    /** A double-precision copy of {@code net}'s architecture and weights. */
    public ReferenceNetwork(Network net, Loss loss) {
        int L = net.layers();
        this.n = net.sizes();
        this.f = new Activation[L + 1];
        this.w = new double[L + 1][][];
        this.b = new double[L + 1][];
        this.loss = loss;
        for (int l = 1; l <= L; l++) {
            f[l] = net.activation(l);
            w[l] = new double[n[l]][n[l - 1]];
            b[l] = new double[n[l]];
            for (int t = 0; t < n[l]; t++) {
                for (int u = 0; u < n[l - 1]; u++) w[l][t][u] = net.weight(l, t, u);
                b[l][t] = net.bias(l, t);
            }
        }
    }

    public int layers() { return n.length - 1; }
    public int size(int l) { return n[l]; }
    public Activation activation(int l) { return f[l]; }
    public Loss loss() { return loss; }
    public double weight(int l, int t, int u) { return w[l][t][u]; }
    public double bias(int l, int t) { return b[l][t]; }
    public void setWeight(int l, int t, int u, double v) { w[l][t][u] = v; }
    public void setBias(int l, int t, double v) { b[l][t] = v; }

    /** A copy with every parameter moved by h·v (v in {@link Network#params()} order), for finite differences along v. */
    public ReferenceNetwork plus(double[] v, double h) {
        ReferenceNetwork r = new ReferenceNetwork(this);
        int i = 0;
        for (int l = 1; l <= layers(); l++) {
            for (int t = 0; t < n[l]; t++) for (int u = 0; u < n[l - 1]; u++) r.w[l][t][u] += h * v[i++];
            for (int t = 0; t < n[l]; t++) r.b[l][t] += h * v[i++];
        }
        return r;
    }

    private ReferenceNetwork(ReferenceNetwork o) {
        this.n = o.n.clone();
        this.f = o.f.clone();
        this.loss = o.loss;
        this.w = new double[o.w.length][][];
        this.b = new double[o.b.length][];
        for (int l = 1; l < w.length; l++) {
            w[l] = new double[o.w[l].length][];
            for (int t = 0; t < w[l].length; t++) w[l][t] = o.w[l][t].clone();
            b[l] = o.b[l].clone();
        }
    }

    /** Everything computed for one pattern p. Index [l][t]: layer l, unit t. */
    public static final class Pattern {
        /** net_t for l ≥ 1. */
        public final double[][] net;
        /** o_t; o[0] is the input x. */
        public final double[][] o;
        /** δ_t = −∂E_p/∂net_t (seed 004), l ≥ 1; filled by backward. */
        public final double[][] delta;
        /** E_p, the pattern's error; filled by backward. */
        public double error;

        Pattern(int[] n) {
            int L = n.length - 1;
            net = new double[L + 1][];
            o = new double[L + 1][];
            delta = new double[L + 1][];
            for (int l = 0; l <= L; l++) {
                o[l] = new double[n[l]];
                if (l > 0) {
                    net[l] = new double[n[l]];
                    delta[l] = new double[n[l]];
                }
            }
        }
    }

    /** Forward pass for one pattern (seed 004: net_t = Σ_u w_tu·o_u, o_t = f_t(net_t)). */
    public Pattern forward(double[] x) {
        if (x.length != n[0]) throw new IllegalArgumentException("expected " + n[0] + " inputs, got " + x.length);
        Pattern p = new Pattern(n);
        System.arraycopy(x, 0, p.o[0], 0, n[0]);            // input units: o_i = x_i
        for (int l = 1; l < n.length; l++) {
            for (int t = 0; t < n[l]; t++) {
                double s = b[l][t];                          // bias: weight on a constant input 1
                for (int u = 0; u < n[l - 1]; u++) s += w[l][t][u] * p.o[l - 1][u];
                p.net[l][t] = s;
            }
            if (f[l] == Activation.SOFTMAX) {                // seed 003, eq. 37
                double max = Double.NEGATIVE_INFINITY;
                for (double v : p.net[l]) max = Math.max(max, v);
                double sum = 0;
                for (int t = 0; t < n[l]; t++) sum += Math.exp(p.net[l][t] - max);
                for (int t = 0; t < n[l]; t++) p.o[l][t] = Math.exp(p.net[l][t] - max) / sum;
            } else {
                for (int t = 0; t < n[l]; t++) p.o[l][t] = f[l].f(p.net[l][t]);
            }
        }
        return p;
    }

    /** Forward pass, then the deltas of every unit, from the output layer down (seed 004). */
    public Pattern backward(double[] x, double[] d) {
        Pattern p = forward(x);
        int L = layers();
        if (d.length != n[L]) throw new IllegalArgumentException("expected " + n[L] + " targets, got " + d.length);
        double[] ok = p.o[L];
        double e = 0;
        for (int k = 0; k < n[L]; k++) e += loss.unitError(ok[k], d[k]);
        p.error = e;

        // Case 1, output units k: δ_k = −∂E_p/∂o_k · f'_k(net_k)   (seed 004)
        Activation fL = f[L];
        if (loss.fusesWith(fL)) {
            // canonical pairs: δ_k = d_k − o_k (seed 003: eqs. 6·8; 31·33; 40 with Σ_k d_k = 1)
            for (int k = 0; k < n[L]; k++) p.delta[L][k] = d[k] - ok[k];
        } else if (fL == Activation.SOFTMAX) {
            // non-local: δ_i = Σ_k (−∂E_p/∂o_k)·o_k(δ_ik − o_i)   (seed 003, eqs. 39–40)
            for (int i = 0; i < n[L]; i++) {
                double s = 0;
                for (int k = 0; k < n[L]; k++) {
                    double kron = i == k ? 1 : 0;
                    s += -loss.unitErrorDerivative(ok[k], d[k]) * ok[k] * (kron - ok[i]);
                }
                p.delta[L][i] = s;
            }
        } else {
            for (int k = 0; k < n[L]; k++) {
                p.delta[L][k] = -loss.unitErrorDerivative(ok[k], d[k]) * fL.derivative(p.net[L][k], ok[k]);
            }
        }
        // Case 2, hidden units j: δ_j = (Σ_k δ_k·w_kj)·f'_j(net_j)   (seed 004)
        for (int l = L - 1; l >= 1; l--) {
            for (int j = 0; j < n[l]; j++) {
                double s = 0;
                for (int k = 0; k < n[l + 1]; k++) s += p.delta[l + 1][k] * w[l + 1][k][j];
                p.delta[l][j] = s * f[l].derivative(p.net[l][j], p.o[l][j]);
            }
        }
        return p;
    }

    /** Gradient of E with respect to every parameter, same indexing as the weights. */
    public static final class Gradient {
        /** ∂E/∂w_tu, [l][t][u]. */
        public final double[][][] w;
        /** ∂E/∂b_t, [l][t]. */
        public final double[][] b;
        /** E: the data error (with its 1/m for mean losses) plus λ/2‖W‖². */
        public double error;

        Gradient(int[] n) {
            int L = n.length - 1;
            w = new double[L + 1][][];
            b = new double[L + 1][];
            for (int l = 1; l <= L; l++) {
                w[l] = new double[n[l]][n[l - 1]];
                b[l] = new double[n[l]];
            }
        }

        /** Flattened in the fast engine's parameter order (W^1, b^1, W^2, b^2, ...). */
        public double[] flat() {
            int size = 0;
            for (int l = 1; l < w.length; l++) size += w[l].length * w[l][0].length + b[l].length;
            double[] g = new double[size];
            int i = 0;
            for (int l = 1; l < w.length; l++) {
                for (double[] row : w[l]) for (double v : row) g[i++] = v;
                for (double v : b[l]) g[i++] = v;
            }
            return g;
        }
    }

    /**
     * Batch gradient: ∂E/∂w = −scale·Σ_p Δ_p w (seed 004: Δw = Σ_p Δ_p w; seed 003, eq. 4: the sum
     * over patterns t) + λ·w. x and d hold one pattern per row.
     */
    public Gradient gradient(double[][] x, double[][] d, double lambda, boolean decayBiases) {
        int L = layers();
        Gradient g = new Gradient(n);
        double scale = loss.scale(x.length);
        double sumE = 0;
        for (int pi = 0; pi < x.length; pi++) {
            Pattern p = backward(x[pi], d[pi]);
            sumE += p.error;
            for (int l = 1; l <= L; l++) {
                for (int t = 0; t < n[l]; t++) {
                    // Δ_p w_tu = δ_t·o_u, so ∂E_p/∂w_tu = −δ_t·o_u   (seed 004)
                    for (int u = 0; u < n[l - 1]; u++) g.w[l][t][u] -= scale * p.delta[l][t] * p.o[l - 1][u];
                    g.b[l][t] -= scale * p.delta[l][t];       // the constant input o = 1
                }
            }
        }
        double penalty = 0;
        for (int l = 1; l <= L; l++) {
            for (int t = 0; t < n[l]; t++) {
                for (int u = 0; u < n[l - 1]; u++) {
                    g.w[l][t][u] += lambda * w[l][t][u];       // ∂(λ/2‖W‖²)/∂w = λ·w   (seed 002)
                    penalty += w[l][t][u] * w[l][t][u];
                }
                if (decayBiases) {
                    g.b[l][t] += lambda * b[l][t];
                    penalty += b[l][t] * b[l][t];
                }
            }
        }
        g.error = scale * sumE + 0.5 * lambda * penalty;
        return g;
    }

    /** E at the current weights (data term with its 1/m, plus λ/2‖W‖²). */
    public double error(double[][] x, double[][] d, double lambda, boolean decayBiases) {
        double sum = 0;
        for (int pi = 0; pi < x.length; pi++) {
            Pattern p = forward(x[pi]);
            for (int k = 0; k < n[layers()]; k++) sum += loss.unitError(p.o[layers()][k], d[pi][k]);
        }
        double penalty = 0;
        for (int l = 1; l <= layers(); l++) {
            for (int t = 0; t < n[l]; t++) {
                for (int u = 0; u < n[l - 1]; u++) penalty += w[l][t][u] * w[l][t][u];
                if (decayBiases) penalty += b[l][t] * b[l][t];
            }
        }
        return loss.scale(x.length) * sum + 0.5 * lambda * penalty;
    }
}
