package org.backprop4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.MonkFormat;

/**
 * The MONK's problems acceptance run (issue 3): 17 one-hot inputs, one small hidden layer, one
 * logistic output, full-batch training with documented settings; prints test accuracy as mean
 * and minimum over seeds. Run with {@code scripts/monks} (prints the table of BENCHMARKS.md).
 */
public final class Monks {

    /** The documented settings for one problem. */
    public record Setting(int problem, int hidden, Activation hiddenAct, Loss loss, String optimizer,
                          int epochs, double lambda, Init init) {
        public String describe() {
            return "17-" + hidden + "(" + hiddenAct.id() + ")-1(logistic), loss " + loss.id() + ", " + optimizer
                    + ", full batch, " + epochs + " epochs" + (lambda > 0 ? ", L2 λ=" + lambda : "") + ", init " + init.id();
        }
    }

    /** One run's outcome. */
    public record Outcome(double trainAccuracy, double testAccuracy, int epochs, long millis) {}

    /** The settings BENCHMARKS.md reports. */
    public static Setting setting(int problem) {
        return switch (problem) {
            case 1 -> new Setting(1, 8, Activation.LOGISTIC, Loss.BINARY_CROSS_ENTROPY, "irprop-", 1000, 0.001, Init.xavier());
            case 2 -> new Setting(2, 8, Activation.LOGISTIC, Loss.BINARY_CROSS_ENTROPY, "irprop-", 1000, 0.001, Init.xavier());
            case 3 -> new Setting(3, 8, Activation.LOGISTIC, Loss.BINARY_CROSS_ENTROPY, "irprop-", 1000, 0.01, Init.xavier());
            default -> throw new IllegalArgumentException("MONK problems are 1, 2, 3: " + problem);
        };
    }

    public static DataSet[] load(Path monks, int problem) throws IOException {
        return new DataSet[] {MonkFormat.read(monks.resolve("monks-" + problem + ".train")),
                MonkFormat.read(monks.resolve("monks-" + problem + ".test"))};
    }

    public static Outcome run(Setting s, DataSet train, DataSet test, long seed) {
        long t0 = System.nanoTime();
        Network net = Network.builder(MonkFormat.INPUTS).layer(s.hidden(), s.hiddenAct()).layer(1, Activation.LOGISTIC)
                .build(s.init(), seed);
        TrainingConfig cfg = TrainingConfig.builder().fullBatch().epochs(s.epochs()).optimizer(s.optimizer())
                .lambda(s.lambda()).seed(seed).evaluateEachEpoch(false).build();
        TrainingResult r = new Trainer(net, s.loss(), cfg).fit(train);
        Backprop engine = new Backprop(net, s.loss());
        return new Outcome(Evaluation.of(engine, train).accuracy(), Evaluation.of(engine, test).accuracy(), r.epochs(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 && !args[0].equals("-") ? Path.of(args[0]) : SharedData.monks();
        if (dir == null) throw new IllegalArgumentException("shared/data/monks not found: give its path as the first argument");
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        System.out.println("| problem | settings | test accuracy mean | min | max | train accuracy mean | seconds (all seeds) |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int p = 1; p <= 3; p++) {
            Setting s = setting(p);
            if (args.length > 2) s = override(s, args[2]);
            DataSet[] d = load(dir, p);
            double sum = 0, min = 1, max = 0, trSum = 0;
            long ms = 0;
            StringBuilder per = new StringBuilder();
            for (int seed = 1; seed <= seeds; seed++) {
                Outcome o = run(s, d[0], d[1], seed);
                sum += o.testAccuracy();
                trSum += o.trainAccuracy();
                min = Math.min(min, o.testAccuracy());
                max = Math.max(max, o.testAccuracy());
                ms += o.millis();
                per.append(String.format(Locale.ROOT, " %.1f", 100 * o.testAccuracy()));
            }
            System.out.printf(Locale.ROOT, "| MONK-%d | %s | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f |%n", p, s.describe(),
                    100 * sum / seeds, 100 * min, 100 * max, 100 * trSum / seeds, ms / 1000.0);
            System.err.println("MONK-" + p + " per seed (test %):" + per);
        }
    }

    /** For experiments: {@code hidden=..,opt=..,epochs=..,lambda=..,loss=..,act=..} overrides. */
    static Setting override(Setting s, String spec) {
        int h = s.hidden(), e = s.epochs();
        double l = s.lambda();
        String o = s.optimizer();
        Loss loss = s.loss();
        Activation a = s.hiddenAct();
        Init init = s.init();
        for (String kv : spec.split(";")) {
            String[] f = kv.split("=", 2);
            switch (f[0]) {
                case "hidden" -> h = Integer.parseInt(f[1]);
                case "epochs" -> e = Integer.parseInt(f[1]);
                case "lambda" -> l = Double.parseDouble(f[1]);
                case "opt" -> o = f[1];
                case "loss" -> loss = Loss.parse(f[1]);
                case "act" -> a = Activation.parse(f[1]);
                case "init" -> init = Init.parse(f[1]);
                default -> throw new IllegalArgumentException(kv);
            }
        }
        return new Setting(s.problem(), h, a, loss, o, e, l, init);
    }
}
