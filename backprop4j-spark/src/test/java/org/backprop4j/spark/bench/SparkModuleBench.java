package org.backprop4j.spark.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.spark.MlpEstimator;
import org.backprop4j.spark.MlpModel;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.Trainer;

/**
 * backprop4j-spark on Fashion-MNIST in local mode, the counterpart of the MLPC peer harness
 * (../shared/bench/peers/spark): the same DataFrame (P contiguous slices of the training set,
 * pixels/255, cached and counted), the same 784-H-10 network; {@code fit()} timed alone; one
 * JSON line on stdout. {@code --engine single} trains the same network with the single-machine
 * library (full batch) in this JVM instead, for the Spark-overhead ratio.
 *
 * <pre>
 * SparkModuleBench [--engine spark|single] [--optimizer SPEC] [--batch B] [--averaging K]
 *                  [--max-iter N] [--threads T] [--partitions P] [--hidden H] [--activation A] [--seed S]
 * </pre>
 */
public final class SparkModuleBench {
    private static final PrintStream JSON_OUT = System.out;

    static { System.setOut(System.err); }

    private static final int PIXELS = 784, CLASSES = 10;
    private static final StructType SCHEMA = new StructType().add("label", DataTypes.DoubleType, false).add("features", SQLDataTypes.VectorType(), false);

    public static void main(String[] argv) throws Exception {
        String loadAvg = Files.readString(Path.of("/proc/loadavg")).trim();
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) o.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        String engine = o.getOrDefault("engine", "spark");
        String optimizer = o.getOrDefault("optimizer", "lbfgs");
        int batch = Integer.parseInt(o.getOrDefault("batch", "-1"));
        int averaging = Integer.parseInt(o.getOrDefault("averaging", "16"));
        int maxIter = Integer.parseInt(o.getOrDefault("max-iter", "20"));
        int threads = Integer.parseInt(o.getOrDefault("threads", "2"));
        int partitions = Integer.parseInt(o.getOrDefault("partitions", "2"));
        int hidden = Integer.parseInt(o.getOrDefault("hidden", "128"));
        String activation = o.getOrDefault("activation", "logistic");
        long seed = Long.parseLong(o.getOrDefault("seed", "42"));
        double target = Double.parseDouble(o.getOrDefault("target-accuracy", "0"));   // > 0: score the test set after every epoch
        String dir = System.getenv().getOrDefault("FMNIST_DIR", "/usr/share/datasets/fashion-mnist");

        byte[][] trainIdx = readPair(dir, "train"), testIdx = readPair(dir, "t10k");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("system", engine.equals("single") ? "backprop4j-library" : "backprop4j-spark");
        r.put("engine", engine);
        r.put("workload", "fashion-mnist 784-" + hidden + "-10 " + activation + " " + optimizer + (batch > 0 ? " batch " + batch : ""));
        r.put("optimizer", optimizer);
        r.put("batch", batch);
        r.put("max_iter", maxIter);
        if (engine.equals("single")) single(r, trainIdx, testIdx, optimizer, batch, maxIter, hidden, activation, seed, target);
        else spark(r, trainIdx, testIdx, optimizer, batch, averaging, maxIter, threads, partitions, hidden, activation, seed, target);
        r.put("peak_rss_mb", peakRssMb());
        r.put("jvm_max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        r.put("java", System.getProperty("java.runtime.version"));
        r.put("loadavg_at_start", loadAvg);
        JSON_OUT.println(json(r));
    }

