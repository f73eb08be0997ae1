package io.mappedjournal.tools;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.labels.XYItemLabelGenerator;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUtils;

import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The durability-versus-throughput chart of {@code bench fsync --plot}: one labelled point per
 * strategy, x = data-loss window in ms (log scale that reaches 0, for {@code always}), y =
 * ops/sec (log scale). {@code none} has no bound; it is drawn at 30 000 ms (Linux's default
 * dirty_expire_centisecs) and the chart says so. PNG or SVG by the file's extension.
 */
final class FsyncPlot {
    static final int WIDTH = 900;
    static final int HEIGHT = 560;

    private FsyncPlot() {
    }

    static void write(List<FsyncBenchmark.Result> results, Path file, String subtitle) throws IOException {
        System.setProperty("java.awt.headless", "true");
        final String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        final boolean svg = name.endsWith(".svg");
        if (!svg && !name.endsWith(".png")) {
            throw new IllegalArgumentException("--plot must name a .png or .svg file: --plot=" + file);
        }
        final JFreeChart chart = chart(results, subtitle);
        if (svg) {
            final SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
            chart.draw(g, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
            SVGUtils.writeToSVG(file.toFile(), g.getSVGElement());
        } else {
            ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        }
    }

    static JFreeChart chart(List<FsyncBenchmark.Result> results, String subtitle) {
        final XYSeriesCollection data = new XYSeriesCollection();
        double minOps = Double.MAX_VALUE;
        double maxOps = 0;
        for (FsyncBenchmark.Result r : results) {
            // The point is labelled with the strategy; the legend adds the measured ops/sec.
            String key = String.format(Locale.ROOT, "%s: %,.0f ops/s", r.strategy, r.opsPerSec());
            for (int i = 2; data.getSeriesIndex(key) >= 0; i++) {
                key = String.format(Locale.ROOT, "%s (#%d): %,.0f ops/s", r.strategy, i, r.opsPerSec());
            }
            final XYSeries s = new XYSeries(key, false, true);
            s.add(r.lossWindowMillis(), r.opsPerSec());
            data.addSeries(s);
            minOps = Math.min(minOps, r.opsPerSec());
            maxOps = Math.max(maxOps, r.opsPerSec());
        }
        // x: log scale that also places 0 (LogarithmicAxis' "allow negatives" mode is linear near zero).
        final LogarithmicAxis x = new LogarithmicAxis("data-loss window (ms, log scale; 'none' drawn at 30000 ms)");
        x.setAllowNegativesFlag(true);
        x.setRange(0, 200_000);
        // y: LogarithmicAxis draws plain-text tick labels (LogAxis draws them as glyph outlines in SVG).
        final LogarithmicAxis y = new LogarithmicAxis("ops/sec (log scale)");
        y.setStrictValuesFlag(false);
        y.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
        y.setRange(Math.pow(10, Math.floor(Math.log10(Math.max(1, minOps / 2)))),
                Math.pow(10, Math.ceil(Math.log10(Math.max(10, maxOps * 2)))));

        final XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        final XYItemLabelGenerator labels = (dataset, series, item) -> {
            final String key = dataset.getSeriesKey(series).toString();
            return key.substring(0, key.indexOf(':'));
        };
        renderer.setDefaultItemLabelGenerator(labels);
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        // Labels start at their point and run right, alternately above and below, so that
        // neighbours a decade apart do not overlap.
        final ItemLabelPosition above = new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_LEFT);
        final ItemLabelPosition below = new ItemLabelPosition(ItemLabelAnchor.OUTSIDE6, TextAnchor.TOP_LEFT);
        final Color[] palette = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C), new Color(0x9467BD),
                new Color(0xFF7F0E), new Color(0x8C564B), new Color(0x17BECF), new Color(0x7F7F7F)};
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPositiveItemLabelPosition(i, i % 2 == 0 ? above : below);
            renderer.setSeriesPaint(i, palette[i % palette.length]);
            renderer.setSeriesShape(i, new java.awt.geom.Ellipse2D.Double(-5, -5, 10, 10));
        }

        final XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        final XYTextAnnotation note = new XYTextAnnotation(
                "'none' has no bound: drawn at 30 s, Linux's default dirty-page writeback expiry", 30_000,
                y.getLowerBound() * 1.3);
        note.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 11));
        note.setTextAnchor(TextAnchor.BOTTOM_RIGHT);
        plot.addAnnotation(note);

        final JFreeChart chart = new JFreeChart("mapped-journal: durability vs throughput (bench fsync)",
                new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        final TextTitle sub = new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        sub.setPosition(RectangleEdge.TOP);
        chart.addSubtitle(sub);
        return chart;
    }
}
