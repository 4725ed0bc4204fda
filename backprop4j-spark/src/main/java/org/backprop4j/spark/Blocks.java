package org.backprop4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.unsafe.Platform;

/**
 * Reads a DataFrame's features and label columns once into partition-local {@link FloatBlock}s
 * (float32, row-major), checking every value on the way: a NaN or infinite feature, a vector of
 * the wrong size, a label that is not a class index (classification) or not finite (regression)
 * stops the fit with an {@link InputException} naming the column, the partition and the row.
 * The input size and the number of classes need not be known before: the job that reads the
 * blocks also reports them ({@link #scan}), so a fit reads the DataFrame in one job.
 * The blocks are persisted MEMORY_AND_DISK: what does not fit in memory spills to disk.
 */
final class Blocks {
    private Blocks() {}

    /** {@link Layout#inputs}: the size of the partition's first vector. */
    static final int INPUTS_FROM_DATA = 0;
    /** {@link Layout#classes}: classification with the number of classes found in the data (max label + 1). */
    static final int CLASSES_FROM_DATA = -1;
    /** The largest class index a label may hold when the number of classes comes from the data. */
    static final int MAX_CLASS = (1 << 20) - 1;

    /**
     * What one fit reads from the columns. {@code inputs}: the vector size, or {@link #INPUTS_FROM_DATA};
     * {@code classes}: K (labels 0..K−1), 0 for regression, or {@link #CLASSES_FROM_DATA}.
     * {@code partitionRows}: each partition's expected row count (null: {@link #build} takes Spark's
     * statistics, {@link #expectedRows}), so that every block is allocated at its final size; a count
     * that turns out wrong costs a copy, never a row.
     */
    record Layout(String featuresCol, String labelCol, int inputs, int classes, int blockRows,
                  double validationFraction, long seed, long[] partitionRows) implements java.io.Serializable {
        Layout(String featuresCol, String labelCol, int inputs, int classes, int blockRows, double validationFraction, long seed) {
            this(featuresCol, labelCol, inputs, classes, blockRows, validationFraction, seed, null);
        }
    }

    static JavaRDD<FloatBlock> build(Dataset<Row> df, Layout lay) {
        org.apache.spark.sql.classic.Dataset<Row> cols = classic(df.select(functions.col(lay.featuresCol()), functions.col(lay.labelCol()).cast(DataTypes.DoubleType)));
        // Spark SQL's own rows (InternalRow): the vector's values are read where they lie, with no
        // Row, DenseVector or double[] per row (a copy of the whole data set, as garbage)
        org.apache.spark.rdd.RDD<InternalRow> rows = cols.queryExecution().toRdd();
        Layout l = lay.partitionRows() != null ? lay : new Layout(lay.featuresCol(), lay.labelCol(), lay.inputs(), lay.classes(), lay.blockRows(),
                lay.validationFraction(), lay.seed(), expectedRows(df, rows.getNumPartitions()));
        scala.reflect.ClassTag<FloatBlock> tag = scala.reflect.ClassTag$.MODULE$.apply(FloatBlock.class);
        JavaRDD<FloatBlock> blocks = new JavaRDD<>(rows.mapPartitionsWithIndex(new Reader(l), true, tag), tag);
        blocks.persist(StorageLevel.MEMORY_AND_DISK());
        return blocks;
    }

    /**
     * The task function of {@link #build}: a named Scala function, given to the RDD itself, since
     * Spark's ClosureCleaner reads the class files behind a lambda, including the one JavaRDD's
     * methods wrap a Java function in (tens of milliseconds in a fit's preparation).
     */
    private static final class Reader extends scala.runtime.AbstractFunction2<Object, scala.collection.Iterator<InternalRow>, scala.collection.Iterator<FloatBlock>>
            implements java.io.Serializable {
        private final Layout lay;

        Reader(Layout lay) {
            this.lay = lay;
        }

        @Override
        public scala.collection.Iterator<FloatBlock> apply(Object p, scala.collection.Iterator<InternalRow> rows) {
            return scala.jdk.javaapi.CollectionConverters.asScala(read((Integer) p, scala.jdk.javaapi.CollectionConverters.asJava(rows), lay).iterator());
        }
    }

    /**
     * Each partition's expected row count, if Spark's statistics know the DataFrame's rows (a cached
     * DataFrame that has been counted does): the rows spread evenly over the partitions. Else null.
     */
    static long[] expectedRows(Dataset<Row> df, int partitions) {
        try {
            scala.Option<scala.math.BigInt> n = classic(df).queryExecution().optimizedPlan().stats().rowCount();
            if (n.isEmpty() || partitions <= 0) return null;
            long rows = n.get().longValue(), per = (rows + partitions - 1) / partitions;
            long[] r = new long[partitions];
            java.util.Arrays.fill(r, per);
            return r;
        } catch (RuntimeException e) {
            return null;   // no statistics: blocks at blockRows, trimmed
        }
    }

