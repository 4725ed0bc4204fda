package org.backprop4j.second;

import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.kernel.Elementwise;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;

/**
 * Exact Hessian-vector products H·v of the batch error E (with its 1/m and λ/2‖W‖², as in
 * {@link Backprop#gradient}) by Pearlmutter's R-operator (Pearlmutter 1994, "Fast exact
 * multiplication by the Hessian", §4): R{·} = ∂/∂r (·)(w + r·v) at r = 0, applied to every line of
 * the forward and backward pass. One forward and one backward pass of the fast engine's matrix
 * form (float32 products by the same {@link Kernels}, element-wise factors in double), for every
 * activation/loss pair {@link Backprop} accepts. With patterns as rows, Δ = ∂E/∂net and V^l, v_b^l
 * the parts of v:
 * <pre>
 *   R{NET^l} = R{O^{l−1}}·(W^l)ᵀ + O^{l−1}·(V^l)ᵀ + 1·(v_b^l)ᵀ,   R{O^l} = f'(NET^l) ⊙ R{NET^l}
 *   R{Δ^{l−1}} = (R{Δ^l}·W^l + Δ^l·V^l) ⊙ f'(NET^{l−1}) + (Δ^l·W^l) ⊙ f''(NET^{l−1}) ⊙ R{NET^{l−1}}
 *   R{∂E/∂W^l} = R{Δ^l}ᵀ·O^{l−1} + (Δ^l)ᵀ·R{O^{l−1}},   R{∂E/∂b^l} = Σ_rows R{Δ^l}
 * </pre>
 * and at the output R{Δ^L} from the loss's and output activation's second derivatives.
 *
 * <p>With {@code gaussNewton} it returns G·v instead, the Gauss–Newton matrix (Schraudolph 2002,
 * eq. 9: G = Jᵀ·H_out·J): the terms with Δ of a hidden layer and f'' are dropped, and H_out is the
 * loss's curvature in the outputs o (for sum of squares G = JᵀJ, Levenberg–Marquardt's matrix;
 * scaled by 1/m for mse), or in net^L for the canonical pairs logistic+bce and softmax+ce, where
 * E is convex in net^L (Schraudolph 2002, §3, "matching loss").
 *
 * <p>Large batches are processed in chunks of {@link Backprop#CHUNK} rows whose products add up.
 * Not thread-safe: one instance per thread.
 */
public final class HessianVector extends CurvaturePass {
    private float[][] z, o, rz, ro, dl, rdl;   // [l]: m×n_l net, output, R{net}, R{o}, Δ, R{Δ}
    private float[] a, ra;                     // m×n_widest scratch: Δ^l·W^l and the R-products

    public HessianVector(Network net, Loss loss) {
        this(net, loss, KernelProvider.get());
    }

    public HessianVector(Network net, Loss loss, Kernels kernels) {
        super(net, loss, kernels);
    }

    @Override
    void allocate(int m) {
        z = perLayer(m, 1);
        o = perLayer(m, 1);
        rz = perLayer(m, 1);
        ro = perLayer(m, 1);
        dl = perLayer(m, 1);
        rdl = perLayer(m, 1);
        int widest = 0;
        for (int l = 1; l <= layers; l++) widest = Math.max(widest, n[l - 1]);
        a = new float[m * widest];
        ra = new float[m * widest];
    }

    /**
     * hv = H·v (or G·v with {@code gaussNewton}) for the error of rows {@code row .. row+m−1} of x
     * and d, plus λ·v for the decay λ/2‖W‖² (biases too if {@code decayBiases}); v and hv in the
     * layout of {@link Network#params()}. Returns Σ_p E_p of the batch (no 1/m, no decay).
     */
    public double multiply(float[] x, float[] d, int row, int m, float[] v, float[] hv,
                           double lambda, boolean decayBiases, boolean gaussNewton) {
        if (m < 1) throw new IllegalArgumentException("a batch needs at least one pattern");
        int np = net.paramCount();
        if (v.length != np || hv.length != np) {
            throw new IllegalArgumentException("v and Hv need " + np + " values, got " + v.length + " and " + hv.length);
        }
        double scale = loss.scale(m), sumE = 0;
        for (int start = 0; start < m; start += Backprop.CHUNK) {
            sumE += chunk(x, d, row + start, Math.min(Backprop.CHUNK, m - start), v, hv, scale, start > 0, gaussNewton);
        }
        addDecay(hv, v, lambda, decayBiases);   // R{λ·w} = λ·v
        return sumE;
    }

