package org.backprop4j.train;

import java.util.function.Supplier;

/**
 * How to train: presentation mode (online, mini-batch, full batch), update rule, stopping criteria,
 * L2 decay and the seed for shuffling. Immutable; build with {@link #builder()}.
 *
 * @param mode              online (one pattern per update), mini-batch, or full batch (seed 003's "batch")
 * @param batchSize         patterns per update in mini-batch mode (ignored otherwise)
 * @param maxEpochs         stop after this many passes over the training set
 * @param targetError       stop as soon as the training error E falls below ε (seed 004's loop); 0 = never
 * @param optimizer         makes the update rule; called once per training run
 * @param lambda            L2 decay λ in λ/2‖W‖²
 * @param decayBiases       whether the decay also applies to biases
 * @param shuffle           shuffle the pattern order each epoch (online and mini-batch)
 * @param seed              seed of the shuffling generator
 * @param evaluateEachEpoch after each epoch, recompute the training error and accuracy at the new
 *                          weights (exact, one extra forward pass); if false, the epoch's running
 *                          error (accumulated before each update) is reported
 * @param schedule          learning-rate schedule applied to a first-order optimizer (null = constant)
 * @param clipNorm          clip the gradient to this L2 norm before each update (0 = off)
 * @param earlyStopping     early stopping on the validation set (null = off; needs a validation set)
 * @param plateau           stop when the training error stops improving ({@link PlateauStop}; null = off)
 */
