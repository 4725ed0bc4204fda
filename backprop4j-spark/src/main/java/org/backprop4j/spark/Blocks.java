package org.backprop4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Reads a DataFrame's features and label columns once into partition-local {@link FloatBlock}s
 * (float32, row-major), checking every value on the way: a NaN or infinite feature, a vector of
 * the wrong size, a label that is not a class index (classification) or not finite (regression)
 * stops the fit with an {@link InputException} naming the column, the partition and the row.
 * The blocks are persisted MEMORY_AND_DISK: what does not fit in memory spills to disk.
 */
final class Blocks {
    private Blocks() {}

    /**
     * What one fit reads from the columns. {@code partitionRows}: each partition's row count if a job
     * over the DataFrame counted them already (else null), so that every block is allocated at its
     * final size; a count that turns out wrong costs a copy, never a row.
     */
    record Layout(String featuresCol, String labelCol, int inputs, int classes, int blockRows,
                  double validationFraction, long seed, long[] partitionRows) implements java.io.Serializable {
        Layout(String featuresCol, String labelCol, int inputs, int classes, int blockRows, double validationFraction, long seed) {
            this(featuresCol, labelCol, inputs, classes, blockRows, validationFraction, seed, null);
        }

        /** Target columns: one per class (one-hot), or 1 for regression (classes = 0). */
        int outputs() { return classes == 0 ? 1 : classes; }
    }

    /** The label column's largest value (null if it has none) and each partition's row count. */
    record LabelScan(Double max, long[] partitionRows) {}

    static JavaRDD<FloatBlock> build(Dataset<Row> df, Layout lay) {
        org.apache.spark.sql.classic.Dataset<Row> cols = classic(df.select(functions.col(lay.featuresCol()), functions.col(lay.labelCol()).cast(DataTypes.DoubleType)));
        // Spark SQL's own rows (InternalRow): the vector's values are read where they lie, with no
        // Row, DenseVector or double[] per row (a copy of the whole data set, as garbage)
        Function2<Integer, Iterator<InternalRow>, Iterator<FloatBlock>> f = (p, rows) -> read(p, rows, lay).iterator();
        JavaRDD<FloatBlock> blocks = cols.queryExecution().toRdd().toJavaRDD().mapPartitionsWithIndex(f, true);
        blocks.persist(StorageLevel.MEMORY_AND_DISK());
        return blocks;
    }

    /**
     * The largest non-null value of a numeric column as Spark's max orders them (NaN above all
     * numbers), or null if it has none, in one job over Spark SQL's rows with no shuffle (an
     * aggregate query takes two jobs and a shuffle under adaptive execution).
     */
    static Double maxLabel(Dataset<Row> df, String col) {
        return scanLabels(df, col).max();
    }

    /** {@link #maxLabel}, and in the same job each partition's row count (for {@link Layout#partitionRows}). */
    static LabelScan scanLabels(Dataset<Row> df, String col) {
        org.apache.spark.sql.classic.Dataset<Row> labels = classic(df.select(functions.col(col).cast(DataTypes.DoubleType)));
        Function2<Integer, Iterator<InternalRow>, Iterator<double[]>> max = (part, rows) -> {
            double n = 0, all = 0, m = Double.NEGATIVE_INFINITY;
            while (rows.hasNext()) {
                InternalRow r = rows.next();
                all++;
                if (r.isNullAt(0)) continue;
                double v = r.getDouble(0);
                n++;
                if (Double.isNaN(v) || v > m) m = Double.isNaN(m) ? m : v;
            }
            return java.util.Collections.singletonList(new double[] {n, m, part, all}).iterator();
        };
        JavaRDD<InternalRow> rdd = labels.queryExecution().toRdd().toJavaRDD();
        long[] counts = new long[rdd.getNumPartitions()];
        double n = 0, m = Double.NEGATIVE_INFINITY;
        for (double[] p : rdd.mapPartitionsWithIndex(max, false).collect()) {
            n += p[0];
            if (Double.isNaN(p[1]) || p[1] > m) m = Double.isNaN(m) ? m : p[1];
            counts[(int) p[2]] = (long) p[3];
        }
        return new LabelScan(n == 0 ? null : m, counts);
    }

    static org.apache.spark.sql.classic.Dataset<Row> classic(Dataset<Row> df) {
        if (df instanceof org.apache.spark.sql.classic.Dataset<Row> c) return c;
        throw new IllegalArgumentException("fit needs a DataFrame of a classic SparkSession (not Spark Connect's client-side Dataset)");
    }

    /** Whether row r of partition p is held out for validation (a fixed function of seed, p and r). */
    static boolean heldOut(long seed, int p, long r, double fraction) {
        if (fraction <= 0) return false;
        long z = seed * 0x9E3779B97F4A7C15L + (((long) p << 40) ^ r);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;   // splitmix64 finaliser (Steele et al. 2014)
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53 < fraction;
    }

