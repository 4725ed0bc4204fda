package org.backprop4j.spark;

import java.io.Serializable;

/**
 * Rows of one partition as the engine reads them: inputs x (rows × inputs, row-major, float32) and
 * one value per row, y: the class index (classification) or the target (regression). Built once per
 * fit from the DataFrame and cached, so the training loop touches no per-row objects; the one-hot
 * targets the engine needs are written into a task's buffer when a block is used ({@link #targets}),
 * so that the blocks are read before the number of classes is known. {@code validation} blocks hold
 * the rows held out for early stopping. {@code xHash} holds each row's hash state after its inputs
 * ({@link #absorb}), from which {@link #fingerprint} finishes the rows' hashes once the targets' width
 * is known.
 */
record FloatBlock(int partition, float[] x, float[] y, int rows, boolean validation, long[] xHash) implements Serializable {

    /** The targets of the rows, rows × outputs: y itself for one output (regression), else y one-hot, written into {@code buf} (grown if short). */
    float[] targets(int outputs, float[][] buf) {
        if (outputs == 1) return y;
        int n = rows * outputs;
        if (buf[0] == null || buf[0].length < n) buf[0] = new float[n];
        float[] d = buf[0];
        java.util.Arrays.fill(d, 0, n, 0f);
        for (int r = 0; r < rows; r++) d[r * outputs + (int) y[r]] = 1f;
        return d;
    }

    /** {@link #targets(int, float[][])} in an array of their own (exactly rows × outputs). */
    float[] d(int outputs) {
        float[] d = targets(outputs, new float[1][]);
        return d == y ? y.clone() : d;
    }

    /** The sum (mod 2⁶⁴) of {@link #rowHash} over the block's rows, with targets {@link #targets} of width {@code outputs}. */
    long fingerprint(int outputs) {
        long sum = 0;
        for (int r = 0; r < rows; r++) {
            long h = xHash[r];
            if (outputs == 1) {
                h = (h ^ Float.floatToIntBits(y[r])) * FNV_PRIME;
            } else {
                int k = (int) y[r];
                for (int j = 0; j < outputs; j++) h = (h ^ (j == k ? ONE_BITS : 0)) * FNV_PRIME;
            }
            sum += finish(h);
        }
        return sum;
    }

    static final long FNV_OFFSET = 0xCBF29CE484222325L, FNV_PRIME = 0x100000001B3L;
    private static final int ONE_BITS = Float.floatToIntBits(1f);

    /** FNV-1a over the values' bits, continuing from {@code h}. */
    static long absorb(long h, float[] a, int from, int n) {
        for (int i = 0; i < n; i++) h = (h ^ Float.floatToIntBits(a[from + i])) * FNV_PRIME;
        return h;
    }

    /** splitmix64's finaliser (Steele et al. 2014), so that sums of row hashes stay well spread. */
    static long finish(long h) {
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    /**
     * A 64-bit hash of one row's float32 inputs and targets: FNV-1a over the values' bits, then
     * {@link #finish}. Summed over rows it fingerprints a data set whatever its row order and partitioning.
     */
    static long rowHash(float[] x, int xFrom, int in, float[] d, int dFrom, int out) {
        return finish(absorb(absorb(FNV_OFFSET, x, xFrom, in), d, dFrom, out));
    }
}
