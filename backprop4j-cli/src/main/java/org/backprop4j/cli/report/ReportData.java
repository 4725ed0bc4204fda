package org.backprop4j.cli.report;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backprop4j.Network;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.TrainingResult;

/**
 * Everything the HTML report shows about one training run; plain data, filled by the caller (the
 * {@code train} command) from its data set, network and {@link TrainingResult}. Build it with
 * {@link #builder()}. Strings may contain anything: the report escapes them.
 *
 * @param title              heading of the report
 * @param dataSetName        e.g. the data file's name
 * @param trainingPatterns   patterns trained on
 * @param validationPatterns patterns of the validation set, 0 if none
 * @param testPatterns       patterns of a test set the final metrics were measured on, 0 if none
 * @param inputs             input columns after preprocessing
 * @param outputs            output units
 * @param architecture       the network, e.g. {@link Network#describe()} "4-8(tanh)-3(softmax)"
 * @param parameters         weights and biases, 0 if unknown
 * @param configuration      the training configuration (name → value; shown in this order)
 * @param startedAt          when training started, null if unknown
 * @param trainingTime       wall-clock training time; null: the sum of the epochs' times
 * @param maxEpochs          the epoch limit, 0 if unknown
 * @param stopReason         why training ended ({@link TrainingResult#stopReason()})
 * @param history            one entry per epoch ({@link TrainingResult#history()}); may be empty
 * @param finalMetrics       final metrics (name → value, e.g. "test accuracy" → 0.967), in this order
 * @param confusion          confusion matrix, {@code confusion[actual][predicted]} counts; null for regression
 * @param classNames         class names, one per row/column of {@code confusion}; null with it
 * @param generatedAt        shown as the report's time stamp, null for none
 * @param layers             the network layer by layer, input first, for the diagram; empty for none
 * @param evaluatedOn        the set the confusion matrix and the ranking curves are of, e.g. "the validation set"; null if none
 * @param ranking            each class's output against the rest (ROC and precision–recall curves); null for none
 * @param classBalance       patterns per class (in the order of {@code classNames}) of each set, e.g. "training" → counts; empty for none
 * @param commandLine        the command that made the report, as typed (quoted for bash); null if unknown
 * @param provenance         where the model and the data came from (name → value, in this order): version, data file, hash, ...
 * @param scatter            regression: actual and predicted values of the first target on {@code evaluatedOn}; null for none
 */
