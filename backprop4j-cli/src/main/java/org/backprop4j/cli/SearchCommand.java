package org.backprop4j.cli;

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
import org.backprop4j.kernel.KernelProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Grid or random search over hyper-parameters, each candidate scored by k-fold cross-validation. */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Model selection: try combinations of settings, score each by k-fold cross-validation, print a ranked table.",
                "Example: search iris.csv --param hidden=4|8|16 --param optimizer=adam:lr=0.01|irprop- --param lambda=0|0.001"})
final class SearchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DATA")
    Path data;

    @Option(names = "--param", required = true, paramLabel = "NAME=V1|V2|...",
            description = "A setting to vary and its values separated by '|' (repeatable). Names: hidden, activation, optimizer, epochs, batch, lambda, ...")
    List<String> params;

    @Option(names = "--random", paramLabel = "N", description = "Try N random combinations (seeded) instead of the full grid.")
    Integer random;

    @picocli.CommandLine.Mixin
    FoldOptions foldOptions = new FoldOptions();

    @Option(names = "--json", description = "Print the ranked table as JSON lines.")
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
        int t = foldOptions.threadCount();
        int folds = foldOptions.folds;
        record Row(Map<String, String> settings, CrossValidation.Score score) {}
        List<Row> rows = new ArrayList<>();
        // live bars per fold on a terminal only: elsewhere the "tried i/n" lines are the progress
        ProgressMode mode = json || foldOptions.quiet ? ProgressMode.QUIET
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
            rows.add(new Row(settings, CrossValidation.run(o, raw, folds, t, foldOptions.validation, progress, name)));
            if (!json) out.printf(Locale.ROOT, "  tried %d/%d: %s%n", rows.size(), candidates.size(), settings);
        }
        boolean cls = raw.isClassification();
        Comparator<Row> order = cls
                ? Comparator.comparingDouble((Row r) -> -r.score().meanAccuracy()).thenComparingDouble(r -> r.score().meanLoss())
                : Comparator.comparingDouble((Row r) -> r.score().meanLoss());
        rows.sort(order);
        if (json) {
            int rank = 1;
            for (Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("rank", rank++);
                m.putAll(r.settings());
                if (cls) {
                    m.put("meanAccuracy", r.score().meanAccuracy());
                    m.put("sdAccuracy", r.score().sdAccuracy());
                }
                m.put("meanLoss", r.score().meanLoss());
                m.put("sdLoss", r.score().sdLoss());
                out.println(Json.write(m));
            }
            return 0;
        }
        out.printf(Locale.ROOT, "%n%d candidates, %d-fold cross-validation on %s, best first:%n", rows.size(), folds, data.getFileName());
        StringBuilder head = new StringBuilder(" rank");
        for (String n : names) head.append(String.format(Locale.ROOT, "  %-18s", n));
        head.append(cls ? "  accuracy (mean ± sd)" : "").append("  loss (mean ± sd)");
        out.println(head);
        int rank = 1;
        for (Row r : rows) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%5d", rank++));
            for (String v : r.settings().values()) sb.append(String.format(Locale.ROOT, "  %-18s", v));
            if (cls) sb.append(String.format(Locale.ROOT, "  %6.2f%% ± %5.2f     ", 100 * r.score().meanAccuracy(), 100 * r.score().sdAccuracy()));
            sb.append(String.format(Locale.ROOT, "  %.5f ± %.5f", r.score().meanLoss(), r.score().sdLoss()));
            out.println(sb);
        }
        return 0;
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
