package org.backprop4j;

import org.backprop4j.kernel.Elementwise;

/**
 * Unit activation functions {@code o = f(net)} and their derivatives {@code f'(net)}.
 * Every f here except softmax has a derivative that can be written from the output o alone
 * (seed 003, eq. 13: logistic f' = o(1−o)), which is how the engines use it: no need to keep net.
 * Softmax is non-local (seed 003, eqs. 37–40) and is only allowed on the output layer.
 */
public enum Activation {
    /** f(net) = net; f' = 1 (seed 003, eqs. 7–8: linear output units for regression). */
    IDENTITY,
    /** f(net) = 1/(1+e^−net); f' = o(1−o) (seed 003, eqs. 12–13). */
    LOGISTIC,
    /** f(net) = tanh(net); f' = 1−o². */
    TANH,
    /** f(net) = max(0, net) (seed 002's example hidden layer); f' = 1 if net &gt; 0 else 0. */
    RELU,
    /** f(net) = net if net &gt; 0 else 0.01·net; f' = 1 or 0.01. */
    LEAKY_RELU,
    /** o_i = e^{net_i}/Σ_k e^{net_k} (seed 003, eq. 37); output layer only. */
    SOFTMAX;

    /** Slope of {@link #LEAKY_RELU} for negative net input. */
    public static final float LEAKY_SLOPE = 0.01f;

    /** Scalar f(net) in double (the reference engine's form; softmax is not scalar). */
    public double f(double net) {
        return switch (this) {
            case IDENTITY -> net;
            case LOGISTIC -> 1.0 / (1.0 + Math.exp(-net));
            case TANH -> Math.tanh(net);
            case RELU -> net > 0 ? net : 0.0;
            case LEAKY_RELU -> net > 0 ? net : LEAKY_SLOPE * net;
            case SOFTMAX -> throw new UnsupportedOperationException("softmax is not a scalar function");
        };
    }

    /** Scalar f'(net) written from the output o = f(net) (not for softmax). */
    public double derivativeFromOutput(double o) {
        return switch (this) {
            case IDENTITY -> 1.0;
            case LOGISTIC -> o * (1.0 - o);          // seed 003, eq. 13
            case TANH -> 1.0 - o * o;
            case RELU -> o > 0 ? 1.0 : 0.0;
            case LEAKY_RELU -> o > 0 ? 1.0 : LEAKY_SLOPE;
            case SOFTMAX -> throw new UnsupportedOperationException("softmax has a Jacobian, not a scalar derivative");
        };
    }

    /**
     * In place over an m×n row-major block: {@code a[i] = f(a[i])}; softmax per row (max-shifted
     * for stability). Logistic, tanh and softmax's exponentials are float32 functions with relative
     * error below 10⁻⁶ ({@link org.backprop4j.kernel.Elementwise}: Vector API loops when the
     * jdk.incubator.vector module is present, bit-identical scalar loops otherwise).
     */
    public void apply(float[] a, int off, int m, int n) {
        int end = off + m * n;
        switch (this) {
            case IDENTITY -> { }
            case LOGISTIC -> Elementwise.logistic(a, off, m * n);       // seed 003, eq. 12
            case TANH -> Elementwise.tanh(a, off, m * n);
            case RELU -> {
                for (int i = off; i < end; i++) a[i] = Math.max(a[i], 0f);
            }
            case LEAKY_RELU -> {
                for (int i = off; i < end; i++) {
                    float v = a[i];
                    a[i] = v > 0f ? v : LEAKY_SLOPE * v;
                }
            }
            case SOFTMAX -> softmax(a, off, m, n, null);
        }
    }

    /**
     * Softmax of each of the m rows of length n at a[off ..], in place: o_i = e^{net_i − max} /
     * Σ_k e^{net_k − max} (seed 003, eq. 37, shifted by the row max); each row shifted by its max,
     * then the exponentials of the whole block in one call (e^(x − 0) = e^x: the same bits as a call
     * per row with shift = max, in long vectors). If {@code lse} is given, lse[r] = max_r + ln Σ_k
     * e^{net_k − max_r}, the log of row r's normaliser, so that a log-loss −log o_k = lse − net_k
     * needs no exponential of its own and is finite even where o_k underflows to 0.
     */
    public static void softmax(float[] a, int off, int m, int n, double[] lse) {
        for (int r = 0; r < m; r++) {
            int s = off + r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) max = Math.max(max, a[s + j]);
            for (int j = 0; j < n; j++) a[s + j] -= max;
            if (lse != null) lse[r] = max;
        }
        Elementwise.expShifted(a, off, m * n, 0f);
        for (int r = 0; r < m; r++) {
            int s = off + r * n;
            double sum = 0;
            for (int j = 0; j < n; j++) sum += a[s + j];
            Elementwise.scale(a, s, n, (float) (1.0 / sum));
            if (lse != null) lse[r] += Math.log(sum);
        }
    }

    /**
     * In place: {@code g[i] *= f'(net_i)} with f' from the outputs o (element-wise; not softmax).
     * This is the "· f'(net)" factor of the delta rule (seed 004: δ_j = (Σ_k δ_k w_kj)·f'_j(net_j)).
     */
    public void multiplyDerivative(float[] g, float[] o, int off, int len) {
        switch (this) {
            case IDENTITY -> { }
            case LOGISTIC -> Elementwise.multiplyDerivative(Elementwise.DERIV_LOGISTIC, g, o, off, len);   // o(1−o), seed 003 eq. 13
            case TANH -> Elementwise.multiplyDerivative(Elementwise.DERIV_TANH, g, o, off, len);           // 1 − o²
            case RELU -> Elementwise.multiplyDerivative(Elementwise.DERIV_RELU, g, o, off, len);           // o > 0 ? 1 : 0
            case LEAKY_RELU -> Elementwise.multiplyDerivative(Elementwise.DERIV_LEAKY_RELU, g, o, off, len); // o > 0 ? 1 : 0.01
            case SOFTMAX -> throw new UnsupportedOperationException("softmax Jacobian is applied by the loss");
        }
    }

    /** Parses a user-facing name: identity|linear, logistic|sigmoid, tanh, relu, leaky_relu|leakyrelu, softmax. */
    public static Activation parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_')) {
            case "identity", "linear" -> IDENTITY;
            case "logistic", "sigmoid" -> LOGISTIC;
            case "tanh" -> TANH;
            case "relu" -> RELU;
            case "leaky_relu", "leakyrelu" -> LEAKY_RELU;
            case "softmax" -> SOFTMAX;
            default -> throw new IllegalArgumentException("unknown activation '" + s
                    + "' (expected identity, logistic, tanh, relu, leaky_relu or softmax)");
        };
    }

    /** The lower-case name used in files and on the command line. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
