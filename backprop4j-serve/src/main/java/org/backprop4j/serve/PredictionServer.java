package org.backprop4j.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An HTTP JSON prediction server for one model file, on the JDK's own HTTP server
 * ({@code com.sun.net.httpserver}) with a virtual thread per request: no dependency beyond the JDK
 * and Jackson, and a blocking handler per request that costs no platform thread (see docs/SERVE.md
 * for why not a server library).
 *
 * <ul>
 * <li>{@code POST /predict}: one record (a JSON object of named fields, as in the training file) or a
 *     batch (a JSON array of them, or {@code {"records": [...]}}); answers the prediction object
 *     ({@code label} and {@code probabilities}, or {@code outputs} for regression), or
 *     {@code {"predictions": [...]}} for a batch. Header {@code X-Model-SHA256}: the weights that
 *     answered.</li>
 * <li>{@code GET /model}: fields, classes or targets, network, loss and provenance.</li>
 * <li>{@code GET /health}: {@code {"status": "ok", ...}}.</li>
 * </ul>
 * A bad request gets 400 and a one-line JSON error naming the record and field; a body over the
 * limit 413; any other path 404, another method 405. A failure inside a handler is answered with 500
 * and logged in one line; the server keeps serving. With reload on, a changed model file is read
 * and validated, then swapped in atomically (a request uses one model from start to end); a file
 * that does not load leaves the old model serving, with one log line.
 */
public final class PredictionServer implements AutoCloseable {
    static {
        // TCP_NODELAY: else a response written in two segments waits for the client's delayed ACK (Nagle,
        // RFC 896 / RFC 1122 4.2.3.2; BENCHMARKS.md, Serving); read when the JDK server's configuration loads
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final Logger LOG = Logger.getLogger("org.backprop4j.serve");

    /**
     * Server settings.
     *
     * @param host          the address to bind (127.0.0.1 by default: loopback only)
     * @param port          the port, 0 for any free one
     * @param maxBodyBytes  larger request bodies get 413
     * @param maxRecords    batches with more records get 413
     * @param reloadMillis  how often to look at the model file for a change; 0 = never reload
     * @param graceSeconds  on close, how long requests in flight may take to finish
     */
    public record Options(String host, int port, long maxBodyBytes, int maxRecords, long reloadMillis, int graceSeconds) {
        public Options {
            if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be between 0 and 65535, not " + port);
            if (maxBodyBytes < 1 || maxRecords < 1) throw new IllegalArgumentException("body and record limits must be positive");
            if (reloadMillis < 0 || graceSeconds < 0) throw new IllegalArgumentException("reload interval and grace time must not be negative");
        }

        /** 127.0.0.1:8080, 16 MiB bodies, 100,000 records, no reload, 10 s grace. */
        public static Options defaults() {
            return new Options("127.0.0.1", 8080, 16L << 20, 100_000, 0, 10);
        }

        public Options withPort(int p) {
            return new Options(host, p, maxBodyBytes, maxRecords, reloadMillis, graceSeconds);
        }

        public Options withReload(long millis) {
            return new Options(host, port, maxBodyBytes, maxRecords, millis, graceSeconds);
        }

        public Options withLimits(long bodyBytes, int records) {
            return new Options(host, port, bodyBytes, records, reloadMillis, graceSeconds);
        }
    }

    private final ObjectMapper json;
    private final Path file;
    private final Options options;
    private final AtomicReference<ServedModel> current = new AtomicReference<>();
    private final HttpServer http;
    /** Exchanges run on virtual threads: reading a body from a slow client holds no platform thread. */
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    /**
     * Reading the records, the forward pass and writing the answer run on one platform thread per core,
     * so that no more passes compete for the cores than there are cores.
     */
    private final ExecutorService compute = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
            Thread.ofPlatform().daemon().name("backprop4j-serve-compute-", 1).factory());
    private final Thread watcher;
    private volatile boolean closed;