    private double chunk(float[] x, float[] d, int row, int m, float[] v, float[] hv, double scale,
                         boolean accumulate, boolean gaussNewton) {
        ensureCapacity(m);
        float[] p = net.params();
        int L = layers;
        // forward and R-forward (Pearlmutter 1994, §4.1)
        for (int l = 1; l <= L; l++) {
            int nl = n[l], np = n[l - 1];
            float[] in = l == 1 ? x : o[l - 1];
            int inOff = l == 1 ? row * n[0] : 0;
            int w = net.weightOffset(l), b = net.biasOffset(l);
            forwardLayer(l, in, inOff, m, z[l], o[l]);
            // R{NET^l} = O^{l−1}·(V^l)ᵀ + v_b + R{O^{l−1}}·(W^l)ᵀ
            kernels.sgemm(false, true, m, nl, np, 1f, in, inOff, np, v, w, np, 0f, rz[l], 0, nl);
            Elementwise.addToRows(rz[l], 0, m, nl, v, b);
            if (l > 1) kernels.sgemm(false, true, m, nl, np, 1f, ro[l - 1], 0, np, p, w, np, 1f, rz[l], 0, nl);
            Activation f = net.activation(l);
            if (f == Activation.SOFTMAX) {
                // R{o_i} = o_i·(R{net_i} − Σ_k o_k·R{net_k})   (R of seed 003's eq. 37)
                for (int r = 0; r < m; r++) {
                    int s = r * nl;
                    double dot = 0;
                    for (int k = 0; k < nl; k++) dot += (double) o[l][s + k] * rz[l][s + k];
                    for (int i = 0; i < nl; i++) ro[l][s + i] = (float) (o[l][s + i] * (rz[l][s + i] - dot));
                }
            } else {
                for (int i = 0; i < m * nl; i++) ro[l][i] = (float) (f.derivative(z[l][i], o[l][i]) * rz[l][i]);
            }
        }
        double sumE = outputDeltas(d, row * n[L], m, scale, gaussNewton);
        // backward and R-backward (Pearlmutter 1994, §4.2)
        float beta = accumulate ? 1f : 0f;
        for (int l = L; l >= 1; l--) {
            int nl = n[l], np = n[l - 1];
            float[] in = l == 1 ? x : o[l - 1];
            int inOff = l == 1 ? row * n[0] : 0;
            int w = net.weightOffset(l), b = net.biasOffset(l);
            // R{∂E/∂W^l} = R{Δ^l}ᵀ·O^{l−1} + (Δ^l)ᵀ·R{O^{l−1}}  (the second term is 0 for l = 1 and in G)
            kernels.sgemm(true, false, nl, np, m, 1f, rdl[l], 0, nl, in, inOff, np, beta, hv, w, np);
            if (l > 1 && !gaussNewton) kernels.sgemm(true, false, nl, np, m, 1f, dl[l], 0, nl, ro[l - 1], 0, np, 1f, hv, w, np);
            Elementwise.columnSums(rdl[l], m, nl, hv, b, accumulate);
            if (l == 1) break;
            Activation f = net.activation(l - 1);
            float[] rdp = rdl[l - 1], zp = z[l - 1], op = o[l - 1], rzp = rz[l - 1];
            // ra = R{Δ^l}·W^l (+ Δ^l·V^l);  a = Δ^l·W^l
            kernels.sgemm(false, false, m, np, nl, 1f, rdl[l], 0, nl, p, w, np, 0f, ra, 0, np);
            if (gaussNewton) {
                for (int i = 0; i < m * np; i++) rdp[i] = (float) (ra[i] * f.derivative(zp[i], op[i]));
                continue;
            }
            kernels.sgemm(false, false, m, np, nl, 1f, dl[l], 0, nl, v, w, np, 1f, ra, 0, np);
            kernels.sgemm(false, false, m, np, nl, 1f, dl[l], 0, nl, p, w, np, 0f, a, 0, np);
            float[] dp = dl[l - 1];
            for (int i = 0; i < m * np; i++) {
                double f1 = f.derivative(zp[i], op[i]);
                dp[i] = (float) (a[i] * f1);                                            // seed 004, case 2
                rdp[i] = (float) (ra[i] * f1 + a[i] * f.secondDerivative(zp[i], op[i]) * rzp[i]);
            }
        }
        return sumE;
    }

