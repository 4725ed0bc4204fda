package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Issue 20.6: one command line. Every option and positional parameter of every command is
 * described; an option name means one thing in every command that has it; each command lists only
 * the options that apply; every example in a command's --help pastes into bash and parses.
 */
class CliConsistencyTest {

    /** Every command (not the hidden internal ones), by its qualified name. */
    static Map<String, CommandSpec> commands() {
        Map<String, CommandSpec> all = new LinkedHashMap<>();
        collect(Main.commandLine(), all);
        return all;
    }

    private static void collect(CommandLine cl, Map<String, CommandSpec> all) {
        CommandSpec spec = cl.getCommandSpec();
        if (spec.usageMessage().hidden()) return;
        all.put(spec.qualifiedName(" "), spec);
        for (CommandLine sub : cl.getSubcommands().values()) collect(sub, all);
    }

    private static String text(String[] description) {
        return String.join(" ", description).strip();
    }

    private static String name(ArgSpec a) {
        return a instanceof OptionSpec o ? o.longestName() : ((PositionalParamSpec) a).paramLabel();
    }

    @Test
    void everyOptionAndParameterIsDescribed() {
        List<String> missing = new ArrayList<>();
        Map<String, CommandSpec> all = commands();
        assertTrue(all.keySet().containsAll(List.of("backprop4j train", "backprop4j evaluate", "backprop4j predict", "backprop4j cv",
                "backprop4j search", "backprop4j gradcheck", "backprop4j export", "backprop4j import", "backprop4j serve")), all.keySet().toString());
        for (Map.Entry<String, CommandSpec> c : all.entrySet()) {
            for (ArgSpec a : c.getValue().args()) {
                if (a.hidden()) continue;
                if (a.description().length == 0 || text(a.description()).isEmpty()) missing.add(c.getKey() + " " + name(a));
            }
        }
        assertEquals(List.of(), missing, "options and parameters without a description");
    }

    /**
     * An option name means one thing: the same type and arity wherever it appears, the same value
     * label (but -o/--out, which is always "the file this command writes" and names what that is),
     * and for a flag the same help text (but --json, whose text says what the command prints).
     */
    @Test
    void anOptionMeansTheSameInEveryCommand() {
        Map<String, Map<String, OptionSpec>> byName = new LinkedHashMap<>();
        for (Map.Entry<String, CommandSpec> c : commands().entrySet()) {
            for (OptionSpec o : c.getValue().options()) {
                if (o.hidden()) continue;
                for (String n : o.names()) byName.computeIfAbsent(n, k -> new LinkedHashMap<>()).put(c.getKey(), o);
            }
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Map<String, OptionSpec>> e : byName.entrySet()) {
            String n = e.getKey();
            Set<String> types = new TreeSet<>(), labels = new TreeSet<>(), arities = new TreeSet<>(), flagTexts = new TreeSet<>(), names = new TreeSet<>();
            for (Map.Entry<String, OptionSpec> co : e.getValue().entrySet()) {
                OptionSpec o = co.getValue();
                types.add(o.type().getName());
                arities.add(o.arity().toString());
                labels.add(o.paramLabel());
                names.add(String.join("|", new TreeSet<>(List.of(o.names()))));
                // picocli's own help command words its -h for itself
                if (o.arity().max() == 0 && !n.equals("--json") && !co.getKey().equals("backprop4j help")) flagTexts.add(text(o.description()));
            }
            if (types.size() > 1) problems.add(n + " has types " + types + " in " + e.getValue().keySet());
            if (arities.size() > 1) problems.add(n + " has arities " + arities);
            if (labels.size() > 1 && !n.equals("-o") && !n.equals("--out")) problems.add(n + " has value labels " + labels + " in " + e.getValue().keySet());
            if (flagTexts.size() > 1) problems.add(n + " is described differently: " + flagTexts);
            // aliases kept from earlier versions: export --onnx (now -o), serve --host (now --bind, as studio)
            if (names.size() > 1 && !Set.of("-o", "--out", "--onnx", "--bind", "--host").contains(n)) problems.add(n + " goes with different names: " + names);
        }
        assertEquals(List.of(), problems);
        // -o/--out: the file the command writes, and each says which
        for (Map.Entry<String, OptionSpec> o : byName.get("-o").entrySet()) {
            assertTrue(text(o.getValue().description()).startsWith("The file this command writes, here "), o.getKey() + ": " + text(o.getValue().description()));
        }
        // --hidden is the hidden layers' sizes everywhere (gradcheck once took an activation under that name)
        for (Map.Entry<String, OptionSpec> o : byName.get("--hidden").entrySet()) {
            assertEquals(int[].class, o.getValue().type(), o.getKey());
            assertTrue(text(o.getValue().description()).startsWith("Hidden layer sizes"), o.getKey());
        }
        // and a studio and a server listen on --bind ADDRESS alike
        assertEquals(Set.of("backprop4j studio", "backprop4j serve"), byName.get("--bind").keySet());
    }

