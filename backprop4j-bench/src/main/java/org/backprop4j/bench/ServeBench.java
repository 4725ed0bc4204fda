package org.backprop4j.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Loss;
import org.backprop4j.Network;
import org.backprop4j.Predictor;
import org.backprop4j.Rng;
import org.backprop4j.data.Attribute;
import org.backprop4j.data.DataSet;
import org.backprop4j.data.Pipeline;
import org.backprop4j.data.Schema;
import org.backprop4j.model.Model;
import org.backprop4j.io.ModelFile;
import org.backprop4j.serve.PredictionServer;

/**
 * The prediction server against in-process library calls, alternately (A, B, A, B, ...: the machine
 * is shared and noisy): records/s, per-request p50/p99 latency and process CPU time per record, from
 * C concurrent callers, for these sides:
 * <ul>
 * <li>{@code raw}: {@code Model.predictAll} on 256 raw records (a Double per numeric field, a String
 *     per nominal one): what a user calling the library in-process does, everything but HTTP and JSON;</li>
 * <li>{@code encoded}: {@code Pipeline.transformInputs} + {@code Predictor.predict} on the same
 *     batches already encoded as rows (the forward pass alone);</li>
 * <li>{@code server256}, {@code server1}: JSON bodies of named fields (256 records, or one) over
 *     loopback with one shared {@code java.net.http} client (HTTP/1.1 keep-alive connections) to
 *     {@code PredictionServer} in the same JVM; answers read as text, not parsed.</li>
 * <li>{@code socket256}, {@code socket1}: the same bodies from a minimal blocking HTTP/1.1 client, one
 *     keep-alive connection per caller.</li>
 * <li>{@code wrk256}, {@code wrk1}: the same bodies from {@code wrk} (the C load generator, one thread, C
 *     keep-alive connections; scripts/bench-serve.lua) to the same server; the CPU per record counts
 *     this JVM's and wrk's. Any answer but 200, or a socket error, fails the run.</li>
 * </ul>
 *
 * <pre>scripts/bench-serve [ROUNDS [SECONDS_PER_RUN [CLIENTS [SIDES]]]]     (SIDES e.g. raw,server256)</pre>
 *
 * The model: 20 numeric and 2 nominal fields (one-hot 8 columns), 28-256(tanh)-128(tanh)-5(softmax),
 * z-scored inputs, random weights (the cost of a trained one).
 */
public final class ServeBench {
    public static final List<Attribute> INPUTS;
    public static final Attribute CLASS = Attribute.nominal("class", List.of("a", "b", "c", "d", "e"));

    static {
        List<Attribute> in = new ArrayList<>();
        for (int j = 1; j <= 20; j++) in.add(Attribute.numeric("f" + j));
        in.add(Attribute.nominal("colour", List.of("red", "green", "blue", "black")));
        in.add(Attribute.nominal("size", List.of("S", "M", "L", "XL")));
        INPUTS = List.copyOf(in);
    }

