package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.TestData;
import org.backprop4j.data.Pipeline;
import org.backprop4j.model.Model;
import org.backprop4j.train.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line has no logic the library lacks: a model trained through the library API and one
 * trained by {@code backprop4j train} with the same settings are the same file, byte for byte,
 * apart from the two values that are measurements of the run (when it was made, how long it took).
 */
class LibraryCliIdentityTest {
    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The file's JSON with the creation time and the training time removed, re-serialised. */
    static byte[] normalised(Path model) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(model.toFile());
        ObjectNode prov = (ObjectNode) root.get("provenance");
        assertNotNull(((ObjectNode) prov.get("environment")).remove("created"), "a creation time is recorded");
        assertNotNull(((ObjectNode) prov.get("outcome")).remove("seconds"), "a training time is recorded");
        return JSON.writeValueAsBytes(root);
    }

    /** The file's lines without those two values (so the raw files agree everywhere else too). */
    static List<String> linesWithoutTimes(Path model) throws Exception {
        List<String> keep = new ArrayList<>();
        for (String l : Files.readAllLines(model)) if (!l.contains("\"created\" :") && !l.contains("\"seconds\" :")) keep.add(l);
        return keep;
    }

    private void same(String data, Settings settings, String... flags) throws Exception {
        Path file = TestData.path(data);
        Path lib = dir.resolve(data + ".library.json"), cli = dir.resolve(data + ".cli.json");
        Model.train(file, settings).save(lib);
        List<String> args = new ArrayList<>(List.of("train", file.toString(), "-o", cli.toString(), "--quiet"));
        args.addAll(List.of(flags));
        CliTest.Result r = CliTest.run(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(normalised(lib), normalised(cli), data + " " + String.join(" ", flags));
        assertEquals(linesWithoutTimes(lib), linesWithoutTimes(cli), data + " " + String.join(" ", flags));
        assertEquals(Files.readAllLines(lib).size(), linesWithoutTimes(lib).size() + 2, "only two lines were left out");
    }

    @Test
    void everyDefaultChosenFromTheData() throws Exception {
        same("iris.csv", Settings.defaults());   // classification: softmax, ce, adam, 200 epochs, batch 32
        same("cpu.arff", Settings.defaults());   // regression: identity, mse, targets standardized
    }

    @Test
    void settingsGivenByTheUser() throws Exception {
        same("iris.csv", Settings.builder().hidden(8, 4).activation(Activation.RELU).optimizer("sgd:lr=0.05,momentum=0.9").batch(16)
                        .epochs(30).lambda(0.001).seed(7).validation(0.2).build(),
                "--hidden", "8,4", "--activation", "relu", "--optimizer", "sgd:lr=0.05,momentum=0.9", "--batch", "16",
                "--epochs", "30", "--lambda", "0.001", "--seed", "7", "--validation", "0.2");
        same("weather.nominal.arff", Settings.builder().optimizer("irprop-").epochs(25).scaling(Pipeline.Scaling.MINMAX_PM1).build(),
                "--optimizer", "irprop-", "--epochs", "25", "--scaling", "minmax-pm1");   // full batch chosen for Rprop
        same("wine_data.csv", Settings.builder().validation(0.25).earlyStopping("patience:5").epochs(60).schedule("cosine:60")
                        .clipNorm(5).build(),
                "--validation", "0.25", "--early-stopping", "patience:5", "--epochs", "60", "--schedule", "cosine:60", "--clip", "5");
        // one activation per hidden layer: the list form of --activation is the library's activations(...)
        same("iris.csv", Settings.builder().hidden(6, 5, 4).activations(Activation.TANH, Activation.RELU, Activation.GELU).epochs(20).seed(3).build(),
                "--hidden", "6,5,4", "--activation", "tanh,relu,gelu", "--epochs", "20", "--seed", "3");
        same("cpu.arff", Settings.builder().hidden(0).epochs(40).scaling(Pipeline.Scaling.MINMAX_01).batch(1).build(),
                "--hidden", "0", "--epochs", "40", "--scaling", "minmax", "--batch", "1");
    }

    @Test
    void theComparisonSeesADifference() throws Exception {
        // a different seed gives other weights: the normalised files then differ
        Path file = TestData.path("iris.csv");
        Path a = dir.resolve("a.json"), b = dir.resolve("b.json");
        Model.train(file, Settings.builder().epochs(5).build()).save(a);
        Model.train(file, Settings.builder().epochs(5).seed(43).build()).save(b);
        assertFalse(java.util.Arrays.equals(normalised(a), normalised(b)));
    }
}
