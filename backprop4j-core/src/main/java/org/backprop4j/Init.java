package org.backprop4j;

import java.util.Locale;

/**
 * Weight initialisation schemes, all drawn from the seeded {@link Rng} in parameter order, so the
 * same seed gives the same network.
 */
public interface Init {

    /** Fills all weights and biases of the network. */
    void initialize(Network net, Rng rng);

    /** Short name for logs and model files. */
    String id();

    /** Every weight and bias uniform in [−r, r] (the classic choice, e.g. r = 0.5). */
    static Init uniform(double r) {
        return new Init() {
            public void initialize(Network net, Rng rng) {
                float[] p = net.params();
                for (int i = 0; i < p.length; i++) p[i] = (float) rng.uniform(-r, r);
            }
            public String id() { return "uniform(" + r + ")"; }
        };
    }

    /** Glorot &amp; Bengio (2010): W uniform ±√(6/(n_in+n_out)), biases 0. Suits logistic and tanh. */
    static Init xavier() {
        return perLayer("xavier", (fanIn, fanOut) -> Math.sqrt(6.0 / (fanIn + fanOut)));
    }

    /** He et al. (2015), uniform variant: W uniform ±√(6/n_in), biases 0. Suits ReLU. */
    static Init he() {
        return perLayer("he", (fanIn, fanOut) -> Math.sqrt(6.0 / fanIn));
    }

    /**
     * Weights and biases uniform in ±1/√n_in: PyTorch's default for {@code nn.Linear} (Kaiming
     * uniform with a = √5, He et al. 2015), also LeCun et al.'s (1998) fan-in scaling.
     */
    static Init fanIn() {
        return new Init() {
            public void initialize(Network net, Rng rng) {
                float[] p = net.params();
                for (int l = 1; l <= net.layers(); l++) {
                    double limit = 1.0 / Math.sqrt(net.size(l - 1));
                    int w = net.weightOffset(l);
                    int end = net.biasOffset(l) + net.size(l);
                    for (int i = w; i < end; i++) p[i] = (float) rng.uniform(-limit, limit);
                }
            }
            public String id() { return "fan-in"; }
        };
    }

    /** He for layers with (leaky) ReLU units, Xavier for the others. */
    static Init auto() {
        return new Init() {
            public void initialize(Network net, Rng rng) {
                for (int l = 1; l <= net.layers(); l++) {
                    Activation f = net.activation(l);
                    double limit = (f == Activation.RELU || f == Activation.LEAKY_RELU)
                            ? Math.sqrt(6.0 / net.size(l - 1))
                            : Math.sqrt(6.0 / (net.size(l - 1) + net.size(l)));
                    fillLayer(net, l, limit, rng);
                }
            }
            public String id() { return "auto"; }
        };
    }

    /**
     * Nguyen &amp; Widrow (1990, "Improving the learning speed of 2-layer neural networks by choosing
     * initial values of the adaptive weights", IJCNN III, 21–26), applied to every layer as Encog's
     * {@code NguyenWidrowRandomizer} does: for a layer with n inputs and H units, β = 0.7·H^{1/n};
     * each unit's weights are drawn uniform in [−0.5, 0.5] and rescaled to Euclidean norm β, its bias
     * uniform in [−β, β]. (FANN's {@code fann_init_weights} uses (0.7·H)^{1/n} and no normalisation.)
     * Suits logistic and tanh units.
     */
    static Init nguyenWidrow() {
        return new Init() {
            public void initialize(Network net, Rng rng) {
                float[] p = net.params();
                for (int l = 1; l <= net.layers(); l++) {
                    int nIn = net.size(l - 1), h = net.size(l);
                    double beta = 0.7 * Math.pow(h, 1.0 / nIn);
                    for (int t = 0; t < h; t++) {
                        int row = net.weightOffset(l) + t * nIn;
                        double norm = 0;
                        for (int u = 0; u < nIn; u++) {
                            double v = rng.uniform(-0.5, 0.5);
                            p[row + u] = (float) v;
                            norm += v * v;
                        }
                        norm = Math.sqrt(norm);
                        for (int u = 0; u < nIn; u++) p[row + u] = (float) (beta * p[row + u] / norm);
                        p[net.biasOffset(l) + t] = (float) rng.uniform(-beta, beta);
                    }
                }
            }
            public String id() { return "nguyen-widrow"; }
        };
    }

    /** By name: {@code uniform:R}, {@code xavier}, {@code he}, {@code auto}, {@code nguyen-widrow}. */
    static Init parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("uniform")) {
            String r = t.contains(":") ? t.substring(t.indexOf(':') + 1) : "0.5";
            return uniform(Double.parseDouble(r));
        }
        return switch (t) {
            case "xavier", "glorot" -> xavier();
            case "he", "kaiming" -> he();
            case "auto" -> auto();
            case "fan-in", "fanin", "pytorch", "torch" -> fanIn();
            case "nguyen-widrow", "nguyen_widrow", "nguyenwidrow", "nw" -> nguyenWidrow();
            default -> throw new IllegalArgumentException("unknown init '" + s + "' (expected uniform:R, xavier, he, fan-in, auto or nguyen-widrow)");
        };
    }

    /** Limit of a layer's uniform weight distribution from its fan-in and fan-out. */
    @FunctionalInterface
    interface Limit {
        double of(int fanIn, int fanOut);
    }

    private static Init perLayer(String id, Limit limit) {
        return new Init() {
            public void initialize(Network net, Rng rng) {
                for (int l = 1; l <= net.layers(); l++) {
                    fillLayer(net, l, limit.of(net.size(l - 1), net.size(l)), rng);
                }
            }
            public String id() { return id; }
        };
    }

    private static void fillLayer(Network net, int l, double limit, Rng rng) {
        float[] p = net.params();
        int w = net.weightOffset(l);
        int n = net.size(l) * net.size(l - 1);
        for (int i = 0; i < n; i++) p[w + i] = (float) rng.uniform(-limit, limit);
        java.util.Arrays.fill(p, net.biasOffset(l), net.biasOffset(l) + net.size(l), 0f);
    }
}
