package org.backprop4j.train;

import java.util.List;
import java.util.Locale;

/**
 * Stop when the training error has stopped improving: after {@code epochs} consecutive epochs in
 * which E did not fall below the best E so far by more than {@code tol}. This is scikit-learn's
 * rule for its MLPs ({@code tol}, {@code n_iter_no_change}; {@code _update_no_improvement_count}
 * in sklearn/neural_network/_multilayer_perceptron.py), and MATLAB's {@code min_grad} in spirit:
 * a run that has converged stops instead of spending the rest of its epochs. It watches the
 * training error only, never the validation part, so that a figure reported on that part stays
 * an honest held-out estimate (stopping on it is {@link EarlyStopping}'s job).
 *
 * @param tol    smallest decrease of the best training error that counts as an improvement (≥ 0)
 * @param epochs consecutive epochs without such an improvement that stop the run (≥ 1)
 */
public record PlateauStop(double tol, int epochs) {

    public PlateauStop {
        if (!(tol >= 0) || !Double.isFinite(tol)) throw new IllegalArgumentException("plateau tolerance must be ≥ 0: " + tol);
        if (epochs < 1) throw new IllegalArgumentException("plateau epochs must be ≥ 1: " + epochs);
    }

    /** The spec that means "no plateau stop". */
    public static final String OFF = "off";

    /**
     * By name: {@code off}, or {@code tol:T,epochs:N} (either part may be left out; the other then
     * keeps {@link Defaults#PLATEAU}'s value).
     *
     * @param spec the spec
     * @return the rule, or null for {@code off}
     * @throws IllegalArgumentException naming the bad part
     */
    public static PlateauStop parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals(OFF) || s.equals("none")) return null;
        PlateauStop d = Defaults.PLATEAU;
        double tol = d.tol;
        int n = d.epochs;
        for (String part : s.split(",")) {
            String[] f = part.trim().split(":");
            try {
                switch (f[0]) {
                    case "tol" -> tol = Double.parseDouble(f[1]);
                    case "epochs", "n" -> n = Integer.parseInt(f[1]);
                    default -> throw new IllegalArgumentException("unknown plateau option '" + part.trim() + "' in '" + spec
                            + "' (expected off, or tol:T,epochs:N)");
                }
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                throw new IllegalArgumentException("plateau '" + spec + "': bad value in '" + part.trim() + "' (expected off, or tol:T,epochs:N)");
            }
        }
        return new PlateauStop(tol, n);
    }

    /** {@return the spec {@link #parse} reads back} */
    public String spec() {
        return "tol:" + tol + ",epochs:" + epochs;
    }

    /** {@return a tracker of one run's training errors} */
    public Monitor monitor() {
        return new Monitor(this);
    }

    /** Follows the training error epoch by epoch. Its state is a function of the errors seen, so a resumed run replays its history. */
    public static final class Monitor {
        private final PlateauStop rule;
        private double best = Double.POSITIVE_INFINITY;
        private int bestEpoch;
        private int wait;

        Monitor(PlateauStop rule) {
            this.rule = rule;
        }

        /** Feeds the errors of earlier epochs (a resumed run's history). */
        void replay(List<EpochStats> history) {
            for (EpochStats s : history) observe(s.epoch(), s.loss());
        }

        /** Records E of a (1-based) epoch: as sklearn, an improvement resets the count, and the best is kept either way. */
        void observe(int epoch, double e) {
            if (e > best - rule.tol) wait++;
            else wait = 0;
            if (e < best) {
                best = e;
                bestEpoch = epoch;
            }
        }

        /** Why to stop after the last observed epoch, or null to go on. */
        String stopReason() {
            if (wait < rule.epochs) return null;
            return "plateau: the training error did not improve by more than tol = " + rule.tol + " for " + wait
                    + " epochs (best " + best + " at epoch " + bestEpoch + "; turn off with --no-plateau-stop or Settings.Builder.plateau(\"off\"))";
        }
    }
}
