package org.backprop4j.studio;

import org.backprop4j.metrics.Evaluation;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import org.backprop4j.Activation;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Pipeline;

/**
 * The pictures of a network over the plane of its two inputs: the decision surface on a G×G grid
 * and every unit's own output on a smaller grid, and the accuracies. They are computed by a plain
 * forward pass in double precision from the float weights (the reference engine's arithmetic,
 * seed 004: net_t = Σ_u w_tu·o_u + b_t, o_t = f(net_t)) on the thread that serves the page: the
 * fast engine's Vector API activations run interpreted for seconds in a fresh JVM, and its parallel
 * kernels belong to the training runs. Values are sent as one byte per grid point.
 */
final class Surfaces {
    /** Grid sizes: the decision surface, and each unit's picture in the diagram. */
    static final int GRID = 64, UNIT_GRID = 20, UNIT_GRID_MANY = 12;

    private final Network shape;
    private final DataSet train, validation;
    final double[] domain;              // x1 min, x1 max, x2 min, x2 max (raw inputs)
    private final float[] grid, unitGrid;   // the grids' points after the run's scaling
    private final int unitGridSize;
    private final double[] w;           // the weights of the frame being made, as doubles

    Surfaces(Run run) {
        this(run.network, run.data.pipeline(), run.data.raw(), run.data.train(), run.data.validation());
    }

    /** A loaded model's pictures over {@code domain} (no data: no accuracies); pipeline null = inputs as they are. */
    Surfaces(Network net, Pipeline pipeline, double[] domain) {
        this(net, pipeline, domain, null, null);
    }

    Surfaces(Network net, Pipeline pipeline, DataSet raw, DataSet train, DataSet validation) {
        this(net, pipeline, domain(raw), train, validation);
    }

    private Surfaces(Network net, Pipeline pipeline, double[] domain, DataSet train, DataSet validation) {
        this.shape = net.copy();
        this.train = train;
        this.validation = validation;
        this.domain = domain.clone();
        this.grid = points(GRID, pipeline);
        int units = 0;
        for (int l = 1; l <= net.layers(); l++) units += net.size(l);
        this.unitGridSize = units <= 24 ? UNIT_GRID : UNIT_GRID_MANY;
        this.unitGrid = points(unitGridSize, pipeline);
        this.w = new double[net.paramCount()];
    }
    /** The data's bounding box with a margin, so that points do not sit on the edge. */
    static double[] domain(DataSet raw) {
        double[] d = {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int p = 0; p < raw.size(); p++) {
            for (int i = 0; i < 2; i++) {
                double v = raw.x()[2 * p + i];
                d[2 * i] = Math.min(d[2 * i], v);
                d[2 * i + 1] = Math.max(d[2 * i + 1], v);
            }
        }
        for (int i = 0; i < 2; i++) {
            double pad = Math.max(0.15 * (d[2 * i + 1] - d[2 * i]), 0.1);
            d[2 * i] -= pad;
            d[2 * i + 1] += pad;
        }
        return d;
    }

    /** Row r (x2 from top = max to bottom = min), column c (x1 from min to max), scaled like the training inputs. */
    private float[] points(int g, Pipeline pipeline) {
        float[] raw = new float[g * g * 2];
        for (int r = 0; r < g; r++) {
            for (int c = 0; c < g; c++) {
                int i = 2 * (r * g + c);
                raw[i] = (float) (domain[0] + (c + 0.5) / g * (domain[1] - domain[0]));
                raw[i + 1] = (float) (domain[3] - (r + 0.5) / g * (domain[3] - domain[2]));
            }
        }
        return pipeline == null ? raw : pipeline.transformInputs(raw);
    }

