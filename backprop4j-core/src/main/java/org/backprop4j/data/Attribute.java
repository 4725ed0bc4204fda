package org.backprop4j.data;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One attribute (column) of the raw data: numeric, or nominal with its values in a fixed order.
 * A nominal input attribute occupies {@code values().size()} one-hot columns of a {@link DataSet}
 * (in the declared order); a numeric one occupies one column.
 *
 * @param name   the attribute's name (from the header, or generated: x1, x2, ...)
 * @param values the nominal values in index order, or null for a numeric attribute
 */
public record Attribute(String name, List<String> values) {

    public Attribute {
        if (name == null) throw new IllegalArgumentException("attribute name must not be null");
        if (values != null) {
            values = List.copyOf(values);
            if (values.isEmpty()) throw new IllegalArgumentException("nominal attribute '" + name + "' has no values");
            if (new java.util.HashSet<>(values).size() != values.size()) {
                throw new IllegalArgumentException("nominal attribute '" + name + "' lists a value twice: " + values);
            }
        }
    }

    public static Attribute numeric(String name) {
        return new Attribute(name, null);
    }

    public static Attribute nominal(String name, List<String> values) {
        return new Attribute(name, values);
    }

    public boolean isNominal() {
        return values != null;
    }

    /** Columns this attribute occupies as an input: the number of values (one-hot), or 1. */
    public int width() {
        return values == null ? 1 : values.size();
    }

    /** Index of a nominal value, or -1 if it is not one of the values. */
    public int indexOf(String value) {
        return values == null ? -1 : values.indexOf(value);
    }

    /** value -> index map of a nominal attribute (for encoding many rows). */
    Map<String, Integer> index() {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < values.size(); i++) m.put(values.get(i), i);
        return m;
    }

    /** Plain representation: {name, type: "numeric"} or {name, type: "nominal", values: [...]}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("type", values == null ? "numeric" : "nominal");
        if (values != null) m.put("values", values);
        return m;
    }

    /** Inverse of {@link #toMap()}; any malformed content gives a DataFormatException naming {@code source}. */
    public static Attribute fromMap(Object o, String source) throws DataFormatException {
        if (!(o instanceof Map<?, ?> m)) throw new DataFormatException(source, 0, 0, "expected an attribute object, found " + Maps.describe(o));
        String name = Maps.string(m, "name", source);
        String type = Maps.string(m, "type", source);
        switch (type) {
            case "numeric":
                return numeric(name);
            case "nominal":
                List<String> vals = Maps.stringList(m, "values", source);
                try {
                    return nominal(name, vals);
                } catch (IllegalArgumentException e) {
                    throw new DataFormatException(source, 0, 0, e.getMessage());
                }
            default:
                throw new DataFormatException(source, 0, 0, "attribute '" + name + "': type must be numeric or nominal, found \"" + type + "\"");
        }
    }
}
