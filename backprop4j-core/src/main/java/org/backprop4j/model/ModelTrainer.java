package org.backprop4j.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.backprop4j.Backprop;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataFiles;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Examples;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.ReadOptions;
import org.backprop4j.data.Splits;
import org.backprop4j.train.Checkpoint;
import org.backprop4j.train.Settings;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingListener;
import org.backprop4j.train.TrainingResult;

/**
 * Trains a {@link Model} on raw data: splits off the validation part, fits the preprocessing on
 * the training part, builds and trains the network ({@link Trainer}), evaluates it and records
 * the provenance. Everything the command line's {@code train}, {@code cv} and {@code search} do
 * to make a model happens here. Configure once, then call {@code fit} (a trainer may fit many
 * times; it is not thread-safe while being configured).
 */
public final class ModelTrainer {
    private final Settings settings;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private int checkpointEvery;
    private Path checkpoint;
    private boolean resume;
    private int restarts;
    private boolean consume;

    /**
     * A trainer with these settings.
     *
     * @param settings what to train (unset components are chosen from the data when fitting; null: all unset)
     */
    public ModelTrainer(Settings settings) {
        this.settings = settings == null ? Settings.defaults() : settings;
    }

    /**
     * Adds a listener told of every epoch and of divergence.
     *
     * @param l the listener
     * @return this trainer
     */
    public ModelTrainer listener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /**
     * Writes a checkpoint (weights, optimizer and RNG state) atomically every {@code epochs} epochs to {@code file}.
     *
     * @param epochs the interval (0: no checkpoints)
     * @param file   the checkpoint file (required for an interval above 0)
     * @return this trainer
     */
    public ModelTrainer checkpointEvery(int epochs, Path file) {
        if (epochs < 0) throw new IllegalArgumentException("checkpoint interval must be ≥ 0: " + epochs);
        if (epochs > 0 && file == null) throw new IllegalArgumentException("a checkpoint interval needs a checkpoint file");
        this.checkpointEvery = epochs;
        this.checkpoint = file;
        return this;
    }

    /**
     * Continue from the checkpoint file if it exists (same data and settings): bit-identical to an uninterrupted run.
     *
     * @param resume whether to resume (default false)
     * @return this trainer
     */
    public ModelTrainer resume(boolean resume) {
        this.resume = resume;
        return this;
    }

    /**
     * Preprocess the raw training part in place instead of copying it (one copy of the data in
     * memory, not two: issue 24.5); the caller's training {@link DataSet} then holds preprocessed
     * values, and so does {@link Fit#trainPart()}.
     *
     * @param b whether to (default false)
     * @return this trainer
     */
    public ModelTrainer consumeTrainingData(boolean b) {
        this.consume = b;
        return this;
    }

    /**
     * On divergence, restart from the best weights with the learning rate halved, up to {@code n} times.
     *
     * @param n the most restarts (default 0: stop at a divergence)
     * @return this trainer
     */
    public ModelTrainer restartOnDivergence(int n) {
        if (n < 0) throw new IllegalArgumentException("restarts must be ≥ 0: " + n);
        this.restarts = n;
        return this;
    }

    /** {@return the settings as given} Unset components are resolved per data set. */
    public Settings settings() {
        return settings;
    }

    /**
     * A trained model and how training went. Validation figures are NaN without a validation part.
     *
     * @param model          the model (with its provenance)
     * @param settings       the resolved settings used
     * @param result         the trainer's result (history, stop reason)
     * @param train          loss and accuracy on the training part (preprocessed)
     * @param validation     loss and accuracy on the validation part
     * @param seconds        training time
     * @param trainPart      the raw training part (a memory-mapped one: a view of the raw data)
     * @param validationPart the raw validation part, or null
     * @param optimizer      the update rule as the run left it (e.g. Bayesian regularisation's γ and λ)
     * @param warmStart      for {@link #continueTraining}, the one line saying whether the update rule's state
     *                       continued or why it started fresh; null for {@code fit}
     */
    public record Fit(Model model, Settings settings, TrainingResult result, Evaluation train, Evaluation validation,
                      double seconds, Examples trainPart, Examples validationPart, org.backprop4j.train.Optimizer optimizer,
                      String warmStart) {
        /** {@return whether training diverged} The model's weights are then not usable. */
        public boolean diverged() {
            return result.diverged();
        }
    }

