package org.backprop4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.Pipeline;
import org.backprop4j.model.Model;
import org.backprop4j.model.Provenance;
import org.backprop4j.train.Optimizers;
import org.backprop4j.train.Settings;
import org.backprop4j.io.ModelFile;

/**
 * A multi-layer perceptron trained by backpropagation on Spark: a Spark ML {@link Estimator} for
 * classification (softmax + cross-entropy by default) and regression (identity + mean squared
 * error), usable in a {@link org.apache.spark.ml.Pipeline} and under
 * {@link org.apache.spark.ml.tuning.CrossValidator}. Full-batch rules (the default L-BFGS, SCG,
 * Rprop, Quickprop, GD) compute each gradient in one Spark pass and step on the driver, giving the
 * single-machine result; mini-batch rules (SGD, momentum, Adam, ...) use local steps and parameter
 * averaging. See docs/SPARK.md.
 *
 * <pre>{@code
 * MlpModel model = new MlpEstimator().setHiddenLayers(128).setActivations("logistic")
 *         .setOptimizer("lbfgs").setMaxIter(100).fit(train);
 * model.transform(test).select("prediction", "probability").show();
 * }</pre>
 */
public final class MlpEstimator extends Estimator<MlpModel> implements MlpParams, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final MlpParams.Set params;

    public MlpEstimator() {
        this(Identifiable$.MODULE$.randomUID("backprop4jMlp"));
    }

    public MlpEstimator(String uid) {
        this.uid = uid;
        this.params = new MlpParams.Set(this);
        setMlpDefaults();
    }

    @Override public String uid() { return uid; }
    @Override public MlpParams.Set paramSet() { return params; }

    public MlpEstimator setFeaturesCol(String v) { set(featuresCol(), v); return this; }
    public MlpEstimator setLabelCol(String v) { set(labelCol(), v); return this; }
    public MlpEstimator setPredictionCol(String v) { set(predictionCol(), v); return this; }
    public MlpEstimator setProbabilityCol(String v) { set(probabilityCol(), v); return this; }
    public MlpEstimator setRawPredictionCol(String v) { set(rawPredictionCol(), v); return this; }
    public MlpEstimator setTask(String v) { set(task(), v); return this; }
    public MlpEstimator setHiddenLayers(int... v) { set(hiddenLayers(), v); return this; }
    public MlpEstimator setActivations(String... v) { set(activations(), v); return this; }
    public MlpEstimator setLoss(String v) { set(loss(), v); return this; }
    public MlpEstimator setOutputActivation(String v) { set(outputActivation(), v); return this; }
    public MlpEstimator setOptimizer(String v) { set(optimizer(), v); return this; }
    public MlpEstimator setInit(String v) { set(init(), v); return this; }
    public MlpEstimator setInitialModel(String v) { set(initialModel(), v); return this; }
    public MlpEstimator setBatchSize(int v) { set(batchSize(), v); return this; }
    public MlpEstimator setMaxIter(int v) { set(maxIter(), v); return this; }
    public MlpEstimator setAveragingSteps(int v) { set(averagingSteps(), v); return this; }
    public MlpEstimator setPatience(int v) { set(patience(), v); return this; }
    public MlpEstimator setBlockRows(int v) { set(blockRows(), v); return this; }
    public MlpEstimator setRegParam(double v) { set(regParam(), v); return this; }
    public MlpEstimator setValidationFraction(double v) { set(validationFraction(), v); return this; }
    public MlpEstimator setSeed(long v) { set(seed(), v); return this; }

    private transient EpochListener epochListener;

    /**
     * Called on the driver after every epoch of {@link #fit} (null: none). Not a Param: not saved,
     * not copied. It is called with the fit's kept tasks released (docs/SPARK.md), so it may run
     * Spark jobs of its own.
     *
     * @param l the listener
     * @return this estimator
     */
    public MlpEstimator setEpochListener(EpochListener l) { this.epochListener = l; return this; }

    @Override
    public MlpEstimator copy(ParamMap extra) {
        return (MlpEstimator) defaultCopy(extra);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        MlpParams.requireColumn(schema, getFeaturesCol(), "features", true);
        MlpParams.requireColumn(schema, getLabelCol(), "label", false);
        return MlpModel.outputSchema(schema, this, isClassification());
    }

    boolean isClassification() {
        return getTask().equals("classification");
    }

    /** The loss to train with: the param, or ce / mse by task. */
    Loss resolvedLoss() {
        String l = getLoss().toLowerCase(Locale.ROOT);
        if (!l.equals("auto")) return Loss.parse(l);
        return isClassification() ? Loss.CROSS_ENTROPY : Loss.MSE;
    }

    Activation resolvedOutput(Loss loss) {
        if (!getOutputActivation().equalsIgnoreCase("auto")) return Activation.parse(getOutputActivation());
        return switch (loss) {
            case CROSS_ENTROPY -> Activation.SOFTMAX;
            case BINARY_CROSS_ENTROPY -> Activation.LOGISTIC;
            default -> isClassification() ? Activation.SOFTMAX : Activation.IDENTITY;   // the sums of squares, MAE, Huber
        };
    }

    @Override
    public MlpModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        String fc = getFeaturesCol(), lc = getLabelCol();
        boolean cls = isClassification();
        Loss loss = resolvedLoss();
        Activation outAct = resolvedOutput(loss);
        int[] hidden = getHiddenLayers();
        String[] acts = getActivations();
        if (acts.length != 1 && acts.length != hidden.length) {
            throw new IllegalArgumentException("activations: give one for all " + hidden.length + " hidden layers or one per layer, got " + acts.length);
        }
        // rejects a loss the outputs cannot take (e.g. ce with identity outputs) before any Spark job, without choosing the kernels yet
        org.backprop4j.Backprop.checkPairing(outAct, loss);
        int batch = getBatchSize();
        String opt = getOptimizer();
        if (batch == -1) batch = DistributedTrainer.fullBatch(opt, -1) || isRprop(opt) ? 0 : 64;
        if (batch > 0 && DistributedTrainer.fullBatch(opt, batch)) {
            throw new IllegalArgumentException("optimizer " + opt + " is a full-batch method: set batchSize to 0 or -1 (it is " + batch + ")");
        }
        Model initial = getInitialModel().isEmpty() ? null : readModel(Path.of(getInitialModel()));

        // one job reads the rows into blocks and finds the input size and the classes (unless the columns' metadata says them)
        Blocks.Layout lay = new Blocks.Layout(fc, lc, metadataInputs(df, fc), cls ? metadataClasses(df, lc) : 0, getBlockRows(),
                getValidationFraction(), getSeed(), null);
        JavaRDD<FloatBlock> blocks = Blocks.build(df, lay);
        try {
            Blocks.Scan scan = Blocks.scan(blocks, lay);
            if (scan.trainRows() == 0) {
                throw new IllegalArgumentException(scan.validationRows() > 0 ? "no training rows after the validation split"
                        : "the DataFrame has no rows: nothing to train on");
            }
            if (getValidationFraction() > 0 && scan.validationRows() == 0) {
                throw new IllegalArgumentException("validationFraction " + getValidationFraction() + " held out no rows of " + scan.trainRows() + ": raise it or set it to 0");
            }
            int classes = !cls ? 0 : lay.classes() > 0 ? lay.classes() : Math.max(2, (int) scan.maxLabel() + 1);
            Network.Builder b = Network.builder(scan.inputs());
            for (int i = 0; i < hidden.length; i++) b.layer(hidden[i], Activation.parse(acts[acts.length == 1 ? 0 : i]));
            b.layer(cls ? classes : 1, outAct);
            Network net = b.build(Init.parse(getInit()), getSeed());
            if (initial != null) warmStart(net, loss, initial, Path.of(getInitialModel()));
            NetSpec spec = NetSpec.of(net, loss);
            DistributedTrainer.Config cfg = new DistributedTrainer.Config(opt, batch, getMaxIter(), getRegParam(), false,
                    getAveragingSteps(), getPatience(), getSeed(), TaskEngines.work(spec, scan.trainRows(), getMaxIter()));
            // the library's rules for a run of this size (a short run takes kernels and loops that need no JIT warm-up); the tasks carry it to the executors
            org.backprop4j.kernel.KernelProvider.expectWork(cfg.work().flops(), cfg.work().elementwise());
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
            float[] w = net.params();
            DistributedTrainer trainer = new DistributedTrainer(sc, blocks, spec, scan.trainRows(), scan.validationRows(), cfg)
                    .maxPartitionRows(scan.maxPartitionRows()).listener(epochListener);
            FitSummary r = trainer.train(w);
            // training rows, validation rows, the data's fingerprint (a sum mod 2^64: independent of order and partitioning)
            long[] counts = {scan.trainRows(), scan.validationRows(), trainer.fingerprint()};
            Model.Builder mb = Model.builder(net, loss).targetNames(List.of(lc))
                    .provenance(provenance(net, loss, batch, cfg, r, counts, df, sc));
            if (cls) mb.classNames(DistributedTrainer.classNames(classes));
            Model m = mb.build();
            MlpModel model = new MlpModel(uid, m, r);
            copyValues(model, ParamMap.empty());
            model.setParent(this);
            return model;
        } finally {
            blocks.unpersist(false);
        }
    }

    /**
     * The training record for the model file: the settings as resolved for this fit, how it ended
     * (figures at the returned weights), the data (rows, the one input file's name if there is one,
     * and an order-independent fingerprint of the rows) and how Spark split the work.
     */
    private Provenance provenance(Network net, Loss loss, int batch, DistributedTrainer.Config cfg, FitSummary r, long[] counts,
                                  Dataset<Row> df, JavaSparkContext sc) {
        List<Activation> hiddenActs = new ArrayList<>();
        for (int l = 1; l < net.layers(); l++) hiddenActs.add(net.activation(l));
        Settings settings = Settings.builder().hidden(getHiddenLayers()).activations(hiddenActs).output(net.activation(net.layers()))
                .loss(loss).init(getInit()).optimizer(cfg.optimizer()).epochs(cfg.epochs()).batch(batch).lambda(cfg.lambda())
                .targetError(0).clipNorm(0).scaling(Pipeline.Scaling.NONE).seed(cfg.seed()).validation(getValidationFraction())
                .earlyStopping(getValidationFraction() > 0 ? "patience:" + cfg.patience() : null)
                .plateau(org.backprop4j.train.PlateauStop.OFF).build();   // a Spark fit has no plateau stop
        double lr = Optimizers.create(cfg.optimizer()).learningRate();
        Provenance.Outcome outcome = new Provenance.Outcome(r.history().size(), r.stopReason(), 0, 1, lr, r.fitSeconds(),
                r.trainLoss(), r.trainAccuracy(), r.validationLoss(), r.validationAccuracy());
        String[] files;
        try {
            files = df.inputFiles();
        } catch (RuntimeException e) {
            files = new String[0];   // a DataFrame without files (built from an RDD, a stream): no name to record
        }
        String file = files.length == 1 ? files[0].substring(files[0].lastIndexOf('/') + 1) : null;
        Provenance.DataInfo data = new Provenance.DataInfo(file, counts[0] + counts[1], null);
        String scheme = r.fullBatch()
                ? "full batch: one pass per evaluation of E and its gradient, the partitions' shares summed in partition order, "
                  + "the optimizer stepping on the driver, " + (r.barrier() ? "each pass a command to tasks kept for the fit (a Spark job in barrier mode)" : "a Spark job per pass")
                : "mini-batch parameter averaging: " + cfg.averagingSteps() + " local steps of " + batch
                  + " rows per partition between averages weighted by the rows each partition used"
                  + (r.barrier() ? ", each round a command to tasks kept for the fit (a Spark job in barrier mode)" : ", a Spark job per round");
        Provenance.Distributed dist = new Provenance.Distributed("Apache Spark " + sc.version(), sc.master(), r.partitions(), r.executors(),
                scheme, r.passes(), String.format(Locale.ROOT, "%016x", counts[2]));
        return new Provenance(settings, outcome, data, Provenance.Environment.current(), dist);
    }

    private static boolean isRprop(String opt) {
        String n = opt.trim().toLowerCase(Locale.ROOT);
        return n.startsWith("rprop") || n.startsWith("irprop") || n.startsWith("quickprop");
    }

    private static Model readModel(Path file) {
        try {
            return ModelFile.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("initialModel " + file + ": " + e.getMessage(), e);
        }
    }

    private static void warmStart(Network net, Loss loss, Model m, Path file) {
        Network from = m.network();
        if (!Arrays.equals(from.sizes(), net.sizes()) || !NetSpec.of(from, loss).equals(NetSpec.of(net, loss))) {
            throw new IllegalArgumentException("initialModel " + file + " is a " + NetSpec.of(from, m.loss()) + " network; this fit builds "
                    + NetSpec.of(net, loss) + " (match hiddenLayers, activations and outputActivation to the file)");
        }
        if (m.loss() != loss) throw new IllegalArgumentException("initialModel " + file + " was trained with loss " + m.loss().id() + ", this fit uses " + loss.id());
        net.setParams(from.params());
    }

    /** Input size from the column's ML attribute metadata, else {@link Blocks#INPUTS_FROM_DATA} (the rows say). */
    static int metadataInputs(Dataset<Row> df, String col) {
        AttributeGroup g = AttributeGroup.fromStructField(df.schema().apply(col));
        return g.size() > 0 ? g.size() : Blocks.INPUTS_FROM_DATA;
    }

    /** Classes from the label column's nominal metadata (StringIndexer writes it), else {@link Blocks#CLASSES_FROM_DATA} (max label + 1). */
    static int metadataClasses(Dataset<Row> df, String col) {
        Attribute a = Attribute.fromStructField(df.schema().apply(col));
        if (a instanceof NominalAttribute n && n.getNumValues().isDefined()) return Math.max(2, (Integer) n.getNumValues().get());
        return Blocks.CLASSES_FROM_DATA;
    }

    public static MLReader<MlpEstimator> read() {
        return new DefaultParamsReader<>();
    }

    public static MlpEstimator load(String path) {
        return read().load(path);
    }
}
