package org.backprop4j.data;

/**
 * Strict decimal numbers for data files: {@code [+-]digits[.digits][(e|E)[+-]digits]} (a leading
 * or trailing point allowed). Unlike {@link Double#parseDouble} it rejects NaN, Infinity, hex
 * floats, the suffixes d/f and surrounding junk, and values outside the float32 range.
 */
public final class Numbers {
    private Numbers() {}

    /** True if {@code s} is a number in the strict syntax above. */
    public static boolean isNumber(String s) {
        int n = s.length(), i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) { i++; digits++; }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) { i++; digits++; }
        }
        if (digits == 0) return false;
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            int ed = 0;
            while (i < n && isDigit(s.charAt(i))) { i++; ed++; }
            if (ed == 0) return false;
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Parses a finite number that fits float32, or throws a DataFormatException at (line, column)
     * saying what was expected.
     */
    public static double parse(String s, String source, long line, int column) throws DataFormatException {
        if (!isNumber(s)) {
            String low = s.strip().toLowerCase(java.util.Locale.ROOT);
            if (low.contains("nan") || low.contains("inf")) {
                throw new DataFormatException(source, line, column, "expected a finite number, found \"" + clip(s) + "\" (NaN and infinity are not data; write ? for a missing value)");
            }
            throw new DataFormatException(source, line, column, "expected a number, found \"" + clip(s) + "\"");
        }
        double v = Double.parseDouble(s);
        if (!(Math.abs(v) <= Float.MAX_VALUE)) {
            throw new DataFormatException(source, line, column, "number " + clip(s) + " is outside the float32 range (±3.4e38)");
        }
        return v;
    }

    /** A value shortened for an error message, control characters escaped (binary junk stays readable). */
    public static String clip(String s) {
        String c = s.length() <= 40 ? s : s.substring(0, 37) + "...";
        StringBuilder sb = null;
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            if (ch < 0x20 || ch == 0x7f) {
                if (sb == null) sb = new StringBuilder(c.substring(0, i));
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) ch));
            } else if (sb != null) {
                sb.append(ch);
            }
        }
        return sb == null ? c : sb.toString();
    }
}
