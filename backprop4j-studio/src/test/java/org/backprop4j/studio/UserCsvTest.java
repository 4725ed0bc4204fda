package org.backprop4j.studio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.backprop4j.Rng;
import org.backprop4j.io.ModelFile;
import org.backprop4j.model.Model;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A valid user CSV end to end through the HTTP API: upload, the run's points (every row, every
 * value), training, and what the API then shows (the export, the data file, the model, the
 * step-through of one of its patterns); compare's runs train on the same uploaded data.
 */
class UserCsvTest {
    Api api;

    @BeforeEach
    void start() throws Exception {
        api = new Api();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** Two clusters of 2·half rows with string classes: "blue" around (−1, 2), "red" around (1, −2); the rows interleaved. */
    static String clusters(int half, long seed) {
        Rng rng = new Rng(seed);
        StringBuilder sb = new StringBuilder("length,weight,colour\n");
        for (int i = 0; i < 2 * half; i++) {
            boolean red = i % 2 == 0;
            sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%s%n", (red ? 1 : -1) + 0.4 * rng.nextGaussian(),
                    (red ? -2 : 2) + 0.4 * rng.nextGaussian(), red ? "red" : "blue"));
        }
        return sb.toString();
    }

    static String body(String run, String config, String csv) {
        return Studio.JSON.createObjectNode().put("run", run).<com.fasterxml.jackson.databind.node.ObjectNode>set("config", read(config))
                .put("csv", csv).toString();
    }

    static JsonNode read(String json) {
        try {
            return Studio.JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void anUploadedCsvTrainsAndTheApiShowsTheRun() throws Exception {
        String text = clusters(30, 4);
        String[] rows = text.split("\n");
        String config = "{\"dataset\":\"csv\",\"validation\":0,\"hidden\":[3],\"optimizerParams\":{\"lr\":0.5},\"speed\":0,\"maxEpochs\":500}";
        JsonNode d = api.postOk("/api/run", body("main", config, text));
        assertEquals("csv", d.get("config").get("dataset").asText());
        assertEquals(60, d.get("trainSize").asInt());
        assertEquals("[2,3,1]", d.get("sizes").toString());
        // every row is a point of the page: the two values as floats, the class numbered in sorted order (blue 0, red 1)
        JsonNode points = d.get("train");
        assertEquals(rows.length - 1, points.size());
        for (int p = 0; p < points.size(); p++) {
            String[] v = rows[p + 1].split(",");
            assertEquals(Float.parseFloat(v[0]), points.get(p).get(0).floatValue(), 0f, "row " + (p + 1) + " x1");
            assertEquals(Float.parseFloat(v[1]), points.get(p).get(1).floatValue(), 0f, "row " + (p + 1) + " x2");
            assertEquals(v[2].equals("red") ? 1 : 0, points.get(p).get(2).asInt(), "row " + (p + 1) + " class");
        }

        // the playground's later settings keep the uploaded file (the page sends it once)
        api.run("main", config.replace("\"hidden\":[3]", "\"hidden\":[4]"));
        Run main = api.studio.run("main");
        assertEquals(Datasets.userCsv(text), main.data.csv());
        assertEquals(60, main.data.train().size());

        Run.Snapshot s = api.train("main", 200);
        assertEquals(200, s.epoch());
        List<double[]> h = main.history(0, 200);
        assertEquals(200, h.size());
        assertTrue(h.get(199)[1] < h.get(0)[1] / 2, "the loss falls: " + h.get(0)[1] + " → " + h.get(199)[1]);
        // two separated clusters: every training pattern right after 200 epochs of η = 0.5 (seed 42)
        assertEquals(1.0, main.surfaces.frame(s.params()).get("trainAccuracy").asDouble());

        JsonNode export = api.getOk("/api/export?run=main");
        assertEquals(200, export.get("epochs").asInt());
        assertEquals("studio-csv.csv", export.get("csvName").asText());
        assertTrue(export.get("command").asText().startsWith("backprop4j train studio-csv.csv --regression --hidden 4 "), export.toString());
        assertEquals(Datasets.userCsv(text), api.get("/api/export/data.csv?run=main").body());
        Model m = ModelFile.parse(api.get("/api/export/model.json?run=main").body().getBytes(StandardCharsets.UTF_8), "m.json");
        assertArrayEquals(s.params(), m.network().params(), "the model file holds the run's weights");
        assertEquals("studio-csv.csv", m.provenance().data().file());
        assertEquals(60, m.provenance().data().patterns());

        // step-through of one of its patterns, through the run's current weights
        JsonNode st = api.postOk("/api/stepthrough", "{\"source\":\"run\",\"pattern\":2,\"eta\":0.5}");
        assertTrue(st.get("title").asText().startsWith("pattern 2 of the playground's training set"), st.get("title").asText());
    }

    @Test
    void compareRunsTrainOnThePlaygroundsUploadedData() throws Exception {
        String text = clusters(20, 9);
        api.postOk("/api/run", body("main", "{\"dataset\":\"csv\"}", text));
        // the page sends the file with the playground's run only; compare's runs name the data set, not the file
        api.run("a", "{\"dataset\":\"csv\",\"optimizer\":\"sgd\"}");
        api.run("b", "{\"dataset\":\"csv\",\"optimizer\":\"irprop-\"}");
        for (String id : List.of("a", "b")) {
            Run r = api.studio.run(id);
            assertEquals(Datasets.userCsv(text), r.data.csv(), "run " + id);
        }
        JsonNode c = api.getOk("/api/compare");
        assertTrue(c.get("sameData").asBoolean(), c.toString());
        assertTrue(c.get("sameInitialWeights").asBoolean(), c.toString());
        // a new upload to the playground is what compare's next runs train on
        String other = clusters(25, 10);
        api.postOk("/api/run", body("main", "{\"dataset\":\"csv\"}", other));
        api.run("a", "{\"dataset\":\"csv\"}");
        assertEquals(Datasets.userCsv(other), api.studio.run("a").data.csv());
    }
}
