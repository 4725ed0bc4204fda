package org.backprop4j.studio;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code backprop4j studio}: starts the local web app and waits until interrupted. */
@Command(name = "studio", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Watch backpropagation work, in the browser: a local web app (no network needed).",
                "Playground (2-D data, any network and update rule, live decision surface), step-through backprop in the",
                "lecture notes' notation, two runs compared, and the equivalent `backprop4j train` command."})
public final class StudioCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "N", defaultValue = "8023", description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port = 8023;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only). Anyone who can reach another address can use the studio.")
    String bind = "127.0.0.1";

    @Option(names = "--open", negatable = true,
            description = "Open the page in the default browser (default: when there is a graphical session; --no-open only prints the address).")
    Boolean open;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be between 0 and 65535, not " + port);
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--bind: unknown address '" + bind + "'");
        }
        PrintWriter out = spec.commandLine().getOut();
        Studio studio;
        try {
            studio = Studio.start(address, port);
        } catch (java.net.BindException e) {
            throw new IllegalArgumentException("cannot listen on " + bind + ":" + port + " (" + e.getMessage() + "); choose another --port, or 0 for any free one");
        }
        if (!address.isLoopbackAddress()) {
            spec.commandLine().getErr().println("backprop4j: warning: listening on " + bind + ", not only on this machine (127.0.0.1)");
        }
        out.println("backprop4j studio: " + studio.uri() + "  (Ctrl-C to stop)");
        out.flush();
        if (open != null ? open : opensByDefault(System.getenv(), System.getProperty("os.name", ""))) openBrowser(studio.uri().toString(), out);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            studio.close();
            done.countDown();
        }));
        done.await();
        return 0;
    }

    /**
     * Whether {@code studio} opens the browser when neither --open nor --no-open is given: on a
     * desktop (macOS, Windows, or Linux/BSD with an X11 or Wayland display), not over SSH or in CI,
     * where there is no browser to open and the printed address is what the user needs.
     */
    static boolean opensByDefault(java.util.Map<String, String> env, String osName) {
        if (env.containsKey("CI") || env.containsKey("SSH_CONNECTION") || env.containsKey("SSH_TTY")) return false;
        String os = osName.toLowerCase(java.util.Locale.ROOT);
        if (os.startsWith("mac") || os.startsWith("windows")) return true;
        return isSet(env.get("DISPLAY")) || isSet(env.get("WAYLAND_DISPLAY"));
    }

    private static boolean isSet(String v) {
        return v != null && !v.isBlank();
    }

    private static void openBrowser(String url, PrintWriter out) {
        try {
            if (java.awt.Desktop.isDesktopSupported() && java.awt.Desktop.getDesktop().isSupported(java.awt.Desktop.Action.BROWSE)) {
                java.awt.Desktop.getDesktop().browse(java.net.URI.create(url));
                return;
            }
            new ProcessBuilder("xdg-open", url).inheritIO().start();
        } catch (Exception | LinkageError e) {
            out.println("could not open a browser (" + e.getMessage() + "): open " + url + " yourself");
        }
    }
}