    static void spark(Map<String, Object> r, byte[][] trainIdx, byte[][] testIdx, String optimizer, int batch, int averaging, int maxIter,
                      int threads, int partitions, int hidden, String activation, long seed, double target) throws IOException {
        long t0 = System.nanoTime();
        SparkSession spark = SparkSession.builder().appName("backprop4j-spark-bench").master("local[" + threads + "]")
                .config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        double startup = (System.nanoTime() - t0) / 1e9;
        try {
            long t1 = System.nanoTime();
            Dataset<Row> train = dataFrame(spark, trainIdx, partitions).cache();
            long n = train.count();
            Dataset<Row> test = dataFrame(spark, testIdx, partitions);
            double load = (System.nanoTime() - t1) / 1e9;
            double hwmLoad = peakRssMb();
            MlpEstimator est = new MlpEstimator().setHiddenLayers(hidden).setActivations(activation).setOptimizer(optimizer)
                    .setBatchSize(batch).setAveragingSteps(averaging).setMaxIter(maxIter).setSeed(seed);
            Curve curve = target > 0 ? new Curve(dataSet(testIdx), target) : null;
            TaskMetricsSum tasks = new TaskMetricsSum();
            spark.sparkContext().addSparkListener(tasks);
            long t2 = System.nanoTime();
            if (curve != null) {
                curve.start = t2;
                est.setEpochListener((ep, net) -> curve.epoch(ep.epoch(), net));
            }
            MlpModel m = est.fit(train);
            double fit = (System.nanoTime() - t2) / 1e9 - (curve == null ? 0 : curve.excluded / 1e9);
            int fitJobs;
            try {
                spark.sparkContext().listenerBus().waitUntilEmpty();
                fitJobs = tasks.jobSeconds.size();
            } catch (java.util.concurrent.TimeoutException e) {
                fitJobs = -1;
            }
            double hwmFit = peakRssMb();
            long t3 = System.nanoTime();
            double acc = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(m.transform(test));
            double eval = (System.nanoTime() - t3) / 1e9;
            var s = m.summary();
            r.put("train_samples", n);
            r.put("train_seconds", round(fit, 4));
            r.put("test_accuracy", round(acc, 4));
            r.put("final_train_loss", round(s.history().get(s.history().size() - 1).trainLoss(), 6));
            r.put("final_data_loss", round(s.trainLoss(), 6));
            r.put("final_train_accuracy", round(s.trainAccuracy(), 4));
            r.put("epochs_run", s.history().size());
            r.put("executors_used", s.executors().toString());
            if (curve != null) curve.put(r);
            try {
                spark.sparkContext().listenerBus().waitUntilEmpty();   // the last tasks' metrics are delivered
            } catch (java.util.concurrent.TimeoutException e) {
                r.put("task_metrics_note", "the listener bus did not drain");
            }
            r.put("task_metrics_all_fit_jobs", tasks.summary());
            r.put("jobs_since_fit_start", tasks.jobSeconds.size());   // the fit's, then the scoring's
            r.put("first_fit_jobs_seconds", tasks.jobSeconds.subList(0, Math.min(5, tasks.jobSeconds.size())).toString());
            if (fitJobs > 0) {
                r.put("fit_jobs", fitJobs);
                r.put("fit_last_job_seconds", tasks.jobSeconds.get(fitJobs - 1));   // the final figures' pass
            }
            r.put("kernels", org.backprop4j.kernel.KernelProvider.get().toString());
            r.put("full_batch", s.fullBatch());
            r.put("spark_passes", s.passes());
            r.put("barrier", s.barrier());   // passes (full batch) or rounds (averaging) among the tasks of barrier jobs
            r.put("jobs_after_read", s.jobs());
            r.put("prepare_seconds", round(fit - s.fitSeconds(), 3));
            if (s.fullBatch() && s.passes() > 0) {
                Map<String, Object> per = new LinkedHashMap<>();
                double p = s.passes();
                per.put("job_wall", round(s.jobSeconds() / p, 4));
                per.put("compute_slowest_task", round(s.computeSeconds() / p, 4));
                per.put("compute_mean_task", round(s.meanTaskComputeSeconds() / p, 4));
                per.put("broadcast_create", round(s.broadcastSeconds() / p, 5));
                per.put("broadcast_fetch_slowest_task", round(s.fetchSeconds() / p, 5));
                per.put("driver_scale_and_step", round(s.driverSeconds() / p, 5));
                per.put("scheduling_serialization_aggregation", round((s.jobSeconds() - s.computeSeconds() - s.fetchSeconds()) / p, 4));
                per.put("driver_in_order_sum", round(s.aggregationSeconds() / p, 5));
                r.put("seconds_per_pass", per);
                r.put("share_serialization_roundtrip_seconds", round(serializationRoundTrip(784 * hidden + hidden + hidden * 10 + 10), 5));
            }
            r.put("stop_reason", s.stopReason());
            r.put("startup_seconds", round(startup, 3));
            r.put("load_seconds", round(load, 3));
            r.put("eval_seconds", round(eval, 3));
            r.put("peak_rss_mb_after_load", round(hwmLoad, 1));   // the same DataFrame as the MLPC harness's: the part fit() does not add
            r.put("peak_rss_mb_after_fit", round(hwmFit, 1));
            r.put("spark_master", "local[" + threads + "]");
            r.put("partitions", partitions);
            r.put("averaging_steps", averaging);
        } finally {
            spark.stop();
        }
    }