    static final List<String> SIDES = List.of("raw", "encoded", "server256", "server1", "socket256", "socket1", "wrk256", "wrk1");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        List<String> sides = List.of((args.length > 3 ? args[3] : "raw,encoded,server256,server1").split(","));
        for (String side : sides) {
            if (!SIDES.contains(side)) {
                System.err.println("unknown side '" + side + "' (" + String.join(", ", SIDES) + ")");
                System.exit(2);
            }
        }
        Schema schema = new Schema(INPUTS, List.of(CLASS));
        Rng r = new Rng(1);
        int n = schema.encodedInputs();
        Model model = model(r, schema);
        Network net = model.network();
        Pipeline pl = model.pipeline();
        Path file = Files.createTempFile("serve-bench", ".json");
        ModelFile.write(model, file);
        // request bodies and encoded rows for 64 different batches of each size
        String[] single = new String[64], batch = new String[64];
        float[][] rows256 = new float[64][];
        for (int b = 0; b < 64; b++) {
            single[b] = json(r, 1, false);
            Rng rb = new Rng(1000 + b);
            batch[b] = json(rb, 256, true);
            rows256[b] = rows(new Rng(1000 + b), 256, n, schema);
        }
        // the same batches as the library's raw record type (Model.predictAll): a Double per numeric field, a String per nominal one
        List<List<List<Object>>> raw256 = new ArrayList<>();
        for (int b = 0; b < 64; b++) raw256.add(raw(new Rng(1000 + b), 256));
        Model loaded = Model.load(file);
        Predictor predictor = new Predictor(net, Loss.CROSS_ENTROPY);
        System.out.printf(Locale.ROOT, "# %s, %d clients, %d rounds of %.1f s per side, alternating; sides %s%n", net.describe(), clients, rounds, seconds, String.join(",", sides));
        System.out.println("round,side,records_per_s,requests_per_s,p50_ms,p99_ms,cpu_us_per_record,load1");
        try (PredictionServer s = PredictionServer.start(file, PredictionServer.Options.defaults().withPort(0));
             HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).build()) {
            URI uri = URI.create("http://127.0.0.1:" + s.port() + "/predict");
            Map<String, Call> calls = new java.util.LinkedHashMap<>();
            calls.put("raw", k -> loaded.predictAll(raw256.get(k % 64)));
            calls.put("encoded", k -> predictor.predict(pl.transformInputs(rows256[k % 64]), 256));
            calls.put("server256", k -> post(http, uri, batch[k % 64]));
            calls.put("server1", k -> post(http, uri, single[k % 64]));
            byte[][] rawBatch = new byte[64][], rawSingle = new byte[64][];
            for (int b = 0; b < 64; b++) {
                rawBatch[b] = request(s.port(), batch[b]);
                rawSingle[b] = request(s.port(), single[b]);
            }
            ThreadLocal<Connection> conns = ThreadLocal.withInitial(() -> new Connection(s.port()));
            calls.put("socket256", k -> conns.get().post(rawBatch[k % 64]));
            calls.put("socket1", k -> conns.get().post(rawSingle[k % 64]));
            Path bodies = Files.createTempDirectory("serve-bench-bodies");
            for (int b = 0; b < 64; b++) {
                Files.writeString(bodies.resolve("body" + b + ".json"), batch[b]);
                Files.writeString(bodies.resolve("single" + b + ".json"), single[b]);
            }
            Map<String, List<double[]>> results = new java.util.LinkedHashMap<>();
            for (int round = 0; round <= rounds; round++) {   // round 0 warms the JIT up and is not reported
                for (String side : sides) {
                    double[] v = side.startsWith("wrk") ? wrk(clients, seconds, side.endsWith("1") ? 1 : 256, s.port(), bodies)
                            : run(clients, seconds, side.endsWith("1") ? 1 : 256, calls.get(side));
                    if (round == 0) continue;
                    print(round, side, v);
                    if (System.getenv("SERVE_BENCH_THREADS") != null) System.out.println("#   " + side + " CPU by thread: " + lastBreakdown);
                    results.computeIfAbsent(side, q -> new ArrayList<>()).add(v);
                }
            }
            StringBuilder sb = new StringBuilder("# medians:");
            for (var e : results.entrySet()) {
                sb.append(String.format(Locale.ROOT, " %s %.0f records/s (%.0f requests/s, p50 %.3f ms, p99 %.3f ms, %.2f CPU µs/record);", e.getKey(),
                        median(e.getValue(), 0), median(e.getValue(), 1), median(e.getValue(), 2), median(e.getValue(), 3), median(e.getValue(), 4)));
            }
            System.out.println(sb);
            try (var files = Files.walk(bodies)) {
                for (Path q : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
            }
            for (String srv : List.of("server256", "socket256", "wrk256")) {
                if (!results.containsKey(srv)) continue;
                for (String base : List.of("raw", "encoded")) {
                    if (results.containsKey(base)) {
                        List<double[]> a = results.get(base), b = results.get(srv);
                        double[] wall = new double[a.size()], cpu = new double[a.size()];
                        for (int i = 0; i < a.size(); i++) {
                            wall[i] = a.get(i)[0] / b.get(i)[0];
                            cpu[i] = b.get(i)[4] / a.get(i)[4];
                        }
                        System.out.printf(Locale.ROOT, "# %s/%s: throughput ratio per round %s (median %.2fx); CPU-per-record ratio per round %s (median %.2fx)%n",
                                base, srv, fmt(wall), median(wall), fmt(cpu), median(cpu));
                    }
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        System.exit(0);
    }

    /** The bench's model: a pipeline fitted on random records, random weights. */
    public static Model model(Rng r, Schema schema) {
        int n = schema.encodedInputs();
        int train = 2000;
        float[] x = rows(r, train, n, schema);
        float[] d = new float[train * 5];
        for (int p = 0; p < train; p++) d[p * 5 + p % 5] = 1;
        DataSet ds = new DataSet(x, d, n, 5, CLASS.values(), schema.encodedInputNames(), schema);
        Pipeline pl = Pipeline.fit(ds, Pipeline.Options.standardize());
        Network net = Network.builder(n).layer(256, Activation.TANH).layer(128, Activation.TANH).layer(5, Activation.SOFTMAX).build(Init.xavier(), 2);
        Model model = Model.builder(net, Loss.CROSS_ENTROPY).pipeline(pl).classNames(CLASS.values()).targetNames(List.of("class")).build();
        return model;
    }

    interface Call {
        void call(int k) throws Exception;
    }

    static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /**
     * C threads call for {@code seconds}; returns {records/s, requests/s, p50 ms, p99 ms, process CPU µs per record}. The CPU
     * time per record (client, server and model together) depends less on what else the machine runs than the wall rates.
     */
    static double[] run(int clients, double seconds, int records, Call call) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long cpu0 = OS.getProcessCpuTime();
        Map<String, long[]> threads0 = threadTicks();
        try (ExecutorService ex = Executors.newFixedThreadPool(clients)) {
            List<Future<long[]>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                fs.add(ex.submit(() -> {
                    long[] lat = new long[1 << 20];
                    int count = 0;
                    for (int k = id; System.nanoTime() < end && count < lat.length; k += clients) {
                        long t = System.nanoTime();
                        call.call(k);
                        lat[count++] = System.nanoTime() - t;
                    }
                    return Arrays.copyOf(lat, count);
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<long[]> f : fs) for (long l : f.get()) all.add(l);
            double wall = (System.nanoTime() - start) / 1e9;
            double cpu = (OS.getProcessCpuTime() - cpu0) / 1e3;
            lastBreakdown = breakdown(threads0, threadTicks(), all.size() * (double) records);
            long[] l = all.stream().mapToLong(Long::longValue).sorted().toArray();
            return new double[] {l.length * (double) records / wall, l.length / wall, l[l.length / 2] / 1e6, l[(int) (l.length * 0.99)] / 1e6,
                cpu / ((double) l.length * records)};
        }
    }

    /**
     * wrk (1 thread, C connections, scripts/bench-serve.lua) for {@code seconds} (whole seconds, at least 1) against the
     * server; the same figures as {@link #run}, the CPU per record adding wrk's own (the shell's {@code times}).
     */
    static double[] wrk(int clients, double seconds, int records, int port, Path bodies) throws Exception {
        Path dir = bodies;
        if (records == 1) {   // the script reads body<i>.json: the single-record bodies under that name
            dir = bodies.resolve("single");
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                for (int b = 0; b < 64; b++) Files.copy(bodies.resolve("single" + b + ".json"), dir.resolve("body" + b + ".json"));
            }
        }
        Path script = Path.of(System.getProperty("serve.bench.lua", "scripts/bench-serve.lua")).toAbsolutePath();
        long secs = Math.max(1, Math.round(seconds));
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "wrk -t1 -c" + clients + " -d" + secs + "s --timeout 30s --latency -s '" + script
                + "' http://127.0.0.1:" + port + "/predict && times").redirectErrorStream(true);
        pb.environment().put("SERVE_BENCH_BODIES", dir.toString());
        pb.environment().put("SERVE_BENCH_COUNT", "64");
        long cpu0 = OS.getProcessCpuTime();
        Map<String, long[]> threads0 = threadTicks();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException("wrk failed:\n" + out);
        double jvmCpu = (OS.getProcessCpuTime() - cpu0) / 1e3;
        if (out.contains("Non-2xx") || out.contains("Socket errors")) throw new IllegalStateException("wrk saw failed requests:\n" + out);
        var rps = java.util.regex.Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
        var done = java.util.regex.Pattern.compile("(\\d+) requests in").matcher(out);
        if (!rps.find() || !done.find()) throw new IllegalStateException("no rate in wrk's output:\n" + out);
        double requestsPerS = Double.parseDouble(rps.group(1));
        long requests = Long.parseLong(done.group(1));
        // `times`: the shell's own user and system time, then its children's (wrk's)
        var t = java.util.regex.Pattern.compile("(\\d+)m([0-9.]+)s\\s+(\\d+)m([0-9.]+)s").matcher(out);
        double wrkCpu = 0;
        for (int line = 0; t.find(); line++) {
            if (line == 1) wrkCpu = (Long.parseLong(t.group(1)) * 60 + Double.parseDouble(t.group(2)) + Long.parseLong(t.group(3)) * 60 + Double.parseDouble(t.group(4))) * 1e6;
        }
        lastBreakdown = breakdown(threads0, threadTicks(), requests * (double) records)
                + String.format(Locale.ROOT, "; wrk %.2f µs per record", wrkCpu / (requests * (double) records));
        return new double[] {requestsPerS * records, requestsPerS, percentile(out, "50%"), percentile(out, "99%"), (jvmCpu + wrkCpu) / ((double) requests * records)};
    }

    /** A latency percentile from wrk's --latency table, in ms. */
    static double percentile(String out, String which) {
        var m = java.util.regex.Pattern.compile("\\s" + which + "\\s+([0-9.]+)(us|ms|s)").matcher(out);
        if (!m.find()) return Double.NaN;
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1e3;
            case "s" -> v * 1e3;
            default -> v;
        };
    }

    static void post(HttpClient http, URI uri, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("status " + r.statusCode() + ": " + r.body());
    }

    static byte[] request(int port, String body) {
        byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] head = ("POST /predict HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] r = Arrays.copyOf(head, head.length + b.length);
        System.arraycopy(b, 0, r, head.length, b.length);
        return r;
    }

    /**
     * A minimal blocking HTTP/1.1 client on one keep-alive connection (one per calling thread): writes a
     * prepared request, reads the status line, the headers and Content-Length bytes of body. It costs
     * the machine less than java.net.http's asynchronous pipeline, so on a 2-core machine shared by the
     * client and the server it shows what the server itself can do.
     */
    static final class Connection {
        final java.net.Socket socket;
        final java.io.InputStream in;
        final java.io.OutputStream out;
        byte[] buf = new byte[1 << 16];

        Connection(int port) {
            try {
                socket = new java.net.Socket("127.0.0.1", port);
                socket.setTcpNoDelay(true);
                in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16);
                out = socket.getOutputStream();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        void post(byte[] request) throws java.io.IOException {
            out.write(request);
            out.flush();
            int n = 0, end = -1;
            while (end < 0) {   // the head, up to the blank line
                int c = in.read();
                if (c < 0) throw new java.io.EOFException("the server closed the connection");
                if (n == buf.length) buf = Arrays.copyOf(buf, 2 * n);
                buf[n++] = (byte) c;
                if (n >= 4 && buf[n - 1] == '\n' && buf[n - 2] == '\r' && buf[n - 3] == '\n' && buf[n - 4] == '\r') end = n;
            }
            String head = new String(buf, 0, end, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (!head.startsWith("HTTP/1.1 200")) throw new IllegalStateException("answer " + head.lines().findFirst().orElse(""));
            int at = head.toLowerCase(Locale.ROOT).indexOf("content-length:");
            if (at < 0) throw new IllegalStateException("no Content-Length: " + head);
            int len = Integer.parseInt(head.substring(at + 15, head.indexOf('\r', at)).trim());
            if (len > buf.length) buf = new byte[len];
            if (in.readNBytes(buf, 0, len) != len) throw new java.io.EOFException("short answer");
        }
    }

    static void print(int round, String side, double[] v) {
        System.out.printf(Locale.ROOT, "%d,%s,%.0f,%.1f,%.3f,%.3f,%.2f,%.2f%n", round, side, v[0], v[1], v[2], v[3], v[4], loadAverage());
    }

    /** The last run's CPU per record by thread group (Linux /proc; empty elsewhere). */
    static String lastBreakdown = "";

    /**
     * User and system clock ticks per thread group ({@code /proc/self/task/N/stat}), and the whole
     * process under "process" (it keeps the ticks of threads that have ended, as the callers' pools).
     */
    static Map<String, long[]> threadTicks() {
        Map<String, long[]> m = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String st;
                try {
                    st = Files.readString(t.resolve("stat"));
                } catch (java.io.IOException e) {
                    continue;   // the thread has ended
                }
                String name = st.substring(st.indexOf('(') + 1, st.lastIndexOf(')'));
                String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
                String group = name.startsWith("serve-io") ? "event loops (HTTP and predictions)"
                        : name.startsWith("ForkJoinPool") ? "ForkJoinPool"
                        : name.startsWith("backprop4j-kern") ? "kernel workers"
                        : name.contains("Compiler") ? "JIT" : name.startsWith("GC ") || name.contains("GC") ? "GC"
                        : name.startsWith("HttpClient") ? "java.net.http selector" : name.startsWith("pool-") ? "callers and client pool" : "other";
                long[] v = m.computeIfAbsent(group, g -> new long[2]);
                v[0] += Long.parseLong(f[11]);
                v[1] += Long.parseLong(f[12]);
            }
            String[] f = Files.readString(Path.of("/proc/self/stat")).replaceFirst("^.*\\) ", "").split(" ");
            m.put("process", new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])});
        } catch (java.io.IOException | RuntimeException e) {
            return Map.of();
        }
        return m;
    }

    /** µs of CPU per record, user+system, per thread group; "ended threads" = the process's ticks no live thread holds. */
    static String breakdown(Map<String, long[]> a, Map<String, long[]> b, double records) {
        if (a.isEmpty() || b.isEmpty()) return "";
        double us = 1e6 / 100;   // USER_HZ: 100 ticks per second on Linux
        StringBuilder sb = new StringBuilder();
        long userSum = 0, sysSum = 0;
        for (var e : b.entrySet()) {
            if (e.getKey().equals("process")) continue;
            long[] x = a.getOrDefault(e.getKey(), new long[2]), y = e.getValue();
            long du = Math.max(0, y[0] - x[0]), ds = Math.max(0, y[1] - x[1]);
            userSum += du;
            sysSum += ds;
            if (du + ds > 0) sb.append(String.format(Locale.ROOT, "%s %.2f+%.2f; ", e.getKey(), du * us / records, ds * us / records));
        }
        long[] px = a.get("process"), py = b.get("process");
        long pu = py[0] - px[0], ps = py[1] - px[1];
        sb.append(String.format(Locale.ROOT, "ended threads %.2f+%.2f; process %.2f+%.2f (user+system µs per record)",
                Math.max(0, pu - userSum) * us / records, Math.max(0, ps - sysSum) * us / records, pu * us / records, ps * us / records));
        return sb.toString();
    }

    static double loadAverage() {
        return OS.getSystemLoadAverage();
    }

    static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double x : v) sb.append(sb.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.2f", x));
        return sb.toString();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double median(List<double[]> runs, int i) {
        double[] v = runs.stream().mapToDouble(a -> a[i]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** m records' encoded rows (the same random stream as {@link #json} with that seed). */
    static float[] rows(Rng r, int m, int n, Schema s) {
        float[] x = new float[m * n];
        int[] off = s.offsets();
        for (int p = 0; p < m; p++) {
            double[] v = record(r);
            for (int a = 0; a < INPUTS.size(); a++) {
                if (INPUTS.get(a).isNominal()) x[p * n + off[a] + (int) v[a]] = 1f;
                else x[p * n + off[a]] = (float) v[a];
            }
        }
        return x;
    }

    static double[] record(Rng r) {
        double[] v = new double[INPUTS.size()];
        for (int a = 0; a < v.length; a++) v[a] = INPUTS.get(a).isNominal() ? Math.min(3, (int) (r.uniform(0, 1) * 4)) : a + r.uniform(-3, 3);
        return v;
    }

    /** m records as {@link Model#predictAll} takes them (the same random stream as {@link #json} with that seed). */
    public static List<List<Object>> raw(Rng r, int m) {
        List<List<Object>> out = new ArrayList<>(m);
        for (int p = 0; p < m; p++) {
            double[] v = record(r);
            List<Object> rec = new ArrayList<>(v.length);
            for (int a = 0; a < v.length; a++) {
                Attribute at = INPUTS.get(a);
                rec.add(at.isNominal() ? at.values().get((int) v[a]) : (Object) (double) (float) v[a]);
            }
            out.add(rec);
        }
        return out;
    }

    public static String json(Rng r, int m, boolean array) {
        StringBuilder sb = new StringBuilder(array ? "[" : "");
        for (int p = 0; p < m; p++) {
            double[] v = record(r);
            sb.append(p > 0 ? "," : "").append('{');
            for (int a = 0; a < v.length; a++) {
                Attribute at = INPUTS.get(a);
                sb.append(a > 0 ? "," : "").append('"').append(at.name()).append("\":");
                if (at.isNominal()) sb.append('"').append(at.values().get((int) v[a])).append('"');
                else sb.append((float) v[a]);
            }
            sb.append('}');
        }
        return sb.append(array ? "]" : "").toString();
    }

}
