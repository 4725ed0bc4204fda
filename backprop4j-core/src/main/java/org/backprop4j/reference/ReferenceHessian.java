package org.backprop4j.reference;

import org.backprop4j.Activation;
import org.backprop4j.Loss;

/**
 * Exact second derivatives in the reference engine (double precision, one unit at a time, seed 004's
 * notation with g_t = ∂E_p/∂net_t = −δ_t): the Hessian-vector product H·v by Pearlmutter's R-operator
 * (Pearlmutter 1994, §4), and the full Hessian as H·e_i over the basis vectors e_i, column by
 * column (Pearlmutter 1994, §1: n products give H exactly; Bishop 1992's second-derivative
 * backpropagation computes the same matrix). Meant for small networks: H has P² entries.
 *
 * <p>Parameters are ordered as {@link org.backprop4j.Network#params()} (W¹ row-major, b¹, W², b², …).
 */
public final class ReferenceHessian {
    private final ReferenceNetwork net;

    public ReferenceHessian(ReferenceNetwork net) {
        this.net = net;
    }

    /** Number of parameters P. */
    public int parameters() {
        int P = 0;
        for (int l = 1; l <= net.layers(); l++) P += net.size(l) * (net.size(l - 1) + 1);
        return P;
    }

    /**
     * H·v for E = scale·Σ_p E_p + λ/2‖W‖² (the same E as {@link ReferenceNetwork#gradient}); x and d
     * hold one pattern per row.
     */
    public double[] multiply(double[][] x, double[][] d, double[] v, double lambda, boolean decayBiases) {
        int L = net.layers();
        Loss loss = net.loss();
        double scale = loss.scale(x.length);
        double[] hv = new double[parameters()];
        // the parts of v in [l][t][u] and [l][t] form
        double[][][] vw = new double[L + 1][][];
        double[][] vb = new double[L + 1][];
        int[] off = new int[L + 1];
        int i = 0;
        for (int l = 1; l <= L; l++) {
            off[l] = i;
            vw[l] = new double[net.size(l)][net.size(l - 1)];
            vb[l] = new double[net.size(l)];
            for (int t = 0; t < net.size(l); t++) for (int u = 0; u < net.size(l - 1); u++) vw[l][t][u] = v[i++];
            for (int t = 0; t < net.size(l); t++) vb[l][t] = v[i++];
        }
        for (int pi = 0; pi < x.length; pi++) {
            ReferenceNetwork.Pattern p = net.backward(x[pi], d[pi]);
            // R-forward: R{net_t} = Σ_u (v_tu·o_u + w_tu·R{o_u}) + v_bt, R{o_t} = f'(net_t)·R{net_t}
            double[][] rnet = new double[L + 1][], ro = new double[L + 1][];
            ro[0] = new double[net.size(0)];
            for (int l = 1; l <= L; l++) {
                rnet[l] = new double[net.size(l)];
                ro[l] = new double[net.size(l)];
                for (int t = 0; t < net.size(l); t++) {
                    double s = vb[l][t];
                    for (int u = 0; u < net.size(l - 1); u++) s += vw[l][t][u] * p.o[l - 1][u] + net.weight(l, t, u) * ro[l - 1][u];
                    rnet[l][t] = s;
                }
                if (net.activation(l) == Activation.SOFTMAX) {
                    for (int t = 0; t < net.size(l); t++) {
                        double s = 0;                                   // ∂o_t/∂net_k = o_t(δ_tk − o_k), seed 003 eq. 39
                        for (int k = 0; k < net.size(l); k++) s += p.o[l][t] * ((t == k ? 1 : 0) - p.o[l][k]) * rnet[l][k];
                        ro[l][t] = s;
                    }
                } else {
                    for (int t = 0; t < net.size(l); t++) ro[l][t] = net.activation(l).derivative(p.net[l][t], p.o[l][t]) * rnet[l][t];
                }
            }
            // g_t = ∂E_p/∂net_t = −δ_t, and R{g_t}, output units first
            double[][] rg = new double[L + 1][];
            rg[L] = outputR(p, d[pi], rnet[L], ro[L]);
            for (int l = L; l >= 1; l--) {
                for (int t = 0; t < net.size(l); t++) {
                    double g = -p.delta[l][t];
                    // R{∂E_p/∂w_tu} = R{g_t}·o_u + g_t·R{o_u}
                    for (int u = 0; u < net.size(l - 1); u++) {
                        hv[off[l] + t * net.size(l - 1) + u] += scale * (rg[l][t] * p.o[l - 1][u] + g * ro[l - 1][u]);
                    }
                    hv[off[l] + net.size(l) * net.size(l - 1) + t] += scale * rg[l][t];
                }
                if (l == 1) break;
                rg[l - 1] = new double[net.size(l - 1)];
                Activation f = net.activation(l - 1);
                for (int j = 0; j < net.size(l - 1); j++) {
                    double back = 0, rback = 0;                          // Σ_k g_k·w_kj and its R-derivative
                    for (int k = 0; k < net.size(l); k++) {
                        back += -p.delta[l][k] * net.weight(l, k, j);
                        rback += rg[l][k] * net.weight(l, k, j) + -p.delta[l][k] * vw[l][k][j];
                    }
                    double z = p.net[l - 1][j], o = p.o[l - 1][j];
                    rg[l - 1][j] = rback * f.derivative(z, o) + back * f.secondDerivative(z, o) * rnet[l - 1][j];
                }
            }
        }
        for (int l = 1; l <= L; l++) {
            int nw = net.size(l) * net.size(l - 1);
            for (int k = 0; k < nw; k++) hv[off[l] + k] += lambda * v[off[l] + k];       // R{λ·w} = λ·v
            if (decayBiases) for (int t = 0; t < net.size(l); t++) hv[off[l] + nw + t] += lambda * v[off[l] + nw + t];
        }
        return hv;
    }

