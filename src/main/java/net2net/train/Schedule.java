package net2net.train;

import java.util.Arrays;
import java.util.Locale;
import net2net.Net2NetException;

/** How the learning rate changes over a run. A function of position only, so a resumed run gets the same rates. */
public enum Schedule {
    /** The same rate throughout. */
    NONE,
    /** x0.1 from half-way through the epochs, x0.01 from three quarters (per epoch). */
    STEP,
    /** Cosine decay from the base rate towards 0 at the end, updated every batch. */
    COSINE,
    /**
     * Linear warmup over the first {@link #WARMUP_FRACTION} of the run's steps, then cosine decay to 0
     * at the end of the run's own budget, updated every batch. With T = epochs x batches steps and
     * W = max(1, round(0.03 T)) warmup steps, step s (0-based) gets (s + 1) / W while s &lt; W, then
     * 0.5 (1 + cos(pi (s - W) / (T - W))): the full rate at the first step after warmup, reaching 0 at step T, just after the last.
     */
    WARMUP_COSINE;

    /** Share of a warmup-cosine run's steps spent warming up. */
    public static final double WARMUP_FRACTION = 0.03;

    /**
     * The factor applied to the base rate in batch {@code batch} of {@code batches} of epoch
     * {@code epoch} (0-based) of {@code epochs}.
     */
    public double factor(int epoch, int batch, int batches, int epochs) {
        return switch (this) {
            case NONE -> 1;
            case STEP -> {
                double position = (double) epoch / epochs;
                yield position >= 0.75 ? 0.01 : position >= 0.5 ? 0.1 : 1;
            }
            case COSINE -> 0.5 * (1 + Math.cos(Math.PI * (epoch + (double) batch / batches) / epochs));
            case WARMUP_COSINE -> {
                long total = (long) epochs * batches;
                long warmup = warmupSteps(total);
                long step = (long) epoch * batches + batch;
                yield step < warmup
                        ? (step + 1.0) / warmup
                        : 0.5 * (1 + Math.cos(Math.PI * (step - warmup) / (double) Math.max(1, total - warmup)));
            }
        };
    }

    /** Warmup steps of a warmup-cosine run of {@code totalSteps} steps: 3%, at least one. */
    public static long warmupSteps(long totalSteps) {
        return Math.max(1, Math.round(WARMUP_FRACTION * totalSteps));
    }

    /** The command-line name: none, step, cosine, warmup-cosine. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Schedule parse(String s) {
        for (Schedule v : values()) {
            if (v.key().equals(s)) {
                return v;
            }
        }
        throw new Net2NetException("unknown schedule '" + s + "'; use one of "
                + String.join(", ", Arrays.stream(values()).map(Schedule::key).toList()));
    }
}