public record TrainingConfig(Mode mode, int batchSize, int maxEpochs, double targetError,
                             Supplier<Optimizer> optimizer, double lambda, boolean decayBiases,
                             boolean shuffle, long seed, boolean evaluateEachEpoch,
                             Schedule schedule, double clipNorm, EarlyStopping earlyStopping, PlateauStop plateau) {

    /** The configuration without a plateau stop. */
    public TrainingConfig(Mode mode, int batchSize, int maxEpochs, double targetError,
                          Supplier<Optimizer> optimizer, double lambda, boolean decayBiases,
                          boolean shuffle, long seed, boolean evaluateEachEpoch,
                          Schedule schedule, double clipNorm, EarlyStopping earlyStopping) {
        this(mode, batchSize, maxEpochs, targetError, optimizer, lambda, decayBiases, shuffle, seed,
                evaluateEachEpoch, schedule, clipNorm, earlyStopping, null);
    }

    /** The configuration without schedule, clipping or early stopping (the original form). */
    public TrainingConfig(Mode mode, int batchSize, int maxEpochs, double targetError,
                          Supplier<Optimizer> optimizer, double lambda, boolean decayBiases,
                          boolean shuffle, long seed, boolean evaluateEachEpoch) {
        this(mode, batchSize, maxEpochs, targetError, optimizer, lambda, decayBiases, shuffle, seed,
                evaluateEachEpoch, null, 0, null, null);
    }

    /** {@return this configuration with {@link #evaluateEachEpoch} set to {@code e}} */
    public TrainingConfig withEvaluateEachEpoch(boolean e) {
        return new TrainingConfig(mode, batchSize, maxEpochs, targetError, optimizer, lambda, decayBiases, shuffle, seed,
                e, schedule, clipNorm, earlyStopping, plateau);
    }

    /** How patterns are presented. */
    public enum Mode {
        /** One weight update per pattern (seed 004's "stochastic"; a batch of one). */
        ONLINE,
        /** One update per batch of {@code batchSize} patterns. */
        MINI_BATCH,
        /** One update per epoch, from the gradient summed over all patterns (seed 003). */
        FULL_BATCH
    }

    public TrainingConfig {
        if (mode == null) throw new IllegalArgumentException("mode is required");
        if (mode == Mode.MINI_BATCH && batchSize < 1) throw new IllegalArgumentException("batch size must be ≥ 1: " + batchSize);
        if (maxEpochs < 0) throw new IllegalArgumentException("epochs must be ≥ 0: " + maxEpochs);
        if (!(targetError >= 0)) throw new IllegalArgumentException("target error must be ≥ 0: " + targetError);
        if (!(lambda >= 0) || !Double.isFinite(lambda)) throw new IllegalArgumentException("λ must be ≥ 0: " + lambda);
        if (optimizer == null) throw new IllegalArgumentException("an optimizer is required");
        if (!(clipNorm >= 0) || !Double.isFinite(clipNorm)) throw new IllegalArgumentException("clip norm must be ≥ 0: " + clipNorm);
    }

    /** Patterns per update for a training set of {@code size} patterns. */
    public int effectiveBatch(int size) {
        return switch (mode) {
            case ONLINE -> 1;
            case MINI_BATCH -> Math.min(batchSize, size);
            case FULL_BATCH -> size;
        };
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a configuration. Unset, the update rule, epochs, batch size and seed are
     * {@link Defaults}' (the same as the command line's); an update rule given by name that is
     * meant for full batches ({@link Defaults#fullBatch(String)}) trains on the full batch unless a
     * mode is set. The plateau stop is the exception: this builder is the textbook loop, which
     * stops only on what it is asked to ({@link #plateau}); {@link Settings} (and so {@code Model.train}
     * and the command line) turn {@link Defaults#PLATEAU} on.
     */
    public static final class Builder {
        private Mode mode;
        private int batchSize = Defaults.BATCH;
        private int maxEpochs = Defaults.EPOCHS;
        private double targetError = 0;
        private Supplier<Optimizer> optimizer = Optimizers.parse(Defaults.OPTIMIZER);
        private String optimizerSpec = Defaults.OPTIMIZER;
        private double lambda = 0;
        private boolean decayBiases = false;
        private boolean shuffle = true;
        private long seed = Defaults.SEED;
        private boolean evaluateEachEpoch = true;
        private Schedule schedule;
        private double clipNorm;
        private EarlyStopping earlyStopping;
        private PlateauStop plateau;

        public Builder online() { this.mode = Mode.ONLINE; return this; }
        public Builder fullBatch() { this.mode = Mode.FULL_BATCH; return this; }
        public Builder miniBatch(int size) { this.mode = Mode.MINI_BATCH; this.batchSize = size; return this; }
        public Builder mode(Mode m) { this.mode = m; return this; }
        public Builder batchSize(int b) { this.batchSize = b; return this; }
        public Builder epochs(int e) { this.maxEpochs = e; return this; }
        public Builder targetError(double eps) { this.targetError = eps; return this; }
        public Builder optimizer(Supplier<Optimizer> o) { this.optimizer = o; this.optimizerSpec = null; return this; }
        public Builder lambda(double l) { this.lambda = l; return this; }
        public Builder decayBiases(boolean b) { this.decayBiases = b; return this; }
        public Builder shuffle(boolean s) { this.shuffle = s; return this; }
        public Builder seed(long s) { this.seed = s; return this; }
        public Builder evaluateEachEpoch(boolean e) { this.evaluateEachEpoch = e; return this; }
        /** The update rule by name, see {@link Optimizers#parse(String)}. */
        public Builder optimizer(String spec) { this.optimizer = Optimizers.parse(spec); this.optimizerSpec = spec; return this; }
        public Builder schedule(Schedule s) { this.schedule = s; return this; }
        public Builder clipNorm(double c) { this.clipNorm = c; return this; }
        public Builder earlyStopping(EarlyStopping e) { this.earlyStopping = e; return this; }
        /** Stop on a training-error plateau (null: never). */
        public Builder plateau(PlateauStop p) { this.plateau = p; return this; }

        public TrainingConfig build() {
            Mode m = mode != null ? mode : optimizerSpec != null && Defaults.fullBatch(optimizerSpec) ? Mode.FULL_BATCH : Mode.MINI_BATCH;
            return new TrainingConfig(m, batchSize, maxEpochs, targetError, optimizer, lambda, decayBiases,
                    shuffle, seed, evaluateEachEpoch, schedule, clipNorm, earlyStopping, plateau);
        }
    }
}
