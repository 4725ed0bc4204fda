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
        return isNumber(s, '.');
    }

    /**
     * True if {@code s} is a number in the strict syntax; with {@code point} ',' a decimal comma
     * is accepted as well as a decimal point (how spreadsheets in many locales write numbers).
     */
    static boolean isNumber(String s, char point) {
        int n = s.length(), i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) { i++; digits++; }
        if (i < n && (s.charAt(i) == '.' || s.charAt(i) == point)) {
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
     * True for the spellings of NaN and infinity that programs write ({@code NaN}, {@code nan},
     * {@code Infinity}, {@code -inf}, {@code 1.#INF}, ...): never data, whatever the column.
     */
    public static boolean isNonFinite(String s) {
        int n = s.length();
        if (n < 3 || n > 12) return false;
        String low = s.toLowerCase(java.util.Locale.ROOT);
        int i = low.charAt(0) == '+' || low.charAt(0) == '-' ? 1 : 0;
        String t = low.substring(i);
        return t.equals("nan") || t.equals("inf") || t.equals("infinity") || t.equals("1.#inf") || t.equals("1.#ind") || t.equals("1.#qnan");
    }

    /** The one error for NaN and infinity, wherever they occur. */
    static DataFormatException nonFinite(String s, String source, long line, int column) {
        return new DataFormatException(source, line, column, "expected a finite number, found \"" + clip(s)
                + "\" (NaN and infinity are not data; write ? for a missing value)");
    }

    /**
     * Parses a finite number that fits float32, or throws a DataFormatException at (line, column)
     * saying what was expected.
     */
    public static double parse(String s, String source, long line, int column) throws DataFormatException {
        return parse(s, '.', source, line, column);
    }

    /** {@link #parse(String, String, long, int)}; with {@code point} ',' a decimal comma is accepted too. */
    static double parse(String s, char point, String source, long line, int column) throws DataFormatException {
        if (!isNumber(s, point)) {
            if (isNonFinite(s)) throw nonFinite(s, source, line, column);
            throw new DataFormatException(source, line, column, "expected a number, found \"" + clip(s) + "\"");
        }
        double v = Double.parseDouble(point == '.' ? s : s.replace(point, '.'));
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
