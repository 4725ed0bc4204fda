package org.backprop4j.studio;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class with one browser on one studio for all its tests (skipped without chromium and chromium-driver). */
public abstract class BrowserTest {
    protected static Browser b;

    @BeforeAll
    static void startBrowser() throws Exception {
        Browser.assumeAvailable();
        b = new Browser();
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (b != null) b.close();
        b = null;
    }
}
