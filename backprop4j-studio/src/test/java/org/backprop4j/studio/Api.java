package org.backprop4j.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Predicate;

/** The studio's HTTP API from a test, without a browser: a studio on a free loopback port and a JDK client. */
final class Api implements AutoCloseable {
    final Studio studio;
    private final HttpClient http = HttpClient.newHttpClient();

    Api() throws java.io.IOException {
        studio = Studio.start(0);
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(studio.uri().resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(studio.uri().resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET that must answer 200; its JSON. */
    JsonNode getOk(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertEquals(200, r.statusCode(), path + " → " + r.body());
        return Studio.JSON.readTree(r.body());
    }

    /** POST that must answer 200; its JSON. */
    JsonNode postOk(String path, String json) throws Exception {
        HttpResponse<String> r = post(path, json);
        assertEquals(200, r.statusCode(), json + " → " + r.body());
        return Studio.JSON.readTree(r.body());
    }

    /** Sets up run {@code id} with the settings {@code config} (JSON object text). */
    JsonNode run(String id, String config) throws Exception {
        return postOk("/api/run", "{\"run\":\"" + id + "\",\"config\":" + config + "}");
    }

    /** Trains run {@code id} for {@code epochs} epochs and waits (at most a minute) until it has paused or finished after them. */
    Run.Snapshot train(String id, int epochs) throws Exception {
        Run r = studio.run(id);
        int before = r.epochs();
        postOk("/api/control", "{\"run\":\"" + id + "\",\"action\":\"step\",\"epochs\":" + epochs + "}");
        return await(id, s -> s.epoch() >= before + epochs && s.state() != Run.State.RUNNING || s.state() == Run.State.DONE);
    }

    /** Waits (at most a minute) until run {@code id}'s snapshot satisfies {@code ok}. */
    Run.Snapshot await(String id, Predicate<Run.Snapshot> ok) throws Exception {
        long end = System.nanoTime() + 60_000_000_000L;
        while (true) {
            Run.Snapshot s = studio.run(id).snapshot();
            if (ok.test(s)) return s;
            if (System.nanoTime() > end) throw new AssertionError("run " + id + " timed out at " + s);
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        studio.close();
    }
}
