package io.mappedjournal.tools.bench;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code bench append --plot FILE.png}: appends/s (log scale) against producer threads, one line per system. */
final class AppendPlot {
    private AppendPlot() {
    }

    /** A usage error unless {@code file} is null or names a .png (the one format this plot writes). */
    static void checkFileName(picocli.CommandLine.Model.CommandSpec spec, Path file) {
        if (file != null && !file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--plot must name a .png file (the only format bench append draws): --plot=" + file);
        }
    }

    static void write(List<BenchAppendCommand.Result> results, Path file, String subtitle) throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("--plot must name a .png file: --plot=" + file);
        }
        final Map<String, XYSeries> bySystem = new LinkedHashMap<>();
        double min = Double.MAX_VALUE;
        double max = 0;
        for (BenchAppendCommand.Result r : results) {
            bySystem.computeIfAbsent(r.system, s -> new XYSeries(s, true, true)).add(r.threads, r.opsPerSec);
            min = Math.min(min, r.opsPerSec);
            max = Math.max(max, r.opsPerSec);
        }
        final XYSeriesCollection data = new XYSeriesCollection();
        bySystem.values().forEach(data::addSeries);
        final NumberAxis x = new NumberAxis("producer threads");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        final LogarithmicAxis y = new LogarithmicAxis("appends/s (log scale)");
        y.setStrictValuesFlag(false);
        y.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
        y.setRange(Math.pow(10, Math.floor(Math.log10(Math.max(1, min / 2)))),
                Math.pow(10, Math.ceil(Math.log10(Math.max(10, max * 2)))));
        final XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        final Color[] palette = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C), new Color(0x9467BD),
                new Color(0xFF7F0E), new Color(0x7F7F7F)};
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, palette[i % palette.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        final XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        final JFreeChart chart = new JFreeChart("Append throughput vs producer threads (bench append)",
                new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 560);
    }
}
