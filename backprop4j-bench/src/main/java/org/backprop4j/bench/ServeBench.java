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

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        List<String> sides = List.of((args.length > 3 ? args[3] : "raw,encoded,server256,server1").split(","));
        for (String side : sides) {
            if (!List.of("raw", "encoded", "server256", "server1").contains(side)) {
                System.err.println("unknown side '" + side + "' (raw, encoded, server256, server1)");
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
            Map<String, List<double[]>> results = new java.util.LinkedHashMap<>();
            for (int round = 0; round <= rounds; round++) {   // round 0 warms the JIT up and is not reported
                for (String side : sides) {
                    double[] v = run(clients, seconds, side.equals("server1") ? 1 : 256, calls.get(side));
                    if (round == 0) continue;
                    print(round, side, v);
                    results.computeIfAbsent(side, q -> new ArrayList<>()).add(v);
                }
            }
            StringBuilder sb = new StringBuilder("# medians:");
            for (var e : results.entrySet()) {
                sb.append(String.format(Locale.ROOT, " %s %.0f records/s (%.0f requests/s, p50 %.3f ms, p99 %.3f ms, %.2f CPU µs/record);", e.getKey(),
                        median(e.getValue(), 0), median(e.getValue(), 1), median(e.getValue(), 2), median(e.getValue(), 3), median(e.getValue(), 4)));
            }
            System.out.println(sb);
            if (results.containsKey("server256")) {
                double srv = median(results.get("server256"), 0);
                for (String base : List.of("raw", "encoded")) {
                    if (results.containsKey(base)) {
                        List<double[]> a = results.get(base), b = results.get("server256");
                        double[] wall = new double[a.size()], cpu = new double[a.size()];
                        for (int i = 0; i < a.size(); i++) {
                            wall[i] = a.get(i)[0] / b.get(i)[0];
                            cpu[i] = b.get(i)[4] / a.get(i)[4];
                        }
                        System.out.printf(Locale.ROOT, "# %s/server256: throughput ratio per round %s (median %.2fx); CPU-per-record ratio per round %s (median %.2fx)%n",
                                base, fmt(wall), median(wall), fmt(cpu), median(cpu));
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
            long[] l = all.stream().mapToLong(Long::longValue).sorted().toArray();
            return new double[] {l.length * (double) records / wall, l.length / wall, l[l.length / 2] / 1e6, l[(int) (l.length * 0.99)] / 1e6,
                cpu / ((double) l.length * records)};
        }
    }

    static void post(HttpClient http, URI uri, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("status " + r.statusCode() + ": " + r.body());
    }

    static void print(int round, String side, double[] v) {
        System.out.printf(Locale.ROOT, "%d,%s,%.0f,%.1f,%.3f,%.3f,%.2f,%.2f%n", round, side, v[0], v[1], v[2], v[3], v[4], loadAverage());
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
