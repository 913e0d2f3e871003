package net2net.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.Locale;
import java.util.Map;
import net2net.Net2NetException;
import net2net.io.Memory;
import net2net.spec.Architecture;

/**
 * Overflow-safe size checks on an architecture, made before any of its arrays is allocated: one
 * tensor (a weight, or one sample's activations) must be indexable by an int, as DJL and Java
 * arrays need, and all weights together must fit in memory. Element counts are multiplied with
 * {@link Math#multiplyExact}, so a width of 2^31-1 is refused instead of wrapping around.
 */
public final class Sizes {
    private Sizes() {}

    /** The largest element count of one array (Java arrays stop a few short of Integer.MAX_VALUE). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /** The product of the dimensions, or Long.MAX_VALUE when it overflows a long. */
    public static long elements(Shape shape) {
        long n = 1;
        for (long d : shape.getShape()) {
            if (d < 0) {
                throw new Net2NetException("shape " + shape + " has a negative dimension");
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        return n;
    }

    /** Total float32 bytes of the weights, exact or Long.MAX_VALUE; refuses any tensor over {@link #MAX_ELEMENTS}. */
    public static long weightBytes(Architecture arch, String what) {
        requireActivations(arch, what);
        long total = 0;
        for (Map.Entry<String, Shape> e : arch.parameterShapes().entrySet()) {
            long n = elements(e.getValue());
            if (n > MAX_ELEMENTS) {
                throw tooLarge(what, "tensor '" + e.getKey() + "' " + e.getValue() + " has " + count(n) + " elements");
            }
            total = saturatingAdd(total, 4 * n);
        }
        return total;
    }

    /** Refuses an architecture in which one sample's values at some layer overflow one array. */
    static void requireActivations(Architecture arch, String what) {
        for (Architecture.Located l : arch.all()) {
            long in = elements(l.input());
            if (in > MAX_ELEMENTS) {
                throw tooLarge(what, "layer '" + l.name() + "' receives " + count(in) + " values per sample");
            }
        }
        long out = elements(arch.outputShape());
        if (out > MAX_ELEMENTS) {
            throw tooLarge(what, "its output has " + count(out) + " values per sample");
        }
    }

    /**
     * The largest float32 tensor DJL makes from one Java array or buffer: its byte count is an int.
     * Loading and initialisation copy in chunks and go beyond; a transform's new tensors do not.
     */
    public static final long MAX_BUFFER_ELEMENTS = Integer.MAX_VALUE / 4;

    /**
     * Refuses an architecture whose tensors cannot be made: too many elements for one array, or
     * weights larger than the memory available. The values of every tensor new in {@code arch}
     * (not in {@code before} with that shape; all of them when {@code before} is null) are first
     * built as a Java array, so the largest must fit in the heap, and, unless {@code before} is
     * null (initialisation, which copies in chunks), in one DJL buffer.
     */
    public static void requireFits(Architecture arch, Architecture before, String what) {
        long bytes = weightBytes(arch, what);
        Memory.requireNative(bytes, what + " (" + count(bytes / 4) + " weights)");
        Map<String, Shape> old = before == null ? Map.of() : before.parameterShapes();
        long largest = 0;
        for (Map.Entry<String, Shape> e : arch.parameterShapes().entrySet()) {
            if (!e.getValue().equals(old.get(e.getKey()))) {
                long n = elements(e.getValue());
                if (before != null && n > MAX_BUFFER_ELEMENTS) {
                    throw new Net2NetException(what + " is too large: its new tensor '" + e.getKey() + "' "
                            + e.getValue() + " has " + count(n)
                            + " elements, and a transform builds a new tensor in one buffer of at most "
                            + count(MAX_BUFFER_ELEMENTS)
                            + " float32 (2 GiB); use smaller widths or kernels");
                }
                largest = Math.max(largest, n);
            }
        }
        Memory.requireHeap(4 * largest, what);
    }

    /** {@code manager.create(values, shape)}, in chunks when the values exceed one DJL buffer (2 GiB). */
    public static NDArray create(NDManager manager, float[] values, Shape shape) {
        return create(manager, values, shape, MAX_BUFFER_ELEMENTS, 1 << 26);
    }

    static NDArray create(NDManager manager, float[] values, Shape shape, long oneBuffer, int chunk) {
        if (values.length <= oneBuffer) {
            return manager.create(values, shape);
        }
        NDArray flat = manager.create(new Shape(values.length), DataType.FLOAT32);
        try {
            for (int first = 0; first < values.length; first += chunk) {
                int n = Math.min(chunk, values.length - first);
                try (NDArray part = manager.create(FloatBuffer.wrap(values, first, n), new Shape(n))) {
                    flat.set(new NDIndex().addSliceDim(first, first + n), part);
                }
            }
            return flat.reshape(shape);
        } finally {
            flat.close();
        }
    }

    /**
     * Refuses a batch of {@code samples} inputs whose activations cannot be held: the largest
     * per-sample activation times the batch, as float32, against the machine's memory.
     */
    public static void requireBatchFits(Architecture arch, long samples, String what) {
        if (samples < 1) {
            throw new Net2NetException(what + ": the number of samples must be at least 1, got " + samples);
        }
        requireActivations(arch, what);
        long widest = elements(arch.input());
        for (Architecture.Located l : arch.all()) {
            widest = Math.max(widest, elements(l.layer().outputShape(l.input())));
        }
        long batch = saturatingMultiply(samples, widest);
        if (batch > MAX_ELEMENTS) {
            throw new Net2NetException(what + ": " + count(samples) + " samples of up to " + count(widest)
                    + " values make arrays of " + count(batch) + " elements, more than one array holds ("
                    + count(MAX_ELEMENTS) + "); use fewer samples");
        }
        // the input is built as a Java array first, and made in one DJL buffer; a few activations are alive at once
        long inputs = samples * elements(arch.input());
        if (inputs > MAX_BUFFER_ELEMENTS) {
            throw new Net2NetException(what + ": " + count(samples) + " inputs of " + count(elements(arch.input()))
                    + " values make " + count(inputs) + ", more than one buffer holds (" + count(MAX_BUFFER_ELEMENTS)
                    + "); use fewer samples");
        }
        Memory.requireHeap(saturatingMultiply(4, inputs), what);
        Memory.requireNative(saturatingMultiply(16, batch), what);
    }

    private static Net2NetException tooLarge(String what, String detail) {
        return new Net2NetException(what + " is too large: " + detail + ", more than one array holds ("
                + count(MAX_ELEMENTS) + "); use smaller widths, kernels or inputs");
    }

    static String count(long n) {
        return n == Long.MAX_VALUE ? "more than 9.2e18" : String.format(Locale.ROOT, "%,d", n);
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static long saturatingMultiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