    /**
     * Reads a data file and trains on it; the model's provenance records the file's name,
     * pattern count and SHA-256.
     *
     * @param dataFile the training data (CSV, ARFF, LIBSVM, MONK, IDX; chosen by the name)
     * @param options  how to read it
     * @return the model and how training went
     * @throws IOException for an unreadable or malformed file, or a checkpoint that cannot be read or written
     */
    public Fit fit(Path dataFile, ReadOptions options) throws IOException {
        DataSet raw = DataFiles.read(dataFile, options);
        return fit(raw, Provenance.DataInfo.of(dataFile, raw.size()));
    }

    /**
     * Trains on raw data, holding out the settings' validation fraction (stratified for classes,
     * seeded by the settings' seed).
     *
     * @param raw  the data as read, not preprocessed
     * @param info what the provenance records about the data (null: its pattern count only)
     * @return the model and how training went
     * @throws IOException only when reading or writing a checkpoint fails
     */
    public Fit fit(Examples raw, Provenance.DataInfo info) throws IOException {
        Settings s = settings.resolve(raw);
        Examples[] parts = split(raw, s.validation(), s.seed());
        return fit(parts[0], parts[1], info == null ? new Provenance.DataInfo(null, raw.size(), null) : info);
    }

    /**
     * Starts compiling the training step these settings will run, on a daemon thread, while the
     * caller reads the data ({@link Trainer#primeInBackground}): a network of the given shape
     * trained on synthetic patterns, never the user's data, so the run's weights do not change.
     * The shape may be a guess (the compiled code does not depend on it). Close the primer before
     * {@link #fit}.
     *
     * @param inputs         the inputs the network will have (or a guess)
     * @param outputs        the outputs (or a guess)
     * @param classification whether the task is classification (softmax and cross-entropy by default)
     * @param maxMillis      the longest the primer runs if it is not closed
     * @return the running primer
     */
    public Trainer.Primer prime(int inputs, int outputs, boolean classification, long maxMillis) {
        Trainer t = scratchTrainer(inputs, outputs, classification, SCRATCH_ROWS);
        TrainingConfig cfg = t.config();
        int rows = SCRATCH_ROWS;
        int primeRows = cfg.mode() == TrainingConfig.Mode.FULL_BATCH ? rows : Math.min(rows, Math.max(64, 4 * cfg.batchSize()));
        return t.primeInBackground(primeRows, maxMillis);
    }

    /**
     * {@link #prime} where the library's rule says a run of {@code flops} declared operations pays for it
     * ({@link Trainer#primes}: mini-batch runs from {@link Trainer#PRIME_MIN_FLOPS} up, with a core to spare),
     * until closed; else null. The command line's {@code train} calls it once a run is declared before its
     * data are read (an IDX header), as the benchmarks call {@link Trainer#primeForRun}.
     *
     * @param inputs         the inputs the network will have (or a guess)
     * @param outputs        the outputs (or a guess)
     * @param classification whether the task is classification
     * @param patterns       the training patterns the run will have (its configuration, e.g. the batch, may depend on them)
     * @param flops          the run's declared operations (NaN: not declared, no priming)
     * @return the running primer, or null
     */
    public Trainer.Primer primeForRun(int inputs, int outputs, boolean classification, int patterns, double flops) {
        DataSet shape = scratchData(inputs, outputs, classification);
        Settings s = settings.resolve(shape);
        return Trainer.primeForRun(s.network(shape), s.loss(), s.config(patterns, false), flops);
    }

    private static final int SCRATCH_ROWS = 256;

    /** A trainer of these settings for a network of the given shape, configured for {@code patterns} patterns ({@link #prime}). */
    private Trainer scratchTrainer(int inputs, int outputs, boolean classification, int patterns) {
        DataSet shape = scratchData(inputs, outputs, classification);
        Settings s = settings.resolve(shape);
        return new Trainer(s.network(shape), s.loss(), s.config(patterns, false));
    }

