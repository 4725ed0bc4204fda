package org.backprop4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Weka's ARFF format (dense rows), gzip or not: {@code @relation}, {@code @attribute} and
 * {@code @data} in any letter case; attribute types numeric, real, integer and nominal
 * {@code {v1, 'v 2', ...}} (single or double quotes, backslash escapes); {@code ?} for a missing
 * value; {@code %} comment lines. The class is the last attribute unless
 * {@link ReadOptions#target(String...)} names another. Nominal inputs are one-hot encoded over
 * their declared values; a nominal class gives classes in declared order (declared values that
 * never occur are kept), a numeric class gives a regression set. String, date, relational
 * attributes and sparse rows are rejected with a clear message.
 */
public final class ArffReader {
    private ArffReader() {}

    private static final Set<String> MISSING = Set.of("?");

    public static DataSet read(Path file) throws IOException {
        return read(file, ReadOptions.defaults());
    }

    public static DataSet read(Path file, ReadOptions o) throws IOException {
        return (DataSet) parse(file, o, false, false);
    }

    /**
     * Prediction data: only the inputs, encoded as {@code o.schema(...)} (required) says; the class
     * attribute is skipped (it may be {@code ?}). Returns rows × encodedInputs().
     */
    public static float[] readInputs(Path file, ReadOptions o) throws IOException {
        return ((DataSet) parse(file, o, true, false)).x();
    }

    /** {@link #read}, the data possibly written to the options' cache file instead of the heap ({@link DataCache}). */
    static Examples readExamples(Path file, ReadOptions o) throws IOException {
        return parse(file, o, false, true);
    }

    private static Examples parse(Path file, ReadOptions o, boolean inputsOnly, boolean examples) throws IOException {
        String src = Sources.name(file);
        List<String> names = new ArrayList<>();
        List<Attribute> attrs = new ArrayList<>();
        Encoder enc = null;
        boolean relation = false, data = false;
        long dataLine = 0;
        try {
            try (Sources.Lines in = new Sources.Lines(file, o.charset, o.notices, o.commandLine)) {
                String s;
                while ((s = in.next()) != null) {
                    long no = in.lineNo();
                    String t = stripComment(s).strip();
                    if (t.isEmpty()) continue;
                    if (!data) {
                        String low = t.toLowerCase(Locale.ROOT);
                        if (low.startsWith("@relation")) {
                            if (relation) throw new DataFormatException(src, no, 1, "a second @relation");
                            relation = true;
                        } else if (low.startsWith("@attribute")) {
                            if (!relation) throw new DataFormatException(src, no, 1, "expected @relation before @attribute");
                            Attribute a = attribute(t.substring("@attribute".length()), src, no);
                            if (names.contains(a.name())) throw new DataFormatException(src, no, 0, "attribute '" + a.name() + "' declared twice");
                            names.add(a.name());
                            attrs.add(a);
                        } else if (low.startsWith("@data")) {
                            if (attrs.isEmpty()) throw new DataFormatException(src, no, 1, "@data before any @attribute");
                            if (attrs.size() < 2) throw new DataFormatException(src, no, 0, "expected at least two attributes (inputs and a class)");
                            data = true;
                            dataLine = no;
                            enc = new Encoder(src, 0, names, true, attrs.toArray(new Attribute[0]), MISSING, o, null, inputsOnly);
                        } else {
                            throw new DataFormatException(src, no, 1, "expected @relation, @attribute or @data, found \"" + Numbers.clip(t) + "\"");
                        }
                    } else {
                        if (t.startsWith("{")) throw new DataFormatException(src, no, 1, "sparse ARFF rows ({index value, ...}) are not supported");
                        String[] f = splitData(t, src, no);
                        if (f.length != attrs.size()) {
                            throw new DataFormatException(src, no, Math.min(f.length, attrs.size()) + 1, "expected " + attrs.size() + " values (one per @attribute), found " + f.length);
                        }
                        enc.add(f, no);
                    }
                }
            }
            if (!relation) throw new DataFormatException(src, 0, 0, "no @relation line (empty file or not ARFF)");
            if (!data) throw new DataFormatException(src, 0, 0, "no @data section");
            if (enc.rows() == 0) throw new DataFormatException(src, dataLine, 0, "no data rows after @data");
            return examples ? enc.finishExamples() : enc.finish();
        } finally {
            if (enc != null) enc.close();
        }
    }

    /** The line up to its first '%' outside quotes (a comment, as Weka's tokenizer treats it). */
    static String stripComment(String s) {
        char q = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (q != 0) {
                if (c == '\\') i++;
                else if (c == q) q = 0;
            } else if (c == '\'' || c == '"') {
                q = c;
            } else if (c == '%') {
                return s.substring(0, i);
            }
        }
        return s;
    }

    /** Parses "name type" after @attribute. */
    private static Attribute attribute(String rest, String src, long no) throws DataFormatException {
        Cursor c = new Cursor(rest, src, no);
        c.skipSpace();
        String name = c.token(true);
        if (name.isEmpty()) throw new DataFormatException(src, no, 0, "expected an attribute name after @attribute");
        c.skipSpace();
        String type = rest.substring(c.i).strip();
        if (type.startsWith("{")) {
            if (!type.endsWith("}")) throw new DataFormatException(src, no, 0, "nominal list of '" + name + "' not closed with '}'");
            Cursor v = new Cursor(type.substring(1, type.length() - 1), src, no);
            List<String> values = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            while (true) {
                v.skipSpace();
                if (v.done()) break;
                String val = v.token(false);
                if (!seen.add(val)) throw new DataFormatException(src, no, 0, "nominal value '" + val + "' of '" + name + "' declared twice");
                values.add(val);
                v.skipSpace();
                if (v.done()) break;
                if (v.peek() != ',') throw new DataFormatException(src, no, 0, "expected ',' between nominal values of '" + name + "', found '" + v.peek() + "'");
                v.i++;
            }
            if (values.isEmpty()) throw new DataFormatException(src, no, 0, "nominal attribute '" + name + "' has no values");
            return Attribute.nominal(name, values);
        }
        String low = type.toLowerCase(Locale.ROOT);
        if (low.equals("numeric") || low.equals("real") || low.equals("integer")) return Attribute.numeric(name);
        if (low.startsWith("string") || low.startsWith("date") || low.startsWith("relational")) {
            throw new DataFormatException(src, no, 0, "attribute '" + name + "' has type " + type + ", which is not supported (numeric, real, integer or nominal {...} only)");
        }
        throw new DataFormatException(src, no, 0, "attribute '" + name + "': expected a type (numeric, real, integer or {values}), found \"" + Numbers.clip(type) + "\"");
    }

    /** Splits a data row at commas outside quotes; values are trimmed and unquoted. */
    static String[] splitData(String line, String src, long no) throws DataFormatException {
        Cursor c = new Cursor(line, src, no);
        List<String> out = new ArrayList<>();
        while (true) {
            c.skipSpace();
            c.column = out.size() + 1;
            String v = c.token(false);
            out.add(v);
            c.skipSpace();
            if (c.done()) break;
            if (c.peek() != ',') throw new DataFormatException(src, no, out.size(), "expected ',' after a value, found '" + c.peek() + "'");
            c.i++;
        }
        return out.toArray(new String[0]);
    }

    /** A tiny tokenizer for ARFF values: quoted ('...' or "...", backslash escapes) or bare. */
    private static final class Cursor {
        final String s;
        final String src;
        final long no;
        int i;
        int column;

        Cursor(String s, String src, long no) {
            this.s = s;
            this.src = src;
            this.no = no;
        }

        boolean done() { return i >= s.length(); }
        char peek() { return s.charAt(i); }

        void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        /** A quoted or bare token; a bare token ends at ',' or, if {@code stopAtSpace}, at whitespace. */
        String token(boolean stopAtSpace) throws DataFormatException {
            if (done()) return "";
            char q = peek();
            if (q == '\'' || q == '"') {
                i++;
                StringBuilder sb = new StringBuilder();
                while (i < s.length()) {
                    char ch = s.charAt(i++);
                    if (ch == '\\' && i < s.length()) {
                        sb.append(s.charAt(i++));
                    } else if (ch == q) {
                        return sb.toString();
                    } else {
                        sb.append(ch);
                    }
                }
                throw new DataFormatException(src, no, column, "unterminated quote " + q);
            }
            int start = i;
            while (i < s.length()) {
                char ch = s.charAt(i);
                if (ch == ',' || (stopAtSpace && Character.isWhitespace(ch))) break;
                if (ch == '{' || ch == '}') break;
                i++;
            }
            return s.substring(start, i).strip();
        }
    }
}
