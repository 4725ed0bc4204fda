package org.backprop4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.backprop4j.reference.ReferenceNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reference engine's backpropagated gradient equals the finite-difference derivative of its
 * own error E, for every hidden activation with every valid output activation/loss pair, without
 * L2 decay, with decay on the weights only (the default: biases excluded) and with decay on the
 * biases too.
 *
 * <p>Central differences with h = 1e-6 in double have truncation error O(h²·|E'''|) ≈ 1e-12 and
 * roundoff ≈ ε·|E|/h ≈ 1e-10, so agreement within 1e-6·(1 + |g|) is a safe but sharp test (a wrong
 * term changes a derivative by O(|g|)).
 */
class GradientCheckTest {

    /** L2 decay settings: none, λ/2‖W‖² on the weights only, and on the biases too. */
    enum Decay {
        NONE(0, false), WEIGHTS(0.05, false), WEIGHTS_AND_BIASES(0.05, true);
        final double lambda;
        final boolean biases;
        Decay(double lambda, boolean biases) { this.lambda = lambda; this.biases = biases; }
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> s = Stream.builder();
        for (Activation hidden : NetworkFixtures.HIDDEN) {
            for (NetworkFixtures.OutputPair out : NetworkFixtures.outputPairs()) {
                for (Decay decay : Decay.values()) s.add(Arguments.of(hidden, out, decay));
            }
        }
        return s.build();
    }

    @ParameterizedTest(name = "{0} hidden, {1}, decay {2}")
    @MethodSource("cases")
    void backpropMatchesFiniteDifferences(Activation hidden, NetworkFixtures.OutputPair out, Decay decay) {
        // a fixed seed per case (enum hash codes differ between JVM runs); with these draws no net input of a
        // (leaky) ReLU unit lies within h of its kink, where a finite difference is meaningless
        Rng rng = new Rng(hidden.ordinal() * 100L + out.activation().ordinal() * 10L + out.loss().ordinal());
        int nOut = out.activation() == Activation.SOFTMAX ? 3 : 2;
        Network net = Network.builder(3).layer(4, hidden).layer(3, hidden).layer(nOut, out.activation())
                .build(Init.uniform(0.8), rng.nextLong());
        int m = 5;
        float[] x = new float[m * 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.uniform(-1, 1);
        float[] d = NetworkFixtures.targets(out.activation(), out.loss(), m, nOut, rng);
        double[][] xr = NetworkFixtures.rows(x, m, 3), dr = NetworkFixtures.rows(d, m, nOut);
        double lambda = decay.lambda;
        boolean biases = decay.biases;
        ReferenceNetwork ref = new ReferenceNetwork(net, out.loss());
        double[] g = ref.gradient(xr, dr, lambda, biases).flat();

        for (double[] xp : xr) {
            ReferenceNetwork.Pattern p = ref.forward(xp);
            for (int l = 1; l <= ref.layers(); l++) {
                if (ref.activation(l) != Activation.RELU && ref.activation(l) != Activation.LEAKY_RELU) continue;
                for (double v : p.net[l]) assertTrue(Math.abs(v) > 1e-4, "a net input at the kink: pick another seed");
            }
        }
        double h = 1e-6;
        int i = 0;
        for (int l = 1; l <= ref.layers(); l++) {
            for (int t = 0; t < ref.size(l); t++) {
                for (int u = 0; u < ref.size(l - 1); u++) {
                    double w0 = ref.weight(l, t, u);
                    ref.setWeight(l, t, u, w0 + h);
                    double ep = ref.error(xr, dr, lambda, biases);
                    ref.setWeight(l, t, u, w0 - h);
                    double em = ref.error(xr, dr, lambda, biases);
                    ref.setWeight(l, t, u, w0);
                    assertClose((ep - em) / (2 * h), g[i++], "w" + l + "[" + t + "][" + u + "]");
                }
            }
            for (int t = 0; t < ref.size(l); t++) {
                double b0 = ref.bias(l, t);
                ref.setBias(l, t, b0 + h);
                double ep = ref.error(xr, dr, lambda, biases);
                ref.setBias(l, t, b0 - h);
                double em = ref.error(xr, dr, lambda, biases);
                ref.setBias(l, t, b0);
                assertClose((ep - em) / (2 * h), g[i++], "b" + l + "[" + t + "]");
            }
        }
    }

    private static void assertClose(double numeric, double analytic, String what) {
        assertTrue(Math.abs(numeric - analytic) <= 1e-6 * (1 + Math.abs(analytic)),
                what + ": finite difference " + numeric + ", backprop " + analytic);
    }
}
