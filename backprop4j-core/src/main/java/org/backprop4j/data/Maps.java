package org.backprop4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checked access to the plain maps of toMap()/fromMap(); every problem is a DataFormatException. */
final class Maps {
    private Maps() {}

    static String describe(Object o) {
        return o == null ? "nothing" : o.getClass().getSimpleName();
    }

    static Object get(Map<?, ?> m, String key, String source) throws DataFormatException {
        if (!m.containsKey(key)) throw new DataFormatException(source, 0, 0, "missing key \"" + key + "\"");
        return m.get(key);
    }

    static String string(Map<?, ?> m, String key, String source) throws DataFormatException {
        Object o = get(m, key, source);
        if (o instanceof String s) return s;
        throw new DataFormatException(source, 0, 0, "\"" + key + "\" must be a string, found " + describe(o));
    }

    static List<?> list(Map<?, ?> m, String key, String source) throws DataFormatException {
        Object o = get(m, key, source);
        if (o instanceof List<?> l) return l;
        throw new DataFormatException(source, 0, 0, "\"" + key + "\" must be a list, found " + describe(o));
    }

    static List<String> stringList(Map<?, ?> m, String key, String source) throws DataFormatException {
        List<String> out = new ArrayList<>();
        for (Object o : list(m, key, source)) {
            if (!(o instanceof String s)) throw new DataFormatException(source, 0, 0, "\"" + key + "\" must hold strings, found " + describe(o));
            out.add(s);
        }
        return out;
    }

    static double number(Map<?, ?> m, String key, String source) throws DataFormatException {
        Object o = get(m, key, source);
        if (o instanceof Number n) {
            double v = n.doubleValue();
            if (!Double.isFinite(v)) throw new DataFormatException(source, 0, 0, "\"" + key + "\" must be finite, found " + v);
            return v;
        }
        throw new DataFormatException(source, 0, 0, "\"" + key + "\" must be a number, found " + describe(o));
    }

    static int integer(Map<?, ?> m, String key, String source, int min, int max) throws DataFormatException {
        double v = number(m, key, source);
        if (v != Math.rint(v) || v < min || v > max) {
            throw new DataFormatException(source, 0, 0, "\"" + key + "\" must be an integer in " + min + ".." + max + ", found " + v);
        }
        return (int) v;
    }

    static double[] numbers(Map<?, ?> m, String key, String source, int expectedLength) throws DataFormatException {
        List<?> l = list(m, key, source);
        if (l.size() != expectedLength) {
            throw new DataFormatException(source, 0, 0, "\"" + key + "\" must hold " + expectedLength + " numbers, found " + l.size());
        }
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            Object o = l.get(i);
            if (!(o instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                throw new DataFormatException(source, 0, 0, "\"" + key + "\"[" + i + "] must be a finite number, found " + (o instanceof Number ? o : describe(o)));
            }
            out[i] = n.doubleValue();
        }
        return out;
    }
}
