package org.backprop4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.kernel.ElementwiseLoops;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.train.NetworkObjective;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Full-batch training through Spark equals the single-machine library's full-batch run on the same
 * rows (up to float rounding: the sums are grouped by partition), and is the same bits run to run
 * for a fixed partitioning.
 */
class FullBatchEquivalenceTest {
    static SparkSession spark;
    static JavaSparkContext jsc;
    static List<Row> rows;

    @BeforeAll
    static void start() {
        spark = TestData.session("FullBatchEquivalenceTest");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        rows = TestData.blobs(900, 7);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Dataset<Row> frame(int partitions) {
        return spark.createDataFrame(jsc.parallelize(rows, partitions), TestData.SCHEMA);   // contiguous slices, in row order
    }

    /** The same rows as the library's data set (one-hot targets). */
    static DataSet dataSet() {
        int n = rows.size();
        float[] x = new float[n * 4];
        int[] labels = new int[n];
        for (int p = 0; p < n; p++) {
            double[] v = ((Vector) rows.get(p).get(0)).toArray();
            for (int j = 0; j < 4; j++) x[p * 4 + j] = (float) v[j];
            labels[p] = (int) rows.get(p).getDouble(1);
        }
        return DataSet.classification(x, 4, labels, List.of("0", "1", "2"));
    }

    static Network network() {
        return Network.builder(4).layer(16, Activation.TANH).layer(3, Activation.SOFTMAX).build(Init.parse("auto"), 42);
    }

    static float maxAbs(float[] a) {
        float m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7})
    void gradientEqualsTheSingleMachineGradientInEveryElement(int partitions) {
        Network net = network();
        NetSpec spec = NetSpec.of(net, Loss.CROSS_ENTROPY);
        JavaRDD<FloatBlock> blocks = Blocks.build(frame(partitions), new Blocks.Layout("features", "label", 4, 3, 100, 0, 42));
        try {
            DistributedObjective d = new DistributedObjective(jsc, blocks, spec, rows.size(), 1e-3, false);
            NetworkObjective s = new NetworkObjective(net.copy(), Loss.CROSS_ENTROPY, dataSet(), 1e-3, false);
            float[] w = net.params().clone();
            float[] gd = new float[w.length], gs = new float[w.length], gb = new float[w.length];
            double ed = d.valueAndGradient(w, gd), es = s.valueAndGradient(w, gs);
            assertEquals(es, ed, 1e-12 * Math.abs(es), "E(w)");   // the same per-pattern errors summed in double in another order
            float scale = maxAbs(gs);
            for (int i = 0; i < w.length; i++) {
                // float32 rounding of sums of ≤ 900 terms in another grouping: far below 1e-5 of the largest component
                assertEquals(gs[i], gd[i], 1e-5f * scale, "∂E/∂w_" + i);
            }
            int old = DistributedObjective.inlineFloats;
            double eb;
            try {
                DistributedObjective.inlineFloats = 0;   // w in a broadcast of its own, as for a large network
                eb = d.valueAndGradient(w, gb);
            } finally {
                DistributedObjective.inlineFloats = old;
            }
            assertEquals(ed, eb, "E(w) with w broadcast");
            assertArrayEquals(gd, gb, "∂E/∂w with w broadcast: the same bits as with w in the task");
            if (partitions > 2) {   // above Partial.treeAbove the shares are summed in groups on the executors first (each group rounded to float32 again)
                int tree = Partial.treeAbove;
                float[] gt = new float[w.length];
                double et;
                try {
                    Partial.treeAbove = 2;
                    et = d.valueAndGradient(w, gt);
                } finally {
                    Partial.treeAbove = tree;
                }
                assertEquals(es, et, 1e-12 * Math.abs(es), "E(w), shares summed in groups first");
                for (int i = 0; i < w.length; i++) assertEquals(gs[i], gt[i], 1e-5f * scale, "∂E/∂w_" + i + ", shares summed in groups first");
            }
        } finally {
            blocks.unpersist(true);
        }
    }

