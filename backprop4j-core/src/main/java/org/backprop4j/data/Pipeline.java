package org.backprop4j.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Preprocessing fitted on the training data and applied identically to every later data set
 * (validation, test, prediction): missing-value imputation, then input scaling, and optionally
 * regression-target scaling. Every step is an affine map per column, so the whole pipeline is a
 * few arrays of numbers, exported by {@link #toMap()} and restored by {@link #fromMap(Map)}.
 *
 * <p>Per input column j (in this order):
 * <ol>
 * <li>impute: a NaN (a missing value kept by {@link MissingValues#KEEP}) becomes {@code fill[j]}:
 *     the training mean of a numeric column; for a nominal attribute's one-hot block, the one-hot
 *     code of its most frequent training value (ties: the first declared), or zeros if
 *     {@link NominalMissing#ZEROS} is chosen;</li>
 * <li>scale: {@code x' = (x − center[j]) / scale[j]}, with, for z-scoring, center = training
 *     mean and scale = training standard deviation (population form, 1/m, as scikit-learn's
 *     StandardScaler; computed after imputation); for min-max to [0, 1], center = min and scale =
 *     max − min; for [−1, 1], center = (max + min)/2 and scale = (max − min)/2. A constant column
 *     gets scale 1. One-hot columns are left unscaled unless {@code scaleOneHot}.</li>
 * </ol>
 * Regression targets may be scaled the same way; {@link #inverseTargets(float[])} maps network
 * outputs back to the original units. Arithmetic in double, results stored as float32, so the same
 * pipeline gives bit-identical values wherever it is applied. Instances are immutable and
 * thread-safe.
 */
public final class Pipeline {
    /** Format tag and version of {@link #toMap()}. */
    public static final String TYPE = "backprop4j.pipeline";
    public static final int VERSION = 1;

    public enum Scaling { NONE, STANDARDIZE, MINMAX_01, MINMAX_PM1 }

    /** What a missing nominal value becomes. */
    public enum NominalMissing {
        /** the one-hot code of the training set's most frequent value (the default) */
        MODE,
        /** an all-zero block (the shared data README's convention for {@code ?}) */
        ZEROS
    }

    /**
     * @param inputs         how to scale input columns
     * @param scaleOneHot    whether one-hot columns of nominal attributes are scaled too
     * @param targets        how to scale regression targets (ignored for classification)
     * @param nominalMissing what a missing nominal value becomes (numeric ones: the training mean)
     */
    public record Options(Scaling inputs, boolean scaleOneHot, Scaling targets, NominalMissing nominalMissing) {
        public Options {
            Objects.requireNonNull(inputs);
            Objects.requireNonNull(targets);
            Objects.requireNonNull(nominalMissing);
        }

        public Options(Scaling inputs, boolean scaleOneHot, Scaling targets) {
            this(inputs, scaleOneHot, targets, NominalMissing.MODE);
        }

        /** z-score numeric inputs, targets unchanged (the shared data README's convention). */
        public static Options standardize() {
            return new Options(Scaling.STANDARDIZE, false, Scaling.NONE);
        }

        /** Only imputation. */
        public static Options none() {
            return new Options(Scaling.NONE, false, Scaling.NONE);
        }
    }

    private final int inputs, outputs;
    private final Options options;
    private final Schema schema;          // may be null
    private final double[] fill, center, scale;
    private final double[] tCenter, tScale;

    private Pipeline(int inputs, int outputs, Options options, Schema schema, double[] fill, double[] center, double[] scale,
                     double[] tCenter, double[] tScale) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.options = options;
        this.schema = schema;
        this.fill = fill;
        this.center = center;
        this.scale = scale;
        this.tCenter = tCenter;
        this.tScale = tScale;
        boolean unscaled = true;
        // +0 exactly: v − (−0) turns an input −0 into +0
        for (int j = 0; j < inputs; j++) unscaled &= Double.doubleToRawLongBits(center[j]) == 0L && scale[j] == 1;
        this.inputsUnscaled = unscaled;
    }

    /**
     * Whether no input is centred or scaled (e.g. {@code --scaling none}): then (v − 0) / 1 in double,
     * rounded to float, is v for every float but NaN, and imputing the missing values is all the
     * inputs' preprocessing does (a pass that only looks for NaN, the same values).
     */
    private final boolean inputsUnscaled;

    /**
     * Fits the pipeline on training data, in streaming passes over the patterns in order (at most
     * three: means and value counts for imputation; sums, minima and maxima; squared deviations for
     * z-scoring), each column's sums added pattern after pattern, so that a {@link DataSet} and a
     * {@link MappedExamples} of the same values give the same bits and neither is materialised.
     *
     * @throws IllegalArgumentException if a column has no value at all in the training data
     */
    public static Pipeline fit(Examples train, Options o) {
        int n = train.inputs(), m = train.size();
        if (m == 0) throw new IllegalArgumentException("cannot fit a pipeline on an empty data set");
        Schema schema = train.schema();
        boolean[] oneHot = new boolean[n];
        double[] fill = new double[n];
        // pass 1: the mean of each numeric column over its present values, the value counts of each nominal block
        boolean[] numeric = new boolean[n];
        int[] nominalOff, nominalWidth;
        if (schema != null) {
            int[] off = schema.offsets();
            List<Integer> no = new ArrayList<>(), nw = new ArrayList<>();
            for (int a = 0; a < schema.inputs().size(); a++) {
                Attribute at = schema.inputs().get(a);
                if (at.isNominal()) {
                    no.add(off[a]);
                    nw.add(at.width());
                } else {
                    numeric[off[a]] = true;
                }
            }
            nominalOff = no.stream().mapToInt(Integer::intValue).toArray();
            nominalWidth = nw.stream().mapToInt(Integer::intValue).toArray();
        } else {
            java.util.Arrays.fill(numeric, true);
            nominalOff = new int[0];
            nominalWidth = new int[0];
        }
        double[] sum = new double[n];
        long[] count = new long[n];
        long[][] counts = new long[nominalOff.length][];
        for (int b = 0; b < counts.length; b++) counts[b] = new long[nominalWidth[b]];
        train.forEachChunk((x, d, rows) -> {
            for (int p = 0; p < rows; p++) {
                int base = p * n;
                for (int j = 0; j < n; j++) {
                    if (!numeric[j]) continue;
                    float v = x[base + j];
                    if (!Float.isNaN(v)) {
                        sum[j] += v;
                        count[j]++;
                    }
                }
                for (int b = 0; b < counts.length; b++) {
                    int at = base + nominalOff[b];
                    if (Float.isNaN(x[at])) continue;
                    long[] c = counts[b];
                    for (int v = 0; v < c.length; v++) if (x[at + v] == 1f) c[v]++;
                }
            }
        });
        if (schema != null) {
            int[] off = schema.offsets();
            for (int a = 0, b = 0; a < schema.inputs().size(); a++) {
                Attribute at = schema.inputs().get(a);
                if (!at.isNominal()) {
                    fill[off[a]] = mean(sum[off[a]], count[off[a]], at.name());
                    continue;
                }
                long[] c = counts[b++];
                int w = at.width();
                int mode = 0;
                for (int v = 1; v < w; v++) if (c[v] > c[mode]) mode = v;
                if (c[mode] == 0 && o.nominalMissing() == NominalMissing.MODE) {
                    throw new IllegalArgumentException("nominal attribute '" + at.name() + "' has no value in the training data");
                }
                for (int v = 0; v < w; v++) {
                    oneHot[off[a] + v] = true;
                    fill[off[a] + v] = v == mode && o.nominalMissing() == NominalMissing.MODE ? 1 : 0;
                }
            }
        } else {
            for (int j = 0; j < n; j++) fill[j] = mean(sum[j], count[j], train.inputNames().get(j));
        }
        int k = train.outputs();
        Scaling[] inScaling = new Scaling[n];
        for (int j = 0; j < n; j++) inScaling[j] = oneHot[j] && !o.scaleOneHot() ? Scaling.NONE : o.inputs();
        Scaling[] outScaling = new Scaling[k];
        java.util.Arrays.fill(outScaling, train.isClassification() ? Scaling.NONE : o.targets());
        double[][] in = stats(train, false, n, fill, inScaling, m);
        double[][] out = stats(train, true, k, new double[k], outScaling, m);
        return new Pipeline(n, k, o, schema, fill, in[0], in[1], out[0], out[1]);
    }

    /**
     * Per column of the inputs (or targets), {center, scale} for its scaling, a NaN read as its
     * fill value: a pass for sums, minima and maxima, and for z-scoring a second pass for the squared
     * deviations from the mean. Columns left unscaled get {0, 1}.
     */
    private static double[][] stats(Examples train, boolean targets, int n, double[] nanFill, Scaling[] s, int m) {
        double[] center = new double[n], scale = new double[n];
        java.util.Arrays.fill(scale, 1);
        boolean any = false, z = false;
        for (Scaling c : s) {
            any |= c != Scaling.NONE;
            z |= c == Scaling.STANDARDIZE;
        }
        if (!any) return new double[][] {center, scale};
        double[] sum = new double[n], min = new double[n], max = new double[n];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        train.forEachChunk((x, d, rows) -> {
            float[] a = targets ? d : x;
            for (int p = 0; p < rows; p++) {
                for (int j = 0; j < n; j++) {
                    if (s[j] == Scaling.NONE) continue;
                    double v = a[p * n + j];
                    if (Double.isNaN(v)) v = nanFill[j];
                    sum[j] += v;
                    min[j] = Math.min(min[j], v);
                    max[j] = Math.max(max[j], v);
                }
            }
        });
        double[] mu = new double[n], ss = new double[n];
        for (int j = 0; j < n; j++) mu[j] = sum[j] / m;
        if (z) {
            train.forEachChunk((x, d, rows) -> {
                float[] a = targets ? d : x;
                for (int p = 0; p < rows; p++) {
                    for (int j = 0; j < n; j++) {
                        if (s[j] != Scaling.STANDARDIZE) continue;
                        double v = a[p * n + j];
                        if (Double.isNaN(v)) v = nanFill[j];
                        ss[j] += (v - mu[j]) * (v - mu[j]);
                    }
                }
            });
        }
        for (int j = 0; j < n; j++) {
            double c, sc;
            switch (s[j]) {
                case NONE -> {
                    continue;
                }
                case STANDARDIZE -> {
                    c = mu[j];
                    sc = Math.sqrt(ss[j] / m);   // population standard deviation, as sklearn's StandardScaler
                }
                case MINMAX_01 -> {
                    c = min[j];
                    sc = max[j] - min[j];
                }
                default -> {   // MINMAX_PM1
                    c = (max[j] + min[j]) / 2;
                    sc = (max[j] - min[j]) / 2;
                }
            }
            if (!(sc > 1e-12 * Math.max(1, Math.abs(c)))) sc = 1;   // constant column: leave it centred, do not divide by ~0
            center[j] = c;
            scale[j] = sc;
        }
        return new double[][] {center, scale};
    }

    /**
     * The pipeline that changes nothing (no scaling; a missing input becomes 0), for a network
     * whose inputs need no preprocessing.
     */
    public static Pipeline identity(int inputs, int outputs) {
        if (inputs < 1 || outputs < 1) throw new IllegalArgumentException("inputs and outputs must be positive");
        double[] one = new double[inputs], tOne = new double[outputs];
        java.util.Arrays.fill(one, 1);
        java.util.Arrays.fill(tOne, 1);
        return new Pipeline(inputs, outputs, Options.none(), null, new double[inputs], new double[inputs], one, new double[outputs], tOne);
    }

    private static double mean(double sum, long count, String name) {
        if (count == 0) throw new IllegalArgumentException("input '" + name + "' has no value in the training data (all missing)");
        return sum / count;
    }

    public int inputs() { return inputs; }
    public int outputs() { return outputs; }
    public Options options() { return options; }
    /** The training data's schema (to read later files the same way), or null. */
    public Schema schema() { return schema; }
    /** Copies of the fitted parameters (per input column). */
    public double[] fill() { return fill.clone(); }
    public double[] center() { return center.clone(); }
    public double[] scale() { return scale.clone(); }
    public double[] targetCenter() { return tCenter.clone(); }
    public double[] targetScale() { return tScale.clone(); }

    /**
     * Applies the pipeline to a data set (inputs imputed and scaled, regression targets scaled).
     *
     * @throws IllegalArgumentException if its columns or schema disagree with the training data's
     */
    public DataSet apply(DataSet ds) {
        check(ds);
        float[] x = transformInputs(ds.x());
        float[] d = ds.d();
        if (!ds.isClassification()) {
            d = d.clone();
            int m = ds.size();
            for (int p = 0; p < m; p++) {
                for (int j = 0; j < outputs; j++) d[p * outputs + j] = (float) ((d[p * outputs + j] - tCenter[j]) / tScale[j]);
            }
        }
        return new DataSet(x, d, inputs, outputs, ds.classNames(), ds.inputNames(), ds.schema());
    }

    /**
     * {@link #apply} without a copy: imputes and scales {@code ds}'s own arrays (inputs; targets
     * of a regression set) and returns a data set over them. For raw data that is not needed
     * afterwards (a large training set): it saves a second copy of the data; {@code ds} holds
     * the transformed values afterwards.
     */
    public DataSet applyInPlace(DataSet ds) {
        check(ds);
        float[] x = ds.x();
        if (inputsUnscaled) {
            imputeOnly(x, x);
        } else {
            for (int i = 0, j = 0; i < x.length; i++) {
                double v = x[i];
                if (Double.isNaN(v)) v = fill[j];
                x[i] = (float) ((v - center[j]) / scale[j]);
                if (++j == inputs) j = 0;
            }
        }
        if (!ds.isClassification()) {
            float[] d = ds.d();
            for (int i = 0, j = 0; i < d.length; i++) {
                d[i] = (float) ((d[i] - tCenter[j]) / tScale[j]);
                if (++j == outputs) j = 0;
            }
        }
        return ds;
    }

    /**
     * {@link #apply(DataSet)} for any examples: a {@link DataSet} is copied and transformed; a
     * {@link MappedExamples} is not touched: the returned view transforms each pattern as it is
     * copied out ({@link #applyToPattern}), with the same arithmetic, so both give the same values.
     */
    public Examples apply(Examples e) {
        return switch (e) {
            case DataSet ds -> apply(ds);
            case MappedExamples me -> {
                check(me);
                yield me.transformed(this);
            }
        };
    }

    /** {@link #applyInPlace(DataSet)} for a {@link DataSet}, else {@link #apply(Examples)}. */
    public Examples applyInPlace(Examples e) {
        return e instanceof DataSet ds ? applyInPlace(ds) : apply(e);
    }

    /**
     * One pattern, in place: inputs {@code x[xOff ..]} imputed and scaled, and for a regression
     * set the targets {@code d[dOff ..]} scaled, exactly as {@link #applyInPlace(DataSet)} does.
     */
    void applyToPattern(float[] x, int xOff, float[] d, int dOff, boolean classification) {
        for (int j = 0; j < inputs; j++) {
            double v = x[xOff + j];
            if (Double.isNaN(v)) v = fill[j];
            x[xOff + j] = (float) ((v - center[j]) / scale[j]);
        }
        if (!classification) {
            for (int j = 0; j < outputs; j++) d[dOff + j] = (float) ((d[dOff + j] - tCenter[j]) / tScale[j]);
        }
    }

    /** Imputes and scales a row-major block of input rows (a copy; the argument is not changed). */
    public float[] transformInputs(float[] x) {
        if (x.length % inputs != 0) throw new IllegalArgumentException("input length " + x.length + " is not a multiple of the " + inputs + " inputs the pipeline was fitted on");
        float[] y = new float[x.length];
        if (inputsUnscaled) {
            imputeOnly(x, y);
            return y;
        }
        for (int i = 0, j = 0; i < x.length; i++) {
            double v = x[i];
            if (Double.isNaN(v)) v = fill[j];
            y[i] = (float) ((v - center[j]) / scale[j]);
            if (++j == inputs) j = 0;
        }
        return y;
    }

    /** y = x with each NaN replaced by its column's fill value (y may be x): the unscaled inputs' preprocessing. */
    private void imputeOnly(float[] x, float[] y) {
        for (int row = 0; row < x.length; row += inputs) {
            for (int j = 0; j < inputs; j++) {
                float v = x[row + j];
                y[row + j] = Float.isNaN(v) ? (float) fill[j] : v;
            }
        }
    }

    /** Maps regression outputs (row-major, {@code outputs} per row) back to the original units (a copy). */
    public float[] inverseTargets(float[] y) {
        if (y.length % outputs != 0) throw new IllegalArgumentException("output length " + y.length + " is not a multiple of " + outputs);
        float[] o = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            int j = i % outputs;
            o[i] = (float) (y[i] * tScale[j] + tCenter[j]);
        }
        return o;
    }

    private void check(Examples ds) {
        if (ds.inputs() != inputs || ds.outputs() != outputs) {
            throw new IllegalArgumentException("the data set has " + ds.inputs() + " inputs and " + ds.outputs() + " outputs; the pipeline was fitted on "
                    + inputs + " and " + outputs);
        }
        if (schema != null && ds.schema() != null && !schema.equals(ds.schema())) {
            throw new IllegalArgumentException("the data set's attributes differ from the training data's: " + firstDifference(schema, ds.schema())
                    + " (read the file with ReadOptions.schema(pipeline.schema()))");
        }
    }

    private static String firstDifference(Schema a, Schema b) {
        List<Attribute> x = new ArrayList<>(a.inputs()), y = new ArrayList<>(b.inputs());
        x.addAll(a.targets());
        y.addAll(b.targets());
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            if (!x.get(i).equals(y.get(i))) return "attribute " + (i + 1) + " is " + y.get(i) + ", expected " + x.get(i);
        }
        return "attribute counts " + y.size() + " and " + x.size();
    }

    /** A plain representation (strings, numbers, lists, maps) for model files. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE);
        m.put("version", VERSION);
        m.put("inputs", inputs);
        m.put("outputs", outputs);
        m.put("inputScaling", options.inputs().name());
        m.put("scaleOneHot", options.scaleOneHot());
        m.put("targetScaling", options.targets().name());
        m.put("nominalMissing", options.nominalMissing().name());
        m.put("fill", list(fill));
        m.put("center", list(center));
        m.put("scale", list(scale));
        m.put("targetCenter", list(tCenter));
        m.put("targetScale", list(tScale));
        if (schema != null) m.put("schema", schema.toMap());
        return m;
    }

    private static List<Double> list(double[] a) {
        List<Double> l = new ArrayList<>(a.length);
        for (double v : a) l.add(v);
        return l;
    }

    /**
     * Restores a pipeline from {@link #toMap()}'s representation (numbers may be any Number),
     * validating everything: a DataFormatException (source "pipeline") for any problem.
     */
    public static Pipeline fromMap(Map<String, ?> m) throws DataFormatException {
        String src = "pipeline";
        if (m == null) throw new DataFormatException(src, 0, 0, "no pipeline");
        String type = Maps.string(m, "type", src);
        if (!TYPE.equals(type)) throw new DataFormatException(src, 0, 0, "type must be \"" + TYPE + "\", found \"" + Numbers.clip(type) + "\"");
        int version = Maps.integer(m, "version", src, 1, Integer.MAX_VALUE);
        if (version > VERSION) throw new DataFormatException(src, 0, 0, "pipeline version " + version + " is newer than this library's (" + VERSION + "); upgrade backprop4j");
        int n = Maps.integer(m, "inputs", src, 1, 100_000_000);
        int k = Maps.integer(m, "outputs", src, 1, 100_000_000);
        Scaling in = scaling(m, "inputScaling", src);
        Scaling ts = scaling(m, "targetScaling", src);
        Object oh = Maps.get(m, "scaleOneHot", src);
        if (!(oh instanceof Boolean scaleOneHot)) throw new DataFormatException(src, 0, 0, "\"scaleOneHot\" must be true or false");
        NominalMissing nm = NominalMissing.MODE;
        if (m.get("nominalMissing") != null) {
            String v = Maps.string(m, "nominalMissing", src);
            try {
                nm = NominalMissing.valueOf(v);
            } catch (IllegalArgumentException e) {
                throw new DataFormatException(src, 0, 0, "\"nominalMissing\" must be MODE or ZEROS, found \"" + Numbers.clip(v) + "\"");
            }
        }
        double[] fill = Maps.numbers(m, "fill", src, n);
        double[] center = Maps.numbers(m, "center", src, n);
        double[] scale = positive(Maps.numbers(m, "scale", src, n), "scale", src);
        double[] tc = Maps.numbers(m, "targetCenter", src, k);
        double[] tsc = positive(Maps.numbers(m, "targetScale", src, k), "targetScale", src);
        Schema schema = null;
        if (m.get("schema") != null) {
            schema = Schema.fromMap(m.get("schema"), src);
            if (schema.encodedInputs() != n || !schema.fitsOutputs(k)) {
                throw new DataFormatException(src, 0, 0, "the schema describes " + schema.encodedInputs() + " inputs and " + schema.encodedOutputs()
                        + " outputs, the pipeline " + n + " and " + k);
            }
        }
        return new Pipeline(n, k, new Options(in, scaleOneHot, ts, nm), schema, fill, center, scale, tc, tsc);
    }

    private static Scaling scaling(Map<String, ?> m, String key, String src) throws DataFormatException {
        String s = Maps.string(m, key, src);
        try {
            return Scaling.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(src, 0, 0, "\"" + key + "\" must be one of " + java.util.Arrays.toString(Scaling.values()) + ", found \"" + Numbers.clip(s) + "\"");
        }
    }

    private static double[] positive(double[] a, String key, String src) throws DataFormatException {
        for (int i = 0; i < a.length; i++) {
            if (!(a[i] > 0)) throw new DataFormatException(src, 0, 0, "\"" + key + "\"[" + i + "] must be positive, found " + a[i]);
        }
        return a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pipeline p && inputs == p.inputs && outputs == p.outputs && options.equals(p.options)
                && Objects.equals(schema, p.schema) && java.util.Arrays.equals(fill, p.fill) && java.util.Arrays.equals(center, p.center)
                && java.util.Arrays.equals(scale, p.scale) && java.util.Arrays.equals(tCenter, p.tCenter) && java.util.Arrays.equals(tScale, p.tScale);
    }

    @Override
    public int hashCode() {
        return Objects.hash(inputs, outputs, options, schema, java.util.Arrays.hashCode(center), java.util.Arrays.hashCode(scale));
    }
}