    /** Synthetic patterns of the given shape, from which the settings resolve the primers' network. */
    private static DataSet scratchData(int inputs, int outputs, boolean classification) {
        int rows = SCRATCH_ROWS;
        org.backprop4j.Rng r = new org.backprop4j.Rng(1);
        float[] x = new float[rows * inputs];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        DataSet shape;
        if (classification) {
            int[] labels = new int[rows];
            java.util.List<String> names = new java.util.ArrayList<>();
            for (int c = 0; c < Math.max(2, outputs); c++) names.add("c" + c);
            for (int p = 0; p < rows; p++) labels[p] = p % names.size();
            shape = DataSet.classification(x, inputs, labels, names);
        } else {
            float[] d = new float[rows * outputs];
            for (int i = 0; i < d.length; i++) d[i] = (float) r.nextDouble();
            shape = new DataSet(x, d, inputs, outputs);
        }
        return shape;
    }

    /**
     * Trains on a given training part, watching a given validation part (or none). Either may be a
     * {@link org.backprop4j.data.MappedExamples} (data larger than the heap): the preprocessing is
     * then fitted in streaming passes and applied to each pattern as the trainer copies it out, and
     * the result is the same bits as for the same data on the heap.
     *
     * @param rawTrain      the training part as read, not preprocessed
     * @param rawValidation the validation part as read, or null for none
     * @param info          what the provenance records about the data (null: the parts' pattern counts only)
     * @return the model and how training went
     * @throws IOException only when reading or writing a checkpoint fails
     */
    public Fit fit(Examples rawTrain, Examples rawValidation, Provenance.DataInfo info) throws IOException {
        Settings s = settings.resolve(rawTrain);
        Pipeline pipeline = Pipeline.fit(rawTrain, s.pipelineOptions(rawTrain.isClassification()));
        Examples train = consume ? pipeline.applyInPlace(rawTrain) : pipeline.apply(rawTrain);
        Examples val = rawValidation == null ? null : pipeline.apply(rawValidation);
        Network net = s.network(train);
        Loss loss = s.loss();
        TrainingConfig cfg = s.config(train.size(), val != null);
        Checkpoint from = resume && checkpoint != null && Files.exists(checkpoint) ? Checkpoint.read(checkpoint) : null;
        // a run saved before epochs without validation took their updates' running error goes on as it started
        Boolean evaluates = from == null ? null : from.evaluatesEachEpoch();
        if (evaluates != null && evaluates != cfg.evaluateEachEpoch()) cfg = cfg.withEvaluateEachEpoch(evaluates);
        Trainer trainer = new Trainer(net, loss, cfg);
        // the initial weights come from the init scheme: a checkpoint of a run with another one is refused on resume
        trainer.runSettings("init=" + Init.parse(s.init()).id());
        for (TrainingListener l : listeners) trainer.addListener(l);
        if (checkpointEvery > 0) trainer.checkpointEvery(checkpointEvery, checkpoint);
        trainer.restartOnDivergence(restarts);
        long t0 = System.nanoTime();
        TrainingResult r = from != null
                ? trainer.resume(from, checkpoint.getFileName() == null ? checkpoint.toString() : checkpoint.getFileName().toString(), train, val)
                : trainer.fit(train, val);
        double secs = (System.nanoTime() - t0) / 1e9;
        Model.Builder b = Model.builder(net, loss).pipeline(pipeline).classNames(rawTrain.classNames())
                .targetNames(rawTrain.schema() == null ? List.of() : rawTrain.schema().targets().stream().map(a -> a.name()).toList())
                .inputNames(rawTrain.inputNames());
        return finish(b, loss, s, trainer, cfg, r, secs, train, val, rawTrain, rawValidation, info);
    }

