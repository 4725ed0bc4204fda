package org.backprop4j;

import java.util.ArrayList;
import java.util.List;

/** Valid output activation / loss pairs and helpers shared by engine tests. */
public final class NetworkFixtures {
    private NetworkFixtures() {}

    public record OutputPair(Activation activation, Loss loss) {}

    public static final Activation[] HIDDEN = {
        Activation.IDENTITY, Activation.LOGISTIC, Activation.TANH, Activation.RELU, Activation.LEAKY_RELU,
        Activation.SOFTPLUS, Activation.ELU, Activation.GELU, Activation.SIN
    };

    /** Every output activation with every loss the engines accept for it. */
    public static List<OutputPair> outputPairs() {
        List<OutputPair> pairs = new ArrayList<>();
        for (Activation a : Activation.values()) {
            for (Loss l : Loss.values()) {
                try {
                    Backprop.checkPairing(a, l);
                    pairs.add(new OutputPair(a, l));
                } catch (IllegalArgumentException rejected) {
                    // not a valid pair
                }
            }
        }
        return pairs;
    }

    /** Targets suited to the output activation and loss: one-hot for softmax, in (0,1) for logistic. */
    public static float[] targets(Activation out, Loss loss, int m, int n, Rng rng) {
        float[] d = new float[m * n];
        for (int p = 0; p < m; p++) {
            if (out == Activation.SOFTMAX || loss == Loss.CROSS_ENTROPY) {
                d[p * n + rng.nextInt(n)] = 1f;
            } else if (out == Activation.LOGISTIC || loss == Loss.BINARY_CROSS_ENTROPY) {
                for (int k = 0; k < n; k++) d[p * n + k] = rng.nextInt(2);
            } else {
                for (int k = 0; k < n; k++) d[p * n + k] = (float) rng.uniform(-1, 1);
            }
        }
        return d;
    }

    public static double[][] rows(float[] a, int m, int n) {
        double[][] r = new double[m][n];
        for (int p = 0; p < m; p++) for (int j = 0; j < n; j++) r[p][j] = a[p * n + j];
        return r;
    }
}