    /**
     * What the job that reads the blocks found: rows for training and validation, the input size
     * (checked alike on every partition), the largest label (classification), and the most training
     * rows on one partition.
     */
    record Scan(long trainRows, long validationRows, int inputs, double maxLabel, long maxPartitionRows) {}

    /** Materialises the blocks (the one job that reads the DataFrame) and sums up what they hold. */
    static Scan scan(JavaRDD<FloatBlock> blocks, Layout lay) {
        List<double[]> per = new ArrayList<>();
        for (double[][] part : InputException.unwrap(() -> DistributedObjective.inPartitionOrder(JavaSparkContext.fromSparkContext(blocks.context()),
                blocks, new BlockFacts(), double[][].class))) {
            per.addAll(Arrays.asList(part));
        }
        long train = 0, val = 0;
        double max = Double.NEGATIVE_INFINITY;
        int inputs = lay.inputs(), from = -1;
        java.util.Map<Integer, Long> byPartition = new java.util.TreeMap<>();
        for (double[] f : per) {
            int p = (int) f[0], in = (int) f[3];
            if (f[5] == 1) val += (long) f[1];
            else train += (long) f[1];
            if (f[5] == 0) byPartition.merge(p, (long) f[1], Long::sum);
            max = Math.max(max, f[4]);
            if (inputs == INPUTS_FROM_DATA) {
                inputs = in;
                from = p;
            } else if (in != inputs) {
                throw new InputException(where(lay.featuresCol(), p, 0) + " has a vector of size " + in + ", "
                        + (from < 0 ? "the column's metadata says " + inputs : "the first row of partition " + from + " has " + inputs)
                        + ": all feature vectors must have the same size (check the VectorAssembler's inputs)");
            }
        }
        long most = byPartition.values().stream().mapToLong(Long::longValue).max().orElse(0);
        return new Scan(train, val, inputs, max, most);
    }

    /**
     * The facts of a partition's blocks for {@link #scan}, one {partition, rows, 0, inputs, largest y,
     * validation ? 1 : 0} per block. A named function run by {@code runJob}, as {@link Reader}.
     */
    private static final class BlockFacts extends scala.runtime.AbstractFunction2<org.apache.spark.TaskContext, scala.collection.Iterator<FloatBlock>, double[][]>
            implements java.io.Serializable {
        @Override
        public double[][] apply(org.apache.spark.TaskContext ctx, scala.collection.Iterator<FloatBlock> it) {
            List<double[]> facts = new ArrayList<>();
            while (it.hasNext()) {
                FloatBlock b = it.next();
                double max = Double.NEGATIVE_INFINITY;
                for (int r = 0; r < b.rows(); r++) max = Math.max(max, b.y()[r]);
                facts.add(new double[] {b.partition(), b.rows(), 0, b.x().length / b.rows(), max, b.validation() ? 1 : 0});
            }
            return facts.toArray(new double[0][]);
        }
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
        int cap = lay.blockRows();
        Builder train = new Builder(p, cap, false), val = new Builder(p, cap, true);
        long[] counted = lay.partitionRows();
        if (counted != null && p < counted.length) {   // the rows each builder will get, so that no block is trimmed by a copy
            long n = counted[p], held = 0;
            for (long r = 0; r < n && lay.validationFraction() > 0; r++) if (heldOut(lay.seed(), p, r, lay.validationFraction())) held++;
            train.expected = n - held;
            val.expected = held;
        }
        List<FloatBlock> done = new ArrayList<>();
        int in = lay.inputs();
        long r = 0;
        while (rows.hasNext()) {
            InternalRow row = rows.next();
            if (in == INPUTS_FROM_DATA) in = size(row, p, r, lay);   // the partition's first row; every other row must match it
            Builder b = heldOut(lay.seed(), p, r, lay.validationFraction()) ? val : train;
            b.add(row, in, p, r, lay);
            if (b.full()) done.add(b.take());
            r++;
        }
        if (train.rows > 0) done.add(train.take());
        if (val.rows > 0) done.add(val.take());
        return done;
    }

    /** The size of row r's vector (column 0 in VectorUDT's SQL form: type, size, indices, values). */
    private static int size(InternalRow row, int part, long r, Layout lay) {
        if (row.isNullAt(0)) throw new InputException(where(lay.featuresCol(), part, r) + " is null: every row needs a features vector (drop or impute such rows first)");
        InternalRow vec = row.getStruct(0, 4);
        return vec.getByte(0) == 1 ? vec.getArray(3).numElements() : vec.getInt(1);
    }

    private static final class Builder {
        final int p, cap;
        final boolean validation;
        float[] x, y;
        long[] xHash;
        int in, rows, size;    // inputs, rows added, rows the arrays hold
        long expected = -1;   // rows still to come, if counted (else -1)

        Builder(int p, int cap, boolean validation) {
            this.p = p;
            this.cap = cap;
            this.validation = validation;
        }

        boolean full() { return rows == cap; }