    /**
     * Trains a model further on raw data: a warm start (scikit-learn's {@code warm_start}, and its
     * {@code partial_fit} when the data are new). The model's network is the start and its
     * preprocessing is applied to the data as it is, not fitted again, so the data must have the
     * model's schema (read it with {@code ReadOptions.schema(model.schema())}). The settings given
     * to this trainer override the model's recorded ones ({@link Provenance#settings()}); their
     * epochs are further epochs. The update rule's state ({@link Model#trainingState()}) continues
     * when this run's rule settings are the ones it was made with, else the rule starts fresh from
     * the model's weights; {@link Fit#warmStart()} says which in one line
     * ({@link Trainer#continueFrom}). Two runs of 50 epochs on the same data give the weights of
     * one of 100, bit for bit. The network's shape, activations and loss and the preprocessing are
     * the model's: settings that give other ones are refused, as are checkpoints.
     *
     * @param model the model to train further
     * @param raw   the data, as read with the model's schema (not preprocessed)
     * @param info  what the provenance records about the data (null: its pattern count only)
     * @return the model trained further, with how training went and the warm start's line
     * @throws IOException not thrown (no checkpoint is read or written); declared as {@code fit}'s
     * @throws IllegalArgumentException for settings or data that do not fit the model
     */
    public Fit continueTraining(Model model, Examples raw, Provenance.DataInfo info) throws IOException {
        if (checkpointEvery > 0 || resume) {
            throw new IllegalArgumentException("a warm start does not write or resume checkpoints (they resume a run from its start)");
        }
        Network net = model.network();
        Settings s = keepsTheModel(settings, model).resolve(raw);
        if (raw.inputs() != model.inputs() || raw.outputs() != model.outputs()) {
            throw new IllegalArgumentException("the data have " + raw.inputs() + " inputs and " + raw.outputs() + " targets after encoding, the model "
                    + model.inputs() + " and " + model.outputs() + ": read them with the model's schema");
        }
        if (model.isClassification() && !raw.classNames().equals(model.classNames())) {
            throw new IllegalArgumentException("the data's classes " + raw.classNames() + " are not the model's " + model.classNames()
                    + ": read them with the model's schema");
        }
        Examples[] parts = split(raw, s.validation(), s.seed());
        Pipeline pipeline = model.pipeline();
        Examples train = consume ? pipeline.applyInPlace(parts[0]) : pipeline.apply(parts[0]);
        Examples val = parts[1] == null ? null : pipeline.apply(parts[1]);
        Loss loss = model.loss();
        TrainingConfig cfg = s.config(train.size(), val != null);
        Trainer trainer = new Trainer(net, loss, cfg);
        for (TrainingListener l : listeners) trainer.addListener(l);
        trainer.restartOnDivergence(restarts);
        long t0 = System.nanoTime();
        TrainingResult r = trainer.continueFrom(model.trainingState(), train, val);
        double secs = (System.nanoTime() - t0) / 1e9;
        Model.Builder b = Model.builder(net, loss).pipeline(pipeline).classNames(model.isClassification() ? model.classNames() : null)
                .targetNames(model.targetNames()).inputNames(model.inputNames());
        return finish(b, loss, s, trainer, cfg, r, secs, train, val, parts[0], parts[1], info);
    }

    /**
     * The settings of a warm start: the given ones over the model's recorded ones over what the
     * model's network says; refused when they give the network another shape, activation or loss,
     * or the data another scaling, than the model's.
     */
    private static Settings keepsTheModel(Settings given, Model model) {
        Network net = model.network();
        int[] sizes = net.sizes();
        int[] hidden = java.util.Arrays.copyOfRange(sizes, 1, sizes.length - 1);
        Settings.Builder own = Settings.builder().hidden(hidden.length == 0 ? new int[] {0} : hidden).output(net.outputActivation()).loss(model.loss());
        if (hidden.length > 0) {
            List<org.backprop4j.Activation> fs = new ArrayList<>();
            for (int l = 1; l < net.layers(); l++) fs.add(net.activation(l));
            own.activations(fs);
        }
        Settings ofModel = own.build(), recorded = model.provenance().settings();
        List<String> diff = new ArrayList<>();
        if (given.hidden() != null && !given.hidden().equals(ofModel.hidden())) diff.add("hidden layers " + ofModel.hidden() + " in the model, " + given.hidden() + " given");
        if (given.activations() != null && hidden.length > 0 && !given.activations().equals(ofModel.activations())) {
            diff.add("activation " + Settings.ids(ofModel.activations()) + " in the model, " + Settings.ids(given.activations()) + " given");
        }
        if (given.output() != null && given.output() != ofModel.output()) diff.add("output " + ofModel.output().id() + " in the model, " + given.output().id() + " given");
        if (given.loss() != null && given.loss() != ofModel.loss()) diff.add("loss " + ofModel.loss().id() + " in the model, " + given.loss().id() + " given");
        if (given.scaling() != null && recorded != null && recorded.scaling() != null && given.scaling() != recorded.scaling()) {
            diff.add("scaling " + Settings.scalingId(recorded.scaling()) + " in the model, " + Settings.scalingId(given.scaling()) + " given");
        }
        if (!diff.isEmpty()) {
            throw new IllegalArgumentException("a warm start keeps the model's network and preprocessing: " + String.join("; ", diff));
        }
        // another update rule brings its own presentation, schedule and clipping (their defaults, unless given)
        if (recorded != null && given.optimizer() != null && !given.optimizer().equals(recorded.optimizer())) {
            recorded = recorded.toBuilder().unset("batch", "schedule", "clipNorm").build();
        }
        // the architecture from the network itself (a recorded one that disagrees cannot win), then the recorded rest
        return ofModel.over(given.over(recorded));
    }

