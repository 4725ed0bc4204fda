package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.junit.jupiter.api.Test;

/** Issue 22.3: Bayesian regularisation's first re-estimate by hand, its λ-free acceptance on noisy sine data, its guards. */
class BayesianRegularizationTest {

    /**
     * One linear unit o = w·x + b on x = (1, 2), d = (1, 3), from w = b = 0, α = 0, β = 1: the first step is an LM
     * step on β·E_D (μ = 0.001: (2JᵀJ + μI)Δ = −2Jᵀr), E_D and E_W are then taken at the new point and, with
     * α = 0, γ = P = 2 (trainbr's start), so α = γ/(2E_W) and β = (N − γ)/(2E_D) = 0/(2E_D), floored at 1e-3/(2E_D).
     */
    @Test
    void firstReEstimateByHand() {
        Network net = Network.builder(1).layer(1, Activation.IDENTITY).build();
        DataSet data = new DataSet(new float[] {1, 2}, new float[] {1, 3}, 1, 1);
        NetworkObjective obj = new NetworkObjective(net, Loss.SSE, data, 0, false);
        BayesianRegularization br = new BayesianRegularization();
        float[] w = net.params().clone();
        br.iterate(obj, w);
        // (2·[[5,3],[3,2]] + 0.001·I)·Δ = (14, 8): solved in double
        double a = 10.001, b = 6, c = 4.001, det = a * c - b * b;
        double dw = (c * 14 - b * 8) / det, db = (a * 8 - b * 14) / det;
        assertEquals(dw, w[0], 1e-4);
        assertEquals(db, w[1], 1e-4);
        double ew = w[0] * w[0] + w[1] * w[1];
        double r1 = w[0] + w[1] - 1, r2 = 2 * w[0] + w[1] - 3, ed = r1 * r1 + r2 * r2;
        assertEquals(2.0, br.gamma(), 0);
        assertEquals(2 / (2 * ew), br.alpha(), 1e-4 * br.alpha());
        assertEquals(1e-3 / (2 * ed), br.beta(), 1e-3 * br.beta());
        assertEquals(br.alpha() / br.beta(), br.lambda(), 1e-9 * br.lambda());   // s = 1 for sse
    }

    /** On 60 noisy sine points (seeded), BR's test MSE is within 5% of LM with the best of 10 λ by 5-fold CV (or better). */
    @Test
    void noisySineWithinFivePercentOfTheCrossValidatedGrid() {
        DataSet[] raw = BayesianAcceptance.noisySine(1);
        DataSet[] tt = BayesianAcceptance.standardise(raw[0], raw[1]);
        BayesianAcceptance.Result r = BayesianAcceptance.compare("sine", tt[0], tt[1], 10, 1);
        assertTrue(r.ratio() <= 1.05, "BR test MSE " + r.brTestMse() + " vs grid " + r.gridTestMse());
        assertTrue(r.gamma() > 1 && r.gamma() < r.params(), "γ = " + r.gamma());
    }

    @Test
    void refusesAGivenLambdaAndNonSquaredLosses() {
        Network net = Network.builder(1).layer(1, Activation.IDENTITY).build();
        DataSet data = new DataSet(new float[] {1, 2}, new float[] {1, 3}, 1, 1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new BayesianRegularization().iterate(new NetworkObjective(net, Loss.SSE, data, 0.1, false), net.params().clone()));
        assertEquals("br chooses the weight decay itself (λ = α/β): drop --lambda", e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> new BayesianRegularization().iterate(new NetworkObjective(net, Loss.MAE, data, 0, false), net.params().clone()));
        assertTrue(e2.getMessage().startsWith("Levenberg–Marquardt needs a sum-of-squares loss"), e2.getMessage());
    }
}
