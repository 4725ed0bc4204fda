package org.backprop4j.train;

import java.util.Locale;

/**
 * A learning-rate schedule: the rate η_t used during epoch t (0-based) from the base rate η0.
 * Applied to any optimizer that has a learning rate by {@link Scheduled} (or
 * {@link TrainingConfig.Builder#schedule(Schedule)}).
 */
@FunctionalInterface
public interface Schedule {

    /** η_t for epoch t ≥ 0 given the base rate η0. */
    double rate(double base, int epoch);

    /** Short description for logs. */
    default String describe() {
        return "schedule";
    }

    /** Constant η_t = η0. */
    static Schedule constant() {
        return named("constant", (b, t) -> b);
    }

    /** Step decay: η_t = η0·γ^⌊t/k⌋ (drop by γ every k epochs; e.g. Krizhevsky et al. 2012). */
    static Schedule step(int every, double gamma) {
        if (every < 1) throw new IllegalArgumentException("step schedule: period must be ≥ 1 epoch: " + every);
        checkFactor(gamma);
        return named("step(" + every + "," + gamma + ")", (b, t) -> b * Math.pow(gamma, t / every));
    }

    /** Exponential decay: η_t = η0·γ^t. */
    static Schedule exponential(double gamma) {
        checkFactor(gamma);
        return named("exp(" + gamma + ")", (b, t) -> b * Math.pow(gamma, t));
    }

    /**
     * Cosine annealing without restarts (Loshchilov &amp; Hutter 2017, SGDR, eq. 5 with one period T):
     * η_t = η_min + ½(η0 − η_min)(1 + cos(π·min(t, T)/T)).
     */
    static Schedule cosine(int period, double minRate) {
        if (period < 1) throw new IllegalArgumentException("cosine schedule: period must be ≥ 1 epoch: " + period);
        if (!(minRate >= 0)) throw new IllegalArgumentException("cosine schedule: minimum rate must be ≥ 0: " + minRate);
        return named("cosine(" + period + "," + minRate + ")",
                (b, t) -> minRate + 0.5 * (b - minRate) * (1 + Math.cos(Math.PI * Math.min(t, period) / period)));
    }

    /** Inverse time ("1/t", search-then-converge of Darken &amp; Moody 1990): η_t = η0/(1 + γ·t). */
    static Schedule inverseTime(double gamma) {
        if (!(gamma >= 0) || !Double.isFinite(gamma)) throw new IllegalArgumentException("1/t schedule: γ must be ≥ 0: " + gamma);
        return named("inv(" + gamma + ")", (b, t) -> b / (1 + gamma * t));
    }

    /**
     * By name: {@code constant}, {@code step:K:GAMMA}, {@code exp:GAMMA}, {@code cosine:T[:MIN]},
     * {@code inv:GAMMA} (also {@code 1/t:GAMMA}).
     */
    public static Schedule parse(String spec) {
        String[] f = spec.trim().toLowerCase(Locale.ROOT).split(":");
        try {
            return switch (f[0]) {
                case "constant", "none" -> constant();
                case "step" -> step(Integer.parseInt(arg(f, 1, spec)), Double.parseDouble(arg(f, 2, spec)));
                case "exp", "exponential" -> exponential(Double.parseDouble(arg(f, 1, spec)));
                case "cosine", "cos" -> cosine(Integer.parseInt(arg(f, 1, spec)), f.length > 2 ? Double.parseDouble(f[2]) : 0);
                case "inv", "1/t", "inverse" -> inverseTime(Double.parseDouble(arg(f, 1, spec)));
                default -> throw new IllegalArgumentException("unknown schedule '" + spec
                        + "' (expected constant, step:K:GAMMA, exp:GAMMA, cosine:T[:MIN] or inv:GAMMA)");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("schedule '" + spec + "': not a number: " + e.getMessage());
        }
    }

    private static String arg(String[] f, int i, String spec) {
        if (i >= f.length) throw new IllegalArgumentException("schedule '" + spec + "' is missing argument " + i);
        return f[i];
    }

    private static void checkFactor(double gamma) {
        if (!(gamma > 0 && gamma <= 1)) throw new IllegalArgumentException("decay factor γ must be in (0, 1]: " + gamma);
    }

    private static Schedule named(String name, Schedule s) {
        return new Schedule() {
            public double rate(double base, int epoch) { return s.rate(base, epoch); }
            public String describe() { return name; }
        };
    }
}
