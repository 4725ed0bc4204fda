package org.backprop4j.train;

import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;

/**
 * The full-batch training error of a network as a function of its weights:
 * E(w) = loss over all m patterns (summed for SSE, mean otherwise; seed 003's batch error) + λ/2‖W‖².
 *
 * <p>{@link #valueAndGradient} uses the fast engine ({@link Backprop}, float32, one batch of m
 * rows); the weights being tried are copied into the network first. For sum-of-squares losses
 * (SSE, MSE) it is also a {@link LeastSquaresObjective}: residuals r_{pk} = o_k(x_p) − d_{pk} and
 * the Jacobian ∂o_k(x_p)/∂w, computed in double precision one pattern and one output at a time —
 * a forward pass, then for each output k a backward pass of seed 004's deltas started from
 * δ^L_j = ∂o_k/∂net_j instead of from the error (per-pattern, not summed, so J has a row per
 * pattern and output).
 */
public final class NetworkObjective implements LeastSquaresObjective, CurvatureObjective {
    private final Network net;
    private final Loss loss;
    private final DataSet data;
    private final double lambda;
    private final boolean decayBiases;
    private final Backprop engine;
    private final Kernels kernels;
    private org.backprop4j.second.HessianVector hessian;          // made on first use
    private org.backprop4j.second.DiagonalHessian diagonal;
    private final float[] scratch;
    private final int m;
    private long evaluations;
    // double-precision per-pattern forward/backward buffers (Jacobian path)
    private final int layers;
    private final int[] n;
    private final double[][] o;       // o[l][t], l = 0..L
    private final double[][] z;       // z[l][t] = net^l_t (for activations whose f' needs net)
    private final double[][] delta;   // delta[l][t] = ∂o_k/∂net^l_t

    public NetworkObjective(Network net, Loss loss, DataSet data, double lambda, boolean decayBiases) {
        this(net, loss, data, lambda, decayBiases, KernelProvider.get());
    }

    public NetworkObjective(Network net, Loss loss, DataSet data, double lambda, boolean decayBiases, Kernels kernels) {
        if (data.inputs() != net.inputs() || data.outputs() != net.outputs()) {
            throw new IllegalArgumentException("data has " + data.inputs() + " inputs and " + data.outputs()
                    + " outputs; the network " + net.inputs() + " and " + net.outputs());
        }
        if (data.size() == 0) throw new IllegalArgumentException("the training set is empty");
        if (!(lambda >= 0) || !Double.isFinite(lambda)) throw new IllegalArgumentException("λ must be ≥ 0: " + lambda);
        this.net = net;
        this.loss = loss;
        this.data = data;
        this.lambda = lambda;
        this.decayBiases = decayBiases;
        this.engine = new Backprop(net, loss, kernels);
        this.kernels = kernels;
        this.scratch = new float[net.paramCount()];
        this.m = data.size();
        this.layers = net.layers();
        this.n = net.sizes();
        this.o = new double[layers + 1][];
        this.delta = new double[layers + 1][];
        this.z = new double[layers + 1][];
        for (int l = 0; l <= layers; l++) {
            o[l] = new double[n[l]];
            z[l] = new double[n[l]];
            delta[l] = new double[n[l]];
        }
    }

    public Network network() { return net; }
    public DataSet data() { return data; }
    public Loss loss() { return loss; }
    /** Evaluations of E (with or without gradient or Jacobian) so far. */
    public long evaluations() { return evaluations; }

    @Override
    public int dimension() {
        return net.paramCount();
    }

    private void load(float[] w) {
        if (w != net.params()) net.setParams(w);
    }

    @Override
    public double valueAndGradient(float[] w, float[] grad) {
        load(w);
        evaluations++;
        double sumE = engine.gradient(data.x(), data.d(), 0, m, grad, lambda, decayBiases);
        return loss.scale(m) * sumE + Backprop.decayPenalty(net, lambda, decayBiases);
    }

    @Override
    public double value(float[] w) {
        return valueAndGradient(w, scratch);
    }

    @Override
    public void hessianVector(float[] w, float[] v, float[] hv, boolean gaussNewton) {
        load(w);
        evaluations++;
        if (hessian == null) hessian = new org.backprop4j.second.HessianVector(net, loss, kernels);
        hessian.multiply(data.x(), data.d(), 0, m, v, hv, lambda, decayBiases, gaussNewton);
    }

    @Override
    public void curvatureDiagonal(float[] w, float[] diag) {
        load(w);
        evaluations++;
        if (diagonal == null) diagonal = new org.backprop4j.second.DiagonalHessian(net, loss, kernels);
        diagonal.compute(data.x(), data.d(), 0, m, diag, lambda, decayBiases);
    }

    // ---- least squares (Levenberg–Marquardt) ----

    private void requireSumOfSquares() {
        if (loss != Loss.SSE && loss != Loss.MSE) {
            throw new IllegalArgumentException("Levenberg–Marquardt needs a sum-of-squares loss (sse or mse), not "
                    + loss.id() + ": its Gauss–Newton model assumes E = ½Σ(o−d)²");
        }
    }

