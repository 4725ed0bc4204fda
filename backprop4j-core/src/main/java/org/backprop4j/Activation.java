package org.backprop4j;

import org.backprop4j.kernel.Elementwise;

/**
 * Unit activation functions {@code o = f(net)}, their derivatives {@code f'(net)} and second
 * derivatives {@code f''(net)} (for Hessians, see {@link org.backprop4j.second}).
 * Most f here have a derivative that can be written from the output o alone (seed 003, eq. 13:
 * logistic f' = o(1−o)), which is how the engines use it: no need to keep net. GELU and sin are
 * not invertible, so their layers keep net too ({@link #needsNet()}).
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
    SOFTMAX,
    /** f(net) = ln(1+e^net); f' = σ(net) = 1 − e^−o, f'' = σ(1−σ) (Dugas et al. 2001). */
    SOFTPLUS,
    /** f(net) = net if net &gt; 0 else e^net − 1 (α = 1); f' = 1 or o+1 (Clevert et al. 2016, eq. 1). */
    ELU,
    /**
     * f(net) = ½·net·(1 + tanh(√(2/π)(net + 0.044715·net³))), the tanh form of GELU (Hendrycks &amp;
     * Gimpel 2016, §2; PyTorch's approximate='tanh'); f' needs net.
     */
    GELU,
    /** f(net) = sin(net); f' = cos(net) needs net (Sitzmann et al. 2020, SIREN). */
    SIN;

    /** GELU's constants: √(2/π) and the cubic coefficient (Hendrycks &amp; Gimpel 2016, §2). */
    private static final double GELU_C = Math.sqrt(2 / Math.PI), GELU_A = 0.044715;

    /** Whether f' cannot be written from the output alone, so a layer must keep its net inputs. */
    public boolean needsNet() {
        return this == GELU || this == SIN;
    }

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
            case SOFTPLUS -> Math.max(net, 0) + Math.log1p(Math.exp(-Math.abs(net)));   // ln(1+e^net), overflow-free
            case ELU -> net > 0 ? net : Math.expm1(net);
            case GELU -> 0.5 * net * (1 + Math.tanh(GELU_C * (net + GELU_A * net * net * net)));
            case SIN -> Math.sin(net);
        };
    }

    /** f'(net) given net and o = f(net) (either may be ignored; not for softmax). */
    public double derivative(double net, double o) {
        return switch (this) {
            case GELU -> {
                double t = Math.tanh(GELU_C * (net + GELU_A * net * net * net));
                double du = GELU_C * (1 + 3 * GELU_A * net * net);
                yield 0.5 * (1 + t) + 0.5 * net * (1 - t * t) * du;     // d/dx ½x(1+tanh u)
            }
            case SIN -> Math.cos(net);
            default -> derivativeFromOutput(o);
        };
    }

    /**
     * f''(net) given net and o = f(net) (not for softmax, whose second derivatives are a tensor; the
     * Hessian code handles it): the term the R-operator adds in the backward pass (Pearlmutter 1994, eq. 8).
     */
    public double secondDerivative(double net, double o) {
        return switch (this) {
            case IDENTITY, RELU, LEAKY_RELU -> 0.0;                     // piecewise linear (0 a.e.)
            case LOGISTIC -> o * (1 - o) * (1 - 2 * o);                 // d/dnet of seed 003's eq. 13
            case TANH -> -2 * o * (1 - o * o);
            case SOFTPLUS -> {
                double s = 1 - Math.exp(-o);                            // σ(net) from ln(1+e^net)
                yield s * (1 - s);
            }
            case ELU -> net > 0 ? 0.0 : o + 1;
            case GELU -> {
                double t = Math.tanh(GELU_C * (net + GELU_A * net * net * net));
                double du = GELU_C * (1 + 3 * GELU_A * net * net), ddu = GELU_C * 6 * GELU_A * net;
                yield (1 - t * t) * (du + 0.5 * net * (ddu - 2 * t * du * du));
            }
            case SIN -> -o;
            case SOFTMAX -> throw new UnsupportedOperationException("softmax has a second-derivative tensor, not a scalar");
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
            case SOFTPLUS -> -Math.expm1(-o);                 // σ(net) = 1 − e^−o since o = ln(1+e^net)
            case ELU -> o > 0 ? 1.0 : o + 1;                  // e^net = o + 1 for net ≤ 0
            case GELU, SIN -> throw new UnsupportedOperationException(id() + " needs net for its derivative: use derivative(net, o)");
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
            case SOFTPLUS, ELU, GELU, SIN -> {
                for (int i = off; i < end; i++) a[i] = (float) f(a[i]);
            }
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
     * This is the "· f'(net)" factor of the delta rule (lecture note 004: δ_j = (Σ_k δ_k w_kj)·f'_j(net_j)).
     */
    public void multiplyDerivative(float[] g, float[] o, int off, int len) {
        switch (this) {
            case IDENTITY -> { }
            case LOGISTIC -> Elementwise.multiplyDerivative(Elementwise.DERIV_LOGISTIC, g, o, off, len);   // o(1−o), seed 003 eq. 13
            case TANH -> Elementwise.multiplyDerivative(Elementwise.DERIV_TANH, g, o, off, len);           // 1 − o²
            case RELU -> Elementwise.multiplyDerivative(Elementwise.DERIV_RELU, g, o, off, len);           // o > 0 ? 1 : 0
            case LEAKY_RELU -> Elementwise.multiplyDerivative(Elementwise.DERIV_LEAKY_RELU, g, o, off, len); // o > 0 ? 1 : 0.01
            case SOFTMAX -> throw new UnsupportedOperationException("softmax Jacobian is applied by the loss");
            case SOFTPLUS, ELU -> {
                for (int i = off; i < off + len; i++) g[i] *= (float) derivativeFromOutput(o[i]);
            }
            case GELU, SIN -> throw new UnsupportedOperationException(id() + " needs net: use multiplyDerivative(g, o, net, off, len)");
        }
    }

    /**
     * {@link #multiplyDerivative(float[], float[], int, int)} for any f: {@code net} (same layout as o)
     * is read only when {@link #needsNet()}.
     */
    public void multiplyDerivative(float[] g, float[] o, float[] net, int off, int len) {
        if (!needsNet()) {
            multiplyDerivative(g, o, off, len);
            return;
        }
        for (int i = off; i < off + len; i++) g[i] *= (float) derivative(net[i], o[i]);
    }

    /** Parses a user-facing name: identity|linear, logistic|sigmoid, tanh, relu, leaky_relu|leakyrelu, softmax, softplus, elu, gelu, sin. */
    public static Activation parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_')) {
            case "identity", "linear" -> IDENTITY;
            case "logistic", "sigmoid" -> LOGISTIC;
            case "tanh" -> TANH;
            case "relu" -> RELU;
            case "leaky_relu", "leakyrelu" -> LEAKY_RELU;
            case "softmax" -> SOFTMAX;
            case "softplus" -> SOFTPLUS;
            case "elu" -> ELU;
            case "gelu" -> GELU;
            case "sin", "sine" -> SIN;
            default -> throw new IllegalArgumentException("unknown activation '" + s
                    + "' (expected identity, logistic, tanh, relu, leaky_relu, softmax, softplus, elu, gelu or sin)");
        };
    }

    /** The lower-case name used in files and on the command line. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
