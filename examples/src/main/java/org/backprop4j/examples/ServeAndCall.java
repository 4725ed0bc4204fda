package org.backprop4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.backprop4j.model.Model;
import org.backprop4j.model.Prediction;
import org.backprop4j.serve.PredictionServer;
import org.backprop4j.train.Settings;

/**
 * Serve a model over HTTP and call it: the prediction server (backprop4j-serve) started in this
 * process on a free loopback port, one record and then every record of the CSV file posted to
 * {@code /predict} with the JDK's HTTP client, each answer compared with the library's own
 * prediction of the same request.
 *
 * <pre>
 * java -cp ... org.backprop4j.examples.ServeAndCall [data/fruit.csv]
 * </pre>
 *
 * The command line does the same with {@code backprop4j serve MODEL --port N}. Exits 1 (one line on
 * stderr) if an answer differs from the library's prediction or a request fails.
 */
public final class ServeAndCall {
    private ServeAndCall() {}

    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args.length > 0 ? args[0] : "data/fruit.csv");
        Path dir = Files.createTempDirectory("backprop4j-example");
        Path file = dir.resolve("fruit.model.json");
        TrainPredict.train(csv, Settings.builder().hidden(8).epochs(300).seed(7).build()).save(file);
        Model model = Model.load(file);   // what the server loads: its answers must be this model's

        // port 0: any free port; the default host is 127.0.0.1 (this machine only)
        try (PredictionServer server = PredictionServer.start(file, PredictionServer.Options.defaults().withPort(0))) {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            System.out.println("serving " + file.getFileName() + " on " + base);

            // one record: named fields as in the training file, typed (a number, a nominal value, or null)
            ObjectNode one = JSON.createObjectNode().put("weight_g", 150).put("diameter_cm", 7.4).put("colour", "red");
            JsonNode answer = post(http, base, one);
            System.out.println("POST /predict " + one + " -> " + answer);
            check(model, List.of(model.predict(List.of(150, 7.4, "red"))), List.of(answer));

            // a batch: every record of the file ('?' sent as null, a missing value)
            List<String> lines = Files.readAllLines(csv);
            List<String> fields = Arrays.asList(lines.get(0).split(","));
            ArrayNode batch = JSON.createArrayNode();
            List<List<?>> records = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) continue;
                String[] f = line.split(",");
                ObjectNode rec = batch.addObject();
                List<Object> values = new ArrayList<>();
                for (String name : model.fieldNames()) {
                    String v = f[fields.indexOf(name)];
                    Object typed = v.equals("?") ? null : model.schema().inputs().get(values.size()).isNominal() ? v : (Object) Double.parseDouble(v);
                    values.add(typed);
                    if (typed == null) rec.putNull(name);
                    else if (typed instanceof Double d) rec.put(name, d);
                    else rec.put(name, (String) typed);
                }
                records.add(values);
            }
            JsonNode answers = post(http, base, batch).get("predictions");
            List<JsonNode> got = new ArrayList<>();
            answers.forEach(got::add);
            check(model, model.predictAll(records), got);
            System.out.println("POST /predict with " + records.size() + " records: every answer is the library's prediction of the same batch");

            HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("/health")).GET().build(), HttpResponse.BodyHandlers.ofString());
            System.out.println("GET /health -> " + health.statusCode() + " " + health.body());
            if (health.statusCode() != 200) fail("GET /health answered " + health.statusCode());
        }
        Files.delete(file);
        Files.delete(dir);
    }

    static JsonNode post(HttpClient http, URI base, JsonNode body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/predict")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) fail("POST /predict answered " + r.statusCode() + ": " + r.body());
        return JSON.readTree(r.body());
    }

    /**
     * Every answer has the library's label and, for every class, its probability: the server sends
     * float32 values, so each is compared as a float, bit for bit.
     */
    static void check(Model model, List<Prediction> want, List<JsonNode> got) {
        if (want.size() != got.size()) fail(got.size() + " answers for " + want.size() + " records");
        for (int i = 0; i < want.size(); i++) {
            Prediction p = want.get(i);
            JsonNode a = got.get(i);
            if (!p.label().equals(a.path("label").asText())) fail("record " + (i + 1) + ": label " + a.path("label") + ", library " + p.label());
            JsonNode probs = a.path("probabilities");
            if (probs.size() != model.classNames().size()) fail("record " + (i + 1) + ": " + probs.size() + " probabilities for " + model.classNames().size() + " classes");
            for (String c : model.classNames()) {
                float lib = (float) p.probability(c), served = probs.path(c).floatValue();
                if (!probs.path(c).isNumber() || Float.floatToIntBits(lib) != Float.floatToIntBits(served)) {
                    fail("record " + (i + 1) + " class " + c + ": served " + probs.path(c) + ", library " + lib);
                }
            }
        }
    }

    static void fail(String message) {
        System.err.println("ServeAndCall: " + message);
        System.exit(1);
    }
}
