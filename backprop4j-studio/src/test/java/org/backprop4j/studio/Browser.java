package org.backprop4j.studio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium, driven headless by Debian's chromedriver through Selenium, on a studio
 * started in this JVM. Tests call {@link #assumeAvailable()} first: without the packages they skip
 * with the reason (.ci/run installs them).
 */
public final class Browser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium"), DRIVER = Path.of("/usr/bin/chromedriver");

    public final Studio studio;
    public final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path profile;

    public static void assumeAvailable() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + DRIVER + ")");
    }

    public Browser() throws IOException {
        studio = Studio.start(0);
        profile = Files.createTempDirectory("bp4j-studio-chromium");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1480,1000", "--hide-scrollbars");
        service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver d;
        try {
            d = new ChromeDriver(service, o);
        } catch (RuntimeException e) {
            studio.close();
            throw e;
        }
        driver = d;
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        driver.get(studio.uri().toString());
        waitFor("the page to start", 20, () -> "true".equals(js("return document.body.dataset.ready || ''")));
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Runs an async script whose last argument is the callback. */
    public Object jsAsync(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    public WebElement el(String id) {
        return driver.findElement(By.id(id));
    }

    public String text(String id) {
        return el(id).getText();
    }

    public void click(String id) {
        el(id).click();
    }

    /** Types into a text field and fires its change event. */
    public void type(String id, String value) {
        js("const e = document.getElementById(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change'));", id, value);
    }

    /** Chooses a select's value and fires its change event. */
    public void select(String id, String value) {
        js("const e = document.getElementById(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change'));", id, value);
    }

    /**
     * Sets the page's controls in order: pairs of element id and value (a select's or a field's,
     * with its change event), or an id and "click" for a button.
     */
    public void set(String... idValue) {
        for (int i = 0; i < idValue.length; i += 2) {
            if (idValue[i + 1].equals("click")) click(idValue[i]);
            else type(idValue[i], idValue[i + 1]);
        }
    }

    /** Waits until the playground's run has the settings {@code condition} (JavaScript on its config {@code c}) and its first frame. */
    public void waitForConfig(String condition) {
        waitFor("the settings " + condition, 10, () -> Boolean.TRUE.equals(js(
                "const c = studioState.runs.main && studioState.runs.main.desc.config; return !!c && " + condition)));
        waitFor("its first frame", 10, () -> "ready".equals(text("state")));
    }

    /** Back to the page's starting settings (XOR, 2-2-1) on the playground, with a fresh run, as a new page has them. */
    public void resetSettings() {
        click("tab-playground");
        long g = mainGeneration();
        js("applyConfig(studioState.meta.defaults); setupMain();");
        waitFor("a fresh run", 30, () -> mainGeneration() > g && "ready".equals(text("state")));
    }

    /** Waits (bounded) until the condition holds; fails with what was awaited. */
    public void waitFor(String what, double seconds, BooleanSupplier ok) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what + "; the page says: "
                        + js("return JSON.stringify({message: document.getElementById('message').textContent, state: document.getElementById('state').textContent,"
                        + " epoch: document.getElementById('epoch').textContent, stats: window.studioStats})"));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    /** The generation of the playground's run as the page knows it (changes when settings are applied). */
    public long mainGeneration() {
        Object g = js("return window.studioState && studioState.runs.main ? studioState.runs.main.gen : -1");
        return ((Number) g).longValue();
    }

    /** A screenshot of the window, written where the screenshots go (docs/studio with -Dstudio.screenshots=docs). */
    public Path screenshot(String name) throws IOException {
        String where = System.getProperty("studio.screenshots", "target/screenshots");
        Path dir = where.equals("docs") ? Path.of("..", "docs", "studio") : Path.of(where);
        Files.createDirectories(dir);
        Path f = dir.resolve(name + ".png");
        Files.write(f, driver.getScreenshotAs(OutputType.BYTES));
        return f;
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            service.stop();
            studio.close();
            try (var s = Files.walk(profile)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
