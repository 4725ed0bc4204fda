package org.backprop4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.backprop4j.data.DataCache;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Examples;
import org.backprop4j.data.MappedExamples;
import org.backprop4j.data.Sources;
import org.backprop4j.io.ModelFile;
import org.backprop4j.model.ModelTrainer;
import org.backprop4j.model.Provenance;
import org.backprop4j.train.Settings;
import org.backprop4j.cli.progress.ProgressDisplay;
import org.backprop4j.cli.progress.ProgressFactory;
import org.backprop4j.cli.progress.ProgressMode;
import org.backprop4j.cli.report.HtmlReport;
import org.backprop4j.cli.report.LearningCurves;
import org.backprop4j.cli.report.ReportData;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.VectorModule;
import org.backprop4j.metrics.ConfusionMatrix;
import org.backprop4j.metrics.Metrics;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingListener;
import org.backprop4j.util.AtomicFiles;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Trains a network on a data file and writes the model file. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a multi-layer perceptron on a data file (CSV, ARFF, LIBSVM, MONK) and save the model.",
        footer = {"%nExamples:",
                "  backprop4j train iris.csv -o iris.json",
                "  backprop4j train iris.csv -o iris.json --validation 0.2 \\",
                "    --early-stopping patience:20 --report iris.html",
                "  backprop4j train digits.csv.gz -o digits.json --hidden 64 \\",
                "    --activation relu --optimizer adam:lr=0.001 --epochs 50",
                "  backprop4j train cpu.arff -o cpu.json --regression --optimizer br",
                "  backprop4j train train-images-idx3-ubyte.gz -o mnist.json \\",
                "    --labels train-labels-idx1-ubyte.gz --hidden 128 --epochs 5 \\",
                "    --test t10k-images-idx3-ubyte.gz --test-labels t10k-labels-idx1-ubyte.gz"})
