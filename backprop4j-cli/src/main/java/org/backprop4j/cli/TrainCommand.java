package org.backprop4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.backprop4j.data.DataSet;
import org.backprop4j.io.Model;
import org.backprop4j.io.ModelFile;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Trains a network on a data file and writes the model file. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a multi-layer perceptron on a data file (CSV, ARFF, LIBSVM, MONK) and save the model.")
final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DATA", description = "Training data file.")
    Path data;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "MODEL", description = "Model file to write (JSON).")
    Path out;

    @Option(names = "--validation", paramLabel = "F", defaultValue = "0",
            description = "Hold out this fraction for validation (stratified for classes), e.g. 0.2.")
    double validation;

    @Option(names = "--report", paramLabel = "HTML", description = "Also write a self-contained HTML report.")
    Path report;

    @Option(names = "--quiet", description = "Print nothing but errors.")
    boolean quiet;

    @Option(names = "--json", description = "Print one JSON object per epoch and a final summary (for scripts).")
    boolean json;

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
        DataSet raw = dataOptions.read(data);
        if (talk) {
            out.println("backprop4j train " + data.getFileName() + " (kernels: " + KernelProvider.get().name() + ")");
            for (String line : modelOptions.describeDefaults(raw)) out.println("  " + line);
        }
        DataSet[] parts = Fitting.split(raw, validation, modelOptions.seed);
        if (talk && parts[1] != null) {
            out.printf(Locale.ROOT, "  validation: %d of %d patterns held out%n", parts[1].size(), raw.size());
        }
        List<TrainingListener> listeners = new ArrayList<>();
        if (talk) listeners.add(new PlainProgress(out));
        if (json) listeners.add(new JsonProgress(out));
        Fitting.Fit fit = Fitting.fit(modelOptions, parts[0], parts[1], listeners);

        Map<String, Object> training = new LinkedHashMap<>(modelOptions.describe(fit.network(), fit.loss(), fit.config()));
        training.put("epochs", fit.result().epochs());
        training.put("stopReason", fit.result().stopReason());
        training.put("seconds", Math.round(fit.seconds() * 1000) / 1000.0);
        training.put("trainLoss", fit.train().loss());
        if (raw.isClassification()) training.put("trainAccuracy", fit.train().accuracy());
        if (parts[1] != null) {
            training.put("validationFraction", validation);
            training.put("validationLoss", fit.validation().loss());
            if (raw.isClassification()) training.put("validationAccuracy", fit.validation().accuracy());
        }
        Map<String, Object> dataInfo = new LinkedHashMap<>();
        dataInfo.put("file", data.getFileName().toString());
        dataInfo.put("patterns", raw.size());
        dataInfo.put("sha256", sha256(data));
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("kernels", KernelProvider.get().name());
        provenance.put("command", "train");
        Model model = new Model(fit.network(), fit.loss(), raw.inputNames(), raw.classNames(),
                raw.schema() == null ? List.of() : raw.schema().targets().stream().map(a -> a.name()).toList(),
                fit.pipeline().toMap(), training, dataInfo, provenance);
        ModelFile.write(model, this.out);

        if (json) {
            Map<String, Object> summary = new LinkedHashMap<>(training);
            summary.put("model", this.out.toString());
            out.println(Json.write(summary));
        } else if (talk) {
            out.printf(Locale.ROOT, "%s after %d epochs in %.2f s%n", fit.result().stopReason(), fit.result().epochs(), fit.seconds());
            out.printf(Locale.ROOT, "  training:   loss %.5f%s%n", fit.train().loss(), accuracy(fit.train().accuracy()));
            if (parts[1] != null) out.printf(Locale.ROOT, "  validation: loss %.5f%s%n", fit.validation().loss(), accuracy(fit.validation().accuracy()));
            out.println("model written to " + this.out);
        }
        return 0;
    }

    static String accuracy(double a) {
        return Double.isNaN(a) ? "" : String.format(Locale.ROOT, ", accuracy %.2f%%", 100 * a);
    }

    /** SHA-256 of a file's bytes (the training data fingerprint). */
    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line per epoch, at most about one per second plus the first and last (non-terminal output). */
    static final class PlainProgress implements TrainingListener {
        private final PrintWriter out;
        private long lastPrint;

        PlainProgress(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void onEpoch(EpochStats s, org.backprop4j.train.Trainer trainer) {
            long now = System.nanoTime();
            int max = trainer.config().maxEpochs();
            if (s.epoch() == 1 || s.epoch() == max || now - lastPrint > 1_000_000_000L) {
                lastPrint = now;
                out.printf(Locale.ROOT, "  epoch %d/%d  loss %.5f%s%s%n", s.epoch(), max, s.loss(), accuracy(s.accuracy()),
                        Double.isNaN(s.validationLoss()) ? "" : String.format(Locale.ROOT, "  val loss %.5f%s", s.validationLoss(), accuracy(s.validationAccuracy())));
            }
        }
    }

    /** One JSON object per epoch. */
    static final class JsonProgress implements TrainingListener {
        private final PrintWriter out;

        JsonProgress(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void onEpoch(EpochStats s, org.backprop4j.train.Trainer trainer) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", s.epoch());
            m.put("loss", s.loss());
            if (!Double.isNaN(s.accuracy())) m.put("accuracy", s.accuracy());
            if (!Double.isNaN(s.validationLoss())) m.put("validationLoss", s.validationLoss());
            if (!Double.isNaN(s.validationAccuracy())) m.put("validationAccuracy", s.validationAccuracy());
            m.put("millis", s.millis());
            out.println(Json.write(m));
        }
    }

}
