package org.backprop4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.backprop4j.Backprop;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Examples;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;

/**
 * The training loop of seed 004 (Algorithm 1): compute the gradient, update the weights, repeat
 * until the error is below ε or another criterion holds. Online, mini-batch and full-batch
 * presentation; the order of patterns is shuffled each epoch with a seeded generator, so the same
 * seed gives bit-identical weights.
 *
 * <p>First-order rules ({@link Optimizer#step}) get one gradient per batch, optionally clipped
 * ({@link ClipNorm}) and with a learning-rate schedule ({@link Scheduled}). Full-batch methods
 * ({@link FullBatchOptimizer}: L-BFGS, SCG, Levenberg–Marquardt) get the whole training error as an
 * {@link Objective} ({@link NetworkObjective}) and make one iteration per epoch. With
 * {@link EarlyStopping}, the validation error is watched every epoch and the best weights can be
 * put back at the end.
 */
public final class Trainer {
    private final Network net;
    private final Loss loss;
    private final TrainingConfig config;
    private final Kernels kernels;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private volatile String stopRequest;
    private int checkpointEvery;
    private Path checkpointFile;
    private int maxRestarts;
    private String extraSettings = "";
    private volatile double lastLrFactor = 1;
    private volatile int lastRestarts;
    private volatile int lastCheckpointEpoch;

    public Trainer(Network net, Loss loss, TrainingConfig config) {
        this(net, loss, config, KernelProvider.get());
    }

    public Trainer(Network net, Loss loss, TrainingConfig config, Kernels kernels) {
        this.net = net;
        this.loss = loss;
        this.config = config;
        this.kernels = kernels;
    }

    public Trainer addListener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /** Ends training after the current epoch (callable from a listener or another thread). */
    public void stop(String reason) {
        this.stopRequest = reason == null ? "stopped" : reason;
    }

    /**
     * Settings decided outside the trainer that a checkpoint must match to be resumed, e.g. the
     * weight initialization ("init=xavier"): {@code key=value} pairs separated by ';', recorded in
     * every checkpoint and compared on resume like the trainer's own settings.
     */
    public Trainer runSettings(String keyValues) {
        if (keyValues.contains("\n")) throw new IllegalArgumentException("settings are one line: " + keyValues);
        this.extraSettings = keyValues;
        return this;
    }

    /**
     * The factor divergence restarts applied to the learning rate by the end of the last run
     * (1, 1/2, 1/4, …; carried over from a resumed checkpoint): the rate actually used is the
     * configured one times this.
     */
    public double learningRateFactor() { return lastLrFactor; }

    /** Divergence restarts made in the last run, including those before a resumed checkpoint. */
    public int divergenceRestarts() { return lastRestarts; }

    /** The epoch of the last checkpoint written or resumed from in the current or last run (0: none). */
    public int lastCheckpointEpoch() { return lastCheckpointEpoch; }

    public Network network() { return net; }

    /**
     * Patterns presented so far in the current (or last) run, counted after every batch: epochs before
     * the running one (those before a resumed checkpoint or a warm start included) times {@link #patternsPerEpoch},
     * plus the patterns of the running epoch's batches done. For a progress display within an epoch:
     * any thread may call it at any time (it reads a counter the training loop stores per batch,
     * without a lock or a fence); 0 before a run. Online SGD counts in slices of a thousand or so
     * patterns, full-batch methods once per epoch. A divergence restart sets it back to the start of
     * the repeated epoch.
     */
    public long patternsPresented() {
        Progress p = progress;
        return p == null ? 0 : p.patterns();
    }

    /** The training set's size in the current (or last) run, 0 before one. */
    public int patternsPerEpoch() { return patternsPerEpoch; }

    private volatile Progress progress;
    private volatile int patternsPerEpoch;

    /** A run starts after {@code epoch} complete epochs of {@code size} patterns: the counter set, the listeners told. */
    private void started(Progress p, int epoch, int size) {
        p.epoch(epoch, size);
        progress = p;
        patternsPerEpoch = size;
        for (TrainingListener l : listeners) l.onStart(this);
    }
    /** The update rule of the last run (for what it learned, e.g. Bayesian regularisation's γ and λ), or null before one. */
    public Optimizer lastOptimizer() { return lastOptimizer; }
    private Optimizer lastOptimizer;
    private volatile TrainingState lastState;
    private volatile String lastWarmStart;

