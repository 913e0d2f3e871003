package net2net.nn;

import ai.djl.ndarray.NDArray;
import java.util.function.BinaryOperator;

/**
 * Arithmetic with a Java number inside a differentiable forward pass.
 *
 * <p>DJL's {@code x.mul(Number)} (and div, pow, add, sub) wraps the number in a tensor over a Java
 * direct buffer (libtorch's {@code from_blob}) and closes that tensor right after the operation.
 * Autograd keeps the tensor for the backward pass (the gradient of {@code x * c} is {@code g * c}),
 * but it does not own the memory: once the garbage collector frees the buffer, the backward pass
 * reads freed memory. Measured: a tinygpt run at lr 1e-2 diverged to NaN at its second step in
 * every run when a thread called System.gc() in a loop, and at random without it
 * (docs/lm-determinism.md). Here the number is copied into libtorch's own, reference-counted memory
 * first, with the same data type DJL gives it, so the results are bit for bit those of
 * {@code x.mul(c)} when nothing is freed.
 */
public final class Constants {
    private Constants() {}

    public static NDArray times(NDArray x, Number c) {
        return apply(x, c, NDArray::mul);
    }

    public static NDArray over(NDArray x, Number c) {
        return apply(x, c, NDArray::div);
    }

    public static NDArray plus(NDArray x, Number c) {
        return apply(x, c, NDArray::add);
    }

    public static NDArray power(NDArray x, Number c) {
        return apply(x, c, NDArray::pow);
    }

    private static NDArray apply(NDArray x, Number c, BinaryOperator<NDArray> op) {
        NDArray owned;
        try (NDArray borrowed = x.getManager().create(c)) {
            owned = borrowed.duplicate();
        }
        // autograd holds its own reference to owned's storage, so the wrapper can go now
        try (owned) {
            return op.apply(x, owned);
        }
    }
}
