package org.backprop4j.history;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 22.7: Rosenblatt's rule converges on AND (traced by hand) and cycles on XOR; the delta rule separates AND only. */
class ThresholdUnitTest {

    @Test
    void perceptronOnAndTracedByHand() {
        // η = 1 from w = 0, b = 0, patterns (0,0) (0,1) (1,0) (1,1), o = [w·x + b > 0]:
        // epoch 1: only (1,1) wrong → w = (1,1), b = 1; epoch 2: (0,0), (0,1), (1,1) wrong → w = (2,1), b = 0;
        // epoch 3: (0,1), (1,0), (1,1) wrong → w = (2,1), b = −1; epoch 4: (1,0), (1,1) wrong → w = (2,2), b = −1;
        // epoch 5: (0,1) wrong → w = (2,1), b = −2; epoch 6: no error
        ThresholdUnit.Run r = ThresholdUnit.perceptron(ThresholdUnit.BINARY, ThresholdUnit.AND, 1, 100);
        assertTrue(r.converged());
        assertEquals(List.of(1, 3, 3, 2, 1, 0), r.errorsPerEpoch());
        assertArrayEquals(new double[] {2, 1}, r.w());
        assertEquals(-2, r.b());
    }

    @Test
    void perceptronCyclesOnXor() {
        ThresholdUnit.Run r = ThresholdUnit.perceptron(ThresholdUnit.BINARY, ThresholdUnit.XOR, 1, 1000);
        assertFalse(r.converged());
        assertTrue(r.cycled(), "the weights repeat: it would cycle for ever");
        for (int e : r.errorsPerEpoch()) assertTrue(e >= 1, "every epoch misclassifies a pattern");
    }

    @Test
    void deltaRuleSeparatesAndButNotXor() {
        // least squares for AND: w = (½, ½), b = −¼ (outputs −¼, ¼, ¼, ¾: all on the right side of ½);
        // η = 0.05 online hovers within a few hundredths of it
        ThresholdUnit.Run and = ThresholdUnit.deltaRule(ThresholdUnit.BINARY, ThresholdUnit.AND, 0.05, 500);
        assertEquals(0, and.errorsPerEpoch().get(499));
        assertEquals(0.5, and.w()[0], 0.05);
        assertEquals(0.5, and.w()[1], 0.05);
        assertEquals(-0.25, and.b(), 0.05);
        // for XOR the least-squares line is o = ½ (w = 0): no line gets more than 3 of 4 right
        ThresholdUnit.Run xor = ThresholdUnit.deltaRule(ThresholdUnit.BINARY, ThresholdUnit.XOR, 0.05, 500);
        assertTrue(xor.errorsPerEpoch().get(499) >= 1);
        assertEquals(0.5, xor.sse(), 0.05);   // ½·4·(½)² = ½ at the least-squares solution
    }
}
