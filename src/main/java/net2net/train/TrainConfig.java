package net2net.train;

import com.google.gson.JsonObject;
import net2net.Net2NetException;

/**
 * Settings of a training run.
 *
 * <p>Defaults ({@link #defaults(int, double)}): momentum 0.9 and batch 128, the usual SGD
 * settings; weight decay 5e-4, the common value for small convnets, applied to every trainable
 * parameter as PyTorch's {@code SGD(weight_decay=...)} does; no schedule; seed 0.
 *
 * @param evalEveryBatches 0: evaluate after every epoch only; N &gt; 0: also every N batches of the
 *     first epoch, for fine-grained early learning curves
 */
public record TrainConfig(
        int epochs,
        double lr,
        double momentum,
        double weightDecay,
        int batch,
        Schedule schedule,
        long seed,
        int evalEveryBatches) {
    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_WEIGHT_DECAY = 5e-4;
    public static final int DEFAULT_BATCH = 128;

    public TrainConfig {
        if (epochs < 1) {
            throw new Net2NetException("--epochs must be at least 1, got " + epochs);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new Net2NetException("--lr must be a positive number, got " + lr);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new Net2NetException("--momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new Net2NetException("--weight-decay must be a non-negative number, got " + weightDecay);
        }
        if (batch < 1) {
            throw new Net2NetException("--batch must be at least 1, got " + batch);
        }
        if (evalEveryBatches < 0) {
            throw new Net2NetException(
                    "--eval-every must be 0 (per epoch only) or a positive number of batches, got " + evalEveryBatches);
        }
        if (schedule == null) {
            schedule = Schedule.NONE;
        }
    }

    public static TrainConfig defaults(int epochs, double lr) {
        return new TrainConfig(epochs, lr, DEFAULT_MOMENTUM, DEFAULT_WEIGHT_DECAY, DEFAULT_BATCH, Schedule.NONE, 0, 0);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, lr, momentum, weightDecay, batch, schedule, seed, evalEveryBatches);
    }

    public TrainConfig withLr(double l) {
        return new TrainConfig(epochs, l, momentum, weightDecay, batch, schedule, seed, evalEveryBatches);
    }

    public TrainConfig withMomentum(double m) {
        return new TrainConfig(epochs, lr, m, weightDecay, batch, schedule, seed, evalEveryBatches);
    }

    public TrainConfig withWeightDecay(double w) {
        return new TrainConfig(epochs, lr, momentum, w, batch, schedule, seed, evalEveryBatches);
    }

    public TrainConfig withBatch(int b) {
        return new TrainConfig(epochs, lr, momentum, weightDecay, b, schedule, seed, evalEveryBatches);
    }

    public TrainConfig withSchedule(Schedule s) {
        return new TrainConfig(epochs, lr, momentum, weightDecay, batch, s, seed, evalEveryBatches);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(epochs, lr, momentum, weightDecay, batch, schedule, s, evalEveryBatches);
    }

    public TrainConfig withEvalEveryBatches(int n) {
        return new TrainConfig(epochs, lr, momentum, weightDecay, batch, schedule, seed, n);
    }

    /** The learning rate of a batch under the schedule. */
    public double lrAt(int epoch, int batchIndex, int batches) {
        return lr * schedule.factor(epoch, batchIndex, batches, epochs);
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("epochs", epochs);
        o.addProperty("lr", lr);
        o.addProperty("momentum", momentum);
        o.addProperty("weight_decay", weightDecay);
        o.addProperty("batch", batch);
        o.addProperty("schedule", schedule.key());
        o.addProperty("seed", seed);
        o.addProperty("eval_every_batches", evalEveryBatches);
        return o;
    }

    public static TrainConfig fromJson(JsonObject o, String source) {
        try {
            return new TrainConfig(
                    o.get("epochs").getAsInt(),
                    o.get("lr").getAsDouble(),
                    o.get("momentum").getAsDouble(),
                    o.get("weight_decay").getAsDouble(),
                    o.get("batch").getAsInt(),
                    Schedule.parse(o.get("schedule").getAsString()),
                    o.get("seed").getAsLong(),
                    o.get("eval_every_batches").getAsInt());
        } catch (RuntimeException e) {
            if (e instanceof Net2NetException n) {
                throw new Net2NetException(source + ": " + n.getMessage());
            }
            throw new Net2NetException(
                    source + " has a missing or malformed training setting; start again without --resume");
        }
    }
}
