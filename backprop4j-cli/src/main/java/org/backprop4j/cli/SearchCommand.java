package org.backprop4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.backprop4j.Rng;
import org.backprop4j.cli.progress.ProgressFactory;
import org.backprop4j.cli.progress.ProgressMode;
import org.backprop4j.data.DataSet;
import org.backprop4j.io.ModelFile;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.model.CrossValidation;
import org.backprop4j.model.ModelTrainer;
import org.backprop4j.model.Provenance;
import org.backprop4j.train.Settings;
import org.backprop4j.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Grid or random search over hyper-parameters, each candidate scored by k-fold cross-validation. */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Model selection: try combinations of settings, score each by k-fold cross-validation (on each fold's held-out part), "
                + "print a ranked table and the train command that reproduces the best; with -o, refit the best on all the data and save it."},
        footer = {"%nExamples:", SearchCommand.EXAMPLE,
                "  backprop4j search wine_data.csv --param 'hidden=8|16' --random 2 --nested 3"})
final class SearchCommand implements Callable<Integer> {
    /** The --help example: quoted so that it pastes into bash ('|' is a pipe there), lines short enough not to be wrapped. */
    static final String EXAMPLE = "  backprop4j search iris.csv --param 'hidden=4|8|16' -o best.json \\%n"
            + "    --param 'optimizer=adam:lr=0.01|irprop-' --param 'lambda=0|0.001'";

    @Parameters(index = "0", paramLabel = "DATA", description = "Data file to search on.")
    Path data;

    @Option(names = {"-o", "--out"}, paramLabel = "MODEL",
            description = "The file this command writes, here the model: the best configuration refitted on all the data (JSON), as train -o would write it.")
    Path out;

    @Option(names = "--param", required = true, paramLabel = "NAME=V1|V2|...",
            description = "A setting to vary and its values separated by '|' (repeatable). Names: hidden, activation, optimizer, epochs, batch, lambda, ...")
    List<String> params;

    @Option(names = "--random", paramLabel = "N", description = "Try N random combinations (seeded) instead of the full grid.")
    Integer random;

    @Option(names = "--nested", paramLabel = "K",
            description = "Also estimate the whole search by nested cross-validation: K outer folds, each searched by --folds inner folds "
                    + "on its training part only and scored on its held-out part (K × candidates × folds trainings).")
    Integer nested;

    @picocli.CommandLine.Mixin
    FoldOptions foldOptions = new FoldOptions();

