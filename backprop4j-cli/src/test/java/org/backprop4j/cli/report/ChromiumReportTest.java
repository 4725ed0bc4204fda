package org.backprop4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders the HTML report in headless Chromium (Debian's chromium package) and checks what the
 * browser shows: the text it parsed (--dump-dom) and a screenshot. Skipped when /usr/bin/chromium is
 * absent. Two browser starts, about 3 s each here.
 */
class ChromiumReportTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final int WIDTH = 1280, HEIGHT = 1600;

    /** Runs headless Chromium on {@code page} with extra arguments; returns its standard output. */
    static String chromium(Path profile, Path page, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile,
                // belt and braces: even if the page asked for a host, it could not be resolved
                "--host-resolver-rules=MAP * ~NOTFOUND"));
        cmd.addAll(List.of(args));
        cmd.add(page.toUri().toString());
        Path out = Files.createTempFile(profile.getParent(), "chromium", ".out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // renderer and utility processes too
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in " + timeoutSeconds + " s: " + cmd);
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(40)
    void theBrowserShowsTheReport(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "needs Debian's chromium at " + CHROMIUM);
        ReportData data = SampleRuns.classification(40);
        Path page = dir.resolve("report.html");
        HtmlReport.write(data, page);
        HtmlReportTest.assertSelfContained(Files.readString(page));

        String dom = chromium(dir.resolve("profile1"), page, 20, "--dump-dom");
        assertTrue(dom.contains("<h1>Blobs &lt;3 classes&gt; &amp; friends</h1>"), "title as text: " + dom.substring(0, Math.min(500, dom.length())));
        // the hostile class name is text, not an element: the browser found no script anywhere
        assertTrue(dom.contains("&lt;script&gt;alert('x')&lt;/script&gt;"));
        assertFalse(dom.toLowerCase(Locale.ROOT).contains("<script"), "no script element in the parsed page");
        // both charts were parsed as SVG, with their text
        assertEquals(2, dom.split("<svg ", -1).length - 1);
        assertTrue(dom.contains(">Loss per epoch</text>") && dom.contains(">Accuracy per epoch</text>"));
        // summary, metrics, matrix and configuration are there
        for (String s : List.of("blobs.csv", "2-8(tanh)-3(softmax)", "max epochs (40)", "test accuracy", "Confusion matrix",
                "actual \\ predicted", "precision", "recall", "Training configuration", "SGD η = 0.03, momentum 0.9")) {
            assertTrue(dom.contains(s), "rendered page shows " + s);
        }
        int[][] cm = data.confusion();
        assertTrue(dom.contains(">" + cm[0][0] + "</td>"), "diagonal count shown");

        Path shot = dir.resolve("shot.png");
        chromium(dir.resolve("profile2"), page, 20, "--screenshot=" + shot, "--window-size=" + WIDTH + "," + HEIGHT,
                "--hide-scrollbars");
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(WIDTH, img.getWidth());
        assertEquals(HEIGHT, img.getHeight());
        // the curves were drawn: pixels close to the training curve's blue, and to the validation red
        assertTrue(countNear(img, LearningCurves.TRAINING.getRGB(), 40) > 100, "training curve visible");
        assertTrue(countNear(img, LearningCurves.VALIDATION.getRGB(), 40) > 100, "validation curve visible");
    }

    /** Pixels within {@code tol} (max channel difference) of {@code rgb}. */
    static int countNear(BufferedImage img, int rgb, int tol) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                if (Math.abs(((p >> 16) & 255) - ((rgb >> 16) & 255)) <= tol && Math.abs(((p >> 8) & 255) - ((rgb >> 8) & 255)) <= tol
                        && Math.abs((p & 255) - (rgb & 255)) <= tol) n++;
            }
        }
        return n;
    }
}
