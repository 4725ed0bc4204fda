package org.backprop4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.backprop4j.train.EpochStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Learning curves: the files, their sizes, and one SVG path per curve with one vertex per epoch. */
class LearningCurvesTest {

    /** A classification run with validation: losses fall, accuracies rise. */
    static List<EpochStats> classification(int epochs) {
        List<EpochStats> h = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            h.add(new EpochStats(e, 0.7 * Math.exp(-e / 8.0) + 0.01, Math.min(1, 0.5 + e / 50.0),
                    0.72 * Math.exp(-e / 9.0) + 0.03, Math.min(0.95, 0.48 + e / 60.0), 4L * e, 12));
        }
        return h;
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true); // no DTD fetched or expanded
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * The polylines drawn in {@code rgb}: paths made only of straight segments ("M" then "L"s), inside
     * a group stroked in that colour; returns the vertex count of each.
     */
    static List<Integer> polylines(Document svg, String rgb) {
        List<Integer> counts = new ArrayList<>();
        NodeList paths = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path");
        for (int i = 0; i < paths.getLength(); i++) {
            Element p = (Element) paths.item(i);
            if (!(p.getParentNode() instanceof Element g) || !g.getAttribute("style").contains("stroke:" + rgb)) continue;
            String d = p.getAttribute("d");
            if (!d.matches("M[-0-9.,]+(L[-0-9.,]+)+")) continue;
            counts.add(d.split("L").length);
        }
        return counts;
    }

    /** The y coordinates of the polyline in {@code rgb} that has {@code n} vertices. */
    static List<Double> vertexYs(Document svg, String rgb, int n) {
        NodeList paths = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path");
        for (int i = 0; i < paths.getLength(); i++) {
            Element p = (Element) paths.item(i);
            if (!(p.getParentNode() instanceof Element g) || !g.getAttribute("style").contains("stroke:" + rgb)) continue;
            String d = p.getAttribute("d");
            if (!d.matches("M[-0-9.,]+(L[-0-9.,]+)+")) continue;
            String[] v = d.substring(1).split("L");
            if (v.length != n) continue;
            List<Double> ys = new ArrayList<>();
            for (String xy : v) ys.add(Double.parseDouble(xy.split(",")[1]));
            return ys;
        }
        throw new AssertionError("no polyline of " + n + " vertices in " + rgb);
    }

    static String rgb(java.awt.Color c) {
        return "rgb(" + c.getRed() + "," + c.getGreen() + "," + c.getBlue() + ")";
    }

    @Test
    void writesPngAndSvgOfLossAndAccuracyAtTheRequestedSize(@TempDir Path dir) throws Exception {
        List<EpochStats> h = classification(40);
        LearningCurves c = LearningCurves.of(h);
        List<Path> files = c.write(dir.resolve("sub"), "run", 640, 360);
        assertEquals(List.of("run-loss.png", "run-loss.svg", "run-accuracy.png", "run-accuracy.svg"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        for (Path f : files) assertTrue(Files.size(f) > 1000, f + " has content");
        for (String png : List.of("run-loss.png", "run-accuracy.png")) {
            BufferedImage img = ImageIO.read(dir.resolve("sub").resolve(png).toFile());
            assertEquals(640, img.getWidth(), png);
            assertEquals(360, img.getHeight(), png);
        }
        // nothing left behind by the atomic writes
        try (var s = Files.list(dir.resolve("sub"))) {
            assertEquals(4, s.count());
        }
        // each SVG is well-formed XML with one polyline per curve, one vertex per epoch (the legend's
        // sample line has 2 vertices)
        for (String svg : List.of("run-loss.svg", "run-accuracy.svg")) {
            Document doc = parse(Files.readString(dir.resolve("sub").resolve(svg)));
            assertEquals("svg", doc.getDocumentElement().getLocalName());
            assertEquals("0.0 0.0 640.0 360.0", doc.getDocumentElement().getAttribute("viewBox"));
            for (java.awt.Color col : List.of(LearningCurves.TRAINING, LearningCurves.VALIDATION)) {
                List<Integer> lines = polylines(doc, rgb(col));
                assertEquals(1, lines.stream().filter(n -> n == 40).count(), svg + " " + rgb(col) + ": " + lines);
            }
        }
        String loss = Files.readString(dir.resolve("sub/run-loss.svg"));
        // (the vertical axis label is drawn rotated, as outlines, not as text)
        for (String text : List.of(">Loss per epoch<", ">epoch<", ">training loss<", ">validation loss<")) {
            assertTrue(loss.contains(text), "SVG text " + text);
        }
        String acc = Files.readString(dir.resolve("sub/run-accuracy.svg"));
        for (String text : List.of(">Accuracy per epoch<", ">100<", ">training accuracy<", ">validation accuracy<")) {
            assertTrue(acc.contains(text), "SVG text " + text);
        }
    }

    @Test
    void defaultSizeAndRegressionWithoutValidationHasOnlyTheTrainingLossCurve(@TempDir Path dir) throws Exception {
        List<EpochStats> h = new ArrayList<>();
        for (int e = 1; e <= 5; e++) h.add(new EpochStats(e, 1.0 / e, Double.NaN, Double.NaN, Double.NaN, e, 1));
        LearningCurves c = LearningCurves.of(h);
        assertFalse(c.hasAccuracy());
        assertFalse(c.hasValidation());
        List<Path> files = c.write(dir, "reg");
        assertEquals(List.of(dir.resolve("reg-loss.png"), dir.resolve("reg-loss.svg")), files);
        BufferedImage img = ImageIO.read(files.get(0).toFile());
        assertEquals(LearningCurves.DEFAULT_WIDTH, img.getWidth());
        assertEquals(LearningCurves.DEFAULT_HEIGHT, img.getHeight());
        Document doc = parse(Files.readString(files.get(1)));
        assertEquals(List.of(5), polylines(doc, rgb(LearningCurves.TRAINING)).stream().filter(n -> n > 2).toList());
        assertTrue(polylines(doc, rgb(LearningCurves.VALIDATION)).isEmpty());
        assertFalse(Files.readString(files.get(1)).contains("validation"));
    }

    @Test
    void nonFinitePointsAreLeftOutAndWideLossRangesGetALogAxis() throws Exception {
        List<EpochStats> h = new ArrayList<>();
        // loss from 1 down to 1e-4 (4 decades), then a diverged epoch (Inf): 9 finite points of 10
        for (int e = 1; e <= 9; e++) h.add(new EpochStats(e, Math.pow(10, -(e - 1) / 2.0), 0.9, Double.NaN, Double.NaN, e, 1));
        h.add(new EpochStats(10, Double.POSITIVE_INFINITY, 0.1, Double.NaN, Double.NaN, 10, 1));
        LearningCurves c = LearningCurves.of(h);
        assertTrue(c.logLossAxis());
        String svg = LearningCurves.svgDocument(c.lossChart(), 500, 300);
        Document doc = parse(svg);
        assertEquals(List.of(9), polylines(doc, rgb(LearningCurves.TRAINING)).stream().filter(n -> n > 2).toList());
        // on a log axis the losses 10^(−(e−1)/2) are evenly spaced vertically (on a linear one they are not)
        List<Double> ys = vertexYs(doc, rgb(LearningCurves.TRAINING), 9);
        double step = ys.get(1) - ys.get(0);
        assertTrue(step > 10, "the curve falls by more than 10 px per epoch: " + ys);
        // JFreeSVG writes float coordinates: ~1e-7 relative of ~300 px, so 0.01 px is ample
        for (int i = 1; i < ys.size(); i++) assertEquals(step, ys.get(i) - ys.get(i - 1), 0.01, ys.toString());

        // a narrow range stays linear
        assertFalse(LearningCurves.of(classification(10)).logLossAxis());
        // a zero loss cannot go on a log axis
        assertFalse(LearningCurves.of(List.of(new EpochStats(1, 1, 1, 0, 1, 1, 1), new EpochStats(2, 1e-5, 1, 1, 1, 2, 1))).logLossAxis());
    }

    @Test
    void inlineSvgElementsScaleAndHaveDistinctIds() throws Exception {
        LearningCurves c = LearningCurves.of(classification(3));
        String a = LearningCurves.svgElement(c.lossChart(), 800, 450, "loss");
        String b = LearningCurves.svgElement(c.accuracyChart(), 800, 450, "acc");
        assertTrue(a.startsWith("<svg"), a.substring(0, 40));
        Element root = parse(a).getDocumentElement();
        assertEquals("", root.getAttribute("width"), "no fixed size: scales with the page");
        assertEquals("0.0 0.0 800.0 450.0", root.getAttribute("viewBox"));
        Matcher m = Pattern.compile("id='([^']+)'").matcher(a + b);
        List<String> ids = new ArrayList<>();
        while (m.find()) ids.add(m.group(1));
        assertTrue(ids.size() > 2, "has clip paths: " + ids);
        assertEquals(ids.size(), ids.stream().distinct().count(), "ids unique across both charts: " + ids);
    }

    @Test
    void badArgumentsAreRejectedClearly(@TempDir Path dir) {
        assertEquals("no epochs to plot: the history is empty",
                assertThrows(IllegalArgumentException.class, () -> LearningCurves.of(List.of())).getMessage());
        LearningCurves c = LearningCurves.of(classification(2));
        assertThrows(IllegalArgumentException.class, () -> c.write(dir, "../escape"));
        assertThrows(IllegalArgumentException.class, () -> c.write(dir, "x", 10, 10));
        List<EpochStats> reg = List.of(new EpochStats(1, 1, Double.NaN, Double.NaN, Double.NaN, 1, 1));
        assertThrows(IllegalStateException.class, () -> LearningCurves.of(reg).accuracyChart());
    }
}
