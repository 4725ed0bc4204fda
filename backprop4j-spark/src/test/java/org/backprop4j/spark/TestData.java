package org.backprop4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.backprop4j.Rng;

/** Seeded synthetic data sets and the shared local session of the module's tests. */
final class TestData {
    private TestData() {}

    /** A local[2] session at WARN, no UI (one per test class: starting Spark takes seconds). */
    static SparkSession session(String name) {
        SparkSession s = SparkSession.builder().master("local[2]").appName(name)
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        s.sparkContext().setLogLevel("WARN");
        return s;
    }

    static final StructType SCHEMA = new StructType().add("features", new VectorUDT(), false).add("label", DataTypes.DoubleType, false);

    /** Three Gaussian classes in 4 dimensions (centres 2 apart, σ 1): rows of features + label. */
    static List<Row> blobs(int n, long seed) {
        Rng rng = new Rng(seed);
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            double[] x = new double[4];
            for (int j = 0; j < 4; j++) x[j] = rng.nextGaussian() + (j == c ? 2.0 : 0.0) - (j == 3 && c == 2 ? 1.5 : 0.0);
            rows.add(RowFactory.create(Vectors.dense(x), (double) c));
        }
        return rows;
    }

    /** y = sin(x0) + x1²/2 + noise(0.05) on [-2, 2]². */
    static List<Row> curve(int n, long seed) {
        Rng rng = new Rng(seed);
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double a = rng.uniform(-2, 2), b = rng.uniform(-2, 2);
            rows.add(RowFactory.create(Vectors.dense(a, b), Math.sin(a) + b * b / 2 + 0.05 * rng.nextGaussian()));
        }
        return rows;
    }

    static Dataset<Row> frame(SparkSession s, List<Row> rows, int partitions) {
        return s.createDataFrame(rows, SCHEMA).repartition(partitions).cache();
    }
}
