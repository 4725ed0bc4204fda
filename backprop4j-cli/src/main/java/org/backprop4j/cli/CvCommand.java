package org.backprop4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.backprop4j.cli.progress.ProgressFactory;
import org.backprop4j.cli.progress.ProgressMode;
import org.backprop4j.data.DataSet;
import org.backprop4j.kernel.KernelProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** k-fold cross-validation of one training configuration. */
@Command(name = "cv", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Estimate how well a configuration generalises: k-fold cross-validation (stratified for classes), folds in parallel.")
final class CvCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DATA")
    Path data;

    @picocli.CommandLine.Mixin
    FoldOptions foldOptions = new FoldOptions();

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DataSet raw = dataOptions.read(data);
        int t = foldOptions.threadCount();
        int folds = foldOptions.folds;
        // the kernels are chosen (and announced on standard error) before any bar is drawn
        String kernels = KernelProvider.get().name();
        if (!json) {
            dataOptions.printNotices(out);   // first line: the task and why
            out.printf(Locale.ROOT, "%d-fold cross-validation of %s on %s (%d patterns, kernels: %s)%n", folds,
                    modelOptions.optimizerSpec(), data.getFileName(), raw.size(), kernels);
        }
        long t0 = System.nanoTime();
        // a live bar per fold on a terminal, plain lines otherwise (none with --json or --quiet)
        ProgressFactory progress = ProgressFactory.create(json || foldOptions.quiet ? ProgressMode.QUIET : ProgressMode.AUTO, out);
        CrossValidation.Score s = CrossValidation.run(modelOptions, raw, folds, t, foldOptions.validation, progress, null);
        double secs = (System.nanoTime() - t0) / 1e9;
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("folds", folds);
            if (raw.isClassification()) {
                m.put("accuracy", s.accuracy());
                m.put("meanAccuracy", s.meanAccuracy());
                m.put("sdAccuracy", s.sdAccuracy());
            }
            m.put("loss", s.loss());
            m.put("meanLoss", s.meanLoss());
            m.put("sdLoss", s.sdLoss());
            m.put("seconds", secs);
            out.println(Json.write(m));
            return 0;
        }
        out.println(" fold   loss" + (raw.isClassification() ? "      accuracy" : "") + "   epochs");
        for (int i = 0; i < folds; i++) {
            out.printf(Locale.ROOT, "%5d   %.5f%s   %6.0f%n", i + 1, s.loss()[i],
                    raw.isClassification() ? String.format(Locale.ROOT, "   %7.2f%%", 100 * s.accuracy()[i]) : "", s.epochs()[i]);
        }
        out.printf(Locale.ROOT, " mean   %.5f ± %.5f%s   (%.1f s)%n", s.meanLoss(), s.sdLoss(),
                raw.isClassification() ? String.format(Locale.ROOT, "   %.2f%% ± %.2f", 100 * s.meanAccuracy(), 100 * s.sdAccuracy()) : "", secs);
        return 0;
    }
}
