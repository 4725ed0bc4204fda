package org.backprop4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.backprop4j.Rng;
import org.junit.jupiter.api.Test;

/**
 * FloatWriter's text reads back as the same float, bit for bit, whichever way a client reads it
 * (straight to float, to double then float, through Jackson), is a JSON number of at most nine
 * significant digits in Float.toString's layout, and the special values are as before.
 */
class FloatWriterTest {
    static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)\\.[0-9]+(E-?[0-9]+)?");
    static final ObjectMapper JSON = new ObjectMapper();

    static String write(float f) {
        byte[] b = new byte[FloatWriter.MAX_BYTES + 8];
        int n = FloatWriter.put(b, 3, f) - 3;
        assertTrue(n <= FloatWriter.MAX_BYTES, f + ": " + n + " bytes");
        return new String(b, 3, n, StandardCharsets.US_ASCII);
    }

    static void check(float f) {
        String s = write(f);
        assertTrue(JSON_NUMBER.matcher(s).matches(), f + " written as " + s);
        int bits = Float.floatToRawIntBits(f);
        assertEquals(bits, Float.floatToRawIntBits(Float.parseFloat(s)), s);
        assertEquals(bits, Float.floatToRawIntBits((float) Double.parseDouble(s)), s);
        // Float.toString's layout: plain from 10^-3 to 10^7, scientific outside
        assertEquals(Float.toString(f).contains("E"), s.contains("E"), f + " written as " + s);
        String mantissa = s.replaceFirst("E.*", "").replace("-", "").replace(".", "").replaceFirst("^0+", "").replaceFirst("0+$", "");
        assertTrue(mantissa.length() <= 9, s);
    }

    static List<Float> edges() {
        List<Float> v = new ArrayList<>(List.of(Float.MIN_VALUE, Float.MAX_VALUE, Float.MIN_NORMAL, 0.1f, 0.2f, 0.3f, 1f / 3, 2f / 3, 0.5f, 1f, 0.999f,
                1e-3f, 1e7f, 9999999f, 1e-45f, 3e-45f, 1e38f, 3.4e38f, 1.17549435E-38f, 16777216f, 16777217f, 0.0009999999f, 0.001f));
        for (int k = -45; k <= 38; k++) {
            float p = Float.parseFloat("1e" + k);
            if (p != 0 && Float.isFinite(p)) v.addAll(List.of(p, Math.nextUp(p), Math.nextDown(p)));
        }
        for (int e = -149; e <= 127; e++) {
            float p = Math.scalb(1f, e);
            v.addAll(List.of(p, Math.nextUp(p), Math.nextDown(p)));
        }
        for (int i = 0; i < 1000; i++) v.add(Float.intBitsToFloat(i + 1));   // the smallest subnormals
        List<Float> both = new ArrayList<>();
        for (float f : v) {
            if (f == 0 || !Float.isFinite(f)) continue;
            both.add(f);
            both.add(-f);
        }
        return both;
    }

    @Test
    void edgeCasesReadBackBitForBit() {
        for (float f : edges()) check(f);
    }

    @Test
    void randomFloatsReadBackBitForBit() throws Exception {
        Rng r = new Rng(21);
        java.util.Random bits = new java.util.Random(21);
        for (int i = 0; i < 120_000; i++) {
            float f = Float.intBitsToFloat(bits.nextInt());   // every exponent alike
            if (Float.isFinite(f) && f != 0) check(f);
            check((float) r.uniform(0, 1));                    // probabilities
            check((float) r.uniform(-1000, 1000));             // regression outputs
        }
        // and through Jackson, as the tests and clients read answers (double first, then float)
        for (int i = 0; i < 10_000; i++) {
            float f = i % 2 == 0 ? (float) r.uniform(0, 1) : Float.intBitsToFloat(bits.nextInt());
            if (!Float.isFinite(f) || f == 0) continue;
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(JSON.readTree(write(f)).floatValue()), write(f));
        }
    }

    @Test
    void specialValuesAsBefore() {
        assertEquals("0.0", write(0f));
        assertEquals("-0.0", write(-0f));
        assertEquals("\"NaN\"", write(Float.NaN));
        assertEquals("\"Infinity\"", write(Float.POSITIVE_INFINITY));
        assertEquals("\"-Infinity\"", write(Float.NEGATIVE_INFINITY));
        assertEquals("0.5", write(0.5f));
        assertEquals("12.5", write(12.5f));
        assertEquals("1.0", write(1f));
        assertEquals("100.0", write(100f));
        assertEquals("1.0E7", write(1e7f));
        assertEquals("0.00100000005", write(0.001f));
        assertEquals("1.40129846E-45", write(Float.MIN_VALUE));
        assertEquals("3.40282347E38", write(Float.MAX_VALUE));
    }
}
