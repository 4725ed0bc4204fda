package org.backprop4j.studio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.Splits;
import org.backprop4j.train.FullBatchOptimizer;
import org.backprop4j.train.Optimizers;
import org.backprop4j.train.TrainingConfig;

/**
 * One run's settings as the page sends them, every field checked (a bad value is an
 * {@link IllegalArgumentException} whose message names the field and the allowed range), and what
 * they mean for the library: the data set, the network, the {@link TrainingConfig} and the
 * equivalent {@code backprop4j train} command. The mapping follows the CLI's {@code ModelOptions}
 * and {@code Fitting} step for step (split, then scaling fitted on the training part, then the
 * network initialised from the seed), which the studio's tests check bit for bit.
 */
record RunConfig(String dataset, int patterns, double noise, long dataSeed, double validation,
                 int[] hidden, String[] activations, boolean perClass, String outputActivation, String loss,
                 String init, String optimizer, Map<String, Double> optimizerParams, int batch, double lambda,
                 String scaling, long seed, int maxEpochs, double speed) {

    /** Hidden layers and units the editor allows (a bigger net would not be watchable). */
    static final int MAX_HIDDEN_LAYERS = 6, MAX_UNITS = 32;
    static final int MAX_EPOCHS = 1_000_000;
    /** Every activation of the library a hidden layer can have (all but softmax, which is output-only); a test checks none is missing. */
    static final List<String> HIDDEN_ACTIVATIONS = List.of("tanh", "logistic", "relu", "leaky_relu", "identity", "softplus", "elu", "gelu", "sin");
    static final List<String> SCALINGS = List.of("standardize", "minmax", "minmax-pm1", "none");
    static final List<String> INITS = List.of("auto", "xavier", "he", "fan-in", "nguyen-widrow", "uniform:0.5", "uniform:1");
    static final List<String> LOSSES = List.of("sse", "mse", "bce", "ce");

    /**
     * Each update rule's settings and their defaults, as {@link Optimizers#parse} takes them. A test
     * checks that this table names every rule of {@link Optimizers#NAMES} and that parse accepts every key.
     */
    static final Map<String, Map<String, Double>> OPTIMIZER_PARAMS = defaultOptimizerParams();

    private static Map<String, Map<String, Double>> defaultOptimizerParams() {
        Map<String, Map<String, Double>> m = new LinkedHashMap<>();
        m.put("sgd", params("lr", 0.1, "momentum", 0.0));
        m.put("momentum", params("lr", 0.1, "momentum", 0.9));
        m.put("nesterov", params("lr", 0.1, "momentum", 0.9));
        m.put("quickprop", params("lr", 0.1, "mu", 1.75, "decay", 1e-4));
        for (String r : List.of("rprop+", "rprop-", "irprop+", "irprop-")) {
            m.put(r, params("eta+", 1.2, "eta-", 0.5, "delta0", 0.1, "deltamin", 1e-6, "deltamax", 50.0));
        }
        m.put("adam", params("lr", 0.001, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "decay", 0.0));
        m.put("adamw", params("lr", 0.001, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "decay", 0.01));
        m.put("rmsprop", params("lr", 0.001, "rho", 0.9, "eps", 1e-8));
        m.put("adagrad", params("lr", 0.01, "eps", 1e-10));
        m.put("lbfgs", params("m", 10.0, "gtol", 1e-5));
        m.put("scg", params("sigma", 5e-5, "lambda", 5e-7, "mingrad", 1e-6));
        m.put("lm", params("mu", 1e-3, "mu_dec", 0.1, "mu_inc", 10.0, "mu_max", 1e10, "mingrad", 1e-7));
        m.put("br", params("mu", 1e-3, "mu_dec", 0.1, "mu_inc", 10.0, "mu_max", 1e10));
        m.put("newton-cg", params("radius", 1.0, "radius_max", 1000.0, "cg", 100.0, "mingrad", 1e-7));
        m.put("diag-newton", params("lr", 0.5, "mu", 0.1));
        return m;
    }

    private static Map<String, Double> params(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
        return m;
    }

    static final Set<String> FIELDS = Set.of("dataset", "patterns", "noise", "dataSeed", "validation", "hidden", "activations",
            "outputs", "outputActivation", "loss", "init", "optimizer", "optimizerParams", "batch", "lambda", "scaling", "seed",
            "maxEpochs", "speed");

    /** Parses and checks the page's JSON; every field is optional and has the default shown on the page. */
    static RunConfig parse(JsonNode j) {
        if (j == null || !j.isObject()) throw new IllegalArgumentException("settings: expected a JSON object");
        for (Iterator<String> it = j.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw new IllegalArgumentException("unknown setting '" + f + "'");
        }
        String dataset = text(j, "dataset", "xor");
        if (!Datasets.NAMES.contains(dataset)) throw new IllegalArgumentException("dataset: expected one of " + Datasets.NAMES + ", not '" + dataset + "'");
        int patterns = integer(j, "patterns", 200, 4, Datasets.MAX_PATTERNS);
        double noise = number(j, "noise", 0.1, 0, 1);
        long dataSeed = longValue(j, "dataSeed", 1);
        double validation = number(j, "validation", dataset.equals("xor") ? 0 : 0.2, 0, 0.5);
        int[] hidden;
        JsonNode h = j.get("hidden");
        if (h == null || h.isNull()) {
            hidden = new int[] {2};
        } else {
            if (!h.isArray()) throw new IllegalArgumentException("hidden: expected a list of layer sizes, e.g. [4, 4]");
            if (h.size() > MAX_HIDDEN_LAYERS) throw new IllegalArgumentException("hidden: at most " + MAX_HIDDEN_LAYERS + " hidden layers, not " + h.size());
            hidden = new int[h.size()];
            for (int i = 0; i < hidden.length; i++) {
                JsonNode v = h.get(i);
                if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > MAX_UNITS) {
                    throw new IllegalArgumentException("hidden layer " + (i + 1) + ": units must be a whole number from 1 to " + MAX_UNITS + ", not " + v);
                }
                hidden[i] = v.asInt();
            }
        }
        String[] acts = new String[hidden.length];
        JsonNode a = j.get("activations");
        if (a != null && !a.isNull() && (!a.isArray() || a.size() != hidden.length)) {
            throw new IllegalArgumentException("activations: expected one per hidden layer (" + hidden.length + ")");
        }
        for (int i = 0; i < acts.length; i++) {
            String v = a == null || a.isNull() ? "tanh" : a.get(i).asText();
            if (!HIDDEN_ACTIVATIONS.contains(v)) {
                throw new IllegalArgumentException("hidden layer " + (i + 1) + " activation: expected one of " + HIDDEN_ACTIVATIONS + ", not '" + v + "'");
            }
            acts[i] = v;
        }
        String outputs = text(j, "outputs", "one");
        if (!outputs.equals("one") && !outputs.equals("per-class")) {
            throw new IllegalArgumentException("outputs: expected 'one' (a single 0/1 unit) or 'per-class' (one unit per class), not '" + outputs + "'");
        }
        boolean perClass = outputs.equals("per-class");
        String outAct = text(j, "outputActivation", perClass ? "softmax" : "logistic");
        List<String> outActs = perClass ? List.of("softmax", "logistic") : List.of("logistic", "tanh", "identity");
        if (!outActs.contains(outAct)) throw new IllegalArgumentException("output activation: expected one of " + outActs + ", not '" + outAct + "'");
        String loss = text(j, "loss", perClass ? "ce" : "bce");
        if (!LOSSES.contains(loss)) throw new IllegalArgumentException("loss: expected one of " + LOSSES + ", not '" + loss + "'");
        String init = text(j, "init", "auto");
        try {
            Init.parse(init);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("init: " + e.getMessage());
        }
        String opt = text(j, "optimizer", "sgd");
        Map<String, Double> defaults = OPTIMIZER_PARAMS.get(opt);
        if (defaults == null) throw new IllegalArgumentException("optimizer: expected one of " + OPTIMIZER_PARAMS.keySet() + ", not '" + opt + "'");
        Map<String, Double> op = new LinkedHashMap<>();
        JsonNode p = j.get("optimizerParams");
        if (p != null && !p.isNull()) {
            if (!p.isObject()) throw new IllegalArgumentException("optimizer settings: expected an object like {\"lr\": 0.1}");
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!defaults.containsKey(e.getKey())) {
                    throw new IllegalArgumentException(opt + ": unknown setting '" + e.getKey() + "' (allowed: " + String.join(", ", defaults.keySet()) + ")");
                }
                double v = finite(e.getValue(), opt + " " + e.getKey());
                op.put(e.getKey(), v);
            }
        }
        int batch = integer(j, "batch", 0, 0, 100_000);
        double lambda = number(j, "lambda", 0, 0, 10);
        String scaling = text(j, "scaling", perClass ? "standardize" : "none");
        if (!SCALINGS.contains(scaling)) throw new IllegalArgumentException("scaling: expected one of " + SCALINGS + ", not '" + scaling + "'");
        if (!perClass && !scaling.equals("none")) {
            throw new IllegalArgumentException("scaling: a single 0/1 output unit is a regression target for backprop4j train, whose scaling would "
                    + "rescale the 0/1 targets too; use scaling none, or one output unit per class");
        }
        long seed = longValue(j, "seed", 42);
        int maxEpochs = integer(j, "maxEpochs", 20_000, 1, MAX_EPOCHS);
        double speed = number(j, "speed", 100, 0, 1_000_000);
        RunConfig c = new RunConfig(dataset, patterns, noise, dataSeed, validation, hidden, acts, perClass, outAct, loss, init, opt, op,
                batch, lambda, scaling, seed, maxEpochs, speed);
        c.checkOptimizer();
        return c;
    }

    /** The optimizer spec for {@link Optimizers#parse} and {@code --optimizer}: only the settings that differ from the defaults. */
    String optimizerSpec() {
        StringBuilder sb = new StringBuilder(optimizer);
        char sep = ':';
        for (Map.Entry<String, Double> e : optimizerParams.entrySet()) {
            if (e.getValue().equals(OPTIMIZER_PARAMS.get(optimizer).get(e.getKey()))) continue;
            sb.append(sep).append(e.getKey()).append('=').append(num(e.getValue()));
            sep = ',';
        }
        return sb.toString();
    }

    private void checkOptimizer() {
        try {
            Optimizers.parse(optimizerSpec());
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(m.startsWith("optimizer") ? m : "optimizer " + optimizerSpec() + ": " + m);
        }
        boolean fullBatchOnly = Optimizers.create(optimizerSpec()) instanceof FullBatchOptimizer;
        if (fullBatchOnly && batch != 0) {
            throw new IllegalArgumentException(optimizer + " works on the whole training set: set the batch to 0 (full batch)");
        }
        if (optimizer.equals("lm") && !(loss.equals("sse") || loss.equals("mse"))) {
            throw new IllegalArgumentException("lm (Levenberg–Marquardt) needs the sse or mse loss, not " + loss);
        }
    }

    /** The library's activation of hidden layer i (0-based). */
    Activation hiddenActivation(int i) {
        return Activation.parse(activations[i]);
    }

    /** A plain number's text that parses back to the same double. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    // ---- what the settings mean for the library (the CLI's ModelOptions and Fitting, step for step) ----

    /** The run's data: the CSV text, the data set read from it, the split, the fitted scaling and the scaled parts. */
    record Data(String csv, DataSet raw, DataSet rawTrain, DataSet rawValidation, Pipeline pipeline, DataSet train, DataSet validation) {}

    Data data(String userCsv) throws java.io.IOException {
        String csv = Datasets.csv(dataset, patterns, noise, dataSeed, userCsv);
        DataSet raw = Datasets.read(csv, "studio-" + dataset + ".csv", perClass);
        DataSet rawTrain = raw, rawVal = null;
        if (validation > 0) {
            // Fitting.split: stratified for classes, seeded with the run's seed
            Splits.Split s = raw.isClassification()
                    ? Splits.stratifiedHoldOut(Splits.labels(raw), validation, seed)
                    : Splits.holdOut(raw.size(), validation, seed);
            DataSet[] parts = s.of(raw);
            if (parts[0].size() == 0 || parts[1].size() == 0) {
                throw new IllegalArgumentException("validation " + validation + " leaves an empty part of " + raw.size() + " patterns; set it to 0");
            }
            rawTrain = parts[0];
            rawVal = parts[1];
        }
        Pipeline pipeline = Pipeline.fit(rawTrain, pipelineOptions(raw.isClassification()));
        return new Data(csv, raw, rawTrain, rawVal, pipeline, pipeline.apply(rawTrain), rawVal == null ? null : pipeline.apply(rawVal));
    }

    /** ModelOptions.pipelineOptions: regression targets are standardized unless scaling is none. */
    Pipeline.Options pipelineOptions(boolean classification) {
        Pipeline.Scaling s = switch (scaling) {
            case "standardize" -> Pipeline.Scaling.STANDARDIZE;
            case "minmax" -> Pipeline.Scaling.MINMAX_01;
            case "minmax-pm1" -> Pipeline.Scaling.MINMAX_PM1;
            default -> Pipeline.Scaling.NONE;
        };
        return new Pipeline.Options(s, false, classification || s == Pipeline.Scaling.NONE ? Pipeline.Scaling.NONE : Pipeline.Scaling.STANDARDIZE);
    }

    Loss lossFunction() {
        return Loss.parse(loss);
    }

    /** The network, initialised from the seed (ModelOptions.network). */
    Network network(int inputs, int outputs) {
        Network.Builder b = Network.builder(inputs);
        for (int i = 0; i < hidden.length; i++) b.layer(hidden[i], hiddenActivation(i));
        b.layer(outputs, Activation.parse(outputActivation));
        Network net = b.build(Init.parse(init), seed);
        new Backprop(net, lossFunction());   // checks loss and output activation go together (one-line message)
        return net;
    }

    /** ModelOptions.config with the batch given explicitly. */
    TrainingConfig trainingConfig(int trainSize, int epochs) {
        TrainingConfig.Builder c = TrainingConfig.builder().optimizer(optimizerSpec()).epochs(epochs).lambda(lambda).targetError(0).seed(seed);
        if (batch == 0 || batch >= trainSize) c.fullBatch();
        else if (batch == 1) c.online();
        else c.miniBatch(batch);
        return c.build();
    }

    /** The data file name the export uses. */
    String csvName() {
        return "studio-" + dataset + ".csv";
    }

    /** The hidden layers' activations as {@code --activation} takes them: one name when they agree, else one per hidden layer. */
    String activationArgument() {
        return org.backprop4j.train.Settings.ids(hiddenActivations());
    }

    /** The library's hidden activations, one per hidden layer (one for all when they agree: the same settings). */
    private List<Activation> hiddenActivations() {
        List<Activation> fs = new ArrayList<>();
        for (int i = 0; i < hidden.length; i++) fs.add(hiddenActivation(i));
        return org.backprop4j.train.Settings.builder().hidden(hidden).activations(fs).build().activations();
    }

    /** The library's settings of this run for {@code epochs} epochs (model files record them). */
    org.backprop4j.train.Settings settings(int epochs) {
        org.backprop4j.train.Settings.Builder b = org.backprop4j.train.Settings.builder().hidden(hidden)
                .output(Activation.parse(outputActivation)).loss(lossFunction()).init(init).optimizer(optimizerSpec()).epochs(epochs)
                .batch(batch).lambda(lambda).scaling(pipelineOptions(perClass).inputs()).seed(seed).validation(validation)
                .plateau(org.backprop4j.train.PlateauStop.OFF);   // the studio trains the epochs it is asked for, no fewer
        if (hidden.length > 0) b.activations(hiddenActivations());
        return b.build();
    }

    /** The {@code backprop4j train} arguments that train this run for {@code epochs} epochs (after "train"). */
    List<String> trainArguments(int epochs, String csvFile, String modelFile) {
        List<String> a = new ArrayList<>();
        a.add(csvFile);
        a.add(perClass ? "--classes" : "--regression");
        a.add("--hidden");
        if (hidden.length == 0) {
            a.add("0");
        } else {
            StringBuilder h = new StringBuilder();
            for (int i = 0; i < hidden.length; i++) h.append(i > 0 ? "," : "").append(hidden[i]);
            a.add(h.toString());
            a.add("--activation");
            a.add(activationArgument());
        }
        a.addAll(List.of("--output", outputActivation, "--loss", loss, "--init", init, "--optimizer", optimizerSpec(),
                "--batch", Integer.toString(batch), "--epochs", Integer.toString(epochs)));
        // λ always (the command line's default is not 0) and no plateau stop: the same epochs as the studio's run
        a.addAll(List.of("--lambda", num(lambda), "--no-plateau-stop"));
        if (validation > 0) a.addAll(List.of("--validation", num(validation)));
        a.addAll(List.of("--scaling", scaling, "--seed", Long.toString(seed), "-o", modelFile));
        return a;
    }

    /** The settings as the page shows them (defaults filled in). */
    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("dataset", dataset).put("patterns", patterns).put("noise", noise).put("dataSeed", dataSeed).put("validation", validation);
        ArrayNode h = o.putArray("hidden");
        for (int v : hidden) h.add(v);
        ArrayNode a = o.putArray("activations");
        for (String v : activations) a.add(v);
        o.put("outputs", perClass ? "per-class" : "one").put("outputActivation", outputActivation).put("loss", loss).put("init", init)
                .put("optimizer", optimizer);
        ObjectNode p = o.putObject("optimizerParams");
        for (Map.Entry<String, Double> e : OPTIMIZER_PARAMS.get(optimizer).entrySet()) {
            p.put(e.getKey(), optimizerParams.getOrDefault(e.getKey(), e.getValue()));
        }
        o.put("batch", batch).put("lambda", lambda).put("scaling", scaling).put("seed", seed).put("maxEpochs", maxEpochs).put("speed", speed);
        return o;
    }

    // ---- field readers: each names the field in its message ----

    private static String text(JsonNode j, String f, String def) {
        JsonNode v = j.get(f);
        if (v == null || v.isNull()) return def;
        if (!v.isTextual()) throw new IllegalArgumentException(f + ": expected text, not " + v);
        return v.asText().trim().toLowerCase(Locale.ROOT);
    }

    private static double finite(JsonNode v, String f) {
        double d;
        if (v.isNumber()) {
            d = v.asDouble();
        } else if (v.isTextual()) {
            try {
                d = Double.parseDouble(v.asText().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(f + ": '" + v.asText() + "' is not a number");
            }
        } else {
            throw new IllegalArgumentException(f + ": expected a number, not " + v);
        }
        if (!Double.isFinite(d)) throw new IllegalArgumentException(f + ": must be a finite number, not " + v.asText());
        return d;
    }

    private static double number(JsonNode j, String f, double def, double lo, double hi) {
        JsonNode v = j.get(f);
        if (v == null || v.isNull()) return def;
        double d = finite(v, f);
        if (d < lo || d > hi) throw new IllegalArgumentException(f + ": must be between " + num(lo) + " and " + num(hi) + ", not " + num(d));
        return d;
    }

    private static int integer(JsonNode j, String f, int def, int lo, int hi) {
        JsonNode v = j.get(f);
        if (v == null || v.isNull()) return def;
        double d = finite(v, f);
        if (d != Math.rint(d)) throw new IllegalArgumentException(f + ": must be a whole number, not " + num(d));
        if (d < lo || d > hi) throw new IllegalArgumentException(f + ": must be between " + lo + " and " + hi + ", not " + num(d));
        return (int) d;
    }

    private static long longValue(JsonNode j, String f, long def) {
        JsonNode v = j.get(f);
        if (v == null || v.isNull()) return def;
        if (v.isIntegralNumber() && v.canConvertToLong()) return v.asLong();
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.asText().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(f + ": '" + v.asText() + "' is not a whole number");
            }
        }
        throw new IllegalArgumentException(f + ": expected a whole number, not " + v);
    }
}
