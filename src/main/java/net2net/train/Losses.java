package net2net.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import net2net.data.Dataset;

/** The loss of a dataset: mean squared error for regression, softmax cross-entropy for classification. */
public final class Losses {
    private Losses() {}

    /**
     * The true mean squared error, mean((y - p)^2). Not DJL's L2Loss: that multiplies by its weight
     * through mul(Number), whose scalar autograd keeps in memory DJL frees (see nn.Constants).
     */
    public static Loss mse() {
        return new Loss("mse") {
            @Override
            public NDArray evaluate(NDList label, NDList prediction) {
                NDArray p = prediction.singletonOrThrow();
                return label.singletonOrThrow()
                        .reshape(p.getShape())
                        .sub(p)
                        .square()
                        .mean();
            }
        };
    }

    /** Mean over the batch of -log softmax(logits)[label], from logits and integer labels. */
    public static Loss crossEntropy() {
        return new SoftmaxCrossEntropyLoss("cross_entropy");
    }

    public static Loss of(Dataset dataset) {
        return dataset.isClassification() ? crossEntropy() : mse();
    }

    public static String name(Dataset dataset) {
        return dataset.isClassification() ? "cross_entropy" : "mse";
    }
}
