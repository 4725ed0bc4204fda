package org.backprop4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns parsed text rows (CSV, ARFF) into a {@link DataSet}: chooses target and input columns,
 * decides or checks each column's attribute, one-hot encodes nominal inputs and class targets, and
 * reports every bad cell with file, line and column.
 */
final class Encoder {
    private Encoder() {}

    /** How tokens of a nominal column map to value indices. */
    private enum Lookup { BY_NAME, BY_CODE, BY_NUMBER }

    private static final class Col {
        final int file;            // 0-based index in the row
        Attribute attr;
        Lookup lookup = Lookup.BY_NAME;
        Map<String, Integer> byName;
        Map<Double, Integer> byNumber;

        Col(int file) { this.file = file; }
    }

    /**
     * @param src           file name for messages
     * @param headerLine    line number of the header (names), 0 if none
     * @param names         one name per column (from the header, or generated x1, x2, ...)
     * @param namesFromFile true if the names came from the file (so a schema's names are checked)
     * @param rows          the fields of every data row, all of length names.size()
     * @param lines         the line number of every row
     * @param declared      per column, a declared attribute (ARFF) or null (infer from the values)
     * @param missingMarks  tokens meaning "missing"
     * @param sklearnClasses class names from scikit-learn's first line (target holds codes), or null
     */
    static DataSet encode(String src, long headerLine, List<String> names, boolean namesFromFile, List<String[]> rows,
                          long[] lines, Attribute[] declared, Set<String> missingMarks, ReadOptions o,
                          List<String> sklearnClasses) throws DataFormatException {
        int ncol = names.size();
        if (rows.isEmpty()) throw new DataFormatException(src, 0, 0, "no data rows (empty file)");
        List<Integer> targets = targetColumns(src, headerLine, names, namesFromFile, o);
        Set<Integer> ignored = columnSet(src, headerLine, names, o.ignoreNames, o.ignoreIndices, "ignore");
        Set<Integer> categorical = columnSet(src, headerLine, names, o.categoricalNames, o.categoricalIndices, "categorical");
        for (int t : targets) {
            if (ignored.contains(t)) throw new DataFormatException(src, headerLine, t + 1, "column '" + names.get(t) + "' is both the target and ignored");
        }
        List<Col> in = new ArrayList<>();
        for (int c = 0; c < ncol; c++) if (!targets.contains(c) && !ignored.contains(c)) in.add(new Col(c));
        if (in.isEmpty()) throw new DataFormatException(src, headerLine, 0, "no input columns left (" + ncol + " columns, " + targets.size() + " target(s))");
        List<Col> out = new ArrayList<>();
        for (int t : targets) out.add(new Col(t));

        Schema schema = o.schema;
        if (schema != null) {
            if (schema.inputs().size() != in.size() || schema.targets().size() != out.size()) {
                throw new DataFormatException(src, headerLine, 0, "the file has " + in.size() + " input and " + out.size()
                        + " target columns; the schema expects " + schema.inputs().size() + " and " + schema.targets().size());
            }
            for (int i = 0; i < in.size(); i++) fromSchema(src, headerLine, names, namesFromFile, in.get(i), schema.inputs().get(i), null);
            for (int i = 0; i < out.size(); i++) fromSchema(src, headerLine, names, namesFromFile, out.get(i), schema.targets().get(i), sklearnClasses);
        } else {
            for (Col c : in) infer(src, names, rows, lines, declared, missingMarks, categorical, o, c, false, null);
            for (Col c : out) infer(src, names, rows, lines, declared, missingMarks, categorical, o, c, true, sklearnClasses);
            try {
                schema = new Schema(in.stream().map(c -> c.attr).toList(), out.stream().map(c -> c.attr).toList());
            } catch (IllegalArgumentException e) {
                throw new DataFormatException(src, headerLine, 0, e.getMessage());
            }
        }
        for (Col c : in) prepare(c);
        for (Col c : out) prepare(c);

        int m = rows.size();
        int nIn = schema.encodedInputs(), nOut = schema.encodedOutputs();
        if ((long) m * nIn > Integer.MAX_VALUE - 8) throw new DataFormatException(src, 0, 0, "too much data for one array: " + m + " rows × " + nIn + " inputs");
        float[] x = new float[m * nIn];
        float[] d = new float[m * nOut];
        for (int r = 0; r < m; r++) {
            String[] f = rows.get(r);
            long line = lines[r];
            int off = r * nIn;
            for (Col c : in) {
                String tok = f[c.file];
                int w = c.attr.width();
                if (missingMarks.contains(tok)) {
                    if (o.missing == MissingValues.REJECT) {
                        throw new DataFormatException(src, line, c.file + 1, "missing value for '" + c.attr.name()
                                + "' (the missing-value policy is REJECT; choose KEEP to impute the training mean / most frequent value)");
                    }
                    Arrays.fill(x, off, off + w, Float.NaN);
                } else if (c.attr.isNominal()) {
                    x[off + index(src, line, c, tok)] = 1f;
                } else {
                    x[off] = (float) Numbers.parse(tok, src, line, c.file + 1);
                }
                off += w;
            }
            if (schema.isClassification()) {
                Col c = out.get(0);
                String tok = f[c.file];
                if (missingMarks.contains(tok)) throw new DataFormatException(src, line, c.file + 1, "missing class value (a target cannot be imputed)");
                d[r * nOut + index(src, line, c, tok)] = 1f;
            } else {
                for (int k = 0; k < nOut; k++) {
                    Col c = out.get(k);
                    String tok = f[c.file];
                    if (missingMarks.contains(tok)) throw new DataFormatException(src, line, c.file + 1, "missing target value (a target cannot be imputed)");
                    d[r * nOut + k] = (float) Numbers.parse(tok, src, line, c.file + 1);
                }
            }
        }
        return new DataSet(x, d, nIn, nOut, schema.classNames(), schema.encodedInputNames(), schema);
    }

