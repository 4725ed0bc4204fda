package org.backprop4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.backprop4j.data.DataSet;
import org.junit.jupiter.api.Test;

/** Every expected value below is worked out by hand in the comment beside it. */
class MetricsTest {
    static final double EPS = 1e-15;   // all values are short rational sums in double

    // actual 0 0 0 1 1 2, predicted 0 1 0 1 2 2  =>  rows (actual): [2 1 0], [0 1 1], [0 0 1]
    static final ConfusionMatrix CM = ConfusionMatrix.of(new int[] {0, 0, 0, 1, 1, 2}, new int[] {0, 1, 0, 1, 2, 2}, 3, List.of("a", "b", "c"));

    @Test
    void confusionCountsAndScores() {
        assertEquals(2, CM.count(0, 0));
        assertEquals(1, CM.count(0, 1));
        assertEquals(1, CM.count(1, 2));
        assertEquals(0, CM.count(2, 0));
        assertEquals(4.0 / 6, CM.accuracy(), EPS);
        assertEquals(1.0, CM.precision(0), EPS);       // 2 / (2 + 0)
        assertEquals(0.5, CM.precision(1), EPS);       // 1 / (1 + 1)
        assertEquals(0.5, CM.precision(2), EPS);       // 1 / (1 + 1)
        assertEquals(2.0 / 3, CM.recall(0), EPS);      // 2 / 3
        assertEquals(0.5, CM.recall(1), EPS);          // 1 / 2
        assertEquals(1.0, CM.recall(2), EPS);          // 1 / 1
        assertEquals(0.8, CM.f1(0), EPS);              // 2·1·(2/3) / (5/3)
        assertEquals(0.5, CM.f1(1), EPS);
        assertEquals(2.0 / 3, CM.f1(2), EPS);          // 2·0.5·1 / 1.5
        assertEquals(2.0 / 3, CM.macroPrecision(), EPS);
        assertEquals(13.0 / 18, CM.macroRecall(), EPS);   // (2/3 + 1/2 + 1)/3
        assertEquals(59.0 / 90, CM.macroF1(), 1e-15);     // (4/5 + 1/2 + 2/3)/3
        assertEquals(3, CM.support(0));
        assertEquals(2, CM.predicted(2));
        assertEquals(4.0 / 6, Metrics.accuracy(new int[] {0, 0, 0, 1, 1, 2}, new int[] {0, 1, 0, 1, 2, 2}), EPS);
    }

    @Test
    void zeroDivisionGivesZero() {
        // class 1 never predicted and never present: precision, recall and F1 are 0
        ConfusionMatrix m = ConfusionMatrix.of(new int[] {0, 0}, new int[] {0, 0}, 2, null);
        assertEquals(0, m.precision(1));
        assertEquals(0, m.recall(1));
        assertEquals(0, m.f1(1));
        assertEquals(0.5, m.macroF1(), EPS);   // (1 + 0)/2
        assertEquals(List.of("0", "1"), m.classNames());
    }

    @Test
    void formattedText() {
        String expected = """
                actual \\ predicted  a  b  c
                a                   2  1  0
                b                   0  1  1
                c                   0  0  1
                """;
        assertEquals(expected, CM.format());
        String report = CM.report();
        assertEquals("""
                           precision     recall   f1-score    support
                a             1.0000     0.6667     0.8000          3
                b             0.5000     0.5000     0.5000          2
                c             0.5000     1.0000     0.6667          1
                accuracy                            0.6667          6
                macro avg     0.6667     0.7222     0.6556          6
                """, report);
    }

    @Test
    void fromNetworkOutputs() {
        DataSet ds = DataSet.classification(new float[3], 1, new int[] {0, 1, 1}, List.of("n", "y"));
        float[] out = {0.9f, 0.1f, 0.3f, 0.7f, 0.6f, 0.4f};   // argmax 0, 1, 0
        ConfusionMatrix m = Metrics.confusion(ds, out);
        assertEquals(1, m.count(0, 0));
        assertEquals(1, m.count(1, 1));
        assertEquals(1, m.count(1, 0));
        // a single logistic column: ≥ 0.5 is class 1
        assertEquals(List.of(1, 0, 1), java.util.Arrays.stream(Metrics.predictedClasses(new float[] {0.5f, 0.49f, 0.9f}, 1)).boxed().toList());
    }

    @Test
    void regressionScores() {
        float[] d = {1, 2, 3, 4};   // two patterns × two outputs
        float[] o = {1, 1, 5, 4};   // errors (0, 1) and (−2, 0)
        assertEquals(1.25, Metrics.mse(d, o, 2), EPS);   // (0 + 1 + 4 + 0)/4
        assertEquals(1.5, Metrics.mee(d, o, 2), EPS);    // (‖(0,1)‖ + ‖(−2,0)‖)/2 = (1 + 2)/2
        // R²: column 0: targets 1, 3 (SS_tot 2), SS_res 4 -> −1; column 1: targets 2, 4 (SS_tot 2), SS_res 1 -> 0.5; mean −0.25
        assertEquals(-0.25, Metrics.r2(d, o, 2), EPS);
        assertEquals(1.0, Metrics.r2(new float[] {2, 2}, new float[] {2, 2}, 1));   // constant target, exact
        assertEquals(0.0, Metrics.r2(new float[] {2, 2}, new float[] {2, 3}, 1));   // constant target, missed
        assertEquals(1.0, Metrics.r2(d, d, 2));
        assertThrows(IllegalArgumentException.class, () -> Metrics.mse(d, new float[3], 1));
    }
}