public record ReportData(String title, String dataSetName, int trainingPatterns, int validationPatterns, int testPatterns,
                         int inputs, int outputs, String architecture, long parameters, Map<String, Object> configuration,
                         Instant startedAt, Duration trainingTime, int maxEpochs, String stopReason, List<EpochStats> history,
                         Map<String, Object> finalMetrics, int[][] confusion, List<String> classNames, Instant generatedAt,
                         List<Layer> layers, String evaluatedOn, List<ClassScores> ranking, Map<String, int[]> classBalance,
                         String commandLine, Map<String, Object> provenance, Scatter scatter) {

    /**
     * One layer of the network: its units and their activation (null for the input layer).
     *
     * @param units      units of the layer
     * @param activation the activation's id, e.g. "tanh"; null for the inputs
     */
    public record Layer(int units, String activation) {}

    /**
     * One class's output ranked against the rest: the scores of every pattern of the evaluated set
     * and whether the pattern is of the class. The report computes ROC AUC and average precision
     * from them with {@link org.backprop4j.metrics.Ranking}, as {@code evaluate} does.
     *
     * @param className the class
     * @param scores    the class's output for each pattern
     * @param positive  whether each pattern is of the class
     */
    public record ClassScores(String className, double[] scores, boolean[] positive) {
        public ClassScores {
            if (scores.length != positive.length) throw new IllegalArgumentException(scores.length + " scores for " + positive.length + " labels");
            scores = scores.clone();
            positive = positive.clone();
        }

        @Override
        public double[] scores() {
            return scores.clone();
        }

        @Override
        public boolean[] positive() {
            return positive.clone();
        }
    }

    /**
     * Predicted against actual values (regression), one pair per pattern.
     *
     * @param target    the target's name
     * @param actual    the targets
     * @param predicted the model's outputs
     */
    public record Scatter(String target, double[] actual, double[] predicted) {
        public Scatter {
            if (actual.length != predicted.length) throw new IllegalArgumentException(actual.length + " targets for " + predicted.length + " outputs");
            actual = actual.clone();
            predicted = predicted.clone();
        }
    }

    /** The report of earlier versions: no diagram, ranking, class balance, command line or provenance. */
    public ReportData(String title, String dataSetName, int trainingPatterns, int validationPatterns, int testPatterns,
                      int inputs, int outputs, String architecture, long parameters, Map<String, Object> configuration,
                      Instant startedAt, Duration trainingTime, int maxEpochs, String stopReason, List<EpochStats> history,
                      Map<String, Object> finalMetrics, int[][] confusion, List<String> classNames, Instant generatedAt) {
        this(title, dataSetName, trainingPatterns, validationPatterns, testPatterns, inputs, outputs, architecture, parameters, configuration,
                startedAt, trainingTime, maxEpochs, stopReason, history, finalMetrics, confusion, classNames, generatedAt,
                List.of(), null, null, Map.of(), null, Map.of(), null);
    }

    public ReportData {
        layers = layers == null ? List.of() : List.copyOf(layers);
        ranking = ranking == null ? null : List.copyOf(ranking);
        classBalance = classBalance == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(classBalance));
        provenance = provenance == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
        if (!classBalance.isEmpty()) {
            if (classNames == null) throw new IllegalArgumentException("a class balance needs the class names");
            for (Map.Entry<String, int[]> e : classBalance.entrySet()) {
                if (e.getValue().length != classNames.size()) {
                    throw new IllegalArgumentException("the class balance of " + e.getKey() + " has " + e.getValue().length + " counts for "
                            + classNames.size() + " classes");
                }
            }
        }
        if (title == null || title.isBlank()) throw new IllegalArgumentException("the report needs a title");
        if (trainingPatterns < 0 || validationPatterns < 0 || testPatterns < 0) {
            throw new IllegalArgumentException("pattern counts must be ≥ 0");
        }
        configuration = configuration == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(configuration));
        finalMetrics = finalMetrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(finalMetrics));
        history = history == null ? List.of() : List.copyOf(history);
        if ((confusion == null) != (classNames == null)) {
            throw new IllegalArgumentException("a confusion matrix needs its class names, and class names a matrix");
        }
        if (confusion != null) {
            int k = classNames.size();
            if (confusion.length != k) {
                throw new IllegalArgumentException("confusion matrix has " + confusion.length + " rows for " + k + " classes");
            }
            int[][] copy = new int[k][];
            for (int i = 0; i < k; i++) {
                if (confusion[i] == null || confusion[i].length != k) {
                    throw new IllegalArgumentException("confusion matrix row " + (i + 1) + " has "
                            + (confusion[i] == null ? 0 : confusion[i].length) + " columns for " + k + " classes");
                }
                for (int j = 0; j < k; j++) {
                    if (confusion[i][j] < 0) throw new IllegalArgumentException("negative count in the confusion matrix at row "
                            + (i + 1) + ", column " + (j + 1));
                }
                copy[i] = confusion[i].clone();
            }
            confusion = copy;
            classNames = List.copyOf(classNames);
        }
    }

    /** The confusion matrix (a copy), or null. */
    @Override
    public int[][] confusion() {
        if (confusion == null) return null;
        int[][] c = new int[confusion.length][];
        for (int i = 0; i < c.length; i++) c[i] = confusion[i].clone();
        return c;
    }

    /** The training time: {@link #trainingTime} if given, else the sum of the epochs' times. */
    public Duration effectiveTrainingTime() {
        if (trainingTime != null) return trainingTime;
        double ms = 0;
        for (EpochStats s : history) ms += s.millis();
        return Duration.ofNanos(Math.round(ms * 1e6));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fills a {@link ReportData} step by step; unset fields are empty/unknown. */
    public static final class Builder {
        private String title = "backprop4j training report";
        private String dataSetName = "";
        private int trainingPatterns, validationPatterns, testPatterns, inputs, outputs, maxEpochs;
        private String architecture = "";
        private long parameters;
        private final Map<String, Object> configuration = new LinkedHashMap<>();
        private Instant startedAt, generatedAt;
        private Duration trainingTime;
        private String stopReason = "";
        private List<EpochStats> history = List.of();
        private final Map<String, Object> finalMetrics = new LinkedHashMap<>();
        private int[][] confusion;
        private List<String> classNames;
        private List<Layer> layers = List.of();
        private String evaluatedOn, commandLine;
        private List<ClassScores> ranking;
        private final Map<String, int[]> classBalance = new LinkedHashMap<>();
        private final Map<String, Object> provenance = new LinkedHashMap<>();
        private Scatter scatter;

        public Builder title(String t) { this.title = t; return this; }

        /** Data set name and sizes (validation and test 0 when absent). */
        public Builder dataSet(String name, int training, int validation, int test) {
            this.dataSetName = name;
            this.trainingPatterns = training;
            this.validationPatterns = validation;
            this.testPatterns = test;
            return this;
        }

        /** Architecture, inputs, outputs, parameter count and layers (for the diagram) of {@code net}. */
        public Builder network(Network net) {
            this.architecture = net.describe();
            this.inputs = net.inputs();
            this.outputs = net.outputs();
            this.parameters = net.paramCount();
            List<Layer> l = new java.util.ArrayList<>();
            int[] sizes = net.sizes();
            l.add(new Layer(sizes[0], null));
            for (int i = 1; i < sizes.length; i++) l.add(new Layer(sizes[i], net.activation(i).id()));
            this.layers = l;
            return this;
        }

        /** The set the confusion matrix and the ranking curves are of. */
        public Builder evaluatedOn(String set) { this.evaluatedOn = set; return this; }

        /** Each class's output against the rest, for ROC and precision–recall curves. */
        public Builder ranking(List<ClassScores> r) { this.ranking = r; return this; }

        /** Patterns per class of one set ("training", "validation", "test"), in the order of the class names. */
        public Builder classBalance(String set, int[] counts) { classBalance.put(set, counts.clone()); return this; }

        /** The command line that made the report. */
        public Builder commandLine(String c) { this.commandLine = c; return this; }

        /** Adds one provenance entry (kept in insertion order). */
        public Builder provenance(String name, Object value) { provenance.put(name, value); return this; }

        /** Predicted against actual values (regression). */
        public Builder scatter(Scatter s) { this.scatter = s; return this; }

        public Builder architecture(String description, int inputs, int outputs, long parameters) {
            this.architecture = description;
            this.inputs = inputs;
            this.outputs = outputs;
            this.parameters = parameters;
            return this;
        }

        /** Adds one configuration entry (kept in insertion order). */
        public Builder config(String name, Object value) { configuration.put(name, value); return this; }

        public Builder configuration(Map<String, ?> entries) { configuration.putAll(entries); return this; }

        /** History and stop reason of the run. */
        public Builder result(TrainingResult r) {
            this.history = r.history();
            this.stopReason = r.stopReason();
            return this;
        }

        public Builder history(List<EpochStats> h) { this.history = h; return this; }
        public Builder stopReason(String r) { this.stopReason = r; return this; }
        public Builder maxEpochs(int m) { this.maxEpochs = m; return this; }
        public Builder startedAt(Instant t) { this.startedAt = t; return this; }
        public Builder trainingTime(Duration d) { this.trainingTime = d; return this; }
        public Builder generatedAt(Instant t) { this.generatedAt = t; return this; }

        /** Adds one final metric (kept in insertion order). */
        public Builder metric(String name, Object value) { finalMetrics.put(name, value); return this; }

        public Builder metrics(Map<String, ?> entries) { finalMetrics.putAll(entries); return this; }

        /** The confusion matrix, {@code counts[actual][predicted]}, with its class names. */
        public Builder confusion(int[][] counts, List<String> names) {
            this.confusion = counts;
            this.classNames = names;
            return this;
        }

        public ReportData build() {
            return new ReportData(title, dataSetName, trainingPatterns, validationPatterns, testPatterns, inputs, outputs,
                    architecture, parameters, configuration, startedAt, trainingTime, maxEpochs, stopReason, history,
                    finalMetrics, confusion, classNames, generatedAt, layers, evaluatedOn, ranking, classBalance, commandLine,
                    provenance, scatter);
        }
    }
}