    private static void prepare(Col c) {
        if (!c.attr.isNominal()) return;
        c.byName = c.attr.index();
        if (c.lookup == Lookup.BY_NUMBER) {
            c.byNumber = new HashMap<>();
            for (int i = 0; i < c.attr.values().size(); i++) {
                String v = c.attr.values().get(i);
                if (Numbers.isNumber(v)) c.byNumber.put(Double.parseDouble(v), i);
            }
        }
    }

    private static int index(String src, long line, Col c, String tok) throws DataFormatException {
        List<String> vals = c.attr.values();
        switch (c.lookup) {
            case BY_CODE -> {
                if (!Numbers.isNumber(tok) || Double.parseDouble(tok) != Math.rint(Double.parseDouble(tok))) {
                    throw new DataFormatException(src, line, c.file + 1, "expected an integer class code 0.." + (vals.size() - 1) + ", found \"" + Numbers.clip(tok) + "\"");
                }
                double v = Double.parseDouble(tok);
                if (v < 0 || v >= vals.size()) {
                    throw new DataFormatException(src, line, c.file + 1, "class label " + Numbers.clip(tok) + " out of range 0.." + (vals.size() - 1)
                            + " (the first line names " + vals.size() + " classes)");
                }
                return (int) v;
            }
            case BY_NUMBER -> {
                Integer i = Numbers.isNumber(tok) ? c.byNumber.get(Double.parseDouble(tok)) : null;
                if (i != null) return i;
            }
            case BY_NAME -> {
                Integer i = c.byName.get(tok);
                if (i != null) return i;
                if (Numbers.isNumber(tok)) {   // "1.0" for a class named "1"
                    i = c.byName.get(canonical(Double.parseDouble(tok)));
                    if (i != null) return i;
                }
            }
        }
        throw new DataFormatException(src, line, c.file + 1, "unknown value \"" + Numbers.clip(tok) + "\" for nominal attribute '" + c.attr.name()
                + "' (expected one of " + abbreviate(vals) + ")");
    }

    static String abbreviate(List<String> vals) {
        if (vals.size() <= 12) return vals.toString();
        return vals.subList(0, 12).toString().replace("]", ", ... (" + vals.size() + " values)]");
    }

