package org.backprop4j.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole fast engine ({@link Backprop}: forward, output delta, three products per layer, bias
 * sums, activation derivatives) run with the vector and OpenBLAS kernels gives the same outputs and
 * gradients as with {@link ScalarKernels}.
 *
 * <p><b>Tolerance.</b> The kernels differ only in the order of float32 summation. Each product has
 * k ≤ 300 terms, so its error is at most k·u·Σ|a||b| ≈ 2·10⁻⁵ of the magnitudes involved
 * (u = 2⁻²⁴, see {@link KernelsTest}); through ≤ 3 layers of activations with |f'| ≤ 1 and
 * Glorot/He-sized weights the differences stay of that order relative to the largest value. We allow
 * 2·10⁻⁴ × max|reference| per array (10× margin); a wrong index, transposition or sign in any
 * product moves values by O(max|reference|) and fails.
 */
class EngineKernelsTest {

    static Kernels kernel(String name) {
        Kernels k = KernelProvider.byName(name);
        Assumptions.assumeTrue(k != null, name + " kernels not available here");
        return k;
    }

    record Case(int[] sizes, Activation[] acts, Loss loss, int m) {}

    static final Case[] CASES = {
            new Case(new int[] {2, 2, 1}, new Activation[] {Activation.LOGISTIC, Activation.LOGISTIC}, Loss.SSE, 4),
            new Case(new int[] {13, 17, 9, 5}, new Activation[] {Activation.TANH, Activation.RELU, Activation.SOFTMAX}, Loss.CROSS_ENTROPY, 37),
            new Case(new int[] {300, 70, 10}, new Activation[] {Activation.RELU, Activation.SOFTMAX}, Loss.CROSS_ENTROPY, 64),
            new Case(new int[] {100, 64, 10}, new Activation[] {Activation.LOGISTIC, Activation.SOFTMAX}, Loss.CROSS_ENTROPY, 1),
            new Case(new int[] {20, 33, 3}, new Activation[] {Activation.LEAKY_RELU, Activation.IDENTITY}, Loss.MSE, 50),
            new Case(new int[] {40, 48, 48, 6}, new Activation[] {Activation.TANH, Activation.LOGISTIC, Activation.LOGISTIC}, Loss.BINARY_CROSS_ENTROPY, 24),
    };

    @ParameterizedTest
    @ValueSource(strings = {"vector", "openblas"})
    void gradientsMatchScalarKernels(String name) {
        Kernels fast = kernel(name);
        Kernels scalar = new ScalarKernels();
        int seed = 100;
        for (Case c : CASES) {
            Network.Builder nb = Network.builder(c.sizes[0]);
            for (int l = 1; l < c.sizes.length; l++) nb.layer(c.sizes[l], c.acts[l - 1]);
            Network net = nb.build(Init.auto(), seed++);
            Rng rng = new Rng(seed);
            int rows = c.m + 3;                 // use an offset row to exercise the input offset
            float[] x = new float[rows * c.sizes[0]];
            for (int i = 0; i < x.length; i++) x[i] = (float) rng.uniform(-1, 1);
            int nOut = c.sizes[c.sizes.length - 1];
            float[] d = new float[rows * nOut];
            for (int r = 0; r < rows; r++) {
                if (c.loss == Loss.CROSS_ENTROPY) d[r * nOut + rng.nextInt(nOut)] = 1f;
                else for (int j = 0; j < nOut; j++) d[r * nOut + j] = (float) rng.nextDouble();
            }
            Backprop ref = new Backprop(net, c.loss, scalar);
            Backprop bp = new Backprop(net, c.loss, fast);
            float[] gRef = new float[net.paramCount()];
            float[] g = new float[net.paramCount()];
            double eRef = ref.gradient(x, d, 2, c.m, gRef, 1e-3, false);
            double e = bp.gradient(x, d, 2, c.m, g, 1e-3, false);
            String where = name + " " + java.util.Arrays.toString(c.sizes) + " m=" + c.m;
            assertTrue(Math.abs(e - eRef) <= 2e-4 * Math.abs(eRef) + 1e-9, where + ": loss " + e + " vs " + eRef);
            close(where + " gradient", gRef, g, g.length);
            float[] oRef = ref.forward(x, 2, c.m).clone();
            float[] o = bp.forward(x, 2, c.m);
            close(where + " outputs", oRef, o, c.m * nOut);
        }
    }

    static void close(String where, float[] ref, float[] got, int len) {
        double max = 0;
        for (int i = 0; i < len; i++) max = Math.max(max, Math.abs(ref[i]));
        double tol = 2e-4 * max + Float.MIN_NORMAL;
        for (int i = 0; i < len; i++) {
            if (!(Math.abs(got[i] - ref[i]) <= tol)) {
                fail(where + "[" + i + "] = " + got[i] + ", scalar kernels give " + ref[i] + " (tolerance " + tol + ")");
            }
        }
    }
}
