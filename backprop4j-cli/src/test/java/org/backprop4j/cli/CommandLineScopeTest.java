package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

/**
 * A run builds picocli's model only for the command it names (a cold start-up cost), and what the
 * user sees is the same as with every command built: the usage, each command's help, errors.
 */
class CommandLineScopeTest {
    static final List<String> ALL = List.of("train", "evaluate", "predict", "cv", "search", "demo", "explain", "gradcheck", "studio",
            "export", "import", "serve", "cache-training", "help");

    static List<String> built(String... args) {
        return List.copyOf(Main.commandLine(args).getSubcommands().keySet());
    }

    @Test
    void eachRunBuildsOnlyWhatItNeeds() {
        assertEquals(ALL, built(), "no arguments: the usage lists every command");
        assertEquals(ALL, built((String[]) null));
        assertEquals(List.of("train"), built("train", "data.csv", "-o", "m.json"));
        assertEquals(List.of("train"), built("--verbose", "train", "data.csv"));
        assertEquals(List.of("predict"), built("predict", "m.json", "x.csv"));
        assertEquals(List.of(), built("--version"));
        assertEquals(ALL, built("--verbose"), "options alone: the usage");
        assertEquals(ALL, built("--help"));
        assertEquals(ALL, built("help", "train"), "help names another command");
        assertEquals(ALL, built("trian", "data.csv"), "a mistyped command: every name for the suggestion");
    }

    @Test
    void whatTheUserSeesIsTheSameAsWithEveryCommandBuilt() {
        CommandLine all = Main.commandLine();
        assertEquals(ALL, List.copyOf(all.getSubcommands().keySet()), "the full command line, as the consistency checks read it");
        for (String c : ALL) {
            if (c.equals("help")) continue;
            assertEquals(all.getSubcommands().get(c).getUsageMessage(CommandLine.Help.Ansi.OFF),
                    Main.commandLine(new String[] {c, "--help"}).getSubcommands().get(c).getUsageMessage(CommandLine.Help.Ansi.OFF), c + " --help");
            assertEquals(Set.copyOf(all.getSubcommands().get(c).getCommandSpec().optionsMap().keySet()),
                    Set.copyOf(Main.commandLine(new String[] {c}).getSubcommands().get(c).getCommandSpec().optionsMap().keySet()), c + "'s options");
        }
        for (String[] args : new String[][] {{"--version"}, {"--help"}, {"trian", "x"}, {"train", "--no-such-option"}, {"help", "predict"}}) {
            java.io.StringWriter lazyOut = new java.io.StringWriter(), lazyErr = new java.io.StringWriter();
            int lazy = Main.run(args, new java.io.PrintWriter(lazyOut, true), new java.io.PrintWriter(lazyErr, true));
            CommandLine full = Main.commandLine();
            java.io.StringWriter fullOut = new java.io.StringWriter(), fullErr = new java.io.StringWriter();
            full.setOut(new java.io.PrintWriter(fullOut, true));
            full.setErr(new java.io.PrintWriter(fullErr, true));
            String what = String.join(" ", args);
            if (args[0].equals("trian") || List.of(args).contains("--no-such-option")) {
                // errors go through run's handler; compare with the message picocli gives on the full command line
                try {
                    full.parseArgs(args);
                } catch (CommandLine.ParameterException e) {
                    assertEquals(2, lazy, what);
                    assertEquals(true, lazyErr.toString().contains(e.getMessage().strip().replace('\n', ' ')), what + ": " + lazyErr);
                    continue;
                }
                throw new AssertionError(what + " parsed on the full command line");
            }
            assertEquals(full.execute(args), lazy, what);
            assertEquals(fullOut.toString(), lazyOut.toString(), what);
            assertEquals(fullErr.toString(), lazyErr.toString(), what);
        }
    }
}
