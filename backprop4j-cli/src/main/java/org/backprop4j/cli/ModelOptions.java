package org.backprop4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Pipeline;
import org.backprop4j.train.EarlyStopping;
import org.backprop4j.train.Optimizers;
import org.backprop4j.train.Schedule;
import org.backprop4j.train.TrainingConfig;
import picocli.CommandLine.Option;

/**
 * The network and training settings shared by {@code train}, {@code cv} and {@code search}.
 * Settings left unset are chosen from the data, and {@link #describeDefaults} says what was chosen.
 */
final class ModelOptions {
    @Option(names = "--hidden", split = ",", paramLabel = "UNITS", description = "Hidden layer sizes, e.g. 32,16 (default: 16; 0 = no hidden layer).")
    int[] hidden;

    @Option(names = "--activation", paramLabel = "F", description = "Hidden activation: tanh (default), logistic, relu, leaky_relu, identity.")
    String activation;

    @Option(names = "--output", paramLabel = "F", description = "Output activation (default: softmax for classes, identity for regression).")
    String output;

    @Option(names = "--loss", paramLabel = "LOSS", description = "Loss: ce, bce, mse, sse (default: ce for classes, mse for regression).")
    String loss;

    @Option(names = "--init", paramLabel = "SCHEME", description = "Weight initialisation: auto (default), xavier, he, uniform:R, nguyen-widrow.")
    String init;

    @Option(names = "--optimizer", paramLabel = "SPEC",
            description = "Update rule, e.g. adam (default), sgd:lr=0.1,momentum=0.9, irprop-, quickprop, lbfgs, scg, lm.")
    String optimizer;

