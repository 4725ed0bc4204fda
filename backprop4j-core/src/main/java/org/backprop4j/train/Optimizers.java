package org.backprop4j.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Optimizers by name, for the CLI and configuration files. A spec is a name optionally followed by
 * {@code :key=value,key=value}, e.g. {@code sgd:lr=0.1,momentum=0.9}, {@code irprop-},
 * {@code adam:lr=0.01}, {@code rprop+:delta0=0.05,deltamax=10}, {@code lbfgs:m=5}.
 *
 * <table>
 *   <caption>names and keys (defaults in brackets)</caption>
 *   <tr><td>sgd</td><td>lr [0.1], momentum [0], nesterov [false]</td></tr>
 *   <tr><td>momentum</td><td>sgd with momentum [0.9]; nesterov: the same with Nesterov momentum</td></tr>
 *   <tr><td>quickprop</td><td>lr (ε) [0.1], mu [1.75], decay [1e-4]</td></tr>
 *   <tr><td>rprop+, rprop-, irprop+, irprop-</td><td>eta+ [1.2], eta- [0.5], delta0 [0.1], deltamin [1e-6], deltamax [50]</td></tr>
 *   <tr><td>adam, adamw</td><td>lr [0.001], beta1 [0.9], beta2 [0.999], eps [1e-8], decay [0 / 0.01]</td></tr>
 *   <tr><td>rmsprop</td><td>lr [0.001], rho [0.9], eps [1e-8]</td></tr>
 *   <tr><td>adagrad</td><td>lr [0.01], eps [1e-10]</td></tr>
 *   <tr><td>lbfgs</td><td>m [10], gtol [1e-5]  (full batch)</td></tr>
 *   <tr><td>scg</td><td>sigma [5e-5], lambda [5e-7], mingrad [1e-6]  (full batch)</td></tr>
 *   <tr><td>lm</td><td>mu [0.001], mu_dec [0.1], mu_inc [10], mu_max [1e10], mingrad [1e-7]  (full batch, sse/mse only)</td></tr>
 *   <tr><td>br</td><td>mu [0.001], mu_dec [0.1], mu_inc [10], mu_max [1e10]  (full batch, sse/mse only; Bayesian regularisation, chooses λ)</td></tr>
 *   <tr><td>newton-cg</td><td>radius [1], radius_max [1000], cg [100], mingrad [1e-7], gn [false]  (full batch)</td></tr>
 *   <tr><td>diag-newton</td><td>lr [0.5], mu [0.1]  (full batch; Becker &amp; LeCun 1988)</td></tr>
 * </table>
 */
public final class Optimizers {
    private Optimizers() {}

    /** All names {@link #parse} accepts. */
    public static final List<String> NAMES = List.of("sgd", "momentum", "nesterov", "quickprop", "rprop+", "rprop-",
            "irprop+", "irprop-", "adam", "adamw", "rmsprop", "adagrad", "lbfgs", "scg", "lm", "br", "newton-cg", "diag-newton");

