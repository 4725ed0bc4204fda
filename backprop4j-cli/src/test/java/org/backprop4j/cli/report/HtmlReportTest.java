package org.backprop4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backprop4j.train.EpochStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report's content, escaping, self-containment and atomic writing (the browser check is ChromiumReportTest). */
class HtmlReportTest {

    /** Every src/href attribute value in the document. */
    static List<String> links(String html) {
        Matcher m = Pattern.compile("(?i)\\b(?:src|href|xlink:href)\\s*=\\s*(\"[^\"]*\"|'[^']*'|[^\\s>]+)").matcher(html);
        List<String> out = new ArrayList<>();
        while (m.find()) out.add(m.group(1).replaceAll("^[\"']|[\"']$", ""));
        return out;
    }

    /** Asserts that nothing in the page makes the browser fetch anything. */
    static void assertSelfContained(String html) {
        for (String link : links(html)) {
            String l = link.strip().toLowerCase(Locale.ROOT);
            assertFalse(l.startsWith("http:") || l.startsWith("https:") || l.startsWith("//") || l.startsWith("file:"),
                    "external reference: " + link);
        }
        String lower = html.toLowerCase(Locale.ROOT);
        for (String tag : List.of("<script", "<link", "<iframe", "<object", "<embed", "<img", "@import", "url(http", "@font-face")) {
            assertFalse(lower.contains(tag), "no " + tag);
        }
        assertTrue(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"),
                "the CSP forbids every fetch");
    }

