package org.backprop4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.backprop4j.Predictor;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Pipeline;
import org.backprop4j.io.Model;
import org.backprop4j.io.ModelFile;

/** A model file with its preprocessing, ready to predict raw data. */
record LoadedModel(Model model, Pipeline pipeline, Predictor predictor, String name) {

    static LoadedModel read(Path file) throws IOException {
        Model m = ModelFile.read(file);
        String name = file.getFileName().toString();
        if (m.preprocessing().isEmpty()) throw new DataFormatException(name, 0, 0, "the model has no preprocessing section (not written by backprop4j train)");
        Pipeline p;
        try {
            p = Pipeline.fromMap(m.preprocessing());
        } catch (DataFormatException e) {
            throw new DataFormatException(name, 0, 0, "bad preprocessing section: " + e.getMessage());
        }
        if (p.inputs() != m.network().inputs() || p.outputs() != m.network().outputs()) {
            throw new DataFormatException(name, 0, 0, "preprocessing is for " + p.inputs() + " inputs and " + p.outputs()
                    + " outputs, the network has " + m.network().inputs() + " and " + m.network().outputs());
        }
        return new LoadedModel(m, p, new Predictor(m.network(), m.loss()), name);
    }

    /** Network outputs for raw (unpreprocessed) data, regression outputs mapped back to the data's units. */
    float[] outputs(DataSet raw) {
        if (raw.inputs() != pipeline.inputs()) {
            throw new IllegalArgumentException("the data has " + raw.inputs() + " inputs after encoding; the model " + name + " expects " + pipeline.inputs());
        }
        return outputs(raw.x(), raw.size());
    }

    /** Outputs for m raw input rows (row-major, encoded like the training data). */
    float[] outputs(float[] x, int m) {
        if (x.length != (long) m * pipeline.inputs()) {
            throw new IllegalArgumentException("the data has " + (m == 0 ? 0 : x.length / m) + " inputs after encoding; the model " + name + " expects " + pipeline.inputs());
        }
        float[] out = predictor.predict(pipeline.transformInputs(x), m);
        return model.isClassification() ? out : pipeline.inverseTargets(out);
    }
}
