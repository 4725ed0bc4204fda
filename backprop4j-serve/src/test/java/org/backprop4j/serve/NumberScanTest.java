package org.backprop4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.backprop4j.data.Attribute;
import org.junit.jupiter.api.Test;

/**
 * The scanner's number reading (its eight-digits-at-a-time step included) against
 * {@link Double#parseDouble}, bit for bit, on random and edge-case JSON numbers; and the two
 * eight-byte steps against a byte-by-byte reading.
 */
class NumberScanTest {
    static final RequestScanner SCANNER = new RequestScanner(List.of(Attribute.numeric("x")), Map.of("x", 0), Set.of(), new int[] {0, 1});

    static void check(String text) {
        double got = SCANNER.number(text.getBytes(StandardCharsets.US_ASCII));
        double want = Double.parseDouble(text);
        boolean integer = !text.contains(".") && !text.contains("e") && !text.contains("E");
        if (integer && want == 0) want = 0.0;   // the tree reads "-0" as the integer 0
        assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), text);
    }

    static String digits(Random r, int n, boolean leadingNonZero) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append((char) ((i == 0 && leadingNonZero ? '1' + r.nextInt(9) : '0' + r.nextInt(10))));
        return sb.toString();
    }

    @Test
    void randomNumbersAreParseDoublesBitForBit() {
        Random r = new Random(2112);
        for (int i = 0; i < 300_000; i++) {
            StringBuilder n = new StringBuilder(r.nextBoolean() ? "-" : "");
            int whole = r.nextInt(4) == 0 ? 1 + r.nextInt(20) : 1 + r.nextInt(3);
            n.append(r.nextInt(4) == 0 ? "0" : digits(r, whole, true));
            if (r.nextInt(10) < 8) {
                n.append('.');
                if (r.nextInt(3) == 0) n.append("0".repeat(r.nextInt(12)));   // leading zeros of a fraction
                n.append(digits(r, 1 + r.nextInt(r.nextInt(4) == 0 ? 30 : 10), false));
            }
            if (r.nextInt(5) == 0) n.append(r.nextBoolean() ? 'e' : 'E').append(r.nextBoolean() ? "-" : r.nextBoolean() ? "+" : "").append(r.nextInt(40));
            if (n.length() <= 64) check(n.toString());
        }
        for (int i = 0; i < 100_000; i++) {   // what clients send: Float.toString and Double.toString
            check(Float.toString(Float.intBitsToFloat(r.nextInt() & 0x7FFFFFFF) * (Math.abs(r.nextInt() % 2) == 0 ? 1 : -1)).replace("Infinity", "1").replace("NaN", "2"));
            check(Double.toString(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20)));
            check(Float.toString((float) r.nextDouble()));
        }
    }

    @Test
    void edgeCases() {
        for (String s : List.of("0", "-0", "0.0", "-0.0", "0.00000000", "0.000000001", "0.123456789012345678", "1.00000000", "12345678.12345678",
                "123456789012345678.5", "9007199254740993.0", "0.1", "0.30000000000000004", "1e-400", "1e400", "2.2250738585072011e-308",
                "4.9e-324", "1.7976931348623157e308", "3.4028235e38", "1.4e-45", "99999999.99999999", "0.99999999999999999",
                "1234567.8", "12345678.9", "123456789.0", "0.01234567", "0.012345678", "0.0123456789"))
            check(s);
    }

    @Test
    void eightByteStepsAgreeWithByteByByte() {
        Random r = new Random(7);
        byte[] b = new byte[8];
        for (int i = 0; i < 200_000; i++) {
            for (int j = 0; j < 8; j++) b[j] = (byte) (r.nextInt(3) > 0 ? '0' + r.nextInt(10) : r.nextInt(256));
            long w = 0;
            for (int j = 7; j >= 0; j--) w = (w << 8) | (b[j] & 0xFF);
            int k = 0;
            while (k < 8 && b[k] >= '0' && b[k] <= '9') k++;
            assertEquals(k, RequestScanner.leadingDigits(w), java.util.Arrays.toString(b));
            if (k > 0) {
                long v = 0;
                for (int j = 0; j < k; j++) v = v * 10 + (b[j] - '0');
                assertEquals(v, RequestScanner.eightDigits(k == 8 ? w : w << (8 * (8 - k))));
            }
        }
    }
}
