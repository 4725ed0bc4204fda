package org.backprop4j.train;

/**
 * An {@link Objective} that also gives second derivatives: exact Hessian-vector products (the
 * R-operator, Pearlmutter 1994), Gauss–Newton products, and the Becker–LeCun diagonal. For
 * Newton-CG and the diagonal-Hessian rule.
 */
public interface CurvatureObjective extends Objective {

    /** hv = H(w)·v (or the Gauss–Newton G(w)·v), decay included. May overwrite the network's parameters with w. */
    void hessianVector(float[] w, float[] v, float[] hv, boolean gaussNewton);

    /** diag = the Becker–LeCun positive diagonal approximation of H(w) (decay included). */
    void curvatureDiagonal(float[] w, float[] diag);
}
