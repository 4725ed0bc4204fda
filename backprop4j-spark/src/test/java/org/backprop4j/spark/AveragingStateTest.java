package org.backprop4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** A round's result carries the optimizer's state as float32 when that loses nothing, else as double. */
class AveragingStateTest {
    @Test
    void stateThatIsAllFloatsTravelsAsFloatsWithTheSameValues() {
        double[] state = {2, 1, 3, 17, 0.1f, -3.5e-8f, Float.MIN_VALUE, 1e30f, 0, 0, 0};   // a packed state's counts, a step count, then float32 values (m, v)
        DistributedTrainer.Local l = DistributedTrainer.Local.of(1, new float[3], state, 10, 0.5, "0");
        assertNotNull(l.stateF());
        assertNull(l.stateD());
        assertEquals(state.length, l.stateLength());
        for (int i = 0; i < state.length; i++) assertEquals(state[i], l.state(i), "value " + i + ": the very double the optimizer exported");
    }

    @Test
    void stateWithADoubleTravelsAsDoubles() {
        double[] state = {1, 0, 0, 0.1, 1.5};
        DistributedTrainer.Local l = DistributedTrainer.Local.of(0, new float[1], state, 4, 0, "0");
        assertNull(l.stateF());
        assertArrayEquals(state, l.stateD());
        assertEquals(0.1, l.state(3));
    }
}