    @Option(names = "--epochs", paramLabel = "N", description = "Maximum epochs (default: 200).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "N", description = "Patterns per update: 1 = online, 0 = full batch (default: 32; full batch for rprop, quickprop, lbfgs, scg, lm).")
    Integer batch;

    @Option(names = "--lambda", paramLabel = "L2", description = "L2 weight decay λ in λ/2‖W‖² (default: 0).")
    double lambda;

    @Option(names = "--target-error", paramLabel = "EPS", description = "Stop when the training error falls below ε (default: off).")
    double targetError;

    @Option(names = "--schedule", paramLabel = "SPEC", description = "Learning-rate schedule: step:K:G, exp:G, cosine:T[:MIN], inv:G.")
    String schedule;

    @Option(names = "--clip", paramLabel = "NORM", description = "Clip the gradient to this Euclidean norm.")
    double clip;

    @Option(names = "--early-stopping", paramLabel = "SPEC",
            description = "Stop on the validation set: patience:P[,gl:ALPHA][,delta:D][,norestore] (needs --validation).")
    String earlyStopping;

    @Option(names = "--scaling", paramLabel = "S", defaultValue = "standardize",
            description = "Input scaling fitted on the training data: standardize (default), minmax, minmax-pm1, none.")
    String scaling;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42", description = "Seed for weights, shuffling and splits (default: ${DEFAULT-VALUE}).")
    long seed;

    /** A copy, for search candidates. */
    ModelOptions copy() {
        ModelOptions c = new ModelOptions();
        c.hidden = hidden == null ? null : hidden.clone();
        c.activation = activation;
        c.output = output;
        c.loss = loss;
        c.init = init;
        c.optimizer = optimizer;
        c.epochs = epochs;
        c.batch = batch;
        c.lambda = lambda;
        c.targetError = targetError;
        c.schedule = schedule;
        c.clip = clip;
        c.earlyStopping = earlyStopping;
        c.scaling = scaling;
        c.seed = seed;
        return c;
    }

    /** Sets one option by its long name (without dashes), for {@code search --param NAME=...}. */
    void set(String name, String value) {
        switch (name) {
            case "hidden" -> hidden = parseInts(value);
            case "activation" -> activation = value;
            case "output" -> output = value;
            case "loss" -> loss = value;
            case "init" -> init = value;
            case "optimizer" -> optimizer = value;
            case "epochs" -> epochs = Integer.parseInt(value);
            case "batch" -> batch = Integer.parseInt(value);
            case "lambda" -> lambda = Double.parseDouble(value);
            case "schedule" -> schedule = value;
            case "clip" -> clip = Double.parseDouble(value);
            case "scaling" -> scaling = value;
            case "seed" -> seed = Long.parseLong(value);
            default -> throw new IllegalArgumentException("cannot search over '" + name
                    + "' (use hidden, activation, output, loss, init, optimizer, epochs, batch, lambda, schedule, clip, scaling, seed)");
        }
    }

    private static int[] parseInts(String s) {
        String[] f = s.split("[,x]");
        int[] r = new int[f.length];
        for (int i = 0; i < f.length; i++) r[i] = Integer.parseInt(f[i].trim());
        return r;
    }

    String optimizerSpec() {
        return optimizer == null ? "adam" : optimizer;
    }

    int[] hiddenSizes() {
        int[] h = hidden == null ? new int[] {16} : hidden;
        if (h.length == 1 && h[0] == 0) return new int[0];
        for (int v : h) if (v < 1) throw new IllegalArgumentException("--hidden sizes must be positive: " + v);
        return h;
    }

    Activation hiddenActivation() {
        return activation == null ? Activation.TANH : Activation.parse(activation);
    }

    Activation outputActivation(DataSet d) {
        return output != null ? Activation.parse(output) : d.isClassification() ? Activation.SOFTMAX : Activation.IDENTITY;
    }

    Loss lossFor(DataSet d) {
        if (loss != null) return Loss.parse(loss);
        return d.isClassification() ? Loss.CROSS_ENTROPY : Loss.MSE;
    }

    Init initScheme() {
        return init == null ? Init.auto() : Init.parse(init);
    }

    Pipeline.Options pipelineOptions(boolean classification) {
        Pipeline.Scaling s = switch (scaling.toLowerCase(Locale.ROOT)) {
            case "standardize", "zscore", "z-score" -> Pipeline.Scaling.STANDARDIZE;
            case "minmax", "minmax01" -> Pipeline.Scaling.MINMAX_01;
            case "minmax-pm1", "minmaxpm1" -> Pipeline.Scaling.MINMAX_PM1;
            case "none" -> Pipeline.Scaling.NONE;
            default -> throw new IllegalArgumentException("--scaling must be standardize, minmax, minmax-pm1 or none, not '" + scaling + "'");
        };
        // regression targets are standardized too (outputs are mapped back when predicting)
        return new Pipeline.Options(s, false, classification || s == Pipeline.Scaling.NONE ? Pipeline.Scaling.NONE : Pipeline.Scaling.STANDARDIZE);
    }

    Network network(DataSet d) {
        Network.Builder b = Network.builder(d.inputs());
        for (int h : hiddenSizes()) b.layer(h, hiddenActivation());
        b.layer(d.outputs(), outputActivation(d));
        return b.build(initScheme(), seed);
    }

    TrainingConfig config(int trainSize, boolean haveValidation) {
        String spec = optimizerSpec();
        int b = batch != null ? batch : fullBatchByDefault(spec) ? 0 : 32;
        TrainingConfig.Builder c = TrainingConfig.builder().optimizer(spec).epochs(epochs == null ? 200 : epochs)
                .lambda(lambda).targetError(targetError).seed(seed);
        if (b == 0 || b >= trainSize) c.fullBatch();
        else if (b == 1) c.online();
        else c.miniBatch(b);
        if (b < 0) throw new IllegalArgumentException("--batch must be ≥ 0: " + b);
        if (schedule != null) c.schedule(Schedule.parse(schedule));
        if (clip > 0) c.clipNorm(clip);
        if (earlyStopping != null) {
            if (!haveValidation) throw new IllegalArgumentException("--early-stopping needs a validation set (--validation F)");
            c.earlyStopping(EarlyStopping.parse(earlyStopping));
        }
        return c.build();
    }

    /**
     * Full batch for the methods designed for it: L-BFGS, SCG and LM (which need it), and Rprop and
     * Quickprop (whose step rules assume the true gradient; Riedmiller &amp; Braun 1993, Fahlman 1988).
     */
    static boolean fullBatchByDefault(String spec) {
        String name = spec.split(":")[0].trim().toLowerCase(Locale.ROOT);
        return Optimizers.isFullBatch(spec) || name.contains("rprop") || name.equals("quickprop");
    }

    /** The settings actually used, for model files and reports. */
    Map<String, Object> describe(Network net, Loss l, TrainingConfig cfg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("network", net.describe());
        m.put("loss", l.id());
        m.put("init", initScheme().id());
        m.put("optimizer", optimizerSpec());
        m.put("mode", cfg.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        if (cfg.mode() == TrainingConfig.Mode.MINI_BATCH) m.put("batch", cfg.batchSize());
        m.put("maxEpochs", cfg.maxEpochs());
        if (lambda > 0) m.put("lambda", lambda);
        if (targetError > 0) m.put("targetError", targetError);
        if (schedule != null) m.put("schedule", schedule);
        if (clip > 0) m.put("clipNorm", clip);
        if (earlyStopping != null) m.put("earlyStopping", earlyStopping);
        m.put("scaling", scaling);
        m.put("seed", seed);
        return m;
    }

    /** One line per default chosen from the data, so the user learns them. */
    List<String> describeDefaults(DataSet d) {
        List<String> lines = new ArrayList<>();
        String task = d.isClassification() ? "classification into " + d.outputs() + " classes " + d.classNames()
                : "regression of " + d.outputs() + " target" + (d.outputs() == 1 ? "" : "s");
        lines.add("task: " + task + " (" + d.size() + " patterns, " + d.inputs() + " inputs after encoding)");
        if (output == null) lines.add("output layer: " + d.outputs() + " " + outputActivation(d).id() + " units (set with --output)");
        if (loss == null) lines.add("loss: " + lossFor(d).id() + (d.isClassification()
                ? " (cross-entropy with softmax: output delta o − d; set with --loss)" : " (mean squared error; set with --loss)"));
        if (hidden == null) lines.add("hidden layer: 16 units (set with --hidden)");
        if (activation == null && hiddenSizes().length > 0) lines.add("hidden activation: tanh (set with --activation)");
        if (optimizer == null) lines.add("optimizer: adam (Kingma & Ba 2015, lr 0.001; set with --optimizer)");
        if (batch == null) lines.add("batch: " + (fullBatchByDefault(optimizerSpec()) ? "full batch" : "32 patterns per update") + " (set with --batch)");
        if (epochs == null) lines.add("epochs: at most 200 (set with --epochs)");
        lines.add("inputs: " + scaling + " (fitted on the training data, stored in the model)");
        return lines;
    }
}
