package org.backprop4j.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A fast run does not flood the page: the event stream carries at most one frame per run every
 * {@link Studio#FRAME_NANOS} however many epochs train meanwhile, and every epoch's losses still
 * arrive, once each and in order (a frame carries the history rows since the previous one). An
 * upper bound, so a loaded machine cannot make it fail; it needs only that the run outpaces the frames.
 */
class FrameThrottleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFastRunGetsAtMostSixtyFramesASecondAndEveryEpochsLoss() throws Exception {
        try (Studio studio = Studio.start(0)) {
            HttpClient http = HttpClient.newHttpClient();
            // XOR on 2-2-1, full batch: epochs of microseconds, which outpace the frames even interpreted on a loaded machine
            String config = "{\"run\":\"main\",\"config\":{\"dataset\":\"xor\",\"hidden\":[2],\"optimizer\":\"sgd\","
                    + "\"batch\":0,\"maxEpochs\":1000000,\"speed\":0}}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(studio.uri().resolve("/api/run")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(config)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            HttpResponse<InputStream> events = http.send(HttpRequest.newBuilder(studio.uri().resolve("/api/events")).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, events.statusCode());
            r = http.send(HttpRequest.newBuilder(studio.uri().resolve("/api/control")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"run\":\"main\",\"action\":\"play\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());

            int frames = 0;
            long rows = 0, nextEpoch = 1;   // history rows are [epoch, loss, validation loss], epochs from 1
            long firstEpoch = -1, lastEpoch = -1;
            long t0 = 0, t1 = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (!line.startsWith("data: {\"history\"")) continue;
                    JsonNode f = JSON.readTree(line.substring(6));
                    for (JsonNode h : f.get("history")) {
                        assertEquals(nextEpoch, h.get(0).asLong(), "every epoch once, in order");
                        nextEpoch++;
                        rows++;
                    }
                    long epoch = f.get("frame").get("epoch").asLong();
                    if (epoch < 2) continue;   // measure once the run trains
                    if (firstEpoch < 0) {
                        firstEpoch = epoch;
                        t0 = System.nanoTime();
                        continue;
                    }
                    frames++;
                    lastEpoch = epoch;
                    t1 = System.nanoTime();
                    if (t1 - t0 > 2_000_000_000L) break;
                }
            }
            double seconds = (t1 - t0) / 1e9;
            long epochs = lastEpoch - firstEpoch;
            assertEquals(lastEpoch, rows, "the losses of every epoch up to the last frame's arrived");
            // the stream's rounds are at least FRAME_NANOS apart, each round at most one frame per run (+1 for the edges)
            assertTrue(Studio.FRAME_NANOS >= 1_000_000_000L / 60, "at most 60 frames a second: " + Studio.FRAME_NANOS + " ns");
            double bound = seconds / (Studio.FRAME_NANOS / 1e9) + 1;
            String measured = frames + " frames for " + epochs + " epochs in " + seconds + " s (bound " + bound + ")";
            assertTrue(frames <= bound, measured);
            Assumptions.assumeTrue(epochs > 2L * frames, "the run did not outpace the frames on this machine (load), so throttling was not exercised: " + measured);
            System.out.println("FrameThrottleTest: " + measured);
        }
    }
}
