package net2net.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Batch normalisation over dimension 1 (channels of [N, C, H, W], features of [N, C]), as
 * PyTorch's BatchNorm1d/2d. DJL's own BatchNorm (axis 1) goes through a swapAxes and a
 * sub-manager on every call in the PyTorch engine; axis -1 there hands the input straight to
 * torch's batch_norm, which always normalises dimension 1, so this block asks for that. The
 * parameters have DJL's names (gamma, beta, runningMean, runningVar) and are set before
 * initialisation, like every parameter of {@link DjlNetwork}.
 */
final class FastBatchNorm extends AbstractBlock {
    private final float epsilon;
    private final float djlMomentum;
    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter runningMean;
    private final Parameter runningVar;

    /** @param torchMomentum PyTorch's momentum: the weight of the new batch statistic */
    FastBatchNorm(double eps, double torchMomentum) {
        super((byte) 1);
        epsilon = (float) eps;
        djlMomentum = (float) (1 - torchMomentum); // DJL's momentum is the weight of the old running value
        gamma = addParameter(Parameter.builder()
                .setName("gamma")
                .setType(Parameter.Type.GAMMA)
                .optRequiresGrad(true)
                .build());
        beta = addParameter(Parameter.builder()
                .setName("beta")
                .setType(Parameter.Type.BETA)
                .optRequiresGrad(true)
                .build());
        runningMean = addParameter(Parameter.builder()
                .setName("runningMean")
                .setType(Parameter.Type.RUNNING_MEAN)
                .optRequiresGrad(false)
                .build());
        runningVar = addParameter(Parameter.builder()
                .setName("runningVar")
                .setType(Parameter.Type.RUNNING_VAR)
                .optRequiresGrad(false)
                .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        var device = input.getDevice();
        return input.getNDArrayInternal()
                .batchNorm(
                        input,
                        store.getValue(runningMean, device, training),
                        store.getValue(runningVar, device, training),
                        store.getValue(gamma, device, training),
                        store.getValue(beta, device, training),
                        -1,
                        djlMomentum,
                        epsilon,
                        training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        Shape channels = new Shape(inputShapes[0].get(1));
        gamma.setShape(channels);
        beta.setShape(channels);
        runningMean.setShape(channels);
        runningVar.setShape(channels);
    }
}
