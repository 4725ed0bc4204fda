package org.backprop4j.reference;

import java.util.Locale;

/**
 * Prints what the reference engine computes for one pattern, in the notation of seed 004:
 * net_t and o_t per layer (forward), δ_t = −∂E_p/∂net_t (backward, output units first, then hidden
 * units), and for every weight w_tu the gradient ∂E_p/∂w_tu = −δ_t·o_u.
 */
public final class Explainer {
    private Explainer() {}

    /** Layer names: "input", "hidden 1", ..., "output". */
    static String layerName(int l, int layers) {
        if (l == 0) return "input";
        if (l == layers) return "output";
        return layers == 2 ? "hidden" : "hidden " + l;
    }

    /** A multi-line explanation of the forward and backward pass for pattern (x, d). */
    public static String explain(ReferenceNetwork net, double[] x, double[] d) {
        ReferenceNetwork.Pattern p = net.backward(x, d);
        int L = net.layers();
        StringBuilder sb = new StringBuilder();
        sb.append("Forward pass (net_t = Σ_u w_tu·o_u + b_t, o_t = f(net_t))\n");
        for (int u = 0; u < net.size(0); u++) sb.append(fmt("  input   o_%d = x_%d = %s%n", u + 1, u + 1, num(p.o[0][u])));
        for (int l = 1; l <= L; l++) {
            for (int t = 0; t < net.size(l); t++) {
                sb.append(fmt("  %-7s unit %d: net = %s, o = %s(net) = %s%n", layerName(l, L), t + 1,
                        num(p.net[l][t]), net.activation(l).id(), num(p.o[l][t])));
            }
        }
        sb.append(fmt("  targets d = %s, error E_p = %s (%s)%n", vec(d), num(p.error), net.loss().id()));
        sb.append("\nBackward pass (lecture note 004: δ_t = −∂E_p/∂net_t)\n");
        for (int l = L; l >= 1; l--) {
            for (int t = 0; t < net.size(l); t++) {
                String how = l == L
                        ? (net.loss().fusesWith(net.activation(L)) ? "d − o" : "−∂E_p/∂o · f'(net)")
                        : "(Σ_k δ_k·w_k" + (t + 1) + ")·f'(net)";
                sb.append(fmt("  %-7s unit %d: δ = %s = %s%n", layerName(l, L), t + 1, how, num(p.delta[l][t])));
            }
        }
        sb.append("\nGradients (∂E_p/∂w_tu = −δ_t·o_u; a bias is a weight on the constant input 1)\n");
        for (int l = L; l >= 1; l--) {
            sb.append(fmt("  %s → %s%n", layerName(l - 1, L), layerName(l, L)));
            for (int t = 0; t < net.size(l); t++) {
                for (int u = 0; u < net.size(l - 1); u++) {
                    sb.append(fmt("    w_%d%d = %s: ∂E/∂w = −(%s)·(%s) = %s%n", t + 1, u + 1, num(net.weight(l, t, u)),
                            num(p.delta[l][t]), num(p.o[l - 1][u]), num(-p.delta[l][t] * p.o[l - 1][u])));
                }
                sb.append(fmt("    b_%d  = %s: ∂E/∂b = −(%s) = %s%n", t + 1, num(net.bias(l, t)),
                        num(p.delta[l][t]), num(-p.delta[l][t])));
            }
        }
        return sb.toString();
    }

