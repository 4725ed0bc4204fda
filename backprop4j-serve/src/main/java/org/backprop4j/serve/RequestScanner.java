package org.backprop4j.serve;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.backprop4j.data.Attribute;

/**
 * The server's fast reader of request bodies: a strict scanner of the bytes for the usual request
 * (one record, a batch of records, or {@code {"records": [...]}}, whose fields are the model's, with
 * numbers, nominal values as the model spells them, or null), encoding straight into input rows: no
 * tree, no String per field or number. It takes only what the tree path ({@link ServedModel#parseTree})
 * takes and encodes the same way (the same correctly rounded doubles, rounded once to float); anything
 * else, or anything it is unsure of (escapes in strings, numbers too long or too precise for the
 * exact shortcut, repeated fields, a wrong type, ...), it declines with null and the tree path answers,
 * with its error messages. PredictionServerTest and FastPathTest compare both on the same bodies.
 */
final class RequestScanner {
    private static final byte[] RECORDS = "records".getBytes(StandardCharsets.UTF_8);
    /** Powers of ten exact in a double (10^22 is the largest). */
    private static final double[] POW10 = new double[23];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) POW10[i] = POW10[i - 1] * 10;
    }

    /** Eight bytes of a body as one little-endian long (the first byte lowest). */
    private static final java.lang.invoke.VarHandle LE_LONG = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long[] POW10_LONG = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    /** How many of the eight bytes in w, first byte first, are ASCII digits before the first that is not (0 to 8). */
    static int leadingDigits(long w) {
        // a byte is a digit when its high nibble is 3 and stays 3 with 6 added; a carry out of a byte
        // (from one at or above 0xFA, not a digit) can only change the bytes after it
        long hi = w & 0xF0F0F0F0F0F0F0F0L, plus6 = (w + 0x0606060606060606L) & 0xF0F0F0F0F0F0F0F0L;
        long bad = (hi ^ 0x3030303030303030L) | (plus6 ^ 0x3030303030303030L);
        return Long.numberOfTrailingZeros(bad) >>> 3;
    }

    /** The value of eight ASCII digits in w, first byte most significant (zero bytes count as leading zeros). */
    static long eightDigits(long w) {
        long v = w & 0x0F0F0F0F0F0F0F0FL;
        v = (v * 2561) >>> 8;
        v = ((v & 0x00FF00FF00FF00FFL) * 6553601) >>> 16;
        return ((v & 0x0000FFFF0000FFFFL) * 42949672960001L) >>> 32;
    }

    private final List<Attribute> attributes;
    private final Map<String, Integer> index;
    private final int[] offsets;
    private final int width;
    /** Each attribute's name, and each nominal one's values, as UTF-8; null where JSON would need an escape. */
    private final byte[][] names;
    private final byte[][][] values;
    /** Target names (a field naming one is skipped): name → UTF-8. */
    private final Map<String, byte[]> targets = new HashMap<>();
    private final boolean recordsIsInput;

    RequestScanner(List<Attribute> attributes, Map<String, Integer> index, Iterable<String> targetNames, int[] offsets) {
        this.attributes = attributes;
        this.index = index;
        this.offsets = offsets;
        this.width = offsets[attributes.size()];
        names = new byte[attributes.size()][];
        values = new byte[attributes.size()][][];
        for (int a = 0; a < attributes.size(); a++) {
            Attribute at = attributes.get(a);
            names[a] = plain(at.name());
            if (at.isNominal()) {
                values[a] = new byte[at.values().size()][];
                for (int v = 0; v < values[a].length; v++) values[a][v] = plain(at.values().get(v));
            }
        }
        for (String t : targetNames) {
            byte[] b = plain(t);
            if (b != null) targets.put(t, b);
        }
        recordsIsInput = index.containsKey("records");
    }

    /** A string's UTF-8 bytes if JSON writes it without escapes, else null (it is then never matched here). */
    private static byte[] plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) return null;
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The number a whole text is read as (NaN: declined), for tests. */
    double number(byte[] text) {
        Scan s = new Scan(text);
        double d = s.number();
        return s.i == text.length || Double.isNaN(d) ? d : Double.NaN;
    }

    /** The rows of a request, or null: the tree path decides. */
    ServedModel.Rows scan(byte[] body, int maxRecords) {
        return new Scan(body).request(maxRecords);
    }

    /** One body's position and per-record bookkeeping. */
    private final class Scan {
        final byte[] b;
        int i;
        final int[] stamp = new int[attributes.size()];   // stamp[a] == record + 1: field a seen in this record

        Scan(byte[] b) {
            this.b = b;
        }

        ServedModel.Rows request(int maxRecords) {
            ws();
            if (at('[')) {
                i++;
                return batch(maxRecords);
            }
            if (!at('{')) return null;
            i++;
            ws();
            int save = i;
            if (at('"') && !recordsIsInput) {
                i++;
                int s = i;
                if (string() && Arrays.equals(b, s, i - 1, RECORDS, 0, RECORDS.length)) {
                    ws();
                    if (!at(':')) return null;
                    i++;
                    ws();
                    if (!at('[')) return null;   // {"records": {...}} and the like: the tree path
                    i++;
                    ServedModel.Rows r = batch(maxRecords);
                    if (r == null) return null;
                    ws();
                    return at('}') ? r : null;
                }
                i = save;
            }
            float[] x = new float[width];
            return record(x, 0, 1) ? new ServedModel.Rows(x, 1, false) : null;
        }

        ServedModel.Rows batch(int maxRecords) {
            float[] x = new float[width * Math.min(maxRecords, 256)];
            int m = 0;
            ws();
            if (at(']')) return null;
            while (true) {
                if (!at('{') || m == maxRecords) return null;
                i++;
                if ((long) (m + 1) * width > x.length) {
                    long grown = Math.min(2L * x.length, (long) maxRecords * width);
                    if (grown > Integer.MAX_VALUE - 8) return null;
                    x = Arrays.copyOf(x, (int) grown);
                }
                if (!record(x, m * width, m + 1)) return null;
                m++;
                ws();
                if (at(',')) {
                    i++;
                    ws();
                } else if (at(']')) {
                    i++;
                    break;
                } else {
                    return null;
                }
            }
            return new ServedModel.Rows(m * width == x.length ? x : Arrays.copyOf(x, m * width), m, true);
        }

        /** The fields of one record, after its '{', into x from row; false to decline. */
        boolean record(float[] x, int row, int mark) {
            int count = 0, guess = 0;
            ws();
            if (at('}')) {
                i++;
                return count == attributes.size();
            }
            while (true) {
                if (!at('"')) return false;
                i++;
                int a = -1;
                if (guess < names.length && names[guess] != null && quoted(names[guess])) {
                    a = guess;   // the fields in the model's order, as clients usually send them: one comparison
                } else {
                    int s = i;
                    if (!string()) return false;
                    int e = i - 1;
                    String name = new String(b, s, e - s, StandardCharsets.UTF_8);
                    Integer k = index.get(name);
                    if (k != null) {
                        if (names[k] == null || !Arrays.equals(b, s, e, names[k], 0, names[k].length)) return false;
                        a = k;
                    } else {
                        byte[] t = targets.get(name);
                        if (t == null || !Arrays.equals(b, s, e, t, 0, t.length)) return false;
                    }
                }
                ws();
                if (!at(':')) return false;
                i++;
                ws();
                if (a < 0) {
                    if (!skipScalar()) return false;
                } else {
                    if (stamp[a] == mark) return false;
                    stamp[a] = mark;
                    count++;
                    guess = a + 1;
                    if (!value(x, row + offsets[a], a)) return false;
                }
                ws();
                if (at(',')) {
                    i++;
                    ws();
                } else if (at('}')) {
                    i++;
                    return count == attributes.size();
                } else {
                    return false;
                }
            }
        }

        /** One field's value into x at off. */
        boolean value(float[] x, int off, int a) {
            Attribute at = attributes.get(a);
            if (at('n')) {
                if (!literal("null")) return false;
                Arrays.fill(x, off, off + at.width(), Float.NaN);   // numeric: one NaN; nominal: the pipeline fills the block
                return true;
            }
            if (!at.isNominal()) {
                double d = number();
                if (!(Math.abs(d) <= Float.MAX_VALUE)) return false;   // NaN: not a number here; else out of float range
                x[off] = (float) d;
                return true;
            }
            byte[][] vs = values[a];
            if (at('"')) {
                i++;
                for (int k = 0; k < vs.length; k++) {
                    if (vs[k] != null && quoted(vs[k])) {
                        x[off + k] = 1f;
                        return true;
                    }
                }
                return false;
            }
            // a nominal value written as an integer: the tree takes its text, which is the token's ("-0" aside)
            int s = i, t = numberEnd();
            if (t < 0 || !isInteger(s, t) || (t - s == 2 && b[s] == '-' && b[s + 1] == '0')) return false;
            i = t;
            for (int k = 0; k < vs.length; k++) {
                if (vs[k] != null && Arrays.equals(b, s, t, vs[k], 0, vs[k].length)) {
                    x[off + k] = 1f;
                    return true;
                }
            }
            return false;
        }

        /** Whether the string at i (after its opening quote) is exactly w; if so, moves past its closing quote. */
        boolean quoted(byte[] w) {
            int e = i + w.length;
            if (e >= b.length || b[e] != '"') return false;
            for (int k = 0; k < w.length; k++) if (b[i + k] != w[k]) return false;
            i = e + 1;
            return true;
        }

        /** A target field's value, skipped: null, true, false, a number, or a plain ASCII string; anything else declines. */
        boolean skipScalar() {
            if (at('n')) return literal("null");
            if (at('t')) return literal("true");
            if (at('f')) return literal("false");
            if (at('"')) {
                i++;
                int s = i;
                if (!string()) return false;
                if (i - 1 - s > 1000) return false;   // the parser limits string lengths: leave long ones to it
                for (int k = s; k < i - 1; k++) if (b[k] < 0) return false;   // non-ASCII: the tree checks its UTF-8
                return true;
            }
            int t = numberEnd();
            if (t < 0) return false;
            i = t;
            return true;
        }

        /** After an opening quote: to just past the closing one; false at an escape, a control character or the end. */
        boolean string() {
            for (; i < b.length; i++) {
                int c = b[i] & 0xFF;
                if (c == '"') {
                    i++;
                    return true;
                }
                if (c == '\\' || c < 0x20) return false;
            }
            return false;
        }

        boolean literal(String word) {
            if (i + word.length() > b.length) return false;
            for (int k = 0; k < word.length(); k++) if (b[i + k] != word.charAt(k)) return false;
            i += word.length();
            return true;
        }

        /**
         * A JSON number's value as the tree path gets it (integers as int/long/BigInteger, so "-0" is +0;
         * others correctly rounded), or NaN to decline: not a number, or longer than the parser allows.
         */
        double number() {
            int s = i, p = i, n = b.length, c;
            boolean neg = p < n && b[p] == '-';
            if (neg) p++;
            if (p >= n) return Double.NaN;
            // sig: the first 18 significant digits; digits: how many there are; exp10: sig's power of ten
            // (exact only while no digit is dropped, the only case it is used in)
            long sig = 0;
            int digits = 0, exp10 = 0;
            c = b[p];
            if (c == '0') {
                p++;
            } else if (c >= '1' && c <= '9') {
                do {
                    if (digits < 18) sig = sig * 10 + (c - '0');
                    else exp10++;
                    digits++;
                    p++;
                } while (p < n && (c = b[p]) >= '0' && c <= '9');
            } else {
                return Double.NaN;
            }
            boolean integer = true;
            if (p < n && b[p] == '.') {
                integer = false;
                int d = ++p;
                if (sig == 0) {
                    for (; p < n && b[p] == '0'; p++) exp10--;   // leading zeros of the fraction: not significant
                }
                // eight bytes at a time while they are digits and all of them fit in sig: what the loop below does one by one
                while (p + 8 <= n && digits <= 10) {
                    long w = (long) LE_LONG.get(b, p);
                    int k = leadingDigits(w);
                    if (k == 0) break;
                    sig = sig * POW10_LONG[k] + eightDigits(k == 8 ? w : w << (8 * (8 - k)));
                    digits += k;
                    exp10 -= k;
                    p += k;
                    if (k < 8) break;
                }
                for (; p < n && (c = b[p]) >= '0' && c <= '9'; p++) {
                    if (sig == 0 && c == '0') {
                        exp10--;   // a leading zero of the fraction: not significant
                    } else {
                        if (digits < 18) {
                            sig = sig * 10 + (c - '0');
                            exp10--;
                        }
                        digits++;
                    }
                }
                if (p == d) return Double.NaN;
            }
            if (p < n && (b[p] == 'e' || b[p] == 'E')) {
                integer = false;
                p++;
                boolean eneg = p < n && b[p] == '-';
                if (p < n && (b[p] == '-' || b[p] == '+')) p++;
                int d = p, ev = 0;
                for (; p < n && (c = b[p]) >= '0' && c <= '9'; p++) ev = Math.min(ev * 10 + (c - '0'), 100_000);
                if (p == d) return Double.NaN;
                exp10 += eneg ? -ev : ev;
            }
            if (p - s > 64) return Double.NaN;   // the parser's limit on a number's length: leave it to the tree
            i = p;
            if (integer) {
                if (digits <= 18) return (double) (neg ? -sig : sig);   // as the tree's int node: -0 is +0
                return new BigInteger(new String(b, s, p - s, StandardCharsets.ISO_8859_1)).doubleValue();
            }
            if (digits <= 15 && exp10 >= -22 && exp10 <= 22) {
                // Clinger's shortcut: sig and 10^|exp10| are exact doubles, so one correctly rounded operation
                double d = exp10 >= 0 ? sig * POW10[exp10] : sig / POW10[-exp10];
                return neg ? -d : d;
            }
            return Double.parseDouble(new String(b, s, p - s, StandardCharsets.ISO_8859_1));
        }

        /** Where a JSON number starting at i ends (strict grammar, at most 64 characters), or -1. */
        int numberEnd() {
            int p = i;
            if (p < b.length && b[p] == '-') p++;
            if (p >= b.length) return -1;
            if (b[p] == '0') {
                p++;
            } else if (b[p] >= '1' && b[p] <= '9') {
                while (p < b.length && b[p] >= '0' && b[p] <= '9') p++;
            } else {
                return -1;
            }
            if (p < b.length && b[p] == '.') {
                p++;
                int d = p;
                while (p < b.length && b[p] >= '0' && b[p] <= '9') p++;
                if (p == d) return -1;
            }
            if (p < b.length && (b[p] == 'e' || b[p] == 'E')) {
                p++;
                if (p < b.length && (b[p] == '+' || b[p] == '-')) p++;
                int d = p;
                while (p < b.length && b[p] >= '0' && b[p] <= '9') p++;
                if (p == d) return -1;
            }
            return p - i > 64 ? -1 : p;
        }

        boolean isInteger(int s, int t) {
            for (int p = s; p < t; p++) if (b[p] == '.' || b[p] == 'e' || b[p] == 'E') return false;
            return true;
        }

        boolean at(char c) {
            return i < b.length && b[i] == c;
        }

        void ws() {
            while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) i++;
        }
    }
}
