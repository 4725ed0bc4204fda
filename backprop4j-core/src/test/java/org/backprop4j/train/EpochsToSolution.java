package org.backprop4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.MonkFormat;
import org.backprop4j.kernel.KernelProvider;
import org.backprop4j.kernel.Kernels;
import org.backprop4j.kernel.ScalarKernels;

/**
 * Epochs to solution per optimizer (docs/OPTIMIZERS.md): full-batch training of XOR (2-2-1) and
 * MONK-1 (17-8-1), logistic units, sum-of-squares error, until every training pattern is
 * classified correctly (output ≥ 0.5 ⇔ class 1), over 10 seeds. Run with
 * {@code scripts/optimizer-table}. The table is computed with the scalar kernels: the counts are
 * sensitive to float32 summation order (OpenBLAS or the Vector API kernels sum in another order, and
 * a run that ends near a saddle can go either way), and the scalar kernels are available everywhere
 * and give the same bits whatever the thread count, so the table reproduces exactly.
 */
public final class EpochsToSolution {

    /** An optimizer spec per problem (learning rates suit the summed SSE gradient of each set). */
    public record Row(String name, String xor, String monk) {}

    public static final List<Row> ROWS = List.of(
            new Row("gradient descent", "sgd:lr=2", "sgd:lr=0.05"),
            new Row("momentum 0.9", "momentum:lr=0.5", "momentum:lr=0.01"),
            new Row("Nesterov 0.9", "nesterov:lr=0.5", "nesterov:lr=0.01"),
            new Row("Quickprop", "quickprop:lr=2", "quickprop:lr=0.05"),
            new Row("Rprop+", "rprop+", "rprop+"),
            new Row("Rprop−", "rprop-", "rprop-"),
            new Row("iRprop+", "irprop+", "irprop+"),
            new Row("iRprop−", "irprop-", "irprop-"),
            new Row("Adam", "adam:lr=0.1", "adam:lr=0.01"),
            new Row("AdamW", "adamw:lr=0.1", "adamw:lr=0.01"),
            new Row("RMSprop", "rmsprop:lr=0.05", "rmsprop:lr=0.01"),
            new Row("AdaGrad", "adagrad:lr=0.5", "adagrad:lr=0.1"),
            new Row("L-BFGS", "lbfgs", "lbfgs"),
            new Row("SCG", "scg", "scg"),
            new Row("Levenberg–Marquardt", "lm", "lm"),
            new Row("Newton-CG (exact Hv)", "newton-cg", "newton-cg"),
            new Row("Newton-CG (Gauss–Newton)", "newton-cg:gn=true", "newton-cg:gn=true"),
            new Row("diagonal Hessian (Becker–LeCun)", "diag-newton", "diag-newton"));

    /** Epochs until 100% training accuracy, or −1 if not within maxEpochs (the process's kernels). */
    public static int epochsToSolve(DataSet train, int hidden, String optimizer, long seed, int maxEpochs) {
        return epochsToSolve(train, hidden, optimizer, seed, maxEpochs, KernelProvider.get());
    }

    /** Epochs until 100% training accuracy, or −1 if not within maxEpochs, with the given kernels. */
    public static int epochsToSolve(DataSet train, int hidden, String optimizer, long seed, int maxEpochs, Kernels kernels) {
        Network net = Network.builder(train.inputs()).layer(hidden, Activation.LOGISTIC).layer(1, Activation.LOGISTIC)
                .build(Init.xavier(), seed);
        TrainingConfig cfg = TrainingConfig.builder().fullBatch().epochs(maxEpochs).optimizer(optimizer).seed(seed).build();
        int[] solved = {-1};
        Trainer t = new Trainer(net, Loss.SSE, cfg, kernels);
        t.addListener((s, tr) -> {
            if (s.accuracy() == 1.0) {
                solved[0] = s.epoch();
                tr.stop("solved");
            }
        });
        t.fit(train);
        return solved[0];
    }

    static DataSet xor() {
        return new DataSet(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, new float[] {0, 1, 1, 0}, 2, 1, List.of("0", "1"), null);
    }

    public static void main(String[] args) throws IOException {
        Path monks = args.length > 0 && !args[0].equals("-") ? Path.of(args[0]) : SharedData.monks();
        if (monks == null) throw new IllegalArgumentException("shared/data/monks not found: give its path as the first argument");
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        DataSet xor = xor();
        DataSet monk1 = MonkFormat.read(monks.resolve("monks-1.train"));
        System.out.println("| optimizer | XOR spec | XOR solved | XOR median epochs | MONK-1 spec | MONK-1 solved | MONK-1 median epochs |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Row r : ROWS) {
            String a = cell(xor, 2, r.xor(), seeds, 5000);
            String b = cell(monk1, 8, r.monk(), seeds, 5000);
            System.out.println("| " + r.name() + " | `" + r.xor() + "` | " + a + " | `" + r.monk() + "` | " + b + " |");
        }
    }

    private static final Kernels SCALAR = new ScalarKernels();

    private static String cell(DataSet ds, int hidden, String spec, int seeds, int max) {
        int[] e = new int[seeds];
        int ok = 0;
        for (int s = 0; s < seeds; s++) {
            e[s] = epochsToSolve(ds, hidden, spec, s + 1, max, SCALAR);
            if (e[s] > 0) ok++;
        }
        // median over all seeds, unsolved counting as "> max"
        int[] sorted = Arrays.stream(e).map(x -> x < 0 ? Integer.MAX_VALUE : x).sorted().toArray();
        int med = sorted[(seeds - 1) / 2];
        String median = med == Integer.MAX_VALUE ? "> " + max : Integer.toString(med);
        return String.format(Locale.ROOT, "%d/%d | %s", ok, seeds, median);
    }
}
