package org.backprop4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.backprop4j.serve.PredictionServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Serves a model over HTTP (docs/SERVE.md). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a model over HTTP: POST /predict (a JSON record of named fields, or an array of them),",
                "GET /model (fields, classes, provenance), GET /health. Stops gracefully on SIGTERM or Ctrl-C (docs/SERVE.md)."},
        footer = {"%nExamples:",
                "  backprop4j serve iris.json",
                "  backprop4j serve iris.json --port 9000 --reload"})
final class ServeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The model file to serve (train -o, search -o, import -o).")
    Path model;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N", description = "TCP port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = {"--bind", "--host"}, defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on, as studio --bind (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--reload", description = "Reload the model file when it changes (checked every second; a file that does not load leaves the old model serving).")
    boolean reload;

    @Option(names = "--max-body", defaultValue = "16777216", paramLabel = "BYTES", description = "Largest request body; larger ones get 413 (default: ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(names = "--max-records", defaultValue = "100000", paramLabel = "N", description = "Most records in one request; more get 413 (default: ${DEFAULT-VALUE}).")
    int maxRecords;

    @Override
    public Integer call() throws Exception {
        PredictionServer.Options o = new PredictionServer.Options(host, port, maxBody, maxRecords, reload ? 1000 : 0, 10);
        try {
            PredictionServer.serveUntilStopped(model, o, System.out);
        } catch (java.net.BindException e) {
            throw new Main.UserError("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "): choose another --port");
        } catch (java.net.UnknownHostException e) {
            throw new Main.UserError("--bind " + host + " is not an address of this machine");
        }
        return 0;
    }
}
