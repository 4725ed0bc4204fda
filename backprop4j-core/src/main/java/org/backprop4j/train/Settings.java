package org.backprop4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.Examples;
import org.backprop4j.data.Pipeline;

/**
 * What to train: the network's shape, the preprocessing, the update rule and when to stop. A
 * component left null is "unset": {@link #resolve(Examples)} fills it from {@link Defaults}, chosen
 * from the data's task. Immutable; build with {@link #builder()}. Specs given as text
 * (optimizer, init, schedule, early stopping) are checked when the settings are built.
 *
 * @param hidden         hidden layer sizes, input side first (empty: no hidden layer)
 * @param activations    activations of the hidden layers: one for all (the usual shorthand), or one per hidden
 *                       layer, input side first; a list whose entries are all the same is kept as that one
 * @param output         activation of the output layer
 * @param loss           the loss E
 * @param init           weight initialisation, an {@link Init#parse} spec (e.g. {@code xavier}, {@code uniform:0.3})
 * @param optimizer      update rule, an {@link Optimizers#parse} spec (e.g. {@code adam}, {@code sgd:lr=0.1,momentum=0.9})
 * @param epochs         maximum number of epochs
 * @param batch          patterns per update: 1 = online, 0 = full batch, otherwise mini-batches of this size
 * @param lambda         L2 decay λ in λ/2‖W‖²
 * @param targetError    stop when the training error falls below ε (0 = never)
 * @param schedule       learning-rate schedule, a {@link Schedule#parse} spec, or null for none
 * @param clipNorm       clip the gradient to this Euclidean norm (0 = off)
 * @param earlyStopping  early stopping on the validation part, an {@link EarlyStopping#parse} spec, or null for none
 * @param scaling        input scaling fitted on the training part (regression targets are standardized
 *                       unless this is NONE)
 * @param seed           seed of the weights, the shuffling and the validation split
 * @param validation     fraction of the data held out for validation (stratified for classes); 0 = none
 * @param plateau        stop when the training error stops improving, a {@link PlateauStop#parse} spec
 *                       ({@code off}, or {@code tol:T,epochs:N}); resolved to {@link Defaults#PLATEAU}
 */
