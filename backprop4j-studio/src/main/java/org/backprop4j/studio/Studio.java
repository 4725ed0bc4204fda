package org.backprop4j.studio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.data.DataFormatException;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.JacobsExample;
import org.backprop4j.data.Pipeline;
import org.backprop4j.model.Model;
import org.backprop4j.model.Provenance;
import org.backprop4j.io.ModelFile;
import org.backprop4j.reference.ReferenceNetwork;

/**
 * The studio's web server: the JDK's {@link HttpServer} on virtual threads (no dependency, and a
 * local single-user app needs nothing more), serving the page from the class path and a small JSON
 * API; training state is streamed to the page as Server-Sent Events, at most one frame per
 * {@link #FRAME_NANOS} per run (60 a second) whatever the training speed.
 *
 * <p>Safety: it binds 127.0.0.1 unless told otherwise; every request must name this server in its
 * Host header (DNS rebinding) and, when it carries an Origin, come from the studio's own origin;
 * requests that change state must be JSON (which a cross-site form cannot send without a CORS
 * preflight, and no CORS header is ever granted). Every parameter is checked: a bad one gets a
 * 400 with a one-line message the page shows, never a stack trace.
 */
public final class Studio implements AutoCloseable {
    static {
        // TCP_NODELAY: else a frame written while the previous one waits for the browser's delayed ACK is held back
        // (Nagle) and leaves with the next one, and the page draws the two as one; read when the JDK server's configuration loads
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    static final int MAX_BODY = 4_000_000;
    /** At most one frame per run to each page this often: a display's refresh (60 Hz), which the page cannot outdraw. */
    static final long FRAME_NANOS = 1_000_000_000L / 60;
    static final Set<String> RUN_IDS = Set.of("main", "a", "b");

    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_BODY).maxNestingDepth(64).build()).build());
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final HttpServer server;
    private final ExecutorService executor;
    private final Set<String> hosts = new TreeSet<>();
    private final Set<String> origins = new TreeSet<>();
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final Map<String, String> csvs = new ConcurrentHashMap<>();   // the user's CSV per run
    private final AtomicLong generations = new AtomicLong();
    private volatile boolean running = true;
    private final URI uri;

    private Studio(InetAddress bind, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(bind, port), 50);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        int p = server.getAddress().getPort();
        hosts.add("127.0.0.1:" + p);
        hosts.add("localhost:" + p);
        hosts.add("[::1]:" + p);
        String b = bind.getHostAddress();
        hosts.add((b.contains(":") ? "[" + b + "]" : b) + ":" + p);
        for (String h : hosts) origins.add("http://" + h);
        server.createContext("/", this::handle);
        server.start();
        String shown = bind.isAnyLocalAddress() || bind.isLoopbackAddress() ? "127.0.0.1" : b;
        uri = URI.create("http://" + (shown.contains(":") ? "[" + shown + "]" : shown) + ":" + p + "/");
    }

    /** Starts a studio on {@code bind}:{@code port} (port 0: any free port). */
    public static Studio start(InetAddress bind, int port) throws IOException {
        return new Studio(bind, port);
    }

    /** Starts a studio on 127.0.0.1. */
    public static Studio start(int port) throws IOException {
        return start(InetAddress.getLoopbackAddress(), port);
    }

    /** The page's address. */
    public URI uri() {
        return uri;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        running = false;
        for (Run r : runs.values()) r.close();
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- requests

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String refusal = refusal(ex);
            if (refusal != null) {
                error(ex, 403, refusal);
                return;
            }
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.startsWith("/api/")) {
                api(ex, method, path.substring(5));
            } else if (method.equals("GET") || method.equals("HEAD")) {
                resource(ex, path.equals("/") ? "index.html" : path.substring(1));
            } else {
                error(ex, 405, method + " " + path + ": not allowed");
            }
        } catch (IOException e) {
            // the page went away mid-answer: nothing to tell it
        }
    }

    /** Why a request is refused (Host, Origin, Sec-Fetch-Site), or null. */
    String refusal(HttpExchange ex) {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null || !hosts.contains(host.toLowerCase(Locale.ROOT))) {
            return "refused: the Host header " + (host == null ? "is missing" : "'" + host + "' is not this studio's address")
                    + " (only " + String.join(", ", hosts) + ")";
        }
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin != null && !origins.contains(origin.toLowerCase(Locale.ROOT))) {
            return "refused: cross-origin request from " + origin;
        }
        String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
        if ("cross-site".equals(site)) return "refused: cross-site request";
        return null;
    }

    private void api(HttpExchange ex, String method, String route) throws IOException {
        try {
            if (method.equals("POST")) {
                String type = ex.getRequestHeaders().getFirst("Content-Type");
                if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                    error(ex, 415, "requests that change the studio must be JSON (Content-Type: application/json)");
                    return;
                }
                JsonNode body = readJson(ex);
                switch (route) {
                    case "run" -> json(ex, createRun(body));
                    case "control" -> json(ex, control(body));
                    case "stepthrough" -> json(ex, stepThrough(body));
                    case "inspect" -> json(ex, inspect(body));
                    default -> error(ex, 404, "no such API: POST /api/" + route);
                }
            } else if (method.equals("GET")) {
                Map<String, String> q = query(ex.getRequestURI());
                switch (route) {
                    case "meta" -> json(ex, meta());
                    case "compare" -> json(ex, compare());
                    case "events" -> events(ex);
                    case "export" -> json(ex, export(run(q.get("run"))));
                    case "export/data.csv" -> download(ex, "text/csv", run(q.get("run")).config.csvName(), run(q.get("run")).data.csv());
                    case "export/model.json" -> {
                        Run r = exportable(run(q.get("run")));
                        download(ex, "application/json", "studio-model.json", PRETTY.writeValueAsString(modelJson(r)));
                    }
                    default -> error(ex, 404, "no such API: GET /api/" + route);
                }
            } else {
                error(ex, 405, method + " /api/" + route + ": not allowed");
            }
        } catch (IllegalArgumentException | DataFormatException e) {
            error(ex, 400, e.getMessage());
        } catch (JsonProcessingException e) {
            error(ex, 400, "the request is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            // a bug, not the user's input: one line to the page and to the console, no stack trace
            System.err.println("backprop4j studio: internal error on " + method + " /api/" + route + ": " + e);
            error(ex, 500, "internal error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private static JsonNode readJson(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) throw new IllegalArgumentException("the request is larger than " + MAX_BODY / 1_000_000 + " MB");
            if (b.length == 0) throw new IllegalArgumentException("the request has no body (expected JSON)");
            return JSON.readTree(b);
        }
    }

    private static Map<String, String> query(URI u) {
        Map<String, String> m = new HashMap<>();
        String q = u.getRawQuery();
        if (q == null) return m;
        for (String kv : q.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) m.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    /** The run {@code id} (main, a or b); a one-line error when there is none. */
    Run run(String id) {
        if (id == null || !RUN_IDS.contains(id)) throw new IllegalArgumentException("run: expected one of " + new TreeSet<>(RUN_IDS) + ", not '" + id + "'");
        Run r = runs.get(id);
        if (r == null) throw new IllegalArgumentException("run '" + id + "' has not been set up yet");
        return r;
    }

    private static String runId(JsonNode body) {
        JsonNode r = body.get("run");
        String id = r == null || r.isNull() ? "main" : r.asText();
        if (!RUN_IDS.contains(id)) throw new IllegalArgumentException("run: expected one of " + new TreeSet<>(RUN_IDS) + ", not '" + id + "'");
        return id;
    }

    // ---------------------------------------------------------------- API

    private ObjectNode meta() {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        ArrayNode ds = m.putArray("datasets");
        for (String n : Datasets.NAMES) ds.addObject().put("name", n).put("description", Datasets.describe(n));
        ObjectNode opts = m.putObject("optimizers");
        for (Map.Entry<String, Map<String, Double>> e : RunConfig.OPTIMIZER_PARAMS.entrySet()) {
            ObjectNode o = opts.putObject(e.getKey());
            for (Map.Entry<String, Double> p : e.getValue().entrySet()) o.put(p.getKey(), p.getValue());
        }
        ArrayNode fb = m.putArray("fullBatchOnly");
        for (String n : RunConfig.OPTIMIZER_PARAMS.keySet()) {
            if (org.backprop4j.train.Optimizers.isFullBatch(n)) fb.add(n);
        }
        m.set("hiddenActivations", JSON.valueToTree(RunConfig.HIDDEN_ACTIVATIONS));
        m.set("inits", JSON.valueToTree(RunConfig.INITS));
        m.set("losses", JSON.valueToTree(RunConfig.LOSSES));
        m.set("scalings", JSON.valueToTree(RunConfig.SCALINGS));
        m.put("maxHiddenLayers", RunConfig.MAX_HIDDEN_LAYERS).put("maxUnits", RunConfig.MAX_UNITS);
        // the page starts on XOR with plain gradient descent at η = 0.5 (the library's default 0.1 is slow on four patterns)
        ObjectNode start = JSON.createObjectNode();
        start.putObject("optimizerParams").put("lr", 0.5);
        m.set("defaults", RunConfig.parse(start).toJson());
        return m;
    }

    private ObjectNode createRun(JsonNode body) throws IOException {
        String id = runId(body);
        JsonNode csv = body.get("csv");
        if (csv != null && !csv.isNull()) {
            if (!csv.isTextual()) throw new IllegalArgumentException("csv: expected the file's text");
            Datasets.userCsv(csv.asText());   // checked now, so that a bad file is reported at once
            csvs.put(id, csv.asText());
        }
        RunConfig cfg = RunConfig.parse(body.get("config"));
        // the compare runs are "on the playground's data": sent no CSV of their own, they train on the playground's
        String userCsv = csvs.containsKey(id) ? csvs.get(id) : csvs.get("main");
        Run r = new Run(id, generations.incrementAndGet(), cfg, userCsv);
        Run old = runs.put(id, r);
        if (old != null) old.close();
        return describe(r);
    }

    /** What the page needs to draw a run before its first frame: data points, domain, layer sizes. */
    private ObjectNode describe(Run r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("run", r.id).put("gen", r.generation);
        o.set("config", r.config.toJson());
        ArrayNode sizes = o.putArray("sizes");
        for (int s : r.network.sizes()) sizes.add(s);
        ArrayNode acts = o.putArray("activations");
        for (int l = 1; l <= r.network.layers(); l++) acts.add(r.network.activation(l).id());
        ArrayNode dom = o.putArray("domain");
        for (double d : r.surfaces.domain) dom.add(d);
        o.set("train", points(r.data.rawTrain()));
        if (r.data.rawValidation() != null) o.set("validation", points(r.data.rawValidation()));
        o.put("trainSize", r.data.train().size());
        o.put("description", Datasets.describe(r.config.dataset()));
        return o;
    }

    private static ArrayNode points(DataSet raw) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        int n = raw.outputs();
        for (int p = 0; p < raw.size(); p++) {
            int label = n == 1 ? (raw.d()[p] >= 0.5f ? 1 : 0) : (raw.d()[p * n + 1] > raw.d()[p * n] ? 1 : 0);
            a.addArray().add(raw.x()[2 * p]).add(raw.x()[2 * p + 1]).add(label);
        }
        return a;
    }

    /**
     * What compare's two runs share before their first epoch: the same data (every input and target of
     * both parts, after scaling) and, layer by layer, the same initial weights and biases (every value
     * compared, bit for bit). The initialisation draws every weight from one stream seeded with the run's
     * seed, layer after layer in parameter order ({@link org.backprop4j.Init}), so with the same seed layer
     * l starts alike in both runs when all layers up to l have the same sizes (the stream is at the same
     * place) and layer l the same range (auto: He for relu and leaky_relu, Xavier for the rest; a uniform
     * or fan-in range depends on sizes only); the others start apart. The page shows the message.
     */
    ObjectNode compare() {
        Run a = run("a"), b = run("b");
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        boolean sameData = sameData(a.data.train(), b.data.train()) && sameData(a.data.validation(), b.data.validation());
        o.put("sameData", sameData);
        Network na = a.initial, nb = b.initial;
        ArrayNode alike = o.putArray("layersAlike");
        int firstDifferent = 0;
        StringBuilder same = new StringBuilder();
        int layers = Math.max(na.layers(), nb.layers());
        for (int l = 1; l <= layers; l++) {
            boolean eq = l <= na.layers() && l <= nb.layers() && na.size(l - 1) == nb.size(l - 1) && na.size(l) == nb.size(l)
                    && sameLayer(na, nb, l);
            alike.add(eq);
            if (eq) same.append(same.isEmpty() ? "" : ", ").append(l);
            else if (firstDifferent == 0) firstDifferent = l;
        }
        boolean identical = firstDifferent == 0 && java.util.Arrays.equals(na.sizes(), nb.sizes());
        o.put("sameInitialWeights", identical);
        String data = sameData ? "same data" : "different data (not the same data set, seed or scaling)";
        String weights;
        if (identical) {
            weights = "the same initial weights: all " + na.paramCount() + " weights and biases";
        } else if (same.isEmpty()) {
            weights = "different networks (" + na.describe() + " and " + nb.describe() + "): no layer starts with the same weights";
        } else {
            weights = "different networks (" + na.describe() + " and " + nb.describe() + "): layer" + (same.indexOf(",") >= 0 ? "s " : " ") + same
                    + " start" + (same.indexOf(",") >= 0 ? "" : "s") + " with the same weights, the rest do not";
        }
        o.put("message", data + "; " + weights);
        return o;
    }

    private static boolean sameData(DataSet x, DataSet y) {
        if (x == null || y == null) return x == y;
        return java.util.Arrays.equals(x.x(), y.x()) && java.util.Arrays.equals(x.d(), y.d());
    }

    /** Layer l's weights and biases, bit for bit (the two networks' layer l has the same shape). */
    private static boolean sameLayer(Network a, Network b, int l) {
        int n = a.size(l) * a.size(l - 1), m = a.size(l);
        float[] pa = a.params(), pb = b.params();
        return java.util.Arrays.equals(pa, a.weightOffset(l), a.weightOffset(l) + n, pb, b.weightOffset(l), b.weightOffset(l) + n)
                && java.util.Arrays.equals(pa, a.biasOffset(l), a.biasOffset(l) + m, pb, b.biasOffset(l), b.biasOffset(l) + m);
    }

    private ObjectNode control(JsonNode body) {
        Run r = run(runId(body));
        JsonNode a = body.get("action");
        String action = a == null ? "" : a.asText();
        switch (action) {
            case "play" -> r.play();
            case "pause" -> r.pause();
            case "step" -> {
                JsonNode e = body.get("epochs");
                long n = e == null || e.isNull() ? 1 : e.isIntegralNumber() ? e.asLong() : -1;
                if (n < 1 || n > RunConfig.MAX_EPOCHS) throw new IllegalArgumentException("epochs: a whole number from 1 to " + RunConfig.MAX_EPOCHS + ", not " + e);
                r.step((int) n);
            }
            default -> throw new IllegalArgumentException("action: expected play, pause or step, not '" + action + "'");
        }
        return JsonNodeFactory.instance.objectNode().put("run", r.id).put("state", r.state().name().toLowerCase(Locale.ROOT));
    }

    private ObjectNode stepThrough(JsonNode body) {
        JsonNode s = body.get("source");
        String source = s == null ? "jacobs" : s.asText();
        double eta = body.hasNonNull("eta") ? body.get("eta").asDouble(Double.NaN) : 0.1;
        if (body.hasNonNull("eta") && !body.get("eta").isNumber()) eta = Double.NaN;
        if (!(eta > 0) || eta > 100) throw new IllegalArgumentException("η: the learning rate must be a number above 0 and at most 100, not " + body.get("eta"));
        if (source.equals("jacobs")) {
            ReferenceNetwork net = new ReferenceNetwork(JacobsExample.network(), Loss.SSE);
            return StepThrough.explain(net, JacobsExample.X, JacobsExample.D, eta,
                    "Jacobs' worked example (lecture note 003): 2-2-2, logistic hidden units, linear outputs, E_p = ½Σ(d − o)², x = (1, 2), d = (1, 0)");
        }
        if (!source.equals("run")) throw new IllegalArgumentException("source: expected jacobs or run, not '" + source + "'");
        Run r = runs.get("main");
        if (r == null) throw new IllegalArgumentException("set up a run in the playground first");
        JsonNode pn = body.get("pattern");
        int n = r.data.train().size();
        if (pn == null || !pn.isIntegralNumber() || pn.asLong() < 1 || pn.asLong() > n) {
            throw new IllegalArgumentException("pattern: a whole number from 1 to " + n + " (the training set), not " + pn);
        }
        int p = pn.asInt() - 1;
        Run.Snapshot snap = r.snapshot();
        Network net = r.network.copy();
        net.setParams(snap.params());
        DataSet t = r.data.train();
        double[] x = new double[t.inputs()], d = new double[t.outputs()];
        for (int i = 0; i < x.length; i++) x[i] = t.x()[p * x.length + i];
        for (int k = 0; k < d.length; k++) d[k] = t.d()[p * d.length + k];
        return StepThrough.explain(new ReferenceNetwork(net, r.loss), x, d, eta,
                "pattern " + (p + 1) + " of the playground's training set (inputs after scaling), weights of epoch " + snap.epoch()
                        + ", network " + net.describe() + ", loss " + r.loss.id());
    }

    /** The run must be paused, finished or not started, and not diverged, for its weights to be exported. */
    private static Run exportable(Run r) {
        Run.State s = r.snapshot().state();
        if (s == Run.State.RUNNING) throw new IllegalArgumentException("pause the run first: its weights are changing");
        String reason = r.stopReason();
        if (reason != null && reason.startsWith("diverged")) {
            throw new IllegalArgumentException("this run diverged (" + reason + "): backprop4j train would not write a model either");
        }
        return r;
    }

    private ObjectNode export(Run r) {
        exportable(r);
        int epochs = r.snapshot().epoch();
        List<String> args = new java.util.ArrayList<>(r.config.trainArguments(epochs, r.config.csvName(), "model.json"));
        // the kernels this run used: another's round sums differently, and the command must give these weights
        args.addAll(List.of("--kernel", org.backprop4j.kernel.KernelProvider.get().name()));
        StringBuilder cmd = new StringBuilder("backprop4j train");
        for (String a : args) cmd.append(' ').append(shellQuote(a));
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("command", cmd.toString()).put("epochs", epochs).put("csvName", r.config.csvName());
        o.set("arguments", JSON.valueToTree(args));
        return o;
    }

    static String shellQuote(String a) {
        if (a.matches("[A-Za-z0-9_./:=,+@%-]+")) return a;
        return "'" + a.replace("'", "'\\''") + "'";
    }

    /** The model file of the run's current weights, as {@code backprop4j train} writes it (same network, pipeline and names). */
    private ObjectNode modelJson(Run r) {
        Run.Snapshot snap = r.snapshot();
        Network net = r.network.copy();
        net.setParams(snap.params());
        DataSet raw = r.data.raw();
        EpochFigures last = EpochFigures.of(r, snap);
        Provenance.Outcome outcome = new Provenance.Outcome(snap.epoch(), snap.stopReason() == null ? "paused in the studio" : snap.stopReason(),
                0, 1, Double.NaN, Double.NaN, last.loss(), Double.NaN, last.validationLoss(), Double.NaN);
        Provenance prov = new Provenance(r.config.settings(snap.epoch()), outcome,
                new Provenance.DataInfo(r.config.csvName(), raw.size(), sha256(r.data.csv())), Provenance.Environment.current());
        Model m = Model.builder(net, r.loss).pipeline(r.data.pipeline()).classNames(raw.classNames()).inputNames(raw.inputNames())
                .targetNames(raw.schema() == null ? List.of() : raw.schema().targets().stream().map(a -> a.name()).toList())
                .provenance(prov).build();
        return ModelFile.toJson(m);
    }

    /** The losses of a snapshot's last epoch (NaN before the first). */
    private record EpochFigures(double loss, double validationLoss) {
        static EpochFigures of(Run r, Run.Snapshot snap) {
            List<double[]> h = r.history(snap.historySize() - 1, snap.historySize());
            return h.isEmpty() ? new EpochFigures(Double.NaN, Double.NaN) : new EpochFigures(h.get(0)[1], h.get(0)[2]);
        }
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode inspect(JsonNode body) throws DataFormatException {
        JsonNode t = body.get("text");
        if (t == null || !t.isTextual()) throw new IllegalArgumentException("text: expected the model file's contents");
        String name = body.hasNonNull("name") ? body.get("name").asText() : "model.json";
        Model m = ModelFile.parse(t.asText().getBytes(StandardCharsets.UTF_8), name);
        Network net = m.network();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", name).put("describe", net.describe()).put("loss", m.loss().id()).put("parameters", net.paramCount());
        ArrayNode sizes = o.putArray("sizes");
        for (int s : net.sizes()) sizes.add(s);
        ArrayNode acts = o.putArray("activations");
        for (int l = 1; l <= net.layers(); l++) acts.add(net.activation(l).id());
        ArrayNode params = o.putArray("params");
        for (float v : net.params()) params.add(v);
        o.set("inputNames", JSON.valueToTree(m.inputNames()));
        if (m.isClassification()) o.set("classNames", JSON.valueToTree(m.classNames()));
        Provenance pv = m.provenance();
        if (pv.settings() != null) {
            org.backprop4j.train.Settings st = pv.settings();
            ObjectNode training = JSON.valueToTree(st);
            // the names the model file and the command line use (tanh, softmax, ce), not the enum constants'
            if (st.activations() != null) training.set("activations", JSON.valueToTree(st.activations().stream().map(Activation::id).toList()));
            if (st.output() != null) training.put("output", st.output().id());
            if (st.loss() != null) training.put("loss", st.loss().id());
            o.set("training", training);
        }
        if (pv.outcome() != null) o.set("outcome", JSON.valueToTree(pv.outcome()));
        if (pv.data() != null) o.set("data", JSON.valueToTree(pv.data()));
        if (net.inputs() == 2) {
            Pipeline pipeline = m.pipeline();
            double[] domain = inspectDomain(pipeline);
            Surfaces s = new Surfaces(net, pipeline, domain);
            ArrayNode dom = o.putArray("domain");
            for (double d : domain) dom.add(d);
            o.set("frame", s.frame(net.params()));
        }
        return o;
    }

    /** Where to draw a loaded model: the inputs' usual range as its scaling records it. */
    static double[] inspectDomain(Pipeline p) {
        double[] d = {-1.5, 1.5, -1.5, 1.5};
        if (p == null) return d;
        double[] c = p.center(), s = p.scale();
        for (int i = 0; i < 2; i++) {
            double lo, hi;
            switch (p.options().inputs()) {
                case STANDARDIZE -> { lo = c[i] - 2.5 * s[i]; hi = c[i] + 2.5 * s[i]; }
                case MINMAX_01 -> { lo = c[i] - 0.15 * s[i]; hi = c[i] + 1.15 * s[i]; }
                case MINMAX_PM1 -> { lo = c[i] - 1.15 * s[i]; hi = c[i] + 1.15 * s[i]; }
                default -> { lo = d[2 * i]; hi = d[2 * i + 1]; }
            }
            d[2 * i] = lo;
            d[2 * i + 1] = hi;
        }
        return d;
    }

    // ---------------------------------------------------------------- the event stream

    /**
     * Server-Sent Events: every {@link #FRAME_NANOS}, one "frame" event per run whose weights changed
     * (the newest snapshot: the ones in between are never sent), with the epochs' losses since the
     * last frame this page got. A slow page simply gets fewer frames.
     */
    private void events(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        Map<String, long[]> sent = new HashMap<>();   // run → {generation, snapshot version, history rows sent}
        long lastWrite = System.nanoTime();
        out.write(": backprop4j studio\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (running) {
            long t0 = System.nanoTime();
            for (Run r : List.copyOf(runs.values())) {
                long[] s = sent.get(r.id);
                Run.Snapshot snap = r.snapshot();
                if (s != null && s[0] == r.generation && s[1] == snap.version()) continue;
                int from = s != null && s[0] == r.generation ? (int) s[2] : 0;
                String frame = frame(r, snap, from);
                out.write(("event: frame\ndata: " + frame + "\n\n").getBytes(StandardCharsets.UTF_8));
                sent.put(r.id, new long[] {r.generation, snap.version(), snap.historySize()});
                lastWrite = System.nanoTime();
            }
            if (System.nanoTime() - lastWrite > 1_000_000_000L) {
                // tells the page the stream is alive (it reconnects after 4 s of silence) and finds a page that went away
                out.write("event: ping\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8));
                lastWrite = System.nanoTime();
            }
            out.flush();
            // rounds at least a period apart, also after one that ran late: two frames in one display refresh are drawn as one
            long sleep = FRAME_NANOS - (System.nanoTime() - t0);
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private final Map<String, Object[]> frameCache = new ConcurrentHashMap<>();   // run → {generation, version, JSON}

    /** One frame: the snapshot's pictures (made once per snapshot, shared by all pages) and the history rows [from, snapshot). */
    private String frame(Run r, Run.Snapshot snap, int from) throws IOException {
        Object[] c = frameCache.get(r.id);
        String common;
        if (c != null && (long) c[0] == r.generation && (long) c[1] == snap.version()) {
            common = (String) c[2];
        } else {
            ObjectNode f = r.surfaces.frame(snap.params());
            f.put("run", r.id).put("gen", r.generation).put("epoch", snap.epoch()).put("state", snap.state().name().toLowerCase(Locale.ROOT));
            if (snap.stopReason() != null) f.put("stopReason", snap.stopReason());
            ArrayNode p = f.putArray("params");
            for (float v : snap.params()) p.add(v);
            common = JSON.writeValueAsString(f);
            frameCache.put(r.id, new Object[] {r.generation, snap.version(), common});
        }
        StringBuilder h = new StringBuilder("[");
        List<double[]> rows = r.history(from, snap.historySize());
        for (int i = 0; i < rows.size(); i++) {
            double[] row = rows.get(i);
            h.append(i > 0 ? "," : "").append('[').append((long) row[0]).append(',').append(jsonNumber(row[1])).append(',').append(jsonNumber(row[2])).append(']');
        }
        h.append(']');
        return "{\"history\":" + h + ",\"frame\":" + common + "}";
    }

    private static String jsonNumber(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    // ---------------------------------------------------------------- responses

    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "txt", "text/plain; charset=utf-8", "svg", "image/svg+xml");

    private void resource(HttpExchange ex, String name) throws IOException {
        if (!name.matches("[a-z0-9_-]+\\.(html|js|css|txt|svg)")) {
            error(ex, 404, "no such page: /" + name);
            return;
        }
        try (InputStream in = Studio.class.getResourceAsStream("web/" + name)) {
            if (in == null) {
                error(ex, 404, "no such page: /" + name);
                return;
            }
            byte[] b = in.readAllBytes();
            headers(ex, TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
            ex.sendResponseHeaders(200, ex.getRequestMethod().equals("HEAD") ? -1 : b.length);
            if (!ex.getRequestMethod().equals("HEAD")) ex.getResponseBody().write(b);
        }
    }

    private static void headers(HttpExchange ex, String type) {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
                + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    }

    private static void json(HttpExchange ex, JsonNode body) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        headers(ex, "application/json");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
    }

    private static void download(HttpExchange ex, String type, String name, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        headers(ex, type + "; charset=utf-8");
        ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + name + "\"");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        String one = message == null ? "error" : message.replace('\n', ' ').replace('\r', ' ');
        byte[] b = JSON.writeValueAsBytes(JsonNodeFactory.instance.objectNode().put("error", one));
        headers(ex, "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }
}
