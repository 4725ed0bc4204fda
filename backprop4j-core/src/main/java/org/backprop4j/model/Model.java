package org.backprop4j.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Predictor;
import org.backprop4j.data.Attribute;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Examples;
import org.backprop4j.data.Numbers;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.ReadOptions;
import org.backprop4j.data.Schema;
import org.backprop4j.train.Settings;
import org.backprop4j.train.TrainingState;

/**
 * A trained model: the network and its loss, the preprocessing fitted on the training data, what
 * the inputs and outputs mean, and where it came from. It predicts raw records — fields as read
 * from a CSV or ARFF file, typed values, or named fields — and raw data sets, applying the stored
 * preprocessing and mapping regression outputs back to the data's units.
 *
 * <p>Immutable and thread-safe: any number of threads may predict at once. The network is copied
 * in and never exposed ({@link #network()} returns a copy).
 *
 * <pre>{@code
 * Model model = Model.train(Path.of("iris.csv"));
 * model.save(Path.of("iris.model.json"));
 * Prediction p = Model.load(Path.of("iris.model.json")).predict("5.1", "3.5", "1.4", "0.2");
 * }</pre>
 *
 * Missing values in a record ({@code "?"}, {@code ""}, null, NaN) are imputed by the stored
 * preprocessing (the training mean, or the most frequent value of a nominal field).
 */
public final class Model {
    /** The tokens that mean "missing" in a record's text fields (as in data files). */
    private static final Set<String> MISSING = Set.of("", "?");

    private final Network net;
    private final Loss loss;
    private final Pipeline pipeline;
    private final Task task;
    private final List<String> classNames, targetNames, inputNames, fieldNames;
    private final Provenance provenance;
    private final TrainingState trainingState;
    private volatile Predictor predictor;   // made on first use: reading a model does not choose kernels

