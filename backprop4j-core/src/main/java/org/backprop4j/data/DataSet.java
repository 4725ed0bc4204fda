package org.backprop4j.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A set of m patterns: inputs {@code x} (m×inputs) and targets {@code d} (m×outputs), both
 * row-major float32, one pattern per row (the transpose of seed 001's A⁰ = [x₁ … x_m]).
 * For classification the targets are one-hot rows (or a single 0/1 column for a binary task with
 * one logistic output) and {@link #classNames()} names the classes.
 * Immutable by convention: the arrays are shared, not copied; do not modify them.
 */
public final class DataSet implements Examples {
    private final float[] x;
    private final float[] d;
    private final int size;
    private final int inputs;
    private final int outputs;
    private final List<String> classNames;   // null for regression
    private final List<String> inputNames;   // never null
    private final Schema schema;             // null when the raw attributes are unknown

    public DataSet(float[] x, float[] d, int inputs, int outputs, List<String> classNames, List<String> inputNames) {
        this(x, d, inputs, outputs, classNames, inputNames, null);
    }

    /**
     * @param schema the raw attributes behind the columns (nominal inputs one-hot), or null; when
     *               given it must agree with the column counts and class names
     */
    public DataSet(float[] x, float[] d, int inputs, int outputs, List<String> classNames, List<String> inputNames, Schema schema) {
        if (inputs <= 0 || outputs <= 0) throw new IllegalArgumentException("inputs and outputs must be positive");
        if (x.length % inputs != 0) throw new IllegalArgumentException("x length " + x.length + " is not a multiple of " + inputs);
        this.size = x.length / inputs;
        if (d.length != (long) size * outputs) {
            throw new IllegalArgumentException("targets hold " + d.length + " values, expected " + size + "×" + outputs);
        }
        this.x = x;
        this.d = d;
        this.inputs = inputs;
        this.outputs = outputs;
        this.classNames = classNames == null ? null : List.copyOf(classNames);
        if (inputNames == null) {
            String[] names = new String[inputs];
            for (int i = 0; i < inputs; i++) names[i] = "x" + (i + 1);
            this.inputNames = List.of(names);
        } else {
            if (inputNames.size() != inputs) throw new IllegalArgumentException("need " + inputs + " input names");
            this.inputNames = List.copyOf(inputNames);
        }
        if (schema != null) {
            if (schema.encodedInputs() != inputs || !schema.fitsOutputs(outputs)) {
                throw new IllegalArgumentException("schema describes " + schema.encodedInputs() + " inputs and " + schema.encodedOutputs()
                        + " outputs, the data has " + inputs + " and " + outputs);
            }
            if (!Objects.equals(schema.classNames(), this.classNames)) throw new IllegalArgumentException("schema class names differ from the data set's");
        }
        this.schema = schema;
    }

    public DataSet(float[] x, float[] d, int inputs, int outputs) {
        this(x, d, inputs, outputs, null, null);
    }

    /** A classification set from integer labels 0..k-1, targets one-hot (k ≥ 2 columns). */
    public static DataSet classification(float[] x, int inputs, int[] labels, List<String> classNames) {
        int k = classNames.size();
        float[] d = new float[labels.length * k];
        for (int p = 0; p < labels.length; p++) {
            if (labels[p] < 0 || labels[p] >= k) throw new IllegalArgumentException("label " + labels[p] + " out of range 0.." + (k - 1));
            d[p * k + labels[p]] = 1f;
        }
        return new DataSet(x, d, inputs, k, classNames, null);
    }

    @Override
    public int size() { return size; }
    @Override
    public int inputs() { return inputs; }
    @Override
    public int outputs() { return outputs; }
    /** Row-major m×inputs; shared, do not modify. */
    public float[] x() { return x; }
    /** Row-major m×outputs; shared, do not modify. */
    public float[] d() { return d; }
    @Override
    public List<String> classNames() { return classNames; }
    @Override
    public List<String> inputNames() { return inputNames; }
    @Override
    public boolean isClassification() { return classNames != null; }
    /** The raw attributes behind the columns (from a reader), or null if unknown. */
    @Override
    public Schema schema() { return schema; }

    /** The same data with a schema attached (checked against the column counts). */
    public DataSet withSchema(Schema s) {
        return new DataSet(x, d, inputs, outputs, classNames, inputNames, s);
    }

    /** True if any input is NaN (a missing value kept by a reader's KEEP policy, see docs/DATA.md). */
    public boolean hasMissing() {
        for (float v : x) if (Float.isNaN(v)) return true;
        return false;
    }

    /** The class index of pattern p: argmax of its one-hot row, or the 0/1 value of a single column. */
    @Override
    public int label(int p) {
        return Examples.labelOf(d, p * outputs, outputs);
    }

    @Override
    public void copyPattern(int p, float[] tx, int xOff, float[] td, int dOff) {
        System.arraycopy(x, p * inputs, tx, xOff, inputs);
        System.arraycopy(d, p * outputs, td, dOff, outputs);
    }

    @Override
    public void copyPatterns(int first, int m, float[] tx, float[] td) {
        System.arraycopy(x, first * inputs, tx, 0, m * inputs);
        System.arraycopy(d, first * outputs, td, 0, m * outputs);
    }

    /** {@link #subset}: a copy. */
    @Override
    public DataSet select(int[] idx) {
        return subset(idx);
    }

    /** One chunk: this set's own arrays. */
    @Override
    public void forEachChunk(ChunkConsumer c) {
        c.accept(x, d, size);
    }

    /** The patterns at the given indices, in that order (copies). */
    public DataSet subset(int[] idx) {
        float[] nx = new float[idx.length * inputs];
        float[] nd = new float[idx.length * outputs];
        for (int r = 0; r < idx.length; r++) {
            int p = idx[r];
            Objects.checkIndex(p, size);
            System.arraycopy(x, p * inputs, nx, r * inputs, inputs);
            System.arraycopy(d, p * outputs, nd, r * outputs, outputs);
        }
        return new DataSet(nx, nd, inputs, outputs, classNames, inputNames, schema);
    }

    /** Patterns from (inclusive) to (exclusive). */
    public DataSet range(int from, int to) {
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) idx[i] = from + i;
        return subset(idx);
    }

    /**
     * The same inputs with new targets (e.g. a binary task turned into one 0/1 column); the schema
     * is kept when it still describes the data (same classes, a fitting number of columns).
     */
    public DataSet withTargets(float[] newD, int newOutputs, List<String> newClassNames) {
        boolean keep = schema != null && Objects.equals(schema.classNames(), newClassNames == null ? null : List.copyOf(newClassNames))
                && schema.fitsOutputs(newOutputs);
        return new DataSet(x, newD, inputs, newOutputs, newClassNames, inputNames, keep ? schema : null);
    }

    @Override
    public String toString() {
        return "DataSet[" + size + " patterns, " + inputs + " inputs, " + outputs + " outputs"
                + (classNames != null ? ", classes " + classNames : "") + "]";
    }

    /** Bitwise equality of contents (for tests). */
    public boolean sameContents(DataSet o) {
        return inputs == o.inputs && outputs == o.outputs && Arrays.equals(x, o.x) && Arrays.equals(d, o.d)
                && Objects.equals(classNames, o.classNames);
    }
}
