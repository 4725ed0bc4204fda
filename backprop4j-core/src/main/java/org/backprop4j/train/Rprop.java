package org.backprop4j.train;

import java.util.Locale;

/**
 * Resilient backpropagation: each weight has its own step size Δ_ij, adapted from the sign of
 * successive partial derivatives only (the gradient's magnitude is ignored). Meant for full-batch
 * training (the derivative signs of single patterns are too noisy).
 *
 * <p>Per weight, with g(t) = ∂E/∂w_ij at step t (Riedmiller &amp; Braun 1993, eqs. 4–7; Igel &amp;
 * Hüsken 2000, Figs. 1–4 — the four variants below are exactly their pseudocode):
 * <pre>
 *   g(t−1)·g(t) &gt; 0:  Δ(t) = min(η⁺·Δ(t−1), Δmax)
 *   g(t−1)·g(t) &lt; 0:  Δ(t) = max(η⁻·Δ(t−1), Δmin)
 *   otherwise:        Δ(t) = Δ(t−1)
 *   Δw(t) = −sign(g(t))·Δ(t),  w(t+1) = w(t) + Δw(t)
 * </pre>
 * and on a sign change g(t−1)·g(t) &lt; 0 the variants differ:
 * <ul>
 *   <li>{@link Variant#RPROP_PLUS} Rprop+ (R&amp;B 1993 eq. 7, "weight-backtracking"): revert the
 *       previous update, w(t+1) = w(t) − Δw(t−1), and set g(t) := 0 so that the next step takes the
 *       "= 0" branch (no adaptation).</li>
 *   <li>{@link Variant#RPROP_MINUS} Rprop− (I&amp;H 2000 Fig. 2): no backtracking, no zeroing; the step
 *       −sign(g(t))·Δ(t) is taken with the reduced Δ.</li>
 *   <li>{@link Variant#IRPROP_PLUS} iRprop+ (I&amp;H 2000 Fig. 3): revert the previous update only if
 *       the error went up, E(t) &gt; E(t−1); always set g(t) := 0 and do not take a new step.</li>
 *   <li>{@link Variant#IRPROP_MINUS} iRprop− (I&amp;H 2000 Fig. 4): set g(t) := 0, so sign(g(t)) = 0 and
 *       the weight does not move on this step. (FANN's {@code fann_update_weights_irpropm} differs:
 *       after zeroing the slope it still moves the weight, since its {@code if (slope &lt; 0) … else …}
 *       treats 0 as positive. We follow the paper.)</li>
 * </ul>
 * Defaults (R&amp;B 1993, section 4): η⁺ = 1.2, η⁻ = 0.5, Δ0 = 0.1, Δmax = 50, Δmin = 1e-6.
 */
public final class Rprop implements Optimizer {

    /** The four members of the family. */
    public enum Variant {
        RPROP_PLUS("rprop+"), RPROP_MINUS("rprop-"), IRPROP_PLUS("irprop+"), IRPROP_MINUS("irprop-");

        private final String id;

        Variant(String id) { this.id = id; }

        public String id() { return id; }

        public static Variant parse(String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            for (Variant v : values()) if (v.id.equals(t)) return v;
            throw new IllegalArgumentException("unknown Rprop variant '" + s + "' (expected rprop+, rprop-, irprop+ or irprop-)");
        }
    }

    public static final double ETA_PLUS = 1.2, ETA_MINUS = 0.5, DELTA0 = 0.1, DELTA_MAX = 50, DELTA_MIN = 1e-6;

    private final Variant variant;
    private final float etaPlus, etaMinus, delta0, deltaMin, deltaMax;
    private float[] delta;      // Δ_ij(t−1)
    private float[] prevGrad;   // g(t−1) (0 after a sign change in Rprop+, iRprop±)
    private float[] prevStep;   // Δw(t−1) (Rprop+, iRprop+)
    private double prevError = Double.NaN;   // E(t−1) (iRprop+)

    public Rprop(Variant variant) {
        this(variant, ETA_PLUS, ETA_MINUS, DELTA0, DELTA_MIN, DELTA_MAX);
    }

