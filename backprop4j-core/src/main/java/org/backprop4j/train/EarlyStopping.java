package org.backprop4j.train;

/**
 * Early stopping on a validation set (Prechelt 1998, "Early stopping — but when?", in Neural
 * Networks: Tricks of the Trade, LNCS 1524, section 2.2).
 *
 * @param patience    stop when the validation error has not improved (by more than {@code minDelta})
 *                    for this many consecutive epochs; 0 = off
 * @param minDelta    smallest decrease of the validation error that counts as an improvement
 * @param restoreBest at the end of training, put back the weights of the epoch with the best
 *                    validation error (the last epoch that improved)
 * @param glAlpha     Prechelt's criterion GL_α: stop as soon as the generalization loss
 *                    GL(t) = 100·(E_va(t)/E_opt(t) − 1) exceeds α, E_opt(t) = min_{t'≤t} E_va(t')
 *                    (his eq. 1, criterion "GL_α"); 0 = off
 */
public record EarlyStopping(int patience, double minDelta, boolean restoreBest, double glAlpha) {

    public EarlyStopping {
        if (patience < 0) throw new IllegalArgumentException("patience must be ≥ 0: " + patience);
        if (!(minDelta >= 0)) throw new IllegalArgumentException("minDelta must be ≥ 0: " + minDelta);
        if (!(glAlpha >= 0)) throw new IllegalArgumentException("GL α must be ≥ 0: " + glAlpha);
        if (patience == 0 && glAlpha == 0 && !restoreBest) {
            throw new IllegalArgumentException("early stopping needs a patience, a GL α or restore-best");
        }
    }

    /** Stop after {@code patience} epochs without improvement, restoring the best weights. */
    public static EarlyStopping patience(int patience) {
        return new EarlyStopping(patience, 0, true, 0);
    }

    /** Prechelt's GL_α, restoring the best weights. */
    public static EarlyStopping generalizationLoss(double alpha) {
        return new EarlyStopping(0, 0, true, alpha);
    }

    /** GL(t) = 100·(E_va(t)/E_opt(t) − 1) (Prechelt 1998, eq. 1), in percent. */
    public static double gl(double validationError, double bestValidationError) {
        return 100.0 * (validationError / bestValidationError - 1.0);
    }

    /**
     * By name: {@code patience:P}, {@code gl:ALPHA}, optionally joined with {@code ,} and followed by
     * {@code ,norestore} or {@code ,delta:D}; e.g. {@code patience:20,gl:5}.
     */
    public static EarlyStopping parse(String spec) {
        int patience = 0;
        double delta = 0, alpha = 0;
        boolean restore = true;
        for (String part : spec.trim().toLowerCase(java.util.Locale.ROOT).split(",")) {
            String[] f = part.trim().split(":");
            try {
                switch (f[0]) {
                    case "patience" -> patience = Integer.parseInt(f[1]);
                    case "gl" -> alpha = Double.parseDouble(f[1]);
                    case "delta" -> delta = Double.parseDouble(f[1]);
                    case "norestore" -> restore = false;
                    case "restore" -> restore = true;
                    default -> throw new IllegalArgumentException("unknown early-stopping option '" + part
                            + "' in '" + spec + "' (expected patience:P, gl:ALPHA, delta:D, norestore)");
                }
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                throw new IllegalArgumentException("early stopping '" + spec + "': bad value in '" + part + "'");
            }
        }
        return new EarlyStopping(patience, delta, restore, alpha);
    }

    /** A stateful tracker of one run's validation errors (used by the {@link Trainer}). */
    public Monitor monitor() {
        return new Monitor(this);
    }

    /**
     * A run's early stopping with its best weights: the {@link Monitor} plus, when the rule restores
     * the best weights, a copy of the weights of the best validation epoch. The one implementation of
     * keep-best-weights, shared by the {@link Trainer} and distributed trainers (backprop4j-spark).
     *
     * @param params the network's parameter count
     * @return a tracker for a network of {@code params} parameters
     */
    public BestWeights bestWeights(int params) {
        return new BestWeights(this, params);
    }

    /** {@link Monitor} plus the weights of the best epoch (Prechelt 1998, section 2.2: train, then take the best point). */
    public static final class BestWeights {
        private final Monitor monitor;
        private final float[] best;   // null when the rule does not restore