    private Model(Builder b) {
        this.net = b.network.copy();
        this.loss = b.loss;
        this.pipeline = b.pipeline != null ? b.pipeline : Pipeline.identity(net.inputs(), net.outputs());
        this.classNames = b.classNames == null ? List.of() : List.copyOf(b.classNames);
        this.task = classNames.isEmpty() ? Task.REGRESSION : Task.CLASSIFICATION;
        this.targetNames = b.targetNames == null ? List.of() : List.copyOf(b.targetNames);
        this.provenance = b.provenance == null ? Provenance.NONE : b.provenance;
        this.trainingState = b.trainingState;
        int n0 = net.inputs(), nL = net.outputs();
        if (pipeline.inputs() != n0 || pipeline.outputs() != nL) {
            throw new IllegalArgumentException("the preprocessing is for " + pipeline.inputs() + " inputs and " + pipeline.outputs()
                    + " outputs, the network has " + n0 + " and " + nL);
        }
        if (task == Task.CLASSIFICATION && !(classNames.size() == nL || (nL == 1 && classNames.size() == 2))) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + nL + " outputs");
        }
        if (new HashSet<>(classNames).size() != classNames.size()) throw new IllegalArgumentException("class names are not distinct: " + classNames);
        Schema s = pipeline.schema();
        if (s != null && s.isClassification() != (task == Task.CLASSIFICATION)) {
            throw new IllegalArgumentException("the preprocessing's schema is for " + (s.isClassification() ? "classification" : "regression")
                    + ", the model for " + task.id());
        }
        if (s != null && task == Task.CLASSIFICATION && !s.classNames().equals(classNames)) {
            throw new IllegalArgumentException("class names " + classNames + " differ from the schema's " + s.classNames());
        }
        if (b.inputNames == null || b.inputNames.isEmpty()) {
            this.inputNames = s != null ? s.encodedInputNames() : generated(n0);
        } else {
            if (b.inputNames.size() != n0) throw new IllegalArgumentException(b.inputNames.size() + " input names for " + n0 + " inputs");
            this.inputNames = List.copyOf(b.inputNames);
        }
        this.fieldNames = s != null ? s.inputs().stream().map(Attribute::name).toList() : inputNames;
    }

    private static List<String> generated(int n) {
        List<String> l = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) l.add("x" + i);
        return List.copyOf(l);
    }

    /**
     * A builder for a model assembled by hand (training makes models with {@link ModelTrainer}).
     *
     * @param network the trained network (copied when the model is built)
     * @param loss    the loss it was trained with (it decides how outputs are read)
     * @return a builder with no preprocessing, names or provenance yet
     */
    public static Builder builder(Network network, Loss loss) {
        return new Builder(network, loss);
    }

    /** {@return a builder starting from this model's parts} To change, e.g., its provenance. */
    public Builder toBuilder() {
        return new Builder(net, loss).pipeline(pipeline).classNames(task == Task.CLASSIFICATION ? classNames : null)
                .targetNames(targetNames).inputNames(inputNames).provenance(provenance).trainingState(trainingState);
    }

    // ---- training, files -------------------------------------------------------------------

    /**
     * Trains a model on a data file (CSV, ARFF, LIBSVM, MONK; chosen by the name) read with
     * {@link ReadOptions#defaults()}, every setting chosen from the data ({@link org.backprop4j.train.Defaults}).
     *
     * @param dataFile the training data
     * @return the trained model, with its provenance
     * @throws IOException for an unreadable or malformed file
     * @throws IllegalStateException if training diverged
     */
    public static Model train(Path dataFile) throws IOException {
        return train(dataFile, Settings.defaults());
    }

    /**
     * Trains a model on a data file read with {@link ReadOptions#defaults()}; unset settings are
     * chosen from the data.
     *
     * @param dataFile the training data
     * @param settings what to train (unset components chosen from the data)
     * @return the trained model, with its provenance
     * @throws IOException for an unreadable or malformed file
     * @throws IllegalStateException if training diverged
     */
    public static Model train(Path dataFile, Settings settings) throws IOException {
        return ModelTrainer.requireConverged(new ModelTrainer(settings).fit(dataFile, ReadOptions.defaults()));
    }

    /**
     * Trains a model on raw data (as read, not preprocessed); unset settings are chosen from the data.
     *
     * @param raw      the training data as read
     * @param settings what to train (unset components chosen from the data)
     * @return the trained model, with its provenance
     * @throws IllegalStateException if training diverged
     */
    public static Model train(DataSet raw, Settings settings) {
        try {
            return ModelTrainer.requireConverged(new ModelTrainer(settings).fit(raw, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // not reached: no checkpoint is read or written
        }
    }

    /**
     * Reads a model file with the {@link ModelStore} on the class path (backprop4j-io's JSON format).
     *
     * @param file the model file
     * @return the model, validated
     * @throws IOException a {@link org.backprop4j.data.DataFormatException} naming the file for bad content
     * @throws IllegalStateException if no model-file format is on the class path
     */
    public static Model load(Path file) throws IOException {
        return store().read(file);
    }

    /**
     * Writes this model to a file, atomically, with the {@link ModelStore} on the class path
     * (backprop4j-io's JSON format).
     *
     * @param file where to write (replaced whole, or left as it was if writing fails)
     * @throws IOException if the file cannot be written
     * @throws IllegalStateException if no model-file format is on the class path
     */
    public void save(Path file) throws IOException {
        store().write(this, file);
    }

    private static ModelStore store() {
        return ServiceLoader.load(ModelStore.class, Model.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no model-file format on the class path: add the backprop4j-io module (org.backprop4j:backprop4j-io)"));
    }

    // ---- what the model is -----------------------------------------------------------------

    /** {@return a copy of the trained network} Changing it does not change the model. */
    public Network network() {
        return net.copy();
    }

    /** {@return the loss the network was trained with} It decides how outputs are read. */
    public Loss loss() {
        return loss;
    }

    /** {@return the preprocessing fitted on the training data} Imputation, scaling, target scaling; with the raw schema. */
    public Pipeline pipeline() {
        return pipeline;
    }

    /** {@return classification or regression} */
    public Task task() {
        return task;
    }

    /** {@return whether the model predicts classes} */
    public boolean isClassification() {
        return task == Task.CLASSIFICATION;
    }

    /** {@return the classes in output order} Two for one logistic output; empty for regression. */
    public List<String> classNames() {
        return classNames;
    }

    /** {@return the names of the target attribute(s)} The class attribute, or the regression targets; may be empty. */
    public List<String> targetNames() {
        return targetNames;
    }

    /** {@return the name of every encoded input column} E.g. {@code petal_length} or {@code colour=red}. */
    public List<String> inputNames() {
        return inputNames;
    }

    /** {@return the raw input attributes and targets of the training data, or null if unknown (IDX, LIBSVM)} */
    public Schema schema() {
        return pipeline.schema();
    }

    /**
     * {@return the raw fields a record passed to {@code predict} has, in order} The schema's input
     * attributes, else the input names.
     */
    public List<String> fieldNames() {
        return fieldNames;
    }

    /** {@return where the model came from} Informational: nothing in it changes a prediction. */
    public Provenance provenance() {
        return provenance;
    }

    /**
     * A copy with other provenance.
     *
     * @param p the new provenance
     * @return the same model with {@code p} as its provenance
     */
    public Model withProvenance(Provenance p) {
        return toBuilder().provenance(p).build();
    }

    /**
     * Where the update rule stood when training ended, so that training the model again continues
     * it ({@link #continueTraining}, {@link ModelTrainer#continueTraining}); null when the model was
     * not trained here, or was saved without it. Nothing in it changes a prediction.
     *
     * @return the state, or null
     */
    public TrainingState trainingState() {
        return trainingState;
    }

    /**
     * A copy without the update rule's state (a smaller file; training it again starts the rule fresh).
     *
     * @return the copy
     */
    public Model withoutTrainingState() {
        return toBuilder().trainingState(null).build();
    }

    /**
     * Trains this model for {@code epochs} more epochs on raw data with its recorded settings,
     * continuing its update rule (a warm start: {@link ModelTrainer#continueTraining}); the data
     * must have the model's schema (read with {@code ReadOptions.schema(model.schema())}).
     *
     * @param raw    the data, as read (not preprocessed)
     * @param epochs how many more epochs
     * @return the model trained further
     * @throws IllegalStateException if training diverged
     */
    public Model continueTraining(Examples raw, int epochs) {
        try {
            return ModelTrainer.requireConverged(new ModelTrainer(Settings.builder().epochs(epochs).build()).continueTraining(this, raw, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // not reached: no checkpoint is read or written
        }
    }

    /** {@return the number of encoded inputs: the network's input count} */
    public int inputs() {
        return net.inputs();
    }

    /** {@return the network's output count} */
    public int outputs() {
        return net.outputs();
    }

    // ---- prediction ------------------------------------------------------------------------

    /**
     * Predicts one record given as text fields, one per {@link #fieldNames()} entry, as they appear
     * in a data file: numbers for numeric fields, values for nominal ones; {@code "?"} or {@code ""} = missing.
     *
     * @param fields the record's fields, in {@link #fieldNames()} order
     * @return the prediction
     * @throws IllegalArgumentException naming the field, for a wrong count, a non-number or an unknown value
     */
    public Prediction predict(String... fields) {
        return predict(Arrays.asList((Object[]) fields));
    }

    /**
     * Predicts one record given as values, one per {@link #fieldNames()} entry: a String (as in a
     * data file), a Number for a numeric field (or a nominal field whose values are numbers), or
     * null for a missing value.
     *
     * @param values the record's values, in {@link #fieldNames()} order
     * @return the prediction
     * @throws IllegalArgumentException naming the field, for a wrong count or a bad value
     */
    public Prediction predict(List<?> values) {
        return predictions(encode(values), 1).get(0);
    }

    /**
     * Predicts one record given by field name ({@link #fieldNames()}); every field must be present
     * (null = missing); the target field(s) may be present and are ignored.
     *
     * @param record field name → value (as {@link #predict(List)} takes values)
     * @return the prediction
     * @throws IllegalArgumentException for a missing or unknown field, or a bad value
     */
    public Prediction predict(Map<String, ?> record) {
        Set<String> known = new HashSet<>(fieldNames);
        for (String k : record.keySet()) {
            if (!known.contains(k) && !targetNames.contains(k)) {
                throw new IllegalArgumentException("unknown field '" + Numbers.clip(String.valueOf(k)) + "' (the model's fields: " + fieldNames + ")");
            }
        }
        List<Object> values = new ArrayList<>(fieldNames.size());
        for (String f : fieldNames) {
            if (!record.containsKey(f)) throw new IllegalArgumentException("no value for field '" + f + "' (give null for a missing value)");
            values.add(record.get(f));
        }
        return predict(values);
    }

    /**
     * Predicts many records, each as {@link #predict(List)} takes it, in one batch.
     *
     * @param records the records
     * @return one prediction per record, in order
     * @throws IllegalArgumentException naming the record (from 1) and the field, for a bad value
     */
    public List<Prediction> predictAll(Collection<? extends List<?>> records) {
        int n = inputs(), m = records.size();
        float[] x = new float[Math.multiplyExact(m, n)];
        int p = 0;
        for (List<?> r : records) {
            try {
                System.arraycopy(encode(r), 0, x, p * n, n);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("record " + (p + 1) + ": " + e.getMessage(), e);
            }
            p++;
        }
        return predictions(x, m);
    }

    /**
     * A prediction for every row of a raw data set.
     *
     * @param raw data as read (with {@code ReadOptions.schema(model.schema())}), not preprocessed
     * @return one prediction per row, in order
     * @throws IllegalArgumentException if the data has another number of encoded inputs
     */
    public List<Prediction> predict(DataSet raw) {
        return toPredictions(outputs(raw), raw.size());
    }

    /**
     * The outputs for every row of a raw data set, row-major m × {@link #outputs()}: class
     * probabilities, or regression values in the data's units.
     *
     * @param raw data as read, not preprocessed
     * @return m × {@link #outputs()} values, row-major
     * @throws IllegalArgumentException if the data has another number of encoded inputs
     */
    public float[] outputs(DataSet raw) {
        if (raw.inputs() != inputs()) {
            throw new IllegalArgumentException("the data has " + raw.inputs() + " inputs after encoding; the model expects " + inputs());
        }
        return outputs(raw.x(), raw.size());
    }

    /**
     * The outputs for m rows encoded like {@link DataSet#x()} (numbers, one-hot blocks, NaN =
     * missing) but not preprocessed, row-major: class probabilities, or regression values in the
     * data's units.
     *
     * @param encodedRaw m rows of {@link #inputs()} values, row-major
     * @param m          the number of rows
     * @return m × {@link #outputs()} values, row-major
     * @throws IllegalArgumentException if {@code encodedRaw} does not hold m rows of {@link #inputs()} values
     */
    public float[] outputs(float[] encodedRaw, int m) {
        if (encodedRaw.length != (long) m * inputs()) {
            throw new IllegalArgumentException("the data has " + (m == 0 ? 0 : encodedRaw.length / m) + " inputs after encoding; the model expects " + inputs());
        }
        if (m == 0) return new float[0];
        float[] out = predictor().predict(pipeline.transformInputs(encodedRaw), m);
        return isClassification() ? out : pipeline.inverseTargets(out);
    }

    /**
     * One record encoded like a data file's row (numbers; nominal values one-hot; missing = NaN),
     * before preprocessing.
     *
     * @param values the record's values, in {@link #fieldNames()} order (as {@link #predict(List)} takes them)
     * @return {@link #inputs()} values
     * @throws IllegalArgumentException naming the field, for a wrong count or a bad value
     */
    public float[] encode(List<?> values) {
        Objects.requireNonNull(values, "values");
        if (values.size() != fieldNames.size()) {
            throw new IllegalArgumentException("expected " + fieldNames.size() + " fields " + abbreviate(fieldNames) + ", got " + values.size());
        }
        float[] x = new float[inputs()];
        Schema s = schema();
        int off = 0;
        for (int i = 0; i < values.size(); i++) {
            Attribute a = s != null ? s.inputs().get(i) : null;
            Object v = values.get(i);
            String field = fieldNames.get(i);
            if (a != null && a.isNominal()) {
                int w = a.width();
                if (isMissing(v)) {
                    Arrays.fill(x, off, off + w, Float.NaN);
                } else {
                    x[off + nominalIndex(a, v)] = 1f;
                }
                off += w;
            } else {
                x[off++] = isMissing(v) ? Float.NaN : number(field, v);
            }
        }
        return x;
    }

    private static boolean isMissing(Object v) {
        if (v == null) return true;
        if (v instanceof String str) return MISSING.contains(str.strip());
        return (v instanceof Double d && d.isNaN()) || (v instanceof Float f && f.isNaN());
    }

    private static float number(String field, Object v) {
        double d;
        if (v instanceof Number n) {
            d = n.doubleValue();
        } else {
            String t = String.valueOf(v).strip();
            if (!Numbers.isNumber(t)) {
                throw new IllegalArgumentException("field '" + field + "': expected a number, found \"" + Numbers.clip(t) + "\" (write ? or null for a missing value)");
            }
            d = Double.parseDouble(t);
        }
        if (!(Math.abs(d) <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("field '" + field + "': " + d + " is not a finite float32 number");
        }
        return (float) d;
    }

    private static int nominalIndex(Attribute a, Object v) {
        String t = v instanceof Number n ? canonical(n.doubleValue()) : String.valueOf(v).strip();
        int i = a.indexOf(t);
        if (i < 0 && Numbers.isNumber(t)) i = a.indexOf(canonical(Double.parseDouble(t)));   // "1.0" for a value named "1"
        if (i < 0) {
            throw new IllegalArgumentException("field '" + a.name() + "': unknown value \"" + Numbers.clip(t) + "\" (expected one of "
                    + abbreviate(a.values()) + ")");
        }
        return i;
    }

    /** A number's name as data files write nominal numbers: integers without ".0". */
    private static String canonical(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    private static String abbreviate(List<String> l) {
        return l.size() <= 12 ? l.toString() : l.subList(0, 12).toString().replace("]", ", ... (" + l.size() + ")]");
    }

    private List<Prediction> predictions(float[] encodedRaw, int m) {
        return toPredictions(outputs(encodedRaw, m), m);
    }

    private List<Prediction> toPredictions(float[] o, int m) {
        int n = outputs();
        List<Prediction> out = new ArrayList<>(m);
        for (int p = 0; p < m; p++) {
            out.add(isClassification() ? Prediction.classification(classNames, o, p * n, n) : Prediction.regression(targetNames, o, p * n, n));
        }
        return List.copyOf(out);
    }

    private Predictor predictor() {
        Predictor p = predictor;
        if (p == null) {
            synchronized (this) {
                p = predictor;
                if (p == null) predictor = p = new Predictor(net, loss);
            }
        }
        return p;
    }

    @Override
    public String toString() {
        return "Model[" + (isClassification() ? "classification into " + classNames : "regression of " + (targetNames.isEmpty() ? outputs() + " targets" : targetNames))
                + ", " + net.describe() + ", loss " + loss.id() + "]";
    }

    /** Assembles a {@link Model}; only the network and loss are required. */
    public static final class Builder {
        private final Network network;
        private final Loss loss;
        private Pipeline pipeline;
        private List<String> classNames, targetNames, inputNames;
        private Provenance provenance;
        private TrainingState trainingState;

        private Builder(Network network, Loss loss) {
            this.network = Objects.requireNonNull(network, "network");
            this.loss = Objects.requireNonNull(loss, "loss");
        }

        /**
         * Sets the preprocessing.
         *
         * @param p the fitted preprocessing (null, the default: none, {@link Pipeline#identity})
         * @return this builder
         */
        public Builder pipeline(Pipeline p) { this.pipeline = p; return this; }

        /**
         * Sets the classes: makes a classification model.
         *
         * @param names class names in output order (two for one logistic output; null or empty: regression)
         * @return this builder
         */
        public Builder classNames(List<String> names) { this.classNames = names; return this; }

        /**
         * Sets the names of the target attribute(s).
         *
         * @param names the class attribute's name, or the regression targets' names
         * @return this builder
         */
        public Builder targetNames(List<String> names) { this.targetNames = names; return this; }

        /**
         * Sets the names of the encoded inputs.
         *
         * @param names one per network input (null or empty, the default: the schema's, else x1, x2, ...)
         * @return this builder
         */
        public Builder inputNames(List<String> names) { this.inputNames = names; return this; }

        /**
         * Sets where the model came from.
         *
         * @param p the provenance (null, the default: {@link Provenance#NONE})
         * @return this builder
         */
        public Builder provenance(Provenance p) { this.provenance = p; return this; }
        /**
         * Sets the update rule's state at the end of training.
         *
         * @param s the state (null: none)
         * @return this builder
         */
        public Builder trainingState(TrainingState s) { this.trainingState = s; return this; }

        /**
         * Builds the model (the network is copied).
         *
         * @return the model
         * @throws IllegalArgumentException if the parts disagree (sizes, class names, task)
         */
        public Model build() {
            return new Model(this);
        }
    }
}
