package org.backprop4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 22.3: Bayesian regularisation's first re-estimate by hand, the per-class re-estimate and the
 * evidence against an independent inverse and determinant, the iterate of highest evidence kept, a
 * pruned class held finite, its λ-free acceptance on noisy sine data, its guards.
 */
class BayesianRegularizationTest {

    /** m noisy points of sin(x1) + x2/2 (seeded). */
    static DataSet smooth(int m, long seed) {
        Rng r = new Rng(seed);
        float[] x = new float[2 * m], d = new float[m];
        for (int p = 0; p < m; p++) {
            x[2 * p] = (float) r.uniform(-2, 2);
            x[2 * p + 1] = (float) r.uniform(-2, 2);
            d[p] = (float) (Math.sin(x[2 * p]) + 0.5 * x[2 * p + 1] + 0.2 * r.nextGaussian());
        }
        return new DataSet(x, d, 2, 1);
    }

    /** The inverse of a dense symmetric matrix by Gauss–Jordan elimination with partial pivoting (independent of the optimizer's Cholesky). */
    static double[][] inverse(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n + i] = 1;
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int i = c + 1; i < n; i++) if (Math.abs(m[i][c]) > Math.abs(m[p][c])) p = i;
            double[] t = m[c]; m[c] = m[p]; m[p] = t;
            double d = m[c][c];
            for (int j = 0; j < 2 * n; j++) m[c][j] /= d;
            for (int i = 0; i < n; i++) {
                if (i == c) continue;
                double f = m[i][c];
                for (int j = 0; j < 2 * n; j++) m[i][j] -= f * m[c][j];
            }
        }
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) System.arraycopy(m[i], n, inv[i], 0, n);
        return inv;
    }

    /** ln det of a dense matrix by LU with partial pivoting. */
    static double logDet(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) m[i] = a[i].clone();
        double s = 0;
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int i = c + 1; i < n; i++) if (Math.abs(m[i][c]) > Math.abs(m[p][c])) p = i;
            double[] t = m[c]; m[c] = m[p]; m[p] = t;
            s += Math.log(Math.abs(m[c][c]));
            for (int i = c + 1; i < n; i++) {
                double f = m[i][c] / m[c][c];
                for (int j = c; j < n; j++) m[i][j] -= f * m[c][j];
            }
        }
        return s;
    }

    /** JᵀJ (dense) and E_D = Σr² at w. */
    static double[][] jtj(NetworkObjective obj, float[] w, double[] ed) {
        int n = w.length, rows = obj.residualCount();
        double[] r = new double[rows], j = new double[rows * n];
        obj.residualsAndJacobian(w, r, j);
        double[][] h = new double[n][n];
        for (int a = 0; a < rows; a++) for (int p = 0; p < n; p++) for (int q = 0; q < n; q++) h[p][q] += j[a * n + p] * j[a * n + q];
        ed[0] = 0;
        for (double v : r) ed[0] += v * v;
        return h;
    }

    /**
     * One α per class of weights (MacKay 1992b): after the second step, γ_c = k_c − α_c·Σ_{i∈c}((βJᵀJ + diag α)⁻¹)_ii with
     * the α, β of the first step and the JᵀJ where the second step starts, inverted here by Gauss–Jordan; then
     * α_c = γ_c/(2E_W^c) and β = (N − γ)/(2E_D) at the new point.
     */
    @Test
    void perClassReEstimateMatchesAnIndependentInverse() {
        Network net = Network.builder(2).layer(3, Activation.TANH).layer(1, Activation.IDENTITY).build(Init.xavier(), 4);
        DataSet data = smooth(20, 7);
        NetworkObjective obj = new NetworkObjective(net, Loss.SSE, data, 0, false);
        assertEquals(List.of("layer 1 weights", "layer 1 biases", "layer 2 (output) weights and biases"), obj.weightClasses().names());
        int[] of = obj.weightClasses().classOf();
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2}, of);
        BayesianRegularization br = new BayesianRegularization();
        float[] w = net.params().clone();
        br.iterate(obj, w);
        assertArrayEquals(new double[] {6, 3, 4}, br.gammas(), 0, "the first step: α = 0, so γ_c = k_c (trainbr's start)");
        double[] a1 = br.alphas();
        double b1 = br.beta();
        double[] ed = new double[1];
        double[][] h = jtj(obj, w.clone(), ed);
        for (int i = 0; i < 13; i++) {
            for (int j = 0; j < 13; j++) h[i][j] *= b1;
            h[i][i] += a1[of[i]];
        }
        double[][] inv = inverse(h);
        double[] expected = {6, 3, 4};
        for (int i = 0; i < 13; i++) expected[of[i]] -= a1[of[i]] * inv[i][i];
        br.iterate(obj, w);
        // tolerance: two double-precision factorisations of the same 13×13 matrix (Cholesky, Gauss–Jordan) differ by rounding
        assertArrayEquals(expected, br.gammas(), 1e-9);
        double[] ew = new double[3];
        for (int i = 0; i < 13; i++) ew[of[i]] += (double) w[i] * w[i];
        jtj(obj, w.clone(), ed);
        double gamma = expected[0] + expected[1] + expected[2];
        assertEquals(gamma, br.gamma(), 1e-9);
        for (int c = 0; c < 3; c++) assertEquals(expected[c] / (2 * ew[c]), br.alphas()[c], 1e-8 * br.alphas()[c]);
        assertEquals((20 - gamma) / (2 * ed[0]), br.beta(), 1e-8 * br.beta());
    }

    /** ln p(D|α,β) ≈ −F − ½ ln det A + Σ_c (k_c/2) ln α_c + (N/2) ln β + (P/2) ln 2 − (N/2) ln π, A = 2βJᵀJ + 2·diag(α). */
    static double evidence(NetworkObjective obj, float[] w, double[] alpha, double beta, int[] of) {
        int n = w.length, rows = obj.residualCount();
        double[] ed = new double[1];
        double[][] a = jtj(obj, w.clone(), ed);
        double f = beta * ed[0], s = 0;
        int[] k = new int[alpha.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) a[i][j] *= 2 * beta;
            a[i][i] += 2 * alpha[of[i]];
            f += alpha[of[i]] * w[i] * (double) w[i];
            k[of[i]]++;
        }
        for (int c = 0; c < alpha.length; c++) s += 0.5 * k[c] * Math.log(alpha[c]);
        return -f - 0.5 * logDet(a) + s + 0.5 * rows * Math.log(beta) + 0.5 * n * Math.log(2) - 0.5 * rows * Math.log(Math.PI);
    }

    /**
     * keep=evidence: the network ends with the weights of the iterate of highest evidence, whose evidence (checked
     * here with an LU determinant) is at least that of the last iterate (what trainbr, keep=last, ends with); on this
     * small noisy set the re-estimates drift past the peak, so the kept iterate is an earlier one.
     */
    @Test
    void theIterateOfHighestEvidenceIsKept() {
        DataSet data = smooth(30, 12);
        Network a = Network.builder(2).layer(6, Activation.TANH).layer(1, Activation.IDENTITY).build(Init.xavier(), 2), b = a.copy();
        TrainingConfig keep = TrainingConfig.builder().fullBatch().epochs(150).optimizer("br").build();
        TrainingConfig last = TrainingConfig.builder().fullBatch().epochs(150).optimizer("br:keep=last").build();
        Trainer ta = new Trainer(a, Loss.SSE, keep), tb = new Trainer(b, Loss.SSE, last);
        TrainingResult ra = ta.fit(data);
        tb.fit(data);
        BayesianRegularization kept = (BayesianRegularization) ta.lastOptimizer(), lastBr = (BayesianRegularization) tb.lastOptimizer();
        NetworkObjective obj = new NetworkObjective(a.copy(), Loss.SSE, data, 0, false);
        int[] of = obj.weightClasses().classOf();
        double ev = evidence(obj, a.params(), kept.alphas(), kept.beta(), of);
        // tolerance: the same formula from two determinants (Cholesky in the optimizer, LU here) of a 25×25 matrix
        assertEquals(ev, kept.logEvidence(), 1e-8 * Math.abs(ev));
        double evLast = evidence(obj, b.params(), lastBr.alphas(), lastBr.beta(), of);
        assertEquals(evLast, lastBr.logEvidence(), 1e-8 * Math.abs(evLast), "keep=last reports its last iterate's evidence");
        assertTrue(kept.keptIteration() < ra.epochs(), "the drift this test is about: kept " + kept.keptIteration() + " of " + ra.epochs());
        assertTrue(ev > evLast, ev + " vs the last iterate's " + evLast);
        assertTrue(ra.stopReason().endsWith("; kept the weights of iteration " + kept.keptIteration() + ", of highest evidence (ln p(D|α,β) = "
                + String.format(java.util.Locale.ROOT, "%.4g", kept.logEvidence()) + ")"), ra.stopReason());
    }

    /**
     * A class whose evidence switches it off (γ_c → 0, α_c → ∞: hidden biases a linear target does not need) is held at
     * α_max instead of overflowing into NaN, and training goes on: every α, β, γ finite.
     */
    @Test
    void aPrunedClassIsHeldAtAlphaMax() {
        Rng r = new Rng(3);
        int m = 80;
        float[] x = new float[3 * m], d = new float[m];
        for (int p = 0; p < m; p++) {
            for (int i = 0; i < 3; i++) x[3 * p + i] = (float) r.nextGaussian();
            d[p] = (float) (0.8 * x[3 * p] - 0.5 * x[3 * p + 1] + 0.3 * r.nextGaussian());
        }
        DataSet data = new DataSet(x, d, 3, 1);
        Network net = Network.builder(3).layer(6, Activation.TANH).layer(1, Activation.IDENTITY).build(Init.xavier(), 5);
        Trainer t = new Trainer(net, Loss.SSE, TrainingConfig.builder().fullBatch().epochs(100).optimizer("br:keep=last").build());
        t.fit(data);
        BayesianRegularization br = (BayesianRegularization) t.lastOptimizer();
        double[] alphas = br.alphas();
        assertEquals(BayesianRegularization.ALPHA_MAX, alphas[1], 0, "the hidden biases: " + java.util.Arrays.toString(alphas));
        for (double a : alphas) assertTrue(a > 0 && a <= BayesianRegularization.ALPHA_MAX, java.util.Arrays.toString(alphas));
        assertTrue(Double.isFinite(br.beta()) && Double.isFinite(br.gamma()) && br.gammas()[1] < 1e-3, "γ_c = " + java.util.Arrays.toString(br.gammas()));
        for (float v : net.params()) assertTrue(Float.isFinite(v));
    }

    /** A checkpoint of the single-α form ([μ, α, β, γ]) is imported with its α for every class. */
    @Test
    void aSingleAlphaStateIsReadForEveryClass() {
        Network net = Network.builder(2).layer(3, Activation.TANH).layer(1, Activation.IDENTITY).build(Init.xavier(), 4);
        NetworkObjective obj = new NetworkObjective(net, Loss.SSE, smooth(20, 7), 0, false);
        BayesianRegularization br = new BayesianRegularization();
        br.importState(new double[] {0.01, 0.5, 2.0, 7.0});
        float[] w = net.params().clone();
        br.iterate(obj, w);
        assertEquals(3, br.alphas().length);
        assertEquals(3, br.classNames().size());
    }

    /**
     * One linear unit o = w·x + b on x = (1, 2), d = (1, 3), from w = b = 0, α = 0, β = 1: the first step is an LM
     * step on β·E_D (μ = 0.001: (2JᵀJ + μI)Δ = −2Jᵀr), E_D and E_W are then taken at the new point and, with
     * α = 0, γ = P = 2 (trainbr's start), so α = γ/(2E_W) and β = (N − γ)/(2E_D) = 0/(2E_D), floored at 1e-3/(2E_D).
     */
    @Test
    void firstReEstimateByHand() {   // a network without hidden layer: one class of weights
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

    /**
     * Diabetes (Efron et al. 2004), the first acceptance split: one α over all weights (trainbr) keeps many effective
     * parameters and a test MSE above the cross-validated grid's (docs/OPTIMIZERS.md); one α per class of weights with
     * the iterate of highest evidence keeps fewer and predicts the held-out third better. (The comparison with the
     * grid itself, 10 splits: scripts/br-acceptance.)
     */
    @Test
    void onDiabetesClassesOfWeightsPredictBetterThanOneAlpha() throws java.io.IOException {
        java.nio.file.Path dir = SharedData.dir();
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "shared/data not found");
        DataSet all = BayesianAcceptance.diabetes(dir.resolve("diabetes_data_raw.csv.gz"), dir.resolve("diabetes_target.csv.gz"));
        DataSet[] tt = BayesianAcceptance.split(all, 1);
        double[] noGrid = {Double.NaN, Double.NaN};
        BayesianAcceptance.Result trainbr = BayesianAcceptance.compare("diabetes", tt[0], tt[1], 10, 1, "br:prior=single,keep=last", noGrid);
        BayesianAcceptance.Result br = BayesianAcceptance.compare("diabetes", tt[0], tt[1], 10, 1, "br", noGrid);
        assertTrue(br.brTestMse() < trainbr.brTestMse(), br.brTestMse() + " vs trainbr's " + trainbr.brTestMse());
        assertTrue(br.gamma() < trainbr.gamma(), "γ " + br.gamma() + " vs trainbr's " + trainbr.gamma());
        assertTrue(br.logEvidence() > trainbr.logEvidence(), "ln p(D|α,β) " + br.logEvidence() + " vs trainbr's " + trainbr.logEvidence());
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