public record Settings(List<Integer> hidden, List<Activation> activations, Activation output, Loss loss, String init,
                       String optimizer, Integer epochs, Integer batch, Double lambda, Double targetError,
                       String schedule, Double clipNorm, String earlyStopping, Pipeline.Scaling scaling,
                       Long seed, Double validation, String plateau) {

    /**
     * The settings without a plateau stop given (unset: {@link #resolve} turns on {@link Defaults#PLATEAU}).
     *
     * @param hidden        hidden layer sizes, input side first
     * @param activations   activations of the hidden layers: one for all, or one per hidden layer
     * @param output        activation of the output layer
     * @param loss          the loss E
     * @param init          weight initialisation spec
     * @param optimizer     update rule spec
     * @param epochs        maximum number of epochs
     * @param batch         patterns per update
     * @param lambda        L2 decay λ
     * @param targetError   target training error ε
     * @param schedule      learning-rate schedule spec
     * @param clipNorm      gradient clipping norm
     * @param earlyStopping early stopping spec
     * @param scaling       input scaling
     * @param seed          seed
     * @param validation    validation fraction
     */
    public Settings(List<Integer> hidden, List<Activation> activations, Activation output, Loss loss, String init,
                    String optimizer, Integer epochs, Integer batch, Double lambda, Double targetError,
                    String schedule, Double clipNorm, String earlyStopping, Pipeline.Scaling scaling,
                    Long seed, Double validation) {
        this(hidden, activations, output, loss, init, optimizer, epochs, batch, lambda, targetError, schedule, clipNorm,
                earlyStopping, scaling, seed, validation, null);
    }

    /**
     * Checks every given component (unset ones stay null).
     *
     * @param hidden        hidden layer sizes, input side first
     * @param activations   activations of the hidden layers: one for all, or one per hidden layer
     * @param output        activation of the output layer
     * @param loss          the loss E
     * @param init          weight initialisation spec
     * @param optimizer     update rule spec
     * @param epochs        maximum number of epochs
     * @param batch         patterns per update
     * @param lambda        L2 decay λ
     * @param targetError   target training error ε
     * @param schedule      learning-rate schedule spec
     * @param clipNorm      gradient clipping norm
     * @param earlyStopping early stopping spec
     * @param scaling       input scaling
     * @param seed          seed
     * @param validation    validation fraction
     * @param plateau       plateau stop spec
     * @throws IllegalArgumentException naming the component, for a value out of range or a spec that does not parse
     */
    public Settings {
        if (hidden != null) {
            hidden = List.copyOf(hidden);
            for (int h : hidden) if (h < 1) throw new IllegalArgumentException("hidden layer sizes must be positive: " + h);
        }
        if (activations != null) {
            if (activations.isEmpty()) throw new IllegalArgumentException("hidden activations: give one for all hidden layers or one per hidden layer, not none");
            for (Activation f : activations) {
                if (f == null) throw new IllegalArgumentException("hidden activations must not be null: " + activations);
                if (f == Activation.SOFTMAX) throw new IllegalArgumentException("softmax is only allowed on the output layer, not as a hidden activation");
            }
            // one canonical form: "tanh for every layer" and "tanh, tanh" build the same network, so they are equal settings
            Activation first = activations.get(0);
            activations = activations.stream().allMatch(f -> f == first) ? List.of(first) : List.copyOf(activations);
            if (hidden != null) checkActivationCount(hidden, activations);
        }
        if (init != null) Init.parse(init);
        if (optimizer != null) Optimizers.parse(optimizer);
        if (epochs != null && epochs < 0) throw new IllegalArgumentException("epochs must be ≥ 0: " + epochs);
        if (batch != null && batch < 0) throw new IllegalArgumentException("batch must be ≥ 0 (0 = full batch): " + batch);
        if (lambda != null && !(lambda >= 0 && Double.isFinite(lambda))) throw new IllegalArgumentException("λ must be ≥ 0: " + lambda);
        if (targetError != null && !(targetError >= 0)) throw new IllegalArgumentException("target error must be ≥ 0: " + targetError);
        if (schedule != null) Schedule.parse(schedule);
        if (clipNorm != null && !(clipNorm >= 0 && Double.isFinite(clipNorm))) throw new IllegalArgumentException("clip norm must be ≥ 0: " + clipNorm);
        if (earlyStopping != null) EarlyStopping.parse(earlyStopping);
        if (validation != null && !(validation >= 0 && validation < 1)) {
            throw new IllegalArgumentException("validation must be a fraction in [0, 1): " + validation);
        }
        if (plateau != null) {
            PlateauStop p = PlateauStop.parse(plateau);
            plateau = p == null ? PlateauStop.OFF : p.spec();   // one canonical form, as for the activations
        }
    }

    /**
     * The settings with one activation for every hidden layer.
     *
     * @param hidden        hidden layer sizes, input side first
     * @param activation    activation of every hidden layer (null: unset)
     * @param output        activation of the output layer
     * @param loss          the loss E
     * @param init          weight initialisation spec
     * @param optimizer     update rule spec
     * @param epochs        maximum number of epochs
     * @param batch         patterns per update
     * @param lambda        L2 decay λ
     * @param targetError   target training error ε
     * @param schedule      learning-rate schedule spec
     * @param clipNorm      gradient clipping norm
     * @param earlyStopping early stopping spec
     * @param scaling       input scaling
     * @param seed          seed
     * @param validation    validation fraction
     * @throws IllegalArgumentException naming the component, for a value out of range or a spec that does not parse
     */
    public Settings(List<Integer> hidden, Activation activation, Activation output, Loss loss, String init,
                    String optimizer, Integer epochs, Integer batch, Double lambda, Double targetError,
                    String schedule, Double clipNorm, String earlyStopping, Pipeline.Scaling scaling,
                    Long seed, Double validation) {
        this(hidden, activation == null ? null : List.of(activation), output, loss, init, optimizer, epochs, batch, lambda, targetError,
                schedule, clipNorm, earlyStopping, scaling, seed, validation, null);
    }

    private static void checkActivationCount(List<Integer> hidden, List<Activation> activations) {
        if (activations.size() > 1 && activations.size() != hidden.size()) {
            throw new IllegalArgumentException(activations.size() + " hidden activations for " + hidden.size() + " hidden layer"
                    + (hidden.size() == 1 ? "" : "s") + ": give one per hidden layer, or one for all");
        }
    }

    /**
     * The activation of every hidden layer when they all have the same one (the shorthand form).
     *
     * @return the activation, or null when unset
     * @throws IllegalStateException if the hidden layers have different activations (see {@link #activations()})
     */
    public Activation activation() {
        if (activations == null) return null;
        if (activations.size() > 1) {
            throw new IllegalStateException("the hidden layers have different activations " + ids(activations) + ": use activations()");
        }
        return activations.get(0);
    }

    /** {@return whether the hidden layers have different activations (the list form, one per hidden layer)} */
    public boolean perLayerActivations() {
        return activations != null && activations.size() > 1;
    }

    /**
     * The activation of hidden layer {@code i}.
     *
     * @param i the hidden layer, from 0, input side first
     * @return its activation
     * @throws IllegalStateException if the activations are unset
     */
    public Activation hiddenActivation(int i) {
        if (activations == null) throw new IllegalStateException("unresolved settings: call resolve(data) first");
        if (hidden != null && (i < 0 || i >= hidden.size())) throw new IndexOutOfBoundsException("hidden layer " + i + " of " + hidden.size());
        return activations.size() == 1 ? activations.get(0) : activations.get(i);
    }

    /**
     * Activation names joined by commas, as {@code --activation} takes them.
     *
     * @param fs the activations
     * @return e.g. {@code tanh,relu}
     */
    public static String ids(List<Activation> fs) {
        StringBuilder sb = new StringBuilder();
        for (Activation f : fs) sb.append(sb.isEmpty() ? "" : ",").append(f.id());
        return sb.toString();
    }

    /**
     * Hidden activations as {@code --activation} takes them: one name for all hidden layers, or
     * names separated by commas, one per hidden layer (e.g. {@code tanh,relu}).
     *
     * @param spec the names
     * @return the activations, in order
     * @throws IllegalArgumentException naming the unknown activation
     */
    public static List<Activation> parseActivations(String spec) {
        List<Activation> fs = new ArrayList<>();
        for (String f : spec.split(",", -1)) fs.add(Activation.parse(f.trim()));
        return fs;
    }

    /** {@return settings with nothing set} Every setting is chosen from the data by {@link Defaults}. */
    public static Settings defaults() {
        return new Builder().build();
    }

    /** {@return a builder with nothing set} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder starting from these settings} */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.hidden = hidden;
        b.activations = activations;
        b.output = output;
        b.loss = loss;
        b.init = init;
        b.optimizer = optimizer;
        b.epochs = epochs;
        b.batch = batch;
        b.lambda = lambda;
        b.targetError = targetError;
        b.schedule = schedule;
        b.clipNorm = clipNorm;
        b.earlyStopping = earlyStopping;
        b.scaling = scaling;
        b.seed = seed;
        b.validation = validation;
        b.plateau = plateau;
        return b;
    }

    /**
     * These settings over {@code base}: every component unset here is taken from base.
     *
     * @param base the settings to take unset components from (null: none)
     * @return the combined settings
     */
    public Settings over(Settings base) {
        if (base == null) return this;
        return new Settings(hidden != null ? hidden : base.hidden, activations != null ? activations : base.activations,
                output != null ? output : base.output, loss != null ? loss : base.loss, init != null ? init : base.init,
                optimizer != null ? optimizer : base.optimizer, epochs != null ? epochs : base.epochs, batch != null ? batch : base.batch,
                lambda != null ? lambda : base.lambda, targetError != null ? targetError : base.targetError,
                schedule != null ? schedule : base.schedule, clipNorm != null ? clipNorm : base.clipNorm,
                earlyStopping != null ? earlyStopping : base.earlyStopping, scaling != null ? scaling : base.scaling,
                seed != null ? seed : base.seed, validation != null ? validation : base.validation,
                plateau != null ? plateau : base.plateau);
    }

    /**
     * Every unset component filled from {@link Defaults} for this raw data set's task.
     *
     * @param raw the training data (only its task matters)
     * @return resolved settings ({@link #isResolved()})
     */
    public Settings resolve(Examples raw) {
        return resolve(raw.isClassification(), raw.outputs());
    }

    /**
     * Every unset component filled from {@link Defaults} for a classification or regression task.
     *
     * @param classification whether the task is classification
     * @return resolved settings ({@link #isResolved()})
     * @throws IllegalArgumentException for logistic outputs on a class target without a loss (ce would be wrong for them)
     */
    public Settings resolve(boolean classification) {
        return resolve(classification, 0);
    }

    /**
     * Every unset component filled from {@link Defaults} for a task with this many target columns:
     * two classes in one 0/1 column (as MONK files give them) get one logistic unit and bce
     * ({@link Defaults#outputActivation(boolean, int)}).
     *
     * @param classification whether the task is classification
     * @param outputs        target columns (0: not known, as for {@link #resolve(boolean)})
     * @return resolved settings ({@link #isResolved()})
     */
    private Settings resolve(boolean classification, int outputs) {
        boolean oneColumn = classification && outputs == 1;
        if (classification && !oneColumn && output == Activation.LOGISTIC && loss == null) {
            // ce assumes softmax's one class per pattern (seed 003, eqs. 35–37); logistic outputs are independent Bernoullis (eq. 28)
            throw new IllegalArgumentException("logistic outputs on a single-label class target: use softmax outputs (the default, "
                    + "with loss ce) for class probabilities that sum to 1, or loss bce for one independent logistic output per class (one-vs-rest)");
        }
        String opt = optimizer != null ? optimizer : Defaults.OPTIMIZER;
        List<Integer> h = hidden != null ? hidden : Defaults.HIDDEN;
        if (hidden == null && activations != null && activations.size() > 1) {
            throw new IllegalArgumentException(activations.size() + " hidden activations (" + ids(activations) + ") for the default hidden layer of "
                    + Defaults.HIDDEN_UNITS + " units: set the hidden layer sizes too, one per activation, or give one activation");
        }
        return new Settings(h, activations != null ? activations : List.of(Defaults.HIDDEN_ACTIVATION),
                output != null ? output : Defaults.outputActivation(classification, outputs),
                loss != null ? loss : output == Activation.LOGISTIC && oneColumn ? Loss.BINARY_CROSS_ENTROPY : Defaults.loss(classification, outputs),
                init != null ? init : Defaults.INIT, opt,
                epochs != null ? epochs : Defaults.EPOCHS,
                batch != null ? batch : Defaults.batch(opt),
                lambda != null ? lambda : Defaults.lambda(opt), targetError != null ? targetError : 0.0, schedule,
                clipNorm != null ? clipNorm : 0.0, earlyStopping,
                scaling != null ? scaling : Defaults.SCALING,
                seed != null ? seed : Defaults.SEED, validation != null ? validation : 0.0,
                plateau != null ? plateau : Defaults.PLATEAU.spec());
    }

    /** {@return whether every component that has a default is set (as after {@link #resolve})} */
    public boolean isResolved() {
        return hidden != null && activations != null && output != null && loss != null && init != null && optimizer != null
                && epochs != null && batch != null && lambda != null && targetError != null && clipNorm != null
                && scaling != null && seed != null && validation != null;
    }

    private Settings requireResolved() {
        if (!isResolved()) throw new IllegalStateException("unresolved settings: call resolve(data) first");
        return this;
    }

    /**
     * The preprocessing for a task: inputs scaled as {@link #scaling()}, one-hot columns left as
     * they are, regression targets standardized (outputs are mapped back when predicting) unless
     * scaling is NONE.
     *
     * @param classification whether the task is classification
     * @return the options to fit the pipeline with
     * @throws IllegalStateException if the settings are not resolved
     */
    public Pipeline.Options pipelineOptions(boolean classification) {
        requireResolved();
        Pipeline.Scaling t = classification || scaling == Pipeline.Scaling.NONE ? Pipeline.Scaling.NONE : Pipeline.Scaling.STANDARDIZE;
        return new Pipeline.Options(scaling, false, t);
    }

    /**
     * A new network for preprocessed data, initialised by {@link #init()} with {@link #seed()}.
     *
     * @param train the preprocessed training data (its input and output counts size the network)
     * @return the network
     * @throws IllegalStateException if the settings are not resolved
     */
    public Network network(Examples train) {
        requireResolved();
        Network.Builder b = Network.builder(train.inputs());
        for (int i = 0; i < hidden.size(); i++) b.layer(hidden.get(i), hiddenActivation(i));
        b.layer(train.outputs(), output);
        return b.build(Init.parse(init), seed);
    }

    /**
     * The trainer's configuration for a training part of {@code trainSize} patterns: a batch of
     * 0 or of at least the training size means full batch, 1 means online.
     *
     * @param trainSize      patterns in the training part
     * @param haveValidation whether there is a validation part: then each epoch's training error and
     *                       accuracy are evaluated at the epoch's final weights; without one, an epoch's
     *                       training error is the mean of the per-pattern errors its updates computed
     *                       (each at the weights of its step; full batch: at the epoch's start) and no
     *                       training accuracy is recorded ({@link TrainingConfig#evaluateEachEpoch})
     * @return the configuration
     * @throws IllegalStateException if the settings are not resolved
     * @throws IllegalArgumentException if early stopping is asked for without validation data
     */
    public TrainingConfig config(int trainSize, boolean haveValidation) {
        requireResolved();
        // an exact pass over the training set each epoch only where a validation curve is compared with it
        TrainingConfig.Builder c = TrainingConfig.builder().optimizer(optimizer).epochs(epochs)
                .lambda(lambda).targetError(targetError).seed(seed).evaluateEachEpoch(haveValidation);
        if (batch == 0 || batch >= trainSize) c.fullBatch();
        else if (batch == 1) c.online();
        else c.miniBatch(batch);
        if (schedule != null) c.schedule(Schedule.parse(schedule));
        if (clipNorm > 0) c.clipNorm(clipNorm);
        // null in resolved settings: read from a model file written before the plateau stop existed, which trained without one
        if (plateau != null) c.plateau(PlateauStop.parse(plateau));
        if (earlyStopping != null) {
            if (!haveValidation) throw new IllegalArgumentException("early stopping needs a validation set (a validation fraction above 0)");
            c.earlyStopping(EarlyStopping.parse(earlyStopping));
        }
        return c.build();
    }

    /**
     * One line per setting chosen from the data (unset here), so the user learns the defaults.
     *
     * @param raw      the raw training data
     * @param howToSet the name by which the user sets a component (e.g. {@code n -> "--" + n} on the command line)
     * @return the lines, the task first
     */
    public List<String> explain(Examples raw, UnaryOperator<String> howToSet) {
        Settings r = resolve(raw);
        List<String> lines = new ArrayList<>();
        String task = raw.isClassification() ? "classification into " + count(raw.outputs(), "class", "classes") + " " + raw.classNames()
                : "regression of " + count(raw.outputs(), "target", "targets");
        lines.add("task: " + task + " (" + count(raw.size(), "pattern", "patterns") + ", " + count(raw.inputs(), "input", "inputs") + " after encoding)");
        if (output == null) lines.add("output layer: " + raw.outputs() + " " + r.output.id() + (raw.outputs() == 1 ? " unit" : " units")
                + " (set with " + howToSet.apply("output") + ")");
        if (loss == null) lines.add("loss: " + r.loss.id() + (r.loss == Loss.CROSS_ENTROPY ? " (cross-entropy with softmax: output delta o − d; set with "
                : r.loss == Loss.BINARY_CROSS_ENTROPY ? " (binary cross-entropy: two classes in one 0/1 column, one logistic unit; set with "
                : " (mean squared error; set with ") + howToSet.apply("loss") + ")");
        if (hidden == null) lines.add((r.hidden.size() > 1 ? "hidden layers: " : "hidden layer: ") + join(r.hidden)
                + (r.hidden.size() == 1 && r.hidden.get(0) == 1 ? " unit" : " units") + " (set with " + howToSet.apply("hidden") + ")");
        if (activations == null && !r.hidden.isEmpty()) lines.add("hidden activation: " + r.activation().id() + " (set with " + howToSet.apply("activation") + ")");
        if (optimizer == null) lines.add("optimizer: " + r.optimizer + " (Kingma & Ba 2015, lr 0.001; set with " + howToSet.apply("optimizer") + ")");
        if (batch == null) lines.add("batch: " + (r.batch == 0 ? "full batch" : r.batch + " patterns per update") + " (set with " + howToSet.apply("batch") + ")");
        if (epochs == null) lines.add("epochs: at most " + r.epochs + " (set with " + howToSet.apply("epochs") + ")");
        if (lambda == null && r.lambda > 0) lines.add("L2 decay: λ = " + r.lambda + " (set with " + howToSet.apply("lambda") + ")");
        if (plateau == null) {
            PlateauStop p = PlateauStop.parse(r.plateau);
            lines.add("plateau stop: when the training error improves by less than " + p.tol() + " for " + p.epochs()
                    + " epochs in a row (set with " + howToSet.apply("plateau") + ")");
        }
        lines.add("inputs: " + scalingId(r.scaling) + " (fitted on the training data, stored in the model)");
        return lines;
    }

    /**
     * {@link #explain(Examples, UnaryOperator)} naming the builder's methods.
     *
     * @param raw the raw training data
     * @return the lines, the task first
     */
    public List<String> explain(Examples raw) {
        return explain(raw, n -> "Settings.Builder." + n + "(...)");
    }

    /** "1 pattern", "2 patterns": a count with its noun in agreement. */
    private static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static String join(List<Integer> h) {
        if (h.isEmpty()) return "no hidden";
        StringBuilder sb = new StringBuilder();
        for (int v : h) sb.append(sb.isEmpty() ? "" : ",").append(v);
        return sb.toString();
    }

    /**
     * The name of a scaling as written in model files and on the command line.
     *
     * @param s the scaling
     * @return {@code standardize}, {@code minmax}, {@code minmax-pm1} or {@code none}
     */
    public static String scalingId(Pipeline.Scaling s) {
        return switch (s) {
            case STANDARDIZE -> "standardize";
            case MINMAX_01 -> "minmax";
            case MINMAX_PM1 -> "minmax-pm1";
            case NONE -> "none";
        };
    }

    /**
     * A scaling by name: standardize (zscore), minmax (minmax01), minmax-pm1, none.
     *
     * @param s the name (any case)
     * @return the scaling
     * @throws IllegalArgumentException for another name
     */
    public static Pipeline.Scaling parseScaling(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "standardize", "zscore", "z-score" -> Pipeline.Scaling.STANDARDIZE;
            case "minmax", "minmax01" -> Pipeline.Scaling.MINMAX_01;
            case "minmax-pm1", "minmaxpm1" -> Pipeline.Scaling.MINMAX_PM1;
            case "none" -> Pipeline.Scaling.NONE;
            default -> throw new IllegalArgumentException("scaling must be standardize, minmax, minmax-pm1 or none, not '" + s + "'");
        };
    }

    /** Builds {@link Settings}; every component starts unset. */
    public static final class Builder {
        private List<Integer> hidden;
        private List<Activation> activations;
        private Activation output;
        private Loss loss;
        private String init, optimizer, schedule, earlyStopping;
        private Integer epochs, batch;
        private Double lambda, targetError, clipNorm, validation;
        private Pipeline.Scaling scaling;
        private Long seed;
        private String plateau;

        private Builder() {}

        /**
         * Sets the hidden layer sizes.
         *
         * @param sizes input side first; none (or a single 0) for no hidden layer
         * @return this builder
         */
        public Builder hidden(int... sizes) {
            List<Integer> h = new ArrayList<>();
            if (!(sizes.length == 1 && sizes[0] == 0)) for (int s : sizes) h.add(s);
            this.hidden = h;
            return this;
        }
        /**
         * Sets one activation for every hidden layer.
         *
         * @param f the activation (null: unset)
         * @return this builder
         */
        public Builder activation(Activation f) { this.activations = f == null ? null : List.of(f); return this; }

        /**
         * Sets one activation per hidden layer.
         *
         * @param fs input side first (a single one: for every hidden layer)
         * @return this builder
         */
        public Builder activations(List<Activation> fs) { this.activations = fs; return this; }

        /**
         * Sets one activation per hidden layer.
         *
         * @param fs input side first (a single one: for every hidden layer)
         * @return this builder
         */
        public Builder activations(Activation... fs) { this.activations = List.of(fs); return this; }

        /**
         * Sets the activation of the output layer.
         *
         * @param f the activation
         * @return this builder
         */
        public Builder output(Activation f) { this.output = f; return this; }

        /**
         * Sets the loss.
         *
         * @param l the loss E
         * @return this builder
         */
        public Builder loss(Loss l) { this.loss = l; return this; }

        /**
         * Sets the weight initialisation.
         *
         * @param spec an {@link Init#parse} spec
         * @return this builder
         */
        public Builder init(String spec) { this.init = spec; return this; }

        /**
         * Sets the update rule.
         *
         * @param spec an {@link Optimizers#parse} spec
         * @return this builder
         */
        public Builder optimizer(String spec) { this.optimizer = spec; return this; }

        /**
         * Sets the maximum number of epochs.
         *
         * @param n the epochs (at least 0)
         * @return this builder
         */
        public Builder epochs(int n) { this.epochs = n; return this; }

        /**
         * Sets the patterns per update.
         *
         * @param n 1 = online, 0 = full batch, otherwise mini-batches of this size
         * @return this builder
         */
        public Builder batch(int n) { this.batch = n; return this; }

        /**
         * Sets the L2 decay.
         *
         * @param l λ in λ/2‖W‖² (at least 0)
         * @return this builder
         */
        public Builder lambda(double l) { this.lambda = l; return this; }

        /**
         * Stop when the training error falls below ε.
         *
         * @param eps ε (0 = never)
         * @return this builder
         */
        public Builder targetError(double eps) { this.targetError = eps; return this; }

        /**
         * Sets the learning-rate schedule.
         *
         * @param spec a {@link Schedule#parse} spec, or null for none
         * @return this builder
         */
        public Builder schedule(String spec) { this.schedule = spec; return this; }

        /**
         * Clip the gradient to a Euclidean norm.
         *
         * @param c the norm (0 = off)
         * @return this builder
         */
        public Builder clipNorm(double c) { this.clipNorm = c; return this; }

        /**
         * Sets early stopping on the validation part.
         *
         * @param spec an {@link EarlyStopping#parse} spec, or null for none
         * @return this builder
         */
        public Builder earlyStopping(String spec) { this.earlyStopping = spec; return this; }

        /**
         * Sets the input scaling.
         *
         * @param s the scaling fitted on the training part
         * @return this builder
         */
        public Builder scaling(Pipeline.Scaling s) { this.scaling = s; return this; }

        /**
         * Sets the seed of the weights, the shuffling and the validation split.
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) { this.seed = s; return this; }

        /**
         * Sets the fraction held out for validation.
         *
         * @param fraction in [0, 1) (0 = none)
         * @return this builder
         */
        public Builder validation(double fraction) { this.validation = fraction; return this; }

        /**
         * Sets the plateau stop on the training error.
         *
         * @param spec a {@link PlateauStop#parse} spec: {@code off}, or {@code tol:T,epochs:N}
         * @return this builder
         */
        public Builder plateau(String spec) { this.plateau = spec; return this; }

        /**
         * Makes components unset again.
         *
         * @param names "batch", "schedule", "clipNorm", "earlyStopping" or "plateau"
         * @return this builder
         */
        public Builder unset(String... names) {
            for (String n : names) {
                switch (n) {
                    case "batch" -> batch = null;
                    case "schedule" -> schedule = null;
                    case "clipNorm" -> clipNorm = null;
                    case "earlyStopping" -> earlyStopping = null;
                    case "plateau" -> plateau = null;
                    default -> throw new IllegalArgumentException("cannot unset '" + n + "' (batch, schedule, clipNorm, earlyStopping, plateau)");
                }
            }
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return the settings (checked)
         * @throws IllegalArgumentException naming the component, for a value out of range or a spec that does not parse
         */
        public Settings build() {
            return new Settings(hidden, activations, output, loss, init, optimizer, epochs, batch, lambda, targetError,
                    schedule, clipNorm, earlyStopping, scaling, seed, validation, plateau);
        }
    }
}
