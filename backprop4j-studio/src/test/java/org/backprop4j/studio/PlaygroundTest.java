package org.backprop4j.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The playground in a real browser: XOR learnt with a hidden layer, not without; the surface redraws live. */
class PlaygroundTest extends BrowserTest {
    @BeforeEach
    void defaults() {
        b.resetSettings();
    }

    double accuracy() {
        String a = b.text("trainAcc");
        return a.equals("–") ? Double.NaN : Double.parseDouble(a.substring(0, a.length() - 1)) / 100;
    }

    String surface() {
        return (String) b.js("return document.getElementById('surface').toDataURL()");
    }

    int epoch() {
        return Integer.parseInt(b.text("epoch"));
    }

    @Test
    void xorWithTwoHiddenUnitsReachesHundredPercentAndTheSurfaceChanges() throws Exception {
        b.set("speed", "0");
        b.waitForConfig("c.dataset === 'xor' && c.speed === 0 && c.hidden.join() === '2'");
        assertEquals(List.of(2L, 2L, 1L), b.js("return studioState.runs.main.desc.sizes"));
        b.click("step");
        b.waitFor("epoch 1", 10, () -> epoch() == 1);
        String first = surface();
        b.click("play");
        b.waitFor("100% training accuracy", 60, () -> b.text("trainAcc").equals("100.0%"));
        b.screenshot("playground-xor");
        String later = surface();
        assertNotEquals(first, later, "the surface image must change between epochs");
    }

    @Test
    void withoutAHiddenLayerXorIsNotLearnt() throws Exception {
        b.click("removeLayer");
        b.type("maxEpochs", "3000");
        b.select("speed", "0");
        b.waitForConfig("c.hidden.length === 0 && c.maxEpochs === 3000 && c.speed === 0 && c.dataset === 'xor'");
        assertEquals(List.of(2L, 1L), b.js("return studioState.runs.main.desc.sizes"));
        b.click("play");
        b.waitFor("the end of the run", 60, () -> b.text("state").equals("finished"));
        assertEquals("3000", b.text("epoch"));
        // a single layer draws one line: at most three of XOR's four patterns on the right side (seed 000)
        assertTrue(accuracy() <= 0.75, "accuracy " + b.text("trainAcc"));
        b.screenshot("playground-xor-no-hidden-layer");
    }

