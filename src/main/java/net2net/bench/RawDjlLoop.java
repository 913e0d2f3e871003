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
import net2net.data.Dataset;
import net2net.nn.DjlNetwork;
import net2net.nn.Network;
import net2net.train.TrainConfig;

/**
 * The floor for our trainer's overhead: the same model and batches, trained by the shortest loop
 * DJL allows. The batches are made into arrays once, up front; each step is forward, loss,
 * backward and DJL's own fused SGD update (momentum 0.9, weight decay 5e-4), nothing else.
 */
final class RawDjlLoop implements AutoCloseable {
    private final NDManager manager;
    private final DjlNetwork block;
    private final List<Parameter> parameters;
    private final List<NDArray[]> batches = new ArrayList<>();
    private final Loss loss = new SoftmaxCrossEntropyLoss();
    private final Optimizer sgd;
    private int next;

    RawDjlLoop(Network network, Dataset data, int batch, double lr) {
        manager = network.manager().newSubManager();
        block = DjlNetwork.of(network);
        parameters = block.trainableParameters();
        sgd = Optimizer.sgd()
                .setLearningRateTracker(Tracker.fixed((float) lr))
                .optMomentum((float) TrainConfig.DEFAULT_MOMENTUM)
                .optWeightDecays((float) TrainConfig.DEFAULT_WEIGHT_DECAY)
                .build();
        int length = data.sampleLength();
        for (int from = 0; from + batch <= data.size(); from += batch) {
            int[] idx = new int[batch];
            for (int i = 0; i < batch; i++) {
                idx[i] = from + i;
            }
            float[] x = new float[batch * length];
            data.copyFeatures(idx, x);
            int[] labels = new int[batch];
            data.copyLabels(idx, labels);
            long[] y = new long[batch];
            for (int i = 0; i < batch; i++) {
                y[i] = labels[i];
            }
            batches.add(new NDArray[] {manager.create(x, new Shape(batch, 1, 28, 28)), manager.create(y)});
        }
    }

    /** Trains on {@code steps} batches (cycling through them); returns the number of samples. */
    long train(int steps) {
        long samples = 0;
        for (int s = 0; s < steps; s++) {
            NDArray[] b = batches.get(next++ % batches.size());
            try (NDManager step = manager.newSubManager()) {
                b[0].tempAttach(step);
                b[1].tempAttach(step);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    collector.backward(loss.evaluate(new NDList(b[1]), new NDList(block.forward(b[0], true))));
                }
                for (Parameter p : parameters) {
                    NDArray w = p.getArray();
                    NDArray grad = w.getGradient();
                    grad.attach(step);
                    sgd.update(p.getId(), w, grad);
                }
            }
            samples += b[0].getShape().get(0);
        }
        return samples;
    }

    /** Forward passes in eval mode over {@code steps} batches; returns the number of samples. */
    long infer(int steps) {
        long samples = 0;
        for (int s = 0; s < steps; s++) {
            NDArray[] b = batches.get(s % batches.size());
            try (NDManager step = manager.newSubManager()) {
                b[0].tempAttach(step);
                block.forward(b[0], false);
            }
            samples += b[0].getShape().get(0);
        }
        return samples;
    }

    @Override
    public void close() {
        manager.close();
    }
}