    /** The same network trained by the library's Trainer (full batch, or mini-batches of {@code batch} > 0), this JVM's kernels and threads. */
    static void single(Map<String, Object> r, byte[][] trainIdx, byte[][] testIdx, String optimizer, int batch, int maxIter, int hidden,
                       String activation, long seed, double target) {
        DataSet train = dataSet(trainIdx), test = dataSet(testIdx);
        Network net = Network.builder(PIXELS).layer(hidden, Activation.parse(activation)).layer(CLASSES, Activation.SOFTMAX).build(Init.parse("auto"), seed);
        TrainingConfig.Builder cb = TrainingConfig.builder();
        if (batch > 0) cb.miniBatch(batch);
        else cb.fullBatch();
        TrainingConfig cfg = cb.optimizer(optimizer).epochs(maxIter).evaluateEachEpoch(false).seed(seed).build();
        // the kernels and element-wise loops for a run of this size, declared as the Spark module declares its fit
        // (the products' operations, 4 element-wise values per hidden and output unit, per row and epoch)
        org.backprop4j.kernel.KernelProvider.expectWork(org.backprop4j.kernel.KernelProvider.trainingFlops(net.sizes(), train.size(), maxIter),
                4.0 * (hidden + CLASSES) * train.size() * maxIter);
        Curve curve = target > 0 ? new Curve(test, target) : null;
        // timed as the Spark fit is: the kernels chosen and loaded (the Trainer's constructor here, a
        // Spark fit's first task on its executor), training, and the training figures at the returned
        // weights (the Spark fit computes them for its model's record; the library's train for its model file)
        long t0 = System.nanoTime();
        if (curve != null) curve.start = t0;
        Trainer trainer = new Trainer(net, Loss.CROSS_ENTROPY, cfg);
        if (curve != null) trainer.addListener((st, t) -> curve.epoch(st.epoch(), net));
        long t1 = System.nanoTime();
        var res = trainer.fit(train);
        long t2 = System.nanoTime();
        Evaluation fin = Evaluation.of(new Backprop(net, Loss.CROSS_ENTROPY), train);
        long t3 = System.nanoTime();
        double excluded = curve == null ? 0 : curve.excluded / 1e9;
        double fit = (t3 - t0) / 1e9 - excluded;
        if (curve != null) curve.put(r);
        r.put("train_samples", train.size());
        r.put("train_seconds", round(fit, 4));
        r.put("trainer_fit_seconds", round((t2 - t1) / 1e9 - excluded, 4));   // Trainer.fit alone
        r.put("kernel_choice_seconds", round((t1 - t0) / 1e9, 4));
        r.put("final_evaluation_seconds", round((t3 - t2) / 1e9, 4));
        r.put("final_train_accuracy", round(fin.accuracy(), 4));
        r.put("test_accuracy", round(Evaluation.of(new Backprop(net, Loss.CROSS_ENTROPY), test).accuracy(), 4));
        r.put("final_train_loss", round(res.last().loss(), 6));
        r.put("epochs_run", res.epochs());
        r.put("threads", org.backprop4j.kernel.KernelProvider.threads());
        r.put("kernels", org.backprop4j.kernel.KernelProvider.get().toString());
    }

    /**
     * Test accuracy after every epoch, for the time to an accuracy: seconds since the fit started,
     * the scoring itself left out (it runs on the driver between epochs, when no task runs).
     */
    static final class Curve {
        final DataSet test;
        final double target;
        long start, excluded;
        final List<String> points = new ArrayList<>();
        double timeToTarget = Double.NaN;
        int epochToTarget;

        Curve(DataSet test, double target) {
            this.test = test;
            this.target = target;
        }

        void epoch(int epoch, Network net) {
            long t0 = System.nanoTime();
            double acc = Evaluation.of(new Backprop(net, Loss.CROSS_ENTROPY), test).accuracy();
            double at = (t0 - start - excluded) / 1e9;
            points.add("[" + epoch + ", " + round(at, 3) + ", " + round(acc, 4) + "]");
            if (acc >= target && epochToTarget == 0) {
                epochToTarget = epoch;
                timeToTarget = at;
            }
            excluded += System.nanoTime() - t0;
        }

        void put(Map<String, Object> r) {
            r.put("target_accuracy", target);
            r.put("epoch_to_target", epochToTarget);
            r.put("seconds_to_target", Double.isNaN(timeToTarget) ? null : round(timeToTarget, 3));
            r.put("curve_epoch_seconds_test_accuracy", "[" + String.join(", ", points) + "]");
        }
    }

    /**
     * Spark's own task metrics summed over the tasks of the fit's jobs (from a listener): executor run
     * time, result serialization, deserialization of the task (closure and broadcast handles), JVM GC,
     * result bytes.
     */
    static final class TaskMetricsSum extends org.apache.spark.scheduler.SparkListener {
        long tasks, runMs, resultSerMs, deserMs, gcMs, resultBytes, gettingResultMs;
        final Map<Integer, Long> jobStart = new LinkedHashMap<>();
        final List<Double> jobSeconds = new ArrayList<>();   // wall time of each job, in the order they started

