package org.backprop4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Issue 22.6: ROC AUC and average precision against values worked out by hand (and scikit-learn's documented examples). */
class RankingTest {
    @Test
    void scikitLearnsDocumentedExample() {
        // y = (0, 0, 1, 1), scores (0.1, 0.4, 0.35, 0.8): roc_auc_score 0.75, average_precision_score 0.8333 (sklearn docs);
        // by hand: of 4 positive/negative pairs, 3 are ordered right → 0.75; thresholds 0.8 (P 1, R ½), 0.4 (P ½, R ½),
        // 0.35 (P ⅔, R 1), 0.1 (R 1): AP = ½·1 + 0·½ + ½·⅔ = 5/6
        double[] s = {0.1, 0.4, 0.35, 0.8};
        boolean[] y = {false, false, true, true};
        assertEquals(0.75, Ranking.rocAuc(s, y), 1e-15);
        assertEquals(5.0 / 6, Ranking.averagePrecision(s, y), 1e-15);
    }

    @Test
    void tiesCountHalfAndShareAThreshold() {
        // all scores equal: every pair tied → AUC ½; one threshold with P = ½, R = 1 → AP ½
        double[] s = {0.5, 0.5, 0.5, 0.5};
        boolean[] y = {true, false, true, false};
        assertEquals(0.5, Ranking.rocAuc(s, y), 1e-15);
        assertEquals(0.5, Ranking.averagePrecision(s, y), 1e-15);
        // a positive tied with one negative above another negative: pairs (p>n2) 1 + (p=n1) ½ → 0.75
        assertEquals(0.75, Ranking.rocAuc(new double[] {0.9, 0.9, 0.1}, new boolean[] {true, false, false}), 1e-15);
        assertTrue(Double.isNaN(Ranking.rocAuc(new double[] {1, 2}, new boolean[] {true, true})));
    }

    @Test
    void perfectRankingAndScatter() {
        assertEquals(1.0, Ranking.rocAuc(new double[] {0.1, 0.2, 0.9}, new boolean[] {false, false, true}), 0);
        assertEquals(1.0, Ranking.averagePrecision(new double[] {0.1, 0.2, 0.9}, new boolean[] {false, false, true}), 0);
        String plot = Ranking.scatter(new double[] {0, 1, 2}, new double[] {0, 1, 2}, 3, 3);
        // three points exactly on the diagonal: one per cell, bottom-left to top-right
        assertEquals("  |  *\n  | * \n  |*  \n  +---\n", plot.substring(0, plot.indexOf("  actual")));
    }
}
