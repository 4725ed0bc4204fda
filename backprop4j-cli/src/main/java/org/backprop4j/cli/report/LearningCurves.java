package org.backprop4j.cli.report;

import org.backprop4j.util.AtomicFiles;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.geom.Ellipse2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.backprop4j.train.EpochStats;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * Learning curves of one training run (JFreeChart): training and validation loss per epoch, and
 * training and validation accuracy per epoch when the run is a classification. Drawn headless, as
 * PNG or as SVG (JFreeSVG: text stays text, each curve is one {@code <path>}).
 *
 * <p>Points that are not finite (no validation set, a diverged epoch) are left out. The loss axis is
 * logarithmic when every loss is positive and they span two decades or more, so that the slow late
 * decrease stays visible.
 */
public final class LearningCurves {
    static {
        // charts are drawn off screen: no display needed (must be set before AWT starts)
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    public static final int DEFAULT_WIDTH = 800;
    public static final int DEFAULT_HEIGHT = 450;
    /** Above this many epochs the curves are drawn without point markers. */
    static final int MARKER_LIMIT = 60;
    static final Color TRAINING = new Color(0x1f, 0x77, 0xb4);
    static final Color VALIDATION = new Color(0xd6, 0x27, 0x28);
    private static final Color GRID = new Color(0xdd, 0xdd, 0xdd);

    /** What a chart shows. */
    public enum Kind {
        LOSS("loss"), ACCURACY("accuracy");

        /** The file-name suffix: {@code base-loss.png}, {@code base-accuracy.svg}. */
        public final String fileSuffix;

        Kind(String fileSuffix) {
            this.fileSuffix = fileSuffix;
        }
    }

    private final List<EpochStats> history;

    private LearningCurves(List<EpochStats> history) {
        this.history = history;
    }

    /** Curves of {@code history} (one entry per epoch, as in {@code TrainingResult.history()}). */
    public static LearningCurves of(List<EpochStats> history) {
        if (history == null || history.isEmpty()) throw new IllegalArgumentException("no epochs to plot: the history is empty");
        return new LearningCurves(List.copyOf(history));
    }

    /** Whether some epoch has a finite validation loss. */
    public boolean hasValidation() {
        return history.stream().anyMatch(s -> Double.isFinite(s.validationLoss()));
    }

    /** Whether some epoch has a finite training or validation accuracy (classification). */
    public boolean hasAccuracy() {
        return history.stream().anyMatch(s -> Double.isFinite(s.accuracy()) || Double.isFinite(s.validationAccuracy()));
    }

    /** The charts this run has: always {@link Kind#LOSS}, {@link Kind#ACCURACY} for a classification. */
    public List<Kind> kinds() {
        return hasAccuracy() ? List.of(Kind.LOSS, Kind.ACCURACY) : List.of(Kind.LOSS);
    }

    /** Whether the loss axis is logarithmic: all plotted losses positive, spanning ≥ 2 decades. */
    public boolean logLossAxis() {
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (EpochStats s : history) {
            for (double v : new double[] {s.loss(), s.validationLoss()}) {
                if (!Double.isFinite(v)) continue;
                if (v <= 0) return false;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return max > 0 && max / min >= 100;
    }

    /** The chart of one kind. */
    public JFreeChart chart(Kind kind) {
        return switch (kind) {
            case LOSS -> lossChart();
            case ACCURACY -> accuracyChart();
        };
    }

    /** Training (and validation) loss per epoch. */
    public JFreeChart lossChart() {
        XYSeriesCollection data = new XYSeriesCollection();
        List<Color> colors = new ArrayList<>();
        if (add(data, "training loss", EpochStats::loss)) colors.add(TRAINING);
        if (add(data, "validation loss", EpochStats::validationLoss)) colors.add(VALIDATION);
        if (colors.isEmpty()) throw new IllegalArgumentException("no finite loss to plot");
        ValueAxis y;
        if (logLossAxis()) {
            LogAxis log = new LogAxis("loss E (log scale)");
            log.setBase(10);
            log.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0), false, true); // one tick per decade
            log.setMinorTickCount(9);
            log.setNumberFormatOverride(new DecimalFormat("0.###E0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
            y = log;
        } else {
            NumberAxis lin = new NumberAxis("loss E");
            lin.setAutoRangeIncludesZero(true);
            lin.setNumberFormatOverride(new DecimalFormat("0.####", DecimalFormatSymbols.getInstance(Locale.ROOT)));
            y = lin;
        }
        return chart("Loss per epoch", data, y, colors);
    }

    /** Training (and validation) accuracy per epoch in percent; requires {@link #hasAccuracy()}. */
    public JFreeChart accuracyChart() {
        if (!hasAccuracy()) throw new IllegalStateException("no accuracy to plot: the run is not a classification");
        XYSeriesCollection data = new XYSeriesCollection();
        List<Color> colors = new ArrayList<>();
        if (add(data, "training accuracy", s -> 100 * s.accuracy())) colors.add(TRAINING);
        if (add(data, "validation accuracy", s -> 100 * s.validationAccuracy())) colors.add(VALIDATION);
        NumberAxis y = new NumberAxis("accuracy (%)");
        double min = 100;
        for (int i = 0; i < data.getSeriesCount(); i++) min = Math.min(min, data.getSeries(i).getMinY());
        // from a little below the lowest accuracy to just above 100 %, so that 100 % is not on the frame
        y.setRange(Math.max(0, min - Math.max(1, (100 - min) * 0.05)), 100.5);
        y.setNumberFormatOverride(new DecimalFormat("0.#", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        return chart("Accuracy per epoch", data, y, colors);
    }

    private JFreeChart chart(String title, XYSeriesCollection data, ValueAxis y, List<Color> colors) {
        NumberAxis x = new NumberAxis("epoch");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
        x.setAutoRangeIncludesZero(false);
        if (history.size() == 1) x.setRange(0.5, 1.5);
        boolean markers = history.size() <= MARKER_LIMIT;
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, markers);
        r.setDrawSeriesLineAsPath(true); // one <path> per curve in SVG
        for (int i = 0; i < colors.size(); i++) {
            r.setSeriesPaint(i, colors.get(i));
            r.setSeriesStroke(i, new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            r.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
        }
        Font tick = new Font(Font.SANS_SERIF, Font.PLAIN, 12), label = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        for (ValueAxis a : List.of(x, y)) {
            a.setTickLabelFont(tick);
            a.setLabelFont(label);
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlinePaint(new Color(0x99, 0x99, 0x99));
        JFreeChart c = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        c.setBackgroundPaint(Color.WHITE);
        c.setAntiAlias(true);
        c.setTextAntiAlias(true);
        LegendTitle legend = c.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemFont(label);
        legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        return c;
    }

    /** Adds the finite points of one statistic as a series; returns whether there were any. */
    private boolean add(XYSeriesCollection data, String name, ToDoubleFunction<EpochStats> f) {
        XYSeries s = new XYSeries(name, false, true);
        for (EpochStats e : history) {
            double v = f.applyAsDouble(e);
            if (Double.isFinite(v)) s.add(e.epoch(), v);
        }
        if (s.isEmpty()) return false;
        data.addSeries(s);
        return true;
    }

    /** A chart as PNG bytes of {@code width}×{@code height} pixels. */
    public static byte[] png(JFreeChart chart, int width, int height) {
        checkSize(width, height);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(bytes, chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A chart as a stand-alone SVG document ({@code <?xml ...?>} and the {@code <svg>} element). */
    public static String svgDocument(JFreeChart chart, int width, int height) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg(chart, width, height, "chart", true) + "\n";
    }

    /**
     * A chart as an {@code <svg>} element to put inside HTML: no fixed size (it scales to its
     * container through its view box) and element ids prefixed with {@code idPrefix}, so that several
     * charts in one page do not share clip-path ids.
     */
    public static String svgElement(JFreeChart chart, int width, int height, String idPrefix) {
        return svg(chart, width, height, idPrefix, false);
    }

    private static String svg(JFreeChart chart, int width, int height, String idPrefix, boolean dimensions) {
        checkSize(width, height);
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        g2.setDefsKeyPrefix(idPrefix + "-");
        chart.draw(g2, new Rectangle(0, 0, width, height));
        return g2.getSVGElement(idPrefix, dimensions, new ViewBox(0, 0, width, height), null, null);
    }

    private static void checkSize(int width, int height) {
        if (width < 100 || height < 100 || width > 10_000 || height > 10_000) {
            throw new IllegalArgumentException("chart size must be between 100×100 and 10000×10000 pixels: " + width + "×" + height);
        }
    }

    /**
     * Writes {@code base-loss.png}, {@code base-loss.svg} and, for a classification,
     * {@code base-accuracy.png} and {@code base-accuracy.svg} into {@code dir} (created if needed),
     * each atomically, at the default size.
     *
     * @return the files written, in that order
     */
    public List<Path> write(Path dir, String base) throws IOException {
        return write(dir, base, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    /** {@link #write(Path, String)} at {@code width}×{@code height} pixels. */
    public List<Path> write(Path dir, String base, int width, int height) throws IOException {
        try (AtomicFiles.Transaction t = new AtomicFiles.Transaction()) {
            List<Path> written = write(t, dir, base, width, height);
            t.commit();
            return written;
        }
    }

    /** The files {@link #write} would write for {@code kinds}: base-KIND.png, base-KIND.svg each. */
    public static List<Path> files(Path dir, String base, List<Kind> kinds) {
        List<Path> files = new ArrayList<>();
        for (Kind k : kinds) {
            files.add(dir.resolve(base + "-" + k.fileSuffix + ".png"));
            files.add(dir.resolve(base + "-" + k.fileSuffix + ".svg"));
        }
        return files;
    }

    /** Adds the charts to a transaction that writes them together with other files (a model, a report). */
    public List<Path> write(AtomicFiles.Transaction t, Path dir, String base, int width, int height) throws IOException {
        if (base == null || base.isBlank() || base.contains("/") || base.contains("\\")) {
            throw new IllegalArgumentException("chart file base name must be a plain file name: " + base);
        }
        checkSize(width, height);
        List<Path> written = files(dir, base, kinds());
        for (int i = 0; i < written.size(); i += 2) {
            JFreeChart c = chart(kinds().get(i / 2));
            byte[] png = png(c, width, height);
            t.add(written.get(i), out -> out.write(png));
            byte[] svg = svgDocument(c, width, height).getBytes(StandardCharsets.UTF_8);
            t.add(written.get(i + 1), out -> out.write(svg));
        }
        return written;
    }
}
