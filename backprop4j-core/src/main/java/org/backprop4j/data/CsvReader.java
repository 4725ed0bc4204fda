package org.backprop4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Delimited text (CSV and friends), gzip or not. Options ({@link ReadOptions}): delimiter
 * (auto: the one of , ; tab | found on every one of the first 50 lines, else whitespace), header (auto),
 * target column(s) by name or index (default: the last column), categorical and ignored
 * columns, missing-value markers and policy, and a schema to encode a file like an earlier one.
 *
 * <p>Columns: a column's type comes from all its values: numeric when every present value is a
 * number, categorical (one-hot encoded over its distinct values, sorted) when none is, an error
 * naming the odd value out when both occur. A categorical target makes a classification set; a
 * numeric one too when it holds few distinct integers (see docs/DATA.md), a regression set
 * otherwise; {@link ReadOptions#classTarget(boolean)} overrides, and a {@link ReadNotice} tells
 * which and why.
 *
 * <p>scikit-learn's CSV files start with {@code n_samples,n_features,class names...}
 * (iris.csv, wine_data.csv, breast_cancer.csv): this is detected (first two fields integers, the
 * data lines have n_features + 1 fields) and the class names are taken from it; the target
 * column then holds class codes 0..k−1 and the row count must equal n_samples.
 *
 * <p>Quoting: double quotes, {@code ""} inside a quoted field; a quoted field cannot span lines.
 * Blank lines are skipped.
 */
public final class CsvReader {
    private CsvReader() {}

    public static DataSet read(Path file) throws IOException {
        return read(file, ReadOptions.defaults());
    }

    public static DataSet read(Path file, ReadOptions o) throws IOException {
        return (DataSet) parse(file, o, false);
    }

    /** {@link #read}, the data possibly written to the options' cache file instead of the heap ({@link DataCache}). */
    static Examples readExamples(Path file, ReadOptions o) throws IOException {
        return parse(file, o, true);
    }

    private static Examples parse(Path file, ReadOptions o, boolean examples) throws IOException {
        try (Rows in = new Rows(file, o);
             Encoder enc = new Encoder(in.src, in.headerLine, in.names, in.namesFromFile, null, in.o.missingMarkers, in.o, in.sklearnClasses)) {
            enc.decimalComma(in.delim != ',');
            String[] f;
            while ((f = in.next()) != null) enc.add(f, in.line());
            in.checkCount(enc.rows(), enc.lastLine());
            return examples ? enc.finishExamples() : enc.finish();
        }
    }

    /**
     * Prediction data: only the inputs, encoded as {@code o.schema(...)} (required) says; target
     * columns are skipped if present (by name with a header; by position when the file has as many
     * columns as the schema has attributes) and may hold anything. Returns rows × encodedInputs().
     */
    public static float[] readInputs(Path file, ReadOptions o) throws IOException {
        try (Rows in = new Rows(file, o);
             Encoder enc = new Encoder(in.src, in.headerLine, in.names, in.namesFromFile, null, in.o.missingMarkers, in.o, null, true)) {
            enc.decimalComma(in.delim != ',');
            String[] f;
            while ((f = in.next()) != null) enc.add(f, in.line());
            return enc.finishInputs();
        }
    }

    /**
     * Inputs and targets in two files with the same rows (scikit-learn's diabetes_data_raw.csv.gz
     * and diabetes_target.csv.gz): every column of {@code inputs} is an input, every column of
     * {@code targets} a target (numeric: regression, unless classTarget(true)). Row counts must
     * agree. Target options (target, targetIndex) are ignored.
     */
    public static DataSet read(Path inputs, Path targets, ReadOptions o) throws IOException {
        try (Rows a = new Rows(inputs, o); Rows b = new Rows(targets, o)) {
            int na = a.names.size(), nb = b.names.size();
            List<String> names = new ArrayList<>(a.names);
            for (String n : b.names) names.add(names.contains(n) ? "target_" + n : n);
            ReadOptions m = copy(a.o);
            m.targetNames.clear();
            m.targetIndices.clear();
            for (int j = 0; j < nb; j++) m.targetIndices.add(na + j);
            boolean regression = !Boolean.TRUE.equals(o.classTarget) && (o.schema == null || !o.schema.isClassification());
            try (Encoder enc = new Encoder(a.src, a.headerLine, names, a.namesFromFile && b.namesFromFile, null, m.missingMarkers, m, null)) {
                String[] row = new String[na + nb];
                while (true) {
                    String[] fa = a.next(), fb = b.next();
                    if (fa == null || fb == null) {
                        if (fa != null || fb != null) {
                            long nA = enc.rows() + (fa != null ? 1 : 0), nB = enc.rows() + (fb != null ? 1 : 0);
                            throw new DataFormatException(b.src, fb != null ? b.line() : b.lastLine, 0, "dimension mismatch: " + (fb != null ? "more than " + enc.rows() : nB)
                                    + " target rows, but " + a.src + " has " + (fa != null ? "more than " + enc.rows() : nA) + " rows");
                        }
                        break;
                    }
                    for (int j = 0; j < nb; j++) {   // check the target file's cells here, so errors name that file
                        if (m.missingMarkers.contains(fb[j])) throw new DataFormatException(b.src, b.line(), j + 1, "missing target value (a target cannot be imputed)");
                        if (regression) Numbers.parse(fb[j], b.delim != ',' ? ',' : '.', b.src, b.line(), j + 1);
                    }
                    System.arraycopy(fa, 0, row, 0, na);
                    System.arraycopy(fb, 0, row, na, nb);
                    enc.add(row, a.line());
                }
                a.checkCount(enc.rows(), enc.lastLine());
                return enc.finish();
            }
        }
    }

    /**
     * The data rows of a delimited file, after sniffing its first lines (delimiter, header,
     * scikit-learn's first line); every row is checked to have the expected number of fields.
     */
    private static final class Rows implements AutoCloseable {
        private static final int SNIFF = 200;
        final String src;
        final Sources.Lines in;
        ReadOptions o;
        final char delim;
        long headerLine;
        List<String> names;
        boolean namesFromFile;
        List<String> sklearnClasses;
        long nSamples = -1;
        final int ncol;
        int trailing;             // empty trailing columns dropped (Excel)
        private final List<String[]> head = new ArrayList<>();
        private final List<Long> headLines = new ArrayList<>();
        private int headPos;
        private long line;
        long lastLine;

        Rows(Path file, ReadOptions opts) throws IOException {
            this.src = Sources.name(file);
            this.o = opts;
            this.in = new Sources.Lines(file, opts.charset, opts.notices, opts.commandLine);
            try {
                List<String> raw = new ArrayList<>();
                String s;
                while (raw.size() < SNIFF && (s = in.next()) != null) {
                    if (s.isBlank()) continue;
                    raw.add(s);
                    headLines.add(in.lineNo());
                }
                if (raw.isEmpty()) throw new DataFormatException(src, 0, 0, "no data (empty file)");
                delim = o.delimiter != null ? o.delimiter : detectDelimiter(raw);
                for (int i = 0; i < raw.size(); i++) head.add(split(raw.get(i), delim, src, headLines.get(i)));
                trailing = trailingEmpty(head);
                if (trailing > 0) {
                    int w = head.get(0).length;
                    for (int i = 0; i < head.size(); i++) head.set(i, java.util.Arrays.copyOf(head.get(i), w - trailing));
                    o.notices.accept(new ReadNotice(ReadNotice.Kind.COLUMNS, src, "dropped " + (trailing == 1 ? "column " + w : trailing + " columns " + (w - trailing + 1) + "-" + w)
                            + ": no name and no value on the first " + head.size() + " lines (a spreadsheet's empty trailing column" + (trailing == 1 ? ")" : "s)")));
                }
                boolean sk = o.sklearnHeader != null ? o.sklearnHeader : isSklearnHeader(head);
                if (sk) {
                    String[] h = head.get(0);
                    if (!isSklearnHeader(head)) {
                        throw new DataFormatException(src, headLines.get(0), 0, "expected scikit-learn's first line 'n_samples,n_features,class names...' followed by rows of n_features + 1 fields");
                    }
                    nSamples = Long.parseLong(h[0]);
                    int nFeatures = Integer.parseInt(h[1]);
                    sklearnClasses = List.of(h).subList(2, h.length);
                    if (new HashSet<>(sklearnClasses).size() != sklearnClasses.size()) {
                        throw new DataFormatException(src, headLines.get(0), 0, "class names on the first line are not distinct: " + sklearnClasses);
                    }
                    names = new ArrayList<>();
                    for (int j = 0; j < nFeatures; j++) names.add("x" + (j + 1));
                    names.add("class");
                    headPos = 1;
                    headerLine = headLines.get(0);
                    o = copyForSklearn(o);
                } else {
                    boolean header = o.header != null ? o.header : detectHeader(head, o.missingMarkers, delim != ',' ? ',' : '.');
                    if (header) {
                        names = List.of(head.get(0));
                        Set<String> seen = new HashSet<>();
                        for (int j = 0; j < names.size(); j++) {
                            if (!seen.add(names.get(j))) throw new DataFormatException(src, headLines.get(0), j + 1, "duplicate column name '" + names.get(j) + "' in the header");
                        }
                        headPos = 1;
                        headerLine = headLines.get(0);
                        namesFromFile = true;
                    }
                }
                ncol = names != null ? names.size() : head.get(0).length;
                if (names == null) {
                    names = new ArrayList<>();
                    for (int j = 0; j < ncol; j++) names.add("x" + (j + 1));
                }
            } catch (IOException | RuntimeException e) {
                in.close();
                throw e;
            }
        }

        /** The next data row, or null at the end. */
        String[] next() throws DataFormatException {
            String[] f;
            if (headPos < head.size()) {
                line = headLines.get(headPos);
                f = head.get(headPos);
                head.set(headPos++, null);
            } else {
                String s;
                do {
                    s = in.next();
                    if (s == null) return null;
                } while (s.isBlank());
                line = in.lineNo();
                f = split(s, delim, src, line);
                if (trailing > 0 && f.length == ncol + trailing) {
                    for (int j = ncol; j < f.length; j++) {
                        if (!f[j].isEmpty()) {
                            throw new DataFormatException(src, line, j + 1, "a value (\"" + Numbers.clip(f[j]) + "\") in column " + (j + 1)
                                    + ", which was dropped as an empty trailing column (no name, no values on the first " + SNIFF + " lines)");
                        }
                    }
                    f = java.util.Arrays.copyOf(f, ncol);
                }
            }
            if (f.length != ncol) {
                throw new DataFormatException(src, line, Math.min(f.length, ncol) + 1, "expected " + ncol + " fields, found " + f.length
                        + (headerLine > 0 ? " (the header has " + ncol + ")" : " (the first line has " + ncol + ")"));
            }
            lastLine = line;
            return f;
        }

        long line() {
            return line;
        }

        /** scikit-learn files: the data line count must equal n_samples. */
        void checkCount(long rows, long last) throws DataFormatException {
            if (nSamples >= 0 && rows != nSamples) {
                throw new DataFormatException(src, last, 0, "the first line announces " + nSamples + " samples, the file has " + rows
                        + " data lines (truncated or extended file?)");
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * How many columns at the right end are empty on every sniffed line, the first (header) line
     * included, as spreadsheets write them; at least one column is kept. 0 if the lines differ in
     * length (the row-length check reports that).
     */
    static int trailingEmpty(List<String[]> head) {
        int w = head.get(0).length;
        for (String[] f : head) if (f.length != w) return 0;
        int k = 0;
        outer:
        while (k < w - 1) {
            for (String[] f : head) if (!f[w - 1 - k].isEmpty()) break outer;
            k++;
        }
        return k;
    }

    /** sklearn files: the target is the last column unless the caller chose otherwise. */
    private static ReadOptions copyForSklearn(ReadOptions o) {
        if (!o.targetNames.isEmpty() || !o.targetIndices.isEmpty()) return o;
        ReadOptions c = copy(o);
        c.targetIndices.add(-1);
        return c;
    }

    private static ReadOptions copy(ReadOptions o) {
        return o.copy();
    }

    static boolean isSklearnHeader(List<String[]> fields) {
        if (fields.size() < 2) return false;
        String[] h = fields.get(0);
        if (h.length < 3 || !isCount(h[0]) || !isCount(h[1])) return false;
        if (h[1].length() > 7) return false;
        int nFeatures = Integer.parseInt(h[1]);
        if (fields.get(1).length != nFeatures + 1) return false;
        for (int j = 2; j < h.length; j++) if (h[j].isEmpty() || Numbers.isNumber(h[j])) return false;
        return true;
    }

    private static boolean isCount(String s) {
        if (s.isEmpty() || s.length() > 18) return false;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }

    /**
     * A first row is a header when some column holds a non-number there and only numbers below,
     * or when every first-row field is a non-number that never appears again in its column.
     */
    static boolean detectHeader(List<String[]> fields, Set<String> missing) {
        return detectHeader(fields, missing, '.');
    }

    /** NaN and infinity count as numbers here: a data row holding one is not a header. */
    static boolean detectHeader(List<String[]> fields, Set<String> missing, char point) {
        java.util.function.Predicate<String> num = f -> Numbers.isNumber(f, point) || Numbers.isNonFinite(f);
        String[] h = fields.get(0);
        if (fields.size() < 2) {   // a lone line of names is a header (of an empty table)
            for (String f : h) if (num.test(f) || missing.contains(f)) return false;
            return true;
        }
        int sample = Math.min(fields.size(), 200);
        boolean allText = true, noneRepeated = true;
        for (int j = 0; j < h.length; j++) {
            boolean text = !num.test(h[j]) && !missing.contains(h[j]);
            if (!text) allText = false;
            boolean belowNumeric = true, anyBelow = false;
            for (int r = 1; r < sample; r++) {
                String[] f = fields.get(r);
                if (j >= f.length || missing.contains(f[j])) continue;
                anyBelow = true;
                if (!num.test(f[j])) belowNumeric = false;
                if (f[j].equals(h[j])) noneRepeated = false;
            }
            if (text && anyBelow && belowNumeric) return true;
        }
        return allText && noneRepeated;
    }

    /**
     * The delimiter among , ; tab | that occurs (outside quotes) on every one of the first 50
     * non-blank lines; if several do, the one giving the same field count on every line after the
     * first (then the earlier in that list); whitespace if none.
     */
    static char detectDelimiter(List<String> lines) {
        char[] cands = {',', ';', '\t', '|'};
        int n = Math.min(lines.size(), 50);
        // ';' on every line with ',' only between digits: a spreadsheet's decimal comma, not a delimiter
        if (constantOn(lines, n, ';') && decimalCommasOnly(lines, n)) return ';';
        char fallback = 0;
        for (char c : cands) {
            boolean everywhere = true;
            int count = -1;
            boolean constant = true;
            for (int i = 0; i < n && everywhere; i++) {
                int k = countOutsideQuotes(lines.get(i), c);
                if (k == 0) everywhere = false;
                if (i >= 1) {
                    if (count >= 0 && k != count) constant = false;
                    count = k;
                }
            }
            if (!everywhere) continue;
            if (constant) return c;
            if (fallback == 0) fallback = c;
        }
        return fallback != 0 ? fallback : ReadOptions.WHITESPACE;
    }

    private static boolean constantOn(List<String> lines, int n, char c) {
        int count = -1;
        for (int i = 0; i < n; i++) {
            int k = countOutsideQuotes(lines.get(i), c);
            if (k == 0) return false;
            if (i >= 1) {
                if (count >= 0 && k != count) return false;
                count = k;
            }
        }
        return true;
    }

    /** True if some line has a ',' and every ',' stands between two digits ("1,5"). */
    private static boolean decimalCommasOnly(List<String> lines, int n) {
        boolean any = false;
        for (int i = 0; i < n; i++) {
            String s = lines.get(i);
            for (int p = s.indexOf(','); p >= 0; p = s.indexOf(',', p + 1)) {
                if (p == 0 || p == s.length() - 1 || !Character.isDigit(s.charAt(p - 1)) || !Character.isDigit(s.charAt(p + 1))) return false;
                any = true;
            }
        }
        return any;
    }

    private static int countOutsideQuotes(String s, char c) {
        boolean q = false;
        int k = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"') q = !q;
            else if (ch == c && !q) k++;
        }
        return k;
    }

    private static String describe(char d) {
        return switch (d) {
            case '\t' -> "tab";
            case ReadOptions.WHITESPACE -> "whitespace";
            default -> "'" + d + "'";
        };
    }

    /** Most fields accepted on one line. */
    static final int MAX_FIELDS = 1 << 20;

    /** Splits one line into fields (trimmed; quotes removed), or reports where the quoting is broken. */
    static String[] split(String line, char delim, String src, long lineNo) throws DataFormatException {
        List<String> out = new ArrayList<>();
        boolean ws = delim == ReadOptions.WHITESPACE;
        int n = line.length(), i = 0;
        if (ws) {
            while (i < n && isSpace(line.charAt(i))) i++;
        }
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (out.size() >= MAX_FIELDS) throw new DataFormatException(src, lineNo, MAX_FIELDS + 1, "more than " + MAX_FIELDS + " fields on one line");
            sb.setLength(0);
            while (i < n && line.charAt(i) != delim && isSpace(line.charAt(i))) i++;   // leading spaces
            if (i < n && line.charAt(i) == '"') {
                int open = i++;
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            sb.append('"');
                            i++;
                        } else {
                            closed = true;
                            break;
                        }
                    } else {
                        sb.append(c);
                    }
                }
                if (!closed) throw new DataFormatException(src, lineNo, out.size() + 1, "unterminated quoted field (opened at character " + (open + 1) + ")");
                while (i < n && line.charAt(i) != delim && isSpace(line.charAt(i))) i++;
                if (i < n && line.charAt(i) != delim && !(ws && isSpace(line.charAt(i)))) {
                    throw new DataFormatException(src, lineNo, out.size() + 1, "unexpected '" + line.charAt(i) + "' after a closing quote (expected a delimiter)");
                }
                out.add(sb.toString());
            } else {
                int s = i;
                if (ws) {
                    while (i < n && !isSpace(line.charAt(i))) {
                        if (line.charAt(i) == '"') throw new DataFormatException(src, lineNo, out.size() + 1, "a quote inside an unquoted field");
                        i++;
                    }
                } else {
                    while (i < n && line.charAt(i) != delim) {
                        if (line.charAt(i) == '"') throw new DataFormatException(src, lineNo, out.size() + 1, "a quote inside an unquoted field");
                        i++;
                    }
                }
                out.add(line.substring(s, i).strip());
            }
            if (ws) {
                while (i < n && isSpace(line.charAt(i))) i++;
                if (i >= n) break;
            } else {
                if (i >= n) break;
                i++;   // the delimiter
            }
        }
        return out.toArray(new String[0]);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