    /**
     * Where the update rule stood at the end of the last run, for a model to keep so that training
     * can continue it ({@link #continueFrom}); null before a run and after one that diverged. With
     * restore-best early stopping the network holds an earlier epoch's weights but this is the last
     * epoch's state. The training set's fingerprint ({@link TrainingState#dataFingerprint}) is taken at
     * the first call after the run, from the training set as it is then.
     */
    public synchronized TrainingState trainingState() {
        if (pendingState != null) {
            lastState = pendingState.apply(Checkpoint.fingerprint(pendingData));
            pendingState = null;
            pendingData = null;
        }
        return lastState;
    }

    // the last run's state waiting for its data's fingerprint, a pass over all the data that only a
    // state someone asks for needs (trainingState): not a cost of every fit
    private java.util.function.LongFunction<TrainingState> pendingState;
    private Examples pendingData;

    private synchronized void state(TrainingState state, java.util.function.LongFunction<TrainingState> pending, Examples data) {
        lastState = state;
        pendingState = pending;
        pendingData = data;
    }

    /** The one line the last {@link #continueFrom} had to say (state continued, or why the rule started fresh); null after {@link #fit}. */
    public String warmStartNotice() { return lastWarmStart; }
    public TrainingConfig config() { return config; }

    /** Trains on {@code train}. */
    public TrainingResult fit(Examples train) {
        return fit(train, null);
    }