    @Option(names = "--json", description = "Print the ranked table as JSON lines instead of text, for scripts.")
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
        if (nested != null && nested < 2) throw new IllegalArgumentException("--nested must be at least 2: " + nested);
        // before any work: the model file writable and not an input
        new Outputs().input("the training data", data).input("--labels", dataOptions.labels).output("-o", this.out).check();
        DataSet raw = dataOptions.read(data);
        if (!json && !foldOptions.quiet) dataOptions.printNotices(out);   // first line: the task and why
        List<String> names = new ArrayList<>();
        List<String[]> values = new ArrayList<>();
        for (String p : params) {
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) throw new IllegalArgumentException("--param must be NAME=V1|V2|..., not '" + p + "'");
            names.add(p.substring(0, eq).trim());
            values.add(p.substring(eq + 1).split("\\|"));
        }
        List<int[]> candidates = candidates(values, random, modelOptions.seed);
        foldOptions.threadCount();   // a bad --threads is refused before any work
        int folds = foldOptions.folds;
        record Row(Map<String, String> settings, ModelOptions options, CrossValidation.Result score) {}
        List<Row> rows = new ArrayList<>();
        // live bars per fold on a terminal only: elsewhere the "tried i/n" lines are the progress
        ProgressMode mode = json || foldOptions.quiet || foldOptions.plain ? ProgressMode.QUIET
                : ProgressMode.AUTO.resolve() == ProgressMode.BAR ? ProgressMode.BAR : ProgressMode.QUIET;
        ProgressFactory progress = ProgressFactory.create(mode, out);
        KernelProvider.get();   // chosen (and announced on standard error) before any bar is drawn
        for (int[] c : candidates) {
            ModelOptions o = modelOptions.copy();
            Map<String, String> settings = new LinkedHashMap<>();
            for (int i = 0; i < c.length; i++) {
                String v = values.get(i)[c[i]].trim();
                o.set(names.get(i), v);
                settings.put(names.get(i), v);
            }
            String name = (rows.size() + 1) + "/" + candidates.size();
            rows.add(new Row(settings, o, foldOptions.crossValidation(o.settings(0), progress, name).run(raw)));
            if (!json && !foldOptions.quiet) out.printf(Locale.ROOT, "  tried %d/%d: %s%n", rows.size(), candidates.size(), settings);
        }
        boolean cls = raw.isClassification();
        Comparator<Row> order = Comparator.comparing(Row::score, CrossValidation.ranking(cls));
        rows.sort(order);
        if (json) {
            int rank = 1;
            for (Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("rank", rank++);
                m.putAll(r.settings());
                if (cls) {
                    m.put("meanAccuracy", r.score().meanTestAccuracy());
                    m.put("sdAccuracy", r.score().sdTestAccuracy());
                }
                m.put("meanLoss", r.score().meanTestLoss());
                m.put("sdLoss", r.score().sdTestLoss());
                out.println(Json.write(m));
            }
        }
        if (!json) table(out, rows.stream().map(r -> Map.entry(r.settings(), r.score())).toList(), names, folds, cls);
        if (nested != null) nested(out, raw, rows.stream().map(r -> Map.entry(r.settings(), r.options())).toList(), cls);
        Row best = rows.get(0);
        double refitValidation = best.options().earlyStopping != null ? foldOptions.validation : 0;
        String command = trainCommand(best.settings(), refitValidation);
        if (this.out != null) refit(raw, best.options().settings(refitValidation), refitValidation);
        if (json) {
            if (this.out != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("refit", this.out.toString());
                m.put("command", command);
                out.println(Json.write(m));
            }
        } else {
            if (this.out != null) out.printf(Locale.ROOT, "best refitted on all %s%s and written to %s%n", Words.count(raw.size(), "pattern"),
                    refitValidation > 0 ? " (a " + refitValidation + " share held out for early stopping)" : "", this.out);
            out.println("reproduce it with:");
            out.println("  " + command);
        }
        return 0;
    }

    /** Nested cross-validation of the search over these candidates (in their ranked order), printed. */
    private void nested(PrintWriter out, DataSet raw, List<Map.Entry<Map<String, String>, ModelOptions>> candidates, boolean cls)
            throws InterruptedException {
        List<org.backprop4j.train.Settings> settings = candidates.stream().map(c -> c.getValue().settings(0)).toList();
        CrossValidation.Nested n = foldOptions.crossValidation(settings.get(0), null, null).nested(raw, settings, nested, modelOptions.seed);
        CrossValidation.Result r = n.result();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("outerFolds", nested);
            if (cls) {
                m.put("accuracy", r.testAccuracy());
                m.put("meanAccuracy", r.meanTestAccuracy());
                m.put("sdAccuracy", r.sdTestAccuracy());
            }
            m.put("loss", r.testLoss());
            m.put("meanLoss", r.meanTestLoss());
            m.put("sdLoss", r.sdTestLoss());
            m.put("chosen", n.folds().stream().map(f -> candidates.get(f.chosen()).getKey()).toList());
            out.println(Json.write(Map.of("nested", m)));
            return;
        }
        out.printf(Locale.ROOT, "%nnested cross-validation (%d outer folds, each searched on its training part, scored on its held-out test part):%n",
                nested);
        for (int i = 0; i < n.folds().size(); i++) {
            CrossValidation.NestedFold f = n.folds().get(i);
            out.printf(Locale.ROOT, "  outer fold %d: test loss %.5f%s, chose %s%n", i + 1, f.score().testLoss(),
                    cls ? String.format(Locale.ROOT, ", test accuracy %.2f%%", 100 * f.score().testAccuracy()) : "",
                    candidates.get(f.chosen()).getKey());
        }
        out.printf(Locale.ROOT, "  mean test loss %.5f ± %.5f%s%n", r.meanTestLoss(), r.sdTestLoss(),
                cls ? String.format(Locale.ROOT, ", test accuracy %.2f%% ± %.2f", 100 * r.meanTestAccuracy(), 100 * r.sdTestAccuracy()) : "");
    }

    private void table(PrintWriter out, List<Map.Entry<Map<String, String>, CrossValidation.Result>> rows, List<String> names,
                       int folds, boolean cls) {
        out.printf(Locale.ROOT, "%n%s, %d-fold cross-validation on %s, best first:%n", Words.count(rows.size(), "candidate"), folds, data.getFileName());
        StringBuilder head = new StringBuilder(" rank");
        for (String n : names) head.append(String.format(Locale.ROOT, "  %-18s", n));
        head.append(cls ? "  accuracy (mean ± sd)" : "").append("  loss (mean ± sd)");
        out.println(head);
        int rank = 1;
        for (Map.Entry<Map<String, String>, CrossValidation.Result> r : rows) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%5d", rank++));
            for (String v : r.getKey().values()) sb.append(String.format(Locale.ROOT, "  %-18s", v));
            CrossValidation.Result score = r.getValue();
            if (cls) sb.append(String.format(Locale.ROOT, "  %6.2f%% ± %5.2f     ", 100 * score.meanTestAccuracy(), 100 * score.sdTestAccuracy()));
            sb.append(String.format(Locale.ROOT, "  %.5f ± %.5f", score.meanTestLoss(), score.sdTestLoss()));
            out.println(sb);
        }
    }

    /**
     * Trains the best settings on all the data exactly as {@code train} would (same settings, split
     * and provenance), and writes the model atomically; a diverged run writes nothing.
     */
    private void refit(DataSet raw, Settings settings, double validation) throws IOException {
        DataSet[] parts = ModelTrainer.split(raw, validation, settings.resolve(raw).seed());
        ModelTrainer.Fit fit = new ModelTrainer(settings).fit(parts[0], parts[1], Provenance.DataInfo.of(data, raw.size()));
        if (fit.diverged()) throw new TrainCommand.Diverged(fit.result().stopReason() + " (model not written)");
        byte[] bytes = ModelFile.toBytes(fit.model());
        AtomicFiles.write(this.out, bytes);
    }

    /**
     * The {@code backprop4j train} command for the best candidate: the data and model options
     * given to search, then the candidate's values, quoted for a POSIX shell.
     */
    String trainCommand(Map<String, String> best, double validation) {
        List<String> args = new ArrayList<>(List.of("backprop4j", "train", data.toString(), "-o", this.out == null ? "MODEL.json" : this.out.toString()));
        java.util.Set<String> shared = new java.util.HashSet<>();
        for (String mixin : List.of("dataOptions", "modelOptions")) {
            for (OptionSpec o : spec.mixins().get(mixin).options()) shared.add(o.longestName());
        }
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String name = o.longestName();
            if (!shared.contains(name) || best.containsKey(name.substring(2))) continue;
            if (o.arity().max() == 0) {
                boolean on = Boolean.TRUE.equals(o.getValue());
                if (on || o.negatable()) args.add(on ? name : "--no-" + name.substring(2));
            } else {
                for (String v : o.originalStringValues()) {
                    args.add(name);
                    args.add(v);
                }
            }
        }
        for (Map.Entry<String, String> e : best.entrySet()) {
            args.add("--" + e.getKey());
            args.add(e.getKey().equals("hidden") ? e.getValue().replace('x', ',') : e.getValue());
        }
        if (validation > 0) {
            args.add("--validation");
            args.add(Double.toString(validation));
        }
        StringBuilder sb = new StringBuilder();
        for (String a : args) sb.append(sb.length() == 0 ? "" : " ").append(shellQuote(a));
        return sb.toString();
    }

    /** {@code s} as one POSIX shell word: as is when plainly safe, else in single quotes. */
    static String shellQuote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=,@%+-]+")) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The grid (all combinations), or n distinct random ones from it. */
    static List<int[]> candidates(List<String[]> values, Integer n, long seed) {
        long total = 1;
        for (String[] v : values) total *= v.length;
        if (total > 100_000) throw new IllegalArgumentException("the grid has " + total + " combinations; use --random N");
        List<int[]> all = new ArrayList<>();
        int[] idx = new int[values.size()];
        for (long c = 0; c < total; c++) {
            all.add(idx.clone());
            for (int i = idx.length - 1; i >= 0; i--) {
                if (++idx[i] < values.get(i).length) break;
                idx[i] = 0;
            }
        }
        if (n == null || n >= all.size()) return all;
        if (n < 1) throw new IllegalArgumentException("--random must be positive: " + n);
        int[] order = new int[all.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        new Rng(seed).shuffle(order);
        List<int[]> pick = new ArrayList<>();
        for (int i = 0; i < n; i++) pick.add(all.get(order[i]));
        return pick;
    }
}
