package org.backprop4j.spark;

import java.util.Locale;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.train.Optimizers;

/**
 * The parameters shared by {@link MlpEstimator} and {@link MlpModel}, with their defaults and
 * validation. Spark finds parameters through public no-argument methods returning a {@link Param},
 * so each is a default method here over one {@link Set} made per instance.
 */
public interface MlpParams extends Params {

    /** The Param objects of one estimator or model (their parent is its uid). */
    final class Set implements java.io.Serializable {
        final Param<String> featuresCol, labelCol, predictionCol, probabilityCol, rawPredictionCol, task, loss, outputActivation,
                optimizer, init, initialModel;
        final IntArrayParam hiddenLayers;
        final StringArrayParam activations;
        final IntParam batchSize, maxIter, averagingSteps, patience, blockRows;
        final DoubleParam regParam, validationFraction;
        final LongParam seed;

        Set(Params owner) {
            String p = owner.uid();
            featuresCol = new Param<>(p, "featuresCol", "features column name (a vector column)");
            labelCol = new Param<>(p, "labelCol", "label column name (class index 0..K-1, or a number for regression)");
            predictionCol = new Param<>(p, "predictionCol", "prediction column name");
            probabilityCol = new Param<>(p, "probabilityCol", "column name for the class probabilities (classification)");
            rawPredictionCol = new Param<>(p, "rawPredictionCol", "column name for the raw network outputs o^L (classification)");
            task = new Param<>(p, "task", "classification or regression", ParamValidators.inArray(java.util.List.of("classification", "regression")));
            hiddenLayers = new IntArrayParam(owner, "hiddenLayers", "units of each hidden layer (input and output sizes come from the data)",
                    (int[] a) -> java.util.Arrays.stream(a).allMatch(n -> n >= 1));
            activations = new StringArrayParam(owner, "activations", "hidden activation: one for all hidden layers or one per layer ("
                    + "logistic, tanh, relu, leaky_relu, identity, ...)", MlpParams::validActivations);
            loss = new Param<>(p, "loss", "loss: ce, bce, mse or sse; auto = ce for classification, mse for regression", MlpParams::validLoss);
            outputActivation = new Param<>(p, "outputActivation", "output activation; auto = softmax for ce, identity for mse/sse",
                    (String s) -> s.equals("auto") || validActivation(s));
            optimizer = new Param<>(p, "optimizer", "update rule as in the CLI's --optimizer, e.g. lbfgs, irprop-, adam:lr=0.003, sgd:lr=0.1,momentum=0.9",
                    MlpParams::validOptimizer);
            init = new Param<>(p, "init", "weight initialisation: auto, xavier, he, fanin or uniform:R",
                    (String s) -> { try { org.backprop4j.Init.parse(s); return true; } catch (IllegalArgumentException e) { return false; } });
            initialModel = new Param<>(p, "initialModel", "a backprop4j model file to start from (warm start); empty = fresh weights");
            batchSize = new IntParam(p, "batchSize", "rows per update: -1 = the rule's own (full batch for lbfgs, scg, lm, rprop, quickprop; 64 otherwise), 0 = full batch",
                    ParamValidators.gtEq(-1));
            maxIter = new IntParam(p, "maxIter", "epochs (full batch: iterations)", ParamValidators.gtEq(0));
            averagingSteps = new IntParam(p, "averagingSteps", "mini-batch rules: local steps per partition between parameter averages",
                    ParamValidators.gtEq(1));
            patience = new IntParam(p, "patience", "early stopping: epochs without a better validation error", ParamValidators.gtEq(1));
            blockRows = new IntParam(p, "blockRows", "rows per cached float block", ParamValidators.gtEq(1));
            regParam = new DoubleParam(p, "regParam", "L2 decay λ in λ/2‖W‖²", ParamValidators.gtEq(0));
            validationFraction = new DoubleParam(p, "validationFraction", "fraction of rows held out for early stopping (0 = off)",
                    ParamValidators.inRange(0, 1, true, false));
            seed = new LongParam(p, "seed", "seed of the initial weights, the validation split and the mini-batch order");
        }
    }

    /** This instance's Param objects. */
    Set paramSet();

    default Param<String> featuresCol() { return paramSet().featuresCol; }
    default Param<String> labelCol() { return paramSet().labelCol; }
    default Param<String> predictionCol() { return paramSet().predictionCol; }
    default Param<String> probabilityCol() { return paramSet().probabilityCol; }
    default Param<String> rawPredictionCol() { return paramSet().rawPredictionCol; }
    default Param<String> task() { return paramSet().task; }
    default IntArrayParam hiddenLayers() { return paramSet().hiddenLayers; }
    default StringArrayParam activations() { return paramSet().activations; }
    default Param<String> loss() { return paramSet().loss; }
    default Param<String> outputActivation() { return paramSet().outputActivation; }
    default Param<String> optimizer() { return paramSet().optimizer; }
    default Param<String> init() { return paramSet().init; }
    default Param<String> initialModel() { return paramSet().initialModel; }
    default IntParam batchSize() { return paramSet().batchSize; }
    default IntParam maxIter() { return paramSet().maxIter; }
    default IntParam averagingSteps() { return paramSet().averagingSteps; }
    default IntParam patience() { return paramSet().patience; }
    default IntParam blockRows() { return paramSet().blockRows; }
    default DoubleParam regParam() { return paramSet().regParam; }
    default DoubleParam validationFraction() { return paramSet().validationFraction; }
    default LongParam seed() { return paramSet().seed; }

