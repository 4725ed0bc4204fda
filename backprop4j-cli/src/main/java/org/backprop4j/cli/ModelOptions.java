package org.backprop4j.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.model.ModelTrainer;
import org.backprop4j.train.Defaults;
import org.backprop4j.train.Settings;
import org.backprop4j.train.TrainingConfig;
import picocli.CommandLine.Option;

/**
 * The network and training settings shared by {@code train}, {@code cv} and {@code search}: the
 * command-line form of the library's {@link Settings}. Settings left unset are chosen from the
 * data by the library, and {@link Settings#explain} says what was chosen.
 */
final class ModelOptions {
    @Option(names = "--hidden", split = ",", paramLabel = "UNITS", converter = HiddenSize.class, description = HIDDEN)
    int[] hidden;

    /** --hidden everywhere (train, cv, search, gradcheck): the hidden layers' sizes. */
    static final String HIDDEN = "Hidden layer sizes, e.g. 32,16 (default: " + Defaults.HIDDEN_UNITS + "; 0 = no hidden layer).";

    /** A size of --hidden; a word there is taken for the activation it usually is, and the right option named. */
    static final class HiddenSize implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String v) {
            try {
                return Integer.valueOf(v.trim());
            } catch (NumberFormatException e) {
                throw new picocli.CommandLine.TypeConversionException("--hidden gives the hidden layers' sizes (e.g. --hidden 8 or --hidden 32,16), not '"
                        + v + "'" + (v.matches("[A-Za-z_]+") ? ": the hidden activation is --activation " + v : ""));
            }
        }
    }

    @Option(names = "--activation", paramLabel = "F[,F...]", description = "Hidden activation, one for all hidden layers or one per hidden layer "
            + "(e.g. tanh,relu with --hidden 8,4): tanh, logistic, relu, leaky_relu, identity, softplus, elu, gelu, sin (default: relu).")
    String activation;

    @Option(names = "--output", paramLabel = "F", description = "Output activation (default: softmax for classes, identity for regression).")
    String output;

    @Option(names = "--loss", paramLabel = "LOSS", description = "Loss: ce (softmax outputs), bce (logistic outputs, independent per output), mse, sse, mae, huber (default: ce for classes, mse for regression).")
    String loss;

    @Option(names = "--init", paramLabel = "SCHEME", description = "Weight initialisation: xavier (Glorot and Bengio, as scikit-learn's), auto (He for relu layers, xavier for the others), he, fan-in, uniform:R, nguyen-widrow (default: " + Defaults.INIT + ").")
    String init;

    @Option(names = "--optimizer", paramLabel = "SPEC",
            description = "Update rule, e.g. " + Defaults.OPTIMIZER + " (default), sgd:lr=0.1,momentum=0.9, irprop-, quickprop, lbfgs, scg, lm, br (Bayesian regularisation), newton-cg, diag-newton.")
    String optimizer;

    @Option(names = "--epochs", paramLabel = "N", description = "Maximum epochs (default: " + Defaults.EPOCHS + ").")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "N", description = "Patterns per update: 1 = online, 0 = full batch (default: " + Defaults.BATCH + "; full batch for rprop, quickprop, lbfgs, scg, lm, br, newton-cg, diag-newton).")
    Integer batch;

    @Option(names = "--lambda", paramLabel = "L2", description = "L2 weight decay λ in λ/2‖W‖² (default: " + Defaults.LAMBDA + "; 0 for br and adamw, which decay by their own rule).")
    Double lambda;

    @Option(names = "--target-error", paramLabel = "EPS", description = "Stop when the training error falls below ε (default: off).")
    double targetError;

    @Option(names = "--schedule", paramLabel = "SPEC", description = "Learning-rate schedule: step:K:G, exp:G, cosine:T[:MIN], inv:G.")
    String schedule;

    @Option(names = "--clip", paramLabel = "NORM", description = "Clip the gradient to this Euclidean norm.")
    double clip;

    @Option(names = "--early-stopping", paramLabel = "SPEC",
            description = "Stop on the validation set: patience:P[,gl:ALPHA][,delta:D][,norestore] (needs --validation).")
    String earlyStopping;

    @Option(names = "--plateau", paramLabel = "SPEC",
            description = "Stop when the training error improves by less than T for N epochs in a row: tol:T,epochs:N, or off "
                    + "(default: tol:" + Defaults.PLATEAU_TOL + ",epochs:" + Defaults.PLATEAU_EPOCHS + ", scikit-learn's tol and n_iter_no_change).")
    String plateau;

    @Option(names = "--no-plateau-stop", description = "Train to --epochs even when the training error has stopped improving (= --plateau off).")
    boolean noPlateauStop;

    @Option(names = "--scaling", paramLabel = "S", defaultValue = "standardize",
            description = "Input scaling fitted on the training data: standardize (default), minmax, minmax-pm1, none.")
    String scaling;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "" + Defaults.SEED, description = Flags.SEED)
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
        c.plateau = plateau;
        c.noPlateauStop = noPlateauStop;
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
            case "plateau" -> plateau = value;
            case "seed" -> seed = Long.parseLong(value);
            default -> throw new IllegalArgumentException("cannot search over '" + name
                    + "' (use hidden, activation, output, loss, init, optimizer, epochs, batch, lambda, schedule, clip, scaling, plateau, seed)");
        }
    }

    private static int[] parseInts(String s) {
        String[] f = s.split("[,x]");
        int[] r = new int[f.length];
        for (int i = 0; i < f.length; i++) r[i] = Integer.parseInt(f[i].trim());
        return r;
    }

    /** The update rule as given, or the default's name (for headings). */
    String optimizerSpec() {
        return optimizer == null ? Defaults.OPTIMIZER : optimizer;
    }

    /**
     * The library's settings for these options: what the user left unset stays unset, so the
     * library chooses it from the data ({@link Defaults}) exactly as for a Java caller.
     *
     * @param validation the fraction held out for validation (0 = none)
     */
    Settings settings(double validation) {
        return settings(validation, name -> true);
    }

    /**
     * The settings given on the command line only: options with a default value count only when
     * {@code given} says the user typed them (a warm start takes the rest from the model).
     *
     * @param validation the fraction held out for validation, or null to leave it unset
     */
    Settings settings(Double validation, java.util.function.Predicate<String> given) {
        if (hidden != null) for (int v : hidden) if (v < 1 && !(hidden.length == 1 && v == 0)) throw new IllegalArgumentException("--hidden sizes must be positive: " + v);
        if (batch != null && batch < 0) throw new IllegalArgumentException("--batch must be ≥ 0: " + batch);
        Settings.Builder b = Settings.builder();
        if (hidden != null) b.hidden(hidden);
        if (activation != null) b.activations(activations(activation, hidden));
        if (output != null) b.output(outputActivation(output));
        if (loss != null) b.loss(Loss.parse(loss));
        if (init != null) b.init(init);
        if (optimizer != null) b.optimizer(optimizer);
        if (epochs != null) b.epochs(epochs);
        if (batch != null) b.batch(batch);
        if (schedule != null) b.schedule(schedule);
        if (earlyStopping != null) b.earlyStopping(earlyStopping);
        if (noPlateauStop && plateau != null) {
            throw new IllegalArgumentException("--no-plateau-stop and --plateau " + plateau + " contradict each other: give one");
        }
        if (noPlateauStop) b.plateau(org.backprop4j.train.PlateauStop.OFF);
        else if (plateau != null) {
            try {
                org.backprop4j.train.PlateauStop.parse(plateau);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--plateau: " + e.getMessage());
            }
            b.plateau(plateau);
        }
        try {
            if (given.test("--scaling")) b.scaling(Settings.parseScaling(scaling));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage());
        }
        if (lambda != null && given.test("--lambda")) b.lambda(lambda);
        if (given.test("--target-error")) b.targetError(targetError);
        if (given.test("--clip")) b.clipNorm(clip);
        if (given.test("--seed")) b.seed(seed);
        if (validation != null) b.validation(validation);
        return b.build();
    }

    /**
     * {@code --activation}'s list: one activation for all hidden layers, or one per hidden layer of
     * {@code --hidden} (the default hidden layer when it is not given).
     *
     * @throws IllegalArgumentException one line naming both options and the fix when the counts differ
     */
    static List<Activation> activations(String spec, int[] hidden) {
        List<Activation> fs;
        try {
            fs = Settings.parseActivations(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--activation " + spec + ": " + e.getMessage());
        }
        if (fs.size() == 1) return fs;
        int layers = hidden == null ? Defaults.HIDDEN.size() : hidden.length == 1 && hidden[0] == 0 ? 0 : hidden.length;
        if (fs.size() != layers) {
            String given = hidden == null ? "the default hidden layer (--hidden " + Defaults.HIDDEN_UNITS + ")"
                    : layers == 0 ? "no hidden layer (--hidden 0)" : layers + " hidden layer" + (layers == 1 ? "" : "s") + " (--hidden " + join(hidden) + ")";
            throw new IllegalArgumentException("--activation " + spec + " names " + fs.size() + " activations for " + given
                    + ": give one per hidden layer (--hidden with " + fs.size() + " sizes), or one activation for all");
        }
        return fs;
    }

    /**
     * --output's activation. --output is easily typed for -o/--out: a value that looks like a file
     * gets the two options told apart.
     */
    static Activation outputActivation(String v) {
        try {
            return Activation.parse(v);
        } catch (IllegalArgumentException e) {
            if (v.contains(".") || v.contains("/")) {
                throw new IllegalArgumentException("--output is the output layer's activation (softmax, logistic, identity, ...), not '" + v
                        + "': the file to write is -o/--out");
            }
            throw e;
        }
    }

    private static String join(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int x : v) sb.append(sb.isEmpty() ? "" : ",").append(x);
        return sb.toString();
    }

    /** The resolved settings and how they ran, for the JSON summary and the report (the keys of format-1 model files). */
    static Map<String, Object> describe(ModelTrainer.Fit fit) {
        Settings s = fit.settings();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("network", fit.model().network().describe());
        m.put("loss", s.loss().id());
        m.put("init", s.init());
        m.put("optimizer", s.optimizer());
        TrainingConfig cfg = s.config(fit.trainPart().size(), fit.validationPart() != null);
        m.put("mode", cfg.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        if (cfg.mode() == TrainingConfig.Mode.MINI_BATCH) m.put("batch", cfg.batchSize());
        m.put("maxEpochs", cfg.maxEpochs());
        if (s.lambda() > 0) m.put("lambda", s.lambda());
        if (s.targetError() > 0) m.put("targetError", s.targetError());
        if (s.schedule() != null) m.put("schedule", s.schedule());
        if (s.clipNorm() > 0) m.put("clipNorm", s.clipNorm());
        if (s.earlyStopping() != null) m.put("earlyStopping", s.earlyStopping());
        if (s.plateau() != null) m.put("plateau", s.plateau());
        m.put("scaling", Settings.scalingId(s.scaling()));
        m.put("seed", s.seed());
        return m;
    }
}