    /** The two options most easily mistaken for others say which one was meant, in one line. */
    @Test
    void mistakenOptionsNameTheRightOne() throws Exception {
        String iris = org.backprop4j.TestData.path("iris.csv").toString();
        CliTest.Result r = CliTest.run("train", iris, "--output", "model.json", "-o", "x.json");
        assertEquals(2, r.code());
        assertEquals("backprop4j: --output is the output layer's activation (softmax, logistic, identity, ...), not 'model.json': "
                + "the file to write is -o/--out", r.err().strip());
        r = CliTest.run("train", iris, "--hidden", "relu", "-o", "x.json");
        assertEquals(2, r.code());
        assertEquals("backprop4j: Invalid value for option '--hidden' (UNITS): --hidden gives the hidden layers' sizes (e.g. --hidden 8 or "
                + "--hidden 32,16), not 'relu': the hidden activation is --activation relu (backprop4j train --help lists the options)", r.err().strip());
    }

    /**
     * Issue 20.3: the defaults a command's --help states are the ones {@code Defaults} holds, for every
     * option of train, cv and search that has one (the help once said tanh after the default became ReLU).
     */
    @Test
    void theHelpStatesTheDefaultsTheLibraryUses() {
        Map<String, String> want = new LinkedHashMap<>();
        want.put("--hidden", String.valueOf(org.backprop4j.train.Defaults.HIDDEN_UNITS));
        want.put("--activation", org.backprop4j.train.Defaults.HIDDEN_ACTIVATION.id());
        want.put("--init", org.backprop4j.train.Defaults.INIT);
        want.put("--optimizer", org.backprop4j.train.Defaults.OPTIMIZER);
        want.put("--epochs", String.valueOf(org.backprop4j.train.Defaults.EPOCHS));
        want.put("--batch", String.valueOf(org.backprop4j.train.Defaults.BATCH));
        want.put("--lambda", String.valueOf(org.backprop4j.train.Defaults.LAMBDA));
        // "(default: X" or "X (default": the value the text calls the default
        java.util.regex.Pattern stated = java.util.regex.Pattern.compile("\\(default: ([^;),]+)|([^\\s,(]+) \\(default[,)]");
        Map<String, CommandSpec> all = commands();
        int checked = 0;
        for (String c : List.of("train", "cv", "search")) {
            for (Map.Entry<String, String> e : want.entrySet()) {
                OptionSpec o = all.get("backprop4j " + c).findOption(e.getKey());
                if (o == null) continue;
                String d = text(o.description());
                java.util.regex.Matcher m = stated.matcher(d);
                List<String> values = new ArrayList<>();
                while (m.find()) values.add(m.group(1) != null ? m.group(1).strip() : m.group(2));
                assertEquals(List.of(e.getValue()), values, c + " " + e.getKey() + ": " + d);
                checked++;
            }
        }
        assertTrue(checked >= want.size(), "train's options at least: " + checked);
    }

