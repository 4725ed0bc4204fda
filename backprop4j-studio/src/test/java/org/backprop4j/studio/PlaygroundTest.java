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
    void aBadValueInTheStepThroughAndCompareViewsGetsAVisibleMessageAndThePageKeepsWorking() {
        b.click("tab-step");
        b.select("stepSource", "run");
        b.type("stepPattern", "5");
        b.click("stepLoad");
        b.waitFor("the message", 5, () -> b.el("message").isDisplayed() && b.text("message").startsWith("pattern: a whole number from 1 to 4"));
        b.type("stepPattern", "2");
        b.type("stepEta", "-1");
        b.click("stepLoad");
        b.waitFor("the message", 5, () -> b.el("message").isDisplayed() && b.text("message").startsWith("η: the learning rate must be"));
        b.type("stepEta", "0.1");
        b.click("stepLoad");
        b.waitFor("pattern 2 and no message", 5, () -> !b.el("message").isDisplayed() && b.text("stepTitle").startsWith("pattern 2 of the playground's training set"));

        b.click("tab-compare");
        b.select("cmpPreset", "gd-rprop");
        b.type("cmpLrA", "fast");
        b.click("cmpSetup");
        b.waitFor("the message", 5, () -> b.el("message").isDisplayed() && b.text("message").contains("'fast' is not a number"));
        b.type("cmpLrA", "0.5");
        b.type("cmpHiddenB", "2,0");
        b.click("cmpSetup");
        b.waitFor("the message", 5, () -> b.el("message").isDisplayed() && b.text("message").startsWith("hidden layer 2: units must be"));
        compareSetUp("online-batch");
        assertTrue(!b.el("message").isDisplayed(), b.text("message"));
    }

    @Test
    void compareShowsTwoRunsOnTheSameDataWithOneLossChart() throws Exception {
        b.type("maxEpochs", "2500");
        b.select("speed", "0");
        b.waitForConfig("c.maxEpochs === 2500 && c.speed === 0");
        // (waits for new runs: another test may have left compare's runs of its own)
        compareSetUp("hidden");
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
        // 2-2-1 and 2-1 share no layer's shape: the page says their initial weights differ (CompareTest checks the rule)
        assertEquals("same data; different networks (2-2(tanh)-1(logistic) and 2-1(logistic)): no layer starts with the same weights",
                b.text("cmpInitial"));
        b.screenshot("compare-xor-hidden-layer");
    }

    /** Sets up compare's two runs with a preset and waits for both runs' first frames. */
    void compareSetUp(String preset) {
        b.click("tab-compare");
        b.select("cmpPreset", preset);
        long ga = ((Number) b.js("return studioState.runs.a ? studioState.runs.a.gen : -1")).longValue();
        long gb = ((Number) b.js("return studioState.runs.b ? studioState.runs.b.gen : -1")).longValue();
        b.click("cmpSetup");
        b.waitFor("both runs of " + preset, 10, () -> Boolean.TRUE.equals(b.js("const a = studioState.runs.a, b = studioState.runs.b;"
                + " return !!(a && b && a.gen > arguments[0] && b.gen > arguments[1] && a.frame && b.frame) && document.getElementById('cmpInitial').textContent !== ''",
                ga, gb)));
    }

    @Test
    void compareStartsBothRunsOfAPresetFromTheSameWeights() throws Exception {
        for (String preset : List.of("gd-rprop", "online-batch")) {
            compareSetUp(preset);
            assertEquals(0L, b.js("return studioState.runs.a.frame.epoch"));
            assertEquals(0L, b.js("return studioState.runs.b.frame.epoch"));
            // the weights the page draws before the first epoch, every one
            @SuppressWarnings("unchecked")
            List<Number> a = (List<Number>) b.js("return studioState.runs.a.frame.params"), c = (List<Number>) b.js("return studioState.runs.b.frame.params");
            assertEquals(9, a.size(), preset + ": 2-2-1 has 9 weights and biases");
            assertEquals(a.size(), c.size());
            for (int i = 0; i < a.size(); i++) assertEquals(a.get(i).doubleValue(), c.get(i).doubleValue(), 0.0, preset + ": parameter " + i);
            assertEquals("same data; the same initial weights: all 9 weights and biases", b.text("cmpInitial"), preset);
            assertEquals(b.js("return JSON.stringify(studioState.runs.a.desc.train)"), b.js("return JSON.stringify(studioState.runs.b.desc.train)"));
        }
    }

    @Test
    void theNetworkEditorOffersEveryActivationOfTheLibraryAndTrainsWithOne() throws Exception {
        b.click("addLayer");
        b.waitForConfig("c.hidden.length === 2");
        for (String select : List.of("act1", "act2")) {
            assertEquals(ActivationsTest.libraryHiddenActivations().stream().sorted().toList(),
                    ((List<?>) b.js("return [...document.getElementById(arguments[0]).options].map(o => o.value)", select)).stream()
                            .map(Object::toString).sorted().toList(), select);
        }
        b.set("act1", "gelu", "act2", "sin");
        b.waitForConfig("c.activations.join() === 'gelu,sin'");
        assertEquals(List.of("gelu", "sin", "logistic"), b.js("return studioState.runs.main.desc.activations"));
        b.click("step");
        b.waitFor("epoch 1", 10, () -> epoch() == 1);
        assertTrue(b.text("trainLoss").matches("[0-9.e+-]+"), b.text("trainLoss"));
    }

    @Test
    void aUsersCsvUploadedInThePageTrainsAndComparesOnTheSameData() throws Exception {
        String text = UserCsvTest.clusters(20, 4);
        Path dir = Files.createTempDirectory("bp4j-studio-test");
        Path f = dir.resolve("clusters.csv");
        Files.writeString(f, text);
        try {
            b.select("dataset", "csv");
            assertTrue(b.el("csvFile").isDisplayed(), "the file field shows for the csv data set");
            b.el("csvFile").sendKeys(f.toString());
            b.waitForConfig("c.dataset === 'csv'");
            b.set("validation", "0", "speed", "0", "maxEpochs", "300");
            b.waitForConfig("c.dataset === 'csv' && c.validation === 0 && c.speed === 0 && c.maxEpochs === 300");
            // every row of the file is a training point of the page (blue 0, red 1: sorted)
            @SuppressWarnings("unchecked")
            List<List<Number>> points = (List<List<Number>>) b.js("return studioState.runs.main.desc.train");
            String[] rows = text.split("\n");
            assertEquals(rows.length - 1, points.size());
            for (int p = 0; p < points.size(); p++) {
                String[] v = rows[p + 1].split(",");
                assertEquals(Float.parseFloat(v[0]), points.get(p).get(0).floatValue(), 0f, "row " + (p + 1));
                assertEquals(Float.parseFloat(v[1]), points.get(p).get(1).floatValue(), 0f, "row " + (p + 1));
                assertEquals(v[2].equals("red") ? 1 : 0, points.get(p).get(2).intValue(), "row " + (p + 1));
            }
            b.click("play");
            b.waitFor("the end of the run", 60, () -> b.text("state").equals("finished"));
            assertEquals("300", b.text("epoch"));
            assertEquals("100.0%", b.text("trainAcc"), "two separated clusters");
            b.screenshot("playground-csv");
            compareSetUp("gd-rprop");
            assertEquals(b.js("return JSON.stringify(studioState.runs.main.desc.train)"), b.js("return JSON.stringify(studioState.runs.a.desc.train)"));
            assertEquals(b.js("return JSON.stringify(studioState.runs.main.desc.train)"), b.js("return JSON.stringify(studioState.runs.b.desc.train)"));
            assertTrue(b.text("cmpInitial").startsWith("same data; the same initial weights"), b.text("cmpInitial"));
        } finally {
            Files.delete(f);
            Files.delete(dir);
        }
    }

    @Test
    void thePageLoadsNothingFromAnotherOrigin() {
        b.click("tab-step");
        b.click("stepLoad");
        b.click("tab-playground");
        String origin = b.studio.uri().toString().replaceAll("/$", "");
        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) b.js("return [location.href, ...performance.getEntriesByType('resource').map(e => e.name),"
                + " ...[...document.querySelectorAll('[src],[href]')].map(e => e.src || e.href)].filter(u => u && !u.startsWith('blob:') && !u.startsWith('data:'))");
        assertTrue(loaded.size() >= 4, "the page, its script, its style sheet and API calls: " + loaded);
        for (String u : loaded) assertTrue(u.startsWith(origin + "/"), "offline: " + u + " is not from " + origin);
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
