package org.backprop4j.serve;

import static org.backprop4j.serve.ServerFixtures.INPUTS;
import static org.backprop4j.serve.ServerFixtures.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.backprop4j.Rng;
import org.backprop4j.model.Model;
import org.backprop4j.io.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prediction server on loopback: answers checked against the library, errors, reload, load. */
class PredictionServerTest {
    @TempDir
    Path dir;

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    static HttpResponse<String> post(HttpClient c, int port, String path, String body) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(HttpClient c, int port, String path) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    PredictionServer start(Model m, PredictionServer.Options o) throws Exception {
        Path f = dir.resolve("model.json");
        ModelFile.write(m, f);
        return PredictionServer.start(f, o.withPort(0));
    }

    /**
     * Bounded load test: 24 concurrent clients, 20 requests each (single records and batches of 1 to
     * 256), every answer compared bit for bit with the library's prediction of the same batch; no
     * request may fail; the whole run must end within its time limit.
     */
    @Test
    void manyConcurrentClientsGetTheLibrarysPredictions() throws Exception {
        Model m = ServerFixtures.classifier(1);
        try (PredictionServer s = start(m, PredictionServer.Options.defaults());
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
             HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).connectTimeout(TIMEOUT).build()) {
            int clientsN = 24, perClient = 20;
            List<Future<String>> results = new ArrayList<>();
            AtomicInteger ok = new AtomicInteger();
            for (int c = 0; c < clientsN; c++) {
                long seed = 100 + c;
                results.add(clients.submit(() -> {
                    Rng r = new Rng(seed);
                    for (int q = 0; q < perClient; q++) {
                        boolean single = q % 3 == 0;
                        int n = single ? 1 : q % 5 == 1 ? 256 : 1 + (int) (r.uniform(0, 1) * 64);
                        List<double[]> recs = new ArrayList<>();
                        for (int i = 0; i < n; i++) recs.add(ServerFixtures.record(r, INPUTS));
                        HttpResponse<String> resp = post(http, s.port(), "/predict", ServerFixtures.body(recs, single));
                        if (resp.statusCode() != 200) return "status " + resp.statusCode() + ": " + resp.body();
                        String diff = ServerFixtures.check(m, ServerFixtures.libraryOutputs(m, recs), JSON.readTree(resp.body()), single);
                        if (diff != null) return diff;
                        ok.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<String> f : results) assertNull(f.get(180, TimeUnit.SECONDS));
            assertEquals(clientsN * perClient, ok.get());
        }
    }

    /** Each bad request gets its status and a one-line JSON error naming the problem; the server keeps serving. */
    @Test
    void badRequestsGetTheRightStatusAndTheServerGoesOn() throws Exception {
        Model m = ServerFixtures.classifier(2);
        try (PredictionServer s = start(m, PredictionServer.Options.defaults().withLimits(4096, 10));
             HttpClient http = HttpClient.newHttpClient()) {
            String good = "{\"age\": 3, \"colour\": \"red\", \"height\": 12.5, \"size\": \"M\"}";
            Object[][] cases = {
                {"{\"age\": 3, ", 400, "not valid JSON: "},
                {"", 400, "empty body"},
                {"42", 400, "expected a record (a JSON object) or a batch (an array), found 42"},
                {good.replace("\"age\"", "\"agee\""), 400, "unknown field 'agee' (the model's fields: age, colour, height, size)"},
                {good.replace("3,", "\"three\","), 400, "field 'age': expected a number or null, found \"three\""},
                {good.replace("\"red\"", "\"purple\""), 400, "field 'colour': 'purple' is not one of [red, green, blue]"},
                {good.replace(", \"size\": \"M\"", ""), 400, "missing field 'size' (null for a missing value)"},
                {"[" + good + ", 7]", 400, "record 1: expected an object of named fields, found 7"},
                {"[]", 400, "an empty batch"},
                {"[" + String.join(",", java.util.Collections.nCopies(11, "{}")) + "]", 413, "11 records in one request; the limit is 10"},
                {"[" + String.join(",", java.util.Collections.nCopies(100, good)) + "]", 413, "request body over the limit of 4096 bytes"},
            };
            for (Object[] c : cases) {
                HttpResponse<String> r = post(http, s.port(), "/predict", (String) c[0]);
                assertEquals(c[1], r.statusCode(), c[0] + " → " + r.body());
                JsonNode e = JSON.readTree(r.body());
                assertTrue(e.get("error").asText().startsWith((String) c[2]), c[0] + " → " + r.body());
                assertEquals(1, r.body().lines().count());
            }
            assertEquals(405, get(http, s.port(), "/predict").statusCode());
            assertEquals(405, post(http, s.port(), "/health", "").statusCode());
            assertEquals(404, get(http, s.port(), "/nope").statusCode());
            HttpResponse<String> r = post(http, s.port(), "/predict", good);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(s.modelChecksum(), r.headers().firstValue("X-Model-SHA256").orElseThrow());
            assertEquals("ok", JSON.readTree(get(http, s.port(), "/health").body()).get("status").asText());
            // a target field in the record (as in the training file) is ignored; null is a missing value
            assertEquals(200, post(http, s.port(), "/predict", good.replace("\"age\": 3", "\"class\": \"b\", \"age\": null")).statusCode());
        }
    }

    /** What one connection gets back for these bytes (the server closes it after answering, as the requests ask). */
    static String raw(int port, String request) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * Bytes that are not HTTP, a header over the codec's limit, HTTP/1.0 and a chunked body: an
     * answer each (400 and a one-line JSON error for the first two), and the server goes on.
     */
    @Test
    void rawConnectionsGetAnswersAndTheServerGoesOn() throws Exception {
        Model m = ServerFixtures.classifier(7);
        String good = "{\"age\": 3, \"colour\": \"red\", \"height\": 12.5, \"size\": \"M\"}";
        try (PredictionServer s = start(m, PredictionServer.Options.defaults()); HttpClient http = HttpClient.newHttpClient()) {
            String garbage = raw(s.port(), "GARBAGE\r\n\r\n");
            assertTrue(garbage.startsWith("HTTP/1.1 400 ") && garbage.endsWith("{\"error\":\"malformed HTTP request\"}"), garbage);
            String longHeader = raw(s.port(), "GET /health HTTP/1.1\r\nX: " + "a".repeat(20_000) + "\r\n\r\n");
            assertTrue(longHeader.startsWith("HTTP/1.1 400 "), longHeader);
            String old = raw(s.port(), "POST /predict HTTP/1.0\r\nContent-Length: " + good.length() + "\r\n\r\n" + good);
            assertTrue(old.startsWith("HTTP/1.0 200 ") && old.contains("\"label\":"), old);
            String chunked = raw(s.port(), "POST /predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + Integer.toHexString(good.length()) + "\r\n" + good + "\r\n0\r\n\r\n");
            assertTrue(chunked.startsWith("HTTP/1.1 200 ") && chunked.contains("\"label\":"), chunked);
            assertEquals(200, post(http, s.port(), "/predict", good).statusCode());
        }
    }

    @Test
    void modelEndpointDescribesFieldsClassesAndProvenance() throws Exception {
        Model m = ServerFixtures.classifier(3);
        try (PredictionServer s = start(m, PredictionServer.Options.defaults()); HttpClient http = HttpClient.newHttpClient()) {
            JsonNode d = JSON.readTree(get(http, s.port(), "/model").body());
            assertEquals("model.json", d.get("file").asText());
            assertEquals(m.network().describe(), d.get("network").asText());
            assertEquals("classification", d.get("task").asText());
            assertEquals("[{\"name\":\"age\",\"type\":\"numeric\"},{\"name\":\"colour\",\"type\":\"nominal\",\"values\":[\"red\",\"green\",\"blue\"]},"
                    + "{\"name\":\"height\",\"type\":\"numeric\"},{\"name\":\"size\",\"type\":\"nominal\",\"values\":[\"S\",\"M\",\"L\"]}]", d.get("fields").toString());
            assertEquals("[\"a\",\"b\",\"c\"]", d.get("classes").toString());
            assertEquals("2026-12-07T00:00:00Z", d.get("provenance").get("environment").get("created").asText(), d.toString());
            assertEquals("train.csv", d.get("provenance").get("data").get("file").asText(), d.toString());
        }
    }

    /**
     * With reload on, a new model file is swapped in while clients keep asking: every answer is exactly
     * model A's or model B's prediction (the header says which), never a mix, and B arrives.
     */
    @Test
    void aChangedModelFileIsSwappedInAtomically() throws Exception {
        Model a = ServerFixtures.classifier(4), b = ServerFixtures.classifier(5);
        Path f = dir.resolve("model.json");
        ModelFile.write(a, f);
        Map<String, Model> byChecksum = new ConcurrentHashMap<>();
        byChecksum.put(ModelFile.weightsChecksum(a.network().params()), a);
        byChecksum.put(ModelFile.weightsChecksum(b.network().params()), b);
        try (PredictionServer s = PredictionServer.start(f, PredictionServer.Options.defaults().withPort(0).withReload(20));
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor(); HttpClient http = HttpClient.newHttpClient()) {
            List<Future<String>> results = new ArrayList<>();
            java.util.Set<String> seen = ConcurrentHashMap.newKeySet();
            for (int c = 0; c < 8; c++) {
                long seed = 200 + c;
                results.add(clients.submit(() -> {
                    Rng r = new Rng(seed);
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    for (int q = 0; q < 400 && System.nanoTime() < end; q++) {
                        List<double[]> recs = new ArrayList<>();
                        for (int i = 0; i < 32; i++) recs.add(ServerFixtures.record(r, INPUTS));
                        HttpResponse<String> resp = post(http, s.port(), "/predict", ServerFixtures.body(recs, false));
                        if (resp.statusCode() != 200) return "status " + resp.statusCode() + ": " + resp.body();
                        String sha = resp.headers().firstValue("X-Model-SHA256").orElse("");
                        Model m = byChecksum.get(sha);
                        if (m == null) return "unknown model " + sha;
                        seen.add(sha);
                        String diff = ServerFixtures.check(m, ServerFixtures.libraryOutputs(m, recs), JSON.readTree(resp.body()), false);
                        if (diff != null) return diff;
                        if (seen.size() == 2 && q > 20) return null;
                    }
                    return null;
                }));
            }
            Thread.sleep(300);
            ModelFile.write(b, f);   // atomic rename over the old file
            for (Future<String> r : results) assertNull(r.get(120, TimeUnit.SECONDS));
            assertEquals(2, seen.size(), "both models answered");
            assertEquals(ModelFile.weightsChecksum(b.network().params()), s.modelChecksum());
            // a broken file leaves B serving
            java.nio.file.Files.writeString(f, "{ not a model");
            Thread.sleep(300);
            assertEquals(200, get(http, s.port(), "/health").statusCode());
            assertEquals(ModelFile.weightsChecksum(b.network().params()), s.modelChecksum());
        }
    }

    /** SIGTERM: the forked server prints its stop line and exits; it answered before. */
    @Test
    void sigtermStopsTheServerGracefully() throws Exception {
        Path f = dir.resolve("model.json");
        ModelFile.write(ServerFixtures.classifier(6), f);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                PredictionServer.class.getName(), f.toString(), "0").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (HttpClient http = HttpClient.newHttpClient();
             var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertTrue(first != null && first.contains(" on http://127.0.0.1:"), String.valueOf(first));
            int port = Integer.parseInt(first.replaceAll(".*127\\.0\\.0\\.1:(\\d+).*", "$1"));
            assertEquals(200, get(http, port, "/health").statusCode());
            // SIGTERM by kill(1): Process.destroy() would also close our end of the server's stdout
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "exited");
            assertEquals("backprop4j serve: stopped (requests in flight finished)", out.readLine());
            assertEquals(143, p.exitValue());   // 128 + SIGTERM, after the shutdown hook ran
        } finally {
            p.destroyForcibly();
        }
    }
}