    /** Sparse vectors and integer labels are read into the same float blocks, bit for bit, as dense vectors and double labels. */
    @Test
    void sparseVectorsAndIntegerLabelsGiveTheSameBlocks() {
        org.apache.spark.sql.types.StructType intLabels = new org.apache.spark.sql.types.StructType()
                .add("features", new org.apache.spark.ml.linalg.VectorUDT(), false).add("label", org.apache.spark.sql.types.DataTypes.IntegerType, false);
        List<Row> sparse = new java.util.ArrayList<>();
        for (int p = 0; p < rows.size(); p++) {
            double[] v = ((Vector) rows.get(p).get(0)).toArray();
            if (p % 2 == 0) v[p % 4] = 0;   // some explicit zeros, so the sparse vectors differ in their indices
            sparse.add(org.apache.spark.sql.RowFactory.create(org.apache.spark.ml.linalg.Vectors.dense(v).toSparse(), (int) rows.get(p).getDouble(1)));
        }
        List<Row> dense = new java.util.ArrayList<>();
        for (Row r : sparse) dense.add(org.apache.spark.sql.RowFactory.create(((Vector) r.get(0)).toDense(), (double) r.getInt(1)));
        Blocks.Layout lay = new Blocks.Layout("features", "label", 4, 3, 100, 0, 42);
        List<FloatBlock> a = Blocks.build(spark.createDataFrame(jsc.parallelize(sparse, 3), intLabels), lay).collect();
        List<FloatBlock> b = Blocks.build(spark.createDataFrame(jsc.parallelize(dense, 3), TestData.SCHEMA), lay).collect();
        assertEquals(b.size(), a.size());
        assertEquals(9, a.size(), "900 rows in 3 partitions, blocks of 100");
        for (int i = 0; i < a.size(); i++) {
            assertEquals(b.get(i).rows(), a.get(i).rows());
            assertArrayEquals(b.get(i).x(), a.get(i).x(), "inputs of block " + i);
            assertArrayEquals(b.get(i).d(3), a.get(i).d(3), "targets of block " + i);
            assertEquals(b.get(i).fingerprint(3), a.get(i).fingerprint(3));
        }
    }

    /**
     * Blocks allocated at the sizes the label job counted hold the same rows, bit for bit, as blocks
     * trimmed after reading, with and without a validation split; a wrong count changes nothing either.
     */
    @Test
    void blocksSizedByTheCountedRowsAreTheSameBlocks() {
        Dataset<Row> df = frame(3);
        long[] counts = {300, 300, 300};
        for (double fraction : new double[] {0, 0.2}) {
            List<FloatBlock> want = Blocks.build(df, new Blocks.Layout("features", "label", 4, 3, 128, fraction, 42)).collect();
            for (long[] c : new long[][] {counts, {250, 400, 300, 7}}) {
                List<FloatBlock> got = Blocks.build(df, new Blocks.Layout("features", "label", 4, 3, 128, fraction, 42, c)).collect();
                assertEquals(want.size(), got.size());
                for (int i = 0; i < want.size(); i++) {
                    FloatBlock a = want.get(i), b = got.get(i);
                    assertEquals(a.rows(), b.rows());
                    assertEquals(a.validation(), b.validation());
                    assertArrayEquals(a.x(), b.x(), "inputs of block " + i);   // lengths too: rows × inputs, nothing left over
                    assertArrayEquals(a.y(), b.y(), "labels of block " + i);   // lengths too
                    assertArrayEquals(a.xHash(), b.xHash(), "row hashes of block " + i);
                    assertEquals(a.fingerprint(3), b.fingerprint(3));
                }
            }
        }
    }

    /** A cached DataFrame that has been counted says how many rows its partitions hold (blocks are allocated at that size); another says nothing. */
    @Test
    void aCountedCachedDataFrameGivesTheRowsToExpect() {
        Dataset<Row> cached = TestData.frame(spark, TestData.blobs(300, 9), 2);
        cached.count();
        assertArrayEquals(new long[] {150, 150}, Blocks.expectedRows(cached, 2));
        assertEquals(null, Blocks.expectedRows(frame(3), 3), "an RDD's rows: no statistics");
        cached.unpersist();
    }

