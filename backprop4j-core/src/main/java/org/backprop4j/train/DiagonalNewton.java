package org.backprop4j.train;

/**
 * The diagonal-Hessian ("pseudo-Newton") step of Becker &amp; LeCun (1988, eq. 7):
 * Δw_i = −ε·(∂E/∂w_i)/(|∂²E/∂w_i²| + μ), one learning rate per weight from the backpropagated
 * diagonal of the Hessian ({@link org.backprop4j.second.DiagonalHessian}; μ keeps the step bounded
 * where the curvature is small). Full batch: the diagonal is computed over the training set each
 * epoch, with the gradient at the same weights.
 */
public final class DiagonalNewton implements FullBatchOptimizer {
    public static final double LR = 0.5, MU = 0.1;

    private final double lr, mu;
    private float[] grad, diag;
    private long evals;

    public DiagonalNewton() {
        this(LR, MU);
    }

    public DiagonalNewton(double lr, double mu) {
        if (!(lr > 0)) throw new IllegalArgumentException("lr must be > 0: " + lr);
        if (!(mu >= 0)) throw new IllegalArgumentException("mu must be ≥ 0: " + mu);
        this.lr = lr;
        this.mu = mu;
    }

    @Override
    public String describe() {
        return "diag-newton(lr=" + lr + ",mu=" + mu + ")";
    }

    @Override
    public double iterate(Objective f, float[] w) {
        if (!(f instanceof CurvatureObjective c)) {
            throw new IllegalArgumentException("the diagonal-Hessian step needs second derivatives (a network objective)");
        }
        if (grad == null || grad.length != w.length) {
            grad = new float[w.length];
            diag = new float[w.length];
        }
        double e = f.valueAndGradient(w, grad);
        c.curvatureDiagonal(w, diag);
        evals += 2;
        for (int i = 0; i < w.length; i++) w[i] -= (float) (lr * grad[i] / (Math.abs(diag[i]) + mu));   // Becker & LeCun 1988, eq. 7
        return f.value(w);
    }

    @Override
    public String stopReason() { return null; }

    @Override
    public long evaluations() { return evals; }

    @Override
    public double learningRate() { return lr; }

    @Override
    public void reset() {
        evals = 0;
    }
}
