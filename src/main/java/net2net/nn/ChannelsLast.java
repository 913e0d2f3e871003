package net2net.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The identity on [N, C, H, W], returning the values laid out channels-last in memory (NHWC) under
 * the same NCHW shape. Convolution (oneDNN), batchnorm, relu and max pooling keep that layout, and
 * in it libtorch's CPU kernels, backward ones above all, are faster; reshapes (a flatten) still
 * see NCHW order. Values and gradients are unchanged: only the strides differ.
 */
final class ChannelsLast extends AbstractBlock {
    ChannelsLast() {
        super((byte) 1);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        // A permuted view copied keeps its strides (clone preserves a dense layout): NHWC in memory.
        return new NDList(x.transpose(0, 2, 3, 1).duplicate().transpose(0, 3, 1, 2));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
