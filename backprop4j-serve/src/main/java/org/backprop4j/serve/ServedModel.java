package org.backprop4j.serve;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backprop4j.metrics.Evaluation;
import org.backprop4j.data.Attribute;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.Schema;
import org.backprop4j.model.Model;
import org.backprop4j.Network;
import org.backprop4j.Predictor;
import org.backprop4j.io.ModelFile;
import org.backprop4j.kernel.KernelProvider;

/**
 * One loaded model, immutable once built: its preprocessing, the raw attributes a record names, and a
 * pool of forward-pass engines (one per concurrent request; the weights are only read). The server
 * swaps whole instances, so a request sees one model from start to end.
 */
final class ServedModel {
    /**
     * Whether a forward pass splits its products over the kernels' worker threads: not by default, since
     * every event loop already keeps a core busy with its own requests (system property
     * {@code backprop4j.serve.split=true} for measuring the other way).
     */
    static final boolean SPLIT = Boolean.getBoolean("backprop4j.serve.split");

    final Model model;
    final Network net;   // the model's network, copied once (Model.network() copies)
    final Pipeline pipeline;
    final String file;
    final String checksum;
    final Instant loaded;
    /** The provenance as the model file writes it (settings, outcome, data, environment). */
    final JsonNode provenance;
    /** The raw attributes, in encoded-column order. */
    final List<Attribute> attributes;
    final Map<String, Integer> index = new HashMap<>();
    final Set<String> targets = new HashSet<>();
    final int[] offsets;
    /** Encoded inputs per record. */
    final int width;
    final RequestScanner scanner;
    /** The answer's fixed parts, JSON-escaped UTF-8: per class the record's opening with its label, and each output's key. */
    private final byte[][] openings;
    private final byte[][] keys;
    private final boolean classify;
    /** The forward passes: engines borrowed per call from the predictor's bounded pool. */
    private final Predictor predictor;

    private ServedModel(Model model, String file) {
        this.model = model;
        this.net = model.network();
        this.predictor = new Predictor(net, model.loss(), SPLIT ? KernelProvider.get() : KernelProvider.get().singleThreaded());
        this.pipeline = model.pipeline();
        this.file = file;
        this.checksum = ModelFile.weightsChecksum(net.params());
        this.loaded = Instant.now();
        this.provenance = ModelFile.toJson(model).get("provenance");
        Schema s = pipeline.schema();
        if (s != null) {
            attributes = s.inputs();
            for (Attribute t : s.targets()) targets.add(t.name());
        } else {
            List<Attribute> a = new ArrayList<>();
            for (String name : model.inputNames()) a.add(Attribute.numeric(name));
            attributes = List.copyOf(a);
            targets.addAll(model.targetNames());
        }
        offsets = new int[attributes.size() + 1];
        for (int a = 0; a < attributes.size(); a++) {
            index.put(attributes.get(a).name(), a);
            offsets[a + 1] = offsets[a] + attributes.get(a).width();
        }
        width = offsets[attributes.size()];
        scanner = new RequestScanner(attributes, index, targets, offsets);
        int k = net.outputs();
        List<String> classes = model.classNames();
        classify = model.isClassification();   // classNames() is empty, not null, for regression
        keys = new byte[classify && k == 1 && classes.size() == 2 ? 2 : k][];
        if (classify) {
            String probs = probabilities() ? "probabilities" : "scores";
            openings = new byte[classes.size()][];
            for (int c = 0; c < classes.size(); c++) openings[c] = utf8("{\"label\":\"" + quoted(classes.get(c)) + "\",\"" + probs + "\":{");
            for (int c = 0; c < keys.length; c++) keys[c] = utf8((c > 0 ? "," : "") + "\"" + quoted(classes.get(c)) + "\":");
        } else {
            List<String> t = model.targetNames();
            openings = new byte[][] {utf8("{\"outputs\":{")};
            for (int c = 0; c < k; c++) keys[c] = utf8((c > 0 ? "," : "") + "\"" + quoted(t.size() == k ? t.get(c) : "y" + (c + 1)) + "\":");
        }
    }

