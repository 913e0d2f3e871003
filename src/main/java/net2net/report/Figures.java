package net2net.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import net2net.Net2NetException;
import net2net.io.AtomicFiles;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training-progress figures in the spirit of the paper's figures 4–6: a metric against examples
 * seen (or wall time), one line per method. With several seeds a line is the mean over seeds
 * (aligned on epoch, see {@link MeanCurve}) and a shaded band spans the seeds' minimum to maximum.
 *
 * <p>Each figure is written as a PNG ({@link #WIDTH}×{@link #HEIGHT} drawn at {@link #PNG_SCALE}×,
 * so the file is 1600×1000 pixels and stays sharp on high-density screens) and as an SVG of the same
 * drawing. Both are written atomically. Rendering is headless, so no display is needed.
 */
public final class Figures {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** Figure size in points (SVG user units; PNG pixels before scaling). */
    public static final int WIDTH = 800;

    public static final int HEIGHT = 500;
    /** The PNG holds {@code PNG_SCALE × WIDTH} by {@code PNG_SCALE × HEIGHT} pixels. */
    public static final int PNG_SCALE = 2;

    /** Values for the {@code xAxis} argument. */
    public static final String X_EXAMPLES = "examples";

    public static final String X_SECONDS = "seconds";

    private static final Color REFERENCE = new Color(0x555555);
    private static final int BAND_ALPHA = 48;

    private Figures() {}

    /**
     * Test accuracy (in percent) against training progress, one line per method.
     *
     * @param title figure title
     * @param points curve points of one experiment; only {@code test_accuracy} points are used
     * @param xAxis {@value #X_EXAMPLES} (training examples seen, in millions, or thousands or units for
     *     short runs) or {@value #X_SECONDS} (wall time)
     * @param teacherFinalAccuracy the teacher's final accuracy as a fraction, drawn as a dashed
     *     horizontal reference line; null for none
     */
    public static void accuracyFigure(
            String title,
            List<CurvePoint> points,
            String xAxis,
            Double teacherFinalAccuracy,
            Path pngOut,
            Path svgOut) {
        draw(
                title,
                points,
                CurvePoint.TEST_ACCURACY,
                "Test accuracy (%)",
                100.0,
                xAxis,
                teacherFinalAccuracy,
                pngOut,
                svgOut);
    }

    /** Test loss against training progress, one line per method; arguments as in {@link #accuracyFigure}. */
    public static void lossFigure(String title, List<CurvePoint> points, String xAxis, Path pngOut, Path svgOut) {
        draw(title, points, CurvePoint.TEST_LOSS, "Test loss", 1.0, xAxis, null, pngOut, svgOut);
    }

    private static void draw(
            String title,
            List<CurvePoint> points,
            String metric,
            String yTitle,
            double yScale,
            String xAxis,
            Double reference,
            Path pngOut,
            Path svgOut) {
        if (!X_EXAMPLES.equals(xAxis) && !X_SECONDS.equals(xAxis)) {
            throw new Net2NetException("unknown x axis '" + xAxis + "' for figure '" + title + "'; use '" + X_EXAMPLES
                    + "' or '" + X_SECONDS + "'");
        }
        List<MeanCurve> curves = MeanCurve.of(points, metric);
        if (curves.isEmpty()) {
            throw new Net2NetException("no " + metric + " points for figure '" + title + "'");
        }
        boolean examples = X_EXAMPLES.equals(xAxis);
        double xMax = 0;
        for (MeanCurve c : curves) {
            for (MeanCurve.Row r : c.rows()) {
                xMax = Math.max(xMax, examples ? r.examples() : r.seconds());
            }
        }
        double xScale = !examples || xMax < 1e3 ? 1.0 : xMax < 1e6 ? 1e-3 : 1e-6;
        String xTitle = !examples
                ? "Wall time (s)"
                : xScale == 1.0
                        ? "Training examples seen"
                        : xScale == 1e-3 ? "Training examples seen (thousands)" : "Training examples seen (millions)";

        XYChart chart = new XYChart(WIDTH, HEIGHT);
        chart.setTitle(title);
        chart.setXAxisTitle(xTitle);
        chart.setYAxisTitle(yTitle);
        style(chart.getStyler());
        // One pattern per axis keeps tick labels uniform ("2.0, 2.2" rather than "2, 2.2").
        chart.getStyler().setXAxisDecimalPattern("0.##");
        chart.getStyler().setYAxisDecimalPattern(yScale == 100.0 ? "0.#" : "0.0##");

        List<String> methods = curves.stream().map(MeanCurve::method).toList();
        List<Color> colors = Methods.colors(methods);
        List<String> legend = new ArrayList<>();
        List<Shape> areas = new ArrayList<>(); // bands, for placing the legend
        List<Line2D> segments = new ArrayList<>(); // lines, for placing the legend
        boolean anyBand = false;

        // Bands first, so every line is drawn on top of every band.
        for (int i = 0; i < curves.size(); i++) {
            MeanCurve c = curves.get(i);
            if (c.seeds() < 2) {
                continue;
            }
            anyBand = true;
            int n = c.rows().size();
            double[] xs = new double[2 * n];
            double[] ys = new double[2 * n];
            for (int k = 0; k < n; k++) {
                MeanCurve.Row upper = c.rows().get(k);
                MeanCurve.Row lower = c.rows().get(n - 1 - k);
                xs[k] = x(upper, examples) * xScale;
                ys[k] = upper.max() * yScale;
                xs[n + k] = x(lower, examples) * xScale;
                ys[n + k] = lower.min() * yScale;
            }
            areas.add(polygon(xs, ys));
            XYSeries band = chart.addSeries(c.method() + " min-max", xs, ys);
            band.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
            band.setFillColor(withAlpha(colors.get(i), BAND_ALPHA));
            band.setLineStyle(SeriesLines.NONE);
            band.setMarker(SeriesMarkers.NONE);
            band.setShowInLegend(false);
        }

        for (int i = 0; i < curves.size(); i++) {
            MeanCurve c = curves.get(i);
            double[] xs = new double[c.rows().size()];
            double[] ys = new double[c.rows().size()];
            for (int k = 0; k < xs.length; k++) {
                xs[k] = x(c.rows().get(k), examples) * xScale;
                ys[k] = c.rows().get(k).mean() * yScale;
            }
            addSegments(segments, xs, ys);
            String name = Methods.displayName(c.method()) + (c.seeds() > 1 ? " (" + c.seeds() + " seeds)" : "");
            XYSeries line = chart.addSeries(name, xs, ys);
            line.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
            line.setLineColor(colors.get(i));
            line.setLineStyle(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            // A lone point would draw nothing as a line, so it gets a dot.
            line.setMarker(xs.length == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            line.setMarkerColor(colors.get(i));
            legend.add(name);
        }

        if (anyBand) {
            // A legend entry explaining the shading. Its single point draws nothing.
            MeanCurve.Row any = curves.get(0).first();
            XYSeries key = chart.addSeries(
                    "Shaded: min–max over seeds",
                    new double[] {x(any, examples) * xScale},
                    new double[] {any.mean() * yScale});
            key.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
            key.setFillColor(withAlpha(Color.GRAY, 2 * BAND_ALPHA));
            key.setLineColor(withAlpha(Color.GRAY, 2 * BAND_ALPHA));
            key.setLineStyle(SeriesLines.NONE);
            key.setMarker(SeriesMarkers.NONE);
            legend.add("Shaded: min–max over seeds");
        }

        if (reference != null) {
            double xMin = Double.POSITIVE_INFINITY;
            for (MeanCurve c : curves) {
                xMin = Math.min(xMin, x(c.first(), examples));
            }
            String name = String.format(Locale.ROOT, "Teacher final (%.1f%%)", reference * 100);
            double[] xs = {xMin * xScale, xMax * xScale};
            double[] ys = {reference * yScale, reference * yScale};
            addSegments(segments, xs, ys);
            XYSeries ref = chart.addSeries(name, xs, ys);
            ref.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
            ref.setLineColor(REFERENCE);
            ref.setLineStyle(
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            ref.setMarker(SeriesMarkers.NONE);
            legend.add(name);
        }

        chart.getStyler().setLegendPosition(legendPosition(segments, areas, legend));
        AtomicFiles.writeBytes(pngOut, png(chart));
        String description = "Lines: " + String.join("; ", legend) + ". x axis: " + xTitle + ". y axis: " + yTitle + "."
                + (anyBand ? " Lines are means over seeds; shading spans the seeds' minimum to maximum." : "");
        AtomicFiles.writeString(svgOut, svg(chart, title, description));
    }

    /**
     * Where the legend goes: inside the first plot corner (lower right, upper right, lower left,
     * upper left) where a box of the legend's estimated size crosses no line and no band, measured
     * in data coordinates; outside on the right when every corner is occupied.
     */
    static Styler.LegendPosition legendPosition(List<Line2D> segments, List<Shape> areas, List<String> legend) {
        Rectangle2D data = null;
        for (Line2D l : segments) {
            data = data == null ? l.getBounds2D() : data.createUnion(l.getBounds2D());
        }
        for (Shape a : areas) {
            data = data == null ? a.getBounds2D() : data.createUnion(a.getBounds2D());
        }
        if (data == null || data.getWidth() == 0 || data.getHeight() == 0) {
            return Styler.LegendPosition.OutsideE;
        }
        int longest = legend.stream().mapToInt(String::length).max().orElse(0);
        // About 7 points per character plus the line sample, 20 points per entry, on a ~700 x 400 plot.
        double w = Math.min(0.7, (longest * 7.0 + 70) / 700) * data.getWidth();
        double h = Math.min(0.7, (legend.size() * 20.0 + 20) / 400) * data.getHeight();
        double left = data.getMinX();
        double right = data.getMaxX() - w;
        double bottom = data.getMinY();
        double top = data.getMaxY() - h;
        record Corner(Styler.LegendPosition position, double x, double y) {}
        List<Corner> corners = List.of(
                new Corner(Styler.LegendPosition.InsideSE, right, bottom),
                new Corner(Styler.LegendPosition.InsideNE, right, top),
                new Corner(Styler.LegendPosition.InsideSW, left, bottom),
                new Corner(Styler.LegendPosition.InsideNW, left, top));
        for (Corner corner : corners) {
            Rectangle2D box = new Rectangle2D.Double(corner.x(), corner.y(), w, h);
            boolean free = segments.stream().noneMatch(l -> l.intersects(box))
                    && areas.stream().noneMatch(a -> a.intersects(box));
            if (free) {
                return corner.position();
            }
        }
        return Styler.LegendPosition.OutsideE;
    }

    private static void addSegments(List<Line2D> segments, double[] xs, double[] ys) {
        for (int k = 1; k < xs.length; k++) {
            segments.add(new Line2D.Double(xs[k - 1], ys[k - 1], xs[k], ys[k]));
        }
        if (xs.length == 1) {
            segments.add(new Line2D.Double(xs[0], ys[0], xs[0], ys[0]));
        }
    }

    private static Shape polygon(double[] xs, double[] ys) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xs[0], ys[0]);
        for (int k = 1; k < xs.length; k++) {
            p.lineTo(xs[k], ys[k]);
        }
        p.closePath();
        return p;
    }

    private static double x(MeanCurve.Row r, boolean examples) {
        return examples ? r.examples() : r.seconds();
    }

    static void style(XYStyler s) {
        Font base = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(true);
        s.setPlotBorderColor(new Color(0x888888));
        s.setPlotGridLinesColor(new Color(0xE6E6E6));
        s.setPlotGridLinesStroke(new BasicStroke(1f));
        s.setChartTitleBoxVisible(false);
        s.setChartTitleFont(base.deriveFont(Font.BOLD, 15f));
        s.setAxisTitleFont(base.deriveFont(13f));
        s.setAxisTickLabelsFont(base.deriveFont(11.5f));
        s.setAxisTickMarksColor(new Color(0x888888));
        s.setLegendFont(base.deriveFont(12f));
        s.setLegendLayout(Styler.LegendLayout.Vertical);
        s.setLegendBorderColor(Color.WHITE);
        s.setLegendBackgroundColor(Color.WHITE);
        s.setLegendSeriesLineLength(28);
        s.setChartPadding(12);
        s.setPlotMargin(0);
        s.setAntiAlias(true);
        s.setTextAntiAlias(true);
        s.setLocale(Locale.ROOT);
    }

    private static Color withAlpha(Color c, int alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }

    private static byte[] png(XYChart chart) {
        BufferedImage image = new BufferedImage(WIDTH * PNG_SCALE, HEIGHT * PNG_SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.scale(PNG_SCALE, PNG_SCALE);
            chart.paint(g, WIDTH, HEIGHT);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * XChart's own SVG encoder (through VectorGraphics2D). XChart draws text as glyph outlines, so
     * the title and a plain-text description of legend and axes go into {@code <title>} and
     * {@code <desc>}, where search and screen readers find them.
     */
    private static String svg(XYChart chart, String title, String description) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String svg = out.toString(StandardCharsets.UTF_8);
        int open = svg.indexOf('>', svg.indexOf("<svg")) + 1;
        return svg.substring(0, open) + "<title>" + Html.escape(title) + "</title><desc>" + Html.escape(description)
                + "</desc>" + svg.substring(open);
    }
}