    /** R{∂E_p/∂net_k} for the output units. */
    private double[] outputR(ReferenceNetwork.Pattern p, double[] d, double[] rnet, double[] ro) {
        int L = net.layers(), K = net.size(L);
        Loss loss = net.loss();
        Activation f = net.activation(L);
        double[] o = p.o[L], r = new double[K];
        if (loss.fusesWith(f)) {
            for (int k = 0; k < K; k++) r[k] = ro[k];                    // g = o − d, so R{g} = R{o}
        } else if (f == Activation.SOFTMAX) {
            // g_i = Σ_k E'(o_k)·o_k(δ_ik − o_i) (seed 003, eq. 40 negated), differentiated along v
            for (int i = 0; i < K; i++) {
                double s = 0;
                for (int k = 0; k < K; k++) {
                    double e1 = loss.unitErrorDerivative(o[k], d[k]), e2 = loss.unitErrorSecondDerivative(o[k], d[k]);
                    double kron = i == k ? 1 : 0;
                    s += e2 * ro[k] * o[k] * (kron - o[i]) + e1 * ro[k] * (kron - o[i]) - e1 * o[k] * ro[i];
                }
                r[i] = s;
            }
        } else {
            for (int k = 0; k < K; k++) {
                double e1 = loss.unitErrorDerivative(o[k], d[k]), e2 = loss.unitErrorSecondDerivative(o[k], d[k]);
                double f1 = f.derivative(p.net[L][k], o[k]);
                r[k] = (e2 * f1 * f1 + e1 * f.secondDerivative(p.net[L][k], o[k])) * rnet[k];
            }
        }
        return r;
    }

    /** The full P×P Hessian, column i = H·e_i. */
    public double[][] hessian(double[][] x, double[][] d, double lambda, boolean decayBiases) {
        int P = parameters();
        double[][] h = new double[P][P];
        double[] e = new double[P];
        for (int i = 0; i < P; i++) {
            e[i] = 1;
            double[] col = multiply(x, d, e, lambda, decayBiases);
            e[i] = 0;
            for (int r = 0; r < P; r++) h[r][i] = col[r];
        }
        return h;
    }

    /**
     * Eigenvalues of a symmetric matrix, ascending, by the cyclic Jacobi method (Golub &amp; Van Loan,
     * Matrix Computations, 4th ed., Alg. 8.5.3): rotations zero the off-diagonal entries until their
     * norm is below 10⁻¹⁵ of the matrix's.
     */
    public static double[] eigenvalues(double[][] sym) {
        int n = sym.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = sym[i].clone();
        double total = 0;
        for (double[] row : a) for (double v : row) total += v * v;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) for (int q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
            if (off <= 1e-30 * Math.max(total, Double.MIN_NORMAL)) break;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) continue;
                    // Golub & Van Loan Alg. 8.5.1 (symSchur2): c, s zeroing a_pq
                    double tau = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(tau) == 0 ? 1 : Math.signum(tau) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
                    double c = 1 / Math.sqrt(1 + t * t), s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                }
            }
        }
        double[] ev = new double[n];
        for (int i = 0; i < n; i++) ev[i] = a[i][i];
        java.util.Arrays.sort(ev);
        return ev;
    }
}