    @Test
    void aRealRunIsReportedEscapedAndSelfContained() {
        ReportData d = SampleRuns.classification(30);
        String html = HtmlReport.render(d);
        assertSelfContained(html);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<title>Blobs &lt;3 classes&gt; &amp; friends</title>"));
        assertTrue(html.contains("<h1>Blobs &lt;3 classes&gt; &amp; friends</h1>"));
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), "hostile class name escaped");
        assertTrue(html.contains("virginica &quot;v&quot;"));
        assertTrue(html.contains("<td class=\"mono\">&lt;b&gt;not bold&lt;/b&gt;</td>"), "configuration value escaped");
        assertTrue(html.contains("2-8(tanh)-3(softmax)"));
        assertTrue(html.contains("<tr><th>training patterns</th><td>180</td></tr>"));
        assertTrue(html.contains("<tr><th>validation patterns</th><td>60</td></tr>"));
        assertTrue(html.contains("<tr><th>test patterns</th><td>90</td></tr>"));
        assertTrue(html.contains("<tr><th>parameters</th><td>51</td></tr>"), "2·8+8 + 8·3+3 = 51");
        assertTrue(html.contains("<tr><th>stopped</th><td>max epochs (30)</td></tr>"));
        assertTrue(html.contains("<tr><th>training time</th><td>1.2 s</td></tr>"));
        assertTrue(html.contains("<tr><th>started</th><td>2026-11-22 10:00:00 UTC</td></tr>"));
        assertTrue(html.contains("30 epochs <span class=\"muted\">of 30</span>"));
        // configuration in insertion order
        int a = html.indexOf("<td>optimizer</td>"), b = html.indexOf("<td>batch size</td>"), c = html.indexOf("<td>note</td>");
        assertTrue(a > 0 && a < b && b < c, "configuration order");
        // two inline charts, with distinct ids (and the network's diagram before them)
        String curves = html.substring(html.indexOf("<section id=\"curves\">"), html.indexOf("</section>", html.indexOf("<section id=\"curves\">")));
        assertEquals(2, curves.split("<svg ", -1).length - 1);
        assertEquals(3, html.split("<svg ", -1).length - 1);
        assertTrue(html.contains("id='c-loss'") && html.contains("id='c-accuracy'"));
        // the test accuracy in the metrics equals the confusion matrix's diagonal share
        int[][] cm = d.confusion();
        int diag = 0, total = 0;
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) {
            total += cm[i][j];
            if (i == j) diag += cm[i][j];
        }
        assertEquals(90, total);
        assertEquals((double) diag / total, (Double) d.finalMetrics().get("test accuracy"), 1e-12);
        assertTrue(html.contains(total + " patterns, " + diag + " on the diagonal"), "confusion summary");
    }

    @Test
    void perClassPrecisionRecallAndF1FromAKnownMatrix() {
        // rows actual, columns predicted; worked by hand:
        // a: precision 5/7 = 71.43 %, recall 5/6 = 83.33 %, F1 = 2·(5/7)(5/6)/((5/7)+(5/6)) = 10/13 = 76.92 %
        // b: precision 3/4 = 75.00 %, recall 3/6 = 50.00 %, F1 = 0.6
        // c: precision 4/5 = 80.00 %, recall 4/4 = 100 %, F1 = 8/9 = 88.89 %
        // d: never predicted and no patterns: all undefined
        int[][] cm = {{5, 1, 0, 0}, {2, 3, 1, 0}, {0, 0, 4, 0}, {0, 0, 0, 0}};
        // a training run that stopped before its first epoch ended (a report without a stop reason,
        // epochs or their maximum is of an evaluation, with no training sections)
        ReportData d = ReportData.builder().title("t").confusion(cm, List.of("a", "b", "c", "d")).stopReason("the training error became NaN").build();
        String html = HtmlReport.render(d);
        assertTrue(html.contains("<tr><td>a</td><td class=\"num\">6</td><td class=\"num\">71.43%</td><td class=\"num\">83.33%</td><td class=\"num\">76.92%</td></tr>"), html);
        assertTrue(html.contains("<tr><td>b</td><td class=\"num\">6</td><td class=\"num\">75.00%</td><td class=\"num\">50.00%</td><td class=\"num\">60.00%</td></tr>"));
        assertTrue(html.contains("<tr><td>c</td><td class=\"num\">4</td><td class=\"num\">80.00%</td><td class=\"num\">100.00%</td><td class=\"num\">88.89%</td></tr>"));
        assertTrue(html.contains("<tr><td>d</td><td class=\"num\">0</td><td class=\"num\">—</td><td class=\"num\">—</td><td class=\"num\">—</td></tr>"));
        assertTrue(html.contains("16 patterns, 12 on the diagonal (accuracy 75.00%)"));
        // the matrix row of b: counts, then its recall
        assertTrue(Pattern.compile("<tr><th>b</th><td[^>]*>2</td><td[^>]*>3</td><td[^>]*>1</td><td[^>]*>0</td><td class=\"num metric\">50.00%</td></tr>")
                .matcher(html).find(), "matrix row b");
        // the precision row
        assertTrue(html.contains("<tr class=\"metric\"><th>precision</th><td class=\"num\">71.43%</td><td class=\"num\">75.00%</td>"
                + "<td class=\"num\">80.00%</td><td class=\"num\">—</td><td></td></tr>"));
        // no epochs: a note instead of charts
        assertTrue(html.contains("No epoch ran to completion"));
        assertFalse(html.contains("<svg"));
        assertSelfContained(html);
    }

    @Test
    void regressionHasNoConfusionMatrixAndOnlyTheLossChart() {
        List<EpochStats> h = new ArrayList<>();
        for (int e = 1; e <= 450; e++) h.add(new EpochStats(e, 1.0 / e, Double.NaN, Double.NaN, Double.NaN, e, 2));
        String html = HtmlReport.render(ReportData.builder().title("r").history(h).stopReason("max epochs (450)")
                .metric("MSE", 0.0125).metric("R²", 0.93).metric("note", null).build());
        assertFalse(html.contains("Confusion matrix"));
        assertEquals(1, html.split("<svg ", -1).length - 1);
        assertTrue(html.contains("(logarithmic axis)"), "1 → 1/450 spans more than two decades");
        assertTrue(html.contains("<tr><td>MSE</td><td class=\"num\">0.0125</td></tr>"));
        assertTrue(html.contains("<tr><td>R²</td><td class=\"num\">0.93</td></tr>"));
        assertTrue(html.contains("<tr><td>note</td><td class=\"num\">—</td></tr>"));
        // training time from the epochs: 450 × 2 ms
        assertTrue(html.contains("<tr><th>training time</th><td>900 ms</td></tr>"), "summed epoch times");
        // per-epoch table thinned to every 3rd epoch (⌈450/200⌉) plus the last: epochs 1, 4, ..., 448 and 450
        String table = html.substring(html.indexOf("<section id=\"epochs\">"));
        assertTrue(table.contains("Per-epoch statistics (450 epochs, one in 3 shown)"), table.substring(0, 200));
        int rows = table.split("<tr><td class=\"num\">", -1).length - 1;
        assertEquals(150 + 1, rows);
        assertTrue(table.contains("<tr><td class=\"num\">448</td>") && table.contains("<tr><td class=\"num\">450</td>"));
        assertFalse(table.contains("<tr><td class=\"num\">449</td>"));
    }

    @Test
    void numbersAreFormattedLocaleIndependently() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY); // decimal comma: must not leak into the report
            assertEquals("0.1", HtmlReport.num(0.1));
            assertEquals("1234567", HtmlReport.num(1234567.0));
            assertEquals("1.5e-07", HtmlReport.num(1.5e-7));
            assertEquals("0.333333", HtmlReport.num(1.0 / 3));
            assertEquals("—", HtmlReport.num(Double.NaN));
            assertEquals("12.50%", HtmlReport.pct(0.125));
            assertEquals("850 ms", HtmlReport.duration(Duration.ofMillis(850)));
            assertEquals("12.3 s", HtmlReport.duration(Duration.ofMillis(12_300)));
            assertEquals("4 min 05 s", HtmlReport.duration(Duration.ofSeconds(245)));
            assertEquals("2 h 03 min", HtmlReport.duration(Duration.ofMinutes(123)));
        } finally {
            Locale.setDefault(saved);
        }
        assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;\uFFFD", HtmlReport.esc("<a href=\"x\">&'\u0007"));
    }

    @Test
    void inconsistentInputIsRejectedWithAClearMessage() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ReportData.builder().confusion(new int[][] {{1, 2}, {3}}, List.of("a", "b")).build());
        assertEquals("confusion matrix row 2 has 1 columns for 2 classes", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReportData.builder().confusion(new int[][] {{1}}, List.of("a", "b")).build());
        assertEquals("confusion matrix has 1 rows for 2 classes", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReportData.builder().confusion(new int[][] {{1}}, null).build());
        assertEquals("a confusion matrix needs its class names, and class names a matrix", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReportData.builder().confusion(new int[][] {{-1}}, List.of("a")).build());
        assertEquals("negative count in the confusion matrix at row 1, column 1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReportData.builder().title(" ").build());
        // the record keeps its own copy of the matrix
        int[][] cm = {{1, 0}, {0, 1}};
        ReportData d = ReportData.builder().confusion(cm, List.of("a", "b")).build();
        cm[0][0] = 99;
        assertEquals(1, d.confusion()[0][0]);
    }

    @Test
    void writeReplacesTheFileAtomicallyAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("out/report.html");
        ReportData d = ReportData.builder().title("first").build();
        HtmlReport.write(d, f);
        assertEquals(HtmlReport.render(d), Files.readString(f));
        ReportData d2 = ReportData.builder().title("second").build();
        HtmlReport.write(d2, f);
        assertEquals(HtmlReport.render(d2), Files.readString(f));
        try (var s = Files.list(f.getParent())) {
            assertEquals(List.of("report.html"), s.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }
}
