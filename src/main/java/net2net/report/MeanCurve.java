package net2net.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net2net.Net2NetException;

/**
 * One method's curve for one metric, averaged over seeds.
 *
 * <p>Seeds are aligned on the recorded {@code epoch} value (exact equality: every seed of a method
 * records at the same fractions of an epoch). Only epochs recorded by every seed are kept, so each
 * row averages the same set of seeds; a seed cut short therefore shortens the whole curve.
 *
 * @param method method key
 * @param seeds number of seeds averaged
 * @param rows one row per shared epoch, in increasing epoch order
 */
record MeanCurve(String method, int seeds, List<Row> rows) {

    /**
     * The seeds' values at one epoch.
     *
     * @param examples mean over seeds of examples seen (the same for every seed in practice)
     * @param seconds mean over seeds of wall seconds
     * @param std sample standard deviation over seeds (n − 1 in the denominator); 0 for one seed
     */
    record Row(double epoch, double examples, double seconds, double mean, double min, double max, double std) {}

    Row first() {
        return rows.get(0);
    }

    Row last() {
        return rows.get(rows.size() - 1);
    }

    /** One curve per method that has points for {@code metric}, methods in {@link Methods#order}. */
    static List<MeanCurve> of(List<CurvePoint> points, String metric) {
        String experiment = singleExperiment(points);
        // method -> seed -> epoch -> point
        Map<String, Map<Integer, NavigableMap<Double, CurvePoint>>> byMethod = new LinkedHashMap<>();
        for (CurvePoint p : points) {
            if (!p.metric().equals(metric)) {
                continue;
            }
            CurvePoint previous = byMethod.computeIfAbsent(p.method(), m -> new TreeMap<>())
                    .computeIfAbsent(p.seed(), s -> new TreeMap<>())
                    .put(p.epoch(), p);
            if (previous != null) {
                throw new Net2NetException("experiment '" + experiment + "', method '" + p.method() + "', seed "
                        + p.seed() + " has two " + metric + " points at epoch " + p.epoch()
                        + "; remove the duplicate rows from the metrics file");
            }
        }
        List<MeanCurve> curves = new ArrayList<>();
        for (String method : Methods.order(byMethod.keySet())) {
            curves.add(average(experiment, method, byMethod.get(method)));
        }
        return curves;
    }

    /** The experiment all points belong to; points of several experiments are refused. */
    static String singleExperiment(List<CurvePoint> points) {
        Set<String> experiments = new LinkedHashSet<>();
        for (CurvePoint p : points) {
            experiments.add(p.experiment());
        }
        if (experiments.size() > 1) {
            throw new Net2NetException("points of several experiments " + experiments
                    + " were given where one experiment was expected; filter by experiment first");
        }
        return experiments.isEmpty() ? "" : experiments.iterator().next();
    }

    private static MeanCurve average(
            String experiment, String method, Map<Integer, NavigableMap<Double, CurvePoint>> bySeed) {
        Set<Double> shared = null;
        for (NavigableMap<Double, CurvePoint> seedCurve : bySeed.values()) {
            if (shared == null) {
                shared = new TreeSet<>(seedCurve.keySet());
            } else {
                shared.retainAll(seedCurve.keySet());
            }
        }
        if (shared == null || shared.isEmpty()) {
            throw new Net2NetException("experiment '" + experiment + "', method '" + method + "': its seeds "
                    + bySeed.keySet() + " share no epoch, so they cannot be averaged");
        }
        int n = bySeed.size();
        List<Row> rows = new ArrayList<>(shared.size());
        for (double epoch : shared) {
            double examples = 0, seconds = 0, sum = 0;
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            double[] values = new double[n];
            int i = 0;
            for (NavigableMap<Double, CurvePoint> seedCurve : bySeed.values()) {
                CurvePoint p = seedCurve.get(epoch);
                examples += p.examples();
                seconds += p.seconds();
                sum += p.value();
                min = Math.min(min, p.value());
                max = Math.max(max, p.value());
                values[i++] = p.value();
            }
            double mean = sum / n;
            double squares = 0;
            for (double v : values) {
                squares += (v - mean) * (v - mean);
            }
            double std = n > 1 ? Math.sqrt(squares / (n - 1)) : 0.0;
            rows.add(new Row(epoch, examples / n, seconds / n, mean, min, max, std));
        }
        return new MeanCurve(method, n, List.copyOf(rows));
    }
}
