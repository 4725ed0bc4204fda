package org.backprop4j.studio;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.reference.ReferenceNetwork;

/**
 * One pattern through the reference engine ({@link ReferenceNetwork}, double precision), laid out as
 * the five stages of seed 004's derivation: forward pass, output deltas, hidden deltas, gradients,
 * update. Each value comes with its formula in the notes' notation and the numbers substituted,
 * formatted as {@code backprop4j explain} formats them (six decimals), so the page shows exactly
 * the numbers {@code explain --jacobs} prints.
 */
final class StepThrough {
    private StepThrough() {}

    static final String[] STAGES = {"forward pass", "output deltas", "hidden deltas", "gradients", "update"};

    /** The stages for pattern (x, d) through {@code net}, with learning rate η for the update. */
    static ObjectNode explain(ReferenceNetwork net, double[] x, double[] d, double eta, String title) {
        ReferenceNetwork.Pattern p = net.backward(x, d);
        int L = net.layers();
        Loss loss = net.loss();
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("title", title).put("eta", eta).put("loss", loss.id()).put("error", num(p.error));
        ArrayNode sizes = r.putArray("sizes");
        for (int l = 0; l <= L; l++) sizes.add(net.size(l));
        ArrayNode acts = r.putArray("activations");
        for (int l = 1; l <= L; l++) acts.add(net.activation(l).id());
        ArrayNode stages = r.putArray("stages");
        for (String s : STAGES) stages.add(stage(s));

        // values on the diagram: per layer and unit
        ArrayNode units = r.putArray("units");
        for (int l = 0; l <= L; l++) {
            ArrayNode layer = units.addArray();
            for (int t = 0; t < net.size(l); t++) {
                ObjectNode u = layer.addObject();
                u.put("o", num(p.o[l][t]));
                if (l > 0) u.put("net", num(p.net[l][t])).put("delta", num(p.delta[l][t]));
                if (l == L) u.put("d", num(d[t]));
            }
        }
        ArrayNode weights = r.putArray("weights");   // [l-1][t][u], u = n_{l-1} is the bias
        for (int l = 1; l <= L; l++) {
            ArrayNode layer = weights.addArray();
            for (int t = 0; t < net.size(l); t++) {
                ArrayNode row = layer.addArray();
                for (int u = 0; u <= net.size(l - 1); u++) {
                    double w = u < net.size(l - 1) ? net.weight(l, t, u) : net.bias(l, t);
                    double o = u < net.size(l - 1) ? p.o[l - 1][u] : 1;
                    double dw = p.delta[l][t] * o;
                    row.addObject().put("w", num(w)).put("grad", num(-dw)).put("dw", num(dw)).put("new", num(w + eta * dw));
                }
            }
        }

        // stage 1: forward
        ArrayNode fwd = (ArrayNode) stages.get(0).get("lines");
        for (int u = 0; u < net.size(0); u++) {
            line(fwd, "o:0:" + u, "o_" + (u + 1) + " = x_" + (u + 1), null, p.o[0][u]);
        }
        for (int l = 1; l <= L; l++) {
            String layer = layerName(l, L);
            for (int t = 0; t < net.size(l); t++) {
                StringBuilder sum = new StringBuilder();
                for (int u = 0; u < net.size(l - 1); u++) {
                    sum.append(u > 0 ? " + " : "").append(num(net.weight(l, t, u))).append("·").append(num(p.o[l - 1][u]));
                }
                sum.append(" + ").append(num(net.bias(l, t)));
                line(fwd, "net:" + l + ":" + t, layer + " unit " + (t + 1) + ": net_" + (t + 1) + " = Σ_u w_" + (t + 1) + "u·o_u + b_" + (t + 1),
                        sum.toString(), p.net[l][t]);
                String f = net.activation(l) == Activation.SOFTMAX ? "softmax" : net.activation(l).id();
                line(fwd, "o:" + l + ":" + t, layer + " unit " + (t + 1) + ": o_" + (t + 1) + " = f(net_" + (t + 1) + ")",
                        f + "(" + num(p.net[l][t]) + ")", p.o[l][t]);
            }
        }
        line(fwd, "error", "E_p = " + (loss == Loss.SSE || loss == Loss.MSE ? "½Σ_k (d_k − o_k)²" : loss.id() + " error of the pattern"),
                null, p.error);

        // stage 2: output deltas (seed 004, case 1)
        ArrayNode out = (ArrayNode) stages.get(1).get("lines");
        Activation fL = net.activation(L);
        for (int k = 0; k < net.size(L); k++) {
            String s = "_" + (k + 1);
            if (loss.fusesWith(fL)) {
                String fp = fL == Activation.IDENTITY ? "·1" : "";
                String why = fL == Activation.IDENTITY ? "f'(net) = 1 for a linear unit" : "the derivative of f cancels against the loss's";
                line(out, "delta:" + L + ":" + k, "δ" + s + " = (d" + s + " − o" + s + ")·f'(net" + s + ")",
                        "(" + num(d[k]) + " − " + num(p.o[L][k]) + ")" + fp + "   [" + why + "]", p.delta[L][k]);
            } else if (fL == Activation.SOFTMAX) {
                line(out, "delta:" + L + ":" + k, "δ" + s + " = Σ_k (−∂E_p/∂o_k)·o_k(δ_ik − o" + s + ")   (softmax, lecture note 003 eq. 40)", null, p.delta[L][k]);
            } else {
                double g = -loss.unitErrorDerivative(p.o[L][k], d[k]);
                // f'(net) from net and o: GELU's and sin's cannot be written from o alone (Activation.needsNet)
                double fp = fL.derivative(p.net[L][k], p.o[L][k]);
                line(out, "delta:" + L + ":" + k, "δ" + s + " = (−∂E_p/∂o" + s + ")·f'(net" + s + ")" + derivativeNote(fL),
                        "(" + num(g) + ")·(" + num(fp) + ")", p.delta[L][k]);
            }
        }

        // stage 3: hidden deltas (seed 004, case 2), from the top hidden layer down
        ArrayNode hid = (ArrayNode) stages.get(2).get("lines");
        for (int l = L - 1; l >= 1; l--) {
            for (int j = 0; j < net.size(l); j++) {
                String s = "_" + (j + 1);
                StringBuilder sum = new StringBuilder("(");
                for (int k = 0; k < net.size(l + 1); k++) {
                    sum.append(k > 0 ? " + " : "").append(num(p.delta[l + 1][k])).append("·").append(num(net.weight(l + 1, k, j)));
                }
                double fp = net.activation(l).derivative(p.net[l][j], p.o[l][j]);
                sum.append(")·").append(num(fp));
                line(hid, "delta:" + l + ":" + j, layerName(l, L) + " unit " + (j + 1) + ": δ" + s + " = (Σ_k δ_k·w_k" + (j + 1) + ")·f'(net" + s + ")"
                        + derivativeNote(net.activation(l)), sum.toString(), p.delta[l][j]);
            }
        }
        if (L == 1) hid.addObject().put("key", "none").put("formula", "no hidden layer: nothing to back-propagate").put("value", "");

        // stage 4: gradients, Δ_p w_tu = δ_t·o_u and ∂E_p/∂w_tu = −δ_t·o_u (explain prints the latter)
        ArrayNode gr = (ArrayNode) stages.get(3).get("lines");
        // stage 5: update, w_tu ← w_tu + η·δ_t·o_u (seed 004's online rule)
        ArrayNode up = (ArrayNode) stages.get(4).get("lines");
        for (int l = L; l >= 1; l--) {
            String from = layerName(l - 1, L), to = layerName(l, L);
            for (int t = 0; t < net.size(l); t++) {
                for (int u = 0; u <= net.size(l - 1); u++) {
                    boolean bias = u == net.size(l - 1);
                    String wn = bias ? "b_" + (t + 1) : "w_" + (t + 1) + (u + 1);
                    double w = bias ? net.bias(l, t) : net.weight(l, t, u);
                    double o = bias ? 1 : p.o[l - 1][u];
                    double dw = p.delta[l][t] * o;
                    String where = from + " → " + to + ": ";
                    line(gr, "grad:" + l + ":" + t + ":" + u, where + "∂E_p/∂" + wn + " = −δ_" + (t + 1) + "·" + (bias ? "1" : "o_" + (u + 1)),
                            "−(" + num(p.delta[l][t]) + ")·(" + num(o) + ")", -dw);
                    line(up, "new:" + l + ":" + t + ":" + u, where + wn + "^new = " + wn + " + η·δ_" + (t + 1) + "·" + (bias ? "1" : "o_" + (u + 1)),
                            num(w) + " + " + RunConfig.num(eta) + "·(" + num(p.delta[l][t]) + ")·(" + num(o) + ")", w + eta * dw);
                }
            }
        }
        return r;
    }

