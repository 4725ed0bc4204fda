package org.backprop4j.cli;

import java.io.PrintWriter;
import org.backprop4j.data.DataFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code backprop4j} command. */
@Command(name = "backprop4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Multi-layer perceptrons trained by backpropagation (the generalized delta rule).")
public final class Main implements Runnable {

    /** Every command, in the order the usage lists them. */
    static final java.util.List<Class<?>> COMMANDS = java.util.List.of(TrainCommand.class, EvaluateCommand.class, PredictCommand.class, CvCommand.class,
            SearchCommand.class, DemoCommand.class, ExplainCommand.class, GradcheckCommand.class, org.backprop4j.studio.StudioCommand.class,
            ExportCommand.class, ImportCommand.class, ServeCommand.class, CacheTrainingCommand.class, CommandLine.HelpCommand.class);

    /** Exit code for bad input (data, model files, arguments). */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code when training diverged (the message says how to fix it). */
    public static final int EXIT_DIVERGED = 3;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces on errors.")
    boolean debug;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Also say which compute kernels run (implementation, vector shape, threads).")
    boolean verbose;

    /** Held so that the level set on it is not lost when an unreferenced logger is collected. */
    private static final java.util.logging.Logger KERNEL_LOG = java.util.logging.Logger.getLogger("org.backprop4j.kernel");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        processArgs = args.clone();
        System.exit(run(args, System.out, System.err));
    }

    /** The arguments of {@link #main}, given again to a JVM started again with the vector module (VectorModule); null inside another program. */
    private static volatile String[] processArgs;

    /** {@link #processArgs}, or null when the CLI runs inside another program (tests, the start-up cache's training). */
    static String[] processArgs() {
        return processArgs;
    }

    /**
     * Runs the command line on byte streams (as {@link #main} does with standard output and error),
     * flushing both before returning: text printed without a line end (a command's last
     * {@code print}) would otherwise stay in the writers' buffers and be lost at {@code System.exit}.
     */
    public static int run(String[] args, java.io.PrintStream out, java.io.PrintStream err) {
        PrintWriter o = new PrintWriter(out, true), e = new PrintWriter(err, true);
        try {
            return run(args, o, e);
        } finally {
            o.flush();
            e.flush();
        }
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%5$s%n");
        }
        // the kernel choice is chatter on a normal run: shown with --verbose; a fallback's warning always
        KERNEL_LOG.setLevel(args != null && java.util.Arrays.asList(args).contains("--verbose")
                ? java.util.logging.Level.INFO : java.util.logging.Level.WARNING);
        CommandLine cl = commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        // a bad argument is bad input like any other: one line naming it, exit 2 (not the usage screen)
        cl.setParameterExceptionHandler((ex, given) -> {
            if (java.util.Arrays.asList(given).contains("--debug")) ex.printStackTrace(err);
            String command = ex.getCommandLine().getCommandSpec().qualifiedName(" ");
            String hint = "";
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                hint = "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
            }
            err.println("backprop4j: " + ex.getMessage().strip().replace('\n', ' ') + hint + " (" + command + " --help lists the options)");
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean debug = parseResult.originalArgs().contains("--debug");
            if (debug) ex.printStackTrace(err);
            for (Throwable c = ex; c != null; c = c.getCause()) {
                if (c instanceof OutOfMemoryError oom) {
                    err.println("backprop4j: " + outOfMemory(oom));
                    return EXIT_BAD_INPUT;
                }
            }
            if (ex instanceof DataFormatException || ex instanceof IllegalArgumentException
                    || ex instanceof java.nio.file.FileSystemException || ex instanceof UserError) {
                err.println("backprop4j: " + message(ex));
                return EXIT_BAD_INPUT;
            }
            if (ex instanceof TrainCommand.Diverged) {
                err.println("backprop4j: " + ex.getMessage());
                return EXIT_DIVERGED;
            }
            if (ex instanceof java.io.UncheckedIOException u && u.getCause() instanceof java.nio.file.FileSystemException fs) {
                // e.g. a checkpoint that could not be written: the file and the reason
                err.println("backprop4j: " + message(fs));
                return EXIT_BAD_INPUT;
            }
            if (ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException) {
                // reading or writing failed for a reason outside the data (a full disk, a device error):
                // the environment, not the program, so the user's to fix like bad input
                err.println("backprop4j: I/O error: " + ex.getMessage());
                return EXIT_BAD_INPUT;
            }
            err.println("backprop4j: internal error: " + ex + (debug ? "" : " (run with --debug for details)"));
            return 1;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError oom) {
            if (args != null && java.util.Arrays.asList(args).contains("--debug")) oom.printStackTrace(err);
            err.println("backprop4j: " + outOfMemory(oom));
            return EXIT_BAD_INPUT;
        }
    }

    /**
     * The command line with every command, as {@link #run} parses it: each command lists only the
     * options that apply to it. The data-reading options are one mixin ({@link DataOptions}); the
     * commands that read data with a model's schema drop those the model decides (the task, the
     * one-hot columns) and {@code predict} also the target column, which it does not read.
     */
    static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * The command line {@code args} need: the one command they name, none for {@code --version}
     * alone, else every command (the usage, {@code help}, a suggestion for a mistyped name). Picocli
     * builds a command's model from its annotations by reflection, interpreted in a cold JVM, so
     * building all of them is a start-up cost that a run of one command need not pay.
     */
    static CommandLine commandLine(String[] args) {
        String named = null;
        boolean versionOnly = args != null && args.length > 0;
        for (String a : args == null ? new String[0] : args) {
            if (!a.startsWith("-")) {
                named = a;
                break;
            }
            versionOnly &= a.equals("--version") || a.equals("-V");
        }
        String only = named;
        boolean one = only != null && !only.equals("help") && COMMANDS.stream().anyMatch(c -> name(c).equals(only));
        CommandLine cl = new CommandLine(new Main());
        for (Class<?> c : COMMANDS) {
            if (one ? name(c).equals(only) : !(named == null && versionOnly)) cl.addSubcommand(c);
        }
        for (String c : new String[] {"evaluate", "explain", "predict"}) {
            if (!cl.getSubcommands().containsKey(c)) continue;
            CommandLine.Model.CommandSpec spec = cl.getSubcommands().get(c).getCommandSpec();
            for (String o : c.equals("predict") ? DataOptions.NOT_FOR_INPUTS : DataOptions.NOT_FOR_A_MODEL) spec.remove(spec.findOption(o));
        }
        return cl;
    }

    private static String name(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    /** One line for an OutOfMemoryError: what ran out and the option that gives more. */
    static String outOfMemory(OutOfMemoryError oom) {
        long max = Runtime.getRuntime().maxMemory();
        return "out of memory (" + oom.getMessage() + ", at most " + (max >> 20) + " MB of heap): give Java more with "
                + "BACKPROP4J_JAVA_OPTS=-Xmx<size> (e.g. -Xmx8g; java -Xmx8g -jar backprop4j.jar …), or use less data or a smaller network";
    }

    /** The user-facing text of an exception: a file-system error as "FILE: reason". */
    static String message(Exception ex) {
        if (ex instanceof java.nio.file.NoSuchFileException nf) return "no such file: " + nf.getFile();
        if (ex instanceof java.nio.file.AccessDeniedException ad) return ad.getFile() + ": permission denied";
        if (ex instanceof java.nio.file.FileSystemException fs) {
            return (fs.getFile() == null ? "" : fs.getFile() + ": ") + (fs.getReason() == null ? fs.getClass().getSimpleName() : fs.getReason())
                    + (fs.getOtherFile() == null ? "" : " (" + fs.getOtherFile() + ")");
        }
        return String.valueOf(ex.getMessage());
    }

    /** A problem the user can fix, reported as one line with exit code 2. */
    public static final class UserError extends RuntimeException {
        public UserError(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"backprop4j " + org.backprop4j.io.ModelFile.libraryVersion(), "Java " + Runtime.version()};
        }
    }
}
