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
        return chromium(profile, page, timeoutSeconds, null, args);
    }

    /**
     * {@link #chromium(Path, Path, long, String...)}, its standard error (where --enable-logging
     * puts the page's console: script errors and refused fetches as {@code INFO:CONSOLE} lines)
     * into {@code stderr} if not null.
     */
    static String chromium(Path profile, Path page, long timeoutSeconds, Path stderr, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile,
                // belt and braces: even if the page asked for a host, it could not be resolved
                "--host-resolver-rules=MAP * ~NOTFOUND"));
        cmd.addAll(List.of(args));
        cmd.add(page.toUri().toString());
        Path out = Files.createTempFile(profile.getParent(), "chromium", ".out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(stderr == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stderr.toFile())).start();
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
        // both charts and the network's diagram were parsed as SVG, with their text
        assertEquals(3, dom.split("<svg ", -1).length - 1);
        assertTrue(dom.contains(">Loss per epoch</text>") && dom.contains(">Accuracy per epoch</text>"));
        // summary, metrics, matrix and configuration are there
        for (String s : List.of("blobs.csv", "2-8(tanh)-3(softmax)", "max epochs (40)", "test accuracy", "Confusion matrix",
                "actual \\ predicted", "precision", "recall", "Hyper-parameters", "SGD η = 0.03, momentum 0.9")) {
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

    /** The page's console messages Chromium logged (script errors, refused fetches, console calls). */
    static List<String> consoleLines(Path profile, Path page) throws IOException, InterruptedException {
        Path err = Files.createTempFile(profile.getParent(), "chromium", ".err");
        chromium(profile, page, 30, err, "--enable-logging=stderr", "--v=0", "--dump-dom");
        return Files.readAllLines(err, StandardCharsets.UTF_8).stream().filter(l -> l.contains(":CONSOLE")).toList();
    }

    /**
     * Issue 20.7: the two kinds of report the command line writes, train --report and evaluate
     * --report, render in the browser with every section and no console message (no script
     * error, nothing refused by the Content-Security-Policy); a page that has both is seen to
     * have them, so the check can fail. One screenshot of each is written to target/ (or, with
     * -Dbackprop4j.reportScreenshots=DIR, to DIR: docs/ keeps the ones a person compares).
     */
    @Test
    @Timeout(120)
    void bothKindsOfReportRenderWithoutConsoleMessages(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "needs Debian's chromium at " + CHROMIUM);
        Path iris = Files.copy(org.backprop4j.TestData.path("iris.csv"), dir.resolve("iris.csv"));
        Path model = dir.resolve("iris.json"), train = dir.resolve("report-train.html"), eval = dir.resolve("report-evaluate.html");
        assertEquals(0, org.backprop4j.cli.Main.run(new String[] {"train", iris.toString(), "-o", model.toString(), "--validation", "0.3",
                "--report", train.toString(), "--epochs", "60", "--hidden", "16", "--quiet"}, new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter())));
        assertEquals(0, org.backprop4j.cli.Main.run(new String[] {"evaluate", model.toString(), iris.toString(), "--report", eval.toString()},
                new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.io.PrintWriter(java.io.Writer.nullWriter())));

        Path bad = dir.resolve("bad.html");
        Files.writeString(bad, "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"></head>"
                + "<body><script>undefinedFunction();</script><img src=\"http://127.0.0.1:9/x.png\"></body></html>");
        assertEquals(2, consoleLines(dir.resolve("p0"), bad).size(), "the check sees a refused script and a refused image");

        Path shots = Path.of(System.getProperty("backprop4j.reportScreenshots", "target"));
        Files.createDirectories(shots);
        int i = 1;
        for (Path page : List.of(train, eval)) {
            assertEquals(List.of(), consoleLines(dir.resolve("p" + i++), page), page.getFileName().toString());
            String dom = chromium(dir.resolve("p" + i++), page, 30, "--dump-dom");
            boolean isTrain = page == train;
            for (String id : List.of("summary", "network", "metrics", "balance", "confusion", "ranking", "configuration", "provenance")) {
                assertTrue(dom.contains("<section id=\"" + id + "\">"), page.getFileName() + " has " + id);
            }
            assertEquals(isTrain, dom.contains("<section id=\"curves\">"));
            // the diagram, two ranking charts, and for training the two learning curves
            assertEquals(isTrain ? 5 : 3, dom.split("<svg ", -1).length - 1);
            assertTrue(dom.contains(">16 relu</text>") && dom.contains(">ROC AUC</th>"));
            Path shot = shots.resolve(page.getFileName().toString().replace(".html", ".png"));
            // tall enough for the whole page at 1280 columns (hyper-parameters and provenance at the bottom)
            chromium(dir.resolve("p" + i++), page, 30, "--screenshot=" + shot.toAbsolutePath(), "--window-size=1280," + (isTrain ? 4450 : 3900),
                    "--hide-scrollbars");
            BufferedImage img = ImageIO.read(shot.toFile());
            assertEquals(1280, img.getWidth());
            // the three classes' ROC and PR curves were drawn in their colours
            for (String rgb : List.of("1f77b4", "d62728", "2ca02c")) {
                assertTrue(countNear(img, Integer.parseInt(rgb, 16), 30) > 200, page.getFileName() + ": curves in #" + rgb);
            }
        }
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
