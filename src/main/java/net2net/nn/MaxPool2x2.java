package net2net.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * 2x2 max pooling with stride 2 (floor), optionally followed by a relu. In training it is
 * torch's max_pool2d. In eval mode, with even height and width, it is the maximum of the two row
 * halves and then of the two column halves: the same numbers (a maximum is exact) several times
 * faster than libtorch's NCHW max_pool2d kernel, whose backward is cheap but whose forward is not.
 *
 * <p>{@code relu} applies a relu after the pooling: a network's relu followed by a maxpool is run
 * as maxpool then relu, which is the same function (max and relu commute, both are monotone) on a
 * quarter of the elements.
 */
final class MaxPool2x2 extends AbstractBlock {
    private static final Shape TWO = new Shape(2, 2);
    private final boolean relu;

    MaxPool2x2(boolean relu) {
        super((byte) 1);
        this.relu = relu;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray pooled = training ? Pool.maxPool2d(x, TWO, TWO, new Shape(0, 0), false) : evalPool(x);
        return new NDList(relu ? pooled.getNDArrayInternal().relu() : pooled);
    }

    private static NDArray evalPool(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        if (h % 2 != 0 || w % 2 != 0) {
            return Pool.maxPool2d(x, TWO, TWO, new Shape(0, 0), false);
        }
        NDList rows = x.reshape(n, c, h / 2, 2 * w).split(2, 3); // even rows, odd rows
        NDArray r = rows.get(0).maximum(rows.get(1));
        NDList cols = r.reshape(n, c, h / 2, w / 2, 2).split(2, 4); // even columns, odd columns
        return cols.get(0).maximum(cols.get(1)).reshape(n, c, h / 2, w / 2);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.get(1), s.get(2) / 2, s.get(3) / 2)};
    }
}