    /** The model decides the task and the encoding: commands reading data with its schema do not offer them. */
    @Test
    void eachCommandListsOnlyTheOptionsThatApply() {
        Map<String, CommandSpec> all = commands();
        for (String c : List.of("train", "cv", "search")) {
            for (String o : List.of("--target", "--classes", "--regression", "--categorical", "--ignore", "--missing", "--delimiter")) {
                assertNotNull(all.get("backprop4j " + c).findOption(o), c + " " + o);
            }
        }
        for (String c : List.of("evaluate", "explain")) {
            CommandSpec s = all.get("backprop4j " + c);
            for (String o : DataOptions.NOT_FOR_A_MODEL) assertEquals(null, s.findOption(o), c + " lists " + o);
            for (String o : List.of("--target", "--ignore", "--missing", "--delimiter", "--labels")) assertNotNull(s.findOption(o), c + " " + o);
        }
        CommandSpec predict = all.get("backprop4j predict");
        for (String o : DataOptions.NOT_FOR_INPUTS) assertEquals(null, predict.findOption(o), "predict lists " + o);
        // and a removed option is refused in one line, exit 2
        CliTest.Result r = CliTest.run("predict", "m.json", "d.csv", "--classes");
        assertEquals(2, r.code());
        assertEquals("backprop4j: Unknown option: '--classes' (backprop4j predict --help lists the options)", r.err().strip());
        // training options only where a network is trained
        for (String c : List.of("evaluate", "predict", "export", "import", "serve")) assertEquals(null, all.get("backprop4j " + c).findOption("--hidden"), c);
        // the progress flags where there is progress
        for (String c : List.of("train", "cv", "search")) {
            for (String o : List.of("--quiet", "--plain", "--json")) assertNotNull(all.get("backprop4j " + c).findOption(o), c + " " + o);
        }
    }

    /** The commands whose --help must show examples. */
    static final List<String> WITH_EXAMPLES = List.of("train", "evaluate", "predict", "cv", "search", "explain", "gradcheck", "demo",
            "export", "import", "serve");

    /** The example commands in a command's --help: the lines after "Examples:", "\" continuations joined. */
    static List<String> examples(CommandSpec spec) {
        CommandLine cl = spec.commandLine();
        String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
        List<String> out = new ArrayList<>();
        int at = help.indexOf("\nExamples:\n");
        if (at < 0) return out;
        StringBuilder cur = new StringBuilder();
        for (String line : help.substring(at + "\nExamples:\n".length()).split("\n")) {
            if (line.isBlank()) break;
            String t = line.strip();
            boolean more = t.endsWith("\\");
            cur.append(cur.isEmpty() ? "" : " ").append(more ? t.substring(0, t.length() - 1).strip() : t);
            if (!more) {
                out.add(cur.toString());
                cur.setLength(0);
            }
        }
        assertEquals("", cur.toString(), "a continuation without a next line");
        return out;
    }

    /**
     * Every example line pastes into bash (no unquoted character bash would take for a pipe, a list,
     * a redirection, an expansion or a pattern; bash itself splits it into the same words when it
     * is here) and the words after "backprop4j" parse as the command line without an error.
     */
    @Test
    void everyExampleInTheHelpPastesIntoBashAndParses(@TempDir Path dir) throws Exception {
        Map<String, CommandSpec> all = commands();
        boolean bash = Files.isExecutable(Path.of("/bin/bash"));
        int checked = 0;
        for (String c : WITH_EXAMPLES) {
            List<String> ex = examples(all.get("backprop4j " + c));
            assertFalse(ex.isEmpty(), c + " --help has no examples");
            for (String line : ex) {
                List<String> words = shellWords(line);
                assertEquals("backprop4j", words.get(0), line);
                assertEquals(c, words.get(1), "an example of " + c + " runs " + c + ": " + line);
                if (bash) assertEquals(words, bashWords(line, dir), "bash splits it alike: " + line);
                try {
                    Main.commandLine().parseArgs(words.subList(1, words.size()).toArray(new String[0]));
                } catch (CommandLine.ParameterException e) {
                    fail(line + ": " + e.getMessage());
                }
                checked++;
            }
        }
        assertTrue(checked >= 2 * WITH_EXAMPLES.size() - 4, checked + " examples");
    }

