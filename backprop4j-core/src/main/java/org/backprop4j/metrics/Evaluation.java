package org.backprop4j.metrics;

import org.backprop4j.Backprop;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Predictor;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Examples;

/**
 * Error and accuracy of a network on a data set, computed by the fast engine in batches.
 *
 * @param loss     E as the loss defines it (summed for SSE, mean otherwise), data term only
 * @param accuracy fraction classified correctly (argmax, or output ≥ 0.5 for a single output);
 *                 NaN when the set is not a classification set
 */
public record Evaluation(double loss, double accuracy) {

    private static final int BATCH = 256;

    public static Evaluation of(Backprop engine, DataSet ds) {
        return of(engine, (Examples) ds);
    }

    /**
     * Error and accuracy on any examples: a data set's arrays are read in place; other examples
     * (a memory-mapped cache) are copied {@value #BATCH} patterns at a time into two small buffers.
     * The same batches and sums either way, so the same bits.
     */
    public static Evaluation of(Backprop engine, Examples ds) {
        int m = ds.size();
        int nL = ds.outputs();
        Network net = engine.network();
        if (ds.inputs() != net.inputs() || nL != net.outputs()) {
            throw new IllegalArgumentException("data set has " + ds.inputs() + " inputs and " + nL
                    + " outputs; the network " + net.inputs() + " and " + net.outputs());
        }
        Loss loss = engine.loss();
        double sumE = 0;
        int correct = 0;
        DataSet heap = ds instanceof DataSet h ? h : null;
        float[] x = heap != null ? heap.x() : new float[Math.min(BATCH, m) * ds.inputs()];
        float[] d = heap != null ? heap.d() : new float[Math.min(BATCH, m) * nL];
        boolean cls = ds.isClassification();
        for (int row = 0; row < m; row += BATCH) {
            int b = Math.min(BATCH, m - row);
            int at = row;     // the batch's first row in x and d
            if (heap == null) {
                ds.copyPatterns(row, b, x, d);
                at = 0;
            }
            float[] out = engine.forward(x, at, b);
            for (int r = 0; r < b; r++) {
                int s = r * nL;
                int ds0 = (at + r) * nL;
                for (int k = 0; k < nL; k++) sumE += loss.unitError(out[s + k], d[ds0 + k]);
                if (cls && predictedClass(out, s, nL) == Examples.labelOf(d, ds0, nL)) correct++;
            }
        }
        return new Evaluation(loss.scale(m) * sumE, cls ? (double) correct / m : Double.NaN);
    }

    /** argmax of an output row, or 1 if a single output is ≥ 0.5. */
    public static int predictedClass(float[] out, int off, int n) {
        return Predictor.predictedClass(out, off, n);
    }
}
