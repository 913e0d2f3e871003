package net2net.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net2net.io.AtomicFiles;

/**
 * The per-method numbers of summary.json, computed from the {@code test_accuracy} curves.
 *
 * <p>Every number comes from the method's mean curve ({@link MeanCurve}): seeds aligned on their
 * recorded epoch, keeping only epochs every seed recorded, averaged point by point.
 * <ul>
 *   <li>{@code start_accuracy}: the mean curve at its first point (smallest epoch, hence fewest examples).
 *   <li>{@code accuracy_after_1_epoch}: the mean curve at epoch exactly 1.0; null if no point has it.
 *   <li>{@code final_accuracy}, {@code final_accuracy_std}, {@code final_epoch}: the mean, the sample
 *       standard deviation over seeds (0 for one seed) and the epoch of the last point.
 *   <li>{@code examples_to_reach_random_init_final}: the target is random_init's {@code final_accuracy}.
 *       A method <em>reaches</em> it at a recorded point of its mean curve whose mean accuracy is
 *       {@code >=} the target; no interpolation between points. The value is the smallest (mean over
 *       seeds, rounded) {@code examples} among the points that reach it; null when no point does or the
 *       experiment has no random_init. random_init itself always reaches it, at the latest at its last point.
 *   <li>{@code speedup_vs_random_init}: random_init's examples-to-reach divided by this method's; null
 *       when either is null, and also when this method's is 0 (reached before any training, an
 *       unbounded speed-up) — then {@code examples_to_reach_random_init_final} = 0 tells the story.
 *   <li>{@code best_accuracy}, {@code examples_to_best}: the highest point of the mean curve, and the
 *       examples at its first occurrence.
 *   <li>{@code examples_to_reach_net2net_start}: as examples-to-reach, with net2net's start accuracy as
 *       the target: how much training a method needs to get where a Net2Net student begins.
 * </ul>
 * The teacher, when its curve is given, gets the same fields (its examples count from its own start).
 */
public final class Summary {
    private Summary() {}

    /** Per-method summaries of one experiment's points, in the fixed method order. */
    public static Map<String, MethodSummary> methods(List<CurvePoint> experimentPoints) {
        List<MeanCurve> curves = MeanCurve.of(experimentPoints, CurvePoint.TEST_ACCURACY);
        MeanCurve randomInit = null;
        for (MeanCurve c : curves) {
            if (c.method().equals(Methods.RANDOM_INIT)) {
                randomInit = c;
            }
        }
        Double target = randomInit == null ? null : randomInit.last().mean();
        Long randomInitReach = randomInit == null ? null : examplesToReach(randomInit, target);
        Double net2netStart = curves.stream()
                .filter(c -> c.method().equals(Methods.NET2NET))
                .map(c -> c.first().mean())
                .findFirst()
                .orElse(null);

        Map<String, MethodSummary> out = new LinkedHashMap<>();
        for (MeanCurve c : curves) {
            Double afterOneEpoch = null;
            for (MeanCurve.Row r : c.rows()) {
                if (r.epoch() == 1.0) {
                    afterOneEpoch = r.mean();
                }
            }
            Long reach = target == null ? null : examplesToReach(c, target);
            Double speedup =
                    reach == null || randomInitReach == null || reach == 0 ? null : (double) randomInitReach / reach;
            MeanCurve.Row best = c.first();
            for (MeanCurve.Row r : c.rows()) {
                if (r.mean() > best.mean()) {
                    best = r;
                }
            }
            out.put(
                    c.method(),
                    new MethodSummary(
                            c.method(),
                            c.seeds(),
                            c.first().mean(),
                            afterOneEpoch,
                            c.last().mean(),
                            c.last().std(),
                            c.last().epoch(),
                            reach,
                            speedup,
                            best.mean(),
                            Math.round(best.examples()),
                            net2netStart == null ? null : examplesToReach(c, net2netStart)));
        }
        return out;
    }

    /** {@code {method: {...}}} for one experiment's points. */
    public static JsonObject experiment(List<CurvePoint> experimentPoints) {
        JsonObject o = new JsonObject();
        methods(experimentPoints).forEach((method, s) -> o.add(method, s.toJson()));
        return o;
    }

    /** {@code {experiment: {method: {...}}}} for points of any number of experiments, in order of appearance. */
    public static JsonObject all(List<CurvePoint> points) {
        Map<String, List<CurvePoint>> byExperiment = new LinkedHashMap<>();
        for (CurvePoint p : points) {
            byExperiment.computeIfAbsent(p.experiment(), e -> new ArrayList<>()).add(p);
        }
        JsonObject o = new JsonObject();
        byExperiment.forEach((experiment, pts) -> o.add(experiment, experiment(pts)));
        return o;
    }

    /** Writes {@code summary} pretty-printed, JSON nulls kept, atomically. */
    public static void write(Path summaryJson, JsonObject summary) {
        String json =
                new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(summary);
        AtomicFiles.writeString(summaryJson, json + "\n");
    }

    /** Smallest rounded mean {@code examples} over points whose mean accuracy is {@code >= target}; null if none. */
    static Long examplesToReach(MeanCurve curve, double target) {
        Long best = null;
        for (MeanCurve.Row r : curve.rows()) {
            if (r.mean() >= target) {
                long examples = Math.round(r.examples());
                if (best == null || examples < best) {
                    best = examples;
                }
            }
        }
        return best;
    }
}
