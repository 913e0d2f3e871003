package net2net.cli;

import ai.djl.ndarray.types.Shape;
import net2net.Net2NetException;
import net2net.spec.Architecture;

/** Range checks on numeric options, made when a command starts, before any work. */
final class Ranges {
    private Ranges() {}

    /** Inputs checked at once (the batch memory check bounds them again by the model's size). */
    static final int MAX_SAMPLES = 1_000_000;

    static final int MAX_EPOCHS = 1_000_000;

    /**
     * An inserted conv's kernel: given for a layer whose output is a vector, it would be silently
     * ignored (the identity is a dense layer), so it is refused; wider than 2 max(H, W) - 1 its
     * outer taps only ever see padding.
     */
    static void requireKernel(Architecture arch, String after, int kernel, boolean given) {
        Architecture.Located at = arch.locate(after);
        Shape out = at.layer().outputShape(at.input());
        if (out.dimension() != 3) {
            if (given) {
                throw new Net2NetException("--kernel applies to conv2d layers, but '" + after + "' outputs a vector "
                        + out + " and the inserted layer is dense; drop --kernel");
            }
            return;
        }
        long widest = 2 * Math.max(out.get(1), out.get(2)) - 1;
        if (kernel < 1 || kernel % 2 == 0 || kernel > widest) {
            throw new Net2NetException("--kernel must be odd and between 1 and " + widest + " for " + out.get(1) + "x"
                    + out.get(2) + " images, got " + kernel);
        }
    }

    static void require(long value, long min, long max, String option) {
        if (value < min || value > max) {
            throw new Net2NetException(option + " must be "
                    + (max == Long.MAX_VALUE ? "at least " + min : "between " + min + " and " + max) + ", got "
                    + value);
        }
    }
}
