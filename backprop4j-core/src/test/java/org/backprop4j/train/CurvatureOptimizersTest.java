package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.backprop4j.second.DiagonalHessian;
import org.backprop4j.second.HessianVector;
import org.junit.jupiter.api.Test;

/**
 * Issue 22.2: Newton-CG and the Becker–LeCun diagonal step, first steps worked out by hand on a
 * linear unit o = w·x + b with E = ½Σ(o − d)² on x = (1, 2), d = (1, 3), from w = b = 0:
 * g = (Σ(o−d)x, Σ(o−d)) = (−7, −4), H = [[Σx², Σx], [Σx, m]] = [[5, 3], [3, 2]] (E is quadratic).
 */
class CurvatureOptimizersTest {

    static Network linear() {
        return Network.builder(1).layer(1, Activation.IDENTITY).build();   // all parameters 0
    }

    static final DataSet DATA = new DataSet(new float[] {1, 2}, new float[] {1, 3}, 1, 1);

    static NetworkObjective objective(Network net) {
        return new NetworkObjective(net, Loss.SSE, DATA, 0, false);
    }

    @Test
    void newtonCgFirstStepStopsCgByTheForcingTermThenConverges() {
        // Δ = 10: CG's first step d = −g = (7, 4), α = rᵀr/dᵀHd = 65/445 (Hd = (47, 29)) gives z = (455, 260)/445, inside
        // the region; its residual r = g + α·Hd = (−60, 105)/445, ‖r‖ = 0.27, is below the forcing tolerance
        // min(½, √‖g‖)·‖g‖ = ½·√65 (N&W eq. 7.3), so CG stops after one iteration; later iterations reach the
        // least-squares line d = 2x − 1 (the Newton step p = −H⁻¹g = (2, −1) from 0)
        Network net = linear();
        NewtonCg opt = new NewtonCg(10, 1000, 100, 1e-7, false);
        float[] w = net.params().clone();
        double w1 = 455.0 / 445, b1 = 260.0 / 445;
        double expected = 0.5 * (Math.pow(w1 + b1 - 1, 2) + Math.pow(2 * w1 + b1 - 3, 2));
        assertEquals(expected, opt.iterate(objective(net), w), 1e-6);
        assertEquals(w1, w[0], 1e-6);
        assertEquals(b1, w[1], 1e-6);
        assertEquals(1, opt.lastCgIterations());
        for (int it = 0; it < 20 && opt.stopReason() == null; it++) opt.iterate(objective(net), w);
        assertEquals(2f, w[0], 1e-4f);
        assertEquals(-1f, w[1], 1e-4f);
    }

    @Test
    void newtonCgStopsOnTheTrustRegionBoundaryAndGrowsTheRadius() {
        // first CG step: d = −g = (7, 4), α = rᵀr/dᵀHd = 65/445, ‖α·d‖ = 1.18 > Δ = 1, so p = d/‖d‖ = (7, 4)/√65;
        // E(p) = ½[(11/√65 − 1)² + (18/√65 − 3)²]; the model is exact (E quadratic), ρ = 1 > ¾ on the boundary: Δ ← 2
        Network net = linear();
        NewtonCg opt = new NewtonCg();
        float[] w = net.params().clone();
        double s = Math.sqrt(65);
        double expected = 0.5 * (Math.pow(11 / s - 1, 2) + Math.pow(18 / s - 3, 2));
        assertEquals(expected, opt.iterate(objective(net), w), 1e-6);
        assertEquals(7 / s, w[0], 1e-6);
        assertEquals(4 / s, w[1], 1e-6);
        assertEquals(1, opt.lastCgIterations());
        assertEquals(2.0, opt.radius(), 0);
    }

    @Test
    void diagonalNewtonFirstStep() {
        // diagonal of H: (Σx², m) = (5, 2); Δw = −ε·g/(h + μ): with ε = 1, μ = 0: (7/5, 4/2); defaults ε = 0.5, μ = 0.1
        Network net = linear();
        float[] w = net.params().clone();
        new DiagonalNewton(1, 0).iterate(objective(net), w);
        assertEquals(1.4f, w[0], 1e-6f);
        assertEquals(2f, w[1], 1e-6f);
        float[] w2 = linear().params().clone();
        new DiagonalNewton().iterate(objective(linear()), w2);
        assertEquals(0.5 * 7 / 5.1, w2[0], 1e-6);
        assertEquals(0.5 * 4 / 2.1, w2[1], 1e-6);
    }

    /** With no hidden layer and one output, Becker–LeCun's diagonal is the exact diagonal of the Gauss–Newton matrix. */
    @Test
    void diagonalIsTheGaussNewtonDiagonalForOneLayer() {
        for (Activation out : new Activation[] {Activation.IDENTITY, Activation.LOGISTIC, Activation.TANH}) {
            Network net = Network.builder(4).layer(1, out).build(Init.uniform(1), 3);
            Rng rng = new Rng(4);
            int m = 9;
            float[] x = new float[m * 4], d = new float[m];
            for (int i = 0; i < x.length; i++) x[i] = (float) rng.uniform(-1, 1);
            for (int i = 0; i < m; i++) d[i] = rng.nextInt(2);
            Loss loss = out == Activation.LOGISTIC ? Loss.BINARY_CROSS_ENTROPY : Loss.MSE;
            float[] diag = new float[5], e = new float[5], col = new float[5];
            new DiagonalHessian(net, loss).compute(x, d, 0, m, diag, 0.1, false);
            HessianVector gn = new HessianVector(net, loss);
            for (int i = 0; i < 5; i++) {
                e[i] = 1;
                gn.multiply(x, d, 0, m, e, col, 0.1, false, true);
                e[i] = 0;
                // float32 sums of 9 products: 1e-5 relative
                assertEquals(col[i], diag[i], 1e-5 * (1 + Math.abs(col[i])), out + " parameter " + i);
            }
        }
    }

    @Test
    void bothSolveXorThroughTheTrainer() {
        DataSet xor = new DataSet(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, new float[] {0, 1, 1, 0}, 2, 1, List.of("0", "1"), null);
        for (String spec : new String[] {"newton-cg", "newton-cg:gn=true", "diag-newton"}) {
            int solved = EpochsToSolution.epochsToSolve(xor, 2, spec, 1, 500);
            assertTrue(solved > 0, spec + " did not solve XOR in 500 epochs");
        }
    }

    @Test
    void specsAreParsedAndChecked() {
        assertEquals("newton-cg(radius=2.0,radius_max=1000.0,cg=100,gn=true)", Optimizers.create("newton-cg:radius=2,gn=true").describe());
        assertEquals("diag-newton(lr=0.5,mu=0.1)", Optimizers.create("diag-newton").describe());
        assertTrue(Optimizers.isFullBatch("newton-cg") && Optimizers.isFullBatch("diag-newton"));
        var e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create("newton-cg:radius=0"));
        assertEquals("radius must be > 0: 0.0", e.getMessage());
    }
}
