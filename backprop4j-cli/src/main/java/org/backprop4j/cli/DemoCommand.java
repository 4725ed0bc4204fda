package org.backprop4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.BuiltinData;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.JacobsExample;
import org.backprop4j.history.ThresholdUnit;
import org.backprop4j.reference.Explainer;
import org.backprop4j.reference.ReferenceNetwork;
import org.backprop4j.train.Sgd;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Trains on built-in data and shows the results: Jacobs' example, XOR, MONK-1. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Backpropagation at work on built-in data: the perceptron and delta rules before it, lecture note 003's worked example, XOR, and MONK-1.",
        footer = {"%nExamples:",
                "  backprop4j demo",
                "  backprop4j demo --seed 7"})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1", description = Flags.SEED)
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("backprop4j demo");
        out.println();
        out.println("== 0. Before backpropagation (lecture note 000): one unit, Rosenblatt's perceptron rule and the delta rule");
        history(out);
        out.println();

        out.println("== 1. Jacobs' worked example (lecture note 003): 2-2-2 network, input (1, 2), targets (1, 0)");
        out.print(Explainer.explain(new ReferenceNetwork(JacobsExample.network(), Loss.SSE), JacobsExample.X, JacobsExample.D));
        out.println();

        out.println("== 2. XOR (lecture note 000): a hidden layer is needed");
        DataSet xor = BuiltinData.xor();
        Network hidden = Network.builder(2).layer(2, Activation.LOGISTIC).layer(1, Activation.LOGISTIC).build(Init.uniform(0.3), seed);
        TrainingResult r = new Trainer(hidden, Loss.SSE, xorConfig()).fit(xor);
        float[] o = java.util.Arrays.copyOf(new Backprop(hidden, Loss.SSE).forward(xor.x(), 0, 4), 4 * hidden.outputs());
        out.printf(Locale.ROOT, "  2-2-1 network, full batch, gradient descent η = 1: %d epochs, E = %.4f (%s)%n",
                r.epochs(), r.last().loss(), r.stopReason());
        for (int p = 0; p < 4; p++) {
            out.printf(Locale.ROOT, "    x = (%.0f, %.0f)  d = %.0f  o = %.3f%n", xor.x()[2 * p], xor.x()[2 * p + 1], xor.d()[p], o[p]);
        }
        out.printf(Locale.ROOT, "  accuracy %.0f%%%n", 100 * Evaluation.of(new Backprop(hidden, Loss.SSE), xor).accuracy());
        Network single = Network.builder(2).layer(1, Activation.LOGISTIC).build(Init.uniform(0.3), seed);
        TrainingResult rs = new Trainer(single, Loss.SSE, xorConfig()).fit(xor);
        out.printf(Locale.ROOT, "  single-layer network (no hidden units): E = %.4f after %d epochs, accuracy %.0f%% (at most 75%%: XOR is not linearly separable)%n",
                rs.last().loss(), rs.epochs(), 100 * Evaluation.of(new Backprop(single, Loss.SSE), xor).accuracy());
        out.println();

        out.println("== 3. MONK-1 (Thrun et al. 1991): (a1 = a2) or (a5 = 1)");
        DataSet train = BuiltinData.monkSample(1, 124, seed);
        DataSet test = BuiltinData.monkAll(1);
        Network monk = Network.builder(17).layer(4, Activation.TANH).layer(1, Activation.LOGISTIC).build(Init.xavier(), seed);
        TrainingConfig cfg = TrainingConfig.builder().miniBatch(16).epochs(300).optimizer(() -> new Sgd(0.2, 0.9, false))
                .seed(seed).targetError(0.005).build();
        long t0 = System.nanoTime();
        TrainingResult mr = new Trainer(monk, Loss.BINARY_CROSS_ENTROPY, cfg).fit(train);
        double secs = (System.nanoTime() - t0) / 1e9;
        Evaluation te = Evaluation.of(new Backprop(monk, Loss.BINARY_CROSS_ENTROPY), test);
        out.printf(Locale.ROOT, "  %s, 124 training patterns generated from the rule, mini-batch 16, momentum 0.9%n", monk.describe());
        out.printf(Locale.ROOT, "  %d epochs in %.2f s: training accuracy %.1f%%, test accuracy on all 432 patterns %.1f%%%n",
                mr.epochs(), secs, 100 * mr.last().accuracy(), 100 * te.accuracy());
        return 0;
    }

    /** Perceptron convergence on AND and cycling on XOR, next to the delta rule on both (seed 000). */
    static void history(PrintWriter out) {
        for (String set : new String[] {"AND", "XOR"}) {
            int[] d = set.equals("AND") ? ThresholdUnit.AND : ThresholdUnit.XOR;
            ThresholdUnit.Run p = ThresholdUnit.perceptron(ThresholdUnit.BINARY, d, 1, 1000);
            out.printf(Locale.ROOT, "  %s, perceptron (threshold unit, Δw = η(d − o)x, η = 1): errors per epoch %s → %s%n", set,
                    p.errorsPerEpoch(), p.converged()
                            ? String.format(Locale.ROOT, "converged: w = (%.0f, %.0f), b = %.0f", p.w()[0], p.w()[1], p.b())
                            : "the weights repeat after " + p.epochs() + " epochs: it cycles for ever (not linearly separable)");
            ThresholdUnit.Run r = ThresholdUnit.deltaRule(ThresholdUnit.BINARY, d, 0.05, 500);
            out.printf(Locale.ROOT, "  %s, delta rule (linear unit, LMS, η = 0.05, 500 epochs): w = (%.2f, %.2f), b = %.2f, E = %.3f, %d of 4 misclassified%n",
                    set, r.w()[0], r.w()[1], r.b(), r.sse(), r.errorsPerEpoch().get(r.epochs() - 1));
        }
    }

    private TrainingConfig xorConfig() {
        return TrainingConfig.builder().fullBatch().epochs(10000).targetError(0.02).optimizer(() -> new Sgd(1.0)).seed(seed).build();
    }
}
