package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.io.ModelFile;
import org.backprop4j.model.Model;
import org.backprop4j.studio.Studio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The studio's export of a run whose hidden layers have different activations, through its HTTP API
 * (no browser, so it runs where Chromium is missing; {@link StudioExportTest} does the same through
 * the page): the exported command, parsed and run by this CLI, trains the same network — the same
 * architecture and activations, and every weight bit of the studio's model file.
 */
class StudioApiExportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    Studio studio;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        studio = Studio.start(0);
    }

    @AfterEach
    void stop() {
        if (studio != null) studio.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(studio.uri().resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(studio.uri().resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRunWithDifferentHiddenActivationsExportsACommandThatTrainsTheSameNetwork() throws Exception {
        String config = "{\"dataset\":\"spirals\",\"patterns\":120,\"outputs\":\"per-class\",\"hidden\":[6,5,4],"
                + "\"activations\":[\"tanh\",\"relu\",\"logistic\"],\"optimizer\":\"adam\",\"optimizerParams\":{\"lr\":0.01},\"batch\":16,"
                + "\"lambda\":0.001,\"validation\":0.2,\"scaling\":\"standardize\",\"seed\":11,\"maxEpochs\":30,\"speed\":0}";
        String pageModel = exportAndTrain(config, 30, " --hidden 6,5,4 --activation tanh,relu,logistic ",
                "2-6(tanh)-5(relu)-4(logistic)-2(softmax)", List.of(Activation.TANH, Activation.RELU, Activation.LOGISTIC));

        // the studio's inspector shows the model's per-layer settings
        HttpResponse<String> r = post("/api/inspect", JSON.createObjectNode().put("name", "m.json").put("text", pageModel).toString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode inspected = JSON.readTree(r.body());
        assertEquals("[\"tanh\",\"relu\",\"logistic\",\"softmax\"]", inspected.get("activations").toString());
        assertEquals("[\"tanh\",\"relu\",\"logistic\"]", inspected.get("training").get("activations").toString());
        assertEquals("softmax", inspected.get("training").get("output").asText());
        assertEquals("ce", inspected.get("training").get("loss").asText());
    }

    /**
     * The editor's newer activations (softplus, ELU, GELU, sin: the last two keep net for f'), one per
     * hidden layer: the exported command trains the same network, every weight bit.
     */
    @Test
    void aRunWithSoftplusEluGeluAndSinLayersExportsACommandThatTrainsTheSameNetwork() throws Exception {
        String config = "{\"dataset\":\"circles\",\"patterns\":100,\"hidden\":[5,4,4,3],\"activations\":[\"softplus\",\"elu\",\"gelu\",\"sin\"],"
                + "\"optimizer\":\"momentum\",\"optimizerParams\":{\"lr\":0.05},\"batch\":8,\"seed\":5,\"maxEpochs\":25,\"speed\":0}";
        exportAndTrain(config, 25, " --hidden 5,4,4,3 --activation softplus,elu,gelu,sin ", "2-5(softplus)-4(elu)-4(gelu)-3(sin)-1(logistic)",
                List.of(Activation.SOFTPLUS, Activation.ELU, Activation.GELU, Activation.SIN));
    }

    /**
     * Sets up and plays the run {@code config} to its end ({@code epochs}, its maxEpochs), exports it, checks the
     * command names the hidden layers as {@code hiddenArguments} says, runs the command with this CLI and checks it
     * trains the same network: architecture, activations, every weight bit and the fitted scaling. The page's model file.
     */
    String exportAndTrain(String config, int epochs, String hiddenArguments, String describe, List<Activation> activations) throws Exception {
        HttpResponse<String> r = post("/api/run", "{\"run\":\"main\",\"config\":" + config + "}");
        assertEquals(200, r.statusCode(), r.body());
        r = post("/api/control", "{\"run\":\"main\",\"action\":\"play\"}");
        assertEquals(200, r.statusCode(), r.body());
        // the export is refused while the run trains ("pause the run first"), and is of epoch 0 before its thread starts:
        // wait for the end of the run (maxEpochs)
        long end = System.nanoTime() + 60_000_000_000L;
        JsonNode export = null;
        while (System.nanoTime() < end) {
            Thread.sleep(50);
            r = get("/api/export?run=main");
            if (r.statusCode() == 400 && r.body().contains("pause the run first")) continue;
            assertEquals(200, r.statusCode(), r.body());
            export = JSON.readTree(r.body());
            if (export.get("epochs").asInt() == epochs) break;
        }
        assertEquals(epochs, export == null ? -1 : export.get("epochs").asInt(), "the run's end within a minute");
        String command = export.get("command").asText();
        assertTrue(command.contains(hiddenArguments), command);

        Path csv = dir.resolve(export.get("csvName").asText());
        Files.writeString(csv, get("/api/export/data.csv?run=main").body());
        String pageModel = get("/api/export/model.json?run=main").body();
        Model page = ModelFile.parse(pageModel.getBytes(StandardCharsets.UTF_8), "studio-model.json");
        assertEquals(describe, page.network().describe());
        assertEquals(activations, page.provenance().settings().activations());

        // parse the command as the shell would and run it with this CLI
        List<String> words = StudioExportTest.words(command);
        assertEquals(List.of("backprop4j", "train"), words.subList(0, 2), command);
        List<String> run = new ArrayList<>(words.subList(1, words.size()));
        Path model = dir.resolve("model.json");
        for (int i = 0; i < run.size(); i++) {
            if (run.get(i).equals(csv.getFileName().toString())) run.set(i, csv.toString());
            if (run.get(i).equals("model.json")) run.set(i, model.toString());
        }
        run.add("--quiet");
        StudioExportTest.Cli c = StudioExportTest.cli(run);
        assertEquals(0, c.code(), command + "\n" + c.err());
        Model trained = ModelFile.read(model);
        assertEquals(page.network().describe(), trained.network().describe());
        for (int l = 1; l <= page.network().layers(); l++) assertEquals(page.network().activation(l), trained.network().activation(l), "layer " + l);
        assertEquals(page.provenance().settings().activations(), trained.provenance().settings().activations());
        float[] p = page.network().params(), t = trained.network().params();
        assertEquals(p.length, t.length);
        for (int i = 0; i < p.length; i++) {
            assertEquals(Float.floatToRawIntBits(p[i]), Float.floatToRawIntBits(t[i]), "parameter " + i + " of " + p.length + ", " + command);
        }
        assertEquals(page.pipeline() == null ? null : page.pipeline().toMap().toString(),
                trained.pipeline() == null ? null : trained.pipeline().toMap().toString(), "the fitted scaling");
        return pageModel;
    }
}
