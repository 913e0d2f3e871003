package net2net.train;

import com.google.gson.JsonObject;
import java.util.Locale;

/**
 * One point of a learning curve.
 *
 * @param epoch completed epochs; fractional for the extra points inside the first epoch, 0 before training
 * @param examples training examples seen so far
 * @param seconds wall time spent training so far, evaluation excluded
 * @param trainLoss mean of the batch losses of the current epoch so far (NaN before training)
 * @param testLoss mean loss over the test samples
 * @param testAccuracy fraction of test samples classified correctly; null for regression
 */
public record EpochMetrics(
        double epoch, long examples, double seconds, double trainLoss, double testLoss, Double testAccuracy) {

    static final String CSV_HEADER = "epoch,examples,seconds,train_loss,test_loss,test_accuracy";

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("epoch", epoch);
        o.addProperty("examples", examples);
        o.addProperty("seconds", seconds);
        o.addProperty("train_loss", Double.isNaN(trainLoss) ? null : trainLoss);
        o.addProperty("test_loss", testLoss);
        o.addProperty("test_accuracy", testAccuracy);
        return o;
    }

    public static EpochMetrics fromJson(JsonObject o) {
        return new EpochMetrics(
                o.get("epoch").getAsDouble(),
                o.get("examples").getAsLong(),
                o.get("seconds").getAsDouble(),
                o.get("train_loss").isJsonNull()
                        ? Double.NaN
                        : o.get("train_loss").getAsDouble(),
                o.get("test_loss").getAsDouble(),
                o.get("test_accuracy").isJsonNull()
                        ? null
                        : o.get("test_accuracy").getAsDouble());
    }

    /** Full precision (Double.toString) so a CSV reader gets the same numbers as metrics.jsonl. */
    String csvRow() {
        return String.join(
                ",",
                num(epoch),
                Long.toString(examples),
                num(seconds),
                Double.isNaN(trainLoss) ? "" : num(trainLoss),
                num(testLoss),
                testAccuracy == null ? "" : num(testAccuracy));
    }

    private static String num(double v) {
        return Double.toString(v);
    }

    /** One line for humans. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "epoch %s: train loss %s, test loss %.4f%s (%.1f s training)",
                epoch == Math.rint(epoch) ? Long.toString((long) epoch) : String.format(Locale.ROOT, "%.3f", epoch),
                Double.isNaN(trainLoss) ? "n/a" : String.format(Locale.ROOT, "%.4f", trainLoss),
                testLoss,
                testAccuracy == null ? "" : String.format(Locale.ROOT, ", test accuracy %.2f%%", 100 * testAccuracy),
                seconds);
    }
}
