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

    /**
     * With at most as many partitions as task slots, a full-batch fit runs every pass, the validation
     * and the final figures among the tasks of one barrier job (the optimizer in partition 0's task),
     * and an averaging fit an epoch's rounds in one: the same bits as with a Spark job per pass or round,
     * the same history and figures, and the same bits run to run.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lbfgs", "irprop-", "adam:lr=0.01"})
    void barrierJobsGiveTheBitsOfAJobPerPass(String optimizer) {
        Dataset<Row> df = frame(2);
        MlpEstimator est = new MlpEstimator().setHiddenLayers(16).setActivations("tanh").setOptimizer(optimizer).setMaxIter(8)
                .setValidationFraction(0.2).setPatience(3).setRegParam(1e-4).setSeed(42);
        if (optimizer.startsWith("adam")) est.setBatchSize(32).setAveragingSteps(3);
        boolean old = Mesh.enabled;
        MlpModel perPass, barrier, again;
        try {
            Mesh.enabled = false;
            perPass = est.fit(df);
            Mesh.enabled = true;
            barrier = est.fit(df);
            again = est.fit(df);
        } finally {
            Mesh.enabled = old;
        }
        FitSummary a = perPass.summary(), b = barrier.summary();
        assertTrue(!a.barrier() && b.barrier(), "one job per pass, then barrier jobs");
        assertArrayEquals(perPass.libraryModel().network().params(), barrier.libraryModel().network().params(), optimizer + ": the same weights");
        assertArrayEquals(barrier.libraryModel().network().params(), again.libraryModel().network().params(), optimizer + ": run to run");
        assertEquals(a.history().size(), b.history().size());
        for (int i = 0; i < a.history().size(); i++) {
            assertEquals(a.history().get(i).trainLoss(), b.history().get(i).trainLoss(), "training error of epoch " + (i + 1));
            assertEquals(a.history().get(i).validationLoss(), b.history().get(i).validationLoss(), "validation error of epoch " + (i + 1));
        }
        assertEquals(a.stopReason(), b.stopReason());
        assertEquals(a.passes(), b.passes());
        assertEquals(a.trainLoss(), b.trainLoss());
        assertEquals(a.validationAccuracy(), b.validationAccuracy());
        assertEquals(perPass.libraryModel().provenance().distributed().dataFingerprint(), barrier.libraryModel().provenance().distributed().dataFingerprint());
        assertEquals(List.of("driver"), b.executors());
        // every pass or round, the validation and the final figures: one job
        assertEquals(1, b.jobs(), "jobs after the read");
        assertTrue(a.jobs() > b.jobs(), a.jobs() + " jobs with one per pass");
    }

    /**
     * The kept tasks of a fit in one JVM share their blocks' row groups (Crew): with partitions of
     * 20,000 and 400 rows of 64 features (a block above Backprop.CHUNK rows is cut into groups), the
     * small partition's task takes groups of the large one's after answering, and the weights are the
     * bits of the same fit with a job per pass, whose tasks work alone.
     */
    @Test
    void keptTasksInOneJvmShareTheirRowGroups() {
        org.apache.spark.api.java.function.FlatMapFunction<Integer, Row> gen = p -> {
            org.backprop4j.Rng rng = new org.backprop4j.Rng(11 + p);
            List<Row> part = new java.util.ArrayList<>();
            for (int i = 0; i < (p == 0 ? 20_000 : 400); i++) {
                double[] x = new double[64];
                for (int j = 0; j < 64; j++) x[j] = rng.nextGaussian() + (j % 3 == i % 3 ? 1.0 : 0.0);
                part.add(org.apache.spark.sql.RowFactory.create(org.apache.spark.ml.linalg.Vectors.dense(x), (double) (i % 3)));
            }
            return part.iterator();
        };
        Dataset<Row> df = spark.createDataFrame(jsc.parallelize(List.of(0, 1), 2).flatMap(gen), TestData.SCHEMA).cache();
        MlpEstimator est = new MlpEstimator().setHiddenLayers(256).setActivations("tanh").setOptimizer("lbfgs").setMaxIter(4).setSeed(42);
        boolean old = Mesh.enabled;
        MlpModel alone, crew;
        long shared0 = Crew.SHARED.get();
        try {
            Mesh.enabled = false;
            alone = est.fit(df);
            long shared1 = Crew.SHARED.get();
            assertEquals(shared0, shared1, "a job's tasks work alone");
            Mesh.enabled = true;
            crew = est.fit(df);
        } finally {
            Mesh.enabled = old;
            df.unpersist();
        }
        assertTrue(crew.summary().barrier());
        assertTrue(Crew.SHARED.get() > shared0, "the small partition's task took row groups of the large one");
        assertArrayEquals(alone.libraryModel().network().params(), crew.libraryModel().network().params());
        assertEquals(alone.summary().trainLoss(), crew.summary().trainLoss());
    }

    /**
     * Barrier jobs need a task slot for every partition at once (local[2] has two), Spark's rule for
     * the RDDs of a barrier stage (as many partitions in each: a coalesce breaks it) and at most
     * Mesh.maxPartitions partitions; otherwise a fit runs one job per pass, as before.
     */
    @Test
    void barrierJobsOnlyWhereSparkCanRunThem() {
        JavaRDD<FloatBlock> two = Blocks.build(frame(2), new Blocks.Layout("features", "label", 4, 3, 100, 0, 42));
        JavaRDD<FloatBlock> three = Blocks.build(frame(3), new Blocks.Layout("features", "label", 4, 3, 100, 0, 42));
        JavaRDD<FloatBlock> coalesced = Blocks.build(frame(4).coalesce(2), new Blocks.Layout("features", "label", 4, 3, 100, 0, 42));
        try {
            assertTrue(Mesh.usable(jsc, two));
            assertTrue(!Mesh.usable(jsc, three), "3 partitions, 2 slots");
            assertTrue(!Mesh.usable(jsc, coalesced), "4 partitions read into 2 tasks");
            int old = Mesh.maxPartitions;
            try {
                Mesh.maxPartitions = 1;
                assertTrue(!Mesh.usable(jsc, two), "above maxPartitions");
            } finally {
                Mesh.maxPartitions = old;
            }
        } finally {
            two.unpersist(true);
            three.unpersist(true);
            coalesced.unpersist(true);
        }
        MlpModel m = new MlpEstimator().setHiddenLayers(8).setMaxIter(3).fit(frame(4).coalesce(2));
        assertTrue(!m.summary().barrier());
        assertTrue(m.libraryModel().provenance().distributed().scheme().contains("a Spark job per pass"), m.libraryModel().provenance().distributed().scheme());
    }

    /** The driver's side of a kept task's connection probes a silent peer within a minute (where the system has the options). */
    @Test
    void keptTasksConnectionsProbeASilentPeer() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             java.net.Socket client = new java.net.Socket(server.getInetAddress(), server.getLocalPort());
             java.net.Socket s = server.accept()) {
            Hub.keepAlive(s);
            assertTrue(s.getKeepAlive(), "keep-alive on");
            if (s.supportedOptions().contains(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE)) {
                assertEquals(30, s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE));
                assertEquals(10, s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL));
                assertEquals(3, s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT));
            }
        }
    }

    /** Messages between barrier tasks carry every byte value, floats, doubles and text unchanged. */
    @Test
    void meshMessagesRoundTrip() {
        float[] f = {0f, -0f, 1.5f, Float.NaN, Float.MIN_VALUE, -Float.MAX_VALUE, Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0x80ff00ff)};
        double[] d = {Math.PI, -0.0, Double.longBitsToDouble(0xfff8000000000123L), Double.MIN_VALUE};
        Mesh.Out o = new Mesh.Out(1 + 4 + 8 + 8 + Mesh.Out.text("exécuteur 7") + Mesh.Out.floats(f) + Mesh.Out.doubles(d) + 2 * Mesh.Out.floats(null));
        o.b(0xff).i(-7).l(Long.MIN_VALUE).d(-2.5).s("exécuteur 7").f(f).dd(d).f(null).dd(null);
        Mesh.In in = new Mesh.In(java.util.Arrays.copyOf(o.array(), o.size()));
        assertEquals((byte) 0xff, in.b());
        assertEquals(-7, in.i());
        assertEquals(Long.MIN_VALUE, in.l());
        assertEquals(-2.5, in.d());
        assertEquals("exécuteur 7", in.s());
        float[] g = in.f();
        for (int i = 0; i < f.length; i++) assertEquals(Float.floatToRawIntBits(f[i]), Float.floatToRawIntBits(g[i]), "float " + i);
        double[] e = in.dd();
        for (int i = 0; i < d.length; i++) assertEquals(Double.doubleToRawLongBits(d[i]), Double.doubleToRawLongBits(e[i]), "double " + i);
        assertEquals(null, in.f());
        assertEquals(null, in.dd());
        assertTrue(in.empty());
        assertTrue(new Mesh.In(new byte[new Mesh.Out(0).size()]).empty());
    }

    /**
     * The kept tasks' messages reuse their buffers: a message no larger than the last is written into
     * the same buffer, a connection's messages are read into one buffer grown to the largest, and arrays
     * are decoded into the caller's array of the right length (an averaging round's megabytes are not
     * allocated again each round), every value unchanged.
     */
    @Test
    void meshBuffersAreReusedMessageAfterMessage() throws java.io.IOException {
        float[] w = {1.5f, -0f, Float.MIN_VALUE}, v = {2f, 3f, 4f};
        double[] s = {Math.PI, -1};
        Mesh.Out first = Mesh.Out.reuse(null, 1 + Mesh.Out.floats(w) + Mesh.Out.doubles(s)).b(3).f(w).dd(s);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream o = new java.io.DataOutputStream(bytes);
        Hub.write(o, first);
        Mesh.Out second = Mesh.Out.reuse(first, 1 + Mesh.Out.floats(v));
        assertTrue(second == first, "a smaller message reuses the buffer");
        Hub.write(o, second.b(1).f(v));
        assertTrue(Mesh.Out.reuse(second, second.array().length + 1) != second, "a larger one gets its own");
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()));
        Mesh.Inbox inbox = new Mesh.Inbox();
        float[] into = new float[3];
        double[] sInto = new double[2];
        Mesh.In a = inbox.next(in);
        assertEquals(3, a.b());
        assertTrue(a.f(into) == into, "decoded into the caller's array");
        assertTrue(a.dd(sInto) == sInto);
        assertArrayEquals(w, into);
        assertArrayEquals(s, sInto);
        assertTrue(a.empty());
        Mesh.In b = inbox.next(in);
        assertEquals(1, b.b());
        assertArrayEquals(v, b.f(new float[2]), "an array of another length is not reused");
        assertTrue(b.empty(), "the second message ends where it was written, whatever the buffer's size");
    }

    /**
     * An epoch listener may run Spark jobs of its own (here a count): the kept tasks are released
     * before it is called, so it never waits for a slot they hold, and kept again at the next pass;
     * the weights are the bits of a fit without a listener.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lbfgs", "adam:lr=0.01"})
    void anEpochListenerMayRunSparkJobs(String optimizer) {
        Dataset<Row> df = frame(2);
        MlpEstimator est = smallFit(optimizer, 64, 2);
        float[] plain = est.fit(df).libraryModel().network().params();
        java.util.List<Long> counts = new java.util.ArrayList<>();
        MlpModel m = est.setEpochListener((e, net) -> counts.add(spark.range(10).count())).fit(df);
        assertEquals(List.of(10L, 10L, 10L), counts);
        assertTrue(m.summary().barrier());
        assertEquals(4, m.summary().jobs(), "the tasks kept for each epoch, released for the listener, and kept for the final figures");
        assertArrayEquals(plain, m.libraryModel().network().params());
    }

    /**
     * Where the tasks cannot be kept after all (here the driver cannot listen on its address; on a
     * cluster, e.g. a firewall between the executors and the driver), the fit goes on with a job per
     * pass and the same bits.
     */
    @Test
    void aFitWhoseTasksCannotBeKeptRunsAJobPerPass() {
        Dataset<Row> df = frame(2);
        MlpEstimator est = new MlpEstimator().setHiddenLayers(8).setOptimizer("lbfgs").setMaxIter(3).setSeed(42);
        float[] kept = est.fit(df).libraryModel().network().params();
        MlpModel m;
        try {
            Hub.bindAddress = "192.0.2.1";   // TEST-NET-1 (RFC 5737): no interface of this machine has it
            m = est.fit(df);
        } finally {
            Hub.bindAddress = null;
        }
        assertTrue(!m.summary().barrier());
        assertTrue(m.summary().jobs() > 3, m.summary().jobs() + " jobs");
        assertArrayEquals(kept, m.libraryModel().network().params());
    }

    /** A 3-epoch fit with 8 hidden units; an Adam fit with the given batch and averaging steps. */
    private static MlpEstimator smallFit(String optimizer, int batch, int averagingSteps) {
        MlpEstimator est = new MlpEstimator().setHiddenLayers(8).setOptimizer(optimizer).setMaxIter(3).setSeed(42);
        if (optimizer.startsWith("adam")) est.setBatchSize(batch).setAveragingSteps(averagingSteps);
        return est;
    }

    /**
     * An executor lost while the fit keeps its tasks (here partition 0's task dies before its third
     * command): the fit goes on with a Spark job per pass, which Spark retries like any task, and ends
     * with the weights of a fit that never kept its tasks.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lbfgs", "adam:lr=0.01"})
    void aFitWhoseKeptTasksAreLostGoesOnWithAJobPerPass(String optimizer) {
        Dataset<Row> df = frame(2);
        MlpEstimator est = smallFit(optimizer, 32, 3);
        boolean old = Mesh.enabled;
        MlpModel perPass, lost;
        try {
            Mesh.enabled = false;
            perPass = est.fit(df);
            Mesh.enabled = true;
            Hub.failAt = 2;
            lost = est.fit(df);
        } finally {
            Hub.failAt = -1;
            Mesh.enabled = old;
        }
        FitSummary b = lost.summary();
        assertTrue(b.barrier(), "the fit kept its tasks first");
        assertTrue(b.jobs() > 2, b.jobs() + " jobs: one per pass after the loss");
        assertArrayEquals(perPass.libraryModel().network().params(), lost.libraryModel().network().params(), optimizer + ": the same weights");
        assertEquals(perPass.summary().trainLoss(), b.trainLoss());
        assertEquals(perPass.summary().passes(), b.passes());
    }
}
