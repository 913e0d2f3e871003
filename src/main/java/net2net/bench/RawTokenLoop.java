package net2net.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net2net.nn.DjlNetwork;
import net2net.nn.Network;
import net2net.spec.Architecture;
import net2net.spec.TransformerLayers;
import net2net.train.TrainConfig;

/**
 * Training a token model by the shortest loop DJL allows, as {@link RawDjlLoop} does for images (the
 * trainer does not train token models): batches of {@code batch} windows of T + 1 seeded random
 * tokens, made into arrays once up front; each step is forward, the next-token cross-entropy over
 * all B x T positions, backward and DJL's fused SGD update (momentum 0.9, weight decay 5e-4).
 * bench/torch_lm_bench.py runs the same steps in PyTorch.
 */
final class RawTokenLoop implements AutoCloseable {
    private final NDManager manager;
    private final DjlNetwork block;
    private final List<Parameter> parameters;
    private final List<NDArray[]> batches = new ArrayList<>();
    private final Loss loss = new SoftmaxCrossEntropyLoss();
    private final Optimizer sgd;
    private final long vocab;
    private int next;

    RawTokenLoop(Network network, int batch, int distinctBatches, long seed, double lr) {
        Architecture arch = network.architecture();
        if (!arch.tokenInput()) {
            throw new IllegalArgumentException("a token model is needed, not " + arch.input());
        }
        int context = Math.toIntExact(arch.input().get(0));
        vocab = ((TransformerLayers.Embedding) arch.layers().get(0)).vocab();
        manager = network.manager().newSubManager();
        block = DjlNetwork.of(network);
        parameters = block.trainableParameters();
        sgd = Optimizer.sgd()
                .setLearningRateTracker(Tracker.fixed((float) lr))
                .optMomentum((float) TrainConfig.DEFAULT_MOMENTUM)
                .optWeightDecays((float) TrainConfig.DEFAULT_WEIGHT_DECAY)
                .build();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int b = 0; b < distinctBatches; b++) {
            long[] x = new long[batch * context];
            long[] y = new long[batch * context];
            for (int i = 0; i < batch; i++) {
                long[] window = rng.longs(context + 1, 0, vocab).toArray();
                System.arraycopy(window, 0, x, i * context, context);
                System.arraycopy(window, 1, y, i * context, context); // the next token at every position
            }
            batches.add(new NDArray[] {
                manager.create(x, new Shape(batch, context)), manager.create(y, new Shape((long) batch * context))
            });
        }
    }

    /** Trains on {@code steps} batches (cycling through them); returns the number of tokens predicted. */
    long train(int steps) {
        long tokens = 0;
        for (int s = 0; s < steps; s++) {
            NDArray[] b = batches.get(next++ % batches.size());
            try (NDManager step = manager.newSubManager()) {
                b[0].tempAttach(step);
                b[1].tempAttach(step);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = block.forward(b[0], true).reshape(-1, vocab);
                    NDArray l = loss.evaluate(new NDList(b[1]), new NDList(logits));
                    collector.backward(l);
                    l.getFloat(); // read the loss back, as a training loop reports it (the peer does too)
                }
                for (Parameter p : parameters) {
                    NDArray w = p.getArray();
                    NDArray grad = w.getGradient();
                    grad.attach(step);
                    sgd.update(p.getId(), w, grad);
                }
            }
            tokens += b[1].getShape().get(0);
        }
        return tokens;
    }

    @Override
    public void close() {
        manager.close();
    }
}
