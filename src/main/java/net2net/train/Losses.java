package net2net.train;

import ai.djl.training.loss.L2Loss;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import net2net.data.Dataset;

/** The loss of a dataset: mean squared error for regression, softmax cross-entropy for classification. */
public final class Losses {
    private Losses() {}

    /** The true mean squared error, mean((y - p)^2); DJL's default L2Loss is half of it (weight 1/2). */
    public static Loss mse() {
        return new L2Loss("mse", 1f);
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
