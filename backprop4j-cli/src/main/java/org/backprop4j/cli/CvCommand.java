package org.backprop4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.backprop4j.cli.progress.ProgressFactory;
import org.backprop4j.cli.progress.ProgressMode;
import org.backprop4j.data.DataSet;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.model.CrossValidation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** k-fold cross-validation of one training configuration. */
@Command(name = "cv", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Estimate how well a configuration generalises: k-fold cross-validation (stratified for classes), folds in parallel.",
        footer = {"%nExamples:",
                "  backprop4j cv wine_data.csv -k 5 --hidden 8",
                "  backprop4j cv iris.csv -k 10 --optimizer irprop- --json"})
final class CvCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DATA", description = "Data file to cross-validate on.")
    Path data;

    @picocli.CommandLine.Mixin
    FoldOptions foldOptions = new FoldOptions();

    @Option(names = "--json", description = "Print the result as one JSON object instead of text, for scripts.")
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
        foldOptions.threadCount();   // a bad --threads is refused before any work
        int folds = foldOptions.folds;
        // the kernels are chosen (and, with --verbose, announced on standard error) before any bar is drawn
        KernelProvider.get();
        if (!json && !foldOptions.quiet) {
            dataOptions.printNotices(out);   // first line: the task and why
            out.printf(Locale.ROOT, "%d-fold cross-validation of %s on %s (%s); each fold scored on its held-out test part%n", folds,
                    modelOptions.optimizerSpec(), data.getFileName(), Words.count(raw.size(), "pattern"));
        }
        long t0 = System.nanoTime();
        // a live bar per fold on a terminal, plain lines otherwise (none with --json or --quiet)
        ProgressFactory progress = ProgressFactory.create(json ? ProgressMode.QUIET : ProgressMode.fromFlags(foldOptions.quiet, false, foldOptions.plain), out);
        CrossValidation.Result s = foldOptions.crossValidation(modelOptions.settings(0), progress, null).run(raw);
        double secs = (System.nanoTime() - t0) / 1e9;
        boolean cls = raw.isClassification();
        if (json) {
            // accuracy/loss: each fold's held-out test part (the keys of earlier versions); perFold names both parts
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("folds", folds);
            if (cls) {
                m.put("accuracy", s.testAccuracy());
                m.put("meanAccuracy", s.meanTestAccuracy());
                m.put("sdAccuracy", s.sdTestAccuracy());
            }
            m.put("loss", s.testLoss());
            m.put("meanLoss", s.meanTestLoss());
            m.put("sdLoss", s.sdTestLoss());
            List<Map<String, Object>> perFold = new ArrayList<>();
            for (CrossValidation.Fold f : s.folds()) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("fold", f.index() + 1);
                fm.put("trainPatterns", f.trainPatterns());
                fm.put("testPatterns", f.testPatterns());
                fm.put("epochs", f.epochs());
                fm.put("stopReason", f.stopReason());
                fm.put("trainLoss", f.trainLoss());
                if (cls) fm.put("trainAccuracy", f.trainAccuracy());
                fm.put("testLoss", f.testLoss());
                if (cls) fm.put("testAccuracy", f.testAccuracy());
                perFold.add(fm);
            }
            m.put("perFold", perFold);
            m.put("seconds", secs);
            out.println(Json.write(m));
            return 0;
        }
        // every figure is the fold's held-out test part, never seen in training
        out.println(" fold   test loss" + (cls ? "   test accuracy" : "") + "   epochs");
        for (CrossValidation.Fold f : s.folds()) {
            out.printf(Locale.ROOT, "%5d   %9.5f%s   %6d%n", f.index() + 1, f.testLoss(),
                    cls ? String.format(Locale.ROOT, "   %12.2f%%", 100 * f.testAccuracy()) : "", f.epochs());
        }
        out.printf(Locale.ROOT, " mean   %.5f ± %.5f%s   (%.1f s)%n", s.meanTestLoss(), s.sdTestLoss(),
                cls ? String.format(Locale.ROOT, "   %.2f%% ± %.2f", 100 * s.meanTestAccuracy(), 100 * s.sdTestAccuracy()) : "", secs);
        return 0;
    }
}
