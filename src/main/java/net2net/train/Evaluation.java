package net2net.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;
import net2net.Net2NetException;
import net2net.data.Batches;
import net2net.data.Dataset;
import net2net.nn.DjlNetwork;
import net2net.nn.Network;

/** Loss (and accuracy) of a network on a dataset, in eval mode. */
public final class Evaluation {
    private Evaluation() {}

    public static final int DEFAULT_BATCH = 1000;

    /**
     * @param loss mean over the samples (cross-entropy, or squared error for regression)
     * @param accuracy fraction classified correctly; null for regression
     */
    public record Result(double loss, Double accuracy, int samples) {}

    public static Result evaluate(Network network, Dataset data, int batch) {
        requireCompatible(network, data);
        return evaluate(DjlNetwork.of(network), network.manager(), data, batch);
    }

    /** Evaluates through an existing block (the trainer's), so no second block is built. */
    static Result evaluate(DjlNetwork block, NDManager parent, Dataset data, int batch) {
        Loss loss = Losses.of(data);
        float[] buffer = new float[Math.min(batch, data.size()) * data.sampleLength()];
        double lossSum = 0;
        long correct = 0;
        for (int[] idx : Batches.sequentialBatches(data.size(), batch)) {
            try (NDManager m = parent.newSubManager()) {
                NDArray x = Inputs.features(m, data, idx, buffer);
                NDArray y = Inputs.labels(m, data, idx);
                NDArray out = block.forward(x, false);
                lossSum += loss.evaluate(new NDList(y), new NDList(out)).getFloat() * (double) idx.length;
                if (data.isClassification()) {
                    correct += out.argMax(1).eq(y).sum().getLong();
                }
            }
        }
        return new Result(
                lossSum / data.size(), data.isClassification() ? (double) correct / data.size() : null, data.size());
    }

    /** Turning samples into NDArrays: the trainer, evaluation, experiments and the CLI all use these. */
    public static final class Inputs {
        private Inputs() {}

        /** The first {@code count} samples' features, shaped [count, sample shape...]. */
        public static NDArray firstFeatures(NDManager m, Dataset data, int count) {
            int[] idx = IntStream.range(0, count).toArray();
            return features(m, data, idx, new float[count * data.sampleLength()]);
        }

        /** The features of samples {@code idx}, gathered through {@code buffer} (reused across batches). */
        public static NDArray features(NDManager m, Dataset data, int[] idx, float[] buffer) {
            data.copyFeatures(idx, buffer);
            long[] dims = new long[data.sampleShape().length + 1];
            dims[0] = idx.length;
            int[] sample = data.sampleShape();
            for (int i = 0; i < sample.length; i++) {
                dims[i + 1] = sample[i];
            }
            return m.create(FloatBuffer.wrap(buffer, 0, idx.length * data.sampleLength()), new Shape(dims));
        }

        /** int64 class indices, or float32 targets of shape [B, 1] like the network's output. */
        static NDArray labels(NDManager m, Dataset data, int[] idx) {
            if (data.isClassification()) {
                int[] labels = new int[idx.length];
                data.copyLabels(idx, labels);
                long[] wide = new long[idx.length];
                for (int i = 0; i < labels.length; i++) {
                    wide[i] = labels[i];
                }
                return m.create(wide);
            }
            float[] t = new float[idx.length];
            data.copyTargets(idx, t);
            return m.create(t, new Shape(idx.length, 1));
        }
    }

    /** One-line errors when the data's samples or targets do not fit the network. */
    public static void requireCompatible(Network network, Dataset data) {
        Shape input = network.architecture().input();
        Shape sample =
                new Shape(Arrays.stream(data.sampleShape()).asLongStream().toArray());
        if (!input.equals(sample)) {
            throw new Net2NetException("the model takes inputs of shape " + input + " but " + data.name()
                    + " has samples of shape " + sample + "; use data that fits the model, or another model");
        }
        Shape output = network.architecture().outputShape();
        long wanted = data.isClassification() ? data.numClasses() : 1;
        if (output.dimension() != 1 || output.get(0) != wanted) {
            throw new Net2NetException("the model outputs shape " + output + " but " + data.name() + " needs "
                    + (data.isClassification() ? wanted + " class scores" : "one value per sample (regression)")
                    + "; use data that fits the model, or another model");
        }
    }
}
