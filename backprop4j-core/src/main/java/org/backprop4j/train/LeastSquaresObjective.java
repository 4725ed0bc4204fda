package org.backprop4j.train;

/**
 * An {@link Objective} of sum-of-squares form, E(w) = s·½‖r(w)‖² + ½·Σ_i λ_i·w_i², with residuals
 * r ∈ ℝ^R and their Jacobian J = ∂r/∂w (R×n): what Levenberg–Marquardt needs.
 */
public interface LeastSquaresObjective extends Objective {

    /** Number of residuals R (patterns × outputs for a network). */
    int residualCount();

    /** The factor s in front of ½‖r‖² (1 for a summed error, 1/m for a mean). */
    double residualScale();

    /** λ_i, the L2 coefficient of parameter i (0 where there is no decay). */
    double regularization(int i);

    /** Writes r(w) (length R) and returns E(w). */
    double residuals(float[] w, double[] r);

    /** Writes r(w) and J(w) (row-major R×n, J[a·n + i] = ∂r_a/∂w_i) and returns E(w). */
    double residualsAndJacobian(float[] w, double[] r, double[] jacobian);

    /** The classes of parameters that share a prior precision in Bayesian regularisation (default: one class). */
    default WeightClasses weightClasses() {
        return WeightClasses.single(dimension());
    }
}