    public Rprop(Variant variant, double etaPlus, double etaMinus, double delta0, double deltaMin, double deltaMax) {
        if (variant == null) throw new IllegalArgumentException("an Rprop variant is required");
        if (!(etaPlus > 1) || !Double.isFinite(etaPlus)) throw new IllegalArgumentException("η+ must be > 1: " + etaPlus);
        if (!(etaMinus > 0 && etaMinus < 1)) throw new IllegalArgumentException("η− must be in (0, 1): " + etaMinus);
        if (!(deltaMin >= 0) || !(deltaMax > deltaMin) || !Double.isFinite(deltaMax)) {
            throw new IllegalArgumentException("need 0 ≤ Δmin < Δmax < ∞: Δmin=" + deltaMin + ", Δmax=" + deltaMax);
        }
        if (!(delta0 > 0 && delta0 <= deltaMax)) throw new IllegalArgumentException("Δ0 must be in (0, Δmax]: " + delta0);
        this.variant = variant;
        this.etaPlus = (float) etaPlus;
        this.etaMinus = (float) etaMinus;
        this.delta0 = (float) delta0;
        this.deltaMin = (float) deltaMin;
        this.deltaMax = (float) deltaMax;
    }

    public Variant variant() { return variant; }

    @Override
    public boolean usesError() { return variant == Variant.IRPROP_PLUS; }

    @Override
    public String describe() {
        return variant.id() + "(eta+=" + etaPlus + ",eta-=" + etaMinus + ",delta0=" + delta0
                + ",deltaMin=" + deltaMin + ",deltaMax=" + deltaMax + ")";
    }

    @Override
    public void step(float[] w, float[] grad) {
        if (variant == Variant.IRPROP_PLUS) {
            throw new IllegalStateException("iRprop+ compares errors: call step(w, grad, error)");
        }
        step(w, grad, Double.NaN);
    }

    @Override
    public void step(float[] w, float[] grad, double error) {
        int n = w.length;
        if (delta == null || delta.length != n) {
            delta = new float[n];
            java.util.Arrays.fill(delta, delta0);
            prevGrad = new float[n];
            prevStep = new float[n];
            prevError = Double.NaN;
        }
        // iRprop+: backtrack only if E(t) > E(t−1) (I&H 2000 Fig. 3); on the first step there is no E(t−1)
        boolean errorUp = variant == Variant.IRPROP_PLUS && error > prevError;
        float[] dl = delta, pg = prevGrad, ps = prevStep;
        for (int i = 0; i < n; i++) {
            float g = grad[i];
            float prod = pg[i] * g;   // only its sign is used, so float underflow to 0 = "no information"
            if (prod > 0) {
                dl[i] = Math.min(dl[i] * etaPlus, deltaMax);            // R&B eq. 5, first case
            } else if (prod < 0) {
                dl[i] = Math.max(dl[i] * etaMinus, deltaMin);           // R&B eq. 5, second case
                switch (variant) {
                    case RPROP_PLUS -> {                                 // R&B eq. 7: Δw(t) = −Δw(t−1)
                        w[i] -= ps[i];
                        ps[i] = 0f;
                        pg[i] = 0f;
                        continue;
                    }
                    case IRPROP_PLUS -> {
                        if (errorUp) w[i] -= ps[i];                      // I&H Fig. 3
                        ps[i] = 0f;
                        pg[i] = 0f;
                        continue;
                    }
                    case IRPROP_MINUS -> {                               // I&H Fig. 4: g(t) := 0, no move
                        pg[i] = 0f;
                        ps[i] = 0f;
                        continue;
                    }
                    case RPROP_MINUS -> { }                              // I&H Fig. 2: step with the smaller Δ
                }
            }
            float step = g > 0 ? -dl[i] : g < 0 ? dl[i] : 0f;            // Δw = −sign(g)·Δ (R&B eq. 6)
            w[i] += step;
            ps[i] = step;
            pg[i] = g;
        }
        prevError = error;
    }

    @Override
    public void reset() {
        delta = null;
        prevGrad = null;
        prevStep = null;
        prevError = Double.NaN;
    }

    /** Current step sizes Δ_ij (live; null before the first step). */
    public float[] stepSizes() { return delta; }

    @Override
    public double[] exportState() {
        return delta == null ? new double[0] : OptimizerState.pack(new double[] {prevError}, delta, prevGrad, prevStep);
    }

    @Override
    public void importState(double[] s) {
        if (s.length == 0) { reset(); return; }
        prevError = OptimizerState.scalars(s, 1, 3, describe())[0];
        delta = OptimizerState.array(s, 0, describe());
        prevGrad = OptimizerState.array(s, 1, describe());
        prevStep = OptimizerState.array(s, 2, describe());
    }
}
