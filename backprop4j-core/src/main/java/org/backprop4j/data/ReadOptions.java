package org.backprop4j.data;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Options for the text readers ({@link CsvReader}, {@link ArffReader}, {@link LibsvmReader}).
 * Fluent and mutable; every setting has a default that suits the shared data files:
 * delimiter and header auto-detected, target = last column, missing values rejected.
 */
public final class ReadOptions {
    /** The delimiter value meaning "runs of spaces and tabs". */
    public static final char WHITESPACE = ' ';

    Character delimiter;          // null = auto
    Boolean header;               // null = auto
    Boolean sklearnHeader;        // null = auto
    final List<String> targetNames = new ArrayList<>();
    final List<Integer> targetIndices = new ArrayList<>();
    Boolean classTarget;          // null = auto (nominal/categorical -> classes, numeric -> regression)
    final Set<String> categoricalNames = new LinkedHashSet<>();
    final Set<Integer> categoricalIndices = new LinkedHashSet<>();
    final Set<String> ignoreNames = new LinkedHashSet<>();
    final Set<Integer> ignoreIndices = new LinkedHashSet<>();
    Set<String> missingMarkers = Set.of("", "?");
    MissingValues missing = MissingValues.REJECT;
    Schema schema;
    int features;                 // LIBSVM: 0 = max index seen
    int maxCategories = 1000;
    java.nio.charset.Charset charset;                          // null = auto (UTF-8, UTF-16 by BOM, Latin-1 sniffed)
    java.util.function.Consumer<ReadNotice> notices = n -> { };
    boolean commandLine;          // messages name the CLI's options instead of these methods
    // parsed cells beyond this go to a temporary file, not the heap: 64 MB, or an eighth of a small heap
    long spillBytes = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8);
    java.nio.file.Path spillDir;  // null = java.io.tmpdir
    int chunkFloats = Cells.CHUNK_FLOATS;   // tests: small chunks
    DataCache.Target cacheTarget;           // set by DataCache: the encoded data may go to a cache file instead of the heap

    public static ReadOptions defaults() {
        return new ReadOptions();
    }

    /** CSV: the field delimiter (',', ';', '\t', or {@link #WHITESPACE}); default auto-detected. */
    public ReadOptions delimiter(char c) {
        if (c != ',' && c != ';' && c != '\t' && c != WHITESPACE && c != '|') {
            throw new IllegalArgumentException("delimiter must be ',', ';', '|', tab or whitespace, not '" + c + "'");
        }
        this.delimiter = c;
        return this;
    }

    /** CSV: whether the first line is a header of column names; default auto-detected. */
    public ReadOptions header(boolean h) {
        this.header = h;
        return this;
    }

    /**
     * CSV: whether the first line is scikit-learn's {@code n_samples,n_features,class names...}
     * line; default auto-detected.
     */
    public ReadOptions sklearnHeader(boolean s) {
        this.sklearnHeader = s;
        return this;
    }

    /** Target column(s) / class attribute by name (replaces any earlier choice). */
    public ReadOptions target(String... names) {
        targetNames.clear();
        targetIndices.clear();
        targetNames.addAll(List.of(names));
        return this;
    }

    /** Target column(s) by 0-based index; negative counts from the end (-1 = last, the default). */
    public ReadOptions targetIndex(int... indices) {
        targetNames.clear();
        targetIndices.clear();
        for (int i : indices) targetIndices.add(i);
        return this;
    }

    /**
     * Treat the target as classes (true: even a numeric column, e.g. digit codes 0–9) or as a
     * numeric regression target (false). Default: nominal/categorical targets are classes, numeric
     * ones regression.
     */
    public ReadOptions classTarget(boolean c) {
        this.classTarget = c;
        return this;
    }

    /** CSV: columns to treat as categorical even if their values look numeric. */
    public ReadOptions categorical(String... names) {
        categoricalNames.addAll(List.of(names));
        return this;
    }

    /** CSV: 0-based indices of columns to treat as categorical. */
    public ReadOptions categoricalIndex(int... indices) {
        for (int i : indices) categoricalIndices.add(i);
        return this;
    }

    /** CSV: columns to drop (e.g. an id column). */
    public ReadOptions ignore(String... names) {
        ignoreNames.addAll(List.of(names));
        return this;
    }

    /** CSV: 0-based indices of columns to drop. */
    public ReadOptions ignoreIndex(int... indices) {
        for (int i : indices) ignoreIndices.add(i);
        return this;
    }

    /** CSV: the texts that mean "missing" (default: the empty field and "?"). ARFF always uses "?". */
    public ReadOptions missingMarkers(String... markers) {
        this.missingMarkers = Set.of(markers);
        return this;
    }

    /** Missing-value policy (default {@link MissingValues#REJECT}). */
    public ReadOptions missing(MissingValues policy) {
        this.missing = policy;
        return this;
    }

    /**
     * Encode the file exactly as this schema says (e.g. the training schema stored with a model):
     * same input attributes in the same order, nominal values mapped to the schema's indices, an
     * unknown value is an error.
     */
    public ReadOptions schema(Schema s) {
        this.schema = s;
        return this;
    }

    /**
     * CSV: the most distinct values an inferred categorical input may have (default 1000); more is
     * reported as an error suggesting {@link #ignore(String...)} — usually an identifier column,
     * whose one-hot encoding would be huge and useless. Declared (ARFF) nominals are exempt.
     */
    public ReadOptions maxCategories(int n) {
        if (n < 2) throw new IllegalArgumentException("maxCategories must be at least 2: " + n);
        this.maxCategories = n;
        return this;
    }

    /** LIBSVM: the number of features (indices beyond it are errors); default = largest index seen. */
    public ReadOptions features(int n) {
        if (n < 1) throw new IllegalArgumentException("features must be positive: " + n);
        this.features = n;
        return this;
    }

    /**
     * The text encoding. Default (null): UTF-8, or UTF-16 when the file starts with its
     * byte-order mark, or Latin-1 (ISO-8859-1) when the first 64 KB are not UTF-8 but are Latin-1
     * text; either case is announced as a {@link ReadNotice.Kind#ENCODING} notice.
     */
    public ReadOptions encoding(java.nio.charset.Charset cs) {
        this.charset = cs;
        return this;
    }

    /** Receives every {@link ReadNotice} (the task chosen and why, dropped columns, encoding). */
    public ReadOptions onNotice(java.util.function.Consumer<ReadNotice> sink) {
        this.notices = java.util.Objects.requireNonNull(sink);
        return this;
    }

    /**
     * Error messages and notices name the command line's options ({@code --missing impute},
     * {@code --regression}) rather than these methods; for the backprop4j CLI.
     */
    public ReadOptions commandLineHints(boolean b) {
        this.commandLine = b;
        return this;
    }

    /** The fix phrased for the caller: the CLI option or the library method. */
    String hint(String cli, String library) {
        return commandLine ? cli : library;
    }

    /**
     * Where a reader puts the parsed cells of a large file while it reads (a temporary file,
     * deleted at once; default: {@code java.io.tmpdir}). It needs about 4 bytes per cell.
     */
    public ReadOptions spillDirectory(java.nio.file.Path dir) {
        this.spillDir = dir;
        return this;
    }

    /** A copy of every setting (the sets and lists copied, the schema and notice sink shared). */
    ReadOptions copy() {
        ReadOptions c = new ReadOptions();
        c.delimiter = delimiter;
        c.header = header;
        c.sklearnHeader = sklearnHeader;
        c.targetNames.addAll(targetNames);
        c.targetIndices.addAll(targetIndices);
        c.features = features;
        c.maxCategories = maxCategories;
        c.classTarget = classTarget;
        c.categoricalNames.addAll(categoricalNames);
        c.categoricalIndices.addAll(categoricalIndices);
        c.ignoreNames.addAll(ignoreNames);
        c.ignoreIndices.addAll(ignoreIndices);
        c.missingMarkers = missingMarkers;
        c.missing = missing;
        c.schema = schema;
        c.charset = charset;
        c.notices = notices;
        c.commandLine = commandLine;
        c.spillBytes = spillBytes;
        c.spillDir = spillDir;
        c.chunkFloats = chunkFloats;
        c.cacheTarget = cacheTarget;
        return c;
    }

    /**
     * Every setting that changes what a reader makes of a file (values, columns, task, the
     * notices' wording), in a fixed form: a cache of the parsed data is only used by a read with
     * the same settings ({@link DataCache}).
     */
    String cacheKey() {
        StringBuilder b = new StringBuilder();
        b.append("delimiter=").append(delimiter == null ? "auto" : Integer.toString(delimiter));
        b.append(";header=").append(header).append(";sklearn=").append(sklearnHeader);
        b.append(";target=").append(targetNames).append(targetIndices);
        b.append(";classTarget=").append(classTarget);
        b.append(";categorical=").append(categoricalNames).append(categoricalIndices);
        b.append(";ignore=").append(ignoreNames).append(ignoreIndices);
        b.append(";missingMarkers=").append(new java.util.TreeSet<>(missingMarkers)).append(";missing=").append(missing);
        b.append(";schema=").append(schema == null ? "none" : schema.toMap());
        b.append(";features=").append(features).append(";maxCategories=").append(maxCategories);
        b.append(";charset=").append(charset == null ? "auto" : charset.name());
        b.append(";commandLine=").append(commandLine);
        return b.toString();
    }
}
