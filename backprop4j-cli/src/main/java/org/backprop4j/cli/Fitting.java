package org.backprop4j.cli;

import java.util.List;
import org.backprop4j.Backprop;
import org.backprop4j.Evaluation;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.Splits;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingListener;
import org.backprop4j.train.TrainingResult;

/** Fits the preprocessing and the network on raw training data: the common core of train, cv and search. */
final class Fitting {
    private Fitting() {}

    /** A fitted model and how training went. Validation figures are NaN without validation data. */
    record Fit(Network network, Loss loss, Pipeline pipeline, TrainingConfig config, TrainingResult result,
               Evaluation train, Evaluation validation, double seconds, Trainer trainer) {}

    /** Splits off a validation fraction (stratified for classes, seeded); returns {train, validation}. */
    static DataSet[] split(DataSet raw, double fraction, long seed) {
        if (!(fraction > 0)) return new DataSet[] {raw, null};
        DataSet[] parts = holdOut(raw, fraction, seed).of(raw);
        if (parts[1].size() == 0 || parts[0].size() == 0) throw new IllegalArgumentException("--validation " + fraction + " leaves an empty part of " + raw.size() + " patterns");
        return parts;
    }

    /** The indices of {@link #split} (for comparisons with other libraries on the same split). */
    static Splits.Split holdOut(DataSet raw, double fraction, long seed) {
        if (!(fraction > 0) || fraction >= 1) throw new IllegalArgumentException("--validation must be a fraction below 1: " + fraction);
        return raw.isClassification()
                ? Splits.stratifiedHoldOut(Splits.labels(raw), fraction, seed)
                : Splits.holdOut(raw.size(), fraction, seed);
    }

    /** Checkpointing and divergence handling for one run (all off by default). */
    record RunOptions(int checkpointEvery, java.nio.file.Path checkpoint, boolean resume, int divergenceRestarts) {
        static final RunOptions NONE = new RunOptions(0, null, false, 0);
    }

    static Fit fit(ModelOptions o, DataSet rawTrain, DataSet rawValidation, List<TrainingListener> listeners) {
        try {
            return fit(o, rawTrain, rawValidation, listeners, RunOptions.NONE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);   // not reached: no checkpoint is read
        }
    }

    static Fit fit(ModelOptions o, DataSet rawTrain, DataSet rawValidation, List<TrainingListener> listeners, RunOptions run)
            throws java.io.IOException {
        Pipeline pipeline = Pipeline.fit(rawTrain, o.pipelineOptions(rawTrain.isClassification()));
        DataSet train = pipeline.apply(rawTrain);
        DataSet val = rawValidation == null ? null : pipeline.apply(rawValidation);
        Network net = o.network(train);
        Loss loss = o.lossFor(train);
        TrainingConfig cfg = o.config(train.size(), val != null);
        Trainer trainer = new Trainer(net, loss, cfg);
        for (TrainingListener l : listeners) trainer.addListener(l);
        if (run.checkpointEvery() > 0) trainer.checkpointEvery(run.checkpointEvery(), run.checkpoint());
        trainer.restartOnDivergence(run.divergenceRestarts());
        // the initial weights come from --init: a checkpoint of a run with another one is refused on resume
        trainer.runSettings("init=" + o.initScheme().id());
        long t0 = System.nanoTime();
        TrainingResult r = run.resume() && java.nio.file.Files.exists(run.checkpoint())
                ? trainer.resume(run.checkpoint(), train, val)
                : trainer.fit(train, val);
        double secs = (System.nanoTime() - t0) / 1e9;
        Backprop engine = new Backprop(net, loss);
        Evaluation te = Evaluation.of(engine, train);
        Evaluation ve = val == null ? new Evaluation(Double.NaN, Double.NaN) : Evaluation.of(engine, val);
        return new Fit(net, loss, pipeline, cfg, r, te, ve, secs, trainer);
    }
}
