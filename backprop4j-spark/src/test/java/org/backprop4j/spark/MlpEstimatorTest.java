package org.backprop4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.backprop4j.model.Model;
import org.backprop4j.io.ModelFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The estimator as a Spark user meets it: pipelines, persistence, tuning, model files, bad input. */
class MlpEstimatorTest {
    static SparkSession spark;
    static Dataset<Row> train, test;

    @BeforeAll
    static void start() {
        spark = TestData.session("MlpEstimatorTest");
        train = TestData.frame(spark, TestData.blobs(600, 1), 2);
        test = TestData.frame(spark, TestData.blobs(300, 2), 2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static double accuracy(Dataset<Row> scored) {
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
    }

    /** Every row's prediction, in row order. */
    static double[] predictions(Dataset<Row> scored, String col) {
        return scored.select(col).collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
    }

    @Test
    void pipelineFitsScoresSavesAndLoadsWithTheSamePredictions(@TempDir Path dir) throws Exception {
        Pipeline p = new Pipeline().setStages(new PipelineStage[] {
                new StandardScaler().setInputCol("features").setOutputCol("scaled"),
                new MlpEstimator().setFeaturesCol("scaled").setHiddenLayers(8).setMaxIter(40)});
        PipelineModel pm = p.fit(train);
        Dataset<Row> scored = pm.transform(test);
        // the Bayes rate of these blobs is about 0.85; a fitted MLP gets within a few points of it
        assertTrue(accuracy(scored) > 0.78, "test accuracy " + accuracy(scored));
        Row first = scored.first();
        Vector prob = first.getAs("probability"), raw = first.getAs("rawPrediction");
        assertEquals(3, prob.size());
        assertEquals(1.0, java.util.Arrays.stream(prob.toArray()).sum(), 1e-6);   // probabilities sum to one (float outputs)
        assertEquals(argmax(raw), first.<Double>getAs("prediction"), 0.0);

        String path = dir.resolve("pipeline").toString();
        pm.write().overwrite().save(path);
        new Pipeline().setStages(p.getStages()).write().overwrite().save(dir.resolve("unfitted").toString());
        PipelineModel back = PipelineModel.load(path);
        assertArrayEquals(predictions(scored, "prediction"), predictions(back.transform(test), "prediction"));
        List<Row> a = scored.select("probability").collectAsList(), b = back.transform(test).select("probability").collectAsList();
        for (int i = 0; i < a.size(); i++) assertArrayEquals(((Vector) a.get(i).get(0)).toArray(), ((Vector) b.get(i).get(0)).toArray(), "row " + i);
        Pipeline unfitted = Pipeline.load(dir.resolve("unfitted").toString());
        MlpEstimator est = (MlpEstimator) unfitted.getStages()[1];
        assertEquals("scaled", est.getFeaturesCol());
        assertEquals(40, est.getMaxIter());
        assertArrayEquals(new int[] {8}, est.getHiddenLayers());
    }

    static double argmax(Vector v) {
        return v.argmax();
    }

    @Test
    void crossValidatorPicksFromAParamGrid() {
        MlpEstimator est = new MlpEstimator().setHiddenLayers(6);
        ParamMap[] grid = new ParamGridBuilder().addGrid(est.regParam(), new double[] {0.0, 0.5}).addGrid(est.maxIter(), new int[] {0, 25}).build();
        CrossValidatorModel cv = new CrossValidator().setEstimator(est).setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).setNumFolds(2).setSeed(3).fit(train);
        double[] metrics = cv.avgMetrics();
        assertEquals(4, metrics.length);
        MlpModel best = (MlpModel) cv.bestModel();
        // 0 iterations leave the random initial weights: the chosen model ran 25
        assertEquals(25, best.summary().history().size());
        assertTrue(accuracy(cv.transform(test)) > 0.78);
    }

    @Test
    void regressionFitsACurve() {
        Dataset<Row> tr = TestData.frame(spark, TestData.curve(800, 3), 2), te = TestData.frame(spark, TestData.curve(300, 4), 2);
        MlpModel m = new MlpEstimator().setTask("regression").setHiddenLayers(16).setActivations("tanh").setMaxIter(200).fit(tr);
        Dataset<Row> scored = m.transform(te);
        assertEquals(List.of("features", "label", "prediction"), List.of(scored.columns()));
        double rmse = new RegressionEvaluator().setMetricName("rmse").evaluate(scored);
        // the target's own spread is about 0.9 and its noise 0.05: 16 tanh units get well under 0.15
        assertTrue(rmse < 0.15, "test RMSE " + rmse);
    }

    @Test
    void modelFileRoundTripAndWarmStart(@TempDir Path dir) throws Exception {
        MlpModel m = new MlpEstimator().setHiddenLayers(8).setMaxIter(20).fit(train);
        Path file = dir.resolve("m.json");
        m.exportModelFile(file);
        Model lib = ModelFile.read(file);
        assertArrayEquals(m.libraryModel().network().params(), lib.network().params());
        MlpModel imported = MlpModel.fromModelFile(file);
        assertArrayEquals(predictions(m.transform(test), "prediction"), predictions(imported.transform(test), "prediction"));

        // warm start: 20 + 20 iterations of irprop- continue from the file, so the error keeps falling
        MlpModel a = new MlpEstimator().setHiddenLayers(8).setOptimizer("irprop-").setMaxIter(20).fit(train);
        a.exportModelFile(file);
        MlpModel b = new MlpEstimator().setHiddenLayers(8).setOptimizer("irprop-").setMaxIter(20).setInitialModel(file.toString()).fit(train);
        double endA = a.summary().history().get(19).trainLoss(), startB = b.summary().history().get(0).trainLoss();
        assertTrue(startB < endA * 1.05 && startB < a.summary().history().get(0).trainLoss() * 0.8,
                "warm start began at " + startB + "; the first run ended at " + endA);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MlpEstimator().setHiddenLayers(5).setInitialModel(file.toString()).fit(train));
        assertTrue(e.getMessage().contains("initialModel"), e.getMessage());
    }