    default String getFeaturesCol() { return getOrDefault(featuresCol()); }
    default String getLabelCol() { return getOrDefault(labelCol()); }
    default String getPredictionCol() { return getOrDefault(predictionCol()); }
    default String getProbabilityCol() { return getOrDefault(probabilityCol()); }
    default String getRawPredictionCol() { return getOrDefault(rawPredictionCol()); }
    default String getTask() { return getOrDefault(task()); }
    default int[] getHiddenLayers() { return getOrDefault(hiddenLayers()); }
    default String[] getActivations() { return getOrDefault(activations()); }
    default String getLoss() { return getOrDefault(loss()); }
    default String getOutputActivation() { return getOrDefault(outputActivation()); }
    default String getOptimizer() { return getOrDefault(optimizer()); }
    default String getInit() { return getOrDefault(init()); }
    default String getInitialModel() { return getOrDefault(initialModel()); }
    default int getBatchSize() { return (Integer) getOrDefault(batchSize()); }
    default int getMaxIter() { return (Integer) getOrDefault(maxIter()); }
    default int getAveragingSteps() { return (Integer) getOrDefault(averagingSteps()); }
    default int getPatience() { return (Integer) getOrDefault(patience()); }
    default int getBlockRows() { return (Integer) getOrDefault(blockRows()); }
    default double getRegParam() { return (Double) getOrDefault(regParam()); }
    default double getValidationFraction() { return (Double) getOrDefault(validationFraction()); }
    default long getSeed() { return (Long) getOrDefault(seed()); }

    /** Sets every default (called once by the constructors). */
    default void setMlpDefaults() {
        Set s = paramSet();
        setDefault(s.featuresCol, "features");
        setDefault(s.labelCol, "label");
        setDefault(s.predictionCol, "prediction");
        setDefault(s.probabilityCol, "probability");
        setDefault(s.rawPredictionCol, "rawPrediction");
        setDefault(s.task, "classification");
        setDefault(s.hiddenLayers, new int[] {32});
        setDefault(s.activations, new String[] {"tanh"});
        setDefault(s.loss, "auto");
        setDefault(s.outputActivation, "auto");
        setDefault(s.optimizer, "lbfgs");
        setDefault(s.init, "auto");
        setDefault(s.initialModel, "");
        setDefault(s.batchSize, -1);
        setDefault(s.maxIter, 100);
        setDefault(s.averagingSteps, 16);
        setDefault(s.patience, 10);
        setDefault(s.blockRows, 16384);
        setDefault(s.regParam, 0.0);
        setDefault(s.validationFraction, 0.0);
        setDefault(s.seed, 42L);
    }

    /** The features column must exist and hold vectors: one line naming the column otherwise. */
    static void requireColumn(StructType schema, String col, String role, boolean vector) {
        StructField f = java.util.Arrays.stream(schema.fields()).filter(x -> x.name().equals(col)).findFirst().orElse(null);
        if (f == null) {
            throw new IllegalArgumentException(role + " column '" + col + "' does not exist; the DataFrame has columns "
                    + java.util.Arrays.toString(schema.fieldNames()) + " (set " + role + "Col, or assemble the column first, e.g. with VectorAssembler)");
        }
        DataType t = f.dataType();
        boolean ok = vector ? t instanceof org.apache.spark.ml.linalg.VectorUDT : t instanceof NumericType;
        if (!ok) {
            throw new IllegalArgumentException(role + " column '" + col + "' has type " + t.simpleString() + ", expected "
                    + (vector ? "a vector (org.apache.spark.ml.linalg.Vector; assemble it with VectorAssembler)" : "a number (index string labels with StringIndexer)"));
        }
    }

    static boolean validActivation(String s) {
        try {
            Activation a = Activation.parse(s);
            return a != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean validActivations(String[] a) {
        if (a.length == 0) return false;
        for (String s : a) if (!validActivation(s) || Activation.parse(s) == Activation.SOFTMAX) return false;
        return true;
    }

    static boolean validLoss(String s) {
        if (s.toLowerCase(Locale.ROOT).equals("auto")) return true;
        try {
            return Loss.parse(s) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean validOptimizer(String s) {
        try {
            Optimizers.parse(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
