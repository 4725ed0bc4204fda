package org.backprop4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backprop4j.Activation;
import org.backprop4j.Init;
import org.backprop4j.Network;
import org.backprop4j.Rng;
import org.backprop4j.metrics.Ranking;
import org.junit.jupiter.api.Test;

/**
 * The report's sections of issue 20.7, from report data: ROC and precision–recall (areas exactly
 * {@link Ranking}'s, curves whose areas are those), class balance, the network diagram, the
 * command line and provenance, predicted against actual, and a report of an evaluation.
 */
class ReportSectionsTest {

    /** The exact values the ranking table holds for a column ("auc" or "ap"), in row order. */
    static List<Double> exact(String html, String column) {
        Matcher m = Pattern.compile("<td class=\"num " + column + "\" data-value=\"([^\"]+)\">").matcher(html);
        List<Double> out = new ArrayList<>();
        while (m.find()) out.add(Double.parseDouble(m.group(1)));
        return out;
    }

    /** Scores of 3 classes over n patterns, with ties (rounded to 0.05), seeded. */
    static List<ReportData.ClassScores> threeClasses(int n, long seed) {
        Rng r = new Rng(seed);
        int[] label = new int[n];
        for (int p = 0; p < n; p++) label[p] = r.nextInt(3);
        List<ReportData.ClassScores> out = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            double[] s = new double[n];
            boolean[] pos = new boolean[n];
            for (int p = 0; p < n; p++) {
                pos[p] = label[p] == c;
                s[p] = Math.round(20 * Math.min(1, Math.max(0, (pos[p] ? 0.65 : 0.35) + 0.3 * r.nextGaussian()))) / 20.0;
            }
            out.add(new ReportData.ClassScores(List.of("a", "b", "<c>").get(c), s, pos));
        }
        return out;
    }

    static ReportData.Builder evaluation() {
        Network net = Network.builder(4).layer(16, Activation.TANH).layer(3, Activation.SOFTMAX).build(Init.xavier(), 1);
        return ReportData.builder().title("backprop4j: m.json on t.csv").dataSet("t.csv", 0, 0, 90).network(net)
                .evaluatedOn("t.csv (90 patterns)")
                .confusion(new int[][] {{30, 0, 0}, {0, 25, 5}, {0, 4, 26}}, List.of("a", "b", "<c>"));
    }

    @Test
    void theAreasAreRankingsAndTheMacroAverageTheirMean() {
        List<ReportData.ClassScores> ranked = threeClasses(90, 4);
        String html = HtmlReport.render(evaluation().ranking(ranked).build());
        List<Double> auc = exact(html, "auc"), ap = exact(html, "ap");
        assertEquals(4, auc.size(), "three classes and the macro average");
        double aucSum = 0, apSum = 0;
        for (int c = 0; c < 3; c++) {
            double a = Ranking.rocAuc(ranked.get(c).scores(), ranked.get(c).positive());
            double p = Ranking.averagePrecision(ranked.get(c).scores(), ranked.get(c).positive());
            assertEquals(a, auc.get(c), 0.0, "ROC AUC of class " + c);
            assertEquals(p, ap.get(c), 0.0, "AP of class " + c);
            aucSum += a;
            apSum += p;
        }
        assertEquals(aucSum / 3, auc.get(3), 0.0);
        assertEquals(apSum / 3, ap.get(3), 0.0);
        // one curve per class in each chart, the legend naming the class (escaped) and its area
        assertEquals(6, html.split("<polyline class=\"curve\"", -1).length - 1);
        assertTrue(html.contains(">&lt;c&gt; (AUC " + String.format(java.util.Locale.ROOT, "%.3f", auc.get(2)) + ")</text>"), html);
        assertTrue(html.contains("Each class against the rest (one-vs-rest), ranked by its output, on t.csv (90 patterns)."));
        HtmlReportTest.assertSelfContained(html);
    }

    /**
     * The drawn curves are the ones the areas are of: the trapezoids under the ROC curve sum to
     * Ranking.rocAuc, the rectangles under the precision–recall steps to Ranking.averagePrecision
     * (to rounding, 1e-12 on sums of at most a few hundred terms ≤ 1).
     */
    @Test
    void theCurvesHaveTheAreasTheTableStates() {
        for (long seed = 1; seed <= 20; seed++) {
            for (ReportData.ClassScores cs : threeClasses(37 + (int) seed * 11, seed)) {
                double[][] roc = HtmlReport.rocCurve(cs.scores(), cs.positive());
                double area = 0;
                for (int i = 1; i < roc.length; i++) area += (roc[i][0] - roc[i - 1][0]) * (roc[i][1] + roc[i - 1][1]) / 2;
                assertEquals(Ranking.rocAuc(cs.scores(), cs.positive()), area, 1e-12, "ROC, seed " + seed);
                assertEquals(List.of(0.0, 0.0), List.of(roc[0][0], roc[0][1]));
                assertEquals(List.of(1.0, 1.0), List.of(roc[roc.length - 1][0], roc[roc.length - 1][1]));
                double[][] pr = HtmlReport.prCurve(cs.scores(), cs.positive());
                double ap = 0;
                for (int i = 1; i < pr.length; i++) ap += (pr[i][0] - pr[i - 1][0]) * pr[i][1];
                assertEquals(Ranking.averagePrecision(cs.scores(), cs.positive()), ap, 1e-12, "PR, seed " + seed);
            }
        }
    }

    /** Two classes: the positive one alone is ranked, and said so; no macro average. */
    @Test
    void aBinaryTaskRanksThePositiveClass() {
        ReportData.ClassScores pos = threeClasses(50, 2).get(1);
        ReportData.ClassScores b = new ReportData.ClassScores("yes", pos.scores(), pos.positive());
        String html = HtmlReport.render(ReportData.builder().title("t").dataSet("d.csv", 0, 0, 50)
                .confusion(new int[][] {{20, 5}, {6, 19}}, List.of("no", "yes")).ranking(List.of(b)).build());
        assertTrue(html.contains("The positive class, yes, ranked by its output"), html);
        assertEquals(List.of(Ranking.rocAuc(b.scores(), b.positive())), exact(html, "auc"));
        assertFalse(html.contains("macro average"));
    }

    /** Patterns per class of each set, with each set's shares and totals. */
    @Test
    void classBalanceCountsEverySet() {
        String html = HtmlReport.render(evaluation().classBalance("training", new int[] {35, 35, 35}).classBalance("validation", new int[] {15, 10, 20})
                .build());
        assertTrue(html.contains("<section id=\"balance\"><h2>Class balance</h2>\n<table class=\"data\"><thead><tr><th>class</th><th>training</th>"
                + "<th>validation</th></tr></thead><tbody>\n"
                + "<tr><td>a</td><td class=\"num\">35 <span class=\"muted\">(33.33%)</span></td><td class=\"num\">15 <span class=\"muted\">(33.33%)</span></td></tr>\n"
                + "<tr><td>b</td><td class=\"num\">35 <span class=\"muted\">(33.33%)</span></td><td class=\"num\">10 <span class=\"muted\">(22.22%)</span></td></tr>\n"
                + "<tr><td>&lt;c&gt;</td><td class=\"num\">35 <span class=\"muted\">(33.33%)</span></td><td class=\"num\">20 <span class=\"muted\">(44.44%)</span></td></tr>\n"
                + "<tr class=\"total\"><td>all</td><td class=\"num\">105</td><td class=\"num\">45</td></tr>\n"), html);
    }

    /**
     * The diagram: a column per layer, every unit up to 8 (a 16-unit layer as 7 and a ⋮), all
     * edges between the drawn units, each layer's size and activation under it.
     */
    @Test
    void theNetworkDiagramShowsLayerSizesAndActivations() {
        String html = HtmlReport.render(evaluation().build());
        String svg = html.substring(html.indexOf("<section id=\"network\">"), html.indexOf("</section>", html.indexOf("<section id=\"network\">")));
        assertEquals(4 + 7 + 3, svg.split("<circle ", -1).length - 1, "4 inputs, 16 hidden drawn as 7 and ⋮, 3 outputs");
        assertEquals(4 * 8 + 8 * 3, svg.split("<line ", -1).length - 1, "edges between the 8 rows of the hidden column (the ⋮ row too) and the others");
        for (String t : List.of(">input</text>", ">4 inputs</text>", ">hidden</text>", ">16 tanh</text>", ">output</text>", ">3 softmax</text>", ">⋮</text>")) {
            assertTrue(svg.contains(t), t);
        }
        assertTrue(svg.contains("<figcaption>4-16(tanh)-3(softmax), 131 parameters; layers of more than 8 units are drawn in part (⋮)</figcaption>"), svg);
        // four layers: the hidden ones numbered
        Network deep = Network.builder(2).layer(3, Activation.RELU).layer(2, Activation.TANH).layer(1, Activation.LOGISTIC).build(Init.xavier(), 1);
        String d = HtmlReport.render(ReportData.builder().title("t").network(deep).build());
        for (String t : List.of(">2 inputs</text>", ">hidden 1</text>", ">3 relu</text>", ">hidden 2</text>", ">2 tanh</text>", ">1 logistic</text>")) {
            assertTrue(d.contains(t), t);
        }
    }

    /** The command line and provenance, escaped, in the order given. */
    @Test
    void commandAndProvenance() {
        Map<String, Object> p = new LinkedHashMap<>();
        String html = HtmlReport.render(evaluation().commandLine("backprop4j evaluate m.json 'a <b>.csv' --report r.html")
                .provenance("library", "backprop4j 0.1.0").provenance("data SHA-256", "ab12").provenance("seed", 42L).build());
        assertTrue(html.contains("<section id=\"provenance\"><h2>Command and provenance</h2>\n"
                + "<pre class=\"command\">backprop4j evaluate m.json &#39;a &lt;b&gt;.csv&#39; --report r.html</pre>\n"
                + "<table class=\"data\"><tbody>\n<tr><th>library</th><td class=\"mono\">backprop4j 0.1.0</td></tr>\n"
                + "<tr><th>data SHA-256</th><td class=\"mono\">ab12</td></tr>\n<tr><th>seed</th><td class=\"mono\">42</td></tr>\n"), html);
        assertTrue(p.isEmpty());
    }

    /** A report of an evaluation has no training card, curves or epochs; a regression one plots predicted against actual. */
    @Test
    void anEvaluationReport() {
        String html = HtmlReport.render(ReportData.builder().title("backprop4j: cpu.json on cpu.arff").dataSet("cpu.arff", 0, 0, 3)
                .evaluatedOn("cpu.arff (3 patterns)").metric("MSE", 2.0)
                .scatter(new ReportData.Scatter("class", new double[] {1, 2, 3}, new double[] {1.5, 2, 2})).build());
        for (String absent : List.of("<h3>Training</h3>", "id=\"curves\"", "id=\"epochs\"", "training patterns")) assertFalse(html.contains(absent), absent);
        assertTrue(html.contains("<tr><th>test patterns</th><td>3</td></tr>"));
        String sc = html.substring(html.indexOf("<section id=\"scatter\">"));
        assertEquals(3, sc.split("<circle ", -1).length - 1);
        assertTrue(sc.contains(">actual class</text>") && sc.contains(">predicted class</text>"));
        assertTrue(sc.contains("<figcaption>3 patterns of cpu.arff (3 patterns); dashed: predicted = actual</figcaption>"), sc);
        HtmlReportTest.assertSelfContained(html);
    }
}