    private static String derivativeNote(Activation f) {
        return switch (f) {
            case LOGISTIC -> ", f'(net) = o(1 − o)";
            case TANH -> ", f'(net) = 1 − o²";
            case IDENTITY -> ", f'(net) = 1";
            case RELU -> ", f'(net) = 1 if net > 0 else 0";
            case LEAKY_RELU -> ", f'(net) = 1 if net > 0 else 0.01";
            case SOFTMAX -> "";
            case SOFTPLUS -> ", f'(net) = σ(net) = 1 − e^−o";
            case ELU -> ", f'(net) = 1 if net > 0 else o + 1";
            case GELU -> ", f'(net) = ½(1 + tanh u) + ½·net·(1 − tanh² u)·u'";
            case SIN -> ", f'(net) = cos(net)";
        };
    }

    private static ObjectNode stage(String name) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("name", name);
        s.putArray("lines");
        return s;
    }

    private static void line(ArrayNode lines, String key, String formula, String substituted, double value) {
        ObjectNode o = lines.addObject().put("key", key).put("formula", formula).put("value", num(value));
        if (substituted != null) o.put("substituted", substituted);
    }

    /** Explainer's layer names: input, hidden (or hidden 1, 2, ...), output. */
    static String layerName(int l, int layers) {
        if (l == 0) return "input";
        if (l == layers) return "output";
        return layers == 2 ? "hidden" : "hidden " + l;
    }

    /** Explainer's number format. */
    static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
