package net2net.transform;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import net2net.Net2NetException;
import net2net.spec.Architecture;
import net2net.spec.Layer;

/**
 * Where the units of a producer layer go: the per-unit layers they pass through, and the next layer
 * that mixes units (the consumer). Shared by Net2WiderNet and the random-pad baseline.
 *
 * @param producer   index of the dense or conv2d layer being widened
 * @param batchnorms indices of batchnorm layers between producer and consumer (gathered per unit)
 * @param consumer   index of the next dense or conv2d layer
 * @param blockSize  consumer input columns per producer unit: H*W when a flatten sits between a
 *                   conv producer and a dense consumer, 1 otherwise
 * @param units      the producer's current width n
 */
record WideningPath(int producer, List<Integer> batchnorms, int consumer, int blockSize, int units) {

    static WideningPath find(Architecture arch, String layerName) {
        int p = arch.indexOf(layerName);
        Layer producer = arch.layers().get(p);
        int units;
        if (producer instanceof Layer.Dense d) {
            units = d.units();
        } else if (producer instanceof Layer.Conv2d c) {
            units = c.filters();
        } else {
            throw new Net2NetException("layer '" + layerName + "' is a " + producer.kind()
                    + "; only dense and conv2d layers can be widened: " + widenable(arch));
        }
        List<Integer> batchnorms = new ArrayList<>();
        int blockSize = 1;
        for (int i = p + 1; i < arch.layers().size(); i++) {
            Layer layer = arch.layers().get(i);
            if (layer instanceof Layer.Dense || layer instanceof Layer.Conv2d) {
                return new WideningPath(p, List.copyOf(batchnorms), i, blockSize, units);
            } else if (layer instanceof Layer.BatchNorm) {
                batchnorms.add(i);
            } else if (layer instanceof Layer.Flatten) {
                Shape in = arch.inputShapeOf(i);
                blockSize = Math.toIntExact(in.size() / in.get(0));
            } else if (!(layer instanceof Layer.Relu || layer instanceof Layer.Tanh
                    || layer instanceof Layer.MaxPool || layer instanceof Layer.Dropout)) {
                throw new Net2NetException("layer '" + layer.name() + "' (" + layer.kind() + ") mixes units between '"
                        + layerName + "' and its consumer, so widening would not be exact; widen another layer");
            }
        }
        throw new Net2NetException("layer '" + layerName + "' is the output layer (no dense or conv2d consumes its units), "
                + "so widening it would change the output shape; widen a hidden layer: " + widenable(arch));
    }

    static String widenable(Architecture arch) {
        List<String> names = new ArrayList<>();
        for (Layer layer : arch.layers()) {
            if (layer instanceof Layer.Dense || layer instanceof Layer.Conv2d) {
                names.add(layer.name());
            }
        }
        if (!names.isEmpty()) {
            names.remove(names.size() - 1);
        }
        return names.isEmpty() ? "this network has no hidden dense or conv2d layer" : "widenable layers are " + String.join(", ", names);
    }

    /** Checks the target width; returns the architecture with the producer at that width. */
    Architecture widened(Architecture arch, int width) {
        Layer layer = arch.layers().get(producer);
        if (width < units) {
            throw new Net2NetException("cannot narrow '" + layer.name() + "' from " + units + " to " + width
                    + "; Net2WiderNet only grows a layer: give a width of at least " + units);
        }
        Layer wider = layer instanceof Layer.Dense d ? d.withUnits(width) : ((Layer.Conv2d) layer).withFilters(width);
        return arch.withLayer(producer, wider);
    }

    String producerName(Architecture arch) {
        return arch.layers().get(producer).name();
    }

    String consumerName(Architecture arch) {
        return arch.layers().get(consumer).name();
    }
}