    private static String quoted(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Reads and validates a model file (the same checks as {@code backprop4j predict}). */
    static ServedModel load(Path file) throws IOException {
        return new ServedModel(ModelFile.read(file), file.getFileName().toString());
    }

    /** A request's problem: answered with status 400 (or 413) and this one-line message. */
    static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /**
     * Encodes a request body through a JSON tree: the path for any body {@link RequestScanner} does not take,
     * with a one-line message naming the record and field for what is wrong.
     */
    Rows parseTree(ObjectMapper json, byte[] body, int maxRecords) throws BadRequest {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            var loc = e instanceof JsonProcessingException j ? j.getLocation() : null;
            int nl = msg.indexOf('\n');
            throw new BadRequest(400, "not valid JSON: " + clip(nl >= 0 ? msg.substring(0, nl) : msg)
                    + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")"));
        }
        if (root == null || root.isMissingNode()) throw new BadRequest(400, "empty body: send a record (a JSON object) or a batch (an array)");
        boolean batch;
        List<JsonNode> records = new ArrayList<>();
        JsonNode list = root.isObject() && root.size() == 1 && root.has("records") && !index.containsKey("records") ? root.get("records") : root;
        if (list.isArray()) {
            batch = true;
            if (list.size() > maxRecords) {
                throw new BadRequest(413, list.size() + " records in one request; the limit is " + maxRecords);
            }
            list.forEach(records::add);
            if (records.isEmpty()) throw new BadRequest(400, "an empty batch");
        } else if (list.isObject()) {
            batch = false;
            records.add(list);
        } else {
            throw new BadRequest(400, "expected a record (a JSON object) or a batch (an array), found " + kind(list));
        }
        return new Rows(encode(records), records.size(), batch);
    }

    /**
     * Encodes records (JSON objects of named fields, as in the training file) into input rows as the
     * readers do: a number for a numeric attribute, one of the declared values for a nominal one
     * (one-hot), {@code null} for a missing value; fields naming a target are ignored.
     */
    float[] encode(List<JsonNode> records) throws BadRequest {
        int n = offsets[attributes.size()];
        float[] x = new float[records.size() * n];
        boolean[] seen = new boolean[attributes.size()];
        for (int r = 0; r < records.size(); r++) {
            JsonNode rec = records.get(r);
            String where = records.size() == 1 ? "" : "record " + r + ": ";
            if (!rec.isObject()) throw new BadRequest(400, where + "expected an object of named fields, found " + kind(rec));
            java.util.Arrays.fill(seen, false);
            for (Iterator<Map.Entry<String, JsonNode>> it = rec.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                Integer a = index.get(f.getKey());
                if (a == null) {
                    if (targets.contains(f.getKey())) continue;
                    throw new BadRequest(400, where + "unknown field '" + clip(f.getKey()) + "' (the model's fields: " + fieldList() + ")");
                }
                seen[a] = true;
                put(x, r * n + offsets[a], attributes.get(a), f.getValue(), where);
            }
            for (int a = 0; a < seen.length; a++) {
                if (!seen[a]) throw new BadRequest(400, where + "missing field '" + attributes.get(a).name() + "' (null for a missing value)");
            }
        }
        return x;
    }

    private static void put(float[] x, int at, Attribute a, JsonNode v, String where) throws BadRequest {
        if (!a.isNominal()) {
            if (v.isNull()) x[at] = Float.NaN;
            else if (v.isNumber()) {
                double d = v.asDouble();
                if (!Double.isFinite(d) || Math.abs(d) > Float.MAX_VALUE) throw new BadRequest(400, where + "field '" + a.name() + "': " + v + " is out of float range");
                x[at] = (float) d;
            } else {
                throw new BadRequest(400, where + "field '" + a.name() + "': expected a number or null, found " + kind(v));
            }
            return;
        }
        if (v.isNull()) {
            java.util.Arrays.fill(x, at, at + a.width(), Float.NaN);   // a missing nominal value: the pipeline fills the block
            return;
        }
        if (!v.isTextual() && !v.isNumber() && !v.isBoolean()) {
            throw new BadRequest(400, where + "field '" + a.name() + "': expected one of " + a.values() + " or null, found " + kind(v));
        }
        int k = a.indexOf(v.asText());
        if (k < 0) throw new BadRequest(400, where + "field '" + a.name() + "': '" + clip(v.asText()) + "' is not one of " + clip(a.values().toString()));
        x[at + k] = 1f;
    }

    /** A request's records, encoded (not yet preprocessed): m rows of {@link #width} values. */
    record Rows(float[] x, int m, boolean batch) {}

    /** A response body: its first {@code length} bytes. */
    record Answer(byte[] bytes, int length) {}

    private static final byte[] BATCH_OPEN = utf8("{\"predictions\":["), BATCH_CLOSE = utf8("]}"), RECORD_CLOSE = utf8("}}");

    /**
     * The answer for m records' outputs, written straight into bytes: per record {"label": ...,
     * "probabilities": {class: p}} (or "scores"), or {"outputs": {target: y}}; {"predictions": [...]}
     * for a batch. The tree writer's layout, numbers by {@link FloatWriter} (nine significant digits, each
     * reads back as the same float; FastPathTest compares with the tree writer's answer read back), non-finite ones as strings.
     */
    Answer answer(float[] o, int m, boolean batch) {
        int k = net.outputs();
        int most = 0, keyBytes = 0;
        for (byte[] op : openings) most = Math.max(most, op.length);
        for (byte[] key : keys) keyBytes += key.length;
        byte[] buf = new byte[BATCH_OPEN.length + BATCH_CLOSE.length + m * (most + keyBytes + keys.length * FloatWriter.MAX_BYTES + RECORD_CLOSE.length + 1)];
        int pos = 0;
        if (batch) pos = put(buf, pos, BATCH_OPEN);
        boolean logistic = keys.length == 2 && k == 1;
        for (int p = 0; p < m; p++) {
            if (p > 0) buf[pos++] = ',';
            pos = put(buf, pos, openings[classify ? Evaluation.predictedClass(o, p * k, k) : 0]);
            if (logistic) {
                pos = put(buf, pos, keys[0]);
                pos = putFloat(buf, pos, 1f - o[p]);
                pos = put(buf, pos, keys[1]);
                pos = putFloat(buf, pos, o[p]);
            } else {
                for (int c = 0; c < k; c++) {
                    pos = put(buf, pos, keys[c]);
                    pos = putFloat(buf, pos, o[p * k + c]);
                }
            }
            pos = put(buf, pos, RECORD_CLOSE);
        }
        if (batch) pos = put(buf, pos, BATCH_CLOSE);
        return new Answer(buf, pos);
    }

    private static int put(byte[] buf, int pos, byte[] b) {
        System.arraycopy(b, 0, buf, pos, b.length);
        return pos + b.length;
    }

    private static int putFloat(byte[] buf, int pos, float f) {
        return FloatWriter.put(buf, pos, f);
    }

    /** Network outputs for encoded rows: preprocessing, forward pass in chunks, regression targets mapped back. */
    float[] outputs(float[] x, int m) {
        float[] in = pipeline.transformInputs(x);
        float[] out = predictor.predict(in, m);
        return model.isClassification() ? out : pipeline.inverseTargets(out);
    }

    boolean probabilities() {
        var f = net.outputActivation();
        return f == org.backprop4j.Activation.SOFTMAX || f == org.backprop4j.Activation.LOGISTIC;
    }

    /** GET /model: the record schema, outputs and provenance. */
    ObjectNode describe(ObjectMapper json) {
        ObjectNode d = json.createObjectNode();
        d.put("file", file);
        d.put("loaded", loaded.toString());
        d.put("weightsSha256", checksum);
        d.put("network", net.describe());
        d.put("loss", model.loss().id());
        d.put("task", model.isClassification() ? "classification" : "regression");
        ArrayNode fields = d.putArray("fields");
        for (Attribute a : attributes) {
            ObjectNode f = fields.addObject();
            f.put("name", a.name());
            f.put("type", a.isNominal() ? "nominal" : "numeric");
            if (a.isNominal()) a.values().forEach(f.putArray("values")::add);
        }
        if (model.isClassification()) model.classNames().forEach(d.putArray("classes")::add);
        else model.targetNames().forEach(d.putArray("targets")::add);
        d.set("provenance", provenance);
        return d;
    }

    private String fieldList() {
        StringBuilder sb = new StringBuilder();
        for (int a = 0; a < attributes.size(); a++) {
            if (a == 8) return sb.append(", ... (GET /model lists all ").append(attributes.size()).append(')').toString();
            sb.append(a > 0 ? ", " : "").append(attributes.get(a).name());
        }
        return sb.toString();
    }

    static String kind(JsonNode v) {
        if (v.isTextual()) return "\"" + clip(v.asText()) + "\"";
        if (v.isObject()) return "an object";
        if (v.isArray()) return "an array";
        return clip(v.toString());
    }

    static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