    /**
     * POSIX shell words of a line that uses only quoting (single quotes, double quotes, backslash),
     * failing on any unquoted character with another meaning to bash.
     */
    static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = null;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == ' ' || ch == '\t') {
                if (w != null) words.add(w.toString());
                w = null;
                continue;
            }
            if (w == null) w = new StringBuilder();
            if (ch == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) fail("unclosed ' in " + line);
                w.append(line, i + 1, end);
                i = end;
            } else if (ch == '"') {
                int j = i + 1;
                for (; j < line.length() && line.charAt(j) != '"'; j++) {
                    char q = line.charAt(j);
                    if (q == '$' || q == '`' || q == '!') fail("expansion inside double quotes in " + line);
                    if (q == '\\' && j + 1 < line.length() && "\"\\$`".indexOf(line.charAt(j + 1)) >= 0) q = line.charAt(++j);
                    w.append(q);
                }
                if (j >= line.length()) fail("unclosed \" in " + line);
                i = j;
            } else if (ch == '\\') {
                if (i + 1 >= line.length()) fail("trailing backslash in " + line);
                w.append(line.charAt(++i));
            } else if ("|&;<>()$`*?[]{}~#!".indexOf(ch) >= 0) {
                fail("unquoted '" + ch + "' means something else to bash: " + line);
            } else {
                w.append(ch);
            }
        }
        if (w != null) words.add(w.toString());
        return words;
    }

    /** The words bash makes of the line (run as a function's arguments, so nothing is executed). */
    private static List<String> bashWords(String line, Path dir) throws Exception {
        Path script = dir.resolve("words.sh");
        Files.writeString(script, "set -f\nf() { printf '%s\\0' \"$@\"; }\nf " + line + "\n", StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("/bin/bash", "--noprofile", "--norc", script.toString()).directory(dir.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        assertEquals("", err);
        String s = new String(out, StandardCharsets.UTF_8);
        List<String> words = new ArrayList<>(List.of(s.split("\0", -1)));
        words.removeLast();   // after the last NUL
        return words;
    }

    /**
     * Counts agree with their nouns wherever a run prints them: a one-pattern validation set and
     * test file, one input, one output and one candidate.
     */
    @Test
    void countsAreWordedInAgreement(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("line.csv"), test = dir.resolve("one.csv");
        StringBuilder sb = new StringBuilder("x,y\n");
        for (int i = 0; i < 10; i++) sb.append(i).append(',').append(2 * i + 1).append('\n');
        Files.writeString(data, sb.toString());
        Files.writeString(test, "x,y\n3,7\n");
        CliTest.Result t = CliTest.run("train", data.toString(), "-o", dir.resolve("m.json").toString(), "--epochs", "2", "--plain",
                "--test", test.toString());
        assertEquals(0, t.code(), t.err());
        CliTest.Result e = CliTest.run("evaluate", dir.resolve("m.json").toString(), test.toString());
        assertEquals(0, e.code(), e.err());
        CliTest.Result s = CliTest.run("search", data.toString(), "-k", "2", "--epochs", "2", "--param", "hidden=2", "--threads", "1");
        assertEquals(0, s.code(), s.err());
        String all = t.out() + e.out() + s.out();
        assertTrue(t.out().contains("task: regression of 1 target (10 patterns, 1 input after encoding)"), t.out());
        assertTrue(t.out().contains("output layer: 1 identity unit "), t.out());
        assertTrue(t.out().contains("(1 pattern of one.csv)"), t.out());
        assertTrue(e.out().contains("m.json on one.csv: 1 pattern\n"), e.out());
        assertTrue(s.out().contains("\n1 candidate, 2-fold cross-validation"), s.out());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?<![\\d.,/])1 (\\w+ )?(units|patterns|inputs|outputs|targets|epochs|classes|folds|candidates|times|layers)\\b")
                .matcher(all);
        assertFalse(m.find(), () -> "'" + m.group() + "' in\n" + all);
    }
}