    /** Δ^L and R{Δ^L} (or its Gauss–Newton part) into dl[L], rdl[L]; returns Σ_p E_p. */
    private double outputDeltas(float[] d, int dOff, int m, double scale, boolean gaussNewton) {
        int L = layers, nL = n[L];
        float[] out = o[L], zL = z[L], rzL = rz[L], roL = ro[L], D = dl[L], RD = rdl[L];
        Activation f = net.outputActivation();
        double sumE = 0;
        for (int i = 0; i < m * nL; i++) sumE += loss.unitError(out[i], d[dOff + i]);
        if (loss.fusesWith(f)) {
            // Δ = s·(o − d), so R{Δ} = s·R{o} (seed 003, eqs. 31·33 and 40): exact, and E is convex in net^L
            for (int i = 0; i < m * nL; i++) {
                D[i] = (float) (scale * (out[i] - d[dOff + i]));
                RD[i] = (float) (scale * roL[i]);
            }
        } else if (f == Activation.SOFTMAX) {
            // Δ_i = s·o_i(g_i − Σ_k g_k o_k), g = ∂E_p/∂o (seed 003, eqs. 39–40), and its R-derivative
            for (int r = 0; r < m; r++) {
                int s = r * nL;
                double dot = 0, rdot = 0, gdot = 0;
                for (int k = 0; k < nL; k++) {
                    double ok = out[s + k], g = loss.unitErrorDerivative(ok, d[dOff + s + k]);
                    double rg = loss.unitErrorSecondDerivative(ok, d[dOff + s + k]) * roL[s + k];
                    dot += g * ok;
                    rdot += rg * ok + g * roL[s + k];
                    gdot += rg * ok;
                }
                for (int i = 0; i < nL; i++) {
                    double oi = out[s + i], g = loss.unitErrorDerivative(oi, d[dOff + s + i]);
                    double rg = loss.unitErrorSecondDerivative(oi, d[dOff + s + i]) * roL[s + i];
                    D[s + i] = (float) (scale * oi * (g - dot));
                    // G: J_oᵀ·diag(E'')·J_o·R{net}, with the softmax Jacobian J_o symmetric: o_i(u_i − Σ_k o_k u_k), u = E''·R{o}
                    RD[s + i] = (float) (gaussNewton ? scale * oi * (rg - gdot)
                            : scale * (roL[s + i] * (g - dot) + oi * (rg - rdot)));
                }
            }
        } else {
            // Δ = s·E'(o)·f'(net);  R{Δ} = s·(E''(o)·f'² + E'(o)·f'')·R{net}  (G drops the f'' term)
            for (int i = 0; i < m * nL; i++) {
                double oi = out[i], di = d[dOff + i], f1 = f.derivative(zL[i], oi);
                double e1 = loss.unitErrorDerivative(oi, di), e2 = loss.unitErrorSecondDerivative(oi, di);
                D[i] = (float) (scale * e1 * f1);
                double curv = e2 * f1 * f1 + (gaussNewton ? 0 : e1 * f.secondDerivative(zL[i], oi));
                RD[i] = (float) (scale * curv * rzL[i]);
            }
        }
        return sumE;
    }
}
