package org.backprop4j;

import java.util.Locale;

/**
 * Error functions E over a batch of m patterns, each the negative log-likelihood of a noise model
 * (seed 003): Gaussian → sum of squares, Bernoulli → binary cross-entropy, multinomial →
 * categorical cross-entropy, Laplace → absolute error; Huber's loss is quadratic near 0 and
 * linear beyond (robust to outliers). L2 weight decay λ/2‖W‖² is added separately (see {@link Network}).
 *
 * <p>Reduction: {@link #SSE} sums over patterns, E = Σ_p E_p (seed 004's E_tot); the others
 * average, E = (1/m) Σ_p E_p (seed 001's 1/(2m) form, seed 002's −1/m form).
 */
public enum Loss {
    /** E = Σ_p ½ Σ_k (d_k − o_k)² (seed 004, E_tot; seed 003, eq. 3 negated). */
    SSE(false),
    /** E = 1/(2m) Σ_p Σ_k (o_k − d_k)² (seed 001). */
    MSE(true),
    /** E = −(1/m) Σ_p Σ_k [d_k log o_k + (1−d_k) log(1−o_k)] (seed 003, eq. 29 negated), logistic outputs. */
    BINARY_CROSS_ENTROPY(true),
    /** E = −(1/m) Σ_p Σ_k d_k log o_k (seed 003, eq. 36 negated; seed 002's J), softmax outputs. */
    CROSS_ENTROPY(true),
    /** E = (1/m) Σ_p Σ_k |o_k − d_k| (the Laplace noise model's negative log-likelihood; least absolute deviations). */
    MAE(true),
    /** E = (1/m) Σ_p Σ_k ρ(o_k − d_k), ρ(r) = ½r² for |r| ≤ 1, |r| − ½ beyond (Huber 1964, eq. 7 with k = 1). */
    HUBER(true);

    /** Huber's threshold k (Huber 1964): quadratic within, linear beyond (PyTorch's default delta = 1). */
    public static final double HUBER_K = 1.0;

    private final boolean mean;

    Loss(boolean mean) {
        this.mean = mean;
    }

    /** Whether E averages over the m patterns of a batch (else it sums). */
    public boolean isMean() {
        return mean;
    }

    /** The factor that turns Σ_p E_p into E for a batch of m patterns. */
    public double scale(int m) {
        return mean ? 1.0 / m : 1.0;
    }

    /** Per-pattern error E_p for one output unit k, in double (reference form). */
    public double unitError(double o, double d) {
        return switch (this) {
            case SSE, MSE -> 0.5 * (d - o) * (d - o);
            case BINARY_CROSS_ENTROPY -> -(xlogy(d, o) + xlogy(1 - d, 1 - o));
            case CROSS_ENTROPY -> -xlogy(d, o);
            case MAE -> Math.abs(o - d);
            case HUBER -> {
                double r = Math.abs(o - d);
                yield r <= HUBER_K ? 0.5 * r * r : HUBER_K * (r - 0.5 * HUBER_K);
            }
        };
    }

    /** ∂E_p/∂o_k for one output unit (seed 004 case 1: −(d_k − o_k) for sum of squares). */
    public double unitErrorDerivative(double o, double d) {
        return switch (this) {
            case SSE, MSE -> o - d;
            case BINARY_CROSS_ENTROPY -> (o - d) / (o * (1 - o));   // seed 003, eq. 31 negated
            case CROSS_ENTROPY -> d == 0 ? 0.0 : -d / o;
            case MAE -> Math.signum(o - d);
            case HUBER -> Math.max(-HUBER_K, Math.min(HUBER_K, o - d));     // ψ(r) = clip(r, −k, k), Huber 1964
        };
    }

    /** ∂²E_p/∂o_k² for one output unit (0 where E_p is piecewise linear; for the R-operator's output term). */
    public double unitErrorSecondDerivative(double o, double d) {
        return switch (this) {
            case SSE, MSE -> 1.0;
            case BINARY_CROSS_ENTROPY -> d / (o * o) + (1 - d) / ((1 - o) * (1 - o));   // d/do of seed 003, eq. 31 negated
            case CROSS_ENTROPY -> d == 0 ? 0.0 : d / (o * o);
            case MAE -> 0.0;
            case HUBER -> Math.abs(o - d) <= HUBER_K ? 1.0 : 0.0;
        };
    }

    /**
     * Whether the output delta simplifies to δ_k = o_k − d_k with this output activation: the
     * canonical pairs logistic+BCE (seed 003, eqs. 31·33) and softmax+CE (seed 003, eq. 40;
     * seed 002), and identity+sum of squares (seed 003, eqs. 6–8).
     */
    public boolean fusesWith(Activation out) {
        return switch (this) {
            case SSE, MSE -> out == Activation.IDENTITY;
            case BINARY_CROSS_ENTROPY -> out == Activation.LOGISTIC;
            case CROSS_ENTROPY -> out == Activation.SOFTMAX;
            case MAE, HUBER -> false;
        };
    }

    private static double xlogy(double x, double y) {
        if (x == 0) return 0.0;
        return x * Math.log(Math.max(y, Double.MIN_NORMAL));
    }

    public static Loss parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "sse", "sum_squares", "sum_of_squares" -> SSE;
            case "mse", "squared", "mean_squares" -> MSE;
            case "bce", "binary_cross_entropy", "binary_crossentropy", "logloss" -> BINARY_CROSS_ENTROPY;
            case "ce", "cross_entropy", "crossentropy", "categorical_cross_entropy" -> CROSS_ENTROPY;
            case "mae", "l1", "mean_absolute", "mean_absolute_error" -> MAE;
            case "huber", "smooth_l1" -> HUBER;
            default -> throw new IllegalArgumentException("unknown loss '" + s + "' (expected sse, mse, bce, ce, mae or huber)");
        };
    }

    public String id() {
        return switch (this) {
            case SSE -> "sse";
            case MSE -> "mse";
            case BINARY_CROSS_ENTROPY -> "bce";
            case CROSS_ENTROPY -> "ce";
            case MAE -> "mae";
            case HUBER -> "huber";
        };
    }
}
