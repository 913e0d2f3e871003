package net2net.report;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import net2net.Net2NetException;
import net2net.io.AtomicFiles;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The protocol's figures: test accuracy at each budget against the budget's training MACs (log
 * axis), mean over seeds with min-max bars and the teacher as a dashed line; and the learning
 * curves of the largest budget, with a second panel zoomed near the teacher's accuracy. Each is a
 * PNG (drawn at {@link Figures#PNG_SCALE}x) and an SVG of the same drawing, written atomically.
 */
public final class BudgetFigures {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private BudgetFigures() {}

    /**
     * One method's accuracy-at-budget line: per budget, the training MACs and the mean, lowest and
     * highest test accuracy over seeds (fractions).
     */
    public record Series(String method, double[] macs, double[] mean, double[] min, double[] max) {}

    private static final Color REFERENCE = new Color(0x555555);

    public static void accuracyAtBudget(String title, List<Series> series, double teacherAccuracy, Path png, Path svg) {
        if (series.isEmpty()) {
            throw new Net2NetException("no series for figure '" + title + "'");
        }
        XYChart chart = chart(title, "Training budget (multiply-accumulates, log scale)", "Test accuracy (%)");
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setXAxisDecimalPattern("0.#E0");
        List<Color> colors = Methods.colors(series.stream().map(Series::method).toList());
        double lo = teacherAccuracy;
        double hi = teacherAccuracy;
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = 0;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            for (int k = 0; k < s.macs().length; k++) {
                if (s.max()[k] > s.min()[k]) {
                    spreadBar(
                            chart,
                            s.method() + " bar " + k,
                            s.macs()[k],
                            100 * s.min()[k],
                            100 * s.max()[k],
                            colors.get(i));
                }
                lo = Math.min(lo, s.min()[k]);
                hi = Math.max(hi, s.max()[k]);
                xMin = Math.min(xMin, s.macs()[k]);
                xMax = Math.max(xMax, s.macs()[k]);
            }
            XYSeries line = chart.addSeries(Methods.displayName(s.method()), s.macs(), times100(s.mean()));
            line.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
            line.setLineColor(colors.get(i));
            line.setLineStyle(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            line.setMarker(SeriesMarkers.CIRCLE);
            line.setMarkerColor(colors.get(i));
        }
        teacherLine(chart, teacherAccuracy, xMin, xMax);
        // zoomed to the measured values and the teacher, with a little room
        chart.getStyler().setYAxisMin(100 * lo - 0.3);
        chart.getStyler().setYAxisMax(100 * hi + 0.3);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        write(
                List.of(chart),
                png,
                svg,
                title,
                "Mean test accuracy over seeds at each budget against its training MACs (log "
                        + "axis); vertical bars span the seeds' lowest to highest value; dashed: the teacher's final accuracy.");
    }

    /**
     * Learning curves (test accuracy against training examples) of one budget: the whole range, and
     * below it the same curves zoomed to [teacher - zoomBelow, best + 0.3 pp].
     */
    public static void learningCurves(
            String title, List<CurvePoint> points, double teacherAccuracy, double zoomBelow, Path png, Path svg) {
        List<MeanCurve> curves = MeanCurve.of(points, CurvePoint.TEST_ACCURACY);
        if (curves.isEmpty()) {
            throw new Net2NetException("no test accuracy points for figure '" + title + "'");
        }
        XYChart all = chart(title, "Training examples seen (thousands)", "Test accuracy (%)");
        XYChart zoom =
                chart("zoomed near the teacher's accuracy", "Training examples seen (thousands)", "Test accuracy (%)");
        List<Color> colors =
                Methods.colors(curves.stream().map(MeanCurve::method).toList());
        double best = teacherAccuracy;
        double xMax = 0;
        for (int i = 0; i < curves.size(); i++) {
            MeanCurve c = curves.get(i);
            double[] xs = new double[c.rows().size()];
            double[] ys = new double[xs.length];
            for (int k = 0; k < xs.length; k++) {
                xs[k] = c.rows().get(k).examples() / 1e3;
                ys[k] = 100 * c.rows().get(k).mean();
                best = Math.max(best, c.rows().get(k).mean());
                xMax = Math.max(xMax, xs[k]);
            }
            String name = Methods.displayName(c.method()) + (c.seeds() > 1 ? " (mean of " + c.seeds() + " seeds)" : "");
            for (XYChart chart : List.of(all, zoom)) {
                XYSeries line = chart.addSeries(name, xs, ys);
                line.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
                line.setLineColor(colors.get(i));
                line.setLineStyle(new BasicStroke(2.0f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                line.setMarker(xs.length == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
                line.setMarkerColor(colors.get(i));
            }
        }
        teacherLine(all, teacherAccuracy, 0, xMax);
        teacherLine(zoom, teacherAccuracy, 0, xMax);
        zoom.getStyler().setYAxisMin(100 * (teacherAccuracy - zoomBelow));
        zoom.getStyler().setYAxisMax(100 * best + 0.3);
        zoom.getStyler().setShowWithinAreaPoint(false);
        all.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        zoom.getStyler().setLegendVisible(false);
        write(
                List.of(all, zoom),
                png,
                svg,
                title,
                "Top: mean test accuracy over seeds against training examples. Bottom: the "
                        + "same curves zoomed to the teacher's accuracy - "
                        + String.format(Locale.ROOT, "%.1f", 100 * zoomBelow)
                        + " pp and above. Dashed: the teacher's final accuracy.");
    }

    static XYChart chart(String title, String x, String y) {
        XYChart chart = new XYChart(Figures.WIDTH, Figures.HEIGHT);
        chart.setTitle(title);
        chart.setXAxisTitle(x);
        chart.setYAxisTitle(y);
        Figures.style(chart.getStyler());
        chart.getStyler().setXAxisDecimalPattern("0.##");
        chart.getStyler().setYAxisDecimalPattern("0.#");
        return chart;
    }

    private static void teacherLine(XYChart chart, double teacher, double xMin, double xMax) {
        XYSeries ref = chart.addSeries(
                String.format(Locale.ROOT, "Teacher final (%.2f%%)", 100 * teacher),
                new double[] {xMin, xMax},
                new double[] {100 * teacher, 100 * teacher});
        ref.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
        ref.setLineColor(REFERENCE);
        ref.setLineStyle(
                new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        ref.setMarker(SeriesMarkers.NONE);
    }

    private static double[] times100(double[] xs) {
        double[] out = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = 100 * xs[i];
        }
        return out;
    }

    /** The charts stacked vertically, as a PNG and an SVG (title and description inside for screen readers). */
    static void write(List<XYChart> charts, Path png, Path svg, String title, String description) {
        int w = Figures.WIDTH;
        int h = Figures.HEIGHT;
        int scale = Figures.PNG_SCALE;
        BufferedImage image = new BufferedImage(w * scale, h * scale * charts.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.scale(scale, scale);
            for (XYChart c : charts) {
                c.paint(g, w, h);
                g.translate(0, h);
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.writeBytes(png, bytes.toByteArray());

        VectorGraphics2D v = new VectorGraphics2D();
        for (XYChart c : charts) {
            c.paint(v, w, h);
            v.translate(0, h);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new SVGProcessor()
                    .getDocument(v.getCommands(), new PageSize(0, 0, w, (double) h * charts.size()))
                    .writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        int open = text.indexOf('>', text.indexOf("<svg")) + 1;
        AtomicFiles.writeString(
                svg,
                text.substring(0, open) + "<title>" + Html.escape(title) + "</title><desc>" + Html.escape(description)
                        + "</desc>" + text.substring(open));
    }

    /** The spread over seeds at one budget: a vertical bar from the lowest to the highest seed, not in the legend. */
    static void spreadBar(XYChart chart, String name, double x, double lo, double hi, Color color) {
        XYSeries bar = chart.addSeries(name, new double[] {x, x}, new double[] {lo, hi});
        bar.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
        bar.setLineColor(color);
        bar.setLineStyle(new BasicStroke(1.4f));
        bar.setMarker(SeriesMarkers.NONE);
        bar.setShowInLegend(false);
    }
}
