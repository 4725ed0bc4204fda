package org.backprop4j.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An HTTP JSON prediction server for one model file, on Netty's HTTP/1.1 codec over the JDK's NIO
 * (no native library): one event loop per core reads a request, and the same thread reads the
 * records, runs the forward pass and writes the answer, so no more passes compete for the cores than
 * there are cores and a request is handed from thread to thread nowhere (see docs/SERVE.md for why
 * Netty and not the JDK's own server).
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

    private static final AsciiString JSON_TYPE = AsciiString.cached("application/json; charset=utf-8");
    private static final AsciiString MODEL_HEADER = AsciiString.cached("X-Model-SHA256");

    private final ObjectMapper json;
    private final Path file;
    private final Options options;
    private final AtomicReference<ServedModel> current = new AtomicReference<>();
    /** One event loop per core: accepting, HTTP, and the predictions themselves. */
    private final EventLoopGroup loops;
    private final Channel listener;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    /** Requests read but not yet answered: close() waits for them. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Thread watcher;
    private volatile boolean closed;

    private PredictionServer(Path file, Options options) throws IOException {
        this.file = file;
        this.options = options;
        this.json = mapper();
        current.set(ServedModel.load(file));
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(options.host()), options.port());
        int cores = Runtime.getRuntime().availableProcessors();
        // Netty's own threads (its fast thread-locals), daemons; names short enough for /proc's 15 characters
        loops = new MultiThreadIoEventLoopGroup(cores, new DefaultThreadFactory("serve-io", true), NioIoHandler.newFactory());
        Handler handler = new Handler();
        int maxBody = (int) Math.min(options.maxBodyBytes(), Integer.MAX_VALUE - 8);
        ServerBootstrap b = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                // else an answer written in two segments waits for the client's delayed ACK (Nagle, RFC 896 / RFC 1122 4.2.3.2)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new Aggregator(maxBody), handler);
                    }
                });
        try {
            listener = b.bind(address).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdownThreads();
            throw new IOException("interrupted while binding " + address, e);
        } catch (RuntimeException | Error e) {
            shutdownThreads();
            throw e;
        } catch (Exception e) {   // bind failures arrive as the JDK's own (checked) exceptions, e.g. BindException
            shutdownThreads();
            if (e instanceof IOException io) throw io;
            throw new IOException(e);
        }
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
                // shared by the event loops and any other thread: one pool, not one set of buffers per thread
                .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
                .build());
    }

    /**
     * Loads the model and starts serving.
     *
     * @throws IOException if the model file cannot be read or is not valid (a
     *                     {@link org.backprop4j.data.DataFormatException} names the file), or the port cannot be bound
     *                     (a {@link java.net.BindException})
     */
    public static PredictionServer start(Path modelFile, Options options) throws IOException {
        return new PredictionServer(modelFile, options);
    }

    /** The port bound (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The weights checksum of the model serving now. */
    public String modelChecksum() {
        return current.get().checksum;
    }

    /**
     * Stops accepting connections, lets requests in flight finish (up to the grace time), closes the
     * connections and stops the reload watcher. Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (watcher != null) watcher.interrupt();
        listener.close().syncUninterruptibly();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.graceSeconds());
        try {
            while (inFlight.get() > 0 && System.nanoTime() < end) Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.close().awaitUninterruptibly(options.graceSeconds(), TimeUnit.SECONDS);
        shutdownThreads();
    }

    private void shutdownThreads() {
        loops.shutdownGracefully(0, Math.max(1, options.graceSeconds()), TimeUnit.SECONDS).awaitUninterruptibly(options.graceSeconds() + 1L, TimeUnit.SECONDS);
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

    /** An answer on its way: status, body, and the headers that vary. */
    private record Reply(HttpResponseStatus status, byte[] body, int length, String checksum, String allow) {
        static Reply of(HttpResponseStatus status, byte[] body) {
            return new Reply(status, body, body.length, null, null);
        }
    }

    /** The HTTP codec's aggregator, answering a body over the limit with the server's own 413 (one line of JSON). */
    private final class Aggregator extends HttpObjectAggregator {
        Aggregator(int maxBody) {
            super(maxBody);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            // a body already on its way cannot be skipped reliably: close after answering, as Netty's own does
            boolean close = oversized instanceof io.netty.handler.codec.http.FullHttpMessage
                    || (!HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized));
            ChannelFuture f = ctx.writeAndFlush(response(errorReply(413, tooLarge(options.maxBodyBytes())), oversized.protocolVersion(), !close));
            f.addListener(close ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);   // else the aggregator skips the body
        }
    }

    /** Routes one whole request; shared by every connection (it keeps no per-connection state). */
    @ChannelHandler.Sharable
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpVersion version = req.protocolVersion();
            if (!req.decoderResult().isSuccess()) {   // not HTTP: answer once and hang up
                ctx.writeAndFlush(response(errorReply(400, "malformed HTTP request"), HttpVersion.HTTP_1_1, false)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            inFlight.incrementAndGet();
            String path = path(req.uri());
            HttpMethod method = req.method();
            try {
                if (path.equals("/predict") && method.equals(HttpMethod.POST)) {
                    ServedModel m = current.get();   // one model for the whole request
                    ByteBuf content = req.content();
                    byte[] body = new byte[content.readableBytes()];
                    content.getBytes(content.readerIndex(), body);
                    send(ctx, predict(m, body, req.uri()), version, keepAlive);
                    return;
                }
                Reply r = switch (path) {
                    case "/predict" -> methodNotAllowed(method, path, "POST");
                    case "/model" -> method.equals(HttpMethod.GET) ? Reply.of(HttpResponseStatus.OK, json.writeValueAsBytes(current.get().describe(json)))
                            : methodNotAllowed(method, path, "GET");
                    case "/health" -> method.equals(HttpMethod.GET) ? Reply.of(HttpResponseStatus.OK, json.writeValueAsBytes(health()))
                            : methodNotAllowed(method, path, "GET");
                    default -> errorReply(404, "no such endpoint " + ServedModel.clip(path) + " (POST /predict, GET /model, GET /health)");
                };
                send(ctx, r, version, keepAlive);
            } catch (IOException | RuntimeException | Error e) {
                send(ctx, internalError(req.uri(), e), version, keepAlive);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a connection reset or the like: this connection is over, the server goes on
            if (!(cause instanceof IOException)) LOG.log(Level.WARNING, "backprop4j serve: connection closed after " + cause);
            ctx.close();
        }
    }

    /** The path of a request target (origin form, or absolute form as a proxy sends it), without the query. */
    static String path(String uri) {
        int q = uri.indexOf('?');
        String p = q >= 0 ? uri.substring(0, q) : uri;
        if (!p.startsWith("/")) {
            try {
                p = java.net.URI.create(p).getRawPath();
            } catch (IllegalArgumentException e) {
                return p;
            }
            if (p == null || p.isEmpty()) p = "/";
        }
        try {
            return java.net.URLDecoder.decode(p.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return p;
        }
    }

    /** The answer to one prediction request; errors (the client's or the server's) as their replies. */
    private Reply predict(ServedModel m, byte[] body, String uri) {
        try {
            ServedModel.Rows rows = m.scanner.scan(body, options.maxRecords());
            if (rows == null) rows = m.parseTree(json, body, options.maxRecords());   // anything unusual, and every error
            float[] o = m.outputs(rows.x(), rows.m());
            ServedModel.Answer a = m.answer(o, rows.m(), rows.batch());
            return new Reply(HttpResponseStatus.OK, a.bytes(), a.length(), m.checksum, null);
        } catch (ServedModel.BadRequest b) {
            return errorReply(b.status, b.getMessage());
        } catch (RuntimeException | Error e) {
            return internalError(uri, e);
        }
    }

    private Reply internalError(String uri, Throwable e) {
        LOG.log(Level.WARNING, "backprop4j serve: internal error answering " + ServedModel.clip(uri) + ": " + e);
        return errorReply(500, "internal error: " + e.getClass().getSimpleName());
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

    private static String tooLarge(long max) {
        return "request body over the limit of " + max + " bytes (split the batch, or start the server with a larger --max-body)";
    }

    private Reply methodNotAllowed(HttpMethod method, String path, String allowed) {
        Reply e = errorReply(405, method.name() + " is not allowed on " + ServedModel.clip(path) + " (use " + allowed + ")");
        return new Reply(e.status(), e.body(), e.length(), null, allowed);
    }

    private Reply errorReply(int status, String message) {
        ObjectNode e = json.createObjectNode();
        e.put("error", message.replace('\n', ' '));
        try {
            return Reply.of(HttpResponseStatus.valueOf(status), json.writeValueAsBytes(e));
        } catch (IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
    }

    private ChannelFuture send(ChannelHandlerContext ctx, Reply r, HttpVersion version, boolean keepAlive) {
        boolean keep = keepAlive && !closed;
        ChannelFuture f = ctx.writeAndFlush(response(r, version, keep));
        f.addListener(x -> inFlight.decrementAndGet());
        if (!keep) f.addListener(ChannelFutureListener.CLOSE);
        return f;
    }

    private static FullHttpResponse response(Reply r, HttpVersion version, boolean keepAlive) {
        FullHttpResponse resp = new DefaultFullHttpResponse(version, r.status(), io.netty.buffer.Unpooled.wrappedBuffer(r.body(), 0, r.length()));
        var h = resp.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, JSON_TYPE);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, r.length());
        if (r.checksum() != null) h.set(MODEL_HEADER, r.checksum());
        if (r.allow() != null) h.set(HttpHeaderNames.ALLOW, r.allow());
        HttpUtil.setKeepAlive(resp, keepAlive);
        return resp;
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
