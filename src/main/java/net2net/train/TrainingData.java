package net2net.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import com.google.gson.JsonObject;
import java.util.Arrays;
import net2net.Net2NetException;
import net2net.data.Batches;
import net2net.data.Dataset;
import net2net.data.Splits;
import net2net.data.TextCorpus;
import net2net.nn.DjlNetwork;
import net2net.nn.Network;
import net2net.spec.Layer;
import net2net.spec.TransformerLayers;

/**
 * What a training run reads: a {@link Splits} of samples (images, the seed data), batched by a fresh
 * permutation per epoch, or a {@link TextCorpus}, batched as random windows of the model's context
 * (docs/text-data.md). Either way batch {@code index} of {@code epoch} depends only on (seed, epoch,
 * index), so a resumed run sees the same batches.
 */
public sealed interface TrainingData permits TrainingData.Samples, TrainingData.Text {

    static TrainingData of(Splits splits) {
        return new Samples(splits);
    }

    /** A corpus for a token model of {@code context} positions. */
    static TrainingData of(TextCorpus corpus, int context) {
        return new Text(corpus, context);
    }

    /** Training samples, or training characters for text. */
    int trainSize();

    /** Test samples, or validation characters for text. */
    int testSize();

    /** The loss's name for the model's history: cross_entropy or mse. */
    String lossName();

    /** One line naming the problem when the network cannot train on this data. */
    void requireCompatible(Network network);

    int batchesPerEpoch(int batch);

    /** The batches of one epoch. */
    Epoch epoch(int batch, long seed, int epoch);

    /** Mean loss of the batch, a scalar, from the network's output. */
    NDArray loss(NDArray labels, NDArray output);

    /** Loss (and accuracy) on the test or validation split, in eval mode, through the trainer's block. */
    Evaluation.Result evaluate(DjlNetwork block, NDManager parent);

    /** What the run's record lists about the data beyond its name: the text files and their SHA-256; null for samples. */
    JsonObject describe();

    /** One epoch's batches. */
    interface Epoch {
        int batches();

        /** Batch {@code index}: its inputs and targets in {@code m}. */
        Batch batch(NDManager m, int index);
    }

    /** @param examples what the batch counts for in the run's example count: samples, or predicted characters */
    record Batch(NDArray inputs, NDArray labels, int examples) {}

    /** Samples in a {@link Dataset}: each epoch a permutation cut into batches. */
    final class Samples implements TrainingData {
        private final Splits splits;
        private final Loss loss;
        private float[] buffer = new float[0];

        Samples(Splits splits) {
            this.splits = splits;
            this.loss = Losses.of(splits.train());
        }

        public Splits splits() {
            return splits;
        }

        @Override
        public int trainSize() {
            return splits.train().size();
        }

        @Override
        public int testSize() {
            return splits.test().size();
        }

        @Override
        public String lossName() {
            return Losses.name(splits.train());
        }

        @Override
        public void requireCompatible(Network network) {
            Evaluation.requireCompatible(network, splits.train());
            Evaluation.requireCompatible(network, splits.test());
        }

        @Override
        public int batchesPerEpoch(int batch) {
            return (trainSize() + batch - 1) / batch;
        }

        @Override
        public Epoch epoch(int batch, long seed, int epoch) {
            Dataset train = splits.train();
            int length = Math.min(batch, train.size()) * train.sampleLength();
            if (buffer.length < length) {
                buffer = new float[length];
            }
            int[][] batches = Batches.epochBatches(train.size(), batch, seed, epoch);
            return new Epoch() {
                public int batches() {
                    return batches.length;
                }

                public Batch batch(NDManager m, int index) {
                    int[] idx = batches[index];
                    NDArray x = Evaluation.Inputs.features(m, train, idx, buffer);
                    NDArray y = Evaluation.Inputs.labels(m, train, idx);
                    return new Batch(x, y, idx.length);
                }
            };
        }

        @Override
        public NDArray loss(NDArray labels, NDArray output) {
            return loss.evaluate(new NDList(labels), new NDList(output));
        }

        @Override
        public Evaluation.Result evaluate(DjlNetwork block, NDManager parent) {
            return Evaluation.evaluate(block, parent, splits.test(), Evaluation.DEFAULT_BATCH);
        }

        @Override
        public JsonObject describe() {
            return null;
        }
    }

    /**
     * Character-level text: a batch is random windows of the context length; the loss is the mean
     * cross-entropy over every position of every window; validation is every whole window of the
     * validation text (docs/text-data.md).
     */
    final class Text implements TrainingData {
        /** Validation windows per forward pass: bounds the attention's B x heads x T x T scores. */
        static final int EVAL_WINDOWS = 128;

