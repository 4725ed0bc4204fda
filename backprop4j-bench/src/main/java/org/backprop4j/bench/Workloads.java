package org.backprop4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;
import org.backprop4j.kernel.ParallelKernels;
import org.backprop4j.kernel.VectorModule;
import org.backprop4j.train.Optimizer;
import org.backprop4j.train.Optimizers;
import org.backprop4j.train.Sgd;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingResult;

/**
 * The Fashion-MNIST workloads of ../shared/bench/peers/WORKLOADS.md (W1 mini-batch, W2 online,
 * W3 full-batch Rprop), printing one JSON line per run in the peers' format.
 *
 * <pre>java ... org.backprop4j.bench.Workloads W1|W2|W3 [--epochs N] [--train-samples N] [--seed S] [--threads T]</pre>
 */
public final class Workloads {

    record Spec(String id, String name, int epochs, int trainSamples) {}

    static final Map<String, Spec> SPECS = Map.of(
            "W1", new Spec("W1", "minibatch", 3, 60000),
            "W2", new Spec("W2", "online", 1, 10000),
            "W3", new Spec("W3", "fullbatch-rprop", 20, 60000));

    /** The arguments of {@link #main}, given again to a JVM started again with the vector module (VectorModule); null otherwise. */
    private static volatile String[] processArgs;