final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DATA", description = "Training data file.")
    Path data;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "MODEL", description = "The file this command writes, here the model (JSON).")
    Path out;

    @Option(names = "--validation", paramLabel = "F", defaultValue = "0",
            description = "Hold out this fraction for validation (stratified for classes), e.g. 0.2.")
    double validation;

    @Option(names = "--report", paramLabel = "HTML", description = "Also write a self-contained HTML report.")
    Path report;

    @Option(names = "--curves", paramLabel = "DIR", description = "Also write learning curves (PNG and SVG) into this directory.")
    Path curves;

    @Option(names = "--kernel", paramLabel = "NAME",
            description = "The compute kernels: auto (default), vector, openblas or scalar. Each rounds sums its own way: "
                    + "a run repeats another's weights bit for bit with the same kernels (docs/KERNELS.md).")
    String kernel;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0",
            description = "Write a checkpoint (weights, optimizer and RNG state) atomically every N epochs.")
    int checkpointEvery;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Checkpoint file (default: MODEL with .ckpt added).")
    Path checkpoint;

    @Option(names = "--resume", description = "Continue from the checkpoint file if it exists (same data and settings); the result is bit-identical to an uninterrupted run.")
    boolean resume;

    @Option(names = "--warm-start", paramLabel = "MODEL",
            description = "Train this model further (its network, preprocessing and update-rule state): the data are read with its schema,"
                    + " settings not given are the model's, --epochs counts further epochs. The rule's state continues when its settings"
                    + " are the model's (one line says whether it did). -o may name the same file.")
    Path warmStart;

    @Option(names = "--restarts", paramLabel = "N", defaultValue = "0",
            description = "On divergence (NaN/Inf), restart from the best weights with the learning rate halved, up to N times (default: stop).")
    int restarts;

    @Option(names = "--test", paramLabel = "DATA",
            description = "After training, score the model on this labelled file (read and encoded like the training data; never used for training).")
    Path test;

    @Option(names = "--test-labels", paramLabel = "IDX", description = "IDX labels file of --test when it is an IDX images file.")
    Path testLabels;

    @Option(names = "--quiet", description = Flags.QUIET)
    boolean quiet;

    @Option(names = "--json", description = "Print JSON lines instead of text, for scripts: one object per epoch, then the end of the run with its summary.")
    boolean json;

    @Option(names = "--plain", description = Flags.PLAIN)
    boolean plain;

    @Option(names = "--mapped", negatable = true,
            description = "Train from a memory-mapped binary cache of the parsed data (CSV, ARFF) instead of the heap: --mapped always, "
                    + "--no-mapped never; default: when the data would take more than 2/5 of the heap, or a valid cache exists. "
                    + "The cache is reused while the file is unchanged.")
    Boolean mapped;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where the memory-mapped cache goes (default: next to the data, or $XDG_CACHE_HOME/backprop4j when that directory is read-only).")
    Path cacheDir;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        boolean talk = !quiet && !json;
        Path ckpt = checkpoint != null ? checkpoint : this.out.resolveSibling(this.out.getFileName() + ".ckpt");
        // before any work: every output writable, none the same file as an input or another output
        Outputs files = new Outputs().input("the training data", data).input("--labels", dataOptions.labels)
                .input("--test", test).input("--test-labels", testLabels)
                .output("-o", this.out).output("--report", report);
        if (curves != null) {
            for (Path c : LearningCurves.files(curves, baseName(this.out), List.of(LearningCurves.Kind.values()))) files.output("--curves", c);
        }
        if (warmStart != null && (checkpointEvery > 0 || resume)) {
            throw new IllegalArgumentException("--warm-start continues a saved model and writes no checkpoints: drop --checkpoint-every and --resume");
        }
        if (checkpointEvery > 0) files.output("--checkpoint", ckpt);
        else if (resume) files.input("--checkpoint", ckpt);
        files.check();
        if (cacheDir != null && Boolean.FALSE.equals(mapped)) throw new IllegalArgumentException("--cache-dir is for the memory-mapped cache, which --no-mapped turns off");
        if (warmStart != null) {
            // a warm start declares no size, which takes the vector module's code: started again with it
            // before anything is read (VectorModule; the launcher's request only)
            VectorModule.relaunchIfUseful(Main.processArgs(), kernel, true, true);
            prepareInBackground();
            return warm(out, talk);
        }
        Settings settings = modelOptions.settings(validation);
        // an IDX file's header gives the run's size before its body is read: the run is declared now, so the
        // element-wise loops' warm-up (KernelProvider.expectWork) runs beside the reading instead of the first
        // epoch, and a run that would use the vector module is started again with it before other work starts
        double declared = declareFromHeader(settings);
        if (!Double.isNaN(declared)) VectorModule.relaunchIfUseful(Main.processArgs(), kernel, readAgain(), false);
        prepareInBackground();
        // the training step compiled on synthetic patterns while the data are read, where the library's rule
        // says the run pays for it (Trainer.primes: a mini-batch run of some size, a core to spare); not with
        // --kernel, which is checked after reading, and the primer would choose the kernels before it
        Trainer.Primer primer = Double.isNaN(declared) || !(kernel == null || kernel.equalsIgnoreCase("auto")) ? null
                : primer(settings, data, declared);
        // an IDX test set does not depend on the training data: read on the spare core meanwhile
        if (test != null && testLabels != null && dataOptions.labels != null) {
            Path images = test, labels = testLabels;
            testRead = background("backprop4j-read-test", () -> org.backprop4j.data.IdxReader.read(images, labels));
        }
        // the data file's SHA-256 (the model's provenance) too; a file that may be large enough for the
        // memory-mapped cache is not, as the cache hashes it itself
        java.util.concurrent.FutureTask<String> dataHash = !Boolean.TRUE.equals(mapped) && Files.isRegularFile(data) && Files.size(data) <= HASH_AHEAD_MAX
                ? background("backprop4j-hash-data", () -> Provenance.DataInfo.of(data, 0).sha256()) : null;
        Examples raw;
        try (primer) {
            raw = dataOptions.read(data, DataCache.Options.auto().directory(cacheDir)
                    .mode(mapped == null ? DataCache.Mode.AUTO : mapped ? DataCache.Mode.ALWAYS : DataCache.Mode.NEVER));
        }
        DataSet testSet = readTest(raw);   // before training: a bad test file costs no training time
        if (raw instanceof MappedExamples m && org.backprop4j.train.Optimizers.isFullBatch(settings.resolve(raw).optimizer())) {
            throw new Main.UserError("--optimizer " + settings.resolve(raw).optimizer() + " needs the training data on the heap, and these "
                    + ((m.dataBytes() + (1 << 19)) >> 20) + " MB are in a memory-mapped cache: use a first-order optimizer (e.g. --optimizer adam or rprop), "
                    + "or give Java more heap with BACKPROP4J_JAVA_OPTS=-Xmx<size> (data up to 2/5 of the heap stay on it)");
        }
        // the lines up to the run's declaration are held back: a run started again with the vector module
        // (below) prints them from the new JVM, and an error in between still comes after them
        java.io.StringWriter held = new java.io.StringWriter();
        PrintWriter head = new PrintWriter(held);
        Settings resolved;
        Examples[] parts;
        try {
            if (talk) {
                dataOptions.printNotices(head);   // first line: the task and why
                head.println("backprop4j train " + data.getFileName());
                for (String line : settings.explain(raw, n -> "--" + n)) head.println("  " + line);
            }
            resolved = settings.resolve(raw);
            parts = ModelTrainer.split(raw, validation, resolved.seed());
            if (talk && parts[1] != null) {
                head.printf(Locale.ROOT, "  validation: %d of %d patterns held out%n", parts[1].size(), raw.size());
            }
            resolved.config(parts[0].size(), parts[1] != null);   // bad combinations are refused before any epoch runs
            if (kernel != null) {
                try {
                    KernelProvider.request(kernel);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new Main.UserError("--kernel " + kernel + ": " + e.getMessage());
                }
            }
            // one run in this process: its size decides the kernels (a short run takes ones that need no JIT
            // warm-up), about 6 operations per weight and pattern each epoch (forward 2, backward 4)
            org.backprop4j.kernel.Elementwise.expectActivations(activations(resolved));
            KernelProvider.expectWork(expectedFlops(resolved, parts[0].inputs(), parts[0].outputs(), parts[0].size()));
            VectorModule.relaunchIfUseful(Main.processArgs(), kernel, readAgain(), true);
        } finally {
            head.flush();
            out.print(held);
            out.flush();
        }
        ProgressFactory progress = ProgressFactory.create(ProgressMode.fromFlags(quiet, json, plain), out);
        Instant started = Instant.now();
        ModelTrainer.Fit fit;
        // a divergence that is retried (--restarts) is told at once, on the error stream, with its advice;
        // one that ends training is the final error message
        PrintWriter err = spec.commandLine().getErr();
        int[] restarted = {0};
        TrainingListener divergence = new TrainingListener() {
            @Override
            public void onEpoch(EpochStats s, Trainer t) {}

            @Override
            public void onDivergence(String message, boolean restarting, Trainer t) {
                if (!restarting) return;
                restarted[0]++;
                if (!quiet) err.println("backprop4j: warning: " + message);
            }
        };
        try (ProgressDisplay display = progress.start("train", resolved.epochs());
             Interruption signal = new Interruption(err, checkpointEvery > 0 ? ckpt : null)) {
            if (resume && !Files.exists(ckpt) && talk) out.println("  no checkpoint " + ckpt + " yet: starting from the beginning");
            ModelTrainer trainer = new ModelTrainer(settings).listener(display).listener(divergence).listener(signal)
                    .checkpointEvery(checkpointEvery, ckpt).resume(resume).restartOnDivergence(restarts)
                    .consumeTrainingData(true);   // parts[0] is preprocessed in place: one copy of the data
            // a mapped set's source was hashed when its cache was verified or made: not read a third time
            Provenance.DataInfo info = raw instanceof MappedExamples m ? new Provenance.DataInfo(Sources.name(data), raw.size(), m.sourceSha256())
                    : dataHash != null ? new Provenance.DataInfo(Sources.name(data), raw.size(), join(dataHash, "hashing " + data))
                    : Provenance.DataInfo.of(data, raw.size());
            fit = trainer.fit(parts[0], parts[1], info);
            signal.trainingEnded();
            // the end of the run is told once: by the display (bar or plain), or with --json by the
            // summary object, which is the "end" event (but a diverged run writes no summary)
            if (!json || fit.diverged()) display.finish(fit.result(), fit.seconds());
            display.close();   // the bar's last frame and newline, before any other line (a live bar redraws over the line above it)
            writeOutputs(fit, raw, parts, testSet, started, restarted[0], out, talk);
        }
        return 0;
    }

    /** {@code --warm-start}: the model read, the data read with its schema, trained further (ModelTrainer.continueTraining). */
    private int warm(PrintWriter out, boolean talk) throws IOException {
        org.backprop4j.model.Model model = ModelFile.read(warmStart);
        DataSet raw = dataOptions.read(data, model.schema());
        DataSet testSet = readTest(raw);   // before training: a bad test file costs no training time
        picocli.CommandLine.ParseResult given = spec.commandLine().getParseResult();
        Settings settings = modelOptions.settings(given.hasMatchedOption("--validation") ? validation : null, given::hasMatchedOption);
        int more = settings.epochs() != null ? settings.epochs()
                : model.provenance().settings() != null && model.provenance().settings().epochs() != null
                ? model.provenance().settings().epochs() : org.backprop4j.train.Defaults.EPOCHS;
        if (talk) {
            dataOptions.printNotices(out);
            out.println("backprop4j train " + data.getFileName());
            out.println("  warm start from " + warmStart.getFileName() + ": its network " + model.network().describe()
                    + " and preprocessing; settings not given are the model's; " + more + " more epochs");
        }
        ProgressFactory progress = ProgressFactory.create(ProgressMode.fromFlags(quiet, json, plain), out);
        Instant started = Instant.now();
        PrintWriter err = spec.commandLine().getErr();
        ModelTrainer.Fit fit;
        try (ProgressDisplay display = progress.start("train", more)) {
            // the continued run numbers its epochs on from the model's; the display counts this run's
            Relative relative = new Relative(display);
            ModelTrainer trainer = new ModelTrainer(settings).listener(relative).restartOnDivergence(restarts).consumeTrainingData(true)
                    .listener(new TrainingListener() {
                        @Override
                        public void onEpoch(EpochStats s, Trainer t) {}

                        @Override
                        public void onDivergence(String message, boolean restarting, Trainer t) {
                            if (restarting && !quiet) err.println("backprop4j: warning: " + message);
                        }
                    });
            fit = trainer.continueTraining(model, raw, Provenance.DataInfo.of(data, raw.size()));
            if (!json || fit.diverged()) display.finish(relative.shift(fit.result()), fit.seconds());
            display.close();   // before any other line (see call)
            if (talk) out.println("  " + fit.warmStart());
            warmStartLine = fit.warmStart();
            writeOutputs(fit, raw, new Examples[] {fit.trainPart(), fit.validationPart()}, testSet, started, 0, out, talk);
        }
        return 0;
    }

    /** The warm start's line, for the JSON summary (null for a run from the start). */
    private String warmStartLine;

    /** Passes epochs on to a display numbered from 1 for this run (a warm start's epochs go on from the model's). */
    private static final class Relative implements TrainingListener {
        private final ProgressDisplay inner;
        private int offset = -1;

        Relative(ProgressDisplay inner) {
            this.inner = inner;
        }

        @Override
        public void onStart(Trainer t) {
            long before = t.patternsPresented();   // the model's epochs: not this run's
            inner.follow(() -> t.patternsPresented() - before, t.patternsPerEpoch());
        }

        @Override
        public void onEpoch(EpochStats s, Trainer t) {
            if (offset < 0) offset = s.epoch() - 1;
            inner.onEpoch(shift(s), t);
        }

        @Override
        public void onDivergence(String message, boolean restarting, Trainer t) {
            inner.onDivergence(message, restarting, t);
        }

        EpochStats shift(EpochStats s) {
            int o = Math.max(offset, 0);
            return new EpochStats(s.epoch() - o, s.loss(), s.accuracy(), s.validationLoss(), s.validationAccuracy(), s.updates(), s.millis());
        }

        org.backprop4j.train.TrainingResult shift(org.backprop4j.train.TrainingResult r) {
            int o = Math.max(offset, 0);
            return new org.backprop4j.train.TrainingResult(r.history().stream().map(this::shift).toList(), r.stopReason(),
                    r.bestEpoch() > 0 ? r.bestEpoch() - o : 0);
        }
    }

    /** Model, curves and report, committed together: all of them or none (issue 24.2). */
    private void writeOutputs(ModelTrainer.Fit fit, Examples raw, Examples[] parts, DataSet testSet, Instant started, int restartedNow,
                              PrintWriter out, boolean talk) throws IOException {
        if (fit.diverged()) {
            // keep whatever model file the user had: a diverged run is not a model
            throw new Diverged(fit.result().stopReason() + " (model not written)");
        }
        Provenance.Outcome outcome = fit.model().provenance().outcome();
        Map<String, Object> training = new LinkedHashMap<>(ModelOptions.describe(fit));
        training.put("epochs", outcome.epochs());
        training.put("stopReason", outcome.stopReason());
        // restarts of this run and of the run a checkpoint continues; the learning rate they left
        if (outcome.divergenceRestarts() > 0) {
            training.put("divergenceRestarts", outcome.divergenceRestarts());
            training.put("learningRateFactor", outcome.learningRateFactor());
            if (!Double.isNaN(outcome.learningRateUsed())) training.put("learningRateUsed", outcome.learningRateUsed());
        }
        training.put("seconds", Math.round(fit.seconds() * 1000) / 1000.0);
        Provenance.Bayesian bayesian = outcome.bayesian();
        if (bayesian != null) {
            training.put("effectiveParameters", bayesian.effectiveParameters());   // MacKay's γ
            List<Map<String, Object>> classes = new java.util.ArrayList<>();
            for (Provenance.WeightClass c : bayesian.classes()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("class", c.name());
                m.put("parameters", c.parameters());
                m.put("effectiveParameters", c.effectiveParameters());
                m.put("lambda", c.lambda());
                classes.add(m);
            }
            training.put("chosenLambdas", classes);
            if (!Double.isNaN(bayesian.logEvidence())) training.put("logEvidence", bayesian.logEvidence());
        }
        training.put("trainLoss", fit.train().loss());
        if (raw.isClassification()) training.put("trainAccuracy", fit.train().accuracy());
        if (parts[1] != null) {
            training.put("validationFraction", validation);
            training.put("validationLoss", fit.validation().loss());
            if (raw.isClassification()) training.put("validationAccuracy", fit.validation().accuracy());
        }
        if (testSet != null) {
            // the stored preprocessing encodes the raw test records, as predict and evaluate do
            float[] o = fit.model().outputs(testSet);
            training.put("testPatterns", testSet.size());
            if (raw.isClassification()) {
                training.put("testAccuracy", Metrics.confusion(testSet, o).accuracy());
            } else {
                training.put("testMse", Metrics.mse(testSet.d(), o, testSet.outputs()));
                training.put("testR2", Metrics.r2(testSet.d(), o, testSet.outputs()));
            }
        }
        try (AtomicFiles.Transaction t = new AtomicFiles.Transaction()) {
            byte[] modelBytes = ModelFile.toBytes(fit.model());
            t.add(this.out, o -> o.write(modelBytes));
            if (curves != null && !fit.result().history().isEmpty()) {
                LearningCurves.of(fit.result().history()).write(t, curves, baseName(this.out),
                        LearningCurves.DEFAULT_WIDTH, LearningCurves.DEFAULT_HEIGHT);
            }
            if (report != null) {
                byte[] html = HtmlReport.render(report(fit, raw, parts, testSet, started)).getBytes(StandardCharsets.UTF_8);
                t.add(report, o -> o.write(html));
            }
            t.commit();
        }

        if (warmStartLine != null) training.put("warmStart", warmStartLine);
        if (json) {
            // the run's "end" event (the fields of the progress display's) with the summary
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("event", "end");
            summary.put("run", "train");
            summary.putAll(training);
            summary.put("millis", fit.seconds() * 1e3);
            summary.put("model", this.out.toString());
            out.println(Json.write(summary));
        } else if (talk) {
            // epochs, time and stop reason: the display's last line
            if (restartedNow > 0) {
                out.printf(Locale.ROOT, "  diverged and restarted %s, each with the learning rate halved%s%n", restartedNow == 1 ? "once" : restartedNow + " times",
                        training.containsKey("learningRateUsed") ? " (now " + training.get("learningRateUsed") + ")" : "");
            }
            if (bayesian != null) out.println("  Bayesian regularisation: " + bayesian.describe());
            out.printf(Locale.ROOT, "  training:   loss %.5f%s%n", fit.train().loss(), accuracy(fit.train().accuracy()));
            if (parts[1] != null) out.printf(Locale.ROOT, "  validation: loss %.5f%s%n", fit.validation().loss(), accuracy(fit.validation().accuracy()));
            if (testSet != null) {
                out.printf(Locale.ROOT, "  test:       %s (%s of %s)%n", raw.isClassification()
                        ? String.format(Locale.ROOT, "accuracy %.2f%%", 100 * (double) training.get("testAccuracy"))
                        : String.format(Locale.ROOT, "MSE %.6g, R² %.4f", (double) training.get("testMse"), (double) training.get("testR2")),
                        Words.count(testSet.size(), "pattern"), test.getFileName());
            }
            out.println("model written to " + this.out);
            if (report != null) out.println("report written to " + report);
        }
    }

    /**
     * The HTML report's contents: every resolved hyper-parameter, curves, metrics, the network's
     * diagram, the class balance of each set, the confusion matrix and ROC/precision–recall curves
     * of the test set (--test), else the validation set, else the training set, the command line
     * and the provenance.
     */
    private ReportData report(ModelTrainer.Fit fit, Examples raw, Examples[] parts, DataSet testSet, Instant started) {
        org.backprop4j.model.Model model = fit.model();
        ReportData.Builder b = ReportData.builder().title("backprop4j: " + data.getFileName())
                .dataSet(data.getFileName().toString(), parts[0].size(), parts[1] == null ? 0 : parts[1].size(), testSet == null ? 0 : testSet.size())
                .network(model.network())
                .configuration(RunReport.hyperParameters(model.network().describe(), fit.settings(),
                        fit.settings().config(fit.trainPart().size(), fit.validationPart() != null), fit.optimizer(), restarts))
                .result(fit.result()).maxEpochs(fit.settings().epochs()).startedAt(started)
                .trainingTime(java.time.Duration.ofNanos((long) (fit.seconds() * 1e9)))
                .commandLine(RunReport.commandLine(spec));
        if (warmStart != null) b.config("warm start from", warmStart.getFileName().toString());
        b.metric("training loss", fit.train().loss());
        if (raw.isClassification()) b.metric("training accuracy", fit.train().accuracy());
        if (parts[1] != null) {
            b.metric("validation loss", fit.validation().loss());
            if (raw.isClassification()) b.metric("validation accuracy", fit.validation().accuracy());
        }
        // the set the matrix and the curves are of: never trained on if there is one
        String setName = testSet != null ? "the test set " + test.getFileName() : parts[1] != null ? "the validation set" : "the training set";
        Examples eval = testSet != null ? model.pipeline().apply(testSet)
                : parts[1] != null ? model.pipeline().apply(parts[1])
                : parts[0] instanceof DataSet ? parts[0]   // preprocessed in place (consumeTrainingData)
                : model.pipeline().apply(parts[0]);
        b.evaluatedOn(setName + " (" + Words.count(eval.size(), "pattern") + ")");
        if (raw.isClassification()) {
            RunReport.Scored scored = RunReport.score(model, eval);
            List<String> names = raw.classNames();
            b.confusion(scored != null ? scored.confusion() : confusion(fit, eval), names);
            if (scored != null) b.ranking(RunReport.ranking(scored, names));
            if (testSet != null) {
                double acc = org.backprop4j.metrics.Metrics.confusion(testSet, model.outputs(testSet)).accuracy();
                b.metric("test accuracy", acc);
            }
            b.classBalance("training", RunReport.classCounts(parts[0], names.size()));
            if (parts[1] != null) b.classBalance("validation", RunReport.classCounts(parts[1], names.size()));
            if (testSet != null) b.classBalance("test", RunReport.classCounts(testSet, names.size()));
        } else if (testSet != null || eval instanceof DataSet) {
            DataSet rawEval = testSet != null ? testSet : parts[1] instanceof DataSet v ? v : null;
            if (rawEval != null) {
                List<String> targets = model.targetNames();
                b.scatter(RunReport.scatter(targets.isEmpty() ? "y" : targets.get(0), model, rawEval));
                if (testSet != null) {
                    float[] o = model.outputs(testSet);
                    b.metric("test MSE", Metrics.mse(testSet.d(), o, testSet.outputs()));
                    b.metric("test R²", Metrics.r2(testSet.d(), o, testSet.outputs()));
                }
            }
        }
        Provenance.Bayesian bayesian = model.provenance().outcome().bayesian();
        if (bayesian != null) {
            b.config("Bayesian regularisation", bayesian.describe());
        }
        RunReport.provenance(b, model.provenance(), data, "");
        return b.build();
    }

    /** Counts [actual][predicted] over preprocessed examples, streamed (a memory-mapped set is not copied whole). */
    private static int[][] confusion(ModelTrainer.Fit fit, Examples eval) {
        int k = eval.outputs(), classes = Math.max(2, k);
        int[][] counts = new int[classes][classes];
        org.backprop4j.Predictor predictor = new org.backprop4j.Predictor(fit.model().network(), fit.model().loss());
        eval.forEachChunk((x, d, rows) -> {
            float[] o = predictor.predict(x, rows);
            for (int r = 0; r < rows; r++) {
                counts[Examples.labelOf(d, r * k, k)][org.backprop4j.Predictor.predictedClass(o, r * k, k)]++;
            }
        });
        return counts;
    }

    /**
     * The products' floating-point operations of a run ({@link KernelProvider#trainingFlops}) from its resolved
     * settings: the header path has no network yet, so the layer sizes come from the settings.
     */
    static double expectedFlops(Settings resolved, int inputs, int outputs, int patterns) {
        int[] sizes = new int[resolved.hidden().size() + 2];
        sizes[0] = inputs;
        for (int i = 0; i < resolved.hidden().size(); i++) sizes[i + 1] = resolved.hidden().get(i);
        sizes[sizes.length - 1] = outputs;
        return KernelProvider.trainingFlops(sizes, patterns, resolved.epochs());
    }

    /**
     * Declares the run ({@link KernelProvider#expectWork}) from the header of an IDX training file
     * whose body is still to be read ({@link #headerFlops}), where all of the file trains (no
     * validation part, no warm start) and the file can be opened twice (not a stream, whose header
     * the reading would then miss). Returns the declared operations, NaN if it declared nothing.
     */
    private double declareFromHeader(Settings settings) {
        if (dataOptions.labels == null || validation > 0 || warmStart != null || !VectorModule.readableAgain(data)) return Double.NaN;
        double flops = headerFlops(settings, data);
        if (Double.isNaN(flops)) return Double.NaN;
        org.backprop4j.kernel.Elementwise.expectActivations(activations(settings.resolve(true)));
        KernelProvider.expectWork(flops);
        return flops;
    }

    /**
     * The primer for a run declared from its IDX header ({@link ModelTrainer#primeForRun}: the library's rule
     * decides), or null; the header's shape and the ten classes {@link DataOptions} reads IDX labels as.
     */
    static Trainer.Primer primer(Settings settings, Path images, double flops) {
        int[] dims = org.backprop4j.data.IdxReader.dimensions(images);
        if (dims == null || dims.length < 2) return null;
        long inputs = 1;
        for (int i = 1; i < dims.length; i++) inputs *= dims[i];
        return new ModelTrainer(settings).primeForRun((int) inputs, org.backprop4j.data.IdxReader.DIGITS.size(), true, dims[0], flops);
    }

    /**
     * The activations of the network resolved settings build, hidden layers' and output's: the vector loops'
     * background warm-up compiles only theirs ({@link org.backprop4j.kernel.Elementwise#expectActivations}).
     */
    static List<org.backprop4j.Activation> activations(Settings resolved) {
        List<org.backprop4j.Activation> fs = new java.util.ArrayList<>();
        for (int i = 0; i < resolved.hidden().size(); i++) fs.add(resolved.hiddenActivation(i));
        fs.add(resolved.output());
        return fs;
    }

    /** Whether a JVM started again could read every input of the run again (none is a stream: {@link VectorModule#readableAgain}). */
    private boolean readAgain() {
        return VectorModule.readableAgain(data) && VectorModule.readableAgain(dataOptions.labels)
                && VectorModule.readableAgain(test) && VectorModule.readableAgain(testLabels);
    }

    /**
     * Start-ups that the run will need, on the spare core while the data are read: Jackson for the model
     * file (and --json's lines), OpenBLAS (the short runs' kernels; the choice itself waits for the data's size).
     */
    private void prepareInBackground() {
        ModelFile.prepareInBackground();
        if (json) Json.prepareInBackground();
        if (kernel == null || kernel.equalsIgnoreCase("auto") || kernel.equalsIgnoreCase("openblas")) KernelProvider.prepareInBackground();
    }

    /**
     * The run's {@link #expectedFlops} from the header of the IDX images file it trains on, all of it:
     * the value the declaration after reading gives (the header's count and item size, the ten classes
     * {@link DataOptions} reads IDX labels as), so that declaring it early chooses nothing otherwise;
     * NaN if the header cannot be read or the settings do not resolve (said after reading).
     */
    static double headerFlops(Settings settings, Path images) {
        int[] dims = org.backprop4j.data.IdxReader.dimensions(images);
        if (dims == null || dims.length < 2) return Double.NaN;
        long inputs = 1;
        for (int i = 1; i < dims.length; i++) inputs *= dims[i];
        if (inputs > Integer.MAX_VALUE) return Double.NaN;
        try {
            return expectedFlops(settings.resolve(true), (int) inputs, org.backprop4j.data.IdxReader.DIGITS.size(), dims[0]);
        } catch (IllegalArgumentException e) {
            return Double.NaN;
        }
    }

    /** The IDX test set being read in the background, or null. */
    private java.util.concurrent.FutureTask<DataSet> testRead;

    /** Data files up to this size are hashed while they are read (larger ones may go to the memory-mapped cache). */
    static final long HASH_AHEAD_MAX = 1L << 28;

    private static <T> java.util.concurrent.FutureTask<T> background(String name, java.util.concurrent.Callable<T> work) {
        java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(work);
        Thread.ofPlatform().daemon().name(name).start(task);
        return task;
    }

    /** A background task's value, or its failure as the direct call would have thrown it. */
    private static <T> T join(java.util.concurrent.FutureTask<T> task, String what) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while " + what);
        } catch (java.util.concurrent.ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    /** The --test file, read and encoded as the training data was (its schema), checked against it; null without --test. */
    private DataSet readTest(Examples raw) throws IOException {
        if (test == null) {
            if (testLabels != null) throw new Main.UserError("--test-labels " + testLabels + " needs --test IMAGES (the IDX images file it labels)");
            return null;
        }
        DataSet t;
        if (dataOptions.labels != null || testLabels != null) {
            if (testLabels == null || dataOptions.labels == null) {
                throw new Main.UserError("--test " + test + ": IDX images need their labels file on both sides: --labels for the training "
                        + "images and --test-labels for the test images");
            }
            t = testRead != null ? join(testRead, "reading --test " + test) : org.backprop4j.data.IdxReader.read(test, testLabels);
        } else {
            t = dataOptions.read(test, raw.schema());
        }
        if (t.inputs() != raw.inputs() || t.outputs() != raw.outputs()) {
            throw new Main.UserError("--test " + test + " has " + t.inputs() + " inputs and " + t.outputs() + " outputs after encoding; the training data "
                    + data.getFileName() + " has " + raw.inputs() + " and " + raw.outputs() + ": give a file with the training data's columns");
        }
        return t;
    }

    private static String baseName(Path model) {
        String n = model.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** Training diverged: one line, exit code 3. */
    static final class Diverged extends RuntimeException {
        Diverged(String message) {
            super(message);
        }
    }

    static String accuracy(double a) {
        return Double.isNaN(a) ? "" : String.format(Locale.ROOT, ", accuracy %.2f%%", 100 * a);
    }
}
