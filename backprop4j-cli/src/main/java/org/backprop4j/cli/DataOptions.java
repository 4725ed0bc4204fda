package org.backprop4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.backprop4j.data.DataCache;
import org.backprop4j.data.DataFiles;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Examples;
import org.backprop4j.data.IdxReader;
import org.backprop4j.data.MissingValues;
import org.backprop4j.data.ReadNotice;
import org.backprop4j.data.ReadOptions;
import org.backprop4j.data.Schema;
import picocli.CommandLine.Option;

/** How to read a data file (CSV, ARFF, LIBSVM, MONK; chosen by the file name). */
final class DataOptions {
    /** What a model decides (the task, the one-hot columns): not options of commands that read data with its schema. */
    static final String[] NOT_FOR_A_MODEL = {"--classes", "--regression", "--categorical"};
    /** ... and for prediction data, the target column, which is not read. */
    static final String[] NOT_FOR_INPUTS = {"--classes", "--regression", "--categorical", "--target"};

    @Option(names = "--target", paramLabel = "COLUMN",
            description = "Target column(s) by name or 0-based index (negative counts from the end); default: the last column.")
    String[] target;

    @Option(names = "--delimiter", paramLabel = "CHAR", description = "CSV delimiter: , ; tab | or whitespace (default: auto).")
    String delimiter;

    @Option(names = "--header", negatable = true, description = "Whether the CSV's first line names the columns (default: auto).")
    Boolean header;

    @Option(names = "--classes", description = "Treat a numeric target as class labels (classification).")
    boolean classes;

    @Option(names = "--regression", description = "Treat the target as numbers (regression).")
    boolean regression;

    @Option(names = "--categorical", split = ",", paramLabel = "COLUMN", description = "CSV columns to one-hot encode even if they look numeric.")
    String[] categorical;

    @Option(names = "--ignore", split = ",", paramLabel = "COLUMN", description = "Columns to drop (e.g. an id).")
    String[] ignore;

    @Option(names = "--labels", paramLabel = "IDX",
            description = "IDX labels file: DATA is then an IDX images file (MNIST / Fashion-MNIST, gzip or not).")
    Path labels;

    @Option(names = "--missing", paramLabel = "POLICY", defaultValue = "reject",
            description = "Missing values (? or empty): reject (default) or impute (training mean / most frequent value).")
    String missing;

    @Option(names = "--encoding", paramLabel = "CHARSET",
            description = "Text encoding of the data file, e.g. utf-8, latin1, utf-16 (default: UTF-8; UTF-16 by its byte-order mark and Latin-1 are detected and announced).")
    String encoding;

    /** What the reader inferred (task, dropped columns, encoding), in the order told. */
    final List<ReadNotice> notices = new ArrayList<>();

    ReadOptions toReadOptions() {
        ReadOptions o = ReadOptions.defaults().commandLineHints(true).onNotice(notices::add);
        if (encoding != null) {
            try {
                o.encoding(java.nio.charset.Charset.forName(encoding));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--encoding: unknown character set '" + encoding + "' (e.g. utf-8, latin1, utf-16, windows-1252)");
            }
        }
        if (target != null && target.length > 0) {
            boolean allIndices = true;
            for (String t : target) allIndices &= t.matches("-?\\d+");
            if (allIndices) {
                int[] idx = new int[target.length];
                for (int i = 0; i < idx.length; i++) idx[i] = Integer.parseInt(target[i]);
                o.targetIndex(idx);
            } else {
                o.target(target);
            }
        }
        if (delimiter != null) {
            String d = delimiter.toLowerCase(java.util.Locale.ROOT);
            o.delimiter(switch (d) {
                case "tab", "\\t" -> '\t';
                case "whitespace", "space", " " -> ReadOptions.WHITESPACE;
                default -> {
                    if (d.length() != 1) throw new IllegalArgumentException("--delimiter must be one character, tab or whitespace: '" + delimiter + "'");
                    yield d.charAt(0);
                }
            });
        }
        if (header != null) o.header(header);
        if (classes && regression) throw new IllegalArgumentException("--classes and --regression exclude each other");
        if (classes) o.classTarget(true);
        if (regression) o.classTarget(false);
        if (categorical != null) o.categorical(categorical);
        if (ignore != null) o.ignore(ignore);
        o.missing(switch (missing.toLowerCase(java.util.Locale.ROOT)) {
            case "reject" -> MissingValues.REJECT;
            case "impute", "keep" -> MissingValues.KEEP;
            default -> throw new IllegalArgumentException("--missing must be reject or impute, not '" + missing + "'");
        });
        return o;
    }

    DataSet read(Path file) throws IOException {
        try {
            return readWhole(file);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(file);
        }
    }

    /**
     * Reads the training data, on the heap or from a memory-mapped cache as {@code c} says
     * ({@link DataCache#read}); IDX files (--labels) are always read onto the heap.
     */
    Examples read(Path file, DataCache.Options c) throws IOException {
        try {
            if (labels != null && c.mode() == DataCache.Mode.ALWAYS) throw new IllegalArgumentException("--mapped reads CSV and ARFF files, not IDX images (--labels)");
            if (labels != null || c.mode() == DataCache.Mode.NEVER) return readWhole(file);
            return DataCache.read(file, toReadOptions(), c);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(file);
        }
    }

    /**
     * The one line for data that does not fit in the Java heap: the cause (file size against the
     * heap limit) and the option that helps (a larger -Xmx through the launcher's variable).
     */
    static Main.UserError outOfMemory(Path file) {
        long heapMb = Runtime.getRuntime().maxMemory() >> 20;
        String size;
        try {
            size = java.nio.file.Files.isRegularFile(file) ? (java.nio.file.Files.size(file) >> 20) + " MB" : "a stream";
        } catch (IOException e) {
            size = "size unknown";
        }
        long suggestGb = Math.max(1, (2 * heapMb + 1023) >> 10);
        return new Main.UserError("out of memory reading " + file + " (" + size + "): its values (4 bytes each, one-hot columns included) do not fit in "
                + "at most " + heapMb + " MB of heap; give Java more with BACKPROP4J_JAVA_OPTS=-Xmx<size> (e.g. -Xmx" + suggestGb + "g)");
    }

    private DataSet readWhole(Path file) throws IOException {
        if (labels != null) {
            DataSet ds = IdxReader.read(file, labels);
            notices.add(new ReadNotice(ReadNotice.Kind.TASK, file.toString(), "target: the IDX labels file, " + ds.outputs() + " classes → classification"));
            return ds;
        }
        return DataFiles.read(file, toReadOptions());
    }

    /**
     * Prints what the reader inferred: the task first, as the first line (nothing is guessed
     * silently), then any other notice.
     */
    void printNotices(PrintWriter out) {
        for (ReadNotice n : notices) if (n.kind() == ReadNotice.Kind.TASK) out.println(n.message());
        for (ReadNotice n : notices) if (n.kind() != ReadNotice.Kind.TASK) out.println("  note: " + n.message());
    }

    /** The notices other than the task, as warnings on the error stream (commands whose output is data). */
    void warnNotices(PrintWriter err) {
        for (ReadNotice n : notices) if (n.kind() != ReadNotice.Kind.TASK) err.println("backprop4j: note: " + n);
    }

    /** Reads a file encoded like the training data (the model's schema). */
    DataSet read(Path file, Schema schema) throws IOException {
        try {
            if (labels != null) return IdxReader.read(file, labels);
            ReadOptions o = toReadOptions();
            if (schema != null) o.schema(schema);
            return DataFiles.read(file, o);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(file);
        }
    }
}
