package org.backprop4j.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Patterns in a memory-mapped binary cache file ({@link DataCache}): the values stay in the file
 * and the operating system's page cache, not on the Java heap; the trainer copies the patterns it
 * needs into its own batch buffers. The file is mapped whole as one {@link MemorySegment} (no 2 GB
 * limit) and unmapped when no view of it is reachable any more.
 *
 * <p>A view may select patterns ({@link #select}: a split's indices, nothing copied) and carry a
 * {@link Pipeline} that is applied to every pattern as it is copied out
 * ({@link Pipeline#apply(Examples)}), with the same arithmetic as {@link Pipeline#applyInPlace}, so
 * the values are those of the in-heap data set preprocessed in place. Immutable; every method may
 * be called from many threads.
 */
public final class MappedExamples implements Examples {
    /** Little-endian float32, as the cache file stores them. */
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Floats per buffer in {@link #forEachChunk} (4 MB). */
    static final int CHUNK_FLOATS = 1 << 20;

    /** What the cache file holds: the mapped payload and the data set's description. */
    record Store(MemorySegment segment, long payloadOffset, int rows, int inputs, int outputs, List<String> classNames,
                 List<String> inputNames, Schema schema, Path file, String sourceSha256) {}

    private final Store store;
    private final int[] index;          // pattern -> row of the file; null: every row in order
    private final Pipeline transform;   // applied to every pattern copied out; null: none
    private final long rowBytes;

    MappedExamples(Store store, int[] index, Pipeline transform) {
        this.store = store;
        this.index = index;
        this.transform = transform;
        this.rowBytes = 4L * (store.inputs() + store.outputs());
    }

    @Override
    public int size() {
        return index == null ? store.rows() : index.length;
    }

    @Override
    public int inputs() {
        return store.inputs();
    }

    @Override
    public int outputs() {
        return store.outputs();
    }

    @Override
    public List<String> classNames() {
        return store.classNames();
    }

    @Override
    public List<String> inputNames() {
        return store.inputNames();
    }

    @Override
    public Schema schema() {
        return store.schema();
    }

    /** The cache file the values are mapped from. */
    public Path file() {
        return store.file();
    }

    /** SHA-256 (hex) of the data file the cache was parsed from, verified when the cache was opened. */
    public String sourceSha256() {
        return store.sourceSha256();
    }

    /** Bytes of float data of the whole cache (every row, inputs and targets). */
    public long dataBytes() {
        return store.rows() * rowBytes;
    }

    /** The preprocessing applied to each pattern copied out, or null. */
    public Pipeline transform() {
        return transform;
    }

    @Override
    public void copyPattern(int p, float[] x, int xOff, float[] d, int dOff) {
        long off = store.payloadOffset() + (index == null ? Objects.checkIndex(p, store.rows()) : index[p]) * rowBytes;
        int in = store.inputs(), out = store.outputs();
        MemorySegment.copy(store.segment(), FLOAT, off, x, xOff, in);
        MemorySegment.copy(store.segment(), FLOAT, off + 4L * in, d, dOff, out);
        if (transform != null) transform.applyToPattern(x, xOff, d, dOff, isClassification());
    }

    @Override
    public int label(int p) {
        float[] x = new float[store.inputs()], d = new float[store.outputs()];
        copyPattern(p, x, 0, d, 0);
        return Examples.labelOf(d, 0, d.length);
    }

    /** A view of the patterns at the given indices of this view, in that order (the indices copied, not the values). */
    @Override
    public MappedExamples select(int[] idx) {
        int[] rows = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            int p = Objects.checkIndex(idx[i], size());
            rows[i] = index == null ? p : index[p];
        }
        return new MappedExamples(store, rows, transform);
    }

    /** This view with {@code p} applied to every pattern copied out (replacing any earlier one). */
    MappedExamples transformed(Pipeline p) {
        return new MappedExamples(store, index, p);
    }

    @Override
    public void forEachChunk(ChunkConsumer c) {
        int in = store.inputs(), out = store.outputs(), m = size();
        int rows = Math.max(1, Math.min(m, CHUNK_FLOATS / (in + out)));
        float[] x = new float[rows * in], d = new float[rows * out];
        for (int first = 0; first < m; first += rows) {
            int n = Math.min(rows, m - first);
            copyPatterns(first, n, x, d);
            c.accept(x, d, n);
        }
    }

    /** Every pattern copied into a {@link DataSet} on the heap (for tests and small sets). */
    public DataSet toDataSet() {
        int m = size(), in = inputs(), out = outputs();
        float[] x = new float[Math.multiplyExact(m, in)], d = new float[Math.multiplyExact(m, out)];
        copyPatterns(0, m, x, d);
        return new DataSet(x, d, in, out, classNames(), inputNames(), schema());
    }

    @Override
    public String toString() {
        return "MappedExamples[" + size() + " patterns, " + inputs() + " inputs, " + outputs() + " outputs, " + store.file() + "]";
    }
}
