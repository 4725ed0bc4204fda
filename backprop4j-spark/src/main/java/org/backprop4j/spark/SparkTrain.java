package org.backprop4j.spark;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A ready job for {@code spark-submit}: fits {@link MlpEstimator} on a data set Spark can read
 * (libsvm, parquet, ...; a features vector column and a label column), scores a held-out split,
 * saves the Spark model and, optionally, the backprop4j model file. Prints one JSON line.
 *
 * <pre>
 * spark-submit --class org.backprop4j.spark.SparkTrain backprop4j-spark-VERSION-cluster.jar \
 *   --input data.libsvm [--format libsvm] [--task classification] [--hidden 32[,16...]] [--activation tanh, or one per hidden layer: tanh,relu]
 *   [--optimizer lbfgs] [--batch -1] [--max-iter 100] [--test-fraction 0.2] [--seed 42]
 *   [--partitions N (repartition the training rows)]
 *   [--output model-dir] [--model-file model.json]
 * </pre>
 */
public final class SparkTrain {
    private SparkTrain() {}

    public static void main(String[] args) throws java.io.IOException {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("usage: SparkTrain --input PATH [--format libsvm] [--hidden N] [--optimizer SPEC] ... (see the class's Javadoc); bad argument '" + args[i] + "'");
                System.exit(2);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        if (!o.containsKey("input")) {
            System.err.println("SparkTrain: --input PATH is required");
            System.exit(2);
        }
        SparkSession spark = SparkSession.builder().appName("backprop4j-spark-train").getOrCreate();
        try {
            long seed = Long.parseLong(o.getOrDefault("seed", "42"));
            Dataset<Row> all = spark.read().format(o.getOrDefault("format", "libsvm")).load(o.get("input"));
            double tf = Double.parseDouble(o.getOrDefault("test-fraction", "0.2"));
            Dataset<Row>[] split = all.randomSplit(new double[] {1 - tf, tf}, seed);
            Dataset<Row> train = split[0], test = split[1];
            // a small file is one partition: spread it so that every executor gets a share of each pass
            if (o.containsKey("partitions")) train = train.repartition(Integer.parseInt(o.get("partitions")));
            train = train.cache();
            String task = o.getOrDefault("task", "classification");
            MlpEstimator est = new MlpEstimator().setTask(task)
                    .setHiddenLayers(java.util.Arrays.stream(o.getOrDefault("hidden", "32").split(",")).mapToInt(Integer::parseInt).toArray())
                    .setActivations(o.getOrDefault("activation", "tanh").split(",")).setOptimizer(o.getOrDefault("optimizer", "lbfgs"))
                    .setBatchSize(Integer.parseInt(o.getOrDefault("batch", "-1"))).setMaxIter(Integer.parseInt(o.getOrDefault("max-iter", "100")))
                    .setSeed(seed);
            long t0 = System.nanoTime();
            MlpModel m = est.fit(train);
            double fit = (System.nanoTime() - t0) / 1e9;
            Dataset<Row> scored = m.transform(test);
            double metric = task.equals("regression") ? new RegressionEvaluator().setMetricName("rmse").evaluate(scored)
                    : new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
            if (o.containsKey("output")) m.write().overwrite().save(o.get("output"));
            if (o.containsKey("model-file")) m.exportModelFile(Path.of(o.get("model-file")));
            FitSummary s = m.summary();
            // executors: registered with the application; executors_used: those whose tasks computed the training passes
            System.out.printf(java.util.Locale.ROOT, "{\"fit_seconds\": %.3f, \"%s\": %.4f, \"epochs\": %d, \"train_loss\": %.6f, \"partitions\": %d, "
                    + "\"executors\": %d, \"executors_used\": [%s], \"passes\": %d, \"stop_reason\": \"%s\"}%n",
                    fit, task.equals("regression") ? "test_rmse" : "test_accuracy", metric, s.history().size(), s.trainLoss(),
                    s.partitions(), spark.sparkContext().getExecutorMemoryStatus().size() - 1,
                    String.join(", ", s.executors().stream().map(e -> "\"" + e + "\"").toList()), s.passes(), s.stopReason().replace("\"", "'"));
        } catch (IllegalArgumentException e) {
            System.err.println("SparkTrain: " + e.getMessage());
            System.exit(2);
        } finally {
            spark.stop();
        }
    }
}
