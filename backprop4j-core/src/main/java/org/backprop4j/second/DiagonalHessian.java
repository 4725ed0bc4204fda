package org.backprop4j.second;

import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.kernel.Elementwise;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;

/**
 * The diagonal of the Hessian as Becker &amp; LeCun (1988, "Improving the convergence of
 * back-propagation learning with second order methods", eqs. 4–6) backpropagate it: second
 * derivatives S = ∂²E/∂net² are sent down like deltas, with the off-diagonal terms and the
 * terms in f'' dropped (the Gauss–Newton, always non-negative form; LeCun et al. 1998, "Efficient
 * BackProp", §9.1):
 * <pre>
 *   S^L = H_out (the diagonal of the loss's curvature in net^L),
 *   S^{l−1} = f'(NET^{l−1})² ⊙ (S^l·(W^l)^{∘2}),   ∂²E/∂(w^l_tu)² ≈ Σ_p S^l_pt·(o^{l−1}_pu)²,   ∂²E/∂(b^l_t)² ≈ Σ_p S^l_pt
 * </pre>
 * For one layer (no hidden units) and a single output this is the exact diagonal of the Gauss–Newton matrix.
 */
public final class DiagonalHessian extends CurvaturePass {
    private float[][] z, o, s, o2;
    private final float[] w2;

    public DiagonalHessian(Network net, Loss loss) {
        this(net, loss, KernelProvider.get());
    }

    public DiagonalHessian(Network net, Loss loss, Kernels kernels) {
        super(net, loss, kernels);
        this.w2 = new float[net.paramCount()];
    }

    @Override
    void allocate(int m) {
        z = perLayer(m, 1);
        o = perLayer(m, 1);
        s = perLayer(m, 1);
        o2 = perLayer(m, 0);
    }

    /** diag = the approximate ∂²E/∂w_i² for rows row .. row+m−1 (with E's 1/m), plus λ on the decayed parameters. */
    public void compute(float[] x, float[] d, int row, int m, float[] diag, double lambda, boolean decayBiases) {
        if (m < 1) throw new IllegalArgumentException("a batch needs at least one pattern");
        float[] p = net.params();
        for (int i = 0; i < p.length; i++) w2[i] = p[i] * p[i];
        double scale = loss.scale(m);
        for (int start = 0; start < m; start += Backprop.CHUNK) {
            chunk(x, d, row + start, Math.min(Backprop.CHUNK, m - start), diag, scale, start > 0);
        }
        addDecay(diag, null, lambda, decayBiases);   // ∂²(λ/2 w²)/∂w² = λ
    }

    private void chunk(float[] x, float[] d, int row, int m, float[] diag, double scale, boolean accumulate) {
        ensureCapacity(m);
        float[] p = net.params();
        int L = layers;
        for (int i = 0; i < m * n[0]; i++) {
            float v = x[row * n[0] + i];
            o2[0][i] = v * v;
        }
        for (int l = 1; l <= L; l++) {
            int nl = n[l], np = n[l - 1];
            float[] in = l == 1 ? x : o[l - 1];
            int inOff = l == 1 ? row * n[0] : 0;
            forwardLayer(l, in, inOff, m, z[l], o[l]);
            for (int i = 0; i < m * nl; i++) o2[l][i] = o[l][i] * o[l][i];
        }
        outputCurvature(d, row * n[L], m, scale);
        float beta = accumulate ? 1f : 0f;
        for (int l = L; l >= 1; l--) {
            int nl = n[l], np = n[l - 1], w = net.weightOffset(l);
            kernels.sgemm(true, false, nl, np, m, 1f, s[l], 0, nl, o2[l - 1], 0, np, beta, diag, w, np);
            Elementwise.columnSums(s[l], m, nl, diag, net.biasOffset(l), accumulate);
            if (l == 1) break;
            // S^{l−1} = f'² ⊙ (S^l·(W^l)∘²)   (Becker & LeCun 1988, eq. 5 without the f'' term)
            kernels.sgemm(false, false, m, np, nl, 1f, s[l], 0, nl, w2, w, np, 0f, s[l - 1], 0, np);
            Activation f = net.activation(l - 1);
            for (int i = 0; i < m * np; i++) {
                double f1 = f.derivative(z[l - 1][i], o[l - 1][i]);
                s[l - 1][i] = (float) (s[l - 1][i] * f1 * f1);
            }
        }
    }

    /** S^L: the diagonal of ∂²E/∂net² (Gauss–Newton part), times the loss's scale. */
    private void outputCurvature(float[] d, int dOff, int m, double scale) {
        int nL = n[layers];
        float[] out = o[layers], zL = z[layers], S = s[layers];
        Activation f = net.outputActivation();
        if (loss.fusesWith(f)) {
            // ∂Δ/∂net of Δ = o − d: f'(net), the softmax Jacobian's diagonal o(1−o) (seed 003, eq. 39 with i = k)
            for (int i = 0; i < m * nL; i++) {
                double oi = out[i];
                S[i] = (float) (scale * (f == Activation.SOFTMAX ? oi * (1 - oi) : f.derivative(zL[i], oi)));
            }
        } else if (f == Activation.SOFTMAX) {
            // diag(Jᵀ·diag(E'')·J), J_jk = o_j(δ_jk − o_k) (seed 003, eq. 39)
            for (int r = 0; r < m; r++) {
                int b = r * nL;
                for (int k = 0; k < nL; k++) {
                    double sum = 0;
                    for (int j = 0; j < nL; j++) {
                        double jjk = out[b + j] * ((j == k ? 1 : 0) - out[b + k]);
                        sum += jjk * jjk * loss.unitErrorSecondDerivative(out[b + j], d[dOff + b + j]);
                    }
                    S[b + k] = (float) (scale * sum);
                }
            }
        } else {
            for (int i = 0; i < m * nL; i++) {
                double f1 = f.derivative(zL[i], out[i]);
                S[i] = (float) (scale * loss.unitErrorSecondDerivative(out[i], d[dOff + i]) * f1 * f1);
            }
        }
    }
}
