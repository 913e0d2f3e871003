package net2net.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Locale;
import net2net.Net2NetException;

/**
 * Settings of a training run.
 *
 * <p>Defaults ({@link #defaults(int, double)}): SGD with momentum 0.9 and batch 128, the usual SGD
 * settings; weight decay 5e-4, the common value for small convnets, applied to every trainable
 * parameter as PyTorch's {@code SGD(weight_decay=...)} does; no schedule; seed 0. With
 * {@link Kind#ADAMW} the weight decay is AdamW's decoupled one and {@code momentum} is unused.
 *
 * @param evalEveryBatches 0: evaluate after every epoch only; N &gt; 0: also every N batches of the
 *     first epoch, for fine-grained early learning curves
 * @param adamw AdamW's settings; null for SGD
 * @param steps 0: the run is {@code epochs} epochs; N &gt; 0: the run is N optimizer steps, whatever
 *     an epoch holds (the schedule spans N steps; {@code epochs} is then unused and set to 1)
 */
public record TrainConfig(
        int epochs,
        double lr,
        double momentum,
        double weightDecay,
        int batch,
        Schedule schedule,
        long seed,
        int evalEveryBatches,
        Kind optimizer,
        AdamWSettings adamw,
        long steps) {
    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_WEIGHT_DECAY = 5e-4;
    public static final int DEFAULT_BATCH = 128;

    /** The optimizer of a run. */
    public enum Kind {
        /** {@link MomentumSgd}: PyTorch's torch.optim.SGD. */
        SGD,
        /** {@link AdamW}: PyTorch's torch.optim.AdamW. */
        ADAMW;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.key().equals(s)) {
                    return k;
                }
            }
            throw new Net2NetException("unknown --optimizer '" + s + "'; use sgd or adamw");
        }
    }

    /**
     * AdamW's settings under PyTorch's names: betas, eps, and which parameters get the weight decay.
     *
     * @param matricesOnly false: every parameter decays (PyTorch's AdamW with one parameter group);
     *     true: only matrices and kernels (2+ dimensions), as nanoGPT's two groups
     */
    public record AdamWSettings(double beta1, double beta2, double eps, boolean matricesOnly) {
        public static final AdamWSettings DEFAULTS =
                new AdamWSettings(AdamW.DEFAULT_BETA1, AdamW.DEFAULT_BETA2, AdamW.DEFAULT_EPS, false);

        public AdamWSettings {
            if (!(beta1 >= 0 && beta1 < 1)) {
                throw new Net2NetException("--beta1 must be in [0, 1), got " + beta1);
            }
            if (!(beta2 >= 0 && beta2 < 1)) {
                throw new Net2NetException("--beta2 must be in [0, 1), got " + beta2);
            }
            if (!(eps >= 0) || Double.isInfinite(eps)) {
                throw new Net2NetException("--eps must be a non-negative number, got " + eps);
            }
        }

        /** "all" or "matrices". */
        public String decayGroup() {
            return matricesOnly ? "matrices" : "all";
        }
    }

    public TrainConfig {
        if (steps < 0) {
            throw new Net2NetException("--steps must be at least 1, got " + steps);
        }
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
        if (optimizer == null) {
            optimizer = Kind.SGD;
        }
        if (optimizer == Kind.ADAMW && adamw == null) {
            adamw = AdamWSettings.DEFAULTS;
        }
        if (optimizer == Kind.SGD) {
            adamw = null;
        }
        if (steps > 0) {
            epochs = 1; // unused: the steps bound the run
        }
    }

    /** SGD with momentum, bounded by epochs: the settings every run had before AdamW and --steps. */
    public TrainConfig(
            int epochs,
            double lr,
            double momentum,
            double weightDecay,
            int batch,
            Schedule schedule,
            long seed,
            int evalEveryBatches) {
        this(epochs, lr, momentum, weightDecay, batch, schedule, seed, evalEveryBatches, Kind.SGD, null, 0);
    }

    public static TrainConfig defaults(int epochs, double lr) {
        return new TrainConfig(epochs, lr, DEFAULT_MOMENTUM, DEFAULT_WEIGHT_DECAY, DEFAULT_BATCH, Schedule.NONE, 0, 0);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(
                e, lr, momentum, weightDecay, batch, schedule, seed, evalEveryBatches, optimizer, adamw, steps);
    }

    public TrainConfig withLr(double l) {
        return new TrainConfig(
                epochs, l, momentum, weightDecay, batch, schedule, seed, evalEveryBatches, optimizer, adamw, steps);
    }

    public TrainConfig withMomentum(double m) {
        return new TrainConfig(
                epochs, lr, m, weightDecay, batch, schedule, seed, evalEveryBatches, optimizer, adamw, steps);
    }

    public TrainConfig withWeightDecay(double w) {
        return new TrainConfig(
                epochs, lr, momentum, w, batch, schedule, seed, evalEveryBatches, optimizer, adamw, steps);
    }

    public TrainConfig withBatch(int b) {
        return new TrainConfig(
                epochs, lr, momentum, weightDecay, b, schedule, seed, evalEveryBatches, optimizer, adamw, steps);
    }

    public TrainConfig withSchedule(Schedule s) {
        return new TrainConfig(
                epochs, lr, momentum, weightDecay, batch, s, seed, evalEveryBatches, optimizer, adamw, steps);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(
                epochs, lr, momentum, weightDecay, batch, schedule, s, evalEveryBatches, optimizer, adamw, steps);
    }

    public TrainConfig withEvalEveryBatches(int n) {
        return new TrainConfig(epochs, lr, momentum, weightDecay, batch, schedule, seed, n, optimizer, adamw, steps);
    }

    /** AdamW with these settings (its weight decay is {@link #weightDecay}, decoupled). */
    public TrainConfig withAdamW(AdamWSettings a) {
        return new TrainConfig(
                epochs, lr, momentum, weightDecay, batch, schedule, seed, evalEveryBatches, Kind.ADAMW, a, steps);
    }

    /** A run of {@code n} optimizer steps (0: of {@link #epochs} epochs). */
    public TrainConfig withSteps(long n) {
        return new TrainConfig(
                epochs, lr, momentum, weightDecay, batch, schedule, seed, evalEveryBatches, optimizer, adamw, n);
    }

    /** True when the run is bounded by {@link #steps} rather than by {@link #epochs}. */
    public boolean bySteps() {
        return steps > 0;
    }

    /** The run's optimizer steps in all, for data of {@code batchesPerEpoch} batches an epoch. */
    public long totalSteps(int batchesPerEpoch) {
        return bySteps() ? steps : (long) epochs * batchesPerEpoch;
    }

    /** A new optimizer of this run's kind and settings. */
    public Optimizer newOptimizer() {
        return optimizer == Kind.SGD
                ? new MomentumSgd(momentum, weightDecay)
                : new AdamW(
                        adamw.beta1(),
                        adamw.beta2(),
                        adamw.eps(),
                        weightDecay,
                        adamw.matricesOnly() ? AdamW.MATRICES : AdamW.ALL);
    }

    /** The learning rate of a batch under the schedule. */
    public double lrAt(int epoch, int batchIndex, int batches) {
        return lr * schedule.factor(epoch, batchIndex, batches, epochs);
    }

    /**
     * The learning rate of optimizer step {@code step} (0-based) of the run: {@link #lrAt} when the run
     * is bounded by epochs; with --steps, the schedule over the N steps, each step taken as one
     * "epoch" of one batch (so step schedules switch at 50% and 75% of the steps).
     */
    public double lrAtStep(long step, int epoch, int batchIndex, int batches) {
        if (!bySteps()) {
            return lrAt(epoch, batchIndex, batches);
        }
        return lr * schedule.factor(Math.toIntExact(step), 0, 1, Math.toIntExact(steps));
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        if (bySteps()) {
            o.addProperty("steps", steps);
        } else {
            o.addProperty("epochs", epochs);
        }
        o.addProperty("lr", lr);
        o.addProperty("optimizer", optimizer.key());
        if (optimizer == Kind.SGD) {
            o.addProperty("momentum", momentum);
        } else {
            o.addProperty("beta1", adamw.beta1());
            o.addProperty("beta2", adamw.beta2());
            o.addProperty("eps", adamw.eps());
            o.addProperty("decay_group", adamw.decayGroup());
        }
        o.addProperty("weight_decay", weightDecay);
        o.addProperty("batch", batch);
        o.addProperty("schedule", schedule.key());
        o.addProperty("seed", seed);
        o.addProperty("eval_every_batches", evalEveryBatches);
        return o;
    }

    /** Reads {@link #toJson}; a checkpoint written before AdamW and --steps (no "optimizer") is SGD by epochs. */
    public static TrainConfig fromJson(JsonObject o, String source) {
        try {
            Kind kind = o.has("optimizer") ? Kind.parse(o.get("optimizer").getAsString()) : Kind.SGD;
            AdamWSettings adamw = null;
            if (kind == Kind.ADAMW) {
                String group = o.get("decay_group").getAsString();
                if (!group.equals("all") && !group.equals("matrices")) {
                    throw new Net2NetException("unknown decay_group '" + group + "'");
                }
                adamw = new AdamWSettings(
                        o.get("beta1").getAsDouble(),
                        o.get("beta2").getAsDouble(),
                        o.get("eps").getAsDouble(),
                        group.equals("matrices"));
            }
            JsonElement steps = o.get("steps");
            return new TrainConfig(
                    steps != null ? 1 : o.get("epochs").getAsInt(),
                    o.get("lr").getAsDouble(),
                    kind == Kind.SGD ? o.get("momentum").getAsDouble() : DEFAULT_MOMENTUM,
                    o.get("weight_decay").getAsDouble(),
                    o.get("batch").getAsInt(),
                    Schedule.parse(o.get("schedule").getAsString()),
                    o.get("seed").getAsLong(),
                    o.get("eval_every_batches").getAsInt(),
                    kind,
                    adamw,
                    steps != null ? steps.getAsLong() : 0);
        } catch (RuntimeException e) {
            if (e instanceof Net2NetException n) {
                throw new Net2NetException(source + ": " + n.getMessage());
            }
            throw new Net2NetException(
                    source + " has a missing or malformed training setting; start again without --resume");
        }
    }
}
