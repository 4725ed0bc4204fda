package org.backprop4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.backprop4j.Loss;
import org.backprop4j.data.DataSet;
import org.backprop4j.io.ModelFile;
import org.backprop4j.model.Model;
import org.backprop4j.data.JacobsExample;
import org.backprop4j.reference.Explainer;
import org.backprop4j.reference.ReferenceNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints a pattern's forward values, deltas and gradients from the reference engine. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Print one pattern's forward values, deltas and gradients in the lecture notes' notation (reference engine).",
                "  explain --jacobs            lecture note 003's worked 2-2-2 example, both readings with Jacobs' equation numbers",
                "  explain --jacobs --hessian  ... and its full 12×12 Hessian with eigenvalues",
                "  explain MODEL DATA --row N  pattern N of a labelled data file, through a trained model"},
        footer = {"%nExamples:",
                "  backprop4j explain --jacobs --hessian",
                "  backprop4j explain iris.json iris.csv --row 3"})
final class ExplainCommand implements Callable<Integer> {

    @Option(names = "--jacobs", description = "Lecture note 003's worked 2-2-2 example (Jacobs 2008).")
    boolean jacobs;

    @Option(names = "--hessian", description = "Also print the full Hessian of the pattern's error and its eigenvalues (networks of at most "
            + MAX_HESSIAN + " parameters).")
    boolean hessian;

    /** P² entries, each a P-term product: beyond this the matrix is unreadable anyway. */
    static final int MAX_HESSIAN = 200;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "A model file (train -o), with DATA; not with --jacobs.")
    Path model;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DATA", description = "Labelled data read with the model's schema: pattern --row goes through the model.")
    Path data;

    @Option(names = "--row", defaultValue = "1", paramLabel = "N", description = "1-based pattern number (default: ${DEFAULT-VALUE}).")
    int row;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (jacobs) {
            out.println("Jacobs' example (lecture note 003): logistic hidden units, linear outputs, E_p = ½Σ(d − o)²");
            out.println("(Jacobs differentiates log L = −E, so his eqs. 16–25 are the negatives of ∂E/∂w below.)");
            ReferenceNetwork ref = new ReferenceNetwork(JacobsExample.network(), Loss.SSE);
            out.print(Explainer.explain(ref, JacobsExample.X, JacobsExample.D));
            out.print(Explainer.jacobsReadings(ref, JacobsExample.X, JacobsExample.D));
            if (hessian) out.print(Explainer.hessian(ref, new double[][] {JacobsExample.X}, new double[][] {JacobsExample.D}));
            return 0;
        }
        if (model == null || data == null) throw new Main.UserError("explain needs --jacobs, or a MODEL and a DATA file");
        Model lm = ModelFile.read(model);
        DataSet raw = dataOptions.read(data, lm.schema());
        dataOptions.warnNotices(spec.commandLine().getErr());
        if (row < 1 || row > raw.size()) throw new Main.UserError("--row must be between 1 and " + raw.size() + ", not " + row);
        DataSet ds = lm.pipeline().apply(raw);
        int n0 = ds.inputs(), nL = ds.outputs(), p = row - 1;
        double[] x = new double[n0], d = new double[nL];
        for (int i = 0; i < n0; i++) x[i] = ds.x()[p * n0 + i];
        for (int k = 0; k < nL; k++) d[k] = ds.d()[p * nL + k];
        out.printf(java.util.Locale.ROOT, "Pattern %d of %s through %s (%s, loss %s); inputs after the model's preprocessing%n", row,
                data.getFileName(), model.getFileName(), lm.network().describe(), lm.loss().id());
        ReferenceNetwork ref = new ReferenceNetwork(lm.network(), lm.loss());
        out.print(Explainer.explain(ref, x, d));
        if (hessian) {
            int P = lm.network().paramCount();
            if (P > MAX_HESSIAN) throw new Main.UserError("--hessian prints a P×P matrix: this network has " + P
                    + " parameters, at most " + MAX_HESSIAN + " are printed (use gradcheck --second to check Hessian-vector products)");
            out.print(Explainer.hessian(ref, new double[][] {x}, new double[][] {d}));
        }
        return 0;
    }
}