    /**
     * Seed 003's example read both ways, for every parameter: seed 004's ∂E_p/∂w = −δ_t·o_u next to
     * Jacobs' ∂log L/∂w = δ_t·o_u (log L = −E_p, seed 003 eqs. 2–3) with the number of his equation
     * (16–25; the output biases are in his text after eq. 15). For a 2-2-2 network only.
     */
    public static String jacobsReadings(ReferenceNetwork net, double[] x, double[] d) {
        if (net.layers() != 2 || net.size(0) != 2 || net.size(1) != 2 || net.size(2) != 2) {
            throw new IllegalArgumentException("Jacobs' equation numbers are for his 2-2-2 network");
        }
        ReferenceNetwork.Pattern p = net.backward(x, d);
        StringBuilder sb = new StringBuilder("\nBoth readings (lecture note 004: ∂E_p/∂w = −δ_t·o_u; lecture note 003: ∂log L/∂w = δ_t·o_u, log L = −E_p)\n");
        sb.append(fmt("  %-6s %-12s %-12s %s%n", "weight", "∂E_p/∂w", "∂log L/∂w", "Jacobs"));
        String[] outEq = {"eq. 16", "eq. 17", "eq. 18", "eq. 19"}, inEq = {"eq. 22", "eq. 23", "eq. 24", "eq. 25"};
        for (int l = 2; l >= 1; l--) {
            for (int t = 0; t < 2; t++) {
                for (int u = 0; u < 2; u++) {
                    double g = p.delta[l][t] * p.o[l - 1][u];
                    sb.append(fmt("  %-6s %-12s %-12s %s%n", "w" + l + "_" + (t + 1) + (u + 1), num(-g), num(g),
                            (l == 2 ? outEq : inEq)[t * 2 + u] + (l == 2 ? " (hidden → output)" : " (input → hidden)")));
                }
            }
            for (int t = 0; t < 2; t++) {
                double g = p.delta[l][t];
                sb.append(fmt("  %-6s %-12s %-12s %s%n", "b" + l + "_" + (t + 1), num(-g), num(g),
                        l == 2 ? "text after eq. 15 (output bias: d − o)" : "eq. " + (20 + t) + " (hidden bias)"));
            }
        }
        return sb.toString();
    }

    /** Parameter names in {@link org.backprop4j.Network#params()} order: wL_tu (into unit t from unit u of layer L−1), bL_t. */
    public static String[] parameterNames(ReferenceNetwork net) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int l = 1; l <= net.layers(); l++) {
            for (int t = 0; t < net.size(l); t++) for (int u = 0; u < net.size(l - 1); u++) names.add("w" + l + "_" + (t + 1) + (u + 1));
            for (int t = 0; t < net.size(l); t++) names.add("b" + l + "_" + (t + 1));
        }
        return names.toArray(new String[0]);
    }

    /**
     * The full Hessian ∂²E/∂w∂w' of the patterns (x, d) by the R-operator over the basis
     * ({@link ReferenceHessian}), row and column labelled, and its eigenvalues (ascending). The
     * Hessian of log L (seed 003) is its negative.
     */
    public static String hessian(ReferenceNetwork net, double[][] x, double[][] d) {
        double[][] h = new ReferenceHessian(net).hessian(x, d, 0, false);
        String[] names = parameterNames(net);
        StringBuilder sb = new StringBuilder();
        sb.append(fmt("%nHessian H = ∂²E/∂w∂w' (%d×%d, R-operator over the basis, Pearlmutter 1994; ∂² log L = −H)%n", h.length, h.length));
        sb.append(fmt("%-7s", ""));
        for (String n : names) sb.append(fmt(" %10s", n));
        sb.append('\n');
        for (int i = 0; i < h.length; i++) {
            sb.append(fmt("%-7s", names[i]));
            for (int j = 0; j < h.length; j++) sb.append(fmt(" %10.6f", h[i][j] == 0 ? 0.0 : h[i][j]));
            sb.append('\n');
        }
        double[] ev = ReferenceHessian.eigenvalues(h);
        sb.append("eigenvalues (ascending):");
        for (double v : ev) sb.append(' ').append(fmt("%.6g", Math.abs(v) < 1e-15 ? 0.0 : v));
        sb.append('\n');
        int neg = 0;
        for (double v : ev) if (v < -1e-12) neg++;
        sb.append(fmt("%d negative: %s%n", neg, neg == 0 ? "E is locally convex here"
                : "E is not convex here (a saddle direction; Newton's step needs a trust region or line search)"));
        return sb.toString();
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    static String vec(double[] v) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) sb.append(i > 0 ? ", " : "").append(num(v[i]));
        return sb.append(')').toString();
    }
}