    /** The picture of the weights {@code params}: surface, units, accuracies. */
    synchronized ObjectNode frame(float[] params) {
        for (int i = 0; i < w.length; i++) w[i] = params[i];
        int L = shape.layers();
        ObjectNode f = JsonNodeFactory.instance.objectNode();
        int nL = shape.outputs();
        double[][] out = forward(grid, GRID * GRID);
        byte[] surface = new byte[GRID * GRID];
        for (int p = 0; p < GRID * GRID; p++) surface[p] = quantize(classOneScore(out[L], p * nL, nL));
        f.put("grid", GRID).put("surface", Base64.getEncoder().encodeToString(surface));
        ArrayNode units = f.putArray("units");
        f.put("unitGrid", unitGridSize);
        int m = unitGridSize * unitGridSize;
        double[][] uo = forward(unitGrid, m);
        for (int l = 1; l <= L; l++) {
            int n = shape.size(l);
            double[] o = uo[l];
            Activation a = shape.activation(l);
            ArrayNode layer = units.addArray();
            for (int t = 0; t < n; t++) {
                double scale = 0;
                for (int p = 0; p < m; p++) scale = Math.max(scale, Math.abs(o[p * n + t]));
                byte[] img = new byte[m];
                for (int p = 0; p < m; p++) img[p] = quantize(unitValue(a, o[p * n + t], scale));
                layer.add(Base64.getEncoder().encodeToString(img));
            }
        }
        if (train != null && train.size() > 0) f.put("trainAccuracy", accuracy(train));
        if (validation != null && validation.size() > 0) f.put("validationAccuracy", accuracy(validation));
        return f;
    }

    /** Every layer's outputs for m input rows: [l][row·n_l + t] (seed 004's forward pass, softmax per row). */
    private double[][] forward(float[] x, int m) {
        int L = shape.layers();
        double[][] o = new double[L + 1][];
        o[0] = new double[m * shape.inputs()];
        for (int i = 0; i < o[0].length; i++) o[0][i] = x[i];
        for (int l = 1; l <= L; l++) {
            int n = shape.size(l), k = shape.size(l - 1), wo = shape.weightOffset(l), bo = shape.biasOffset(l);
            Activation a = shape.activation(l);
            double[] in = o[l - 1], out = new double[m * n];
            for (int p = 0; p < m; p++) {
                for (int t = 0; t < n; t++) {
                    double s = w[bo + t];
                    for (int u = 0; u < k; u++) s += w[wo + t * k + u] * in[p * k + u];
                    out[p * n + t] = s;
                }
                if (a == Activation.SOFTMAX) {
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int t = 0; t < n; t++) max = Math.max(max, out[p * n + t]);
                    for (int t = 0; t < n; t++) sum += out[p * n + t] = Math.exp(out[p * n + t] - max);
                    for (int t = 0; t < n; t++) out[p * n + t] /= sum;
                } else {
                    for (int t = 0; t < n; t++) out[p * n + t] = a.f(out[p * n + t]);
                }
            }
            o[l] = out;
        }
        return o;
    }

    /**
     * The score of class 1 in [0, 1], whose 0.5 contour is the decision boundary of
     * {@link org.backprop4j.metrics.Evaluation#predictedClass}: a single output o itself (clamped), or
     * (o_1 − o_0 + 1)/2 for one unit per class (o_1 for softmax).
     */
    static double classOneScore(double[] o, int off, int n) {
        if (n == 1) return Math.max(0, Math.min(1, o[off]));
        return (o[off + 1] - o[off] + 1) / 2;
    }

    /** A unit's output in [0, 1]: logistic as is, tanh and sin (o+1)/2, unbounded ones relative to their largest |o| on the grid. */
    static double unitValue(Activation a, double o, double scale) {
        return switch (a) {
            case LOGISTIC, SOFTMAX -> o;
            case TANH, SIN -> (o + 1) / 2;
            default -> scale == 0 ? 0.5 : (o / scale + 1) / 2;
        };
    }

    static byte quantize(double v) {
        double c = Double.isNaN(v) ? 0.5 : Math.max(0, Math.min(1, v));
        return (byte) Math.round(c * 255);
    }

    /** Fraction of patterns classified right: output ≥ 0.5 for one unit (target ≥ 0.5), argmax otherwise (Evaluation's rule). */
    double accuracy(DataSet ds) {
        int nL = ds.outputs(), m = ds.size();
        double[] o = forward(ds.x(), m)[shape.layers()];
        int right = 0;
        for (int p = 0; p < m; p++) {
            int predicted = nL == 1 ? (o[p] >= 0.5 ? 1 : 0) : argmax(o, p * nL, nL);
            int actual = nL == 1 ? (ds.d()[p] >= 0.5f ? 1 : 0) : argmax(ds.d(), p * nL, nL);
            if (predicted == actual) right++;
        }
        return m == 0 ? Double.NaN : (double) right / m;
    }

    private static int argmax(double[] d, int off, int n) {
        int best = 0;
        for (int k = 1; k < n; k++) if (d[off + k] > d[off + best]) best = k;
        return best;
    }

    private static int argmax(float[] d, int off, int n) {
        int best = 0;
        for (int k = 1; k < n; k++) if (d[off + k] > d[off + best]) best = k;
        return best;
    }
}
