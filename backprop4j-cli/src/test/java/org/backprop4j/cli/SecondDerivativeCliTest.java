package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.backprop4j.Loss;
import org.backprop4j.data.JacobsExample;
import org.backprop4j.reference.ReferenceHessian;
import org.backprop4j.reference.ReferenceNetwork;
import org.junit.jupiter.api.Test;

/** Issue 22.1: {@code explain --jacobs --hessian} and {@code gradcheck --second}. */
class SecondDerivativeCliTest {

    /**
     * Every one of the 144 printed entries is within 1e-6 of the central difference of the gradient
     * (h = 1e-5, error ~1e-10; printing rounds to 5e-7), and the printed eigenvalues (6 significant
     * digits) are those of the finite-difference matrix, symmetrised.
     */
    @Test
    void explainJacobsHessianPrintsTheFullMatrixAndEigenvalues() {
        CliTest.Result r = CliTest.run("explain", "--jacobs", "--hessian");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.contains("eq. 16 (hidden → output)") && out.contains("eq. 25 (input → hidden)"), out);
        String[] lines = out.split("\n");
        int header = -1;
        for (int i = 0; i < lines.length; i++) if (lines[i].startsWith("Hessian H = ∂²E/∂w∂w' (12×12")) header = i;
        assertTrue(header >= 0, out);
        ReferenceNetwork ref = new ReferenceNetwork(JacobsExample.network(), Loss.SSE);
        double[][] x = {JacobsExample.X}, d = {JacobsExample.D};
        double[][] fd = new double[12][12];
        double h = 1e-5;
        for (int j = 0; j < 12; j++) {
            double[] e = new double[12];
            e[j] = 1;
            double[] gp = ref.plus(e, h).gradient(x, d, 0, false).flat(), gm = ref.plus(e, -h).gradient(x, d, 0, false).flat();
            for (int i = 0; i < 12; i++) fd[i][j] = (gp[i] - gm[i]) / (2 * h);
        }
        for (int i = 0; i < 12; i++) {
            String[] f = lines[header + 2 + i].trim().split("\\s+");
            assertEquals(13, f.length, lines[header + 2 + i]);
            for (int j = 0; j < 12; j++) assertEquals(fd[i][j], Double.parseDouble(f[j + 1]), 1e-6, "H[" + i + "][" + j + "]");
        }
        double[][] sym = new double[12][12];
        for (int i = 0; i < 12; i++) for (int j = 0; j < 12; j++) sym[i][j] = (fd[i][j] + fd[j][i]) / 2;
        double[] ev = ReferenceHessian.eigenvalues(sym);
        String evLine = lines[header + 14];
        assertTrue(evLine.startsWith("eigenvalues (ascending):"), evLine);
        double[] printed = Arrays.stream(evLine.substring(evLine.indexOf(':') + 1).trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
        assertEquals(12, printed.length);
        for (int i = 0; i < 12; i++) assertEquals(ev[i], printed[i], 1e-6 + 1e-5 * Math.abs(ev[i]), "eigenvalue " + i);
        assertTrue(lines[header + 15].startsWith("2 negative"), lines[header + 15]);
    }

    @Test
    void gradcheckSecondPassesForEveryKindOfPair() {
        for (String[] a : new String[][] {{"tanh", "softmax", "ce"}, {"gelu", "logistic", "bce"}, {"sin", "identity", "huber"},
                {"elu", "softplus", "mse"}, {"softplus", "softmax", "sse"}}) {
            CliTest.Result r = CliTest.run("gradcheck", "--second", "--activation", a[0], "--output", a[1], "--loss", a[2]);
            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("Hv (R-operator) vs central differences of the gradient"), r.out());
            assertFalse(r.out().contains("FAIL"), r.out());
        }
    }
}
