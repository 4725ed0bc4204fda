package org.backprop4j.cli.progress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.backprop4j.train.EpochStats;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingResult;

/**
 * JSON lines for scripts: one object per epoch (every epoch, no throttling) with the fields of
 * {@link EpochStats}, then one object for the end of the run. JSON has no NaN, so a statistic that
 * does not apply (no validation set, regression) is {@code null}.
 *
 * <pre>
 * {"event":"epoch","epoch":1,"maxEpochs":100,"loss":0.69,"accuracy":0.5,"validationLoss":null,"validationAccuracy":null,"updates":4,"millis":1.5}
 * {"event":"end","epochs":100,"stopReason":"max epochs (100)","millis":150.0}
 * </pre>
 * A {@code "run"} field follows {@code "event"} when the run has a name.
 */
final class JsonProgress implements ProgressDisplay {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final PrintWriter out;
    private final Object lock;
    private final String run;
    private final int maxEpochs;

    JsonProgress(PrintWriter out, Object lock, String run, int maxEpochs) {
        this.out = out;
        this.lock = lock;
        this.run = run == null || run.isBlank() ? null : run;
        this.maxEpochs = maxEpochs;
    }

    private ObjectNode start(String event) {
        ObjectNode o = MAPPER.createObjectNode().put("event", event);
        if (run != null) o.put("run", run);
        return o;
    }

    private static void put(ObjectNode o, String name, double v) {
        if (Double.isFinite(v)) o.put(name, v);
        else o.putNull(name);
    }

    @Override
    public void onEpoch(EpochStats s, Trainer trainer) {
        ObjectNode o = start("epoch").put("epoch", s.epoch()).put("maxEpochs", maxEpochs);
        put(o, "loss", s.loss());
        put(o, "accuracy", s.accuracy());
        put(o, "validationLoss", s.validationLoss());
        put(o, "validationAccuracy", s.validationAccuracy());
        o.put("updates", s.updates());
        put(o, "millis", s.millis());
        emit(o);
    }

    @Override
    public void finish(TrainingResult result) {
        finish(result, Fmt.totalMillis(result.history()) / 1e3);
    }

    @Override
    public void finish(TrainingResult result, double seconds) {
        ObjectNode o = start("end").put("epochs", result.epochs()).put("stopReason", result.stopReason());
        put(o, "millis", seconds * 1e3);
        emit(o);
    }

    private void emit(ObjectNode o) {
        String line;
        try {
            line = MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (lock) {
            out.println(line);
            out.flush();
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            out.flush();
        }
    }
}