    static List<FloatBlock> read(int p, Iterator<InternalRow> rows, Layout lay) {
        int in = lay.inputs(), out = lay.outputs(), cap = lay.blockRows();
        Builder train = new Builder(p, in, out, cap, false), val = new Builder(p, in, out, cap, true);
        long[] counted = lay.partitionRows();
        if (counted != null && p < counted.length) {   // the rows each builder will get, so that no block is trimmed by a copy
            long n = counted[p], held = 0;
            for (long r = 0; r < n && lay.validationFraction() > 0; r++) if (heldOut(lay.seed(), p, r, lay.validationFraction())) held++;
            train.expected = n - held;
            val.expected = held;
        }
        List<FloatBlock> done = new ArrayList<>();
        long r = 0;
        while (rows.hasNext()) {
            InternalRow row = rows.next();
            Builder b = heldOut(lay.seed(), p, r, lay.validationFraction()) ? val : train;
            b.add(row, p, r, lay);
            if (b.full()) done.add(b.take());
            r++;
        }
        if (train.rows > 0) done.add(train.take());
        if (val.rows > 0) done.add(val.take());
        return done;
    }

    private static final class Builder {
        final int p, in, out, cap;
        final boolean validation;
        float[] x, d;
        int rows, size;    // rows added, rows the arrays hold
        long expected = -1;   // rows still to come, if counted (else -1)

        Builder(int p, int in, int out, int cap, boolean validation) {
            this.p = p;
            this.in = in;
            this.out = out;
            this.cap = cap;
            this.validation = validation;
        }

        boolean full() { return rows == cap; }

        /** Appends one row: column 0 a vector in VectorUDT's SQL form (type 0 sparse: size, indices, values; 1 dense: values), column 1 the label as a double. */
        void add(InternalRow row, int part, long r, Layout lay) {
            if (x == null) {
                size = expected > 0 ? (int) Math.min(cap, expected) : cap;
                x = new float[size * in];
                d = new float[size * out];
            } else if (rows == size) {   // more rows than counted: a whole block after all (blocks always end at cap rows)
                size = cap;
                x = Arrays.copyOf(x, size * in);
                d = Arrays.copyOf(d, size * out);
            }
            if (row.isNullAt(0)) throw new InputException(where(lay.featuresCol(), part, r) + " is null: every row needs a features vector (drop or impute such rows first)");
            InternalRow vec = row.getStruct(0, 4);
            boolean dense = vec.getByte(0) == 1;
            ArrayData values = vec.getArray(3);
            int size = dense ? values.numElements() : vec.getInt(1);
            if (size != in) {
                throw new InputException(where(lay.featuresCol(), part, r) + " has a vector of size " + size + ", the first row's has " + in
                        + ": all feature vectors must have the same size (check the VectorAssembler's inputs)");
            }
            int base = rows * in;
            if (dense) {
                for (int i = 0; i < in; i++) x[base + i] = finite(values.getDouble(i), i, lay, part, r);
            } else {
                ArrayData idx = vec.getArray(2);
                for (int k = 0, nnz = idx.numElements(); k < nnz; k++) {
                    int i = idx.getInt(k);
                    x[base + i] = finite(values.getDouble(k), i, lay, part, r);
                }
            }
            if (row.isNullAt(1)) throw new InputException(where(lay.labelCol(), part, r) + " is null: every training row needs a label");
            double label = row.getDouble(1);
            if (lay.classes() > 0) {
                if (!(label >= 0 && label < lay.classes() && label == Math.rint(label))) {
                    throw new InputException(where(lay.labelCol(), part, r) + " is " + label + ": a classification label must be a class index 0.."
                            + (lay.classes() - 1) + " (index string labels with org.apache.spark.ml.feature.StringIndexer)");
                }
                d[rows * out + (int) label] = 1f;
            } else {
                if (!Double.isFinite(label)) throw new InputException(where(lay.labelCol(), part, r) + " is " + label + ": a regression target must be a finite number");
                d[rows] = (float) label;
            }
            rows++;
        }

        private static float finite(double v, int i, Layout lay, int part, long r) {
            if (!Double.isFinite(v)) {
                throw new InputException(where(lay.featuresCol(), part, r) + " holds " + v + " at index " + i
                        + ": backprop4j trains on finite numbers only (impute missing values first, e.g. with org.apache.spark.ml.feature.Imputer)");
            }
            return (float) v;
        }

        FloatBlock take() {
            long fp = 0;
            for (int r = 0; r < rows; r++) fp += FloatBlock.rowHash(x, r * in, in, d, r * out, out);
            FloatBlock b = new FloatBlock(p, rows == size ? x : Arrays.copyOf(x, rows * in), rows == size ? d : Arrays.copyOf(d, rows * out), rows, validation, fp);
            if (expected > 0) expected = Math.max(0, expected - rows);
            x = null;
            d = null;
            rows = 0;
            return b;
        }
    }

    static String where(String col, int partition, long row) {
        return "column '" + col + "' of row " + row + " in partition " + partition;
    }
}