    /**
     * MacKay's classes (1992b: input-to-hidden weights, hidden biases, hidden-to-output weights
     * and output biases), for any depth: each hidden layer's weights and its biases, and the output
     * layer's weights and biases together.
     */
    @Override
    public WeightClasses weightClasses() {
        int[] of = new int[net.paramCount()];
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int l = 1; l <= layers; l++) {
            int wo = net.weightOffset(l), bo = net.biasOffset(l);
            boolean out = l == layers;
            names.add(out ? "layer " + l + " (output) weights and biases" : "layer " + l + " weights");
            for (int i = wo; i < wo + n[l] * n[l - 1]; i++) of[i] = names.size() - 1;
            if (!out) names.add("layer " + l + " biases");
            for (int i = bo; i < bo + n[l]; i++) of[i] = names.size() - 1;
        }
        return new WeightClasses(of, names);
    }

    @Override
    public int residualCount() {
        return m * net.outputs();
    }

    @Override
    public double residualScale() {
        requireSumOfSquares();
        return loss.scale(m);
    }

    @Override
    public double regularization(int i) {
        if (lambda == 0) return 0;
        return decayBiases || !net.isBias(i) ? lambda : 0;
    }

    @Override
    public double residuals(float[] w, double[] r) {
        return residualsAndJacobian(w, r, null);
    }

    @Override
    public double residualsAndJacobian(float[] w, double[] r, double[] jac) {
        requireSumOfSquares();
        load(w);
        evaluations++;
        int K = net.outputs(), np = net.paramCount();
        float[] x = data.x(), d = data.d();
        double sum = 0;
        for (int p = 0; p < m; p++) {
            forward(x, p);
            double[] out = o[layers];
            for (int k = 0; k < K; k++) {
                double rk = out[k] - d[p * K + k];      // r = o − d, so ½r² = E_p's term (seed 004)
                r[p * K + k] = rk;
                sum += rk * rk;
                if (jac != null) backwardOutput(k, jac, (long) (p * K + k) * np);
            }
        }
        return loss.scale(m) * 0.5 * sum + Backprop.decayPenalty(net, lambda, decayBiases);
    }

    /** o^l = f_l(W^l·o^{l−1} + b^l) in double for pattern p (seed 001/002). */
    private void forward(float[] x, int p) {
        float[] w = net.params();
        int in = n[0];
        for (int u = 0; u < in; u++) o[0][u] = x[p * in + u];
        for (int l = 1; l <= layers; l++) {
            int wo = net.weightOffset(l), bo = net.biasOffset(l), nprev = n[l - 1];
            double[] prev = o[l - 1], cur = o[l];
            for (int t = 0; t < n[l]; t++) {
                double s = w[bo + t];
                int row = wo + t * nprev;
                for (int u = 0; u < nprev; u++) s += w[row + u] * prev[u];   // net_t = Σ_u w_tu·o_u
                cur[t] = s;
                z[l][t] = s;
            }
            Activation f = net.activation(l);
            if (f == Activation.SOFTMAX) {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : cur) max = Math.max(max, v);
                double z = 0;
                for (int t = 0; t < n[l]; t++) z += cur[t] = Math.exp(cur[t] - max);
                for (int t = 0; t < n[l]; t++) cur[t] /= z;
            } else {
                for (int t = 0; t < n[l]; t++) cur[t] = f.f(cur[t]);
            }
        }
    }

    /**
     * Row {@code rowOff} of J: ∂o_k/∂w for the current pattern. δ^L_j = ∂o_k/∂net^L_j, then seed 004's
     * hidden-unit rule δ_u = (Σ_t δ_t·w_tu)·f'(net_u), and ∂o_k/∂w_tu = δ_t·o_u.
     */
    private void backwardOutput(int k, double[] jac, long rowOff) {
        double[] oL = o[layers], dL = delta[layers];
        Activation fL = net.outputActivation();
        for (int j = 0; j < n[layers]; j++) {
            dL[j] = fL == Activation.SOFTMAX
                    ? oL[k] * ((j == k ? 1 : 0) - oL[j])               // ∂o_k/∂net_j = o_k(δ_kj − o_j) (seed 003, eq. 39)
                    : (j == k ? fL.derivative(z[layers][k], oL[k]) : 0);  // f'(net_k) on the diagonal only
        }
        float[] w = net.params();
        for (int l = layers; l >= 1; l--) {
            int wo = net.weightOffset(l), bo = net.biasOffset(l), nprev = n[l - 1];
            double[] dl = delta[l], prev = o[l - 1];
            for (int t = 0; t < n[l]; t++) {
                double dt = dl[t];
                int row = (int) (rowOff + wo + t * nprev);
                for (int u = 0; u < nprev; u++) jac[row + u] = dt * prev[u];   // δ_t·o_u
                jac[(int) (rowOff + bo + t)] = dt;                             // bias: input 1
            }
            if (l > 1) {
                double[] dp = delta[l - 1];
                Activation f = net.activation(l - 1);
                for (int u = 0; u < nprev; u++) {
                    double s = 0;
                    for (int t = 0; t < n[l]; t++) s += dl[t] * w[wo + t * nprev + u];
                    dp[u] = s * f.derivative(z[l - 1][u], prev[u]);
                }
            }
        }
    }
}