    @Test
    void miniBatchAveragingAndEarlyStopping() {
        MlpModel m = new MlpEstimator().setHiddenLayers(8).setOptimizer("adam:lr=0.01").setBatchSize(16).setAveragingSteps(4)
                .setMaxIter(200).setValidationFraction(0.2).setPatience(5).fit(train);
        FitSummary r = m.summary();
        assertTrue(!r.fullBatch());
        assertTrue(r.history().size() < 200, "early stopping ended the run: " + r.stopReason());
        assertTrue(r.stopReason().contains("restored the weights of epoch " + r.bestEpoch()), r.stopReason());
        assertTrue(Double.isFinite(r.history().get(0).validationLoss()));
        assertTrue(accuracy(m.transform(test)) > 0.78);
    }

    /** Counts the jobs Spark starts. */
    static final class JobCounter extends org.apache.spark.scheduler.SparkListener {
        private final java.util.concurrent.atomic.AtomicInteger jobs = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart e) {
            jobs.incrementAndGet();
        }

        /** The jobs started so far, once the listener bus has delivered every event. */
        int count() throws java.util.concurrent.TimeoutException {
            spark.sparkContext().listenerBus().waitUntilEmpty();
            return jobs.get();
        }
    }

    /**
     * A fit reads the DataFrame in one job, which also finds the input size, the classes and each
     * partition's rows. Then, with a task slot for every partition, a full-batch fit runs every pass
     * and the final figures in one barrier job, an averaging fit one job per epoch (all its rounds)
     * and one for the final figures; without barrier jobs, one job per pass or round and one for the
     * final figures. Never a job per epoch for metadata.
     */
    @Test
    void aFitReadsTheDataFrameInOneJobAndThenRunsOneJobPerPass() throws Exception {
        Dataset<Row> df = TestData.frame(spark, TestData.blobs(300, 7), 2);
        df.count();
        JobCounter jobs = new JobCounter();
        spark.sparkContext().addSparkListener(jobs);
        boolean old = Mesh.enabled;
        try {
            for (boolean barrier : new boolean[] {true, false}) {
                Mesh.enabled = barrier;
                int before = jobs.count();
                MlpModel full = new MlpEstimator().setHiddenLayers(4).setMaxIter(3).fit(df);
                int afterFull = jobs.count();
                long passes = full.summary().passes();
                assertEquals(barrier, full.summary().barrier());
                assertEquals(1 + (barrier ? 1 : passes + 1), afterFull - before, "read, " + passes + " passes, final figures");
                assertEquals(afterFull - before - 1, full.summary().jobs());
                MlpModel avg = new MlpEstimator().setHiddenLayers(4).setOptimizer("adam:lr=0.01").setBatchSize(16).setAveragingSteps(2)
                        .setMaxIter(3).fit(df);
                long rounds = avg.summary().passes();
                assertEquals(1 + (barrier ? 1 : rounds + 1), jobs.count() - afterFull, "read, " + rounds + " rounds in 3 epochs, final figures");
                assertEquals(3, avg.summary().history().size());
                assertEquals(4, full.libraryModel().network().inputs());
                assertEquals(3, full.libraryModel().network().outputs());
            }
        } finally {
            Mesh.enabled = old;
            spark.sparkContext().removeSparkListener(jobs);
        }
    }

    /** The exported model file says how it was trained: settings, outcome, data and Spark's split of the work. */
    @Test
    void theModelFileCarriesTheTrainingRecord(@TempDir Path dir) throws Exception {
        MlpModel m = new MlpEstimator().setHiddenLayers(8).setActivations("relu").setOptimizer("adam:lr=0.01").setBatchSize(16)
                .setAveragingSteps(4).setMaxIter(6).setRegParam(1e-4).setValidationFraction(0.2).setPatience(3).setSeed(9).fit(train);
        Path file = dir.resolve("m.json");
        m.exportModelFile(file);
        org.backprop4j.model.Provenance p = ModelFile.read(file).provenance();
        FitSummary r = m.summary();

        org.backprop4j.train.Settings s = p.settings();
        assertEquals(List.of(8), s.hidden());
        assertEquals(List.of(org.backprop4j.Activation.RELU), s.activations());
        assertEquals(org.backprop4j.Activation.SOFTMAX, s.output());
        assertEquals(org.backprop4j.Loss.CROSS_ENTROPY, s.loss());
        assertEquals("adam:lr=0.01", s.optimizer());
        assertEquals(6, s.epochs());
        assertEquals(16, s.batch());
        assertEquals(1e-4, s.lambda());
        assertEquals(9L, s.seed());
        assertEquals(0.2, s.validation());
        assertEquals("patience:3", s.earlyStopping());
        assertEquals("off", s.plateau(), "a Spark fit stops on maxIter, early stopping or the rule's own criterion");
        assertEquals("auto", s.init());
        assertTrue(s.isResolved(), "every setting that has a default is recorded");

        org.backprop4j.model.Provenance.Outcome o = p.outcome();
        assertEquals(r.history().size(), o.epochs());
        assertEquals(r.stopReason(), o.stopReason());
        assertEquals(0.01, o.learningRateUsed());
        assertEquals(r.trainLoss(), o.trainLoss());
        assertEquals(r.trainAccuracy(), o.trainAccuracy());
        assertEquals(r.validationLoss(), o.validationLoss());
        assertEquals(r.validationAccuracy(), o.validationAccuracy());
        assertTrue(o.trainLoss() > 0 && o.validationLoss() > 0 && o.trainAccuracy() > 0.5 && o.validationAccuracy() > 0.5, o.toString());
        assertEquals(600, p.data().patterns());
        assertEquals(null, p.data().file(), "a DataFrame built in memory has no file");

        org.backprop4j.model.Provenance.Distributed d = p.distributed();
        assertEquals("Apache Spark " + spark.version(), d.system());
        assertEquals("local[2]", d.master());
        assertEquals(2, d.partitions());
        assertEquals(List.of("driver"), d.executors());   // local mode: the driver's JVM runs the tasks
        assertEquals(r.passes(), d.passes());
        assertTrue(d.scheme().startsWith("mini-batch parameter averaging: 4 local steps of 16 rows"), d.scheme());
        assertEquals(r.executors(), d.executors());
        assertTrue(p.environment() != null && p.environment().library().startsWith("backprop4j "));
    }

    /** Full batch: the recorded final loss and accuracy are the library's own figures for the returned weights on all rows. */
    @Test
    void theRecordedOutcomeIsTheLibrarysEvaluationAndTheFingerprintIgnoresPartitioning() {
        List<Row> rows = TestData.blobs(240, 3);
        MlpModel m = new MlpEstimator().setHiddenLayers(5).setMaxIter(8).fit(TestData.frame(spark, rows, 3));
        org.backprop4j.model.Provenance p = m.libraryModel().provenance();
        float[] x = new float[rows.size() * 4];
        int[] y = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            double[] v = ((Vector) rows.get(i).get(0)).toArray();
            for (int j = 0; j < 4; j++) x[i * 4 + j] = (float) v[j];
            y[i] = (int) rows.get(i).getDouble(1);
        }
        org.backprop4j.data.DataSet ds = org.backprop4j.data.DataSet.classification(x, 4, y, List.of("0", "1", "2"));
        org.backprop4j.metrics.Evaluation ev = org.backprop4j.metrics.Evaluation.of(
                new org.backprop4j.Backprop(m.libraryModel().network(), m.libraryModel().loss()), ds);
        // the same rows in 3 partitions instead of one set: the sums are grouped differently, so equal to float rounding
        assertEquals(ev.loss(), p.outcome().trainLoss(), 1e-6 * ev.loss());
        assertEquals(ev.accuracy(), p.outcome().trainAccuracy(), 1.0 / rows.size());
        assertEquals(Double.NaN, p.outcome().validationLoss());
        assertEquals(8, p.outcome().epochs());
        assertEquals("lbfgs", p.settings().optimizer());
        assertEquals(0, p.settings().batch(), "full batch");
        assertTrue(p.distributed().scheme().startsWith("full batch"), p.distributed().scheme());
        assertEquals(3, p.distributed().partitions());

        // the data's fingerprint: the same rows in any partitioning and order give the same one, other rows another
        String fp = p.distributed().dataFingerprint();
        assertEquals(16, fp.length());
        List<Row> reversed = new ArrayList<>(rows);
        java.util.Collections.reverse(reversed);
        MlpEstimator one = new MlpEstimator().setHiddenLayers(5).setMaxIter(1);
        assertEquals(fp, one.fit(TestData.frame(spark, reversed, 1)).libraryModel().provenance().distributed().dataFingerprint());
        List<Row> changed = new ArrayList<>(rows);
        changed.set(100, RowFactory.create(Vectors.dense(0, 0, 0, 0.5), 1.0));
        assertTrue(!fp.equals(one.fit(TestData.frame(spark, changed, 3)).libraryModel().provenance().distributed().dataFingerprint()));
    }

    // ---- bad input: one clear line naming the column ----

    static List<Row> withRow(Row extra) {
        List<Row> rows = new ArrayList<>(TestData.blobs(60, 5));
        rows.add(31, extra);
        return rows;
    }

    @Test
    void aNaNFeatureNamesTheColumnAndRow() {
        Dataset<Row> df = spark.createDataFrame(withRow(RowFactory.create(Vectors.dense(1, Double.NaN, 0, 0), 1.0)), TestData.SCHEMA).coalesce(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MlpEstimator().setMaxIter(2).fit(df));
        assertEquals("column 'features' of row 31 in partition 0 holds NaN at index 1: backprop4j trains on finite numbers only "
                + "(impute missing values first, e.g. with org.apache.spark.ml.feature.Imputer)", e.getMessage());
        // the row's values are tested together (their exponents): the first non-finite one is named, the largest finite double passes
        Dataset<Row> inf = spark.createDataFrame(withRow(RowFactory.create(Vectors.dense(Double.MAX_VALUE, -0.0, Double.NEGATIVE_INFINITY, Double.NaN), 1.0)),
                TestData.SCHEMA).coalesce(1);
        e = assertThrows(IllegalArgumentException.class, () -> new MlpEstimator().setMaxIter(2).fit(inf));
        assertTrue(e.getMessage().startsWith("column 'features' of row 31 in partition 0 holds -Infinity at index 2: "), e.getMessage());
    }

    @Test
    void aLabelOutOfRangeNamesTheColumn() {
        Dataset<Row> neg = spark.createDataFrame(withRow(RowFactory.create(Vectors.dense(1, 0, 0, 0), -1.0)), TestData.SCHEMA).coalesce(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MlpEstimator().setMaxIter(2).fit(neg));
        assertEquals("column 'label' of row 31 in partition 0 is -1.0: a classification label must be a class index 0, 1, 2, ... "
                + "(index string labels with org.apache.spark.ml.feature.StringIndexer, or setTask(\"regression\"))", e.getMessage());
        Dataset<Row> frac = spark.createDataFrame(withRow(RowFactory.create(Vectors.dense(1, 0, 0, 0), 2.5)), TestData.SCHEMA).coalesce(1);
        e = assertThrows(IllegalArgumentException.class, () -> new MlpEstimator().setMaxIter(2).fit(frac));
        assertEquals("column 'label' of row 31 in partition 0 is 2.5: a classification label must be a class index 0, 1, 2, ... "
                + "(index string labels with org.apache.spark.ml.feature.StringIndexer, or setTask(\"regression\"))", e.getMessage());
        Dataset<Row> mid = spark.createDataFrame(withRow(RowFactory.create(Vectors.dense(1, 0, 0, 0), 0.5)), TestData.SCHEMA).coalesce(1);
        e = assertThrows(IllegalArgumentException.class, () -> new MlpEstimator().setMaxIter(2).fit(mid));
        assertTrue(e.getMessage().startsWith("column 'label' of row 31 in partition 0 is 0.5: a classification label must be a class index"), e.getMessage());
    }

    /** The input size comes from the rows: a partition whose vectors have another size than the first partition's is named with its row. */
    @Test
    void vectorsOfAnotherSizeNameTheRow() {
        List<Row> rows = new ArrayList<>(TestData.blobs(20, 3));
        for (int i = 0; i < 20; i++) rows.add(RowFactory.create(Vectors.dense(1, 2, 3), (double) (i % 3)));
        org.apache.spark.api.java.JavaSparkContext jsc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
        Dataset<Row> two = spark.createDataFrame(jsc.parallelize(rows, 2), TestData.SCHEMA);   // 20 rows of 4 values, then 20 of 3
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MlpEstimator().setMaxIter(2).fit(two));
        assertEquals("column 'features' of row 0 in partition 1 has a vector of size 3, the first row of partition 0 has 4: "
                + "all feature vectors must have the same size (check the VectorAssembler's inputs)", e.getMessage());
        Dataset<Row> one = two.coalesce(1);
        e = assertThrows(IllegalArgumentException.class, () -> new MlpEstimator().setMaxIter(2).fit(one));
        assertEquals("column 'features' of row 20 in partition 0 has a vector of size 3, the partition's first row has 4: "
                + "all feature vectors must have the same size (check the VectorAssembler's inputs)", e.getMessage());
    }

    @Test
    void aMissingColumnNamesItAndListsTheOthers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MlpEstimator().setFeaturesCol("pixels").fit(train));
        assertEquals("features column 'pixels' does not exist; the DataFrame has columns [features, label] "
                + "(set featuresCol, or assemble the column first, e.g. with VectorAssembler)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MlpEstimator().setLabelCol("y").fit(train));
        assertTrue(e.getMessage().startsWith("label column 'y' does not exist"), e.getMessage());
    }

    @Test
    void aSchemaMismatchAtTransformNamesTheColumn() {
        MlpModel m = new MlpEstimator().setHiddenLayers(4).setMaxIter(3).fit(train);
        Dataset<Row> wrong = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(1, 2, 3), 0.0)), TestData.SCHEMA);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InputException.unwrap(() -> m.transform(wrong).collectAsList()));
        assertEquals("column 'features' of row 0 in partition 0 has a vector of size 3, the model was trained on 4 features "
                + "(the DataFrame does not match the training schema)", e.getMessage());
        Dataset<Row> strings = spark.sql("select 'a' as features");
        e = assertThrows(IllegalArgumentException.class, () -> m.transform(strings));
        assertTrue(e.getMessage().startsWith("features column 'features' has type string, expected a vector"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.transform(m.transform(test)));
        assertTrue(e.getMessage().startsWith("output column 'prediction' already exists"), e.getMessage());
    }

    @Test
    void paramsHaveDefaultsAndRejectBadValues() {
        MlpEstimator e = new MlpEstimator();
        assertEquals("lbfgs", e.getOptimizer());
        assertEquals(100, e.getMaxIter());
        assertEquals(-1, e.getBatchSize());
        assertEquals(42L, e.getSeed());
        assertTrue(e.params().length >= 21);
        assertThrows(IllegalArgumentException.class, () -> e.setOptimizer("adamm"));
        assertThrows(IllegalArgumentException.class, () -> e.setOptimizer("adam:lr=x"));
        assertThrows(IllegalArgumentException.class, () -> e.setHiddenLayers(0));
        assertThrows(IllegalArgumentException.class, () -> e.setActivations("softmax"));
        assertThrows(IllegalArgumentException.class, () -> e.setValidationFraction(1.0));
        assertThrows(IllegalArgumentException.class, () -> e.setTask("ranking"));
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> new MlpEstimator().setBatchSize(32).fit(train));
        assertEquals("optimizer lbfgs is a full-batch method: set batchSize to 0 or -1 (it is 32)", x.getMessage());
        x = assertThrows(IllegalArgumentException.class, () -> new MlpEstimator().setLoss("ce").setOutputActivation("identity").fit(train));
        assertTrue(x.getMessage().contains("cross-entropy needs softmax"), x.getMessage());
        assertTrue(Files.exists(Path.of(".")));
    }
}
