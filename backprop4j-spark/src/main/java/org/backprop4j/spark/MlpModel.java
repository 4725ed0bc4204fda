package org.backprop4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.backprop4j.Backprop;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.model.Model;
import org.backprop4j.io.ModelFile;

/**
 * A trained network as a Spark ML {@link org.apache.spark.ml.Model}: {@link #transform} adds the
 * prediction column (class index, or the regression output) and, for classification, the
 * probability column (the outputs normalised to sum 1; softmax outputs already do) and the
 * raw-prediction column (the output layer's values o^L). Saved with {@link #write()} (Spark's
 * metadata plus the backprop4j model file as text), so whole Pipelines save and load;
 * {@link #exportModelFile} / {@link #fromModelFile} move it to and from the single-machine library.
 */
public final class MlpModel extends org.apache.spark.ml.Model<MlpModel> implements MlpParams, MLWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final MlpParams.Set params;
    private final Model model;
    private final transient FitSummary summary;

    MlpModel(String uid, Model model, FitSummary summary) {
        this.uid = uid;
        this.params = new MlpParams.Set(this);
        this.model = model;
        this.summary = summary;
        setMlpDefaults();
        set(task(), model.isClassification() ? "classification" : "regression");
    }

    /** A model from a backprop4j model file (trained by the library or the CLI), ready to transform. */
    public static MlpModel fromModelFile(Path file) {
        try {
            return new MlpModel(org.apache.spark.ml.util.Identifiable$.MODULE$.randomUID("backprop4jMlp"), ModelFile.read(file), null);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the backprop4j model file (served by the single-machine library, or a warm start via initialModel). */
    public void exportModelFile(Path file) {
        try {
            ModelFile.write(model, file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The library's model: network, loss, class names, training record. */
    public Model libraryModel() { return model; }

    /** The fit's history, stop reason and pass timings (null for a loaded model). */
    public FitSummary summary() { return summary; }

    public int numFeatures() { return model.network().inputs(); }
    public int numClasses() { return model.isClassification() ? model.network().outputs() : 0; }

    @Override public String uid() { return uid; }
    @Override public MlpParams.Set paramSet() { return params; }

    public MlpModel setFeaturesCol(String v) { set(featuresCol(), v); return this; }
    public MlpModel setPredictionCol(String v) { set(predictionCol(), v); return this; }
    public MlpModel setProbabilityCol(String v) { set(probabilityCol(), v); return this; }
    public MlpModel setRawPredictionCol(String v) { set(rawPredictionCol(), v); return this; }

    @Override
    public MlpModel copy(ParamMap extra) {
        MlpModel m = new MlpModel(uid, model, summary);
        copyValues(m, extra);
        return m.setParent(parent());
    }

    static StructType outputSchema(StructType schema, MlpParams p, boolean classification) {
        StructType s = schema;
        for (String c : classification ? new String[] {p.getPredictionCol(), p.getProbabilityCol(), p.getRawPredictionCol()} : new String[] {p.getPredictionCol()}) {
            if (c.isEmpty()) continue;
            if (java.util.Arrays.asList(s.fieldNames()).contains(c)) {
                throw new IllegalArgumentException("output column '" + c + "' already exists in the DataFrame (choose another name with its set...Col)");
            }
        }
        if (!p.getRawPredictionCol().isEmpty() && classification) s = s.add(p.getRawPredictionCol(), new VectorUDT(), false);
        if (!p.getProbabilityCol().isEmpty() && classification) s = s.add(p.getProbabilityCol(), new VectorUDT(), false);
        if (!p.getPredictionCol().isEmpty()) s = s.add(p.getPredictionCol(), DataTypes.DoubleType, false);
        return s;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        MlpParams.requireColumn(schema, getFeaturesCol(), "features", true);
        org.apache.spark.ml.attribute.AttributeGroup g = org.apache.spark.ml.attribute.AttributeGroup.fromStructField(schema.apply(getFeaturesCol()));
        if (g.size() > 0 && g.size() != numFeatures()) {
            throw new IllegalArgumentException("features column '" + getFeaturesCol() + "' has vectors of size " + g.size()
                    + ", the model was trained on " + numFeatures() + " features");
        }
        return outputSchema(schema, this, model.isClassification());
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        int fi = df.schema().fieldIndex(getFeaturesCol());
        NetSpec spec = NetSpec.of(model.network(), model.loss());
        float[] w = model.network().params().clone();
        boolean cls = model.isClassification();
        boolean raw = cls && !getRawPredictionCol().isEmpty(), prob = cls && !getProbabilityCol().isEmpty(), pred = !getPredictionCol().isEmpty();
        String col = getFeaturesCol();
        MapPartitionsFunction<Row, Row> f = rows -> new Scorer(rows, spec, w, fi, col, raw, prob, pred);
        return df.mapPartitions(f, Encoders.row(out));
    }

    /** Scores rows in batches of {@link #BATCH} through the engine's forward pass. */
    static final int BATCH = 256;

    private static final class Scorer implements Iterator<Row> {
        private final Iterator<Row> in;
        private final Backprop engine;
        private final int fi, n0, nL;
        private final String col;
        private final boolean raw, prob, pred, cls;
        private final float[] x;
        private final List<Row> pending = new ArrayList<>(BATCH);
        private final List<Row> ready = new ArrayList<>(BATCH);
        private int next;
        private long row;

        Scorer(Iterator<Row> in, NetSpec spec, float[] w, int fi, String col, boolean raw, boolean prob, boolean pred) {
            this.in = in;
            this.engine = TaskEngines.engine(spec, w);
            this.fi = fi;
            this.col = col;
            this.n0 = spec.inputs();
            this.nL = spec.outputs();
            this.raw = raw;
            this.prob = prob;
            this.pred = pred;
            this.cls = raw || prob || spec.loss() != org.backprop4j.Loss.MSE && spec.loss() != org.backprop4j.Loss.SSE || nL > 1;
            this.x = new float[BATCH * n0];
        }

        @Override
        public boolean hasNext() {
            if (next < ready.size()) return true;
            fill();
            return next < ready.size();
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new NoSuchElementException();
            return ready.get(next++);
        }

        private void fill() {
            ready.clear();
            pending.clear();
            next = 0;
            java.util.Arrays.fill(x, 0f);
            int partition = org.apache.spark.TaskContext.getPartitionId();
            while (pending.size() < BATCH && in.hasNext()) {
                Row r = in.next();
                int base = pending.size() * n0;
                Object v = r.get(fi);
                if (v == null) throw new InputException(Blocks.where(col, partition, row) + " is null: every row to score needs a features vector");
                Vector vec = (Vector) v;
                if (vec.size() != n0) {
                    throw new InputException(Blocks.where(col, partition, row) + " has a vector of size " + vec.size() + ", the model was trained on "
                            + n0 + " features (the DataFrame does not match the training schema)");
                }
                if (vec instanceof DenseVector dv) {
                    double[] a = dv.values();
                    for (int i = 0; i < n0; i++) x[base + i] = finite(a[i], i, partition);
                } else {
                    SparseVector sv = (SparseVector) vec;
                    for (int k = 0; k < sv.indices().length; k++) x[base + sv.indices()[k]] = finite(sv.values()[k], sv.indices()[k], partition);
                }
                pending.add(r);
                row++;
            }
            if (pending.isEmpty()) return;
            float[] o = engine.forward(x, 0, pending.size());
            for (int p = 0; p < pending.size(); p++) {
                Row r = pending.get(p);
                Object[] vals = new Object[r.length() + (raw ? 1 : 0) + (prob ? 1 : 0) + (pred ? 1 : 0)];
                for (int i = 0; i < r.length(); i++) vals[i] = r.get(i);
                int k = r.length();
                double[] outs = new double[nL];
                double sum = 0;
                for (int j = 0; j < nL; j++) sum += outs[j] = o[p * nL + j];
                if (raw) vals[k++] = new DenseVector(outs.clone());
                if (prob) {
                    double[] pr = new double[nL];
                    for (int j = 0; j < nL; j++) pr[j] = sum > 0 ? outs[j] / sum : 1.0 / nL;
                    vals[k++] = new DenseVector(pr);
                }
                if (pred) vals[k] = cls ? (double) org.backprop4j.Predictor.predictedClass(o, p * nL, nL) : outs[0];
                ready.add(RowFactory.create(vals));
            }
        }

        private float finite(double v, int i, int partition) {
            if (!Double.isFinite(v)) {
                throw new InputException(Blocks.where(col, partition, row) + " holds " + v + " at index " + i
                        + ": the model scores finite numbers only (impute missing values first)");
            }
            return (float) v;
        }
    }

    // ---- persistence ----

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<MlpModel> read() {
        return new Reader();
    }

    public static MlpModel load(String path) {
        return read().load(path);
    }

    /** Spark's metadata (params) in path/metadata, the backprop4j model file as one line of text in path/data. */
    private static final class Writer extends MLWriter {
        private final MlpModel m;

        Writer(MlpModel m) {
            this.m = m;
        }

        @Override
        public void saveImpl(String path) {
            SparkSession s = sparkSession();
            DefaultParamsWriter$.MODULE$.saveMetadata(m, path, s);
            String json = ModelFile.toJson(m.model).toString();
            s.createDataset(List.of(json), Encoders.STRING()).coalesce(1).write().text(new org.apache.hadoop.fs.Path(path, "data").toString());
        }
    }

    private static final class Reader extends MLReader<MlpModel> {
        @Override
        public MlpModel load(String path) {
            DefaultParamsReader.Metadata meta = DefaultParamsReader.loadMetadata(path, sparkSession(), MlpModel.class.getName());
            String data = new org.apache.hadoop.fs.Path(path, "data").toString();
            List<Row> rows = sparkSession().read().text(data).collectAsList();
            if (rows.size() != 1) throw new IllegalArgumentException(data + ": expected one model document, found " + rows.size() + " lines");
            Model model;
            try {
                model = ModelFile.parse(rows.get(0).getString(0).getBytes(StandardCharsets.UTF_8), data);
            } catch (DataFormatException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            MlpModel m = new MlpModel(meta.uid(), model, null);
            meta.getAndSetParams(m, scala.Option.empty());
            return m;
        }
    }
}