    /** A factory of fresh optimizers for the spec (checked now: a bad spec fails here, not later). */
    public static Supplier<Optimizer> parse(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("empty optimizer spec (expected one of " + NAMES + ")");
        String t = spec.trim().toLowerCase(Locale.ROOT);
        int colon = t.indexOf(':');
        String name = colon < 0 ? t : t.substring(0, colon).trim();
        Map<String, String> kv = new LinkedHashMap<>();
        if (colon >= 0) {
            for (String part : t.substring(colon + 1).split(",")) {
                if (part.isBlank()) continue;
                int eq = part.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("optimizer '" + spec + "': expected key=value, found '" + part.trim() + "'");
                kv.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        Args a = new Args(spec, kv);
        Supplier<Optimizer> s = switch (name) {
            case "sgd", "gd", "momentum", "nesterov" -> {
                double lr = a.num("lr", 0.1);
                double mom = a.num("momentum", name.equals("sgd") || name.equals("gd") ? 0 : 0.9);
                boolean nest = a.bool("nesterov", name.equals("nesterov"));
                a.done(Set.of("lr", "momentum", "nesterov"));
                yield () -> new Sgd(lr, mom, nest);
            }
            case "quickprop" -> {
                double lr = a.num("lr", 0.1), mu = a.num("mu", Quickprop.MU), dec = a.num("decay", Quickprop.DECAY);
                a.done(Set.of("lr", "mu", "decay"));
                yield () -> new Quickprop(lr, mu, dec);
            }
            case "rprop+", "rprop-", "irprop+", "irprop-", "rprop", "irprop" -> {
                Rprop.Variant v = Rprop.Variant.parse(name.equals("rprop") ? "rprop+" : name.equals("irprop") ? "irprop-" : name);
                double ep = a.num("eta+", Rprop.ETA_PLUS), em = a.num("eta-", Rprop.ETA_MINUS), d0 = a.num("delta0", Rprop.DELTA0),
                        dmin = a.num("deltamin", Rprop.DELTA_MIN), dmax = a.num("deltamax", Rprop.DELTA_MAX);
                a.done(Set.of("eta+", "eta-", "delta0", "deltamin", "deltamax"));
                yield () -> new Rprop(v, ep, em, d0, dmin, dmax);
            }
            case "adam", "adamw" -> {
                double lr = a.num("lr", Adam.LR), b1 = a.num("beta1", Adam.BETA1), b2 = a.num("beta2", Adam.BETA2),
                        eps = a.num("eps", Adam.EPSILON), dec = a.num("decay", name.equals("adamw") ? Adam.ADAMW_DECAY : 0);
                a.done(Set.of("lr", "beta1", "beta2", "eps", "decay"));
                yield () -> new Adam(lr, b1, b2, eps, dec);
            }
            case "rmsprop" -> {
                double lr = a.num("lr", RmsProp.LR), rho = a.num("rho", RmsProp.RHO), eps = a.num("eps", RmsProp.EPSILON);
                a.done(Set.of("lr", "rho", "eps"));
                yield () -> new RmsProp(lr, rho, eps);
            }
            case "adagrad" -> {
                double lr = a.num("lr", AdaGrad.LR), eps = a.num("eps", AdaGrad.EPSILON);
                a.done(Set.of("lr", "eps"));
                yield () -> new AdaGrad(lr, eps);
            }
            case "lbfgs", "l-bfgs" -> {
                int m = a.integer("m", Lbfgs.MEMORY);
                double gtol = a.num("gtol", Lbfgs.GTOL);
                a.done(Set.of("m", "gtol"));
                yield () -> new Lbfgs(m, gtol);
            }
            case "scg" -> {
                double sg = a.num("sigma", ScaledConjugateGradient.SIGMA), la = a.num("lambda", ScaledConjugateGradient.LAMBDA1),
                        mg = a.num("mingrad", ScaledConjugateGradient.MIN_GRAD);
                a.done(Set.of("sigma", "lambda", "mingrad"));
                yield () -> new ScaledConjugateGradient(sg, la, mg);
            }
            case "lm", "levenberg-marquardt", "trainlm" -> {
                double mu = a.num("mu", LevenbergMarquardt.MU), dec = a.num("mu_dec", LevenbergMarquardt.MU_DEC),
                        inc = a.num("mu_inc", LevenbergMarquardt.MU_INC), max = a.num("mu_max", LevenbergMarquardt.MU_MAX),
                        mg = a.num("mingrad", LevenbergMarquardt.MIN_GRAD);
                a.done(Set.of("mu", "mu_dec", "mu_inc", "mu_max", "mingrad"));
                yield () -> new LevenbergMarquardt(mu, dec, inc, max, mg);
            }
            case "br", "trainbr", "bayesian" -> {
                double mu = a.num("mu", LevenbergMarquardt.MU), dec = a.num("mu_dec", LevenbergMarquardt.MU_DEC),
                        inc = a.num("mu_inc", LevenbergMarquardt.MU_INC), max = a.num("mu_max", LevenbergMarquardt.MU_MAX);
                BayesianRegularization.Prior prior = switch (a.kv().getOrDefault("prior", "classes")) {
                    case "classes" -> BayesianRegularization.Prior.CLASSES;
                    case "single" -> BayesianRegularization.Prior.SINGLE;
                    default -> throw new IllegalArgumentException("optimizer '" + spec + "': prior must be classes (one α per class of weights) "
                            + "or single (one α for all, as MATLAB trainbr), found '" + a.kv().get("prior") + "'");
                };
                boolean keep = switch (a.kv().getOrDefault("keep", "evidence")) {
                    case "evidence" -> true;
                    case "last" -> false;
                    default -> throw new IllegalArgumentException("optimizer '" + spec + "': keep must be evidence (the iterate of highest "
                            + "evidence) or last (as MATLAB trainbr), found '" + a.kv().get("keep") + "'");
                };
                a.done(Set.of("mu", "mu_dec", "mu_inc", "mu_max", "prior", "keep"));
                yield () -> new BayesianRegularization(mu, dec, inc, max, prior, keep);
            }
            case "newton-cg", "newtoncg", "truncated-newton" -> {
                double rad = a.num("radius", NewtonCg.RADIUS), max = a.num("radius_max", NewtonCg.RADIUS_MAX),
                        mg = a.num("mingrad", NewtonCg.MIN_GRAD);
                int cg = a.integer("cg", NewtonCg.MAX_CG);
                boolean gn = a.bool("gn", false);
                a.done(Set.of("radius", "radius_max", "cg", "mingrad", "gn"));
                yield () -> new NewtonCg(rad, max, cg, mg, gn);
            }
            case "diag-newton", "diagnewton", "becker-lecun" -> {
                double lr = a.num("lr", DiagonalNewton.LR), mu = a.num("mu", DiagonalNewton.MU);
                a.done(Set.of("lr", "mu"));
                yield () -> new DiagonalNewton(lr, mu);
            }
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "' (expected one of " + NAMES + ")");
        };
        s.get();   // validates the settings now
        return s;
    }

    /** One optimizer for the spec. */
    public static Optimizer create(String spec) {
        return parse(spec).get();
    }

    /** Whether the named optimizer needs full-batch training. */
    public static boolean isFullBatch(String spec) {
        return create(spec) instanceof FullBatchOptimizer;
    }

    private record Args(String spec, Map<String, String> kv) {
        double num(String key, double def) {
            String v = kv.get(key);
            if (v == null) return def;
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("optimizer '" + spec + "': " + key + " must be a number, found '" + v + "'");
            }
        }

        int integer(String key, int def) {
            double v = num(key, def);
            if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("optimizer '" + spec + "': " + key + " must be a whole number, found '" + kv.get(key) + "'");
            }
            return (int) v;
        }

        boolean bool(String key, boolean def) {
            String v = kv.get(key);
            if (v == null) return def;
            return switch (v) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw new IllegalArgumentException("optimizer '" + spec + "': " + key + " must be true or false, found '" + v + "'");
            };
        }

        void done(Set<String> allowed) {
            for (String k : kv.keySet()) {
                if (!allowed.contains(k)) {
                    throw new IllegalArgumentException("optimizer '" + spec + "': unknown setting '" + k + "' (allowed: "
                            + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
                }
            }
        }
    }
}
