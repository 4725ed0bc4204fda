package org.backprop4j.second;

import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.kernel.Elementwise;
import org.backprop4j.kernel.Kernels;

/**
 * What the two second-derivative passes share ({@link HessianVector}, {@link DiagonalHessian}): the
 * network, loss and kernels they run on, the pairing check, per-layer buffers for a batch of
 * {@link Backprop#CHUNK} rows at most (grown on demand), the forward pass that keeps both NET and
 * O, and the curvature of the decay term λ/2‖W‖² (λ·I on the decayed parameters, seed 002).
 * Not thread-safe: one instance per thread.
 */
abstract sealed class CurvaturePass permits HessianVector, DiagonalHessian {
    final Network net;
    final Loss loss;
    final Kernels kernels;
    final int layers;
    final int[] n;
    private int capacity;

    CurvaturePass(Network net, Loss loss, Kernels kernels) {
        Backprop.checkPairing(net.outputActivation(), loss);
        this.net = net;
        this.loss = loss;
        this.kernels = kernels;
        this.layers = net.layers();
        this.n = net.sizes();
    }

    /** The network whose curvature this computes (its current parameters are used). */
    public Network network() { return net; }

    /** The loss E. */
    public Loss loss() { return loss; }

    /** Buffers for at least m rows (a chunk), allocated once per size increase. */
    final void ensureCapacity(int m) {
        if (m <= capacity) return;
        allocate(m);
        capacity = m;
    }

    /** Allocates this pass's buffers for m rows. */
    abstract void allocate(int m);

    /** New per-layer arrays of m·n_l floats for l = from..L (index l; lower entries null). */
    final float[][] perLayer(int m, int from) {
        float[][] a = new float[layers + 1][];
        for (int l = from; l <= layers; l++) a[l] = new float[m * n[l]];
        return a;
    }

    /**
     * out += λ·v (or out += λ when v is null, the diagonal) on the decayed parameters: every weight,
     * biases only with {@code decayBiases}; the Hessian of λ/2‖W‖² is λ·I there (seed 002).
     */
    final void addDecay(float[] out, float[] v, double lambda, boolean decayBiases) {
        if (lambda == 0) return;
        for (int l = 1; l <= layers; l++) {
            int end = net.biasOffset(l) + (decayBiases ? n[l] : 0);
            for (int i = net.weightOffset(l); i < end; i++) out[i] += (float) (v == null ? lambda : lambda * v[i]);
        }
    }

    /**
     * One layer of the forward pass, keeping both: z = NET^l = O^{l−1}·(W^l)ᵀ + 1·(b^l)ᵀ and o = f_l(z)
     * (seed 001/002), rows of {@code in} from {@code inOff}.
     */
    final void forwardLayer(int l, float[] in, int inOff, int m, float[] z, float[] o) {
        int nl = n[l], np = n[l - 1];
        float[] p = net.params();
        kernels.sgemm(false, true, m, nl, np, 1f, in, inOff, np, p, net.weightOffset(l), np, 0f, z, 0, nl);
        Elementwise.addToRows(z, 0, m, nl, p, net.biasOffset(l));
        System.arraycopy(z, 0, o, 0, m * nl);
        Activation f = net.activation(l);
        if (f == Activation.SOFTMAX) Activation.softmax(o, 0, m, nl, null);
        else f.apply(o, 0, m, nl);
    }
}
