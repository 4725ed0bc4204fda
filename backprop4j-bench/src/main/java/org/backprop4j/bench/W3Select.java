package org.backprop4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.backprop4j.Backprop;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.kernel.ParallelKernels;
import org.backprop4j.train.Optimizers;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;

/**
 * How W3's weight initialisation was chosen, without looking at the test set: W3's network and
 * optimizer (784-128-10 tanh/softmax, 20 full-batch iRprop− updates) trained on the first 50,000
 * training images and scored on training images 50,000–59,999, for every init × optimizer × seed
 * of a grid given up front. Prints one JSON line per run and, per init × optimizer, the mean and
 * standard deviation of the validation accuracy over the seeds (sorted, best first).
 *
 * <pre>W3Select [--inits fan-in,xavier,...] [--optimizers "irprop-;irprop-:delta0=0.01"] [--seeds 1-5] [--threads T]</pre>
 * (inits separated by commas, optimizer specs by semicolons, since a spec has commas of its own)
 */
public final class W3Select {
    private W3Select() {}

    static final int FIT = 50_000, TOTAL = 60_000;

    public static void main(String[] args) throws Exception {
        List<String> inits = List.of("fan-in", "xavier", "nguyen-widrow", "uniform:0.01", "uniform:0.02", "uniform:0.05");
        List<String> optimizers = List.of("irprop-");
        int seedFrom = 1, seedTo = 5, threads = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--inits" -> inits = List.of(args[++i].split(","));
                case "--optimizers" -> optimizers = List.of(args[++i].split(";"));
                case "--seeds" -> {
                    String[] r = args[++i].split("-");
                    seedFrom = Integer.parseInt(r[0]);
                    seedTo = Integer.parseInt(r[r.length - 1]);
                }
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: W3Select [--inits A,B] [--optimizers SPEC;SPEC] [--seeds FROM-TO] [--threads T]");
                    System.exit(2);
                }
            }
        }
        try {   // the whole grid is checked before the first run, not an hour into it
            for (String init : inits) Init.parse(init);
            for (String opt : optimizers) Optimizers.parse(opt);
        } catch (IllegalArgumentException e) {
            System.err.println("W3Select: " + e.getMessage());
            System.exit(2);
        }
        DataSet all = FashionMnist.load(FashionMnist.directory(), true, TOTAL);
        DataSet fit = all.range(0, FIT), validation = all.range(FIT, TOTAL);
        ParallelKernels kernels = Workloads.parallelKernels(threads);
        ObjectMapper json = new ObjectMapper();
        Map<String, List<Double>> scores = new LinkedHashMap<>();
        for (String init : inits) {
            for (String opt : optimizers) {
                for (int s = seedFrom; s <= seedTo; s++) {
                    Network net = Workloads.w3Network(Init.parse(init), s);
                    TrainingConfig cfg = TrainingConfig.builder().fullBatch().epochs(Workloads.w3Epochs()).seed(s).evaluateEachEpoch(false)
                            .optimizer(Optimizers.parse(opt)).build();
                    new Trainer(net, Loss.CROSS_ENTROPY, cfg, kernels).fit(fit);
                    double acc = Evaluation.of(new Backprop(net, Loss.CROSS_ENTROPY, kernels), validation).accuracy();
                    scores.computeIfAbsent(init + " " + opt, k -> new ArrayList<>()).add(acc);
                    Map<String, Object> rec = new LinkedHashMap<>();
                    rec.put("init", init);
                    rec.put("optimizer", opt);
                    rec.put("seed", s);
                    rec.put("validation_accuracy", acc);
                    System.out.println(json.writeValueAsString(rec));
                }
            }
        }
        kernels.close();
        System.out.println("# validation accuracy (train images " + FIT + "-" + (TOTAL - 1) + "), mean ± sd over seeds "
                + seedFrom + "-" + seedTo + ", best first");
        scores.entrySet().stream()
                .sorted((a, b) -> Double.compare(mean(b.getValue()), mean(a.getValue())))
                .forEach(e -> System.out.printf(Locale.ROOT, "# %-40s %.4f ± %.4f%n", e.getKey(), mean(e.getValue()), sd(e.getValue())));
    }

    static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    static double sd(List<Double> v) {
        double m = mean(v), ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        return v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : 0;
    }
}