    public static void main(String[] args) throws IOException {
        double mainAge = processAge();
        processArgs = args.clone();
        mark("main");
        if (args.length < 1) usage();
        Spec spec = resolve(args[0]);
        Integer epochs = null, samples = null;
        String optimizer = null, init = null;
        Path initialWeights = null;
        boolean warmUp = true;
        long seed = Long.parseLong(System.getenv().getOrDefault("BENCH_SEED", "42"));
        int threads = Integer.parseInt(System.getenv().getOrDefault("BENCH_THREADS", "2"));
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--train-samples" -> samples = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--optimizer" -> optimizer = args[++i];
                case "--init" -> init = args[++i];
                case "--initial-weights" -> initialWeights = Path.of(args[++i]);
                case "--no-warmup" -> warmUp = false;
                default -> usage();
            }
        }
        int e = epochs == null ? spec.epochs() : epochs;
        int n = samples == null ? spec.trainSamples() : samples;
        Map<String, Object> rec = run(spec, e, n, seed, threads, FashionMnist.directory(), optimizer, init, initialWeights, warmUp);
        // the process's age when main starts: the JVM's own start-up
        rec.put("main_seconds", round(mainAge, 3));
        mark("record");
        // when each phase ended, in ms from the process's start ($BENCH_T0_NS, epoch nanoseconds, when the
        // caller gives it: /proc's start time is coarse)
        rec.put("timeline_ms", TIMELINE);
        System.out.println(JsonLine.of(rec));
    }

    static Spec resolve(String name) {
        for (Spec s : SPECS.values()) {
            if (s.id().equalsIgnoreCase(name) || s.name().equalsIgnoreCase(name)) return s;
        }
        usage();
        return null;
    }

    private static void usage() {
        System.err.println("usage: Workloads W1|W2|W3 [--epochs N] [--train-samples N] [--seed S] [--threads T] [--optimizer SPEC] [--init SCHEME] [--initial-weights FILE] [--no-warmup]");
        System.exit(2);
    }

    /** The start-up kernels (KernelProvider's choice), run on the given number of threads. */
    static ParallelKernels parallelKernels(int threads) {
        Kernels base = KernelProvider.get();
        return new ParallelKernels(base.singleThreaded(), threads);
    }

    /** W3's network, 784-128-10 tanh/softmax, initialised by {@code init} from {@code seed}. */
    static Network w3Network(Init init, long seed) {
        return Network.builder(784).layer(128, Activation.TANH).layer(10, Activation.SOFTMAX).build(init, seed);
    }

    /** W3's number of full-batch updates (WORKLOADS.md). */
    static int w3Epochs() {
        return SPECS.get("W3").epochs();
    }

    /**
     * The kernel choice's logger, held so that its level stays set: the record names the kernels, and the
     * INFO line would cost a cold process the formatter's and the log handler's start (as in the CLI,
     * warnings still show).
     */
    private static final java.util.logging.Logger KERNEL_LOG = java.util.logging.Logger.getLogger("org.backprop4j.kernel");

    /** Runs one workload and returns the JSON record. */
    static Map<String, Object> run(Spec spec, int epochs, int samples, long seed, int threads, Path dir,
                                   String optimizerOverride, String initOverride, Path initialWeights,
                                   boolean warmUp) throws IOException {
        KERNEL_LOG.setLevel(java.util.logging.Level.WARNING);
        // the training step primed during the reading where the library's rule says so (Trainer.primes), as
        // the launcher's train does; BENCH_PRIME=0 turns it off (a variant)
        boolean prime = !warmUp && !"0".equals(System.getenv("BENCH_PRIME"));
        // a cold run sizes itself as the library's ModelTrainer does (a short run takes kernels that need
        // no JIT warm-up); the steady-state runs, after Trainer.warmUp, keep the long-run choice
        if (!warmUp) {
            int[] sizes = switch (spec.id()) {
                case "W1" -> new int[] {784, 256, 128, 10};
                case "W2" -> new int[] {784, 64, 10};
                default -> new int[] {784, 128, 10};
            };
            // the vector loops' warm-up compiles the loops of the workload's activations only
            org.backprop4j.kernel.Elementwise.expectActivations(switch (spec.id()) {
                case "W1" -> java.util.List.of(Activation.RELU, Activation.RELU, Activation.SOFTMAX);
                case "W2" -> java.util.List.of(Activation.LOGISTIC, Activation.SOFTMAX);
                default -> java.util.List.of(Activation.TANH, Activation.SOFTMAX);
            });
            KernelProvider.expectWork(KernelProvider.trainingFlops(sizes, samples, epochs));
        }
        // a run that would use the vector module is started again with it, as the launcher's are (VectorModule;
        // scripts/bench asks for it): here what needs no wait for OpenBLAS, the rest before the kernels are chosen
        VectorModule.relaunchIfUseful(processArgs, null, true, false);
        // the two files are read on threads of their own while this one loads the kernels and builds the
        // network: reading (inflating) and loading OpenBLAS through FFM each take a core for a while
        long l0 = System.nanoTime();
        Background<DataSet> trainRead = new Background<>("read-train", () -> marked("train_file", FashionMnist.load(dir, true, samples)));
        Background<DataSet> testRead = new Background<>("read-test", () -> marked("test_file", FashionMnist.load(dir, false, Integer.MAX_VALUE)));
        long k0 = System.nanoTime();
        VectorModule.relaunchIfUseful(processArgs, null, true, true);
        ParallelKernels kernels = parallelKernels(threads);
        Kernels base = kernels.delegate();
        double kernelSecs = (System.nanoTime() - k0) / 1e9;
        mark("kernels");

        Network net;
        TrainingConfig.Builder cfg = TrainingConfig.builder().epochs(epochs).seed(seed).evaluateEachEpoch(false);
        Map<String, Object> config = new LinkedHashMap<>();
        Supplier<Optimizer> opt;
        switch (spec.id()) {
            case "W1" -> {
                net = Network.builder(784).layer(256, Activation.RELU).layer(128, Activation.RELU).layer(10, Activation.SOFTMAX)
                        .build(Init.he(), seed);
                opt = () -> new Sgd(0.05, 0.9, false);
                cfg.miniBatch(64).shuffle(true);
                config.put("arch", "784-256-128-10 relu/relu/softmax");
                config.put("init", "he-uniform");
                config.put("batch_size", 64);
                config.put("shuffle", "each epoch (seeded)");
            }
            case "W2" -> {
                net = Network.builder(784).layer(64, Activation.LOGISTIC).layer(10, Activation.SOFTMAX).build(Init.xavier(), seed);
                opt = () -> new Sgd(0.01);
                cfg.online().shuffle(false);
                config.put("arch", "784-64-10 sigmoid/softmax");
                config.put("init", "xavier-uniform");
                config.put("batch_size", 1);
                config.put("shuffle", "none (file order)");
            }
            default -> {
                // init and Δ0 chosen on a validation split of the training set, never the test set
                // (W3Select: train images 0-49,999 fitted, 50,000-59,999 scored, 9 inits x 4 Δ0 x
                // 10 seeds; BENCHMARKS.md): every weight and bias uniform in ±0.05, Δ0 = 0.01 (also
                // torch.optim.Rprop's lr); our library default Δ0 is R&B's 0.1, too large for 784 inputs
                net = w3Network(Init.uniform(0.05), seed);
                opt = Optimizers.parse("irprop-:delta0=0.01");
                cfg.fullBatch();
                config.put("arch", "784-128-10 tanh/softmax");
                config.put("init", "uniform ±0.05, weights and biases (selected on a validation split: W3Select)");
                config.put("batch_size", samples);
            }
        }
        if (optimizerOverride != null) opt = Optimizers.parse(optimizerOverride);
        if (initOverride != null) {
            Init.parse(initOverride).initialize(net, new org.backprop4j.Rng(seed));
            config.put("init", initOverride);
        }
        if (initialWeights != null) {
            readTorchParameters(net, initialWeights);
            config.put("init", "read from " + initialWeights.getFileName());
        }
        cfg.optimizer(opt);
        config.put("optimizer", opt.get().describe());
        config.put("dtype", "float32");
        config.put("seed", seed);

        Trainer trainer = new Trainer(net, Loss.CROSS_ENTROPY, cfg.build(), kernels);
        // the rest of the reading time compiles the training step where the library primes a run (Trainer.primeForRun)
        // training starts once the training file is in: the test file is read meanwhile on the core the
        // training loop leaves (one compute thread for online training), and joined for the scoring
        // (BENCH_TEST_READ=before makes training wait for both files)
        boolean testBefore = "before".equals(System.getenv("BENCH_TEST_READ"));
        DataSet train, test = null;
        try (Trainer.Primer primer = prime ? trainer.primeForRun(KernelProvider.expectedWork()) : null) {
            train = trainRead.join();
            if (testBefore) test = testRead.join();
        }
        double loadSecs = (System.nanoTime() - l0) / 1e9;
        mark("training_data");
        // JIT warm-up of the training step on a throwaway copy of the network (Trainer.warmUp): part
        // of start-up like PyTorch's import, outside train_seconds by the harness's rules, reported
        // as warmup_seconds (BENCHMARKS.md gives the figures with and without it)
        double warmSecs = warmUp ? trainer.warmUp(train, Long.getLong("bench.warmupMillis", 10_000)) : 0;
        long t0 = System.nanoTime();
        TrainingResult r = trainer.fit(train);
        double secs = (System.nanoTime() - t0) / 1e9;
        mark("trained");
        if (test == null) test = testRead.join();
        long e0 = System.nanoTime();
        Evaluation ev = Evaluation.of(new Backprop(net, Loss.CROSS_ENTROPY, kernels), test);
        double evalSecs = (System.nanoTime() - e0) / 1e9;
        mark("scored");
        kernels.close();

        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("system", "backprop4j");
        StringBuilder variant = new StringBuilder();
        if (threads != 2) variant.append("threads=").append(threads);
        if (epochs != spec.epochs()) variant.append(variant.isEmpty() ? "" : ",").append("epochs=").append(epochs);
        if (samples != spec.trainSamples()) variant.append(variant.isEmpty() ? "" : ",").append("train_samples=").append(samples);
        if (optimizerOverride != null) variant.append(variant.isEmpty() ? "" : ",").append("optimizer=").append(optimizerOverride);
        if (initOverride != null) variant.append(variant.isEmpty() ? "" : ",").append("init=").append(initOverride);
        if (initialWeights != null) variant.append(variant.isEmpty() ? "" : ",").append("initial_weights=file");
        if (!warmUp) variant.append(variant.isEmpty() ? "" : ",").append("no_warmup");
        rec.put("variant", variant.isEmpty() ? "default" : variant.toString());
        rec.put("workload", spec.name());
        rec.put("workload_id", spec.id());
        rec.put("epochs", epochs);
        rec.put("train_samples", samples);
        rec.put("train_seconds", round(secs, 4));
        rec.put("samples_per_sec", round((double) samples * epochs / secs, 1));
        // each epoch's wall-clock time (EpochStats.millis: training and the epoch's bookkeeping), in
        // order: shows a slow first epoch, which a mean over the run hides
        rec.put("epoch_seconds", r.history().stream().map(st -> round(st.millis() / 1e3, 4)).toList());
        rec.put("warmup_seconds", round(warmSecs, 4));
        // the phases around the training loop, and the process's age when the record is made (JVM start
        // included); the data are read while the kernels load: load_seconds runs until the training file
        // is in (and the test file, with BENCH_TEST_READ=before)
        rec.put("load_seconds", round(loadSecs, 4));
        rec.put("kernel_seconds", round(kernelSecs, 4));
        rec.put("eval_seconds", round(evalSecs, 4));
        // when the element-wise loops took their vector form (Elementwise's background warm-up), in seconds
        // from the start of the training loop (negative: before it); NaN if the run kept the other form
        long switched = org.backprop4j.kernel.Elementwise.vectorLoopsSince();
        rec.put("vector_loops_from_seconds", switched == 0 ? Double.NaN : round((switched - t0) / 1e9, 3));
        rec.put("process_seconds", round(processAge(), 3));
        rec.put("samples_per_sec_with_warmup", round((double) samples * epochs / (secs + warmSecs), 1));
        rec.put("test_accuracy", round(ev.accuracy(), 4));
        rec.put("test_samples", test.size());
        rec.put("final_train_loss", round(r.last().loss(), 6));
        rec.put("loss", "cross_entropy, mean over the final epoch (full-batch: at the last gradient evaluation)");
        rec.put("threads", threads);
        rec.put("threads_in_effect", Map.of("kernel", base.toString(), "compute_threads", threads));
        rec.put("peak_rss_mb", peakRssMb());
        rec.put("versions", Map.of("java", Runtime.version().toString(), "backprop4j", "dev"));
        rec.put("config", config);
        rec.put("host", host());
        return rec;
    }

    /**
     * Sets every weight and bias from a file of little-endian float32 values in the order of a
     * PyTorch {@code nn.Sequential}'s {@code parameters()}: per layer W (n_out × n_in, row-major,
     * so w_tu at t·n_in + u, as ours) then b. Written by {@code scripts/w3-paired.py}, so that both
     * systems train from the same initial weights.
     */
    static void readTorchParameters(Network net, Path file) throws IOException {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long expected = 4L * net.paramCount();
        if (buf.remaining() != expected) {
            throw new IOException(file + ": " + buf.remaining() + " bytes, expected " + expected + " (" + net.describe() + ")");
        }
        for (int l = 1; l <= net.layers(); l++) {
            for (int t = 0; t < net.size(l); t++) {
                for (int u = 0; u < net.size(l - 1); u++) net.setWeight(l, t, u, buf.getFloat());
            }
            for (int t = 0; t < net.size(l); t++) net.setBias(l, t, buf.getFloat());
        }
    }

    /** A value computed on a daemon thread of its own; {@link #join} waits for it. */
    static final class Background<T> {
        interface Task<T> {
            T call() throws IOException;
        }

        private final Thread thread;
        private T value;
        private Throwable failure;

        Background(String name, Task<T> task) {
            thread = Thread.ofPlatform().daemon().name(name).start(() -> {
                try {
                    value = task.call();
                } catch (Throwable t) {
                    failure = t;
                }
            });
        }

        T join() throws IOException {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading", e);
            }
            if (failure instanceof IOException e) throw e;
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
            return value;
        }
    }

    /** Phase name → ms since the process started, in order (see {@link #mark}). */
    static final Map<String, Object> TIMELINE = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

    /** Notes that a phase ended now: ms since the process started ($BENCH_T0_NS if set, else /proc's start time). */
    static void mark(String phase) {
        TIMELINE.put(phase, round((epochNanos(java.time.Instant.now()) - START_NS) / 1e6, 1));
    }

    private static <T> T marked(String phase, T value) {
        mark(phase);
        return value;
    }

    private static final long START_NS = startNanos();

    private static long startNanos() {
        String given = System.getenv("BENCH_T0_NS");
        if (given != null) {
            try {
                return Long.parseLong(given);
            } catch (NumberFormatException e) {
                // the process's own start time below
            }
        }
        return processStartNanos();
    }

    /** This process's start (/proc's start time) in nanoseconds since the epoch, 0 where it is unknown. */
    private static long processStartNanos() {
        return ProcessHandle.current().info().startInstant().map(Workloads::epochNanos).orElse(0L);
    }

    private static long epochNanos(java.time.Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** Seconds since this process started (NaN where the start time is unknown). */
    static double processAge() {
        long start = processStartNanos();
        return start == 0 ? Double.NaN : (epochNanos(java.time.Instant.now()) - start) / 1e9;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** Peak resident set size (VmHWM) of this process in MB. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.replaceAll("[^0-9]", "");
                    return round(Long.parseLong(kb) / 1024.0, 1);
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux
        }
        return Double.NaN;
    }

    static Map<String, Object> host() {
        Map<String, Object> h = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    h.put("cpu", line.substring(line.indexOf(':') + 1).strip());
                    break;
                }
            }
            List<String> load = List.of(Files.readString(Path.of("/proc/loadavg")).split(" "));
            h.put("load1", Double.parseDouble(load.get(0)));
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        h.put("cores", Runtime.getRuntime().availableProcessors());
        h.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return h;
    }

    static String fmt(String f, Object... a) {
        return String.format(Locale.ROOT, f, a);
    }
}