    @Test
    void theSurfaceOfA2881NetRedrawsAtTwentyFramesASecondWhileTraining() throws Exception {
        // a frame-rate claim needs idle cores, which a CI run sharing two cores with its own build does not have
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("backprop4j.studio.fps"),
                "frame-rate check off in the default suite: run scripts/studio-fps on an idle machine");
        b.set("dataset", "spirals", "units1", "8", "addLayer", "click", "units2", "8", "optimizer", "adam", "opt-lr", "0.01",
                "mode", "mini", "batch", "16", "maxEpochs", "1000000", "speed", "0");
        b.waitForConfig("c.dataset === 'spirals' && c.hidden.join() === '8,8' && c.optimizer === 'adam' && c.batch === 16 && c.speed === 0 && c.maxEpochs === 1000000");
        assertEquals(List.of(2L, 8L, 8L, 1L), b.js("return studioState.runs.main.desc.sizes"));
        b.click("play");
        b.waitFor("training", 10, () -> Integer.parseInt(b.text("epoch")) > 5);
        Thread.sleep(1000);
        @SuppressWarnings("unchecked")
        List<Number> m = (List<Number>) b.jsAsync("const done = arguments[arguments.length - 1];"
                + "const s0 = studioStats.surfaceDraws, f0 = studioStats.animationFrames, e0 = studioState.runs.main.frame.epoch, t0 = performance.now();"
                + "setTimeout(() => done([studioStats.surfaceDraws - s0, studioStats.animationFrames - f0, performance.now() - t0,"
                + " studioState.runs.main.frame.epoch - e0]), 3000);");
        double seconds = m.get(2).doubleValue() / 1000;
        double fps = m.get(0).doubleValue() / seconds;
        b.screenshot("playground-spirals-2-8-8-1");
        b.click("play");   // pause
        assertTrue(m.get(3).intValue() > 0, "the run trained meanwhile: " + m);
        String measured = "surface redraws per second while training: " + fps + " (" + m + ": redraws, animation frames, ms, epochs)";
        if (fps < 20) {
            // the claim is for 2 cores; on a machine shared with other builds (load far above its cores) the page gets a
            // fraction of one, and the measurement says nothing about the studio: say so instead of failing
            double load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            int cores = Runtime.getRuntime().availableProcessors();
            org.junit.jupiter.api.Assumptions.assumeTrue(load <= 2 * cores,
                    measured + "; not judged: the machine's load average is " + load + " on " + cores + " cores");
        }
        assertTrue(fps >= 20, measured);
    }

    @Test
    void aBadValueGetsAVisibleMessageAndThePageKeepsWorking() throws Exception {
        b.type("opt-lr", "fast");
        b.waitFor("the message", 5, () -> b.el("message").isDisplayed() && b.text("message").contains("lr"));
        assertTrue(b.text("message").contains("'fast' is not a number"), b.text("message"));
        b.type("units1", "0");
        b.waitFor("the message", 5, () -> b.text("message").contains("hidden layer 1"));
        b.type("patterns", "-3");
        b.type("units1", "2");
        b.waitFor("the message", 5, () -> b.text("message").contains("patterns"));
        b.screenshot("playground-bad-value");
        b.type("patterns", "200");
        b.type("opt-lr", "0.5");
        long g = b.mainGeneration();
        b.waitFor("the message to go and a new run", 10, () -> !b.el("message").isDisplayed() && b.mainGeneration() > g);
        b.click("step");
        b.waitFor("epoch 1", 10, () -> b.text("epoch").equals("1"));
    }

    @Test
    void compareShowsTwoRunsOnTheSameDataWithOneLossChart() throws Exception {
        b.type("maxEpochs", "2500");
        b.select("speed", "0");
        b.waitForConfig("c.maxEpochs === 2500 && c.speed === 0");
        b.click("tab-compare");
        b.select("cmpPreset", "hidden");
        b.click("cmpSetup");
        b.waitFor("both runs", 10, () -> Boolean.TRUE.equals(b.js("return !!(studioState.runs.a && studioState.runs.b && studioState.runs.a.frame && studioState.runs.b.frame)")));
        assertEquals(List.of(2L, 2L, 1L), b.js("return studioState.runs.a.desc.sizes"));
        assertEquals(List.of(2L, 1L), b.js("return studioState.runs.b.desc.sizes"));
        b.click("cmpPlay");
        b.waitFor("both runs to end", 60, () -> Boolean.TRUE.equals(b.js("return studioState.runs.a.frame.state === 'done' && studioState.runs.b.frame.state === 'done'")));
        Thread.sleep(300);
        assertEquals(1.0, ((Number) b.js("return studioState.runs.a.frame.trainAccuracy")).doubleValue(), "XOR with a hidden layer");
        assertTrue(((Number) b.js("return studioState.runs.b.frame.trainAccuracy")).doubleValue() <= 0.75, "XOR without");
        assertEquals(2500L, b.js("return studioState.runs.a.history.l.length"));
        assertEquals(2500L, b.js("return studioState.runs.b.history.l.length"));
        assertTrue(b.text("cmpStatusA").contains("100.0%"), b.text("cmpStatusA"));
        b.screenshot("compare-xor-hidden-layer");
    }

    @Test
    void shareAndInspectAModel() throws Exception {
        b.click("step");
        b.waitFor("epoch 1", 10, () -> b.text("epoch").equals("1"));
        b.click("tab-share");
        b.click("exportBtn");
        b.waitFor("the command", 10, () -> b.text("exportCommand").startsWith("backprop4j train studio-xor.csv"));
        b.screenshot("share");
        String model = (String) b.jsAsync("const done = arguments[arguments.length - 1];"
                + "fetch(document.getElementById('exportModel').href).then(r => r.text()).then(done);");
        Path dir = Files.createTempDirectory("bp4j-studio-test");
        Path f = dir.resolve("xor-model.json");
        Files.writeString(f, model);
        b.click("tab-inspect");
        b.el("modelFile").sendKeys(f.toString());
        b.waitFor("the model's summary", 10, () -> b.text("inspectSummary").contains("2-2(tanh)-1(logistic)"));
        assertEquals(1L, b.js("return studioState.inspect.training.epochs"), "the settings it records");
        assertTrue(b.text("inspectSummary").contains("training: epochs"), b.text("inspectSummary"));
        assertTrue(b.el("inspectSurface").isDisplayed());
        b.screenshot("inspect");
        Path bad = dir.resolve("broken.json");
        Files.writeString(bad, "{\"format\": \"backprop4j-model\"");
        b.el("modelFile").sendKeys(bad.toString());
        b.waitFor("the message", 10, () -> b.text("message").contains("broken.json"));
        Files.delete(f);
        Files.delete(bad);
        Files.delete(dir);
    }
}
