package org.backprop4j.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.data.Numbers;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.Sources;
import org.backprop4j.model.Model;
import org.backprop4j.model.ModelStore;
import org.backprop4j.model.Provenance;
import org.backprop4j.model.Task;
import org.backprop4j.train.Settings;
import org.backprop4j.train.TrainingState;
import org.backprop4j.util.AtomicFiles;

/**
 * Model files: one versioned, locale-independent JSON document (UTF-8) per {@link Model}.
 *
 * <pre>
 * { "format": "backprop4j-model", "formatVersion": 2, "task": "classification",
 *   "network": { "inputs": 4, "layers": [ { "units": 8, "activation": "tanh", "W": [[...], ...], "b": [...] }, ... ] },
 *   "loss": "ce", "inputNames": [...], "classNames": [...], "targetNames": [...],
 *   "preprocessing": {...},
 *   "provenance": { "settings": {...}, "outcome": {...}, "data": {...}, "environment": {...} },
 *   "trainingState": { "rule": "...", "seed": 42, "epochs": 50, ..., "optimizer": [...] },
 *   "checksum": { "algorithm": "SHA-256", "weights": "hex", "content": "hex", "trainingState": "hex" } }
 * </pre>
 *
 * <p>{@code content} is a SHA-256 over a canonical binary form of everything that affects a
 * prediction — task, architecture, activations, loss, weights, the preprocessing with its schema,
 * and the class, target and input names — so any edit to them is refused on reading; the
 * provenance is informational and not covered. The update rule's state ({@link TrainingState},
 * for a warm start) changes no prediction and is outside {@code content}, under a digest of its
 * own ({@code checksum.trainingState}): a damaged state is refused rather than continued from.
 * A file is written in the lowest format that holds it: 2, or 3 with a training state (format 2
 * has none; older readers then say the file is newer). Format-1 files (whose checksum covers only
 * the weights) are still read, their weights checksum verified.
 *
 * <p>Weights are written as the shortest decimal that reads back to the same float32, so a model
 * saved and loaded predicts bit-identically. Writing goes to a temporary file in the same
 * directory that is then renamed over the target ({@link AtomicFiles}). Reading streams the
 * document and bounds everything before allocating: the file size ({@link #MAX_FILE_BYTES}),
 * every string ({@link #MAX_STRING_CHARS}), every array (by the sizes the network declares),
 * the nesting depth; it refuses unknown fields, a field given twice, a non-integer
 * {@code formatVersion} and anything after the closing brace. Every problem is one
 * {@link DataFormatException} naming the file (and, for malformed JSON, the line and column).
 */
