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
        sb.append("\nBackward pass (seed 004: δ_t = −∂E_p/∂net_t)\n");
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
