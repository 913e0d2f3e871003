package net2net.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * The numbers summary.json reports for one method of one experiment; see {@link Summary} for the
 * exact definitions. Accuracies are fractions in [0, 1]; a {@code null} field is JSON null.
 *
 * @param method method key
 * @param seeds number of seeds averaged
 * @param startAccuracy mean test accuracy at the first shared point
 * @param accuracyAfter1Epoch mean test accuracy at epoch exactly 1, or null when not recorded
 * @param finalAccuracy mean test accuracy at the last shared point
 * @param finalAccuracyStd sample standard deviation over seeds at the last shared point (0 for one seed)
 * @param finalEpoch epoch of the last shared point
 * @param examplesToReachRandomInitFinal examples at which the mean curve first reaches random_init's
 *     final accuracy, or null (never reached, or no random_init in the experiment)
 * @param speedupVsRandomInit random_init's examples-to-reach divided by this method's, or null
 * @param bestAccuracy highest mean test accuracy of the curve
 * @param examplesToBest examples at the first point with the highest accuracy
 * @param examplesToReachNet2netStart examples at which the mean curve first reaches Net2Net's
 *     starting accuracy (its teacher's final one: the training a Net2Net student starts with), or
 *     null (never reached, or no net2net in the experiment)
 */
public record MethodSummary(
        String method,
        int seeds,
        double startAccuracy,
        Double accuracyAfter1Epoch,
        double finalAccuracy,
        double finalAccuracyStd,
        double finalEpoch,
        Long examplesToReachRandomInitFinal,
        Double speedupVsRandomInit,
        double bestAccuracy,
        long examplesToBest,
        Long examplesToReachNet2netStart) {

    /** The JSON object written to summary.json (snake_case keys, nulls kept, non-finite numbers as null). */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("seeds", seeds);
        o.add("start_accuracy", number(startAccuracy));
        o.add("accuracy_after_1_epoch", number(accuracyAfter1Epoch));
        o.add("final_accuracy", number(finalAccuracy));
        o.add("final_accuracy_std", number(finalAccuracyStd));
        o.add("final_epoch", number(finalEpoch));
        o.add(
                "examples_to_reach_random_init_final",
                examplesToReachRandomInitFinal == null
                        ? JsonNull.INSTANCE
                        : new JsonPrimitive(examplesToReachRandomInitFinal));
        o.add("speedup_vs_random_init", number(speedupVsRandomInit));
        o.add("best_accuracy", number(bestAccuracy));
        o.addProperty("examples_to_best", examplesToBest);
        o.add(
                "examples_to_reach_net2net_start",
                examplesToReachNet2netStart == null
                        ? JsonNull.INSTANCE
                        : new JsonPrimitive(examplesToReachNet2netStart));
        return o;
    }

    private static JsonElement number(Double v) {
        return v == null || !Double.isFinite(v) ? JsonNull.INSTANCE : new JsonPrimitive(v);
    }
}