public final class ModelFile {
    /** The newest format this version writes (3: with a training state; 2 without); files with a larger version are refused. */
    public static final int FORMAT_VERSION = 3;
    /** The format of a file without a training state. */
    static final int FORMAT_WITHOUT_STATE = 2;
    static final String FORMAT = "backprop4j-model";
    /** Upper bound on parameters accepted from a file (2^28 floats = 1 GiB). */
    static final long MAX_PARAMS = 1L << 28;
    /** Upper bound on one layer's width. */
    static final int MAX_UNITS = 1 << 24;
    /** Largest model file read (2 GiB: about 2^28 parameters in decimal). */
    public static final long MAX_FILE_BYTES = 1L << 31;
    /** Longest string in a model file (names, specs). */
    public static final int MAX_STRING_CHARS = 1 << 16;
    /** Most characters of text in one file, all strings together. */
    static final long MAX_TEXT_CHARS = 1L << 24;
    /** Most JSON values in the informational sections (provenance, checksum; format 1: training, data). */
    static final int MAX_SECTION_VALUES = 1 << 14;
    /** Most JSON values in the preprocessing section, beyond 16 per network input and output. */
    static final int PREPROCESSING_VALUES_BASE = 1 << 14;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(64)
                    .maxStringLength(MAX_STRING_CHARS).maxNameLength(1024).maxDocumentLength(MAX_FILE_BYTES).build())
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY).enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFile() {}

    /**
     * Starts the JSON machinery on a daemon thread: a small document written with this class's
     * mapper, so that a command that will write a model file pays Jackson's start-up (class loading
     * and initialisation, a noticeable part of a cold process) while it reads its data on another
     * core. Writes nothing anywhere; any failure is left to the real write to report.
     *
     * @return the thread doing it (tests join it)
     */
    public static Thread prepareInBackground() {
        return Thread.ofPlatform().daemon().name("backprop4j-json-start").start(() -> {
            try {
                ObjectNode root = JsonNodeFactory.instance.objectNode();
                root.put("format", FORMAT).put("formatVersion", FORMAT_VERSION).put("float", 0.25f).put("double", 0.5);
                root.putArray("W").addArray().add(1f).add(-2.5e-3f);
                root.set("map", MAPPER.valueToTree(Map.of("scaling", List.of(0.1, 1.0), "names", List.of("a"))));
                MAPPER.writeValueAsBytes(root);
            } catch (JsonProcessingException | RuntimeException e) {
                // the real write reports it
            }
        });
    }

    /** The {@link ModelStore} behind {@link Model#load} and {@link Model#save} (registered for {@link java.util.ServiceLoader}). */
    public static final class Store implements ModelStore {
        /** Called by {@link java.util.ServiceLoader}. */
        public Store() {}

        @Override
        public Model read(Path file) throws IOException {
            return ModelFile.read(file);
        }

        @Override
        public void write(Model model, Path file) throws IOException {
            ModelFile.write(model, file);
        }
    }

    // ---- writing ----------------------------------------------------------------------------

    /**
     * Writes the model atomically (temporary file, then rename): a crash leaves the old file or the new one.
     *
     * @param model the model
     * @param file  where to write
     * @throws IOException if the file cannot be written
     */
    public static void write(Model model, Path file) throws IOException {
        byte[] bytes = toBytes(model);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * The model file's bytes, e.g. to send or broadcast; {@link #parse} reads them back.
     *
     * @param model the model
     * @return the file's content, UTF-8 JSON
     */
    public static byte[] toBytes(Model model) {
        try {
            return MAPPER.writeValueAsBytes(toJson(model));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a model tree", e);   // not reached: the tree holds only plain values
        }
    }

    /**
     * The JSON document of a model. Without an environment in its provenance, this process's
     * ({@link Provenance.Environment#current()}) is written.
     *
     * @param model the model
     * @return the document, as {@link #write} writes it
     */
    public static ObjectNode toJson(Model model) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("format", FORMAT);
        TrainingState state = model.trainingState();
        root.put("formatVersion", state == null ? FORMAT_WITHOUT_STATE : FORMAT_VERSION);
        root.put("task", model.task().id());
        Network net = model.network();
        ObjectNode n = root.putObject("network");
        n.put("inputs", net.inputs());
        ArrayNode layers = n.putArray("layers");
        for (int l = 1; l <= net.layers(); l++) {
            ObjectNode layer = layers.addObject();
            layer.put("units", net.size(l));
            layer.put("activation", net.activation(l).id());
            ArrayNode w = layer.putArray("W");
            for (int t = 0; t < net.size(l); t++) {
                ArrayNode row = w.addArray();
                for (int u = 0; u < net.size(l - 1); u++) row.add(net.weight(l, t, u));
            }
            ArrayNode b = layer.putArray("b");
            for (int t = 0; t < net.size(l); t++) b.add(net.bias(l, t));
        }
        root.put("loss", model.loss().id());
        strings(root.putArray("inputNames"), model.inputNames());
        if (model.isClassification()) strings(root.putArray("classNames"), model.classNames());
        strings(root.putArray("targetNames"), model.targetNames());
        root.set("preprocessing", MAPPER.valueToTree(model.pipeline().toMap()));
        Provenance p = model.provenance();
        if (p.environment() == null) p = p.withEnvironment(Provenance.Environment.current());
        root.set("provenance", ProvenanceJson.write(p));
        if (state != null) root.set("trainingState", stateJson(state));
        ObjectNode c = root.putObject("checksum");
        c.put("algorithm", "SHA-256");
        c.put("weights", weightsChecksum(net.params()));
        c.put("content", contentChecksum(model));
        if (state != null) c.put("trainingState", stateChecksum(state));
        return root;
    }

    /** The training state's section: the counts before the arrays they bound; non-finite state values as strings. */
    private static ObjectNode stateJson(TrainingState s) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("rule", s.rule());
        o.put("seed", s.seed());
        o.put("epochs", s.epochs());
        o.put("updates", s.updates());
        o.put("rng", s.rngState());
        o.put("learningRateFactor", s.lrFactor());
        o.put("dataPatterns", s.dataSize());
        o.put("dataFingerprint", s.dataFingerprint());
        ArrayNode opt = o.putArray("optimizer");
        for (double v : s.optimizerState()) {
            if (Double.isFinite(v)) opt.add(v);
            else opt.add(Double.toString(v));   // "NaN", "Infinity", "-Infinity": JSON has no such numbers
        }
        return o;
    }

    private static void strings(ArrayNode a, List<String> values) {
        for (String s : values) a.add(s);
    }

    // ---- checksums --------------------------------------------------------------------------

    /**
     * SHA-256 over the parameters' IEEE-754 bits, big-endian.
     *
     * @param p the parameters ({@code Network.params()})
     * @return the digest as lower-case hex
     */
    public static String weightsChecksum(float[] p) {
        MessageDigest md = sha256();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        for (float v : p) {
            if (buf.remaining() < 4) {
                md.update(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putInt(Float.floatToIntBits(v));
        }
        md.update(buf.array(), 0, buf.position());
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * SHA-256 (lower-case hex) over a canonical binary form of everything that affects the model's
     * predictions: task, layer sizes and activations, loss, every weight's bits, the preprocessing
     * (its plain form, keys sorted, numbers by their bits) and the input, class and target names.
     * It depends on the values only, not on how the JSON spells them.
     *
     * @param model the model
     * @return the digest as lower-case hex
     */
    public static String contentChecksum(Model model) {
        MessageDigest md = sha256();
        try (DataOutputStream out = new DataOutputStream(new DigestSink(md))) {
            text(out, "backprop4j-model-content/2");
            text(out, model.task().id());
            text(out, model.loss().id());
            Network net = model.network();
            out.writeInt(net.layers());
            out.writeInt(net.inputs());
            for (int l = 1; l <= net.layers(); l++) {
                out.writeInt(net.size(l));
                text(out, net.activation(l).id());
            }
            for (float v : net.params()) out.writeInt(Float.floatToIntBits(v));
            canonical(out, model.pipeline().toMap());
            canonical(out, model.inputNames());
            canonical(out, model.classNames());
            canonical(out, model.targetNames());
        } catch (IOException e) {
            throw new IllegalStateException("a digest does not fail", e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * SHA-256 over a canonical binary form of a training state (every value by its bits): the
     * state's own checksum, outside {@link #contentChecksum} (it changes no prediction).
     *
     * @param s the state
     * @return the digest as lower-case hex
     */
    public static String stateChecksum(TrainingState s) {
        MessageDigest md = sha256();
        try (DataOutputStream out = new DataOutputStream(new DigestSink(md))) {
            text(out, "backprop4j-training-state/1");
            text(out, s.rule());
            out.writeLong(s.seed());
            out.writeInt(s.epochs());
            out.writeLong(s.updates());
            out.writeLong(s.rngState());
            out.writeLong(Double.doubleToLongBits(s.lrFactor()));
            out.writeInt(s.dataSize());
            out.writeLong(s.dataFingerprint());
            double[] opt = s.optimizerState();
            out.writeInt(opt.length);
            for (double v : opt) out.writeLong(Double.doubleToLongBits(v));
        } catch (IOException e) {
            throw new IllegalStateException("a digest does not fail", e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /** A plain value (map, list, string, number, boolean, null) in a canonical tagged binary form. */
    private static void canonical(DataOutputStream out, Object v) throws IOException {
        switch (v) {
            case null -> out.writeByte('n');
            case Map<?, ?> m -> {
                out.writeByte('M');
                Map<String, Object> sorted = new TreeMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) sorted.put(String.valueOf(e.getKey()), e.getValue());
                out.writeInt(sorted.size());
                for (Map.Entry<String, Object> e : sorted.entrySet()) {
                    text(out, e.getKey());
                    canonical(out, e.getValue());
                }
            }
            case List<?> l -> {
                out.writeByte('L');
                out.writeInt(l.size());
                for (Object o : l) canonical(out, o);
            }
            case String s -> {
                out.writeByte('S');
                text(out, s);
            }
            case Boolean b -> out.writeByte(b ? 'T' : 'F');
            case Integer i -> {
                out.writeByte('I');
                out.writeLong(i);
            }
            case Long i -> {
                out.writeByte('I');
                out.writeLong(i);
            }
            case Number d -> {
                out.writeByte('D');
                out.writeLong(Double.doubleToLongBits(d.doubleValue()));
            }
            default -> throw new IllegalArgumentException("not a plain value: " + v.getClass().getName());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** An output stream that feeds a digest. */
    private static final class DigestSink extends java.io.OutputStream {
        private final MessageDigest md;

        DigestSink(MessageDigest md) {
            this.md = md;
        }

        @Override
        public void write(int b) {
            md.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            md.update(b, off, len);
        }
    }

    // ---- reading ----------------------------------------------------------------------------

    /**
     * Reads and validates a model file.
     *
     * @param file the model file
     * @return the model
     * @throws NoSuchFileException if there is no such file
     * @throws DataFormatException naming the file, for anything wrong in it
     */
    public static Model read(Path file) throws IOException {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString());
        Sources.requireFile(file);
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new DataFormatException(name, 0, 0, "the file has " + size + " bytes, more than a model file may have (" + MAX_FILE_BYTES
                    + "): not a backprop4j model, or a damaged one");
        }
        try (JsonParser p = FACTORY.createParser(file.toFile())) {
            return read(p, name);
        } catch (JsonProcessingException e) {
            throw jsonError(e, name);
        }
    }

    /**
     * Reads and validates a model from the bytes of a model file ({@code name} is used in
     * messages); the same checks as {@link #read(Path)}.
     *
     * @param json the file's bytes
     * @param name the name messages give the source
     * @return the model
     * @throws DataFormatException naming {@code name}, for anything wrong in it
     */
    public static Model parse(byte[] json, String name) throws DataFormatException {
        if (json.length > MAX_FILE_BYTES) throw new DataFormatException(name, 0, 0, "more bytes than a model file may have (" + MAX_FILE_BYTES + ")");
        try (JsonParser p = FACTORY.createParser(json)) {
            return read(p, name);
        } catch (JsonProcessingException e) {
            throw jsonError(e, name);
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFormatException(name, 0, 0, "cannot read: " + e.getMessage());
        }
    }

    /**
     * Validates a parsed document and builds the model (the same checks as {@link #parse}).
     *
     * @param root the document ({@link #toJson}'s form)
     * @param name the name messages give the source
     * @return the model
     * @throws DataFormatException naming {@code name}, for anything wrong in it
     */
    public static Model fromJson(JsonNode root, String name) throws DataFormatException {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new DataFormatException(name, 0, 0, "cannot read: " + e.getOriginalMessage());
        }
        return parse(bytes, name);
    }

    private static DataFormatException jsonError(JsonProcessingException e, String name) {
        JsonLocation loc = e.getLocation();
        String msg = e.getOriginalMessage();
        int nl = msg.indexOf('\n');
        if (nl >= 0) msg = msg.substring(0, nl);
        msg = msg.replaceAll("\\[Source: [^;\\]]*; ", "[");   // Jackson's "[Source: REDACTED (...); line: 9, ...]"
        String what = e instanceof StreamConstraintsException
                ? "too large for a model file: " + msg + " (not a backprop4j model, or a modified one)"
                : "not valid JSON: " + msg;
        return new DataFormatException(name, loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr(), what);
    }

    private static Model read(JsonParser p, String name) throws IOException {
        Doc d = new Doc(p, name);
        d.readDocument();
        return d.build();
    }

    /** The fields of a model file as they are streamed in, then checked and turned into a {@link Model}. */
    private static final class Doc {
        final JsonParser p;
        final String name;
        long textChars;
        String format, task, loss;
        Integer version;
        NetworkData net;
        List<String> inputNames, classNames, targetNames;
        Map<String, Object> preprocessing, provenance, training, data, checksum;
        StateData state;

        Doc(JsonParser p, String name) {
            this.p = p;
            this.name = name;
        }

        DataFormatException err(String problem) {
            return new DataFormatException(name, 0, 0, problem);
        }

        DataFormatException errHere(String problem) {
            JsonLocation loc = p.currentTokenLocation();
            return new DataFormatException(name, loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr(), problem);
        }

        void readDocument() throws IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) throw err("not a backprop4j model file (expected a JSON object)");
            Set<String> seen = new HashSet<>();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                if (!seen.add(f)) throw errHere("field \"" + Numbers.clip(f) + "\" appears twice (the file was modified): restore it");
                p.nextToken();
                switch (f) {
                    case "format" -> {
                        format = string("format");
                        if (!FORMAT.equals(format)) throw err("not a backprop4j model file (\"format\" is not \"" + FORMAT + "\")");
                    }
                    case "formatVersion" -> version = formatVersion();
                    case "task" -> task = string("task");
                    case "network" -> net = network();
                    case "loss" -> loss = string("loss");
                    case "inputNames" -> inputNames = names("inputNames");
                    case "classNames" -> classNames = names("classNames");
                    case "targetNames" -> targetNames = names("targetNames");
                    case "preprocessing" -> preprocessing = section("preprocessing", net == null ? MAX_SECTION_VALUES * 64
                            : PREPROCESSING_VALUES_BASE + 16L * (net.sizes[0] + net.sizes[net.sizes.length - 1]));
                    case "provenance" -> provenance = section("provenance", MAX_SECTION_VALUES);
                    case "training" -> training = section("training", MAX_SECTION_VALUES);
                    case "data" -> data = section("data", MAX_SECTION_VALUES);
                    case "checksum" -> checksum = section("checksum", 64);
                    case "trainingState" -> state = trainingState();
                    default -> throw format == null
                            ? err("not a backprop4j model file (no \"format\": \"" + FORMAT + "\" before the field \"" + Numbers.clip(f) + "\")")
                            : errHere("unknown field \"" + Numbers.clip(f) + "\" (backprop4j does not write it; the file was modified or is not a model file)");
                }
            }
            if (t != JsonToken.END_OBJECT) throw errHere("not a backprop4j model file (expected a JSON object)");
            if (p.nextToken() != null) {
                throw errHere("trailing content after the model's closing '}' (the file was modified or joined with another): restore the file");
            }
        }

        private void text(int chars) throws DataFormatException {
            textChars += chars;
            if (textChars > MAX_TEXT_CHARS) throw err("more than " + MAX_TEXT_CHARS + " characters of text: not a backprop4j model, or a modified one");
        }

        String string(String where) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) throw err(where + " must be a string");
            text(p.getTextLength());
            return p.getText();
        }

        int formatVersion() throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                throw err("\"formatVersion\" must be a whole number, found " + Numbers.clip(p.getText())
                        + " (the file was modified): restore it, or write " + FORMAT_VERSION + " if it was written by this version");
            }
            if (t != JsonToken.VALUE_NUMBER_INT) throw err("missing or bad \"formatVersion\"");
            if (p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() > FORMAT_VERSION) {
                throw err("written by a newer backprop4j (model format " + Numbers.clip(p.getText()) + "; this version reads up to "
                        + FORMAT_VERSION + "): upgrade backprop4j to load it");
            }
            int v = p.getIntValue();
            if (v < 1) throw err("bad \"formatVersion\" " + v);
            return v;
        }

        List<String> names(String field) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NULL) return List.of();
            if (p.currentToken() != JsonToken.START_ARRAY) throw err("\"" + field + "\" must be an array of strings");
            int max = net == null ? MAX_UNITS : Math.max(net.sizes[0], net.sizes[net.sizes.length - 1]) + 1;
            List<String> out = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() != JsonToken.VALUE_STRING) throw err("\"" + field + "\" must contain only strings");
                if (out.size() >= max) throw err("\"" + field + "\" has more names than the network has units (" + max + "): the file was modified");
                out.add(string(field));
            }
            return out;
        }

        /** A JSON object of plain values with at most {@code maxValues} values in all. */
        Map<String, Object> section(String field, long maxValues) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NULL) return Map.of();
            if (p.currentToken() != JsonToken.START_OBJECT) throw err("\"" + field + "\" must be an object");
            long[] budget = {maxValues};
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) value(field, budget);
            return m;
        }

        private Object value(String field, long[] budget) throws IOException {
            if (--budget[0] < 0) throw err("\"" + field + "\" holds more values than a model file's " + field + " can (the file was modified or is not a model file)");
            switch (p.currentToken()) {
                case START_OBJECT -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        text(k.length());
                        p.nextToken();
                        if (m.put(k, value(field, budget)) != null) throw err("\"" + field + "\": key \"" + Numbers.clip(k) + "\" appears twice");
                    }
                    return m;
                }
                case START_ARRAY -> {
                    List<Object> l = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) l.add(value(field, budget));
                    return l;
                }
                case VALUE_STRING -> {
                    text(p.getTextLength());
                    return p.getText();
                }
                case VALUE_NUMBER_INT -> {
                    return switch (p.getNumberType()) {
                        case INT -> p.getIntValue();
                        case LONG -> p.getLongValue();
                        default -> p.getDoubleValue();
                    };
                }
                case VALUE_NUMBER_FLOAT -> {
                    return p.getDoubleValue();
                }
                case VALUE_TRUE -> {
                    return Boolean.TRUE;
                }
                case VALUE_FALSE -> {
                    return Boolean.FALSE;
                }
                case VALUE_NULL -> {
                    return null;
                }
                default -> throw err("\"" + field + "\": unexpected " + p.currentToken());
            }
        }

        // -- the training state, streamed into primitive arrays -------------------------------

        StateData trainingState() throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) throw err("\"trainingState\" must be an object");
            StateData s = new StateData();
            Set<String> seen = new HashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                if (!seen.add(f)) throw errHere("trainingState: field \"" + Numbers.clip(f) + "\" appears twice (the file was modified): restore it");
                p.nextToken();
                String where = "trainingState." + f;
                switch (f) {
                    case "rule" -> s.rule = string(where);
                    case "seed" -> s.seed = whole(where);
                    case "epochs" -> s.epochs = whole(where);
                    case "updates" -> s.updates = whole(where);
                    case "rng" -> s.rng = whole(where);
                    case "learningRateFactor" -> s.lrFactor = real(where);
                    case "dataPatterns" -> s.patterns = whole(where);
                    case "dataFingerprint" -> s.fingerprint = whole(where);
                    case "optimizer" -> {
                        if (p.currentToken() != JsonToken.START_ARRAY) throw err(where + " must be an array of numbers");
                        s.optimizer = new DoubleBuf();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (s.optimizer.size >= MAX_PARAMS) throw err(where + " has more than " + MAX_PARAMS + " values; refusing to allocate");
                            s.optimizer.add(stateValue(where + "[" + s.optimizer.size + "]"));
                        }
                    }
                    default -> throw errHere("trainingState: unknown field \"" + Numbers.clip(f) + "\" (backprop4j does not write it; the file was modified)");
                }
            }
            return s;
        }

        long whole(String where) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw err(where + " must be a whole number (the file was modified): restore it");
            }
            return p.getLongValue();
        }

        double real(String where) throws IOException {
            JsonToken t = p.currentToken();
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) throw err(where + " must be a number (the file was modified): restore it");
            return p.getDoubleValue();
        }

        /** A number, or the string of a non-finite one ("NaN", "Infinity", "-Infinity"). */
        double stateValue(String where) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                String t = string(where);
                return switch (t) {
                    case "NaN" -> Double.NaN;
                    case "Infinity" -> Double.POSITIVE_INFINITY;
                    case "-Infinity" -> Double.NEGATIVE_INFINITY;
                    default -> throw err(where + " must be a number, \"NaN\" or \"±Infinity\", found \"" + Numbers.clip(t) + "\"");
                };
            }
            return real(where);
        }

        /** The training state as read, checked against its own checksum (format 3). */
        TrainingState buildState(int[] sizes) throws DataFormatException {
            if (state == null) return null;
            if (version < 3) throw err("format " + version + " has no \"trainingState\" (the file was modified): restore it");
            StateData s = state;
            if (s.rule == null || s.seed == null || s.epochs == null || s.updates == null || s.rng == null || s.lrFactor == null
                    || s.patterns == null || s.fingerprint == null || s.optimizer == null) {
                throw err("\"trainingState\" is incomplete (the file was modified): restore it, or remove the section and its checksum "
                        + "(training the model again then starts the update rule afresh)");
            }
            if (s.epochs > Integer.MAX_VALUE || s.patterns > Integer.MAX_VALUE) throw err("trainingState: epochs and dataPatterns must be below 2^31");
            TrainingState t;
            try {
                t = new TrainingState(s.rule, s.seed, (int) (long) s.epochs, s.updates, s.rng, s.lrFactor, java.util.Arrays.copyOf(s.optimizer.data, s.optimizer.size), (int) (long) s.patterns, s.fingerprint);
            } catch (IllegalArgumentException e) {
                throw err("trainingState: " + e.getMessage() + " (the file was modified): restore it");
            }
            Object expected = checksum == null ? null : checksum.get("trainingState");
            if (!(expected instanceof String hex) || !stateChecksum(t).equalsIgnoreCase(hex)) {
                throw err("the update rule's state does not match its checksum (the file was modified or damaged): restore it, or remove "
                        + "\"trainingState\" and its checksum (training the model again then starts the update rule afresh)");
            }
            return t;
        }

        // -- the network, streamed into float arrays ----------------------------------------

        NetworkData network() throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) throw err("missing \"network\" object");
            Integer inputs = null;
            List<LayerData> layers = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                    case "inputs" -> inputs = count("network.inputs");
                    case "layers" -> {
                        if (p.currentToken() != JsonToken.START_ARRAY) throw err("network.layers must be a non-empty array");
                        layers = new ArrayList<>();
                        long params = 0;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (layers.size() >= 1024) throw err("network.layers: more than 1024 layers");
                            int below = layers.isEmpty() ? (inputs == null ? -1 : inputs) : layers.getLast().units;
                            LayerData ld = layer("network.layers[" + layers.size() + "]", below, params);
                            params += ld.declaredParams(below);
                            layers.add(ld);
                        }
                    }
                    default -> throw errHere("network: unknown field \"" + Numbers.clip(f) + "\" (the file was modified or is not a model file)");
                }
            }
            if (inputs == null) throw err("network.inputs must be a whole number");
            if (layers == null || layers.isEmpty()) throw err("network.layers must be a non-empty array");
            int[] sizes = new int[layers.size() + 1];
            sizes[0] = inputs;
            for (int l = 1; l <= layers.size(); l++) sizes[l] = layers.get(l - 1).units;
            return new NetworkData(sizes, layers);
        }

        int count(String where) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) throw err(where + " must be a whole number");
            if (p.getNumberType() != JsonParser.NumberType.INT) throw err(where + " must be between 1 and " + MAX_UNITS + ", found " + Numbers.clip(p.getText()));
            int v = p.getIntValue();
            if (v < 1 || v > MAX_UNITS) throw err(where + " must be between 1 and " + MAX_UNITS + ", found " + v);
            return v;
        }

        /** One layer; {@code below} is the width of the layer below (-1 if not yet known). */
        LayerData layer(String where, int below, long paramsBefore) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) throw err(where + " must be an object");
            LayerData ld = new LayerData();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                    case "units" -> {
                        ld.units = count(where + ".units");
                        if (below > 0 && paramsBefore + ld.declaredParams(below) > MAX_PARAMS) {
                            throw err("network has more than " + MAX_PARAMS + " parameters; refusing to allocate");
                        }
                    }
                    case "activation" -> {
                        try {
                            ld.activation = Activation.parse(string(where + ".activation"));
                        } catch (IllegalArgumentException e) {
                            throw err(where + ": " + e.getMessage());
                        }
                    }
                    case "W" -> {
                        if (p.currentToken() != JsonToken.START_ARRAY) throw err(where + ".W must be an array of rows");
                        ld.w = new FloatBuf();
                        ld.rowLengths = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            int t = ld.rowLengths.size();
                            if (ld.units > 0 && t >= ld.units) throw err(where + ".W must have " + ld.units + " rows (one per unit)");
                            if (p.currentToken() != JsonToken.START_ARRAY) {
                                throw err(where + ".W[" + t + "] must have " + (below > 0 ? below + " weights (one per unit below)" : "one weight per unit below"));
                            }
                            int n = 0;
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                if (below > 0 && n >= below) throw err(where + ".W[" + t + "] must have " + below + " weights (one per unit below)");
                                push(ld.w, number(where + ".W[" + t + "][" + n + "]"), paramsBefore, ld);
                                n++;
                            }
                            ld.rowLengths.add(n);
                        }
                    }
                    case "b" -> {
                        if (p.currentToken() != JsonToken.START_ARRAY) throw err(where + ".b must be an array");
                        ld.b = new FloatBuf();
                        int i = 0;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (ld.units > 0 && i >= ld.units) throw err(where + ".b must have " + ld.units + " biases");
                            push(ld.b, number(where + ".b[" + i + "]"), paramsBefore, ld);
                            i++;
                        }
                    }
                    default -> throw errHere(where + ": unknown field \"" + Numbers.clip(f) + "\" (the file was modified or is not a model file)");
                }
            }
            if (ld.units == 0) throw err(where + ".units must be a whole number");
            if (ld.activation == null) throw err(where + ".activation must be a string");
            return ld;
        }

        private void push(FloatBuf buf, float v, long paramsBefore, LayerData ld) throws DataFormatException {
            long held = paramsBefore + (ld.w == null ? 0 : ld.w.size) + (ld.b == null ? 0 : ld.b.size);
            if (held >= MAX_PARAMS) throw err("network has more than " + MAX_PARAMS + " parameters; refusing to allocate");
            buf.add(v);
        }

        float number(String where) throws IOException {
            JsonToken t = p.currentToken();
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) throw err(where + " must be a number");
            float v = (float) p.getDoubleValue();
            if (!Float.isFinite(v)) throw err(where + " is not a finite float32: " + Numbers.clip(p.getText()));
            return v;
        }

        // -- checks and assembly ------------------------------------------------------------

        Model build() throws DataFormatException {
            if (format == null) throw err("not a backprop4j model file (\"format\" is not \"" + FORMAT + "\")");
            if (version == null) throw err("missing or bad \"formatVersion\"");
            if (net == null) throw err("missing \"network\" object");
            int[] sizes = net.sizes;
            int L = sizes.length - 1;
            long params = 0;
            for (int l = 1; l <= L; l++) {
                params += (long) sizes[l] * sizes[l - 1] + sizes[l];
                if (params > MAX_PARAMS) throw err("network has more than " + MAX_PARAMS + " parameters; refusing to allocate");
            }
            if (loss == null) throw err("loss must be a string");
            Loss lossFn;
            try {
                lossFn = Loss.parse(loss);
            } catch (IllegalArgumentException e) {
                throw err(e.getMessage());
            }
            for (int l = 1; l <= L; l++) {
                LayerData ld = net.layers.get(l - 1);
                String where = "network.layers[" + (l - 1) + "]";
                if (ld.w == null || ld.rowLengths.size() != sizes[l]) throw err(where + ".W must have " + sizes[l] + " rows (one per unit)");
                for (int t = 0; t < sizes[l]; t++) {
                    if (ld.rowLengths.get(t) != sizes[l - 1]) throw err(where + ".W[" + t + "] must have " + sizes[l - 1] + " weights (one per unit below)");
                }
                if (ld.b == null || ld.b.size != sizes[l]) throw err(where + ".b must have " + sizes[l] + " biases");
            }
            Activation[] acts = new Activation[L];
            for (int l = 1; l <= L; l++) acts[l - 1] = net.layers.get(l - 1).activation;
            Network network;
            try {
                network = new Network(sizes, acts);
            } catch (IllegalArgumentException e) {
                throw err(e.getMessage());
            }
            for (int l = 1; l <= L; l++) {
                LayerData ld = net.layers.get(l - 1);
                int below = sizes[l - 1];
                for (int t = 0; t < sizes[l]; t++) {
                    for (int u = 0; u < below; u++) network.setWeight(l, t, u, ld.w.data[t * below + u]);
                    network.setBias(l, t, ld.b.data[t]);
                }
            }
            if (checksum == null || !"SHA-256".equals(checksum.get("algorithm"))) {
                throw err("missing checksum (expected \"checksum\": {\"algorithm\": \"SHA-256\", \"weights\": ...})");
            }
            Object expected = checksum.get("weights");
            if (!(expected instanceof String hex) || !weightsChecksum(network.params()).equalsIgnoreCase(hex)) {
                throw err("weights do not match their checksum (the file was modified or damaged): restore it or train again");
            }
            List<String> in = inputNames == null ? List.of() : inputNames;
            if (!in.isEmpty() && in.size() != sizes[0]) throw err("\"inputNames\" has " + in.size() + " names, expected " + sizes[0]);
            if (classNames != null) {
                int nL = sizes[L];
                if (!(nL == classNames.size() || (nL == 1 && classNames.size() == 2))) {
                    throw err(classNames.size() + " class names for " + nL + " outputs");
                }
            }
            if (version >= 2) {
                if (task == null) throw err("\"task\" must be \"classification\" or \"regression\"");
                Task tk;
                try {
                    tk = Task.parse(task);
                } catch (IllegalArgumentException e) {
                    throw err(e.getMessage());
                }
                if ((tk == Task.CLASSIFICATION) != (classNames != null)) {
                    throw err("\"task\" is " + task + " but the file " + (classNames != null ? "has" : "has no") + " \"classNames\" (the file was modified): restore it");
                }
                if (training != null || data != null) throw err("format " + version + " keeps \"training\" and \"data\" inside \"provenance\" (the file was modified)");
            }
            Pipeline pipeline = null;
            if (preprocessing != null && !preprocessing.isEmpty()) {
                try {
                    pipeline = Pipeline.fromMap(preprocessing);
                } catch (DataFormatException e) {
                    throw err("bad preprocessing section: " + e.getMessage());
                } catch (RuntimeException e) {
                    throw err("bad preprocessing section: " + e.getMessage());
                }
            }
            Provenance prov = version >= 2 ? ProvenanceJson.read(provenance, this::err)
                    : ProvenanceJson.readFormat1(training, data, provenance, network, lossFn);
            TrainingState ts = buildState(sizes);
            if (ts == null && checksum.get("trainingState") != null) {
                throw err("the checksum names a \"trainingState\" the file does not hold (the file was modified): restore it");
            }
            Model model;
            try {
                model = Model.builder(network, lossFn).pipeline(pipeline).classNames(classNames).targetNames(targetNames)
                        .inputNames(in.isEmpty() ? null : in).provenance(prov).trainingState(ts).build();
            } catch (IllegalArgumentException e) {
                throw err(e.getMessage());
            }
            if (version >= 2) {
                Object content = checksum.get("content");
                if (!(content instanceof String contentHex) || !contentChecksum(model).equalsIgnoreCase(contentHex)) {
                    throw err("the preprocessing, class names, architecture or loss do not match the checksum (the file was modified or damaged):"
                            + " restore it or train again");
                }
            }
            return model;
        }
    }

    /** The network section as read: sizes and, per layer, the weights in file order. */
    private record NetworkData(int[] sizes, List<LayerData> layers) {}

    private static final class LayerData {
        int units;
        Activation activation;
        FloatBuf w, b;
        List<Integer> rowLengths;

        long declaredParams(int below) {
            return below > 0 && units > 0 ? (long) units * below + units : 0;
        }
    }

    /** The training state's fields as streamed in (null: absent). */
    private static final class StateData {
        String rule;
        Long seed, epochs, updates, rng, patterns, fingerprint;
        Double lrFactor;
        DoubleBuf optimizer;
    }

    /** A growing double array, bounded by {@link #MAX_PARAMS}. */
    private static final class DoubleBuf {
        double[] data = new double[16];
        int size;

        void add(double v) {
            if (size == data.length) data = Arrays.copyOf(data, (int) Math.min(MAX_PARAMS, 2L * data.length));
            data[size++] = v;
        }
    }

    /** A growing float array, bounded by {@link #MAX_PARAMS} over the whole network. */
    private static final class FloatBuf {
        float[] data = new float[16];
        int size;

        void add(float v) {
            if (size == data.length) data = Arrays.copyOf(data, (int) Math.min(MAX_PARAMS, 2L * data.length));
            data[size++] = v;
        }
    }

    // ---- misc -------------------------------------------------------------------------------

    /** {@return this library's version (e.g. {@code 0.1.0-SNAPSHOT}), as {@link Provenance#libraryVersion()}} */
    public static String libraryVersion() {
        return Provenance.libraryVersion();
    }
}
