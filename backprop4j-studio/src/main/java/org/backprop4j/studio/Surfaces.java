package org.backprop4j.studio;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Base64;
import org.backprop4j.Activation;
import org.backprop4j.Backprop;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Pipeline;

/**
 * The pictures of a network over the plane of its two inputs, computed by the fast engine
 * ({@link Backprop#forward}): the decision surface on a G×G grid and every unit's own output on a
 * smaller grid (a hidden layer's outputs are those of the network cut after that layer: its
 * parameters are a prefix of the parameter vector). Values are sent as one byte per grid point.
 */
final class Surfaces {
    /** Grid sizes: the decision surface, and each unit's picture in the diagram. */
    static final int GRID = 64, UNIT_GRID = 24, UNIT_GRID_MANY = 12;

    private final Network shape;
    private final Loss loss;
    private final DataSet train, validation;
    final double[] domain;              // x1 min, x1 max, x2 min, x2 max (raw inputs)
    private final float[] grid, unitGrid;   // the grids' points after the run's scaling
    private final int unitGridSize;
    private final Network[] prefixes;   // prefixes[l]: layers 1..l of the network
    private final Backprop[] engines;

    Surfaces(Run run) {
        this(run.network, run.loss, run.data.pipeline(), run.data.raw(), run.data.train(), run.data.validation());
    }

    /** A loaded model's pictures over {@code domain} (no data: no accuracies); pipeline null = inputs as they are. */
    Surfaces(Network net, Loss loss, Pipeline pipeline, double[] domain) {
        this(net, loss, pipeline, domain, null, null);
    }

    Surfaces(Network net, Loss loss, Pipeline pipeline, DataSet raw, DataSet train, DataSet validation) {
        this(net, loss, pipeline, domain(raw), train, validation);
    }

    private Surfaces(Network net, Loss loss, Pipeline pipeline, double[] domain, DataSet train, DataSet validation) {
        this.shape = net.copy();
        this.loss = loss;
        this.train = train;
        this.validation = validation;
        this.domain = domain.clone();
        this.grid = points(GRID, pipeline);
        int units = 0;
        for (int l = 1; l <= net.layers(); l++) units += net.size(l);
        this.unitGridSize = units <= 24 ? UNIT_GRID : UNIT_GRID_MANY;
        this.unitGrid = points(unitGridSize, pipeline);
        int L = net.layers();
        prefixes = new Network[L + 1];
        engines = new Backprop[L + 1];
        int[] sizes = net.sizes();
        for (int l = 1; l <= L; l++) {
            Activation[] acts = new Activation[l];
            for (int i = 1; i <= l; i++) acts[i - 1] = net.activation(i);
            prefixes[l] = new Network(Arrays.copyOf(sizes, l + 1), acts);
            // the loss only matters for backward passes; a prefix ending in softmax keeps the run's loss
            engines[l] = new Backprop(prefixes[l], l == L ? loss : Loss.MSE);
        }
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

    /** The picture of the weights {@code params}: surface, units, accuracies. Not thread-safe: callers synchronize. */
    synchronized ObjectNode frame(float[] params) {
        int L = shape.layers();
        for (int l = 1; l <= L; l++) {
            Network p = prefixes[l];
            System.arraycopy(params, 0, p.params(), 0, p.paramCount());
        }
        ObjectNode f = JsonNodeFactory.instance.objectNode();
        int nL = shape.outputs();
        float[] out = forward(engines[L], grid, GRID * GRID, nL);
        byte[] surface = new byte[GRID * GRID];
        for (int p = 0; p < GRID * GRID; p++) surface[p] = quantize(classOneScore(out, p * nL, nL));
        f.put("grid", GRID).put("surface", Base64.getEncoder().encodeToString(surface));
        ArrayNode units = f.putArray("units");
        f.put("unitGrid", unitGridSize);
        int m = unitGridSize * unitGridSize;
        for (int l = 1; l <= L; l++) {
            int n = shape.size(l);
            float[] o = forward(engines[l], unitGrid, m, n);
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
        if (train != null) f.put("trainAccuracy", accuracy(train));
        if (validation != null) f.put("validationAccuracy", accuracy(validation));
        return f;
    }

    private static float[] forward(Backprop e, float[] x, int m, int n) {
        float[] out = new float[m * n];
        for (int row = 0; row < m; row += 256) {
            int b = Math.min(256, m - row);
            System.arraycopy(e.forward(x, row, b), 0, out, row * n, b * n);
        }
        return out;
    }

    /**
     * The score of class 1 in [0, 1], whose 0.5 contour is the decision boundary of
     * {@link org.backprop4j.Evaluation#predictedClass}: a single output o itself (clamped), or
     * (o_1 − o_0 + 1)/2 for one unit per class (o_1 for softmax).
     */
    static double classOneScore(float[] o, int off, int n) {
        if (n == 1) return Math.max(0, Math.min(1, o[off]));
        return (o[off + 1] - o[off] + 1) / 2;
    }

    /** A unit's output in [0, 1]: logistic as is, tanh (o+1)/2, unbounded ones relative to their largest |o| on the grid. */
    static double unitValue(Activation a, float o, double scale) {
        return switch (a) {
            case LOGISTIC, SOFTMAX -> o;
            case TANH -> (o + 1) / 2;
            default -> scale == 0 ? 0.5 : (o / scale + 1) / 2;
        };
    }

    static byte quantize(double v) {
        double c = Double.isNaN(v) ? 0.5 : Math.max(0, Math.min(1, v));
        return (byte) Math.round(c * 255);
    }

    /** Fraction of patterns classified right: output ≥ 0.5 for one unit (target ≥ 0.5), argmax otherwise. */
    double accuracy(DataSet ds) {
        int nL = ds.outputs(), m = ds.size();
        float[] o = forward(engines[shape.layers()], ds.x(), m, nL);
        int right = 0;
        for (int p = 0; p < m; p++) {
            int predicted = org.backprop4j.Evaluation.predictedClass(o, p * nL, nL);
            int actual = nL == 1 ? (ds.d()[p] >= 0.5f ? 1 : 0) : argmax(ds.d(), p * nL, nL);
            if (predicted == actual) right++;
        }
        return m == 0 ? Double.NaN : (double) right / m;
    }

    private static int argmax(float[] d, int off, int n) {
        int best = 0;
        for (int k = 1; k < n; k++) if (d[off + k] > d[off + best]) best = k;
        return best;
    }
}
