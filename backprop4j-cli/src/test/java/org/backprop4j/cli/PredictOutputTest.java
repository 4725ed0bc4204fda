package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** predict's numbers (issue 20.6): one plain decimal format in every row, each reading back to the same float. */
class PredictOutputTest {

    @Test
    void numbersAreWrittenWithoutExponentsAndReadBackExactly() {
        assertEquals("0.000012", PredictCommand.number(1.2e-5f));
        assertEquals("0.99999", PredictCommand.number(0.99999f));
        assertEquals("1.0", PredictCommand.number(1f));
        assertEquals("0.0", PredictCommand.number(0f));
        assertEquals("12345678.0", PredictCommand.number(1.2345678e7f));
        assertEquals("NaN", PredictCommand.number(Float.NaN));
        assertEquals("-Infinity", PredictCommand.number(Float.NEGATIVE_INFINITY));
        // every float of a spread of magnitudes reads back bit for bit, and never with an exponent
        for (float v : new float[] {Float.MIN_VALUE, 1e-30f, 3.4e-8f, 0.1f, 1f / 3, 7.5e6f, 1e10f, Float.MAX_VALUE, -2.5e-7f}) {
            String s = PredictCommand.number(v);
            assertEquals(Float.floatToIntBits(v), Float.floatToIntBits(Float.parseFloat(s)), s);
            assertEquals(-1, s.indexOf('E'), s);
        }
    }
}
