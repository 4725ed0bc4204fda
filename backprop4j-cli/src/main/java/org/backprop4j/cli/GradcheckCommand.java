package org.backprop4j.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.reference.ReferenceHessian;
import org.backprop4j.reference.ReferenceNetwork;
import org.backprop4j.second.HessianVector;
import org.backprop4j.train.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Checks backpropagation against finite differences on a random network: the reference engine's
 * gradient against central differences of E, and the fast engine's against the reference.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = "Compare backpropagated gradients with finite differences on a random network.",
        footer = {"%nExamples:",
                "  backprop4j gradcheck",
                "  backprop4j gradcheck --layers 4,8,3 --activation relu --loss ce",
                "  backprop4j gradcheck --hidden 5,4 --activation tanh,relu \\",
                "    --output logistic --loss bce --second"})
final class GradcheckCommand implements Callable<Integer> {

    @Option(names = "--layers", paramLabel = "SIZES", defaultValue = "4,3,2", split = ",",
            description = "Layer sizes: inputs, hidden..., outputs (default: ${DEFAULT-VALUE}).")
    int[] sizes;

    // as in train: the hidden layers' sizes (this command once took an activation under this name)
    @Option(names = "--hidden", split = ",", paramLabel = "UNITS", converter = ModelOptions.HiddenSize.class,
            description = "Hidden layer sizes as in train, e.g. 8 or 32,16 (0 = no hidden layer): replaces those of --layers.")
    int[] hiddenSizes;

    @Option(names = "--activation", paramLabel = "F[,F...]", defaultValue = "tanh",
            description = "Hidden activation, one for all hidden layers or one per hidden layer, e.g. tanh,relu (default: ${DEFAULT-VALUE}).")
    String hidden;

    @Option(names = "--output", paramLabel = "F", defaultValue = "softmax", description = "Output activation (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--loss", paramLabel = "LOSS", defaultValue = "ce", description = "Loss: sse, mse, bce, ce, mae, huber (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--patterns", paramLabel = "M", defaultValue = "5", description = "Patterns in the batch the gradient is taken over (default: ${DEFAULT-VALUE}).")
    int m;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1", description = Flags.SEED)
    long seed;

