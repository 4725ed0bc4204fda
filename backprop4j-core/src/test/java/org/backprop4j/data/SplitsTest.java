package org.backprop4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitsTest {

    static void assertPartition(int n, Splits.Split s) {
        boolean[] seen = new boolean[n];
        for (int p : s.train()) {
            assertFalse(seen[p]);
            seen[p] = true;
        }
        for (int p : s.test()) {
            assertFalse(seen[p]);
            seen[p] = true;
        }
        for (boolean b : seen) assertEquals(true, b);
    }

    @Test
    void holdOutIsSeededAndPartitions() {
        Splits.Split a = Splits.holdOut(10, 0.3, 7), b = Splits.holdOut(10, 0.3, 7), c = Splits.holdOut(10, 0.3, 8);
        assertEquals(3, a.test().length);
        assertEquals(7, a.train().length);
        assertPartition(10, a);
        assertArrayEquals(a.test(), b.test());
        assertFalse(Arrays.equals(a.test(), c.test()), "seeds 7 and 8 give different splits");
        assertEquals(1, Splits.holdOut(3, 0.01, 1).test().length);   // at least one
        assertEquals(2, Splits.holdOut(3, 0.99, 1).test().length);   // at most n − 1
    }

    @Test
    void stratifiedHoldOutLargestRemainder() {
        int[] y = {0, 0, 0, 0, 0, 1, 1, 1, 2, 2};   // counts 5, 3, 2; n·f = 5
        Splits.Split s = Splits.stratifiedHoldOut(y, 0.5, 3);
        int[] per = new int[3];
        for (int p : s.test()) per[y[p]]++;
        // exact shares 2.5, 1.5, 1.0: floors 2, 1, 1; the one left goes to the tie's lower class
        assertArrayEquals(new int[] {3, 1, 1}, per);
        assertPartition(10, s);
        int[] iris = new int[150];
        for (int i = 0; i < 150; i++) iris[i] = i / 50;
        int[] q = new int[3];
        for (int p : Splits.stratifiedHoldOut(iris, 0.2, 1).test()) q[iris[p]]++;
        assertArrayEquals(new int[] {10, 10, 10}, q);
    }

    @Test
    void kFoldSizesAndCoverage() {
        List<Splits.Split> f = Splits.kFold(10, 3, 5);
        int[] sizes = f.stream().mapToInt(s -> s.test().length).toArray();
        assertArrayEquals(new int[] {3, 3, 4}, sizes);   // cuts at ⌊i·10/3⌋ = 0, 3, 6, 10
        boolean[] tested = new boolean[10];
        for (Splits.Split s : f) {
            assertPartition(10, s);
            for (int p : s.test()) {
                assertFalse(tested[p], "each pattern tested once");
                tested[p] = true;
            }
        }
        List<Splits.Split> again = Splits.kFold(10, 3, 5);
        for (int i = 0; i < 3; i++) assertArrayEquals(f.get(i).test(), again.get(i).test());
    }

    @Test
    void stratifiedKFoldBalancesClasses() {
        int[] y = {0, 0, 0, 0, 0, 0, 1, 1, 1};
        List<Splits.Split> f = Splits.stratifiedKFold(y, 3, 11);
        boolean[] tested = new boolean[9];
        for (Splits.Split s : f) {
            int[] per = new int[2];
            for (int p : s.test()) {
                per[y[p]]++;
                tested[p] = true;
            }
            assertArrayEquals(new int[] {2, 1}, per);
            assertPartition(9, s);
        }
        for (boolean b : tested) assertEquals(true, b);
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> Splits.kFold(3, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> Splits.kFold(3, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Splits.holdOut(10, 1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> Splits.holdOut(1, 0.5, 1));
    }
}