    /** The estimator against the library's Trainer, full batch, same network, seed and rows. */
    @ParameterizedTest
    @ValueSource(strings = {"lbfgs", "irprop-", "quickprop", "sgd:lr=0.5"})
    void fitEqualsTheSingleMachineFullBatchRun(String optimizer) {
        int epochs = 15;
        Network single = network();
        TrainingConfig cfg = TrainingConfig.builder().fullBatch().optimizer(optimizer).epochs(epochs).evaluateEachEpoch(false).seed(42).build();
        new Trainer(single, Loss.CROSS_ENTROPY, cfg).fit(dataSet());
        MlpModel m = new MlpEstimator().setHiddenLayers(16).setActivations("tanh").setOptimizer(optimizer).setBatchSize(0)
                .setMaxIter(epochs).setSeed(42).fit(frame(3));
        float[] a = single.params(), b = m.libraryModel().network().params();
        assertEquals(a.length, b.length);
        float scale = maxAbs(a);
        for (int i = 0; i < a.length; i++) {
            // 15 full-batch steps from gradients that differ by float rounding (see above): the
            // difference stays below 1e-4 of the largest weight on this well-conditioned problem
            assertEquals(a[i], b[i], 1e-4f * scale, optimizer + ": w_" + i);
        }
        assertEquals(epochs, m.summary().history().size());
    }

    /**
     * Scaled conjugate gradient estimates curvature from the difference of two gradients σ apart
     * (Møller 1993, σ_k = σ/|p_k|), which divides float rounding by σ: its weights drift apart from
     * the single-machine run's within a few iterations, so here the training error is compared.
     */
    @Test
    void scgReachesTheSingleMachineTrainingError() {
        int epochs = 15;
        Network single = network();
        TrainingConfig cfg = TrainingConfig.builder().fullBatch().optimizer("scg").epochs(epochs).evaluateEachEpoch(false).seed(42).build();
        double es = new Trainer(single, Loss.CROSS_ENTROPY, cfg).fit(dataSet()).last().loss();
        MlpModel m = new MlpEstimator().setHiddenLayers(16).setOptimizer("scg").setMaxIter(epochs).setSeed(42).fit(frame(3));
        double ed = m.summary().history().get(epochs - 1).trainLoss();
        assertEquals(es, ed, 0.02 * es, "training error after " + epochs + " SCG iterations");   // same descent, rounding-driven drift: within 2%
    }

    /**
     * A short fit declares its work with every task ({@code KernelProvider.expectWork(flops,
     * elementwise)}), so the executors' element-wise loops take their scalar form, which needs no
     * JIT warm-up; the weights are the same bits as with the vector loops.
     */
    @Test
    void aShortFitTakesTheScalarLoopsAndTheSameWeights() {
        assumeTrue(KernelProvider.vectorModulePresent(), "the vector loops need the jdk.incubator.vector module");
        MlpEstimator est = new MlpEstimator().setHiddenLayers(16).setActivations("tanh").setOptimizer("lbfgs").setMaxIter(6).setSeed(42);
        float[] vector, scalar, declared;
        try {
            ElementwiseLoops.pin(false);
            vector = est.fit(frame(3)).libraryModel().network().params();
            ElementwiseLoops.pin(true);
            scalar = est.fit(frame(3)).libraryModel().network().params();
            ElementwiseLoops.unpin();
            assertEquals("vector", ElementwiseLoops.form(1 << 16));
            declared = est.fit(frame(3)).libraryModel().network().params();
            assertEquals("scalar", ElementwiseLoops.form(1 << 16), "the fit's tasks declared a short run");
        } finally {
            ElementwiseLoops.unpin();
        }
        assertArrayEquals(vector, scalar, "scalar loops: the same bits as the vector loops");
        assertArrayEquals(vector, declared, "the declared run: the same bits");
    }

    @Test
    void sameBitsRunToRunForAFixedPartitioning() {
        int old = Partial.treeAbove;
        try {
            for (int treeAbove : new int[] {16, 2}) {   // collected shares, and the two-level tree (5 partitions in groups of 3)
                Partial.treeAbove = treeAbove;
                float[] first = null;
                for (int run = 0; run < 2; run++) {
                    MlpModel m = new MlpEstimator().setHiddenLayers(16).setOptimizer("lbfgs").setMaxIter(6).setSeed(42).fit(frame(5));
                    float[] w = m.libraryModel().network().params();
                    if (first == null) first = w.clone();
                    else assertArrayEquals(first, w, "tree above " + treeAbove + ", run " + run);
                }
                assertTrue(first.length > 0);
            }
        } finally {
            Partial.treeAbove = old;
        }
    }
}
