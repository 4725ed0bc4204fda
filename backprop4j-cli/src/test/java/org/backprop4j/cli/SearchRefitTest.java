package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.backprop4j.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code search} finishes the job: it refits the best configuration on all the data, writes it
 * with {@code -o}, and prints a {@code train} command that, pasted into bash, makes the same model.
 */
class SearchRefitTest {
    @TempDir
    Path dir;

    /** The words bash makes of {@code script}, with {@code backprop4j} defined to print its arguments one per line. */
    static List<String> bashWords(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "backprop4j() { printf '%s\\n' \"$@\"; }\n" + script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bash finished");
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    /** Runs search, then the command it printed (as bash reads it), and compares the two model files. */
    private void refitIsReproduced(String data, String... flags) throws Exception {
        Path model = dir.resolve("best model.json");   // a space: the command must quote it
        List<String> args = new ArrayList<>(List.of("search", TestData.path(data).toString(), "-o", model.toString(), "--quiet"));
        args.addAll(List.of(flags));
        CliTest.Result s = CliTest.run(args.toArray(new String[0]));
        assertEquals(0, s.code(), s.err());
        List<String> lines = s.out().lines().toList();
        int at = lines.indexOf("reproduce it with:");
        assertTrue(at > 0 && at == lines.size() - 2, s.out());
        assertTrue(lines.get(at - 1).startsWith("best refitted on all ") && lines.get(at - 1).endsWith(" and written to " + model), s.out());
        String command = lines.get(at + 1).trim();
        assertTrue(Files.exists(model), "the refit model was written");
        Path searched = dir.resolve("searched.json");
        Files.copy(model, searched, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(model);

        List<String> words = bashWords(command);
        assertEquals(List.of("train", TestData.path(data).toString(), "-o", model.toString()), words.subList(0, 4), command);
        List<String> train = new ArrayList<>(words);
        train.add("--quiet");
        CliTest.Result t = CliTest.run(train.toArray(new String[0]));
        assertEquals(0, t.code(), command + "\n" + t.err());
        assertArrayEquals(LibraryCliIdentityTest.normalised(searched), LibraryCliIdentityTest.normalised(model), command);
        assertEquals(LibraryCliIdentityTest.linesWithoutTimes(searched), LibraryCliIdentityTest.linesWithoutTimes(model), command);
    }

    @Test
    void theBestIsRefittedSavedAndItsCommandMakesTheSameModel() throws Exception {
        // options given to search (data and model) and searched values (a multi-layer hidden, an optimizer spec with ',') all reach the command
        refitIsReproduced("iris.csv", "-k", "3", "--epochs", "15", "--lambda", "0.001", "--seed", "7", "--header",
                "--param", "hidden=3|4x2", "--param", "optimizer=adam:lr=0.01|sgd:lr=0.1,momentum=0.9");
    }

    @Test
    void withEarlyStoppingTheRefitHoldsOutTheSameShareAndSaysSo() throws Exception {
        refitIsReproduced("cpu.arff", "-k", "2", "--epochs", "40", "--early-stopping", "patience:3", "--validation", "0.25",
                "--param", "hidden=2|5");
    }

    @Test
    void theJsonFormNamesTheModelAndTheCommand() throws Exception {
        Path model = dir.resolve("m.json");
        CliTest.Result s = CliTest.run("search", TestData.path("iris.csv").toString(), "-k", "2", "--epochs", "5", "--json",
                "--param", "hidden=2|3", "-o", model.toString());
        assertEquals(0, s.code(), s.err());
        List<String> lines = s.out().lines().toList();
        assertEquals(3, lines.size(), s.out());
        JsonNode last = new ObjectMapper().readTree(lines.get(2));
        assertEquals(model.toString(), last.get("refit").asText());
        assertTrue(last.get("command").asText().startsWith("backprop4j train " + TestData.path("iris.csv") + " -o " + model + " --epochs 5 --hidden "),
                last.toString());
        assertTrue(Files.exists(model));
    }

    @Test
    void aModelFileThatCannotBeWrittenIsRefusedBeforeTheSearch() throws Exception {
        Path data = TestData.path("iris.csv");
        CliTest.Result r = CliTest.run("search", data.toString(), "--param", "hidden=2|3", "-o", data.toString());
        assertEquals(2, r.code(), r.err());
        assertFalse(r.out().contains("tried"), "no candidate was tried: " + r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        Path file = Files.writeString(dir.resolve("a file"), "kept");
        CliTest.Result m = CliTest.run("search", data.toString(), "--param", "hidden=2|3", "-o", file.resolve("m.json").toString());
        assertEquals(2, m.code(), m.err());
        assertFalse(m.out().contains("tried"), m.out());
        assertEquals("kept", Files.readString(file));
    }

    @Test
    void theHelpExamplePastesIntoBashAndParses() throws Exception {
        CliTest.Result h = CliTest.run("search", "--help");
        assertEquals(0, h.code(), h.err());
        List<String> lines = h.out().lines().toList();
        int at = lines.indexOf("Examples:");
        assertTrue(at > 0, h.out());
        // the first example: its line and the continuation after its trailing backslash
        String example = String.join("\n", lines.subList(at + 1, at + 3));
        List<String> words = bashWords(example);
        assertEquals(List.of("search", "iris.csv", "--param", "hidden=4|8|16", "-o", "best.json", "--param", "optimizer=adam:lr=0.01|irprop-",
                "--param", "lambda=0|0.001"), words, example);
        // the same picocli command accepts it
        SearchCommand cmd = new SearchCommand();
        new CommandLine(cmd).parseArgs(words.subList(1, words.size()).toArray(new String[0]));
        assertEquals(List.of("hidden=4|8|16", "optimizer=adam:lr=0.01|irprop-", "lambda=0|0.001"), cmd.params);
        assertEquals(Path.of("best.json"), cmd.out);
    }

    @Test
    void shellQuotingSurvivesEveryAwkwardCharacter() throws Exception {
        List<String> awkward = List.of("plain", "with space", "it's", "a|b", "$HOME", "`x`", "semi;colon", "*", "", "back\\slash", "\"q\"");
        StringBuilder script = new StringBuilder("backprop4j");
        for (String a : awkward) script.append(' ').append(SearchCommand.shellQuote(a));
        assertEquals(awkward, bashWords(script.toString()));
    }

    @Test
    void nestedCrossValidationScoresEachOuterFoldWithTheCandidateItsInnerSearchChose() throws Exception {
        Path iris = TestData.path("iris.csv");
        CliTest.Result s = CliTest.run("search", iris.toString(), "-k", "2", "--nested", "3", "--epochs", "8", "--threads", "2",
                "--param", "hidden=1|6", "--json");
        assertEquals(0, s.code(), s.err());
        List<String> lines = s.out().lines().toList();
        assertEquals(3, lines.size(), "two ranked candidates, then the nested estimate: " + s.out());
        JsonNode n = new ObjectMapper().readTree(lines.get(2)).get("nested");
        assertEquals(3, n.get("outerFolds").asInt());

        // the same procedure written out with the library: outer folds, inner search on the outer training part only
        org.backprop4j.data.DataSet raw = org.backprop4j.data.CsvReader.read(iris);
        List<String> values = List.of("1", "6");
        List<org.backprop4j.train.Settings> cands = new ArrayList<>();
        for (String v : values) {
            ModelOptions o = ModelSelectionTest.options(null, 8);
            o.optimizer = null;
            o.hidden = null;
            o.set("hidden", v);
            cands.add(o.settings(0));
        }
        List<org.backprop4j.data.Splits.Split> outer = org.backprop4j.model.CrossValidation.splits(raw, 3, 42);
        for (int i = 0; i < 3; i++) {
            org.backprop4j.data.DataSet[] parts = outer.get(i).of(raw);
            int best = -1;
            org.backprop4j.model.CrossValidation.Result bestScore = null;
            for (int c = 0; c < cands.size(); c++) {
                org.backprop4j.model.CrossValidation.Result r = new org.backprop4j.model.CrossValidation(cands.get(c)).folds(2).threads(1).run(parts[0]);
                if (bestScore == null || org.backprop4j.model.CrossValidation.ranking(true).compare(r, bestScore) < 0) {
                    best = c;
                    bestScore = r;
                }
            }
            assertEquals("{\"hidden\":\"" + values.get(best) + "\"}", n.get("chosen").get(i).toString(), "outer fold " + (i + 1));
            org.backprop4j.model.Model m = new org.backprop4j.model.ModelTrainer(cands.get(best)).fit(parts[0], null, null).model();
            org.backprop4j.metrics.Evaluation e = org.backprop4j.metrics.Evaluation.of(new org.backprop4j.Backprop(m.network(), m.loss()), m.pipeline().apply(parts[1]));
            assertEquals(e.accuracy(), n.get("accuracy").get(i).asDouble(), "outer fold " + (i + 1));   // exact: same seed, same data
            assertEquals(e.loss(), n.get("loss").get(i).asDouble(), "outer fold " + (i + 1));
        }
        assertEquals(2, CliTest.run("search", iris.toString(), "--nested", "1", "--param", "hidden=1|6").code());
    }
}
