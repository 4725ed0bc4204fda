package org.backprop4j.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns text rows (CSV, ARFF), streamed one at a time, into a {@link DataSet}: chooses target and
 * input columns, decides or checks each column's attribute, one-hot encodes nominal inputs and
 * class targets, and reports every bad cell with file, line and column as soon as it is read.
 * Rows are kept compactly (one float per used cell: the number, or the nominal value's id; NaN for
 * a missing value) until {@link #finish()} knows every column's values.
 */
final class Encoder implements AutoCloseable {

    /**
     * INFER: type not declared; every value is kept (numbers as themselves, texts as ids) and the
     * column's type is decided in {@link #finish()} from all of them: all numbers → numeric, all
     * texts → categorical, both → an error naming the odd value out.
     */
    private enum Kind { INFER, NUMERIC, FIXED, GROW, NUMBER_CLASSES }

    /** At most this many distinct integer values make a numeric target classes by default. */
    static final int MAX_INFERRED_CLASSES = 20;

    /** How tokens of a FIXED nominal column map to value indices. */
    private enum Lookup { BY_NAME, BY_CODE }

    private static final int MAX_CATEGORIES = 1 << 20;     // ids are stored exactly in a float up to 2^24
    private static final int MAX_NUMBER_CLASSES = 10_000;

    private static final class Col {
        final int file;            // 0-based index in the row
        final String name;
        final boolean target;
        Kind kind = Kind.INFER;
        Attribute attr;            // FIXED: known now; others: set in finish()
        Lookup lookup = Lookup.BY_NAME;
        Map<String, Integer> byName;
        List<String> grown;        // GROW: values in order of first appearance
        Map<Double, Integer> byNumber;
        List<Double> grownNumbers; // NUMBER_CLASSES
        int[] remap;               // id -> index in the final (sorted) value list
        // INFER: how many numbers and texts, where each kind first occurred (to name the odd one out)
        long nNum, nText, firstNumLine, firstTextLine;
        String firstNum, firstText;
        boolean allIntegers = true, manyNumbers;   // targets: integer values, more distinct ones than tracked
        Map<Float, Integer> numberIds;             // INFER target: stored value -> id in grownNumbers
        boolean numbersInCells;                    // NUMBER_CLASSES decided in finish(): the cells hold values, not ids

        Col(int file, String name, boolean target) {
            this.file = file;
            this.name = name;
            this.target = target;
        }
    }

    private final String src;
    private final long headerLine;
    private final Set<String> missingMarks;
    private final ReadOptions o;
    private final Col[] cols;      // inputs, then targets
    private final int nIn;         // number of input columns among cols
    private final Schema given;
    private final boolean inputsOnly;
    private char point = '.';
    private Cells cells;
    private int rows;
    private long lastLine;

    /**
     * @param src           file name for messages
     * @param headerLine    line number of the header (names), 0 if none
     * @param names         one name per column (from the header, or generated x1, x2, ...)
     * @param namesFromFile true if the names came from the file (so a schema's names are checked)
     * @param declared      per column, a declared attribute (ARFF) or null (infer from the values)
     * @param missingMarks  tokens meaning "missing"
     * @param sklearnClasses class names from scikit-learn's first line (target holds codes), or null
     */
    Encoder(String src, long headerLine, List<String> names, boolean namesFromFile, Attribute[] declared, Set<String> missingMarks,
            ReadOptions o, List<String> sklearnClasses) throws DataFormatException {
        this(src, headerLine, names, namesFromFile, declared, missingMarks, o, sklearnClasses, false);
    }

    /**
     * @param inputsOnly encode only the inputs of {@code o.schema} (required): target columns, if the
     *                   file has them, are skipped unread (prediction data)
     */
    Encoder(String src, long headerLine, List<String> names, boolean namesFromFile, Attribute[] declared, Set<String> missingMarks,
            ReadOptions o, List<String> sklearnClasses, boolean inputsOnly) throws DataFormatException {
        this.inputsOnly = inputsOnly;
        if (inputsOnly && o.schema == null) throw new IllegalArgumentException("reading inputs only needs the training schema (ReadOptions.schema)");
        this.src = src;
        this.headerLine = headerLine;
        this.missingMarks = missingMarks;
        this.o = o;
        this.given = o.schema;
        int ncol = names.size();
        Set<Integer> ignored = columnSet(names, o.ignoreNames, o.ignoreIndices, "ignore");
        List<Integer> targets;
        if (inputsOnly) {
            List<Attribute> st = o.schema.targets();
            List<Integer> skip = new ArrayList<>();
            if (namesFromFile) {
                for (Attribute a : st) if (names.contains(a.name())) skip.add(names.indexOf(a.name()));
            } else if (ncol - ignored.size() == o.schema.inputs().size() + st.size()) {
                for (int k = 0; k < st.size(); k++) skip.add(ncol - st.size() + k);
            }
            ignored.addAll(skip);
            targets = List.of();
        } else {
            targets = targetColumns(names, namesFromFile);
        }
        Set<Integer> categorical = columnSet(names, o.categoricalNames, o.categoricalIndices, "categorical");
        for (int t : targets) {
            if (ignored.contains(t)) throw new DataFormatException(src, headerLine, t + 1, "column '" + names.get(t) + "' is both the target and ignored");
        }
        List<Col> in = new ArrayList<>();
        for (int c = 0; c < ncol; c++) if (!targets.contains(c) && !ignored.contains(c)) in.add(new Col(c, names.get(c), false));
        if (in.isEmpty()) throw new DataFormatException(src, headerLine, 0, "no input columns left (" + ncol + " columns, " + targets.size() + " target(s))");
        List<Col> out = new ArrayList<>();
        for (int t : targets) out.add(new Col(t, names.get(t), true));
        nIn = in.size();
        List<Col> all = new ArrayList<>(in);
        all.addAll(out);
        cols = all.toArray(new Col[0]);
        cells = new Cells(cols.length, o.spillBytes, o.spillDir, o.chunkFloats);

        if (given != null) {
            if (given.inputs().size() != in.size() || (!inputsOnly && given.targets().size() != out.size())) {
                throw new DataFormatException(src, headerLine, 0, "the file has " + in.size() + " input and " + out.size()
                        + " target columns; the schema expects " + given.inputs().size() + " and " + given.targets().size());
            }
            for (int i = 0; i < cols.length; i++) {
                Col c = cols[i];
                Attribute a = i < nIn ? given.inputs().get(i) : given.targets().get(i - nIn);
                if (namesFromFile && !c.name.equals(a.name())) {
                    throw new DataFormatException(src, headerLine, c.file + 1, "column '" + c.name + "' where the schema expects '" + a.name() + "'");
                }
                if (c.target && sklearnClasses != null && (!a.isNominal() || !a.values().equals(sklearnClasses))) {
                    throw new DataFormatException(src, headerLine, 0, "the file's classes " + sklearnClasses + " differ from the schema's " + a.values());
                }
                fix(c, a);
                if (c.target && sklearnClasses != null) c.lookup = Lookup.BY_CODE;
            }
            return;
        }
        for (Col c : cols) {
            if (c.target && sklearnClasses != null) {
                if (Boolean.FALSE.equals(o.classTarget)) {
                    c.kind = Kind.NUMERIC;   // regression on the codes, if asked
                } else {
                    fix(c, Attribute.nominal(c.name, sklearnClasses));
                    c.lookup = Lookup.BY_CODE;
                }
                continue;
            }
            Attribute dec = declared == null ? null : declared[c.file];
            if (dec != null) {
                if (c.target && dec.isNominal() && Boolean.FALSE.equals(o.classTarget)) {
                    throw new DataFormatException(src, 0, c.file + 1, "the target '" + c.name + "' is nominal; it cannot be a regression target");
                }
                if (c.target && !dec.isNominal() && Boolean.TRUE.equals(o.classTarget)) startNumberClasses(c);
                else if (dec.isNominal()) fix(c, dec);
                else c.kind = Kind.NUMERIC;
                continue;
            }
            if (categorical.contains(c.file)) startGrow(c);
            else startInfer(c);
        }
    }

    /** Numbers may be written with a decimal comma ("1,5"): for files whose delimiter is not ','. */
    void decimalComma(boolean b) {
        point = b ? ',' : '.';
    }

    private void startInfer(Col c) {
        c.kind = Kind.INFER;
        c.byName = new HashMap<>();
        c.grown = new ArrayList<>();
        if (c.target) {
            c.byNumber = new HashMap<>();
            c.grownNumbers = new ArrayList<>();
            c.numberIds = new HashMap<>();
        }
    }

    private static void fix(Col c, Attribute a) {
        c.attr = a;
        if (a.isNominal()) {
            c.kind = Kind.FIXED;
            c.byName = a.index();
        } else {
            c.kind = Kind.NUMERIC;
        }
    }

    private static void startGrow(Col c) {
        c.kind = Kind.GROW;
        c.byName = new HashMap<>();
        c.grown = new ArrayList<>();
    }

    private static void startNumberClasses(Col c) {
        c.kind = Kind.NUMBER_CLASSES;
        c.byNumber = new HashMap<>();
        c.grownNumbers = new ArrayList<>();
    }

    /** Adds one row; {@code f} has one field per column of the file. */
    void add(String[] f, long line) throws IOException {
        int w = cols.length;
        if (o.cacheTarget == null ? (long) (rows + 1) * nIn > Integer.MAX_VALUE - 8 : rows >= Integer.MAX_VALUE - 8) {
            throw new DataFormatException(src, line, 0, o.cacheTarget == null ? "too much data for one array (" + rows + " rows × " + nIn + " inputs)"
                    : "more than " + (Integer.MAX_VALUE - 8) + " rows");
        }
        float[] buf = cells.begin();
        int off = cells.offset();
        for (int i = 0; i < w; i++) {
            Col c = cols[i];
            String tok = f[c.file];
            if (missingMarks.contains(tok)) {
                if (c.target) throw new DataFormatException(src, line, c.file + 1, "missing " + (c.kind == Kind.FIXED ? "class" : "target")
                        + " value (a target cannot be imputed)");
                if (o.missing == MissingValues.REJECT) {
                    throw new DataFormatException(src, line, c.file + 1, "missing value for '" + c.name + "' (" + (tok.isEmpty() ? "empty field" : "\"" + Numbers.clip(tok) + "\"")
                            + "): " + o.hint("use --missing impute to fill it with the training mean / most frequent value",
                                    "read with missing(MissingValues.KEEP) and fit a Pipeline to impute the training mean / most frequent value"));
                }
                buf[off + i] = Float.NaN;
                continue;
            }
            buf[off + i] = switch (c.kind) {
                case INFER -> infer(c, tok, line);
                case NUMERIC -> (float) Numbers.parse(tok, point, src, line, c.file + 1);
                case FIXED -> fixedIndex(c, tok, line);
                case GROW -> {
                    Integer id = c.byName.get(tok);
                    if (id == null) id = newText(c, tok, line);
                    yield id;
                }
                case NUMBER_CLASSES -> {
                    double v = Numbers.parse(tok, point, src, line, c.file + 1);
                    Integer id = c.byNumber.get(v);
                    if (id == null) {
                        if (c.grownNumbers.size() >= MAX_NUMBER_CLASSES) {
                            throw new DataFormatException(src, line, c.file + 1, "more than " + MAX_NUMBER_CLASSES + " distinct class values in '" + c.name + "': a regression target?");
                        }
                        id = c.grownNumbers.size();
                        c.byNumber.put(v, id);
                        c.grownNumbers.add(v);
                    }
                    yield id;
                }
            };
        }
        cells.commit();
        rows++;
        lastLine = line;
    }

    int rows() {
        return rows;
    }

    /** A new distinct text of a categorical column (NaN and infinity are refused here too). */
    private int newText(Col c, String tok, long line) throws DataFormatException {
        if (Numbers.isNonFinite(tok)) throw Numbers.nonFinite(tok, src, line, c.file + 1);
        if (c.grown.size() >= MAX_CATEGORIES) {
            throw new DataFormatException(src, line, c.file + 1, "more than " + MAX_CATEGORIES + " distinct values in '" + c.name + "'");
        }
        int id = c.grown.size();
        c.byName.put(tok, id);
        c.grown.add(tok);
        return id;
    }

    /** A value of a column whose type is not known yet: a number is kept as it is, a text as its id. */
    private float infer(Col c, String tok, long line) throws DataFormatException {
        if (Numbers.isNumber(tok, point)) {
            double v = Numbers.parse(tok, point, src, line, c.file + 1);
            if (c.nNum++ == 0) {
                c.firstNumLine = line;
                c.firstNum = tok;
            }
            float f = (float) v;
            if (c.target) {
                if (v != Math.rint(v)) c.allIntegers = false;
                if (!c.manyNumbers && !c.numberIds.containsKey(f)) {
                    int limit = Boolean.TRUE.equals(o.classTarget) ? MAX_NUMBER_CLASSES : MAX_INFERRED_CLASSES;
                    if (c.grownNumbers.size() >= limit) {
                        if (Boolean.TRUE.equals(o.classTarget)) {
                            throw new DataFormatException(src, line, c.file + 1, "more than " + MAX_NUMBER_CLASSES + " distinct class values in '" + c.name + "': a regression target?");
                        }
                        c.manyNumbers = true;
                    } else {
                        c.numberIds.put(f, c.grownNumbers.size());
                        c.byNumber.put(v, c.grownNumbers.size());
                        c.grownNumbers.add(v);
                    }
                }
            }
            return f;
        }
        if (c.nText++ == 0) {
            c.firstTextLine = line;
            c.firstText = tok;
        }
        Integer id = c.byName.get(tok);
        return id != null ? id : newText(c, tok, line);
    }

    /**
     * Decides the type of an INFER column from all its values; a column holding both numbers and
     * texts is an error at the first value of the rarer kind.
     */
    private void resolve(Col c) throws DataFormatException {
        if (c.nNum == 0 && c.nText == 0) throw new DataFormatException(src, 0, c.file + 1, "column '" + c.name + "' has no values (all missing)");
        if (c.nNum > 0 && c.nText > 0) {
            if (c.nNum >= c.nText) {
                throw new DataFormatException(src, c.firstTextLine, c.file + 1, "expected a number, found \"" + Numbers.clip(c.firstText) + "\" ("
                        + c.nNum + " values of '" + c.name + "' are numbers, " + c.nText + (c.nText == 1 ? " is" : " are") + " not; write ? for a missing value, or "
                        + o.hint("--categorical " + c.name, "categorical(\"" + c.name + "\")") + " to treat every value as a name)");
            }
            throw new DataFormatException(src, c.firstNumLine, c.file + 1, "found the number \"" + Numbers.clip(c.firstNum) + "\" in '" + c.name
                    + "', whose other values are text (" + c.nText + " texts, " + c.nNum + (c.nNum == 1 ? " number" : " numbers") + "): fix the value, or use "
                    + o.hint("--categorical " + c.name, "categorical(\"" + c.name + "\")") + " to treat every value as a name");
        }
        if (c.nText > 0) {
            if (c.target && Boolean.FALSE.equals(o.classTarget)) {
                throw new DataFormatException(src, c.firstTextLine, c.file + 1, "expected a number for the regression target '" + c.name
                        + "', found \"" + Numbers.clip(c.firstText) + "\"");
            }
            c.kind = Kind.GROW;
            return;
        }
        int k = c.target ? c.grownNumbers.size() : 0;
        boolean classes = c.target && (Boolean.TRUE.equals(o.classTarget)
                || (o.classTarget == null && cols.length - nIn == 1 && c.allIntegers && !c.manyNumbers && k >= 2 && k <= MAX_INFERRED_CLASSES && 2L * k <= rows));
        if (!classes) {
            c.kind = Kind.NUMERIC;
            return;
        }
        c.numbersInCells = true;   // the stored cells hold the values; encode() maps them to ids of grownNumbers
        c.kind = Kind.NUMBER_CLASSES;
    }

    /** The one-line account of the task (classes or regression) and how to get the other. */
    private String taskReason() {
        Col t = cols[nIn];
        int nt = cols.length - nIn;
        String useClasses = o.hint("use --classes to treat the values as class labels", "use classTarget(true) to treat the values as class labels");
        String useRegression = o.hint("use --regression to fit them as numbers", "use classTarget(false) to fit them as numbers");
        if (nt > 1) {
            StringBuilder names = new StringBuilder();
            for (int i = nIn; i < cols.length; i++) names.append(i > nIn ? ", '" : "'").append(cols[i].name).append('\'');
            return "targets " + names + ": " + nt + " numeric columns → regression with " + nt + " outputs";
        }
        String head = "target '" + t.name + "': ";
        return switch (t.kind) {
            case NUMERIC -> {
                if (Boolean.FALSE.equals(o.classTarget)) yield head + "numbers, regression as asked";
                if (t.numberIds == null) yield head + "numeric attribute → regression; " + useClasses;
                String what = !t.allIntegers ? "non-integer numbers" : t.manyNumbers ? "more than " + MAX_INFERRED_CLASSES + " distinct integers"
                        : t.grownNumbers.size() + " distinct integer" + (t.grownNumbers.size() == 1 ? "" : "s") + " in " + rows + " rows";
                yield head + what + " → regression; " + useClasses;
            }
            case NUMBER_CLASSES -> Boolean.TRUE.equals(o.classTarget) ? head + t.grownNumbers.size() + " numeric values, classes as asked"
                    : head + t.grownNumbers.size() + " integer values → classification; " + useRegression;
            case GROW -> head + t.grown.size() + " text values → classification";
            case FIXED -> t.lookup == Lookup.BY_CODE ? head + t.attr.values().size() + " classes named on the first line → classification"
                    : head + "nominal attribute with " + t.attr.values().size() + " values → classification";
            case INFER -> throw new IllegalStateException();
        };
    }

    private int fixedIndex(Col c, String tok, long line) throws DataFormatException {
        List<String> vals = c.attr.values();
        if (c.lookup == Lookup.BY_CODE) {
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
        Integer i = c.byName.get(tok);
        if (i == null && Numbers.isNumber(tok)) i = c.byName.get(canonical(Double.parseDouble(tok)));   // "1.0" for a class named "1"
        if (i != null) return i;
        throw new DataFormatException(src, line, c.file + 1, "unknown value \"" + Numbers.clip(tok) + "\" for nominal attribute '" + c.attr.name()
                + "' (expected one of " + abbreviate(vals) + ")");
    }

    /** The encoded inputs of all rows added (inputs-only mode), row-major rows × schema.encodedInputs(). */
    float[] finishInputs() throws DataFormatException {
        if (!inputsOnly) throw new IllegalStateException("not in inputs-only mode");
        return finish().x();
    }

    /** The data set of all rows added. */
    DataSet finish() throws DataFormatException {
        Schema schema = prepare();
        if (inputsOnly) {   // targets absent: a placeholder column of zeros, never exposed
            float[] x = encode(schema.encodedInputs(), 0, false)[0];
            return new DataSet(x, new float[rows], schema.encodedInputs(), 1, null, schema.encodedInputNames());
        }
        int nx = schema.encodedInputs(), nd = schema.encodedOutputs();
        float[][] xd = encode(nx, nd, schema.isClassification());
        return new DataSet(xd[0], xd[1], nx, nd, schema.classNames(), schema.encodedInputNames(), schema);
    }

    /**
     * The data of all rows added: on the heap ({@link #finish()}), or, when the options carry a
     * {@link DataCache.Target} that wants data of this size, written to its cache file a chunk of
     * rows at a time and returned mapped from there (no full-size array is made).
     */
    Examples finishExamples() throws IOException {
        DataCache.Target t = o.cacheTarget;
        if (t == null || inputsOnly) return finish();
        Schema schema = prepare();
        int nx = schema.encodedInputs(), nd = schema.encodedOutputs();
        boolean cls = schema.isClassification();
        checkExpansion(nx);
        if (!t.wants(rows, nx, nd)) {
            float[][] xd = encode(nx, nd, cls);
            return new DataSet(xd[0], xd[1], nx, nd, schema.classNames(), schema.encodedInputNames(), schema);
        }
        try {
            return t.write(rows, nx, nd, schema, sink -> encodeChunks(nx, nd, cls, sink));
        } finally {
            close();
        }
    }

    /** Every column's type decided and its values sorted; the schema of the data (the given one, or one made now). */
    private Schema prepare() throws DataFormatException {
        if (rows == 0) throw new DataFormatException(src, headerLine, 0, "no data rows" + (headerLine > 0 ? " after the header" : "") + " (empty file)");
        for (Col c : cols) if (c.kind == Kind.INFER) resolve(c);
        for (Col c : cols) {
            switch (c.kind) {
                case INFER -> throw new IllegalStateException();
                case NUMERIC -> c.attr = Attribute.numeric(c.name);
                case FIXED -> { }
                case GROW -> {
                    if (!c.target && c.grown.size() > o.maxCategories) {
                        throw new DataFormatException(src, headerLine, c.file + 1, "column '" + c.name + "' has " + c.grown.size()
                                + " distinct text values (more than " + o.maxCategories + "): an identifier? ignore it with ignore(\"" + c.name
                                + "\") or raise maxCategories");
                    }
                    String[] sorted = c.grown.toArray(new String[0]);
                    Arrays.sort(sorted);
                    Map<String, Integer> pos = new HashMap<>();
                    for (int i = 0; i < sorted.length; i++) pos.put(sorted[i], i);
                    c.remap = new int[sorted.length];
                    for (int id = 0; id < sorted.length; id++) c.remap[id] = pos.get(c.grown.get(id));
                    c.attr = Attribute.nominal(c.name, List.of(sorted));
                }
                case NUMBER_CLASSES -> {
                    Double[] sorted = c.grownNumbers.toArray(new Double[0]);
                    Arrays.sort(sorted);
                    if (sorted.length < 2) throw new DataFormatException(src, 0, c.file + 1, "the class column '" + c.name + "' has fewer than two distinct values");
                    Map<Double, Integer> pos = new HashMap<>();
                    List<String> names = new ArrayList<>();
                    for (int i = 0; i < sorted.length; i++) {
                        pos.put(sorted[i], i);
                        names.add(canonical(sorted[i]));
                    }
                    c.remap = new int[sorted.length];
                    for (int id = 0; id < sorted.length; id++) c.remap[id] = pos.get(c.grownNumbers.get(id));
                    if (new LinkedHashSet<>(names).size() != names.size()) throw new DataFormatException(src, 0, c.file + 1, "class values of '" + c.name + "' collide when named");
                    c.attr = Attribute.nominal(c.name, names);
                }
            }
        }
        Schema schema = given;
        if (given == null && !inputsOnly) o.notices.accept(new ReadNotice(ReadNotice.Kind.TASK, src, taskReason()));
        if (inputsOnly) return schema;
        if (schema == null) {
            List<Attribute> ins = new ArrayList<>(), outs = new ArrayList<>();
            for (int i = 0; i < cols.length; i++) (i < nIn ? ins : outs).add(cols[i].attr);
            try {
                schema = new Schema(ins, outs);
            } catch (IllegalArgumentException e) {
                throw new DataFormatException(src, headerLine, 0, e.getMessage());
            }
        }
        return schema;
    }

    /** Beyond this many floats, a one-hot expansion of more than {@link #MAX_EXPANSION}× is refused. */
    static final long EXPANSION_FLOOR = 1L << 26;
    static final int MAX_EXPANSION = 64;

    /**
     * The final arrays, {x (rows × nx), d (rows × nd)}, filled in one pass over the stored cells,
     * which are released as they go: nothing else of full size is held.
     */
    private float[][] encode(int nx, int nd, boolean cls) throws DataFormatException {
        if ((long) rows * nx > Integer.MAX_VALUE - 8) throw new DataFormatException(src, 0, 0, "too much data for one array: " + rows + " rows × " + nx + " inputs");
        checkExpansion(nx);
        float[] x = new float[rows * nx];
        float[] d = new float[rows * nd];
        int w = cols.length;
        int[] width = widths();
        boolean[] nominal = nominals();
        try {
            cells.forEach((buf, first, n) -> {
                for (int q = 0; q < n; q++) encodeRow(buf, q * w, x, (first + q) * nx, d, (first + q) * nd, nd, cls, width, nominal);
            });
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        close();
        return new float[][] {x, d};
    }

    /** A few nominal attributes declared with huge value lists would blow a small file up to gigabytes. */
    private void checkExpansion(int nx) throws DataFormatException {
        if ((long) rows * nx > EXPANSION_FLOOR && nx > (long) MAX_EXPANSION * nIn) {
            throw new DataFormatException(src, headerLine, 0, "one-hot encoding would expand " + nIn + " input attributes to " + nx + " columns ("
                    + rows + " rows, " + ((long) rows * nx * 4 >> 20) + " MB): too many nominal values");
        }
    }

    /** The encoded width of each input attribute (1, or its one-hot width). */
    private int[] widths() {
        int[] width = new int[nIn];
        for (int i = 0; i < nIn; i++) width[i] = cols[i].attr.width();
        return width;
    }

    /** Whether each input attribute is nominal (one-hot). */
    private boolean[] nominals() {
        boolean[] nominal = new boolean[nIn];
        for (int i = 0; i < nIn; i++) nominal[i] = cols[i].attr.isNominal();
        return nominal;
    }

    /** Receives encoded rows, a block at a time: {@code n} rows of x and d from offset 0. */
    interface EncodedRows {
        void accept(float[] x, float[] d, int n) throws IOException;
    }

    /** Where {@link #encodeChunks} sends its blocks ({@link DataCache.Target#write}). */
    interface EncodedSource {
        void writeTo(EncodedRows sink) throws IOException;
    }

    /**
     * The encoded rows in order, in blocks of at most about 4 MB of x (two reused arrays): the same
     * values {@link #encode} puts into its full-size arrays ({@link #encodeRow} either way). May be
     * called again (a second attempt elsewhere) until the cells are closed.
     */
    private void encodeChunks(int nx, int nd, boolean cls, EncodedRows sink) throws IOException {
        int w = cols.length;
        int[] width = widths();
        boolean[] nominal = nominals();
        int block = Math.max(1, Cells.CHUNK_FLOATS / Math.max(nx, nd));
        float[] x = new float[block * nx], d = new float[block * nd];
        cells.forEach((buf, first, n) -> {
            for (int q0 = 0; q0 < n; q0 += block) {
                int b = Math.min(block, n - q0);
                Arrays.fill(x, 0, b * nx, 0f);   // one-hot blocks and class rows set only their ones
                Arrays.fill(d, 0, b * nd, 0f);
                for (int q = 0; q < b; q++) encodeRow(buf, (q0 + q) * w, x, q * nx, d, q * nd, nd, cls, width, nominal);
                sink.accept(x, d, b);
            }
        });
    }

    /**
     * One stored row ({@code buf} from {@code in}) encoded: inputs to {@code x[off ..]} (numbers as
     * they are, a nominal value as its one-hot block, a missing one as NaNs), targets to
     * {@code d[dOff ..]} (a class as its one-hot row). x and d must hold zeros there.
     */
    private void encodeRow(float[] buf, int in, float[] x, int off, float[] d, int dOff, int nd, boolean cls, int[] width, boolean[] nominal) {
        for (int i = 0; i < nIn; i++) {
            float v = buf[in + i];
            if (!nominal[i]) {
                x[off] = v;
            } else if (Float.isNaN(v)) {
                Arrays.fill(x, off, off + width[i], Float.NaN);
            } else {
                Col c = cols[i];
                int id = (int) v;
                x[off + (c.remap != null ? c.remap[id] : id)] = 1f;
            }
            off += width[i];
        }
        if (nd == 0) return;
        if (cls) {
            Col c = cols[nIn];
            float v = buf[in + nIn];
            int id = c.numbersInCells ? c.numberIds.get(v) : (int) v;
            d[dOff + (c.remap != null ? c.remap[id] : id)] = 1f;
        } else {
            for (int k = 0; k < nd; k++) d[dOff + k] = buf[in + nIn + k];
        }
    }

    /** Releases the stored cells (and their temporary file, if any). */
    @Override
    public void close() {
        cells.close();
    }

    long lastLine() {
        return lastLine;
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

    private List<Integer> targetColumns(List<String> names, boolean namesFromFile) throws DataFormatException {
        int ncol = names.size();
        List<Integer> t = new ArrayList<>();
        if (!o.targetNames.isEmpty()) {
            for (String n : o.targetNames) t.add(lookup(names, n, "target"));
        } else if (!o.targetIndices.isEmpty()) {
            for (int i : o.targetIndices) t.add(index(ncol, i, "target"));
        } else if (o.schema != null) {
            List<Attribute> st = o.schema.targets();
            if (namesFromFile) {
                for (Attribute a : st) t.add(lookup(names, a.name(), "target"));
            } else {
                for (int k = 0; k < st.size(); k++) t.add(index(ncol, ncol - st.size() + k, "target"));
            }
        } else {
            t.add(ncol - 1);
        }
        if (new LinkedHashSet<>(t).size() != t.size()) throw new DataFormatException(src, headerLine, 0, "a target column is named twice");
        return t;
    }

    private Set<Integer> columnSet(List<String> names, Set<String> byName, Set<Integer> byIndex, String what) throws DataFormatException {
        Set<Integer> s = new LinkedHashSet<>();
        for (String n : byName) s.add(lookup(names, n, what));
        for (int i : byIndex) s.add(index(names.size(), i, what));
        return s;
    }

    private int lookup(List<String> names, String n, String what) throws DataFormatException {
        int i = names.indexOf(n);
        if (i < 0) throw new DataFormatException(src, headerLine, 0, "no column named '" + n + "' for the " + what + " (columns: " + abbreviate(names) + ")");
        return i;
    }

    private int index(int ncol, int i, String what) throws DataFormatException {
        int j = i < 0 ? ncol + i : i;
        if (j < 0 || j >= ncol) throw new DataFormatException(src, 0, 0, what + " column index " + i + " is out of range: the file has " + ncol + " columns");
        return j;
    }
}
