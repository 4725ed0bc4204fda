package org.backprop4j.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The playground in a real browser: XOR learnt with a hidden layer, not without; the surface redraws live. */
class PlaygroundTest {
    static Browser b;

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeAvailable();
        b = new Browser();
    }

    @AfterAll
    static void stop() throws Exception {
        if (b != null) b.close();
    }

    String surface() {
        return (String) b.js("return document.getElementById('surface').toDataURL()");
    }

    int epoch() {
        return Integer.parseInt(b.text("epoch"));
    }

    @Test
    void xorWithTwoHiddenUnitsReachesHundredPercentAndTheSurfaceChanges() throws Exception {
        b.select("dataset", "xor");
        b.waitFor("the XOR run", 10, () -> b.mainGeneration() > 0 && "ready".equals(b.text("state")));
        assertEquals("2", ((Number) b.js("return studioState.runs.main.desc.sizes[1]")).toString());
        b.click("step");
        b.waitFor("epoch 1", 10, () -> epoch() == 1);
        String first = surface();
        b.select("speed", "0");
        b.waitFor("the new run", 10, () -> "ready".equals(b.text("state")));
        b.click("play");
        b.waitFor("100% training accuracy", 60, () -> b.text("trainAcc").equals("100.0%"));
        b.screenshot("playground-xor");
        String later = surface();
        assertNotEquals(first, later, "the surface image must change between epochs");
    }
}