    @Option(names = "--second", description = "Also check second derivatives: Hessian-vector products (R-operator) "
            + "against central differences of the gradient, fast against reference, and symmetry.")
    boolean second;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (sizes.length < 2) throw new Main.UserError("--layers needs at least an input and an output size");
        if (hiddenSizes != null) sizes = withHidden(sizes, hiddenSizes);
        Loss l = Loss.parse(loss);
        List<Activation> acts = hiddenActivations();
        Network.Builder b = Network.builder(sizes[0]);
        for (int i = 1; i < sizes.length - 1; i++) b.layer(sizes[i], acts.get(acts.size() == 1 ? 0 : i - 1));
        b.layer(sizes[sizes.length - 1], Activation.parse(output));
        Network net = b.build(Init.uniform(0.8), seed);
        Rng rng = new Rng(seed + 1);
        int n0 = sizes[0], nL = sizes[sizes.length - 1];
        double[][] x = new double[m][n0], d = new double[m][nL];
        float[] xf = new float[m * n0], df = new float[m * nL];
        for (int p = 0; p < m; p++) {
            for (int i = 0; i < n0; i++) xf[p * n0 + i] = (float) (x[p][i] = (float) rng.uniform(-1, 1));
            if (net.outputActivation() == Activation.SOFTMAX) d[p][rng.nextInt(nL)] = 1;
            else for (int k = 0; k < nL; k++) d[p][k] = net.outputActivation() == Activation.LOGISTIC ? rng.nextInt(2) : rng.uniform(-1, 1);
            for (int k = 0; k < nL; k++) df[p * nL + k] = (float) d[p][k];
        }
        ReferenceNetwork ref = new ReferenceNetwork(net, l);
        double[] g = ref.gradient(x, d, 0, false).flat();
        double h = 1e-6, worstFd = 0;
        int i = 0;
        for (int layer = 1; layer <= ref.layers(); layer++) {
            for (int t = 0; t < ref.size(layer); t++) {
                for (int u = 0; u < ref.size(layer - 1); u++) {
                    double w0 = ref.weight(layer, t, u);
                    ref.setWeight(layer, t, u, w0 + h);
                    double ep = ref.error(x, d, 0, false);
                    ref.setWeight(layer, t, u, w0 - h);
                    double em = ref.error(x, d, 0, false);
                    ref.setWeight(layer, t, u, w0);
                    worstFd = Math.max(worstFd, rel((ep - em) / (2 * h), g[i++]));
                }
            }
            for (int t = 0; t < ref.size(layer); t++) {
                double b0 = ref.bias(layer, t);
                ref.setBias(layer, t, b0 + h);
                double ep = ref.error(x, d, 0, false);
                ref.setBias(layer, t, b0 - h);
                double em = ref.error(x, d, 0, false);
                ref.setBias(layer, t, b0);
                worstFd = Math.max(worstFd, rel((ep - em) / (2 * h), g[i++]));
            }
        }
        float[] gf = new float[net.paramCount()];
        new Backprop(net, l).gradient(xf, df, 0, m, gf, 0, false);
        double worstFast = 0;
        for (int j = 0; j < g.length; j++) worstFast = Math.max(worstFast, rel(gf[j], g[j]));
        boolean ok = worstFd < 1e-6 && worstFast < 1e-3;
        out.printf(Locale.ROOT, "network %s, loss %s, m = %d, %d parameters%n", net.describe(), l.id(), m, g.length);
        out.printf(Locale.ROOT, "reference backprop vs central differences (h = 1e-6): max relative error %.2e %s%n", worstFd, worstFd < 1e-6 ? "OK" : "FAIL");
        out.printf(Locale.ROOT, "fast engine (float32) vs reference (double):          max relative error %.2e %s%n", worstFast, worstFast < 1e-3 ? "OK" : "FAIL");
        if (second) ok &= secondDerivatives(out, net, l, x, d, xf, df, rng);
        return ok ? 0 : 1;
    }

    /** --layers with its hidden sizes replaced by --hidden's (0 alone: none). */
    static int[] withHidden(int[] layers, int[] hidden) {
        boolean none = hidden.length == 1 && hidden[0] == 0;
        for (int h : hidden) if (h < 1 && !none) throw new Main.UserError("--hidden sizes must be positive: " + h);
        int[] r = new int[2 + (none ? 0 : hidden.length)];
        r[0] = layers[0];
        if (!none) System.arraycopy(hidden, 0, r, 1, hidden.length);
        r[r.length - 1] = layers[layers.length - 1];
        return r;
    }

    /** --activation's list: one for all hidden layers of --layers, or one per hidden layer. */
    private List<Activation> hiddenActivations() {
        List<Activation> acts;
        try {
            acts = Settings.parseActivations(hidden);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("--activation " + hidden + ": " + e.getMessage());
        }
        int layers = sizes.length - 2;
        if (acts.size() != 1 && acts.size() != layers) {
            throw new Main.UserError("--activation " + hidden + " names " + acts.size() + " activations for the " + layers + " hidden layer"
                    + (layers == 1 ? "" : "s") + " of --layers " + java.util.Arrays.stream(sizes).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(","))
                    + ": give one per hidden layer, or one activation for all");
        }
        for (Activation f : acts) {
            if (f == Activation.SOFTMAX) throw new Main.UserError("--activation: softmax is only allowed on the output layer (--output softmax)");
        }
        return acts;
    }

    /**
     * H·v by the R-operator (Pearlmutter 1994) against (∇E(w + hv) − ∇E(w − hv))/2h in the reference
     * engine (h = 1e-5: truncation ~h², roundoff ~ε/h, both ~1e-10), the fast engine's H·v against the
     * reference's, and uᵀHv = vᵀHu.
     */
    private boolean secondDerivatives(PrintWriter out, Network net, Loss l, double[][] x, double[][] d, float[] xf, float[] df, Rng rng) {
        int P = net.paramCount();
        float[] v = new float[P], u = new float[P];
        double[] vd = new double[P];
        for (int i = 0; i < P; i++) {
            vd[i] = v[i] = (float) rng.uniform(-1, 1);
            u[i] = (float) rng.uniform(-1, 1);
        }
        ReferenceNetwork ref = new ReferenceNetwork(net, l);
        double[] hv = new ReferenceHessian(ref).multiply(x, d, vd, 0, false);
        double h = 1e-5;
        double[] gp = ref.plus(vd, h).gradient(x, d, 0, false).flat(), gm = ref.plus(vd, -h).gradient(x, d, 0, false).flat();
        double worstFd = 0, worstFast = 0, max = 0;
        for (int i = 0; i < P; i++) worstFd = Math.max(worstFd, rel((gp[i] - gm[i]) / (2 * h), hv[i]));
        HessianVector fast = new HessianVector(net, l);
        float[] fhv = new float[P], fhu = new float[P];
        fast.multiply(xf, df, 0, m, v, fhv, 0, false, false);
        fast.multiply(xf, df, 0, m, u, fhu, 0, false, false);
        for (double e : hv) max = Math.max(max, Math.abs(e));
        for (int i = 0; i < P; i++) worstFast = Math.max(worstFast, Math.abs(fhv[i] - hv[i]) / (1 + max));
        double uHv = 0, vHu = 0, mag = 0;
        for (int i = 0; i < P; i++) {
            uHv += (double) u[i] * fhv[i];
            vHu += (double) v[i] * fhu[i];
            mag += Math.abs(u[i] * fhv[i]) + Math.abs(v[i] * fhu[i]);
        }
        double asym = Math.abs(uHv - vHu) / (1e-12 + mag);
        out.printf(Locale.ROOT, "Hv (R-operator) vs central differences of the gradient (h = 1e-5): max relative error %.2e %s%n", worstFd, worstFd < 1e-6 ? "OK" : "FAIL");
        out.printf(Locale.ROOT, "fast Hv (float32) vs reference Hv (double):                       max relative error %.2e %s%n", worstFast, worstFast < 1e-3 ? "OK" : "FAIL");
        out.printf(Locale.ROOT, "symmetry uᵀHv vs vᵀHu (fast engine):                               relative difference %.2e %s%n", asym, asym < 1e-4 ? "OK" : "FAIL");
        return worstFd < 1e-6 && worstFast < 1e-3 && asym < 1e-4;
    }


    /** |a − b| / (1 + |b|): relative for large values, absolute near zero. */
    private static double rel(double a, double b) {
        return Math.abs(a - b) / (1 + Math.abs(b));
    }
}