    /** The class name of a numeric label: integers without ".0". */
    static String canonical(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    private static void fromSchema(String src, long headerLine, List<String> names, boolean namesFromFile, Col c, Attribute a,
                                   List<String> sklearnClasses) throws DataFormatException {
        if (namesFromFile && !names.get(c.file).equals(a.name())) {
            throw new DataFormatException(src, headerLine, c.file + 1, "column '" + names.get(c.file) + "' where the schema expects '" + a.name() + "'");
        }
        c.attr = a;
        if (sklearnClasses != null) {
            if (!a.isNominal() || !a.values().equals(sklearnClasses)) {
                throw new DataFormatException(src, 1, 0, "the file's classes " + sklearnClasses + " differ from the schema's " + a.values());
            }
            c.lookup = Lookup.BY_CODE;
        }
    }

    private static void infer(String src, List<String> names, List<String[]> rows, long[] lines, Attribute[] declared,
                              Set<String> missing, Set<Integer> categorical, ReadOptions o, Col c, boolean target,
                              List<String> sklearnClasses) throws DataFormatException {
        String name = names.get(c.file);
        if (target && sklearnClasses != null) {
            c.attr = Attribute.nominal(name, sklearnClasses);
            c.lookup = Lookup.BY_CODE;
            if (Boolean.FALSE.equals(o.classTarget)) {   // asked for regression on the codes
                c.attr = Attribute.numeric(name);
            }
            return;
        }
        Attribute dec = declared == null ? null : declared[c.file];
        if (dec != null) {
            if (target && dec.isNominal() && Boolean.FALSE.equals(o.classTarget)) {
                throw new DataFormatException(src, 0, c.file + 1, "the target '" + name + "' is nominal; it cannot be a regression target");
            }
            if (target && !dec.isNominal() && Boolean.TRUE.equals(o.classTarget)) {
                c.attr = numericClasses(src, name, rows, lines, missing, c);
                c.lookup = Lookup.BY_NUMBER;
                return;
            }
            c.attr = dec;
            return;
        }
        // CSV: numeric if the first present value is a number (later non-numbers are then errors)
        int first = -1;
        for (int r = 0; r < rows.size(); r++) if (!missing.contains(rows.get(r)[c.file])) { first = r; break; }
        if (first < 0) throw new DataFormatException(src, 0, c.file + 1, "column '" + name + "' has no values (all missing)");
        boolean forced = categorical.contains(c.file);
        boolean numeric = !forced && Numbers.isNumber(rows.get(first)[c.file]);
        if (target && !numeric && Boolean.FALSE.equals(o.classTarget)) {
            throw new DataFormatException(src, lines[first], c.file + 1, "expected a number for the regression target '" + name
                    + "', found \"" + Numbers.clip(rows.get(first)[c.file]) + "\"");
        }
        if (numeric) {
            if (target && Boolean.TRUE.equals(o.classTarget)) {
                c.attr = numericClasses(src, name, rows, lines, missing, c);
                c.lookup = Lookup.BY_NUMBER;
            } else {
                c.attr = Attribute.numeric(name);
            }
            return;
        }
        Set<String> vals = new TreeSet<>();
        for (String[] f : rows) if (!missing.contains(f[c.file])) vals.add(f[c.file]);
        c.attr = Attribute.nominal(name, new ArrayList<>(vals));
    }

    /** Classes of a numeric column: its distinct values in increasing order, named canonically. */
    private static Attribute numericClasses(String src, String name, List<String[]> rows, long[] lines, Set<String> missing, Col c)
            throws DataFormatException {
        TreeMap<Double, String> vals = new TreeMap<>();
        for (int r = 0; r < rows.size(); r++) {
            String tok = rows.get(r)[c.file];
            if (missing.contains(tok)) continue;   // reported when encoding
            double v = Numbers.parse(tok, src, lines[r], c.file + 1);
            vals.putIfAbsent(v, canonical(v));
            if (vals.size() > 10_000) throw new DataFormatException(src, lines[r], c.file + 1, "more than 10000 distinct class values in '" + name + "': a regression target?");
        }
        if (vals.size() < 2) throw new DataFormatException(src, 0, c.file + 1, "the class column '" + name + "' has fewer than two distinct values");
        return Attribute.nominal(name, new ArrayList<>(new LinkedHashSet<>(vals.values())));
    }

    private static List<Integer> targetColumns(String src, long headerLine, List<String> names, boolean namesFromFile, ReadOptions o)
            throws DataFormatException {
        int ncol = names.size();
        List<Integer> t = new ArrayList<>();
        if (!o.targetNames.isEmpty()) {
            for (String n : o.targetNames) t.add(lookup(src, headerLine, names, n, "target"));
        } else if (!o.targetIndices.isEmpty()) {
            for (int i : o.targetIndices) t.add(index(src, ncol, i, "target"));
        } else if (o.schema != null) {
            List<Attribute> st = o.schema.targets();
            if (namesFromFile) {
                for (Attribute a : st) t.add(lookup(src, headerLine, names, a.name(), "target"));
            } else {
                for (int k = 0; k < st.size(); k++) t.add(ncol - st.size() + k);
            }
        } else {
            t.add(ncol - 1);
        }
        if (new LinkedHashSet<>(t).size() != t.size()) throw new DataFormatException(src, headerLine, 0, "a target column is named twice");
        return t;
    }

    private static Set<Integer> columnSet(String src, long headerLine, List<String> names, Set<String> byName, Set<Integer> byIndex, String what)
            throws DataFormatException {
        Set<Integer> s = new LinkedHashSet<>();
        for (String n : byName) s.add(lookup(src, headerLine, names, n, what));
        for (int i : byIndex) s.add(index(src, names.size(), i, what));
        return s;
    }

    private static int lookup(String src, long headerLine, List<String> names, String n, String what) throws DataFormatException {
        int i = names.indexOf(n);
        if (i < 0) throw new DataFormatException(src, headerLine, 0, "no column named '" + n + "' for the " + what + " (columns: " + abbreviate(names) + ")");
        return i;
    }

    private static int index(String src, int ncol, int i, String what) throws DataFormatException {
        int j = i < 0 ? ncol + i : i;
        if (j < 0 || j >= ncol) throw new DataFormatException(src, 0, 0, what + " column index " + i + " is out of range: the file has " + ncol + " columns");
        return j;
    }
}