    /** Evaluation, provenance and the model with its training state: the end of fit and continueTraining. */
    private Fit finish(Model.Builder b, Loss loss, Settings s, Trainer trainer, TrainingConfig cfg, TrainingResult r, double secs, Examples train,
                       Examples val, Examples rawTrain, Examples rawValidation, Provenance.DataInfo info) {
        Backprop engine = new Backprop(trainer.network(), loss);
        Evaluation te = Evaluation.of(engine, train);
        Evaluation ve = val == null ? new Evaluation(Double.NaN, Double.NaN) : Evaluation.of(engine, val);
        double factor = trainer.learningRateFactor();
        Provenance.Bayesian bayesian = trainer.lastOptimizer() instanceof org.backprop4j.train.BayesianRegularization br && br.parameters() > 0
                ? Provenance.Bayesian.of(br) : null;
        Provenance.Outcome outcome = new Provenance.Outcome(r.epochs(), r.stopReason(), trainer.divergenceRestarts(), factor,
                cfg.optimizer().get().learningRate() * factor, secs, te.loss(), te.accuracy(), ve.loss(), ve.accuracy(), bayesian);
        Provenance.DataInfo data = info != null ? info
                : new Provenance.DataInfo(null, rawTrain.size() + (rawValidation == null ? 0 : rawValidation.size()), null);
        Model model = b.provenance(new Provenance(s, outcome, data, Provenance.Environment.current()))
                .trainingState(trainer.trainingState()).build();
        return new Fit(model, s, r, te, ve, secs, rawTrain, rawValidation, trainer.lastOptimizer(), trainer.warmStartNotice());
    }

    /**
     * Splits off a validation fraction (stratified for classes, seeded): {train, validation};
     * validation is null for a fraction of 0.
     *
     * @param raw      the data
     * @param fraction the share held out for validation (0: none)
     * @param seed     the split's seed
     * @return {training part, validation part or null}
     * @throws IllegalArgumentException if a part would be empty or the fraction is not below 1
     */
    public static DataSet[] split(DataSet raw, double fraction, long seed) {
        Examples[] parts = split((Examples) raw, fraction, seed);
        return new DataSet[] {(DataSet) parts[0], (DataSet) parts[1]};
    }

    /**
     * {@link #split(DataSet, double, long)} of any examples: a data set is copied into two, a
     * memory-mapped set gives two views of its file.
     *
     * @param raw      the data
     * @param fraction the share held out for validation (0: none)
     * @param seed     the split's seed
     * @return {training part, validation part or null}
     * @throws IllegalArgumentException if a part would be empty or the fraction is not below 1
     */
    public static Examples[] split(Examples raw, double fraction, long seed) {
        if (!(fraction > 0)) return new Examples[] {raw, null};
        Examples[] parts = holdOut(raw, fraction, seed).of(raw);
        if (parts[1].size() == 0 || parts[0].size() == 0) {
            throw new IllegalArgumentException("validation fraction " + fraction + " leaves an empty part of " + raw.size() + " patterns");
        }
        return parts;
    }

    /**
     * The indices of {@link #split} (to compare with other libraries on the same split).
     *
     * @param raw      the data
     * @param fraction the share held out for validation, above 0 and below 1
     * @param seed     the split's seed
     * @return the training and validation indices
     */
    public static Splits.Split holdOut(Examples raw, double fraction, long seed) {
        if (!(fraction > 0) || fraction >= 1) throw new IllegalArgumentException("the validation fraction must be above 0 and below 1: " + fraction);
        return raw.isClassification()
                ? Splits.stratifiedHoldOut(Splits.labels(raw), fraction, seed)
                : Splits.holdOut(raw.size(), fraction, seed);
    }

    /** The fit's model, or an IllegalStateException with the stop reason if training diverged. */
    static Model requireConverged(Fit f) {
        if (f.diverged()) throw new IllegalStateException(f.result().stopReason());
        return f.model();
    }
}
