package org.backprop4j.second;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Backprop;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.JacobsExample;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.reference.ReferenceHessian;
import org.backprop4j.reference.ReferenceNetwork;
import org.backprop4j.train.NetworkObjective;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 22.1: Gauss–Newton against LM's JᵀJ, full-batch chunks, and seed 003's 12×12 Hessian. */
class HessianTest {

    /** G·v from the R-operator equals (s·JᵀJ + diag(λ))·v from the Jacobian NetworkObjective builds for LM. */
    @ParameterizedTest(name = "{0} output, {1}, λ = {2}")
    @CsvSource({"identity, sse, 0", "identity, mse, 0.1", "logistic, sse, 0", "logistic, mse, 0.01", "tanh, mse, 0", "softmax, sse, 0"})
    void gaussNewtonIsLevenbergMarquardtsJtJ(String out, String loss, double lambda) {
        Rng rng = new Rng(7);
        Network net = Network.builder(3).layer(5, Activation.TANH).layer(4, Activation.GELU).layer(3, Activation.parse(out))
                .build(Init.uniform(0.8), 3);
        int m = 11;
        float[] x = new float[m * 3], d = new float[m * 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.uniform(-1, 1);
        for (int i = 0; i < d.length; i++) d[i] = (float) rng.uniform(0, 1);
        Loss l = Loss.parse(loss);
        NetworkObjective obj = new NetworkObjective(net, l, new DataSet(x, d, 3, 3), lambda, false);
        int P = net.paramCount(), R = obj.residualCount();
        double[] r = new double[R], jac = new double[R * P];
        obj.residualsAndJacobian(net.params(), r, jac);
        float[] v = new float[P], gv = new float[P];
        for (int i = 0; i < P; i++) v[i] = (float) rng.uniform(-1, 1);
        new HessianVector(net, l, KernelProvider.get()).multiply(x, d, 0, m, v, gv, lambda, false, true);
        double[] jv = new double[R];
        for (int a = 0; a < R; a++) for (int i = 0; i < P; i++) jv[a] += jac[a * P + i] * v[i];
        double max = 0;
        double[] expected = new double[P];
        for (int i = 0; i < P; i++) {
            double s = 0;
            for (int a = 0; a < R; a++) s += jac[a * P + i] * jv[a];
            expected[i] = obj.residualScale() * s + obj.regularization(i) * v[i];
            max = Math.max(max, Math.abs(expected[i]));
        }
        // float32 R-operator against a double Jacobian: 2e-4 of the largest entry (see HessianProperties)
        for (int i = 0; i < P; i++) assertEquals(expected[i], gv[i], 2e-4 * max + 1e-6, "Gv[" + i + "]");
    }

    /** A full batch of 2·CHUNK + 5 rows (three chunks) gives the reference's H·v of all rows. */
    @Test
    void fullBatchInChunksMatchesReference() {
        Rng rng = new Rng(11);
        Network net = Network.builder(2).layer(3, Activation.SOFTPLUS).layer(3, Activation.SOFTMAX).build(Init.uniform(1.0), 5);
        int m = 2 * Backprop.CHUNK + 5;
        float[] x = new float[m * 2], d = new float[m * 3];
        double[][] xr = new double[m][2], dr = new double[m][3];
        for (int p = 0; p < m; p++) {
            for (int i = 0; i < 2; i++) xr[p][i] = x[p * 2 + i] = (float) rng.uniform(-2, 2);
            int k = rng.nextInt(3);
            d[p * 3 + k] = 1;
            dr[p][k] = 1;
        }
        int P = net.paramCount();
        float[] v = new float[P], hv = new float[P];
        double[] vd = new double[P];
        for (int i = 0; i < P; i++) vd[i] = v[i] = (float) rng.uniform(-1, 1);
        new HessianVector(net, Loss.CROSS_ENTROPY).multiply(x, d, 0, m, v, hv, 0.01, true, false);
        double[] expected = new ReferenceHessian(new ReferenceNetwork(net, Loss.CROSS_ENTROPY)).multiply(xr, dr, vd, 0.01, true);
        double max = 0;
        for (double e : expected) max = Math.max(max, Math.abs(e));
        // a mean over 4101 rows: float32 sums of that many terms are good to ~1e-5 of the largest entry; 2e-4 as above
        for (int i = 0; i < P; i++) assertEquals(expected[i], hv[i], 2e-4 * max, "Hv[" + i + "]");
    }

    /**
     * Seed 003's example: every entry of the 12×12 Hessian of E_p = ½Σ(d − o)² is the central difference
     * of the backpropagated gradient (h = 1e-5: truncation h²·|∂³E|/6 &lt; 1e-9, roundoff ε/h ≈ 1e-11), to
     * 1e-6; the matrix is symmetric; its eigenvalues satisfy tr(Hᵏ) = Σλᵏ for k = 1..4.
     */
    @Test
    void jacobsExampleHessianMatchesFiniteDifferences() {
        ReferenceNetwork ref = new ReferenceNetwork(JacobsExample.network(), Loss.SSE);
        double[][] x = {JacobsExample.X}, d = {JacobsExample.D};
        double[][] h = new ReferenceHessian(ref).hessian(x, d, 0, false);
        assertEquals(12, h.length);
        double step = 1e-5;
        for (int j = 0; j < 12; j++) {
            double[] e = new double[12];
            e[j] = 1;
            double[] gp = ref.plus(e, step).gradient(x, d, 0, false).flat();
            double[] gm = ref.plus(e, -step).gradient(x, d, 0, false).flat();
            for (int i = 0; i < 12; i++) {
                assertEquals((gp[i] - gm[i]) / (2 * step), h[i][j], 1e-6, "H[" + i + "][" + j + "]");
                assertEquals(h[j][i], h[i][j], 1e-12, "symmetry at " + i + "," + j);
            }
        }
        double[] ev = ReferenceHessian.eigenvalues(h);
        double[][] power = h;
        for (int k = 1; k <= 4; k++) {
            double trace = 0, sum = 0;
            for (int i = 0; i < 12; i++) trace += power[i][i];
            for (double lam : ev) sum += Math.pow(lam, k);
            assertEquals(trace, sum, 1e-9 * (1 + Math.abs(trace)), "tr(H^" + k + ")");
            power = times(power, h);
        }
    }

    @Test
    void eigenvaluesOfAKnownMatrix() {
        // Q·diag(−2, 0.5, 3)·Qᵀ for a rotation Q: the eigenvalues come back to 1e-12
        double c = Math.cos(0.7), s = Math.sin(0.7);
        double[][] q = {{c, -s, 0}, {s, c, 0}, {0, 0, 1}}, dg = {{-2, 0, 0}, {0, 0.5, 0}, {0, 0, 3}};
        double[][] qt = {{c, s, 0}, {-s, c, 0}, {0, 0, 1}};
        double[] ev = ReferenceHessian.eigenvalues(times(times(q, dg), qt));
        assertEquals(-2, ev[0], 1e-12);
        assertEquals(0.5, ev[1], 1e-12);
        assertEquals(3, ev[2], 1e-12);
    }

    static double[][] times(double[][] a, double[][] b) {
        int n = a.length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) for (int k = 0; k < n; k++) c[i][j] += a[i][k] * b[k][j];
        return c;
    }
}
