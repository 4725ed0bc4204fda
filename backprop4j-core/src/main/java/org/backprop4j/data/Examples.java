package org.backprop4j.data;

import java.util.List;

/**
 * Training patterns as the trainer reads them: copied pattern by pattern (or a run of consecutive
 * patterns) into its own reusable batch buffers, or streamed in order a chunk at a time (statistics,
 * evaluation). Two kinds: a {@link DataSet}, whose arrays are on the heap, and a
 * {@link MappedExamples}, whose values stay in a memory-mapped binary cache file
 * ({@link DataCache}) so that data larger than the heap trains at a bounded heap footprint. Both
 * give the same values for the same pattern, so a run gives the same weights from either
 * (docs/DATA.md, "Data larger than the heap").
 *
 * <p>Pattern p has {@link #inputs()} input values and {@link #outputs()} target values, laid out
 * as in {@link DataSet}: inputs row-major, targets one-hot rows for classes.
 */
public sealed interface Examples permits DataSet, MappedExamples {
    /** Number of patterns. */
    int size();

    int inputs();

    int outputs();

    /** The class names of a classification set, else null. */
    List<String> classNames();

    /** One name per encoded input column. */
    List<String> inputNames();

    /** The raw attributes behind the columns, or null if unknown. */
    Schema schema();

    default boolean isClassification() {
        return classNames() != null;
    }

    /** Copies pattern p: its inputs to {@code x[xOff ..]}, its targets to {@code d[dOff ..]}. Safe from many threads. */
    void copyPattern(int p, float[] x, int xOff, float[] d, int dOff);

    /** Copies patterns {@code first .. first+m−1} to x and d from offset 0, one row after the other. */
    default void copyPatterns(int first, int m, float[] x, float[] d) {
        int in = inputs(), out = outputs();
        for (int r = 0; r < m; r++) copyPattern(first + r, x, r * in, d, r * out);
    }

    /** The class index of pattern p: argmax of its one-hot row, or the 0/1 value of a single column. */
    int label(int p);

    /**
     * The patterns at the given indices, in that order: a {@link DataSet} copies them; a mapped
     * set returns a view over the same file (nothing copied but the indices).
     */
    Examples select(int[] idx);

    /**
     * Every pattern in order, a chunk of consecutive patterns at a time: {@code c} gets arrays
     * holding the chunk's first pattern at offset 0 (a {@link DataSet} passes its own arrays, one
     * chunk; a mapped set reuses two buffers of a few megabytes). The arrays must not be changed.
     */
    void forEachChunk(ChunkConsumer c);

    /** Receives {@code rows} consecutive patterns: inputs in {@code x}, targets in {@code d}, from offset 0. */
    @FunctionalInterface
    interface ChunkConsumer {
        void accept(float[] x, float[] d, int rows);
    }

    /** The class index of a target row at {@code off} of {@code d} ({@link #label}). */
    static int labelOf(float[] d, int off, int outputs) {
        if (outputs == 1) return d[off] >= 0.5f ? 1 : 0;
        int best = 0;
        for (int j = 1; j < outputs; j++) if (d[off + j] > d[off + best]) best = j;
        return best;
    }
}
