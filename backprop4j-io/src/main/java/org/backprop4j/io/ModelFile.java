package org.backprop4j.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.util.AtomicFiles;

/**
 * Model files: one versioned, locale-independent JSON document (UTF-8) per model.
 *
 * <pre>
 * { "format": "backprop4j-model", "formatVersion": 1,
 *   "network": { "inputs": 4, "layers": [ { "units": 8, "activation": "tanh", "W": [[...], ...], "b": [...] }, ... ] },
 *   "loss": "ce", "inputNames": [...], "classNames": [...], "targetNames": [...],
 *   "preprocessing": {...}, "training": {...}, "data": {...}, "provenance": {...},
 *   "checksum": { "algorithm": "SHA-256", "weights": "hex" } }
 * </pre>
 *
 * Weights are written as the shortest decimal that reads back to the same float32, so a model saved
 * and loaded predicts bit-identically. Writing goes to a temporary file in the same directory that is
 * then renamed over the target, so a crash never leaves a half-written model. Reading validates
 * everything (sizes before any allocation, finite weights, checksum, version) and reports problems
 * as a {@link DataFormatException} naming the file and, where known, the line and column.
 */
public final class ModelFile {
    /** The format this version writes; files with a larger version are refused. */
    public static final int FORMAT_VERSION = 1;
    static final String FORMAT = "backprop4j-model";
    /** Upper bound on parameters accepted from a file (2^28 floats = 1 GiB). */
    static final long MAX_PARAMS = 1L << 28;
    /** Upper bound on one layer's width. */
    static final int MAX_UNITS = 1 << 24;

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(64)
                    .maxStringLength(1 << 20).build())
            .build())
            .enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFile() {}

    /** Writes the model atomically (temporary file, then rename). */
    public static void write(Model model, Path file) throws IOException {
        ObjectNode root = toJson(model);
        AtomicFiles.write(file, out -> MAPPER.writeValue(out, root));
    }

    /** The bytes {@link #write} puts in the file (for writing it together with other files). */
    public static byte[] toBytes(Model model) throws IOException {
        return MAPPER.writeValueAsBytes(toJson(model));
    }

    /** The JSON document of a model. */
    public static ObjectNode toJson(Model model) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("format", FORMAT);
        root.put("formatVersion", FORMAT_VERSION);
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
        stringArray(root.putArray("inputNames"), model.inputNames());
        if (model.classNames() != null) stringArray(root.putArray("classNames"), model.classNames());
        stringArray(root.putArray("targetNames"), model.targetNames());
        root.set("preprocessing", MAPPER.valueToTree(model.preprocessing()));
        root.set("training", MAPPER.valueToTree(model.training()));
        root.set("data", MAPPER.valueToTree(model.data()));
        Map<String, Object> prov = new LinkedHashMap<>(model.provenance());
        prov.putIfAbsent("library", "backprop4j " + libraryVersion());
        prov.putIfAbsent("java", Runtime.version().toString());
        prov.putIfAbsent("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        prov.putIfAbsent("created", Instant.now().toString());
        root.set("provenance", MAPPER.valueToTree(prov));
        ObjectNode c = root.putObject("checksum");
        c.put("algorithm", "SHA-256");
        c.put("weights", weightsChecksum(net.params()));
        return root;
    }

    /** Reads and validates a model file. */
    public static Model read(Path file) throws IOException {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString());
        org.backprop4j.data.Sources.requireFile(file);
        return fromTree(() -> MAPPER.readTree(file.toFile()), name);
    }

    /**
     * Reads and validates a model from the bytes of a model file ({@code name} is used in
     * messages); the same checks as {@link #read(Path)}.
     */
    public static Model parse(byte[] json, String name) throws DataFormatException {
        try {
            return fromTree(() -> MAPPER.readTree(json), name);
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFormatException(name, 0, 0, "cannot read: " + e.getMessage());
        }
    }

    private interface TreeSource {
        JsonNode get() throws IOException;
    }

    private static Model fromTree(TreeSource source, String name) throws IOException {
        JsonNode root;
        try {
            root = source.get();
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String msg = e.getOriginalMessage();
            int nl = msg.indexOf('\n');
            if (nl >= 0) msg = msg.substring(0, nl);
            msg = msg.replaceAll("\\[Source: [^;\\]]*; ", "[");   // Jackson's "[Source: REDACTED (...); line: 9, ...]"
            throw new DataFormatException(name, loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr(),
                    "not valid JSON: " + msg);
        }
        if (root == null || !root.isObject()) throw new DataFormatException(name, 1, 0, "not a backprop4j model file (expected a JSON object)");
        return fromJson(root, name);
    }

    /** Validates a parsed document and builds the model. */
    public static Model fromJson(JsonNode root, String name) throws DataFormatException {
        Reader r = new Reader(name);
        if (!FORMAT.equals(root.path("format").asText(null))) {
            throw r.err("not a backprop4j model file (\"format\" is not \"" + FORMAT + "\")");
        }
        JsonNode v = root.get("formatVersion");
        if (v == null || !v.canConvertToInt()) throw r.err("missing or bad \"formatVersion\"");
        if (v.asInt() > FORMAT_VERSION) {
            throw r.err("written by a newer backprop4j (model format " + v.asInt() + "; this version reads up to "
                    + FORMAT_VERSION + "): upgrade backprop4j to load it");
        }
        if (v.asInt() < 1) throw r.err("bad \"formatVersion\" " + v.asInt());

        JsonNode n = r.object(root, "network");
        int inputs = r.count(n, "inputs", "network.inputs");
        JsonNode layers = n.get("layers");
        if (layers == null || !layers.isArray() || layers.isEmpty()) throw r.err("network.layers must be a non-empty array");
        int L = layers.size();
        int[] sizes = new int[L + 1];
        Activation[] acts = new Activation[L];
        sizes[0] = inputs;
        long params = 0;
        for (int l = 1; l <= L; l++) {
            JsonNode layer = layers.get(l - 1);
            String where = "network.layers[" + (l - 1) + "]";
            if (!layer.isObject()) throw r.err(where + " must be an object");
            sizes[l] = r.count(layer, "units", where + ".units");
            try {
                acts[l - 1] = Activation.parse(r.text(layer, "activation", where + ".activation"));
            } catch (IllegalArgumentException e) {
                throw r.err(where + ": " + e.getMessage());
            }
            params += (long) sizes[l] * sizes[l - 1] + sizes[l];
            if (params > MAX_PARAMS) throw r.err("network has more than " + MAX_PARAMS + " parameters; refusing to allocate");
        }
        Loss loss;
        try {
            loss = Loss.parse(r.text(root, "loss", "loss"));
        } catch (IllegalArgumentException e) {
            throw r.err(e.getMessage());
        }
        // the sizes are bounded and consistent: now check every array's shape, then allocate
        for (int l = 1; l <= L; l++) {
            JsonNode layer = layers.get(l - 1);
            String where = "network.layers[" + (l - 1) + "]";
            JsonNode w = layer.get("W");
            if (w == null || !w.isArray() || w.size() != sizes[l]) {
                throw r.err(where + ".W must have " + sizes[l] + " rows (one per unit)");
            }
            for (int t = 0; t < sizes[l]; t++) {
                JsonNode row = w.get(t);
                if (!row.isArray() || row.size() != sizes[l - 1]) {
                    throw r.err(where + ".W[" + t + "] must have " + sizes[l - 1] + " weights (one per unit below)");
                }
            }
            JsonNode b = layer.get("b");
            if (b == null || !b.isArray() || b.size() != sizes[l]) throw r.err(where + ".b must have " + sizes[l] + " biases");
        }
        Network net;
        try {
            net = new Network(sizes, acts);
        } catch (IllegalArgumentException e) {
            throw r.err(e.getMessage());
        }
        for (int l = 1; l <= L; l++) {
            JsonNode layer = layers.get(l - 1);
            String where = "network.layers[" + (l - 1) + "]";
            for (int t = 0; t < sizes[l]; t++) {
                JsonNode row = layer.get("W").get(t);
                for (int u = 0; u < sizes[l - 1]; u++) {
                    net.setWeight(l, t, u, r.finite(row.get(u), where + ".W[" + t + "][" + u + "]"));
                }
                net.setBias(l, t, r.finite(layer.get("b").get(t), where + ".b[" + t + "]"));
            }
        }
        JsonNode c = root.get("checksum");
        if (c == null || !c.isObject() || !"SHA-256".equals(c.path("algorithm").asText())) {
            throw r.err("missing checksum (expected \"checksum\": {\"algorithm\": \"SHA-256\", \"weights\": ...})");
        }
        String expected = c.path("weights").asText("");
        String actual = weightsChecksum(net.params());
        if (!actual.equalsIgnoreCase(expected)) {
            throw r.err("weights do not match their checksum (the file was modified or damaged)");
        }
        List<String> inputNames = r.strings(root, "inputNames", inputs);
        List<String> classNames = root.has("classNames") ? r.strings(root, "classNames", -1) : null;
        if (classNames != null) {
            int nL = sizes[L];
            if (!(nL == classNames.size() || (nL == 1 && classNames.size() == 2))) {
                throw r.err(classNames.size() + " class names for " + nL + " outputs");
            }
        }
        List<String> targetNames = r.strings(root, "targetNames", -1);
        try {
            return new Model(net, loss, inputNames.isEmpty() ? null : inputNames, classNames, targetNames,
                    r.map(root, "preprocessing"), r.map(root, "training"), r.map(root, "data"), r.map(root, "provenance"));
        } catch (IllegalArgumentException e) {
            throw r.err(e.getMessage());
        }
    }

    /** SHA-256 over the parameters' IEEE-754 bits, big-endian, as lower-case hex. */
    public static String weightsChecksum(float[] p) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
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
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /**
     * This library's version (e.g. {@code 0.1.0-SNAPSHOT}), from {@code version.properties}, which the
     * build fills in; "dev" only when the classes were compiled without Maven's resource filtering.
     */
    public static String libraryVersion() {
        return LIBRARY_VERSION;
    }

    private static final String LIBRARY_VERSION = readLibraryVersion();

    private static String readLibraryVersion() {
        try (java.io.InputStream in = ModelFile.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                String v = p.getProperty("version", "").strip();
                if (!v.isEmpty() && !v.startsWith("${")) return v;
            }
        } catch (IOException e) {
            // fall through: a missing or unreadable resource is not worth failing a save for
        }
        String v = ModelFile.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static void stringArray(ArrayNode a, List<String> values) {
        for (String s : values) a.add(s);
    }

    /** Field access with uniform error messages. */
    private record Reader(String name) {
        DataFormatException err(String problem) {
            return new DataFormatException(name, 0, 0, problem);
        }

        JsonNode object(JsonNode parent, String field) throws DataFormatException {
            JsonNode n = parent.get(field);
            if (n == null || !n.isObject()) throw err("missing \"" + field + "\" object");
            return n;
        }

        int count(JsonNode parent, String field, String where) throws DataFormatException {
            JsonNode n = parent.get(field);
            if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) throw err(where + " must be a whole number");
            int v = n.asInt();
            if (v < 1 || v > MAX_UNITS) throw err(where + " must be between 1 and " + MAX_UNITS + ", found " + v);
            return v;
        }

        String text(JsonNode parent, String field, String where) throws DataFormatException {
            JsonNode n = parent.get(field);
            if (n == null || !n.isTextual()) throw err(where + " must be a string");
            return n.asText();
        }

        float finite(JsonNode n, String where) throws DataFormatException {
            if (n == null || !n.isNumber()) throw err(where + " must be a number");
            float v = n.floatValue();
            if (!Float.isFinite(v)) throw err(where + " is not a finite float32: " + n.asText());
            return v;
        }

        List<String> strings(JsonNode parent, String field, int expected) throws DataFormatException {
            JsonNode n = parent.get(field);
            if (n == null || n.isNull()) return List.of();
            if (!n.isArray()) throw err("\"" + field + "\" must be an array of strings");
            if (expected >= 0 && !n.isEmpty() && n.size() != expected) {
                throw err("\"" + field + "\" has " + n.size() + " names, expected " + expected);
            }
            List<String> out = new ArrayList<>(n.size());
            for (JsonNode s : n) {
                if (!s.isTextual()) throw err("\"" + field + "\" must contain only strings");
                out.add(s.asText());
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map(JsonNode parent, String field) throws DataFormatException {
            JsonNode n = parent.get(field);
            if (n == null || n.isNull()) return Map.of();
            if (!n.isObject()) throw err("\"" + field + "\" must be an object");
            return MAPPER.convertValue(n, Map.class);
        }
    }

}
