package net2net.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import net2net.Net2NetException;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Loss at budget (lower is better) against training MACs on a log axis: the language-model experiment's figure. */
public final class LossFigures {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private LossFigures() {}

    /**
     * One line per arm through its mean loss at each budget, with a vertical bar from the seeds' lowest
     * to highest value; written as a PNG and an SVG.
     */
    public static void lossAtBudget(String title, String yAxis, List<BudgetFigures.Series> series, Path png, Path svg) {
        if (series.isEmpty()) {
            throw new Net2NetException("no series for figure '" + title + "'");
        }
        XYChart chart = BudgetFigures.chart(title, "Training budget (multiply-accumulates, log scale)", yAxis);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setXAxisDecimalPattern("0.#E0");
        chart.getStyler().setYAxisDecimalPattern("0.00");
        List<Color> colors =
                Methods.colors(series.stream().map(BudgetFigures.Series::method).toList());
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < series.size(); i++) {
            BudgetFigures.Series s = series.get(i);
            for (int k = 0; k < s.macs().length; k++) {
                if (s.max()[k] > s.min()[k]) {
                    BudgetFigures.spreadBar(
                            chart, s.method() + " bar " + k, s.macs()[k], s.min()[k], s.max()[k], colors.get(i));
                }
                lo = Math.min(lo, s.min()[k]);
                hi = Math.max(hi, s.max()[k]);
            }
            XYSeries line = chart.addSeries(s.method().replace('_', ' '), s.macs(), s.mean());
            line.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
            line.setLineColor(colors.get(i));
            line.setLineStyle(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            line.setMarker(SeriesMarkers.CIRCLE);
            line.setMarkerColor(colors.get(i));
        }
        double pad = Math.max(0.02, 0.05 * (hi - lo));
        chart.getStyler().setYAxisMin(lo - pad);
        chart.getStyler().setYAxisMax(hi + pad);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        BudgetFigures.write(
                List.of(chart),
                png,
                svg,
                title,
                "Mean validation loss over seeds at each budget against its training MACs (log axis); vertical bars span"
                        + " the seeds' lowest to highest value.");
    }
}