        /** Appends one row: column 0 a vector in VectorUDT's SQL form (type 0 sparse: size, indices, values; 1 dense: values), column 1 the label as a double. */
        void add(InternalRow row, int in, int part, long r, Layout lay) {
            if (x == null) {
                this.in = in;
                size = expected > 0 ? (int) Math.min(cap, expected) : cap;
                x = new float[size * in];
                y = new float[size];
                xHash = new long[size];
            } else if (rows == size) {   // more rows than counted: a whole block after all (blocks always end at cap rows)
                size = cap;
                x = Arrays.copyOf(x, size * in);
                y = Arrays.copyOf(y, size);
                xHash = Arrays.copyOf(xHash, size);
            }
            if (row.isNullAt(0)) throw new InputException(where(lay.featuresCol(), part, r) + " is null: every row needs a features vector (drop or impute such rows first)");
            InternalRow vec = row.getStruct(0, 4);
            boolean dense = vec.getByte(0) == 1;
            ArrayData values = vec.getArray(3);
            int size = dense ? values.numElements() : vec.getInt(1);
            if (size != in) {
                throw new InputException(where(lay.featuresCol(), part, r) + " has a vector of size " + size
                        + (lay.inputs() == INPUTS_FROM_DATA ? ", the partition's first row has " : ", the column's metadata says ") + in
                        + ": all feature vectors must have the same size (check the VectorAssembler's inputs)");
            }
            int base = rows * in;
            if (dense) {
                double[] v = row(values, in);
                // every value to float32, and the exponents' test in the same pass: one branch per row, not per value
                long any = 0;
                for (int i = 0; i < in; i++) {
                    x[base + i] = (float) v[i];
                    any |= (Double.doubleToRawLongBits(v[i]) & EXPONENT) + EXPONENT_ONE;   // sign bit set where the exponent is all ones (NaN, ±∞)
                }
                if (any < 0) for (int i = 0; i < in; i++) finite(v[i], i, lay, part, r);   // throws for the first one
            } else {
                ArrayData idx = vec.getArray(2);
                for (int k = 0, nnz = idx.numElements(); k < nnz; k++) {
                    int i = idx.getInt(k);
                    x[base + i] = finite(values.getDouble(k), i, lay, part, r);
                }
            }
            if (row.isNullAt(1)) throw new InputException(where(lay.labelCol(), part, r) + " is null: every training row needs a label");
            double label = row.getDouble(1);
            if (lay.classes() != 0) {
                int k = lay.classes();
                if (!(label >= 0 && label == Math.rint(label) && label <= (k > 0 ? k - 1 : MAX_CLASS))) {
                    throw new InputException(where(lay.labelCol(), part, r) + " is " + label + ": a classification label must be a class index "
                            + (k > 0 ? "0.." + (k - 1) + " (index string labels with org.apache.spark.ml.feature.StringIndexer)"
                                     : "0, 1, 2, ... (index string labels with org.apache.spark.ml.feature.StringIndexer, or setTask(\"regression\"))"));
                }
            } else if (!Double.isFinite(label)) {
                throw new InputException(where(lay.labelCol(), part, r) + " is " + label + ": a regression target must be a finite number");
            }
            y[rows] = (float) label;
            xHash[rows] = FloatBlock.absorb(FloatBlock.FNV_OFFSET, x, base, in);
            rows++;
        }

        private static final long EXPONENT = 0x7FF0_0000_0000_0000L, EXPONENT_ONE = 0x0010_0000_0000_0000L;
        private double[] values = new double[0];

        /**
         * A dense vector's values in a buffer of this builder: one bulk copy from Spark's own array
         * (its bytes are the doubles), instead of a call per value, which is what a task's first rows
         * run through before the JIT has compiled the loop; another ArrayData value by value.
         */
        private double[] row(ArrayData a, int n) {
            if (values.length < n) values = new double[n];
            if (a instanceof UnsafeArrayData u) {
                Platform.copyMemory(u.getBaseObject(), u.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(n),
                        values, Platform.DOUBLE_ARRAY_OFFSET, 8L * n);
            } else {
                for (int i = 0; i < n; i++) values[i] = a.getDouble(i);
            }
            return values;
        }

        private static float finite(double v, int i, Layout lay, int part, long r) {
            if (!Double.isFinite(v)) {
                throw new InputException(where(lay.featuresCol(), part, r) + " holds " + v + " at index " + i
                        + ": backprop4j trains on finite numbers only (impute missing values first, e.g. with org.apache.spark.ml.feature.Imputer)");
            }
            return (float) v;
        }

        FloatBlock take() {
            boolean exact = rows == size;
            FloatBlock b = new FloatBlock(p, exact ? x : Arrays.copyOf(x, rows * in), exact ? y : Arrays.copyOf(y, rows), rows, validation,
                    exact ? xHash : Arrays.copyOf(xHash, rows));
            if (expected > 0) expected = Math.max(0, expected - rows);
            x = null;
            y = null;
            xHash = null;
            rows = 0;
            return b;
        }
    }

    static String where(String col, int partition, long row) {
        return "column '" + col + "' of row " + row + " in partition " + partition;
    }
}