        private final TextCorpus corpus;
        private final int context;
        private final Loss loss = Losses.crossEntropy();

        Text(TextCorpus corpus, int context) {
            this.corpus = corpus;
            this.context = context;
        }

        public TextCorpus corpus() {
            return corpus;
        }

        @Override
        public int trainSize() {
            return corpus.trainCharacters();
        }

        @Override
        public int testSize() {
            return corpus.validationCharacters();
        }

        @Override
        public String lossName() {
            return "cross_entropy";
        }

        @Override
        public void requireCompatible(Network network) {
            requireFits(network, corpus);
        }

        /** The checks of {@link #requireCompatible}, for any command that feeds a corpus to a model. */
        public static void requireFits(Network network, TextCorpus corpus) {
            Layer first = network.architecture().layers().get(0);
            int vocab = corpus.vocabulary().size();
            if (!(first instanceof TransformerLayers.Embedding e)) {
                throw new Net2NetException("--data " + corpus.name()
                        + " trains a token model, but this model starts with " + first.name()
                        + "; create one with `net2net init --arch tinygpt --data " + corpus.name() + " --out DIR`");
            }
            Shape out = network.architecture().outputShape();
            if (e.vocab() != vocab || out.get(out.dimension() - 1) != vocab) {
                throw new Net2NetException("the model has a vocabulary of " + e.vocab() + " tokens but " + corpus.name()
                        + " has " + vocab + " characters; create the model with `net2net init --arch tinygpt --data "
                        + corpus.name() + " --out DIR` (or --vocab " + vocab + ")");
            }
            if (corpus.trainCharacters() < network.architecture().input().get(0) + 1
                    || corpus.validationCharacters()
                            < network.architecture().input().get(0) + 1) {
                // TextCorpus names the split and the fix
                corpus.batchesPerEpoch(
                        1, Math.toIntExact(network.architecture().input().get(0)));
                corpus.validationBatches(
                        1, Math.toIntExact(network.architecture().input().get(0)));
            }
        }

        @Override
        public int batchesPerEpoch(int batch) {
            return corpus.batchesPerEpoch(batch, context);
        }

        @Override
        public Epoch epoch(int batch, long seed, int epoch) {
            int batches = batchesPerEpoch(batch);
            return new Epoch() {
                public int batches() {
                    return batches;
                }

                public Batch batch(NDManager m, int index) {
                    TextCorpus.Windows w = corpus.trainBatch(batch, context, seed, epoch, index);
                    return new Batch(inputs(m, w), targets(m, w), w.batch() * w.context());
                }
            };
        }

        /** Token ids as float32 [B, T]: the network's input type; the embedding reads them as integers (exact below 2^24). */
        static NDArray inputs(NDManager m, TextCorpus.Windows w) {
            float[] x = new float[w.inputs().length];
            for (int i = 0; i < x.length; i++) {
                x[i] = w.inputs()[i];
            }
            return m.create(x, new Shape(w.batch(), w.context()));
        }

        static NDArray targets(NDManager m, TextCorpus.Windows w) {
            return m.create(Arrays.stream(w.targets()).asLongStream().toArray(), new Shape(w.batch(), w.context()));
        }

        /** Logits [B, T, V] and targets [B, T]: the mean over all B x T positions of -log softmax(logits)[target]. */
        @Override
        public NDArray loss(NDArray labels, NDArray output) {
            long v = output.getShape().get(output.getShape().dimension() - 1);
            return loss.evaluate(new NDList(labels.reshape(-1)), new NDList(output.reshape(-1, v)));
        }

        @Override
        public Evaluation.Result evaluate(DjlNetwork block, NDManager parent) {
            double lossSum = 0;
            long correct = 0;
            long positions = 0;
            for (TextCorpus.Windows w : corpus.validationBatches(EVAL_WINDOWS, context)) {
                try (NDManager m = parent.newSubManager()) {
                    NDArray y = targets(m, w);
                    NDArray out = block.forward(inputs(m, w), false);
                    long n = (long) w.batch() * w.context();
                    lossSum += loss(y, out).getFloat() * (double) n;
                    correct += out.argMax(-1).eq(y).sum().getLong();
                    positions += n;
                }
            }
            return new Evaluation.Result(lossSum / positions, (double) correct / positions, (int) positions);
        }

        @Override
        public JsonObject describe() {
            JsonObject o = corpus.toJson();
            o.remove("vocabulary"); // model.json records it once, in the preprocessing
            return o;
        }
    }
}
