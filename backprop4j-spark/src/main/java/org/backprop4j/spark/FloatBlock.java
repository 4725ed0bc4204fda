package org.backprop4j.spark;

import java.io.Serializable;

/**
 * Rows of one partition as the engine reads them: inputs x (rows × inputs, row-major) and targets
 * d (rows × outputs), float32. Built once per fit from the DataFrame and cached, so the training
 * loop touches no per-row objects. {@code validation} blocks hold the rows held out for early stopping.
 * {@code fingerprint} is the sum (mod 2⁶⁴) of {@link #rowHash} over the block's rows.
 */
record FloatBlock(int partition, float[] x, float[] d, int rows, boolean validation, long fingerprint) implements Serializable {

    /**
     * A 64-bit hash of one row's float32 inputs and targets: FNV-1a over the values' bits, then
     * splitmix64's finaliser (Steele et al. 2014) so that sums of row hashes stay well spread. Summed
     * over rows it fingerprints a data set whatever its row order and partitioning.
     */
    static long rowHash(float[] x, int xFrom, int in, float[] d, int dFrom, int out) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < in; i++) h = (h ^ Float.floatToIntBits(x[xFrom + i])) * 0x100000001B3L;
        for (int i = 0; i < out; i++) h = (h ^ Float.floatToIntBits(d[dFrom + i])) * 0x100000001B3L;
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}
