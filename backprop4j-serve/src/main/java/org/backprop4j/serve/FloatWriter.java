package org.backprop4j.serve;

/**
 * Writes a float into JSON bytes with nine significant digits (trailing zeros dropped), which is
 * enough for every float to read back as itself, whether the reader parses the text straight to a
 * float or to a double first and then rounds that to a float: nine digits put the text within half a
 * unit of the ninth digit, closer to the float than to the midpoint to either neighbour. The layout is
 * {@link Float#toString}'s (plain from 10^-3 to 10^7, else {@code d.dddE±n}), non-finite values are
 * quoted ({@code "NaN"}, {@code "Infinity"}), as Jackson writes them. Cheaper than {@code Float.toString}
 * because it looks for no shortest form and makes no String. FloatWriterTest checks the reading back.
 */
final class FloatWriter {
    private FloatWriter() {}

    /** Most bytes one value takes. */
    static final int MAX_BYTES = 17;

    /** 10^k as doubles, k from -{@value #NEG} up: the scale that brings a float to nine integer digits. */
    private static final int NEG = 31;
    private static final double[] SCALE = new double[NEG + 55];
    private static final long[] POW10 = new long[19];

    static {
        for (int k = -NEG; k < SCALE.length - NEG; k++) SCALE[k + NEG] = Double.parseDouble("1e" + k);
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) POW10[i] = POW10[i - 1] * 10;
    }

    /** Writes f at pos; returns the position after it. */
    static int put(byte[] buf, int pos, float f) {
        if (!Float.isFinite(f) || f == 0) return putSpecial(buf, pos, f);
        if (f < 0) {
            buf[pos++] = '-';
            f = -f;
        }
        double a = f;
        // the decimal exponent: from the binary one (exact but for one step, fixed below); subnormals apart
        int e10 = f < Float.MIN_NORMAL ? (int) Math.floor(Math.log10(a)) : (int) Math.floor(Math.getExponent(f) * 0.30102999566398120);
        long d = Math.round(a * SCALE[8 - e10 + NEG]);
        while (d >= 1_000_000_000L) d = Math.round(a * SCALE[8 - ++e10 + NEG]);
        while (d < 100_000_000L) d = Math.round(a * SCALE[8 - --e10 + NEG]);
        int len = 9;   // significant digits kept: the trailing zeros go
        while (d % 10 == 0) {
            d /= 10;
            len--;
        }
        if (e10 >= -3 && e10 < 7) {
            if (e10 < 0) {
                buf[pos++] = '0';
                buf[pos++] = '.';
                for (int z = -e10 - 1; z > 0; z--) buf[pos++] = '0';
                return digits(buf, pos, d, len);
            }
            int whole = e10 + 1;
            if (len <= whole) {
                pos = digits(buf, pos, d, len);
                for (int z = whole - len; z > 0; z--) buf[pos++] = '0';
                buf[pos++] = '.';
                buf[pos++] = '0';
                return pos;
            }
            long p = POW10[len - whole];
            pos = digits(buf, pos, d / p, whole);
            buf[pos++] = '.';
            return digits(buf, pos, d % p, len - whole);
        }
        long p = POW10[len - 1];
        buf[pos++] = (byte) ('0' + d / p);
        buf[pos++] = '.';
        if (len == 1) buf[pos++] = '0';
        else pos = digits(buf, pos, d % p, len - 1);
        buf[pos++] = 'E';
        if (e10 < 0) {
            buf[pos++] = '-';
            e10 = -e10;
        }
        if (e10 >= 10) buf[pos++] = (byte) ('0' + e10 / 10);
        buf[pos++] = (byte) ('0' + e10 % 10);
        return pos;
    }

    /** The len lowest decimal digits of v (leading zeros written), at pos. */
    private static int digits(byte[] buf, int pos, long v, int len) {
        for (int i = pos + len - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return pos + len;
    }

    private static int putSpecial(byte[] buf, int pos, float f) {
        boolean quote = !Float.isFinite(f);
        if (quote) buf[pos++] = '"';
        String s = Float.toString(f);   // "0.0", "-0.0", "NaN", "Infinity", "-Infinity"
        for (int j = 0; j < s.length(); j++) buf[pos++] = (byte) s.charAt(j);
        if (quote) buf[pos++] = '"';
        return pos;
    }
}