        BestWeights(EarlyStopping rule, int params) {
            this.monitor = rule.monitor();
            this.best = rule.restoreBest() ? new float[params] : null;
        }

        /** The monitor (its state goes into checkpoints). */
        public Monitor monitor() { return monitor; }

        /** The saved weights (checkpoints write and restore them in place), or null when the rule does not restore. */
        float[] weights() { return best; }

        /**
         * Records epoch's validation error E_va at weights w (copied when the epoch is the new best).
         *
         * @param epoch           the 1-based epoch
         * @param validationError E_va after the epoch
         * @param w               the weights after the epoch
         * @return why to stop now, or null to go on ({@link Monitor#stopReason()})
         */
        public String observe(int epoch, double validationError, float[] w) {
            if (monitor.observe(epoch, validationError) && best != null) System.arraycopy(w, 0, best, 0, w.length);
            return monitor.stopReason();
        }

        /**
         * At the end of a run: puts the best epoch's weights back into w when the rule restores them
         * and an epoch was observed.
         *
         * @param w      the weights, overwritten
         * @param reason why the run stopped
         * @return the reason, followed by "; restored the weights of epoch N" when they were restored
         */
        public String restore(float[] w, String reason) {
            int e = monitor.bestEpoch();
            if (best == null || e == 0) return reason;
            System.arraycopy(best, 0, w, 0, w.length);
            return reason + "; restored the weights of epoch " + e;
        }
    }

    /** Follows the validation error epoch by epoch and says when to stop. */
    public static final class Monitor {
        private final EarlyStopping rule;
        private double best = Double.POSITIVE_INFINITY;   // best error that counted as an improvement
        private double opt = Double.POSITIVE_INFINITY;    // E_opt(t) = min so far
        private int bestEpoch;
        private int wait;
        private double lastGl = Double.NaN;

        Monitor(EarlyStopping rule) {
            this.rule = rule;
        }

        /**
         * Records E_va for a (1-based) epoch. Returns whether this epoch is the new best (the caller
         * then snapshots the weights).
         */
        public boolean observe(int epoch, double validationError) {
            opt = Math.min(opt, validationError);
            lastGl = gl(validationError, opt);
            if (validationError < best - rule.minDelta() || bestEpoch == 0) {
                best = validationError;
                bestEpoch = epoch;
                wait = 0;
                return true;
            }
            wait++;
            return false;
        }

        /** Why to stop after the last observed epoch, or null to go on. */
        public String stopReason() {
            if (rule.glAlpha() > 0 && lastGl > rule.glAlpha()) {
                return "early stopping: generalization loss GL = " + fmt(lastGl) + "% > α = " + rule.glAlpha()
                        + " (best validation error " + best + " at epoch " + bestEpoch + ")";
            }
            if (rule.patience() > 0 && wait >= rule.patience()) {
                return "early stopping: no validation improvement for " + wait + " epochs (best " + best
                        + " at epoch " + bestEpoch + ")";
            }
            return null;
        }

        /** Length of {@link #exportState()}. */
        public static final int STATE_SIZE = 5;

        /** The monitor's state (for checkpoints): best, E_opt, best epoch, epochs waited, last GL. */
        public double[] exportState() {
            return new double[] {best, opt, bestEpoch, wait, lastGl};
        }

        /** Restores a state from {@link #exportState()}. */
        public void importState(double[] s) {
            if (s.length != STATE_SIZE || s[2] != (int) s[2] || s[3] != (int) s[3] || s[2] < 0 || s[3] < 0) {
                throw new IllegalArgumentException("not an early-stopping state: " + java.util.Arrays.toString(s));
            }
            best = s[0];
            opt = s[1];
            bestEpoch = (int) s[2];
            wait = (int) s[3];
            lastGl = s[4];
        }

        /** GL(t) of the last observed epoch, in percent. */
        public double generalizationLoss() { return lastGl; }
        public int bestEpoch() { return bestEpoch; }
        public double bestError() { return best; }

        private static String fmt(double v) {
            return String.format(java.util.Locale.ROOT, "%.3f", v);
        }
    }
}
