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
    COSINE;

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
        };
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
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
