package org.backprop4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.backprop4j.Backprop;
import org.backprop4j.Evaluation;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.data.DataSet;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;
import org.backprop4j.kernel.ParallelKernels;

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
    /** The update rule of the last run (for what it learned, e.g. Bayesian regularisation's γ and λ), or null before one. */
    public Optimizer lastOptimizer() { return lastOptimizer; }
    private Optimizer lastOptimizer;
    public TrainingConfig config() { return config; }

    /** Trains on {@code train}. */
    public TrainingResult fit(DataSet train) {
        return fit(train, null);
    }

    /**
     * Compiles the training step before a run: trains a throwaway copy of the network, with this
     * trainer's settings and kernels, on the first patterns of {@code train} (a few batches, at most
     * 1,024 patterns; in full-batch mode up to 2·{@link org.backprop4j.Backprop#CHUNK}, so that a large
     * batch's group path is what gets compiled), epoch after epoch, until the JIT has been idle for {@value #WARM_QUIET_MS} ms
     * or {@code maxMillis} have passed. The Java kernels (Vector API) run 10–100× slower until C2 has
     * compiled them, which took 3–7 s on the 2-core benchmark machine (BENCHMARKS.md,
     * {@code warmup_seconds}): longer than a short run's first epochs. Neither
     * the network, nor the seed, nor any listener or checkpoint is touched, so a run after
     * {@code warmUp} gives exactly the weights it gives without (tested); only its time changes.
     *
     * @return the seconds spent
     */
    public double warmUp(DataSet train, long maxMillis) {
        check(train);
        long t0 = System.nanoTime();
        int size = train.size();
        int batch = config.effectiveBatch(size);
        // full batch: more rows than one chunk when the run has them, so that the warm-up compiles
        // the run's path (groups of chunks, Backprop.gradient) and not the single-chunk one
        int rows = config.mode() == TrainingConfig.Mode.FULL_BATCH ? Math.min(size, 2 * org.backprop4j.Backprop.CHUNK)
                : Math.min(size, Math.max(64, Math.min(1024, 8 * batch)));
        int in = train.inputs(), out = train.outputs();
        DataSet sample = new DataSet(java.util.Arrays.copyOf(train.x(), rows * in), java.util.Arrays.copyOf(train.d(), rows * out), in, out);
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
     * continues from the file with {@link #resume(Path, DataSet, DataSet)}.
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
    public TrainingResult fit(DataSet train, DataSet validation) {
        return run(train, validation, null, null);
    }

    /** Continues the run saved in {@code checkpoint} (written by {@link #checkpointEvery}) on the same data. */
    public TrainingResult resume(Path checkpoint, DataSet train) throws IOException {
        return resume(checkpoint, train, null);
    }

    /**
     * Continues the run saved in {@code checkpoint}: same network shape, settings (all but the
     * number of epochs and the target error) and training data, else an IllegalArgumentException
     * says what differs. The result is bit-identical to a run that was never interrupted; its
     * history includes the epochs before the checkpoint. A damaged file gives a
     * {@link org.backprop4j.data.DataFormatException}.
     */
    public TrainingResult resume(Path checkpoint, DataSet train, DataSet validation) throws IOException {
        Checkpoint c = Checkpoint.read(checkpoint);
        String name = checkpoint.getFileName() == null ? checkpoint.toString() : checkpoint.getFileName().toString();
        return run(train, validation, c, name);
    }

    /** Continues from an in-memory checkpoint (see {@link #resume(Path, DataSet, DataSet)}). */
    public TrainingResult resume(Checkpoint checkpoint, DataSet train, DataSet validation) {
        return run(train, validation, checkpoint, "checkpoint");
    }

    /**
     * The settings a checkpoint must match to be resumed by this trainer: architecture, loss,
     * update rule (as made fresh), presentation, decay, shuffling seed, schedule, clipping, early
     * stopping. Not the number of epochs or the target error, so a resumed run may train longer.
     */
    String runDescription(Optimizer fresh) {
        TrainingConfig c = config;
        return "net=" + net.describe() + ";loss=" + loss.id() + ";optimizer=" + fresh.describe()
                + ";mode=" + c.mode() + (c.mode() == TrainingConfig.Mode.MINI_BATCH ? ";batch=" + c.batchSize() : "")
                + ";lambda=" + c.lambda() + ";decayBiases=" + c.decayBiases() + ";shuffle=" + c.shuffle()
                + ";seed=" + c.seed() + ";evaluateEachEpoch=" + c.evaluateEachEpoch()
                + ";earlyStopping=" + c.earlyStopping() + ";divergenceRestarts=" + maxRestarts
                + (extraSettings.isEmpty() ? "" : ";" + extraSettings);
    }

    private TrainingResult run(DataSet train, DataSet validation, Checkpoint from, String fromName) {
        check(train);
        if (validation != null) check(validation);
        EarlyStopping es = config.earlyStopping();
        if (es != null && validation == null) {
            throw new IllegalArgumentException("early stopping needs a validation set");
        }
        stopRequest = null;
        Optimizer opt = makeOptimizer();
        lastOptimizer = opt;
        String runDescription = runDescription(opt);   // what a checkpoint must match
        FullBatchOptimizer fbo = opt instanceof FullBatchOptimizer f ? f : null;
        Backprop engine = new Backprop(net, loss, kernels);
        NetworkObjective objective = fbo == null ? null
                : new NetworkObjective(net, loss, train, config.lambda(), config.decayBiases(), kernels);
        Rng rng = new Rng(config.seed());
        int size = train.size();
        int in = train.inputs(), out = train.outputs();
        int batch = config.effectiveBatch(size);
        boolean reorder = config.shuffle() && config.mode() != TrainingConfig.Mode.FULL_BATCH;
        int[] order = identity(size);
        // the shuffled batches are copied into contiguous buffers; with two or more compute threads
        // and a first-layer product large enough to be split across them, the next batch is copied
        // by an idle worker while this one is trained (two buffers). Measured in one process,
        // alternately: W1 (batch 64, 784-256-128-10) 1.095x; online, or batch 16 on 784-64-10
        // (products on one thread), the hand-offs cost more than the copy: 0.96x and 0.87x
        int[] sizes = net.sizes();
        ParallelKernels pk = reorder && kernels instanceof ParallelKernels p && p.threads() > 1
                && 2L * batch * sizes[0] * sizes[1] >= ParallelKernels.MIN_FLOPS ? p : null;
        BatchCopy[] copies = !reorder ? null : pk == null
                ? new BatchCopy[] {new BatchCopy(train, order, batch)}
                : new BatchCopy[] {new BatchCopy(train, order, batch), new BatchCopy(train, order, batch)};
        float[] grad = new float[net.paramCount()];
        float[] w = net.params();
        EarlyStopping.Monitor monitor = es == null ? null : es.monitor();
        float[] best = es != null && es.restoreBest() ? new float[w.length] : null;
        boolean needError = opt.usesError();
        List<EpochStats> history = new ArrayList<>();
        long updates = 0;
        String reason = "max epochs (" + config.maxEpochs() + ")";
        boolean scheduled = config.schedule() != null;   // a Scheduled rule resets η at every startEpoch
        double baseLr = opt.learningRate();                // NaN for rules without one
        double lrFactor = 1;                               // halved by each divergence restart
        int restarts = 0;
        int epoch = 0;
        lastLrFactor = 1;
        lastRestarts = 0;
        lastCheckpointEpoch = 0;
        long fingerprint = 0;
        if (checkpointEvery > 0 || from != null) {
            fingerprint = Checkpoint.fingerprint(train);
            // the validation set steers early stopping: a resumed run must see the same one
            runDescription += ";validation=" + (validation == null ? "none" : Long.toHexString(Checkpoint.fingerprint(validation)));
        }

        if (from != null) {
            restore(from, fromName, runDescription, fingerprint, train, reorder, monitor, best, opt,
                    maxRestarts > 0 && !Double.isNaN(baseLr));
            epoch = from.epoch();
            updates = from.updates();
            rng.setState(from.rngState());
            if (reorder) System.arraycopy(from.order(), 0, order, 0, size);
            System.arraycopy(from.weights(), 0, w, 0, w.length);
            if (best != null) System.arraycopy(from.bestWeights(), 0, best, 0, w.length);
            history.addAll(from.history());
            lrFactor = from.lrFactor();
            restarts = from.restarts();
            lastLrFactor = lrFactor;
            lastRestarts = restarts;
            lastCheckpointEpoch = epoch;
            if (lrFactor != 1 && !scheduled) opt.setLearningRate(baseLr * lrFactor);
        }

        // for divergence: the weights at the end of the last finite epoch (a stopped run keeps them),
        // and, when restarts are allowed, the restart point: weights and optimizer state at the end
        // of the epoch with the lowest training error so far
        float[] good = w.clone();
        int goodEpoch = epoch;
        boolean canRestart = maxRestarts > 0 && !Double.isNaN(baseLr);
        float[] restartW = canRestart ? w.clone() : null;
        double[] restartOpt = canRestart ? opt.exportState() : null;
        double restartE = Double.POSITIVE_INFINITY;
        int restartEpoch = epoch;
        if (from != null && canRestart) {
            System.arraycopy(from.restartWeights(), 0, restartW, 0, w.length);
            restartOpt = from.restartOptimizerState().clone();
            restartE = from.restartError();
            restartEpoch = from.restartEpoch();
        }

        // gradient descent, plain or with classical momentum (no Nesterov, clipping or schedule), is
        // fused into the backward pass: W ← W − η·Δᵀ·O (or V ← αV − η·Δᵀ·O, W ← W + V) by one kernel
        // call per layer, without writing a gradient vector and reading it back
        Sgd sgd = opt instanceof Sgd sg && !sg.nesterov() ? sg : null;
        boolean fused = sgd != null && fbo == null && !needError && batch <= Backprop.CHUNK;
        // online without decay: a whole epoch in one call, each pattern's update of W¹ (and its
        // velocity) fused with the next pattern's first product (Backprop.descendOnline: the same weights)
        boolean online = fused && batch == 1 && config.lambda() == 0;
        Steps steps = fbo != null ? null : new Steps(engine, train, order, reorder, batch, copies, pk, opt, sgd, fused, online, grad);
        while (epoch < config.maxEpochs()) {
            long t0 = System.nanoTime();
            opt.startEpoch(epoch);
            if (scheduled && lrFactor != 1) opt.setLearningRate(opt.learningRate() * lrFactor);
            double sumE = 0;
            String bad = null;   // what diverged, if anything
            if (fbo != null) {
                double eNew = fbo.iterate(objective, w);
                sumE = (eNew - Backprop.decayPenalty(net, config.lambda(), config.decayBiases())) / loss.scale(size);
                updates++;
                if (!Double.isFinite(eNew)) bad = "the training error became " + eNew;
            } else {
                steps.updates = updates;
                steps.epoch(rng);
                updates = steps.updates;
                sumE = steps.sumE;
                bad = steps.bad;
            }
            // once per epoch, every weight (a NaN can hide behind a unit whose output ignores it)
            if (bad == null) {
                int i = firstNonFinite(w);
                if (i >= 0) bad = "weight " + i + " became " + w[i];
            }
            double e = Double.NaN;
            double acc = Double.NaN;
            if (bad == null) {
                if (config.evaluateEachEpoch()) {
                    Evaluation ev = Evaluation.of(engine, train);
                    e = ev.loss();
                    acc = ev.accuracy();
                } else {
                    e = loss.scale(size) * sumE;
                }
                if (!Double.isFinite(e)) bad = "the training error became " + e;
            }
            if (bad != null) {
                String data = nonFiniteData(train);
                boolean restart = canRestart && restarts < maxRestarts && data == null;
                String msg = divergence(epoch, bad, opt, data);
                if (restart) {
                    restarts++;
                    lrFactor *= 0.5;
                    lastLrFactor = lrFactor;
                    lastRestarts = restarts;
                    System.arraycopy(restartW, 0, w, 0, w.length);
                    System.arraycopy(restartW, 0, good, 0, w.length);
                    goodEpoch = restartEpoch;
                    opt.importState(restartOpt);
                    if (!scheduled) opt.setLearningRate(baseLr * lrFactor);
                    msg += "; restarting from the weights of " + (restartEpoch == 0 ? "the start" : "epoch " + restartEpoch
                            + " (the lowest training error so far)") + " with the learning rate halved (restart "
                            + restarts + " of " + maxRestarts + ")";
                } else {
                    System.arraycopy(good, 0, w, 0, w.length);
                    if (canRestart && data == null) msg += "; gave up after " + restarts + " restarts with halved learning rates";
                    msg += "; the network holds the weights of " + (goodEpoch == 0 ? "the start (no epoch finished)" : "epoch " + goodEpoch
                            + ", the last finite ones");
                }
                for (TrainingListener l : listeners) l.onDivergence(msg, restart, this);
                if (restart) continue;
                reason = msg;
                break;
            }
            double vl = Double.NaN, va = Double.NaN;
            if (validation != null) {
                Evaluation ev = Evaluation.of(engine, validation);
                vl = ev.loss();
                va = ev.accuracy();
            }
            EpochStats stats = new EpochStats(epoch + 1, e, acc, vl, va, updates, (System.nanoTime() - t0) / 1e6);
            history.add(stats);
            for (TrainingListener l : listeners) l.onEpoch(stats, this);
            String stop = null;
            if (monitor != null && Double.isFinite(vl)) {
                if (monitor.observe(epoch + 1, vl) && best != null) System.arraycopy(w, 0, best, 0, w.length);
                stop = monitor.stopReason();
            }
            if (stop == null && config.targetError() > 0 && e < config.targetError()) {
                stop = "target error reached (E = " + e + " < " + config.targetError() + ")";
            }
            if (stop == null && fbo != null && fbo.stopReason() != null) stop = fbo.stopReason();
            boolean requested = stop == null && stopRequest != null;
            if (requested) stop = stopRequest;
            // the epoch is complete and good: this is the state the next epoch starts from
            epoch++;
            System.arraycopy(w, 0, good, 0, w.length);
            goodEpoch = epoch;
            if (canRestart && e < restartE) {
                System.arraycopy(w, 0, restartW, 0, w.length);
                restartOpt = opt.exportState();
                restartE = e;
                restartEpoch = epoch;
            }
            if (checkpointEvery > 0 && (requested || (stop == null && epoch % checkpointEvery == 0 && epoch < config.maxEpochs()))) {
                Checkpoint c = new Checkpoint(runDescription, net.sizes(), size, in, out, fingerprint, epoch, updates,
                        rng.state(), reorder ? order.clone() : new int[0], w.clone(), opt.exportState(), lrFactor, restarts,
                        restartEpoch, restartE, canRestart ? restartW.clone() : new float[0],
                        canRestart ? restartOpt.clone() : new double[0],
                        monitor == null ? new double[0] : monitor.exportState(), best == null ? new float[0] : best.clone(),
                        List.copyOf(history));
                try {
                    c.write(checkpointFile);
                    lastCheckpointEpoch = epoch;
                } catch (IOException ex) {
                    // the message of AtomicFiles' error names the file already
                    throw new UncheckedIOException("could not write the checkpoint: " + ex.getMessage(), ex);
                }
            }
            if (stop != null) {
                reason = stop;
                break;
            }
        }
        int bestEpoch = monitor == null ? 0 : monitor.bestEpoch();
        if (best != null && bestEpoch > 0) {
            System.arraycopy(best, 0, w, 0, w.length);
            reason += "; restored the weights of epoch " + bestEpoch;
        }
        return new TrainingResult(List.copyOf(history), reason, bestEpoch);
    }

    /** Checks that a checkpoint belongs to this run and restores what lives outside the loop. */
    private void restore(Checkpoint c, String name, String runDescription, long fingerprint, DataSet train, boolean reorder,
                         EarlyStopping.Monitor monitor, float[] best, Optimizer opt, boolean canRestart) {
        String why = null;
        if (!c.run().equals(runDescription)) {
            why = settingsDiffer(c.run(), runDescription);
        } else if (!Arrays.equals(c.sizes(), net.sizes())) {
            why = "its network is " + Arrays.toString(c.sizes()) + ", this one " + Arrays.toString(net.sizes());
        } else if (c.dataSize() != train.size() || c.dataFingerprint() != fingerprint) {
            why = "it was trained on other data (" + c.dataSize() + " patterns, fingerprint "
                    + Long.toHexString(c.dataFingerprint()) + "; this set: " + train.size() + ", " + Long.toHexString(fingerprint) + ")";
        } else if (c.order().length != (reorder ? train.size() : 0)) {
            why = "its pattern order does not fit this run";
        } else if (c.monitorState().length != (monitor == null ? 0 : EarlyStopping.Monitor.STATE_SIZE)
                || c.bestWeights().length != (best == null ? 0 : best.length)) {
            why = "its early-stopping state does not fit this run";
        } else if (c.restartWeights().length != (canRestart ? net.paramCount() : 0)) {
            why = "its divergence-restart state does not fit this run";
        }
        if (why == null) why = unusableState(c.optimizerState(), "its optimizer state");
        if (why == null && canRestart) why = unusableState(c.restartOptimizerState(), "its restart optimizer state");
        if (why == null) {
            try {
                opt.importState(c.optimizerState());
                if (monitor != null) monitor.importState(c.monitorState());
            } catch (IllegalArgumentException e) {
                why = e.getMessage();
            }
        }
        if (why != null) throw new IllegalArgumentException("cannot resume from " + name + ": " + why);
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

    /** Which settings ("key=value;…") of a checkpoint differ from this run's, for the refusal message. */
    static String settingsDiffer(String theirs, String ours) {
        String[] a = theirs.split(";"), b = ours.split(";");
        if (a.length != b.length) return "its settings are " + theirs + ", this run's are " + ours;
        List<String> diff = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            if (!a[i].equals(b[i])) diff.add(a[i] + " in the checkpoint, " + b[i] + " in this run");
        }
        return "its settings differ: " + String.join("; ", diff);
    }

    /** Index of the first NaN or infinite value, or −1. */
    static int firstNonFinite(float[] a) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) return i;
        }
        return -1;
    }

    /** Where the data holds a NaN or infinity (scanned only after a divergence), or null. */
    private static String nonFiniteData(DataSet ds) {
        int i = firstNonFinite(ds.x());
        if (i >= 0) return "input " + (i % ds.inputs() + 1) + " of pattern " + (i / ds.inputs() + 1) + " is " + ds.x()[i];
        i = firstNonFinite(ds.d());
        if (i >= 0) return "target " + (i % ds.outputs() + 1) + " of pattern " + (i / ds.outputs() + 1) + " is " + ds.d()[i];
        return null;
    }

    /** The user-facing explanation of a divergence and how to avoid it. */
    private static String divergence(int epoch, String what, Optimizer opt, String badData) {
        StringBuilder sb = new StringBuilder("diverged in epoch ").append(epoch + 1).append(": ").append(what);
        if (badData != null) {
            return sb.append(", because the training data are not finite (").append(badData)
                    .append("): drop or impute missing values before training").toString();
        }
        double lr = opt.learningRate();
        sb.append(" (").append(opt.describe()).append("). To fix it: ");
        if (!Double.isNaN(lr)) sb.append("lower the learning rate (now ").append(lr).append("; try ").append(lr / 10).append("), ");
        else sb.append("use smaller initial steps, ");
        return sb.append("standardize or min-max scale the inputs, or clip the gradient norm").toString();
    }

    private void check(DataSet ds) {
        if (ds.inputs() != net.inputs()) {
            throw new IllegalArgumentException("data has " + ds.inputs() + " inputs, the network " + net.inputs());
        }
        if (ds.outputs() != net.outputs()) {
            throw new IllegalArgumentException("data has " + ds.outputs() + " target columns, the network " + net.outputs() + " outputs");
        }
        if (ds.size() == 0) throw new IllegalArgumentException("the training set is empty");
    }

    /**
     * 0, 1, …, size − 1. A method of its own: a loop over the data set in {@link #run} made the JIT
     * compile all of run on-stack at the start of a long run (the warm-up's short runs never
     * did), on a core the training needs.
     */
    private static int[] identity(int size) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) order[i] = i;
        return order;
    }

    /**
     * The updates of one epoch of online, mini-batch or batch training (not the full-batch
     * optimizers): a method of its own, called once per epoch, so that the JIT compiles it from
     * the warm-up's epochs ({@link #warmUp}) instead of compiling the whole of {@link #run} (and its
     * loops, on-stack) during the first epochs of the run, on a core the training needs (W1 on 2
     * cores: the first epoch was 27–112 ms slower than the second in 7 of 15 runs, while C2
     * compiled {@code run}; docs/ENGINE.md).
     */
    private final class Steps {
        private final Backprop engine;
        private final DataSet train;
        private final int[] order;
        private final boolean reorder, fused, online, withVelocity;
        private final int size, batch;
        private final BatchCopy[] copies;
        private final ParallelKernels pk;
        private final Optimizer opt;
        private final Sgd sgd;
        private final float momentum;
        private final boolean needError;
        private final float[] grad, w;
        private final double[] onlineSums = new double[2];
        /** Updates so far (in: before the epoch; out: after it). */
        long updates;
        /** Σ_p E_p of the epoch's batches, each before its update. */
        double sumE;
        /** What diverged in the epoch, or null. */
        String bad;

        Steps(Backprop engine, DataSet train, int[] order, boolean reorder, int batch, BatchCopy[] copies, ParallelKernels pk,
              Optimizer opt, Sgd sgd, boolean fused, boolean online, float[] grad) {
            this.engine = engine;
            this.train = train;
            this.order = order;
            this.reorder = reorder;
            this.size = train.size();
            this.batch = batch;
            this.copies = copies;
            this.pk = pk;
            this.opt = opt;
            this.sgd = sgd;
            this.fused = fused;
            this.online = online;
            this.momentum = sgd == null ? 0f : (float) sgd.momentum();
            this.withVelocity = fused && momentum != 0;   // Sgd's velocity, fetched per step (a restart may replace it)
            this.needError = opt.usesError();
            this.grad = grad;
            this.w = net.params();
        }

        void epoch(Rng rng) {
            double sumE = 0;
            String bad = null;
            if (reorder) rng.shuffle(order);
            if (online) {
                int ok = engine.descendOnline(train.x(), train.d(), reorder ? order : null, 0, size, (float) sgd.learningRate(),
                        momentum, withVelocity ? sgd.velocityFor(w.length) : null, onlineSums);
                sumE = onlineSums[0];
                updates += ok;
                if (ok < size) bad = "the error of the batch at update " + (updates + 1) + " became " + onlineSums[1];
            }
            int cur = 0;             // the buffer of this batch
            boolean copied = false;  // whether it was copied in the background during the last step
            for (int start = 0; !online && start < size; start += batch) {
                int m = Math.min(batch, size - start);
                double batchE;
                if (reorder) {
                    BatchCopy bc = copies[cur];
                    if (!copied) bc.copyAll(start, m);
                    int next = start + batch;
                    copied = pk != null && next < size
                            && pk.startBackground(Math.min(batch, size - next), copies[cur ^ 1].at(next));
                    try {
                        batchE = fused ? engine.descend(bc.x, bc.d, 0, m, (float) sgd.learningRate(), momentum, withVelocity ? sgd.velocityFor(w.length) : null, (float) config.lambda(), config.decayBiases())
                                : engine.gradient(bc.x, bc.d, 0, m, grad, config.lambda(), config.decayBiases());
                    } finally {
                        if (copied) pk.finishBackground();
                    }
                    if (copied) cur ^= 1;
                } else {
                    batchE = fused ? engine.descend(train.x(), train.d(), start, m, (float) sgd.learningRate(), momentum, withVelocity ? sgd.velocityFor(w.length) : null, (float) config.lambda(), config.decayBiases())
                            : engine.gradient(train.x(), train.d(), start, m, grad, config.lambda(), config.decayBiases());
                }
                // divergence, checked per step at the cost of one comparison: the batch error is a
                // sum over every output, so a NaN/Inf output or weight feeding one makes it non-finite
                if (!Double.isFinite(batchE)) {
                    bad = "the error of the batch at update " + (updates + 1) + " became " + batchE;
                    break;
                }
                sumE += batchE;
                if (fused) {
                    // the weights were updated inside the backward pass
                } else if (needError) {
                    // E(w) of this batch as minimised: data term plus λ/2‖W‖²
                    double e = loss.scale(m) * batchE + Backprop.decayPenalty(net, config.lambda(), config.decayBiases());
                    opt.step(w, grad, e);
                } else {
                    opt.step(w, grad);
                }
                updates++;
            }
            this.sumE = sumE;
            this.bad = bad;
        }
    }

    /**
     * A batch of shuffled patterns copied into contiguous buffers, one pattern (row) per task so
     * that {@link ParallelKernels#startBackground} can spread the copy over idle workers.
     */
    private static final class BatchCopy implements java.util.function.IntConsumer {
        final float[] x, d;
        private final float[] srcX, srcD;
        private final int[] order;
        private final int in, out;
        private int start;

        BatchCopy(DataSet train, int[] order, int batch) {
            this.srcX = train.x();
            this.srcD = train.d();
            this.order = order;
            this.in = train.inputs();
            this.out = train.outputs();
            this.x = new float[batch * in];
            this.d = new float[batch * out];
        }

        /** Sets the batch to patterns order[start ..] (for the tasks that follow). */
        BatchCopy at(int start) {
            this.start = start;
            return this;
        }

        void copyAll(int start, int m) {
            this.start = start;
            for (int r = 0; r < m; r++) accept(r);
        }

        /** Copies row r of the batch: pattern order[start + r]. */
        @Override
        public void accept(int r) {
            int p = order[start + r];
            System.arraycopy(srcX, p * in, x, r * in, in);
            System.arraycopy(srcD, p * out, d, r * out, out);
        }
    }
}
