package org.backprop4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.backprop4j.Activation;
import org.backprop4j.Loss;
import org.backprop4j.data.JacobsExample;
import org.backprop4j.model.Model;
import org.backprop4j.io.ModelFile;
import org.backprop4j.reference.Explainer;
import org.backprop4j.reference.ReferenceNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * backprop4j studio's Share view, end to end: the page trains, the test copies the command it
 * shows, runs it with this CLI on the data file the page offers, and compares every weight of the
 * resulting model with the page's weights, bit for bit.
 */
class StudioExportTest extends org.backprop4j.studio.BrowserTest {
    @TempDir
    Path dir;

    @BeforeEach
    void defaults() {
        b.resetSettings();
    }

    record Cli(int code, String out, String err) {}

    static Cli cli(List<String> args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = Main.run(args.toArray(new String[0]), new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Cli(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** Splits a shell command line as sh does for words and single quotes (all the export uses). */
    static List<String> words(String cmd) {
        List<String> w = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false, any = false;
        for (int i = 0; i < cmd.length(); i++) {
            char c = cmd.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) w.add(cur.toString());
                cur.setLength(0);
                any = false;
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (any) w.add(cur.toString());
        return w;
    }

    String fetch(String linkId) {
        return (String) b.jsAsync("const done = arguments[arguments.length - 1];"
                + "fetch(document.getElementById(arguments[0]).href).then(r => r.text()).then(done, e => done('ERROR ' + e));", linkId);
    }

    /** Exports the page's run, runs the command, and checks that every weight is the page's. */
    void exportAndReproduce(String what) throws Exception {
        b.click("tab-share");
        b.js("document.getElementById('exportCommand').textContent = ''");
        b.click("exportBtn");
        b.waitFor("the exported command", 10, () -> b.text("exportCommand").startsWith("backprop4j train "));
        String command = b.text("exportCommand");
        String csvName = b.el("exportCsv").getAttribute("download");
        Path csv = dir.resolve(csvName);
        Files.writeString(csv, fetch("exportCsv"));
        Model page = ModelFile.parse(fetch("exportModel").getBytes(StandardCharsets.UTF_8), "studio-model.json");
        List<String> args = words(command);
        assertEquals(List.of("backprop4j", "train"), args.subList(0, 2), command);
        // the page's kernels named: a fresh process would otherwise choose its own, which round differently
        assertEquals(List.of("--kernel", org.backprop4j.kernel.KernelProvider.get().name()), args.subList(args.size() - 2, args.size()), command);
        List<String> run = new ArrayList<>(args.subList(1, args.size()));
        Path model = dir.resolve("model.json");
        for (int i = 0; i < run.size(); i++) {
            if (run.get(i).equals(csvName)) run.set(i, csv.toString());
            if (run.get(i).equals("model.json")) run.set(i, model.toString());
        }
        Cli r = cli(run);
        assertEquals(0, r.code(), what + ": " + command + "\n" + r.err());
        Model trained = ModelFile.read(model);
        assertEquals(page.network().describe(), trained.network().describe(), what);
        float[] p = page.network().params(), t = trained.network().params();
        assertEquals(p.length, t.length);
        @SuppressWarnings("unchecked")
        List<Number> shown = (List<Number>) b.js("return studioState.runs.main.frame.params");
        assertEquals(p.length, shown.size());
        for (int i = 0; i < p.length; i++) {
            assertEquals(Float.floatToRawIntBits(p[i]), Float.floatToRawIntBits(t[i]), what + ": parameter " + i + " of " + p.length + ", " + command);
            assertEquals(p[i], shown.get(i).floatValue(), what + ": the diagram's parameter " + i);
        }
        assertEquals(page.pipeline().toMap().toString(), trained.pipeline().toMap().toString(), what + ": the fitted scaling");
    }

    @Test
    void theExportedCommandReproducesAPausedRunBitForBit() throws Exception {
        b.click("tab-playground");
        b.set("dataset", "spirals", "patterns", "120", "outputs", "per-class", "addLayer", "click", "units1", "6", "act1", "tanh",
                "units2", "4", "act2", "tanh", "optimizer", "adam", "opt-lr", "0.01", "mode", "mini", "batch", "16", "lambda", "0.001",
                "seed", "7", "speed", "1000");
        b.waitForConfig("c.seed === 7 && c.batch === 16 && c.hidden.join() === '6,4' && c.activations.join() === 'tanh,tanh'"
                + " && c.optimizer === 'adam' && c.lambda === 0.001 && c.outputs === 'per-class' && c.patterns === 120 && c.speed === 1000");
        b.click("play");
        b.waitFor("some epochs", 30, () -> Integer.parseInt(b.text("epoch")) >= 25);
        b.click("play");   // now "pause"
        b.waitFor("the pause", 10, () -> b.text("state").equals("paused"));
        int epochs = Integer.parseInt(b.text("epoch"));
        exportAndReproduce("spirals, 2-6-4-2, adam, mini-batch, L2, paused at epoch " + epochs);
        assertTrue(b.text("exportCommand").contains("--epochs " + epochs), b.text("exportCommand"));
        assertTrue(b.text("exportCommand").contains("--activation tanh "), b.text("exportCommand"));
    }

    @Test
    void theExportedCommandOfHiddenLayersWithDifferentActivationsTrainsTheSameNetwork() throws Exception {
        b.click("tab-playground");
        b.set("dataset", "circles", "patterns", "100", "outputs", "per-class", "addLayer", "click", "units1", "5", "act1", "tanh",
                "units2", "4", "act2", "relu", "optimizer", "adam", "opt-lr", "0.01", "mode", "mini", "batch", "16", "seed", "5", "speed", "1000");
        b.waitForConfig("c.seed === 5 && c.batch === 16 && c.hidden.join() === '5,4' && c.activations.join() === 'tanh,relu'"
                + " && c.optimizer === 'adam' && c.outputs === 'per-class' && c.dataset === 'circles' && c.patterns === 100 && c.speed === 1000");
        b.click("play");
        b.waitFor("some epochs", 30, () -> Integer.parseInt(b.text("epoch")) >= 20);
        b.click("play");   // now "pause"
        b.waitFor("the pause", 10, () -> b.text("state").equals("paused"));
        int epochs = Integer.parseInt(b.text("epoch"));
        exportAndReproduce("circles, 2-5(tanh)-4(relu)-2, adam, mini-batch, paused at epoch " + epochs);
        String command = b.text("exportCommand");
        assertTrue(command.contains("--hidden 5,4 --activation tanh,relu "), command);
        Model page = ModelFile.parse(fetch("exportModel").getBytes(StandardCharsets.UTF_8), "studio-model.json");
        assertEquals("2-5(tanh)-4(relu)-2(softmax)", page.network().describe());
        assertEquals(List.of(Activation.TANH, Activation.RELU), page.provenance().settings().activations());
    }

    @Test
    void theExportedCommandReproducesAFinishedOnlineRunBitForBit() throws Exception {
        b.click("tab-playground");
        b.set("dataset", "circles", "patterns", "80", "outputs", "one", "mode", "online", "optimizer", "momentum", "maxEpochs", "40", "speed", "0");
        b.waitForConfig("c.dataset === 'circles' && c.batch === 1 && c.maxEpochs === 40 && c.optimizer === 'momentum' && c.outputs === 'one'"
                + " && c.speed === 0 && c.patterns === 80");
        b.click("play");
        b.waitFor("the end of the run", 30, () -> b.text("state").equals("finished"));
        assertEquals("40", b.text("epoch"));
        exportAndReproduce("circles, one logistic output, momentum, online, 40 epochs");
    }

    @Test
    void explainJacobsPrintsTheReferenceEnginesText() {
        // the studio's step-through test compares its panel with this text (Explainer), value by value
        Cli r = cli(List.of("explain", "--jacobs"));
        assertEquals(0, r.code());
        assertTrue(r.out().contains(Explainer.explain(new ReferenceNetwork(JacobsExample.network(), Loss.SSE), JacobsExample.X, JacobsExample.D)));
    }

    @Test
    void studioChecksItsOptions() {
        Cli r = cli(List.of("studio", "--port", "70000"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--port must be between 0 and 65535"), r.err());
        Cli h = cli(List.of("studio", "--help"));
        assertEquals(0, h.code());
        assertTrue(h.out().contains("--bind"), h.out());
    }
}
