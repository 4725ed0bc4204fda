package org.backprop4j.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.backprop4j.train.Optimizers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server without a browser: where it listens, what it refuses, and a clear message for every bad parameter. */
class ServerSafetyTest {
    static Studio studio;

    @BeforeAll
    static void start() throws IOException {
        studio = Studio.start(0);
    }

    @AfterAll
    static void stop() {
        if (studio != null) studio.close();
    }

    record Response(int status, String head, String body) {}

    /** A raw HTTP/1.1 request (java.net.http will not send a foreign Host header). */
    static Response send(String method, String path, Map<String, String> headers, String body) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), studio.port())) {
            s.setSoTimeout(10_000);
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            if (!headers.containsKey("Host")) req.append("Host: 127.0.0.1:").append(studio.port()).append("\r\n");
            for (Map.Entry<String, String> h : headers.entrySet()) req.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
            req.append("Content-Length: ").append(b.length).append("\r\nConnection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.write(b);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String r = all.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(r.substring(9, 12));
            int bodyAt = r.indexOf("\r\n\r\n");
            return new Response(status, r.substring(0, bodyAt), r.substring(bodyAt + 4));
        }
    }

    static Response post(String path, String json) throws IOException {
        return send("POST", path, Map.of("Content-Type", "application/json"), json);
    }

    @Test
    void listensOnLoopbackOnlyByDefault() {
        assertTrue(studio.uri().toString().startsWith("http://127.0.0.1:"), studio.uri().toString());
        assertEquals("127.0.0.1", new StudioCommand().bind, "the command's default address");
    }

    @Test
    void servesThePageToItsOwnHost() throws IOException {
        Response r = send("GET", "/", Map.of(), null);
        assertEquals(200, r.status());
        assertTrue(r.body().contains("backprop4j studio"));
        // offline and unframeable: the page may load, connect to and embed nothing but this server (no CDN)
        List<String> csp = r.head().lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-security-policy:"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).toList();   // header names are case-insensitive (the JDK server writes "Content-security-policy")
        assertEquals(List.of("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"), csp, r.head());
        assertEquals(200, send("GET", "/", Map.of("Host", "localhost:" + studio.port()), null).status());
    }

    @Test
    void refusesForeignHostsAndOrigins() throws IOException {
        Response host = send("GET", "/", Map.of("Host", "evil.example:" + studio.port()), null);
        assertEquals(403, host.status(), "DNS rebinding: a page of another name reaching 127.0.0.1");
        assertTrue(host.body().contains("Host header"), host.body());
        Response origin = send("POST", "/api/run", Map.of("Content-Type", "application/json", "Origin", "http://evil.example"), "{}");
        assertEquals(403, origin.status());
        assertTrue(origin.body().contains("cross-origin"), origin.body());
        Response site = send("GET", "/api/meta", Map.of("Sec-Fetch-Site", "cross-site"), null);
        assertEquals(403, site.status());
        Response form = send("POST", "/api/control", Map.of("Content-Type", "application/x-www-form-urlencoded"), "run=main&action=play");
        assertEquals(415, form.status(), "a cross-site form post (no preflight) is not JSON");
        Response same = send("POST", "/api/run", Map.of("Content-Type", "application/json", "Origin", "http://127.0.0.1:" + studio.port()),
                "{\"run\":\"a\",\"config\":{}}");
        assertEquals(200, same.status(), same.body());
    }

    @Test
    void everyBadParameterGetsAOneLineMessageNamingIt() throws IOException {
        // field → a bad value, and a word the message must contain
        List<String[]> bad = List.of(
                new String[] {"\"dataset\":\"moons\"", "dataset"},
                new String[] {"\"patterns\":3", "patterns"},
                new String[] {"\"patterns\":\"many\"", "patterns"},
                new String[] {"\"noise\":-0.1", "noise"},
                new String[] {"\"dataSeed\":1.5", "dataSeed"},
                new String[] {"\"validation\":0.9", "validation"},
                new String[] {"\"hidden\":[0]", "hidden layer 1"},
                new String[] {"\"hidden\":[2,2,2,2,2,2,2]", "hidden"},
                new String[] {"\"hidden\":\"2\"", "hidden"},
                new String[] {"\"activations\":[\"sine\"]", "activation"},
                new String[] {"\"outputs\":\"three\"", "outputs"},
                new String[] {"\"outputActivation\":\"softmax\"", "output activation"},
                new String[] {"\"loss\":\"hinge\"", "loss"},
                new String[] {"\"outputs\":\"one\",\"outputActivation\":\"identity\",\"loss\":\"bce\"", "logistic"},
                new String[] {"\"init\":\"zeros\"", "init"},
                new String[] {"\"optimizer\":\"sgd\",\"optimizerParams\":{\"lr\":\"fast\"}", "lr"},
                new String[] {"\"optimizer\":\"sgd\",\"optimizerParams\":{\"lr\":-1}", "lr"},
                new String[] {"\"optimizer\":\"sgd\",\"optimizerParams\":{\"beta\":1}", "beta"},
                new String[] {"\"optimizer\":\"adamax\"", "optimizer"},
                new String[] {"\"optimizer\":\"lbfgs\",\"batch\":1", "batch"},
                new String[] {"\"optimizer\":\"lm\",\"loss\":\"bce\",\"batch\":0", "lm"},
                new String[] {"\"batch\":-1", "batch"},
                new String[] {"\"lambda\":\"NaN\"", "lambda"},
                new String[] {"\"scaling\":\"log\"", "scaling"},
                new String[] {"\"scaling\":\"standardize\"", "scaling"},
                new String[] {"\"seed\":\"x\"", "seed"},
                new String[] {"\"maxEpochs\":0", "maxEpochs"},
                new String[] {"\"speed\":-5", "speed"},
                new String[] {"\"colour\":\"red\"", "colour"});
        for (String[] c : bad) {
            Response r = post("/api/run", "{\"run\":\"b\",\"config\":{" + c[0] + "}}");
            assertEquals(400, r.status(), c[0] + " → " + r.body());
            JsonNode j = Studio.JSON.readTree(r.body());
            String msg = j.get("error").asText();
            assertTrue(msg.toLowerCase().contains(c[1].toLowerCase()), c[0] + ": the message names the field: " + msg);
            assertFalse(msg.contains("\n") || msg.contains("\tat ") || msg.contains("Exception"), c[0] + ": one line, no stack trace: " + msg);
        }
        for (String[] c : List.of(new String[] {"/api/run", "{\"run\":\"main\",\"config\":", "JSON"},
                new String[] {"/api/run", "{\"run\":\"zzz\",\"config\":{}}", "run"},
                new String[] {"/api/control", "{\"run\":\"main\",\"action\":\"explode\"}", "action"},
                new String[] {"/api/control", "{\"run\":\"main\",\"action\":\"step\",\"epochs\":0}", "epochs"},
                new String[] {"/api/stepthrough", "{\"source\":\"jacobs\",\"eta\":-1}", "η"},
                new String[] {"/api/stepthrough", "{\"source\":\"run\",\"pattern\":100000}", "pattern"},
                new String[] {"/api/inspect", "{\"name\":\"m.json\",\"text\":\"{}\"}", "m.json"},
                new String[] {"/api/run", "{\"run\":\"b\",\"config\":{\"dataset\":\"csv\"},\"csv\":\"a,b\\n1,2\\n\"}", "csv"},
                new String[] {"/api/run", "{\"run\":\"b\",\"config\":{\"dataset\":\"csv\"},\"csv\":5}", "csv"},
                new String[] {"/api/run", "{\"run\":\"b\",\"config\":{\"dataset\":\"csv\"},\"csv\":\"x,y,c\\n1,2,a\\n3,4,b\\n5,6,c\\n\"}", "two values"},
                new String[] {"/api/run", "{\"run\":\"b\",\"config\":[1]}", "settings"},
                new String[] {"/api/run", "", "no body"},
                new String[] {"/api/control", "{\"run\":\"main\",\"action\":\"step\",\"epochs\":\"x\"}", "epochs"},
                new String[] {"/api/stepthrough", "{\"source\":\"movie\"}", "source"},
                new String[] {"/api/stepthrough", "{\"source\":\"jacobs\",\"eta\":\"fast\"}", "η"},
                new String[] {"/api/stepthrough", "{\"source\":\"run\",\"pattern\":\"one\"}", "pattern"},
                new String[] {"/api/inspect", "{\"name\":\"m.json\"}", "text"})) {
            post("/api/run", "{\"run\":\"main\",\"config\":{}}");
            Response r = post(c[0], c[1]);
            assertEquals(400, r.status(), c[1] + " → " + r.body());
            String msg = Studio.JSON.readTree(r.body()).get("error").asText();
            assertTrue(msg.contains(c[2]), c[1] + ": " + msg);
            assertFalse(msg.contains("\n") || msg.contains("\tat ") || msg.contains("Exception"), c[1] + ": one line, no stack trace: " + msg);
        }
        // the GET API's parameters: the run to export
        for (String path : List.of("/api/export", "/api/export?run=zzz", "/api/export/data.csv?run=main%00", "/api/export/model.json?run=")) {
            Response r = send("GET", path, Map.of(), null);
            assertEquals(400, r.status(), path + " → " + r.body());
            String msg = Studio.JSON.readTree(r.body()).get("error").asText();
            assertTrue(msg.startsWith("run: expected one of [a, b, main], not '"), path + ": " + msg);
        }
        assertEquals(404, send("GET", "/api/nothing", Map.of(), null).status());
        assertEquals(404, send("GET", "/../../etc/passwd", Map.of(), null).status());
    }

    @Test
    void theOptimizerTableCoversEveryRuleAndParseAcceptsEveryKey() {
        assertEquals(new java.util.TreeSet<>(Optimizers.NAMES), new java.util.TreeSet<>(RunConfig.OPTIMIZER_PARAMS.keySet()));
        for (var e : RunConfig.OPTIMIZER_PARAMS.entrySet()) {
            StringBuilder spec = new StringBuilder(e.getKey());
            char sep = ':';
            for (var p : e.getValue().entrySet()) {
                spec.append(sep).append(p.getKey()).append('=').append(RunConfig.num(p.getValue()));
                sep = ',';
            }
            Optimizers.parse(spec.toString());   // throws on an unknown key or a bad value
        }
    }
}