    private PredictionServer(Path file, Options options) throws IOException {
        this.file = file;
        this.options = options;
        this.json = mapper();
        current.set(ServedModel.load(file));
        http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(options.host()), options.port()), 256);
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
        if (options.reloadMillis() > 0) {
            watcher = Thread.ofPlatform().daemon().name("backprop4j-serve-reload").start(this::watch);
        } else {
            watcher = null;
        }
    }

    /** The server's JSON settings: limits on what a request may hold, and the parser's buffers. */
    static ObjectMapper mapper() {
        return new ObjectMapper(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(64)
                        .maxStringLength(1 << 16).build())
                // correctly rounded like Double.parseDouble (the same floats), without its cost
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                // a handler runs on a new virtual thread: the default thread-local buffer pool would allocate afresh every request
                .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
                .build());
    }

    /**
     * Loads the model and starts serving.
     *
     * @throws IOException if the model file cannot be read or is not valid (a
     *                     {@link org.backprop4j.data.DataFormatException} names the file), or the port cannot be bound
     */
    public static PredictionServer start(Path modelFile, Options options) throws IOException {
        return new PredictionServer(modelFile, options);
    }

    /** The port bound (useful with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The weights checksum of the model serving now. */
    public String modelChecksum() {
        return current.get().checksum;
    }

    /**
     * Stops accepting connections, lets requests in flight finish (up to the grace time), and
     * stops the reload watcher. Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (watcher != null) watcher.interrupt();
        http.stop(options.graceSeconds());
        executor.shutdown();
        try {
            executor.awaitTermination(options.graceSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        compute.shutdown();   // after the exchanges: a request in flight still needs it
    }

    private void watch() {
        FileTime last = modified();
        long size = size();
        while (!closed) {
            try {
                Thread.sleep(options.reloadMillis());
            } catch (InterruptedException e) {
                return;
            }
            FileTime t = modified();
            long s = size();
            if (t == null || (t.equals(last) && s == size)) continue;
            last = t;
            size = s;
            try {
                ServedModel m = ServedModel.load(file);
                current.set(m);
                LOG.info("backprop4j serve: reloaded " + file.getFileName() + " (" + m.net.describe() + ", weights " + m.checksum.substring(0, 12) + ")");
            } catch (IOException | RuntimeException e) {
                LOG.warning("backprop4j serve: " + file.getFileName() + " changed but does not load, still serving the previous model: " + e.getMessage());
            }
        }
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    private long size() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            switch (path) {
                case "/predict" -> {
                    if (!method.equals("POST")) methodNotAllowed(ex, "POST");
                    else predict(ex);
                }
                case "/model" -> {
                    if (!method.equals("GET")) methodNotAllowed(ex, "GET");
                    else send(ex, 200, current.get().describe(json), null);
                }
                case "/health" -> {
                    if (!method.equals("GET")) methodNotAllowed(ex, "GET");
                    else send(ex, 200, health(), null);
                }
                default -> error(ex, 404, "no such endpoint " + ServedModel.clip(path) + " (POST /predict, GET /model, GET /health)");
            }
        } catch (IOException e) {
            // the client went away mid-answer: nothing to tell it
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "backprop4j serve: internal error answering " + ex.getRequestURI() + ": " + e);
            try {
                error(ex, 500, "internal error: " + e.getClass().getSimpleName());
            } catch (IOException | RuntimeException ignored) {
                // headers may already be sent
            }
        }
    }

    private ObjectNode health() {
        ServedModel m = current.get();
        ObjectNode h = json.createObjectNode();
        h.put("status", "ok");
        h.put("model", m.file);
        h.put("weightsSha256", m.checksum);
        h.put("loaded", m.loaded.toString());
        return h;
    }

    private void predict(HttpExchange ex) throws IOException {
        ServedModel m = current.get();   // one model for the whole request
        byte[] body;
        try {
            body = readBody(ex);
        } catch (ServedModel.BadRequest b) {
            error(ex, b.status, b.getMessage());
            return;
        }
        try {
            ServedModel.Answer a;
            try {
                a = compute.submit(() -> answer(m, body)).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while predicting", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof ServedModel.BadRequest b) throw b;
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error r) throw r;
                throw new IllegalStateException(e.getCause());
            }
            send(ex, 200, a, m.checksum);
        } catch (ServedModel.BadRequest b) {
            error(ex, b.status, b.getMessage());
        }
    }

    private ServedModel.Answer answer(ServedModel m, byte[] body) throws ServedModel.BadRequest {
        ServedModel.Rows rows = m.scanner.scan(body, options.maxRecords());
        if (rows == null) rows = m.parseTree(json, body, options.maxRecords());   // anything unusual, and every error
        float[] o = m.outputs(rows.x(), rows.m());
        return m.answer(o, rows.m(), rows.batch());
    }

    /** The body, refused with 413 past the limit (by Content-Length, or while reading a chunked body). */
    private byte[] readBody(HttpExchange ex) throws IOException, ServedModel.BadRequest {
        long max = options.maxBodyBytes();
        String cl = ex.getRequestHeaders().getFirst("Content-Length");
        long declared = -1;
        if (cl != null) {
            try {
                declared = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                throw new ServedModel.BadRequest(400, "bad Content-Length header");
            }
            if (declared > max) throw tooLarge(max);
        }
        try (InputStream in = ex.getRequestBody()) {
            if (declared >= 0 && declared < Integer.MAX_VALUE - 8) return in.readNBytes((int) declared);   // the server's stream ends at Content-Length
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            long total = 0;
            for (int r; (r = in.read(buf)) > 0; ) {
                total += r;
                if (total > max) throw tooLarge(max);
                out.write(buf, 0, r);
            }
            return out.toByteArray();
        }
    }

    private static ServedModel.BadRequest tooLarge(long max) {
        return new ServedModel.BadRequest(413, "request body over the limit of " + max + " bytes (split the batch, or start the server with a larger --max-body)");
    }

    private void methodNotAllowed(HttpExchange ex, String allowed) throws IOException {
        ex.getResponseHeaders().set("Allow", allowed);
        error(ex, 405, ex.getRequestMethod() + " is not allowed on " + ex.getRequestURI().getPath() + " (use " + allowed + ")");
    }

    private void error(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode e = json.createObjectNode();
        e.put("error", message.replace('\n', ' '));
        send(ex, status, e, null);
    }

    private void send(HttpExchange ex, int status, JsonNode body, String checksum) throws IOException {
        byte[] b = json.writeValueAsBytes(body);
        send(ex, status, new ServedModel.Answer(b, b.length), checksum);
    }

    private void send(HttpExchange ex, int status, ServedModel.Answer b, String checksum) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        if (checksum != null) ex.getResponseHeaders().set("X-Model-SHA256", checksum);
        ex.sendResponseHeaders(status, b.length());
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b.bytes(), 0, b.length());
        }
    }

    /**
     * Standalone use without the CLI: {@code PredictionServer MODEL [PORT [RELOAD_MILLIS]]}; stops on
     * SIGTERM or SIGINT, letting requests in flight finish.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: PredictionServer MODEL [PORT [RELOAD_MILLIS]]");
            System.exit(2);
        }
        Options o = Options.defaults().withPort(args.length > 1 ? Integer.parseInt(args[1]) : 8080)
                .withReload(args.length > 2 ? Long.parseLong(args[2]) : 0);
        serveUntilStopped(Path.of(args[0]), o, System.out);
    }

    /**
     * Starts a server, prints one line with its address, and blocks until the JVM is asked to stop
     * (SIGTERM, SIGINT): the shutdown hook closes the server gracefully and prints one line.
     */
    public static void serveUntilStopped(Path model, Options o, java.io.PrintStream out) throws IOException, InterruptedException {
        PredictionServer s = start(model, o);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s.close();
            out.println("backprop4j serve: stopped (requests in flight finished)");
            out.flush();
            done.countDown();
        }));
        out.println("backprop4j serve: " + model.getFileName() + " (" + s.current.get().net.describe() + ") on http://"
                + o.host() + ":" + s.port() + " (POST /predict, GET /model, GET /health)" + (o.reloadMillis() > 0 ? ", reloading on change" : ""));
        out.flush();
        done.await();
    }
}
