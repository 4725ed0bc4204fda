package org.backprop4j.bench;

import java.util.List;
import java.util.Map;

/**
 * The workloads' one-line JSON record, written by hand: a cold process need not start Jackson's
 * ObjectMapper just to print one line (its cost: docs/bench-log/2026-12-07-cold-start.md). Maps,
 * lists, strings, numbers, booleans and null, as Jackson's defaults write them (NaN and the
 * infinities as strings).
 */
final class JsonLine {
    private JsonLine() {}

    static String of(Object value) {
        StringBuilder sb = new StringBuilder(1024);
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> string(sb, s);
            case Boolean b -> sb.append(b.booleanValue());
            case Double d -> {
                if (d.isNaN() || d.isInfinite()) string(sb, d.toString());
                else sb.append(d.toString());
            }
            case Float f -> {
                if (f.isNaN() || f.isInfinite()) string(sb, f.toString());
                else sb.append(f.toString());
            }
            case Number n -> sb.append(n.toString());
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    string(sb, String.valueOf(e.getKey()));
                    sb.append(':');
                    write(sb, e.getValue());
                }
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) sb.append(',');
                    write(sb, l.get(i));
                }
                sb.append(']');
            }
            default -> string(sb, v.toString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