    /**
     * Compiles the training step before a run: trains a throwaway copy of the network, with this
     * trainer's settings and kernels, on the first patterns of {@code train} (a few batches, at most
     * 1,024 patterns; in full-batch mode up to 2·{@link org.backprop4j.Backprop#CHUNK}, so that a large
     * batch's group path is what gets compiled), epoch after epoch, until the JIT has been idle for {@value #WARM_QUIET_MS} ms
     * or {@code maxMillis} have passed: the Java kernels (Vector API) are slow until C2 has compiled
     * them, which can take longer than a short run's first epochs (BENCHMARKS.md). Neither
     * the network, nor the seed, nor any listener or checkpoint is touched, so a run after
     * {@code warmUp} gives exactly the weights it gives without (tested); only its time changes.
     *
     * @return the seconds spent
     */
    public double warmUp(Examples train, long maxMillis) {
        check(train);
        long t0 = System.nanoTime();
        int size = train.size();
        int batch = config.effectiveBatch(size);
        // full batch: more rows than one chunk when the run has them, so that the warm-up compiles
        // the run's path (groups of chunks, Backprop.gradient) and not the single-chunk one
        int rows = config.mode() == TrainingConfig.Mode.FULL_BATCH ? Math.min(size, 2 * org.backprop4j.Backprop.CHUNK)
                : Math.min(size, Math.max(64, Math.min(1024, 8 * batch)));
        int in = train.inputs(), out = train.outputs();
        float[] sx = new float[rows * in], sd = new float[rows * out];
        train.copyPatterns(0, rows, sx, sd);
        DataSet sample = new DataSet(sx, sd, in, out);
        TrainingConfig c = config;
        TrainingConfig once = new TrainingConfig(c.mode(), c.batchSize(), 3, 0, c.optimizer(), c.lambda(), c.decayBiases(),
                c.shuffle(), c.seed(), false, c.schedule(), c.clipNorm(), null);
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long lastJit = timed ? jit.getTotalCompilationTime() : 0;
        long quietSince = System.nanoTime();
        Network copy = net.copy();
        for (int round = 0; ; round++) {
            new Trainer(copy, loss, once, kernels).fit(sample);
            if (firstNonFinite(copy.params()) >= 0) copy = net.copy();   // a wild step size: start afresh
            long now = System.nanoTime();
            if (now - t0 >= maxMillis * 1_000_000L) break;
            if (!timed) {
                if (now - t0 >= WARM_QUIET_MS * 1_000_000L) break;
                continue;
            }
            long j = jit.getTotalCompilationTime();
            if (j != lastJit) {
                lastJit = j;
                quietSince = now;
            } else if (round >= 5 && now - quietSince >= WARM_QUIET_MS * 1_000_000L) {
                break;
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Starts compiling the training step in the background while the caller does something else
     * that leaves a core idle (reading the data): {@link #warmUp} on {@code rows} synthetic patterns
     * of this network's shape (seeded, never the user's data), on a daemon thread, until
     * {@link Primer#close} or {@code maxMillis}. Like {@link #warmUp} it touches neither the network
     * nor the seed, so a run after it gives the same weights; close it before training starts, so
     * that the two never compete for the kernels.
     */
    public Primer primeInBackground(int rows, long maxMillis) {
        return startPrimer(net, loss, config, () -> kernels, rows, maxMillis);
    }

    /**
     * The primer's thread: trains copies of {@code net} on {@code rows} synthetic patterns with the kernels
     * {@code kernels} gives (asked for on that thread: choosing them may wait for a library to load).
     */
    private static Primer startPrimer(Network net, Loss loss, TrainingConfig c, java.util.function.Supplier<Kernels> kernels,
                                      int rows, long maxMillis) {
        int in = net.size(0), out = net.size(net.layers());
        Rng r = new Rng(0x9E3779B97F4A7C15L);
        float[] x = new float[rows * in], d = new float[rows * out];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        for (int p = 0; p < rows; p++) d[p * out + r.nextInt(out)] = 1f;
        DataSet sample = new DataSet(x, d, in, out);
        Network start = net.copy();
        Primer primer = new Primer();
        Thread t = Thread.ofPlatform().daemon().name("backprop4j-jit-primer").unstarted(() -> {
            long t0 = System.nanoTime();
            TrainingConfig once = new TrainingConfig(c.mode(), c.batchSize(), 1, 0, c.optimizer(), c.lambda(), c.decayBiases(),
                    c.shuffle(), c.seed(), false, c.schedule(), c.clipNorm(), null);
            Kernels k = kernels.get();
            Trainer scratch = new Trainer(start.copy(), loss, once, k);
            while (!primer.stop && System.nanoTime() - t0 < maxMillis * 1_000_000L) {
                scratch.fit(sample);
                // and the batch forward pass that scores data after training (online training never runs it)
                Evaluation.of(new Backprop(scratch.net, loss, k), sample);
                if (firstNonFinite(scratch.net.params()) >= 0) scratch = new Trainer(start.copy(), loss, once, k);
            }
        });
        primer.thread = t;
        t.start();
        return primer;
    }

    /**
     * The declared size ({@link org.backprop4j.kernel.KernelProvider#expectWork}, the products' operations)
     * from which {@link #primes} primes a mini-batch run: a shorter run trains in less time than C2 takes
     * to compile its step (docs/bench-log/2026-12-07-cold-start.md, session g).
     */
    public static final double PRIME_MIN_FLOPS = 3e10;

    /**
     * Whether a run should be primed ({@link #primeInBackground}) while its data are read: mini-batch
     * training of at least {@link #PRIME_MIN_FLOPS} declared operations, on a machine with a core to spare
     * beside the reading. A mini-batch step's methods run once per batch, so they reach C2 only after
     * hundreds of batches and a cold first epoch runs them interpreted and C1-compiled while C2 compiles
     * them on the cores that train. Online steps compile within their first patterns, and a full-batch
     * epoch is a few long passes whose loops compile within the first: priming either cost the reading
     * more than it gave (docs/bench-log/2026-12-07-cold-start.md, sessions e and g).
     * The one rule for the command line's {@code train} and the benchmarks ({@link #primeForRun}).
     *
     * @param config     the run's configuration
     * @param flops      the run's declared operations (NaN: not declared, no priming)
     * @param processors the processors available
     * @return whether to prime
     */
    public static boolean primes(TrainingConfig config, double flops, int processors) {
        return config.mode() == TrainingConfig.Mode.MINI_BATCH && flops >= PRIME_MIN_FLOPS && processors >= 2;
    }

    /**
     * {@link #primeInBackground} on a few batches of synthetic patterns where {@link #primes} says a run of
     * {@code flops} declared operations pays for it (this JVM's available processors), until closed; else null.
     *
     * @param flops the run's declared operations (NaN: not declared)
     * @return the running primer, or null
     */
    public Primer primeForRun(double flops) {
        return primeForRun(net, loss, config, () -> kernels, flops);
    }

    /**
     * {@link #primeForRun(double)} for a trainer not made yet: a network of the run's shape (a copy is
     * trained), its loss and configuration, and the process-wide kernels ({@link KernelProvider#get}),
     * chosen on the primer's thread so that the caller can go on reading while they load.
     *
     * @param net    a network of the run's shape (not changed)
     * @param loss   the run's loss
     * @param config the run's configuration
     * @param flops  the run's declared operations (NaN: not declared)
     * @return the running primer, or null
     */
    public static Primer primeForRun(Network net, Loss loss, TrainingConfig config, double flops) {
        return primeForRun(net, loss, config, KernelProvider::get, flops);
    }

    private static Primer primeForRun(Network net, Loss loss, TrainingConfig config, java.util.function.Supplier<Kernels> kernels, double flops) {
        if (!primes(config, flops, Runtime.getRuntime().availableProcessors())) return null;
        // four batches a pass, so that a pass is the run's loop (not a single step) and cheap to repeat
        return startPrimer(net, loss, config, kernels, Math.min(256, Math.max(64, 4 * config.batchSize())), PRIME_MAX_MILLIS);
    }

    /** The longest a {@link #primeForRun} primer runs if it is not closed (a reading that long is not a short run's). */
    static final long PRIME_MAX_MILLIS = 10_000;

    /** A background warm-up started by {@link #primeInBackground}; closing it stops it and waits for it. */
    public static final class Primer implements AutoCloseable {
        private volatile boolean stop;
        private Thread thread;

        @Override
        public void close() {
            stop = true;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** How long the JIT must have compiled nothing for {@link #warmUp} to stop. */
    static final long WARM_QUIET_MS = 300;

    /** The optimizer a run uses: the configured one, wrapped with clipping and schedule if asked. */
    Optimizer makeOptimizer() {
        Optimizer opt = config.optimizer().get();
        if (opt instanceof FullBatchOptimizer) {
            if (config.mode() != TrainingConfig.Mode.FULL_BATCH) {
                throw new IllegalArgumentException(opt.describe() + " is a full-batch method: train in full-batch mode");
            }
            if (config.schedule() != null) throw new IllegalArgumentException(opt.describe() + " chooses its own step lengths; drop the learning-rate schedule");
            if (config.clipNorm() > 0) throw new IllegalArgumentException(opt.describe() + " works on the full objective; drop gradient clipping");
            return opt;
        }
        if (config.clipNorm() > 0) opt = new ClipNorm(opt, config.clipNorm());
        if (config.schedule() != null) opt = new Scheduled(opt, config.schedule());
        return opt;
    }

    /**
     * Writes a {@link Checkpoint} to {@code file} (atomically) after every {@code epochs}-th completed
     * epoch, and after the epoch in which {@link #stop} was called; 0 turns checkpoints off. A run
     * continues from the file with {@link #resume(Path, Examples, Examples)}.
     */
    public Trainer checkpointEvery(int epochs, Path file) {
        if (epochs < 0) throw new IllegalArgumentException("checkpoint interval must be ≥ 0 epochs: " + epochs);
        if (epochs > 0 && file == null) throw new IllegalArgumentException("checkpoints need a file");
        this.checkpointEvery = epochs;
        this.checkpointFile = file;
        return this;
    }

    /**
     * On divergence (a NaN or infinite error, or a non-finite weight), go back to the weights and
     * optimizer state at the end of the epoch with the lowest training error so far (the starting
     * weights if none finished) and retry the failed epoch with the learning rate halved, at most
     * {@code maxRestarts} times in a run; 0 (the default) stops training instead. The lowest-error
     * epoch rather than the last one, because the epochs just before a blow-up usually hold weights
     * already on their way to it. Epoch numbers go on (no epoch is repeated in the history).
     * Rules without a learning rate (Rprop, the full-batch methods) always stop.
     */
    public Trainer restartOnDivergence(int maxRestarts) {
        if (maxRestarts < 0) throw new IllegalArgumentException("restarts must be ≥ 0: " + maxRestarts);
        this.maxRestarts = maxRestarts;
        return this;
    }

    /** Trains on {@code train}, reporting the error on {@code validation} (may be null) each epoch. */
    public TrainingResult fit(Examples train, Examples validation) {
        return run(train, validation, null, null, false, null);
    }

    /**
     * Trains the network as it is for {@link TrainingConfig#maxEpochs()} more epochs, continuing the
     * update rule from {@code state} (a warm start; {@link TrainingState}): when the state was made
     * with this run's rule settings ({@link TrainingState#rule}), the rule's state, the epoch count
     * (learning-rate schedules go on from it) and, for the same seed, the shuffling stream continue,
     * so that 50 epochs and 50 more give the weights of 100, bit for bit. The data may be other
     * data (scikit-learn's {@code partial_fit}): the state goes on, and a full-batch rule forgets
     * what it kept of the old error function ({@link FullBatchOptimizer#objectiveChanged}). With
     * other settings, or no state (null), the rule starts fresh from the network's weights.
     * {@link #warmStartNotice()} says which happened, in one line. Epochs are numbered on from the
     * state's. Checkpoints are for runs from the start: with {@link #checkpointEvery} set this refuses.
     */
    public TrainingResult continueFrom(TrainingState state, Examples train, Examples validation) {
        if (checkpointEvery > 0) {
            throw new IllegalStateException("a warm start cannot write checkpoints (a checkpoint resumes a run from its start): drop the checkpoint interval");
        }
        return run(train, validation, null, null, true, state);
    }

    /** Continues the run saved in {@code checkpoint} (written by {@link #checkpointEvery}) on the same data. */
    public TrainingResult resume(Path checkpoint, Examples train) throws IOException {
        return resume(checkpoint, train, null);
    }

    /**
     * Continues the run saved in {@code checkpoint}: same network shape, settings (all but the
     * number of epochs and the target error) and training data, else an IllegalArgumentException
     * says what differs. The result is bit-identical to a run that was never interrupted; its
     * history includes the epochs before the checkpoint. A damaged file gives a
     * {@link org.backprop4j.data.DataFormatException}.
     */
    public TrainingResult resume(Path checkpoint, Examples train, Examples validation) throws IOException {
        Checkpoint c = Checkpoint.read(checkpoint);
        String name = checkpoint.getFileName() == null ? checkpoint.toString() : checkpoint.getFileName().toString();
        return run(train, validation, c, name, false, null);
    }

    /** Continues from a checkpoint already read from the file {@code name} (as it is named in messages). */
    public TrainingResult resume(Checkpoint checkpoint, String name, Examples train, Examples validation) {
        return run(train, validation, checkpoint, name, false, null);
    }

    /** Continues from an in-memory checkpoint (see {@link #resume(Path, Examples, Examples)}). */
    public TrainingResult resume(Checkpoint checkpoint, Examples train, Examples validation) {
        return run(train, validation, checkpoint, "checkpoint", false, null);
    }

    /**
     * The settings a {@link TrainingState} depends on: what the rule's state means (network, loss,
     * the rule as made fresh with its schedule and clipping, presentation and batch size, decay).
     * Not the epochs, the data, the seed, early stopping or the validation set.
     */
    String rule(Optimizer fresh) {
        TrainingConfig c = config;
        return "net=" + net.describe() + ";loss=" + loss.id() + ";optimizer=" + fresh.describe() + ";mode=" + c.mode()
                + (c.mode() == TrainingConfig.Mode.MINI_BATCH ? ";batch=" + c.batchSize() : "")
                + ";lambda=" + c.lambda() + ";decayBiases=" + c.decayBiases();
    }

    /** The settings a checkpoint of this run must match (see {@link RunSettings}). */
    RunSettings settings(Optimizer fresh, Examples validation) {
        TrainingConfig c = config;
        return new RunSettings(net.describe(), loss.id(), fresh.describe(), c.mode(), c.batchSize(), c.lambda(), c.decayBiases(),
                c.shuffle(), c.seed(), c.evaluateEachEpoch(), c.earlyStopping(), maxRestarts, extraSettings,
                // the validation set steers early stopping: a resumed run must see the same one
                validation == null ? "none" : Long.toHexString(Checkpoint.fingerprint(validation)));
    }

    /**
     * Seed 004's Algorithm 1: repeat epochs (present the patterns, compute the deltas, change the
     * weights) until the error is below ε or another criterion holds. How an epoch presents the
     * patterns and updates is chosen once ({@link EpochStrategy}); a divergence is caught at the end
     * of the epoch it happens in ({@link DivergenceGuard}); a checkpoint saves the {@link RunState}.
     */
    private TrainingResult run(Examples train, Examples validation, Checkpoint from, String fromName, boolean warm, TrainingState state) {
        Optimizer opt = start(train, validation);
        String rule = forget(opt);
        float[] w = net.params();
        Backprop engine = new Backprop(net, loss, kernels);
        RunState s = new RunState(config, train.size(), w.length);
        DivergenceGuard guard = new DivergenceGuard(maxRestarts, opt, config.schedule() != null);
        boolean saves = checkpointEvery > 0 || from != null;
        RunSettings settings = saves ? settings(opt, validation) : null;
        Long fingerprint = from != null || warm || checkpointEvery > 0 ? Checkpoint.fingerprint(train) : null;   // else when asked
        if (from != null) restore(from, fromName, s, settings, fingerprint, train, opt, guard.canRestart);
        if (warm) lastWarmStart = warmStart(state, rule, s, opt, train, fingerprint);
        boolean continued = warm && lastWarmStart.startsWith(CONTINUING);
        guard.start(w, s.epoch, opt, from);
        if (continued) guard.carry(state.lrFactor(), opt);
        recordGuard(guard, from == null ? 0 : s.epoch);
        EpochStrategy epochs = EpochStrategy.choose(net, loss, config, kernels, opt, engine, train, s.order);
        epochs.updates = from != null ? from.updates() : continued ? state.updates() : 0;
        int end = warm ? s.epoch + config.maxEpochs() : config.maxEpochs();
        String reason = "max epochs (" + (warm && s.epoch > 0 ? config.maxEpochs() + " more, " + end + " in all" : config.maxEpochs()) + ")";
        started(epochs.progress, s.epoch, train.size());
        while (s.epoch < end) {
            long t0 = System.nanoTime();
            guard.startEpoch(opt, s.epoch);
            epochs.progress.epoch(s.epoch, train.size());   // also after a restart, which repeats the epoch
            String bad = epochs.epoch(s.rng);             // present every pattern once, updating the weights
            if (bad == null) bad = nonFiniteWeight(w);    // a NaN can hide behind a unit whose output ignores it
            Evaluation fit = bad == null && config.evaluateEachEpoch() ? Evaluation.of(engine, train) : null;
            double e = bad != null ? Double.NaN : fit != null ? fit.loss() : loss.scale(train.size()) * epochs.sumE;
            if (bad == null && !Double.isFinite(e)) bad = "the training error became " + e;
            if (bad != null) {
                String msg = guard.diverged(s.epoch, bad, w, opt, nonFiniteData(train));
                recordGuard(guard, lastCheckpointEpoch);
                for (TrainingListener l : listeners) l.onDivergence(msg, guard.restarting, this);
                if (guard.restarting) continue;
                reason = msg;
                break;
            }
            Evaluation val = validation == null ? null : Evaluation.of(engine, validation);
            EpochStats stats = new EpochStats(s.epoch + 1, e, fit == null ? Double.NaN : fit.accuracy(),
                    val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.accuracy(),
                    epochs.updates, (System.nanoTime() - t0) / 1e6);
            s.history.add(stats);
            for (TrainingListener l : listeners) l.onEpoch(stats, this);
            String stop = stopReason(s, stats, w, epochs);
            boolean requested = stop == null && stopRequest != null;
            if (requested) stop = stopRequest;
            s.epoch++;                                    // the epoch is complete and good
            guard.epochDone(s.epoch, e, w, opt);
            if (checkpointEvery > 0 && (requested || (stop == null && s.epoch % checkpointEvery == 0 && s.epoch < end))) {
                write(s.save(settings, net, train, fingerprint, w, epochs.updates, opt, guard));
                lastCheckpointEpoch = s.epoch;
            }
            if (stop != null) {
                reason = stop;
                break;
            }
        }
        return finish(reason, s, rule, epochs, guard, opt, train, fingerprint, w);
    }

    /** The last run's optimizer, with what the previous run left cleared; returns the rule's name. */
    private String forget(Optimizer opt) {
        lastOptimizer = opt;
        state(null, null, null);
        lastWarmStart = null;
        return rule(opt);
    }

    /** After the loop: the state a warm start continues from, the best weights restored (early stopping), the result. */
    private TrainingResult finish(String reason, RunState s, String rule, EpochStrategy epochs, DivergenceGuard guard, Optimizer opt,
                                  Examples train, Long fingerprint, float[] w) {
        if (!reason.startsWith("diverged")) {
            String kept = epochs.finish();   // e.g. Bayesian regularisation's iterate of highest evidence
            if (kept != null) reason += "; " + kept;
            int epoch = s.epoch;
            long updates = epochs.updates, rng = s.rng.state();
            double lrFactor = guard.lrFactor;
            double[] optState = opt.exportState();
            java.util.function.LongFunction<TrainingState> made = fp -> new TrainingState(rule, config.seed(), epoch, updates, rng, lrFactor,
                    optState, train.size(), fp);
            if (fingerprint != null) state(made.apply(fingerprint), null, null);
            else state(null, made, train);
        }
        int bestEpoch = s.monitor == null ? 0 : s.monitor.bestEpoch();
        if (s.keeper != null) reason = s.keeper.restore(w, reason);
        return new TrainingResult(List.copyOf(s.history), reason, bestEpoch);
    }

    private static final String CONTINUING = "warm start: continuing ";

    /**
     * Takes over a warm start's state when it fits this run (same {@link #rule}, an optimizer state
     * this rule accepts) and returns the one line saying what happened.
     */
    private String warmStart(TrainingState state, String rule, RunState s, Optimizer opt, Examples train, long fingerprint) {
        String fresh = opt.describe() + " starts fresh from the model's weights";
        if (state == null) return "warm start: the model holds no update-rule state (saved without it): " + fresh;
        String why = TrainingState.differences(state.rule(), rule, "the model");
        if (why == null) why = unusableState(state.optimizerState(), "its update-rule state");
        if (why == null) {
            try {
                opt.importState(state.optimizerState());
            } catch (IllegalArgumentException e) {
                why = e.getMessage();
            }
        }
        if (why != null) return "warm start: the model's update-rule state does not fit this run (" + why + "): " + fresh;
        s.epoch = state.epochs();
        String line = CONTINUING + opt.describe() + "'s state from epoch " + state.epochs();
        // the shuffling stream goes on unless another seed was asked for; the order it left, when it permutes this many patterns
        if (state.seed() == config.seed()) {
            if (s.reorder && state.dataSize() == train.size() && !replayShuffles(state.seed(), state.rngState(), s.order, 2L * state.epochs() + 16)) {
                line += " (the shuffled order could not be rebuilt: it starts from the data's order)";
            }
            s.rng.setState(state.rngState());
        }
        if (state.dataSize() == train.size() && state.dataFingerprint() == fingerprint) return line;
        line += " on other data (" + train.size() + " patterns)";
        String dropped = opt instanceof FullBatchOptimizer f ? f.objectiveChanged() : null;
        return dropped == null ? line : line + "; " + dropped;
    }

    /**
     * The pattern order a run left: the generator serves only the shuffles ({@link EpochStrategy}),
     * one per epoch (and one per retried epoch), so shuffling the identity with a generator from
     * the seed until it reaches {@code target} gives the order back. False (and the identity) if
     * it does not within {@code maxShuffles}.
     */
    static boolean replayShuffles(long seed, long target, int[] order, long maxShuffles) {
        Rng r = new Rng(seed);
        for (long k = 0; ; k++) {
            if (r.state() == target) return true;
            if (k == maxShuffles) break;
            r.shuffle(order);
        }
        for (int i = 0; i < order.length; i++) order[i] = i;
        return false;
    }

    /** Checks the data and settings of a run and makes its optimizer. */
    private Optimizer start(Examples train, Examples validation) {
        check(train);
        if (validation != null) check(validation);
        if (config.earlyStopping() != null && validation == null) {
            throw new IllegalArgumentException("early stopping needs a validation set");
        }
        stopRequest = null;
        lastLrFactor = 1;
        lastRestarts = 0;
        lastCheckpointEpoch = 0;
        Optimizer opt = makeOptimizer();
        if (opt instanceof FullBatchOptimizer && !(train instanceof DataSet)) {
            // they evaluate the whole objective (L-M and Newton-CG its curvature too) several times an epoch on the data's arrays
            throw new IllegalArgumentException(opt.describe() + " needs the training data on the heap; data in a memory-mapped cache "
                    + "trains with a first-order rule (adam, sgd, rmsprop, rprop, ...), in mini-batches or full batch");
        }
        return opt;
    }

    /** What {@link #learningRateFactor}, {@link #divergenceRestarts} and {@link #lastCheckpointEpoch} report. */
    private void recordGuard(DivergenceGuard guard, int checkpointEpoch) {
        lastLrFactor = guard.lrFactor;
        lastRestarts = guard.restarts;
        lastCheckpointEpoch = checkpointEpoch;
    }

    /** Early stopping (remembering the best weights), the target error ε, a plateau, or the full-batch method's own criterion. */
    private String stopReason(RunState s, EpochStats stats, float[] w, EpochStrategy epochs) {
        String stop = null;
        if (s.monitor != null && Double.isFinite(stats.validationLoss())) {
            stop = s.keeper.observe(stats.epoch(), stats.validationLoss(), w);
        }
        double e = stats.loss();
        if (stop == null && config.targetError() > 0 && e < config.targetError()) {
            stop = "target error reached (E = " + e + " < " + config.targetError() + ")";
        }
        if (s.plateau != null) {
            s.plateau.observe(stats.epoch(), e);
            if (stop == null) stop = s.plateau.stopReason();
        }
        return stop != null ? stop : epochs.stopReason();
    }

    private void write(Checkpoint c) {
        try {
            c.write(checkpointFile);
        } catch (IOException ex) {
            // the message of AtomicFiles' error names the file already
            throw new UncheckedIOException("could not write the checkpoint: " + ex.getMessage(), ex);
        }
    }

    /** Checks that a checkpoint belongs to this run and restores the state, the optimizer's and the monitor's. */
    private void restore(Checkpoint c, String name, RunState s, RunSettings settings, long fingerprint, Examples train,
                         Optimizer opt, boolean canRestart) {
        String why = s.mismatch(c, settings, net, train, fingerprint, canRestart, this::unusableState);
        if (why == null) {
            try {
                opt.importState(c.optimizerState());
                if (s.monitor != null) s.monitor.importState(c.monitorState());
            } catch (IllegalArgumentException e) {
                why = e.getMessage();
            }
        }
        if (why != null) throw new IllegalArgumentException("cannot resume from " + name + ": " + why);
        s.restore(c, net.params());
    }

    /**
     * Why an optimizer state from a checkpoint cannot be used, or null: a fresh optimizer must
     * accept it and (first-order rules) make one step with it on a copy of the weights without
     * resizing it, so that a state of the wrong size is refused here rather than failing (or being
     * silently reset) in the middle of training. Full-batch rules only check what importState does.
     * (Imported first, since an optimizer supplier may hand out one shared instance.)
     */
    private String unusableState(double[] state, String what) {
        Optimizer probe = makeOptimizer();
        try {
            probe.importState(state);
            if (!(probe instanceof FullBatchOptimizer) && state.length > 0) {
                float[] w = net.params().clone();
                float[] g = new float[w.length];
                if (probe.usesError()) probe.step(w, g, 0.0);
                else probe.step(w, g);
                // a per-weight state sized for another network is resized (silently reset) by the
                // step: its length changes
                int after = probe.exportState().length;
                if (after != state.length) return what + " holds " + state.length + " values, not the " + after + " of this network";
            }
            return null;
        } catch (RuntimeException e) {
            return what + " does not fit this run (" + e.getMessage() + ")";
        }
    }

    /** Index of the first NaN or infinite value, or −1. */
    static int firstNonFinite(float[] a) {
        return firstNonFinite(a, a.length);
    }

    /** Index of the first NaN or infinite value among the first n, or −1. */
    static int firstNonFinite(float[] a, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(a[i])) return i;
        }
        return -1;
    }

    /** Where the data holds a NaN or infinity (scanned only after a divergence, all inputs first), or null. */
    private static String nonFiniteData(Examples ds) {
        String[] found = new String[1];
        for (boolean targets : new boolean[] {false, true}) {
            int w = targets ? ds.outputs() : ds.inputs();
            long[] seen = new long[1];   // values before this chunk
            ds.forEachChunk((x, d, rows) -> {
                if (found[0] != null) return;
                float[] a = targets ? d : x;
                int i = firstNonFinite(a, rows * w);
                if (i >= 0) {
                    long at = seen[0] + i;
                    found[0] = (targets ? "target " : "input ") + (at % w + 1) + " of pattern " + (at / w + 1) + " is " + a[i];
                }
                seen[0] += (long) rows * w;
            });
            if (found[0] != null) return found[0];
        }
        return null;
    }

    /** "weight i became x" for the first non-finite weight, or null. */
    private static String nonFiniteWeight(float[] w) {
        int i = firstNonFinite(w);
        return i < 0 ? null : "weight " + i + " became " + w[i];
    }

    private void check(Examples ds) {
        if (ds.inputs() != net.inputs()) {
            throw new IllegalArgumentException("data has " + ds.inputs() + " inputs, the network " + net.inputs());
        }
        if (ds.outputs() != net.outputs()) {
            throw new IllegalArgumentException("data has " + ds.outputs() + " target columns, the network " + net.outputs() + " outputs");
        }
        if (ds.size() == 0) throw new IllegalArgumentException("the training set is empty");
    }
}
