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
 * is shared and noisy): records/s and per-request p50/p99 latency for single-record and 256-record
 * requests from C concurrent loopback clients, and the library's own {@code Pipeline} +
 * {@code Predictor} on the same batches from C threads.
 *
 * <pre>scripts/bench-serve [ROUNDS [SECONDS_PER_RUN [CLIENTS]]]</pre>
 *
 * The model: 20 numeric and 2 nominal fields (one-hot 8 columns), 28-256(tanh)-128(tanh)-5(softmax),
 * z-scored inputs, random weights (the cost of a trained one).
 */
public final class ServeBench {
    static final List<Attribute> INPUTS;
    static final Attribute CLASS = Attribute.nominal("class", List.of("a", "b", "c", "d", "e"));

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
        Schema schema = new Schema(INPUTS, List.of(CLASS));
        Rng r = new Rng(1);
        int n = schema.encodedInputs();
        int train = 2000;
        float[] x = rows(r, train, n, schema);
        float[] d = new float[train * 5];
        for (int p = 0; p < train; p++) d[p * 5 + p % 5] = 1;
        DataSet ds = new DataSet(x, d, n, 5, CLASS.values(), schema.encodedInputNames(), schema);
        Pipeline pl = Pipeline.fit(ds, Pipeline.Options.standardize());
        Network net = Network.builder(n).layer(256, Activation.TANH).layer(128, Activation.TANH).layer(5, Activation.SOFTMAX).build(Init.xavier(), 2);
        Model model = Model.builder(net, Loss.CROSS_ENTROPY).pipeline(pl).classNames(CLASS.values()).targetNames(List.of("class")).build();
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
        Predictor predictor = new Predictor(net, Loss.CROSS_ENTROPY);
        System.out.printf(Locale.ROOT, "# %s, %d clients, %d rounds of %.1f s per side, alternating%n", net.describe(), clients, rounds, seconds);
        System.out.println("round,side,records_per_s,requests_per_s,p50_ms,p99_ms");
        try (PredictionServer s = PredictionServer.start(file, PredictionServer.Options.defaults().withPort(0));
             HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).build()) {
            URI uri = URI.create("http://127.0.0.1:" + s.port() + "/predict");
            List<double[]> inproc = new ArrayList<>(), srv256 = new ArrayList<>(), srv1 = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) {   // round 0 warms the JIT up and is not reported
                double[] a = run(clients, seconds, 256, k -> predictor.predict(pl.transformInputs(rows256[k % 64]), 256));
                double[] b = run(clients, seconds, 256, k -> post(http, uri, batch[k % 64]));
                double[] c = run(clients, seconds, 1, k -> post(http, uri, single[k % 64]));
                if (round == 0) continue;
                print(round, "in-process 256", a);
                print(round, "server 256", b);
                print(round, "server 1", c);
                inproc.add(a);
                srv256.add(b);
                srv1.add(c);
            }
            double ra = median(inproc, 0), rb = median(srv256, 0);
            System.out.printf(Locale.ROOT, "# medians: in-process 256 %.0f records/s; server 256 %.0f records/s (p50 %.2f ms, p99 %.2f ms); "
                    + "server 1 %.0f requests/s (p50 %.2f ms, p99 %.2f ms); in-process/server for 256-record batches %.2fx%n",
                    ra, rb, median(srv256, 2), median(srv256, 3), median(srv1, 1), median(srv1, 2), median(srv1, 3), ra / rb);
        } finally {
            Files.deleteIfExists(file);
        }
        System.exit(0);
    }

    interface Call {
        void call(int k) throws Exception;
    }

    /** C threads call for {@code seconds}; returns {records/s, requests/s, p50 ms, p99 ms}. */
    static double[] run(int clients, double seconds, int records, Call call) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
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
            long[] l = all.stream().mapToLong(Long::longValue).sorted().toArray();
            return new double[] {l.length * (double) records / wall, l.length / wall, l[l.length / 2] / 1e6, l[(int) (l.length * 0.99)] / 1e6};
        }
    }

    static void post(HttpClient http, URI uri, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("status " + r.statusCode() + ": " + r.body());
    }

    static void print(int round, String side, double[] v) {
        System.out.printf(Locale.ROOT, "%d,%s,%.0f,%.1f,%.3f,%.3f%n", round, side, v[0], v[1], v[2], v[3]);
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

    static String json(Rng r, int m, boolean array) {
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