        @Override
        public synchronized void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart e) {
            jobStart.put(e.jobId(), e.time());
            jobSeconds.add(null);
        }

        @Override
        public synchronized void onJobEnd(org.apache.spark.scheduler.SparkListenerJobEnd e) {
            Long t0 = jobStart.get(e.jobId());
            if (t0 == null) return;
            int i = new ArrayList<>(jobStart.keySet()).indexOf(e.jobId());
            jobSeconds.set(i, (e.time() - t0) / 1000.0);
        }

        @Override
        public synchronized void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd e) {
            var m = e.taskMetrics();
            if (m == null) return;
            tasks++;
            runMs += m.executorRunTime();
            resultSerMs += m.resultSerializationTime();
            deserMs += m.executorDeserializeTime();
            gcMs += m.jvmGCTime();
            resultBytes += m.resultSize();
            if (e.taskInfo().gettingResult()) gettingResultMs += e.taskInfo().finishTime() - e.taskInfo().gettingResultTime();
        }

        synchronized Map<String, Object> summary() {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("tasks", tasks);
            o.put("executor_run_ms", runMs);
            o.put("result_serialization_ms", resultSerMs);
            o.put("task_deserialization_ms", deserMs);
            o.put("gc_ms", gcMs);
            o.put("result_bytes", resultBytes);
            return o;
        }
    }

    static DataSet dataSet(byte[][] idx) {
        int n = idx[1].length;
        float[] x = new float[n * PIXELS];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) x[i] = (idx[0][i] & 0xff) / 255f;
        for (int i = 0; i < n; i++) y[i] = idx[1][i] & 0xff;
        List<String> names = new ArrayList<>();
        for (int k = 0; k < CLASSES; k++) names.add(Integer.toString(k));
        return DataSet.classification(x, PIXELS, y, names);
    }

    /** P contiguous slices in file order, built on the executors from broadcast bytes (as the MLPC harness does). */
    static Dataset<Row> dataFrame(SparkSession spark, byte[][] idx, int partitions) {
        int n = idx[1].length;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> images = jsc.broadcast(idx[0]), labels = jsc.broadcast(idx[1]);
        JavaRDD<Row> rows = jsc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions).flatMap(p -> {
            byte[] img = images.value(), lab = labels.value();
            int from = (int) ((long) n * p / partitions), to = (int) ((long) n * (p + 1) / partitions);
            return IntStream.range(from, to).mapToObj(i -> {
                double[] x = new double[PIXELS];
                for (int j = 0, k = i * PIXELS; j < PIXELS; j++, k++) x[j] = (img[k] & 0xff) / 255.0;
                return RowFactory.create((double) (lab[i] & 0xff), Vectors.dense(x));
            }).iterator();
        });
        return spark.createDataFrame(rows, SCHEMA);
    }

    /** Java serialization there and back of one partition's share (a float per parameter as it travels), mean of 20. */
    static double serializationRoundTrip(int params) throws RuntimeException {
        float[] g = new float[params];
        Arrays.fill(g, 0.5f);
        long t = 0;
        try {
            for (int i = 0; i < 25; i++) {
                long t0 = System.nanoTime();
                ByteArrayOutputStream bo = new ByteArrayOutputStream();
                try (ObjectOutputStream out = new ObjectOutputStream(bo)) {
                    out.writeObject(g);
                }
                try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bo.toByteArray()))) {
                    in.readObject();
                }
                if (i >= 5) t += System.nanoTime() - t0;
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new RuntimeException(e);
        }
        return t / 20 / 1e9;
    }

    static byte[][] readPair(String dir, String split) throws IOException {
        return new byte[][] {idx(Path.of(dir, split + "-images-idx3-ubyte.gz")), idx(Path.of(dir, split + "-labels-idx1-ubyte.gz"))};
    }

    static byte[] idx(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p), 1 << 16)) {
            DataInputStream d = new DataInputStream(in);
            int magic = d.readInt();
            long count = 1;
            for (int i = 0; i < (magic & 0xff); i++) count *= d.readInt();
            return d.readNBytes((int) count);
        }
    }

    static double peakRssMb() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
        }
        return -1;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static String json(Object v) {
        if (v == null) return "null";
        if (v instanceof String s) return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        if (v instanceof Number || v instanceof Boolean) return v.toString();
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            for (var e : m.entrySet()) b.append(b.length() > 1 ? ", " : "").append(json(e.getKey().toString())).append(": ").append(json(e.getValue()));
            return b.append('}').toString();
        }
        return json(v.toString());
    }
}
