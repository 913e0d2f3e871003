package net2net.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net2net.spec.Architecture;
import net2net.spec.Layer;

/**
 * A DJL block that runs a {@link Network}. Its parameters ARE the network's arrays (no copy), so
 * training the block trains the network. Parameters are attached before initialisation, so DJL
 * never draws random weights only for them to be overwritten.
 */
public final class DjlNetwork {
    /**
     * Run image layers after the first conv2d channels-last (see {@link ChannelsLast}): off unless
     * the system property net2net.channels_last=true. Measured on the 2-core reference machine
     * (bench, 2 threads): training throughput the same either way, inference 25% slower with it.
     */
    static final boolean CHANNELS_LAST = "true".equals(System.getProperty("net2net.channels_last"));

    private final SequentialBlock block;
    private final ParameterStore store;
    private final List<Parameter> trainable = new ArrayList<>();

    private DjlNetwork(Architecture arch, Map<String, NDArray> weights, NDManager manager, boolean dropoutOff) {
        block = new SequentialBlock();
        List<Layer> layers = arch.layers();
        boolean channelsLast = false;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (layer instanceof Layer.Relu && i + 1 < layers.size() && layers.get(i + 1) instanceof Layer.MaxPool) {
                block.add(new MaxPool2x2(true)); // relu then maxpool, run as maxpool then relu: the same function
                i++;
                continue;
            }
            Block b = djlBlock(layer, dropoutOff);
            attach(layer, b, weights);
            block.add(b);
            if (CHANNELS_LAST && !channelsLast && layer instanceof Layer.Conv2d && moreImageWork(layers, i + 1)) {
                block.add(new ChannelsLast()); // the rest of the image layers run channels-last
                channelsLast = true;
            }
        }
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(arch.input()));
        store = new ParameterStore(manager, false);
    }

    /** True when a conv2d, batchnorm or maxpool on images comes at or after {@code from}, before any flatten. */
    private static boolean moreImageWork(List<Layer> layers, int from) {
        for (int i = from; i < layers.size(); i++) {
            Layer l = layers.get(i);
            if (l instanceof Layer.Flatten) {
                return false;
            }
            if (l instanceof Layer.Conv2d || l instanceof Layer.BatchNorm || l instanceof Layer.MaxPool) {
                return true;
            }
        }
        return false;
    }

    /** A block over the network's own arrays. */
    public static DjlNetwork of(Network network) {
        return new DjlNetwork(network.architecture(), network.weights(), network.manager(), false);
    }

    /**
     * A block whose dropout layers are the identity in training mode too: used to compare teacher
     * and student under batch statistics, where independent dropout masks would hide everything.
     */
    public static DjlNetwork withoutDropout(Network network) {
        return new DjlNetwork(network.architecture(), network.weights(), network.manager(), true);
    }

    /** Runs the first {@code layerCount} layers of a network, in eval mode. */
    public static DjlNetwork prefix(Network network, int layerCount) {
        return new DjlNetwork(network.architecture().prefix(layerCount), network.weights(), network.manager(), false);
    }

    public NDArray forward(NDArray input, boolean training) {
        return block.forward(store, new NDList(input), training).singletonOrThrow();
    }

    public SequentialBlock block() {
        return block;
    }

    /** The learnable parameters (not batchnorm running statistics), for an optimizer. */
    public List<Parameter> trainableParameters() {
        return trainable;
    }

    private static Block djlBlock(Layer layer, boolean dropoutOff) {
        if (layer instanceof Layer.Dense d) {
            return Linear.builder().setUnits(d.units()).optBias(d.bias()).build();
        } else if (layer instanceof Layer.Conv2d c) {
            return Conv2d.builder()
                    .setKernelShape(new Shape(c.kernel(), c.kernel()))
                    .setFilters(c.filters())
                    .optPadding(new Shape(c.padding(), c.padding()))
                    .optBias(c.bias())
                    .build();
        } else if (layer instanceof Layer.BatchNorm b) {
            return new FastBatchNorm(b.eps(), b.momentum());
        } else if (layer instanceof Layer.Relu) {
            return Activation.reluBlock();
        } else if (layer instanceof Layer.Tanh) {
            return Activation.tanhBlock();
        } else if (layer instanceof Layer.MaxPool) {
            return new MaxPool2x2(false);
        } else if (layer instanceof Layer.Flatten) {
            return Blocks.batchFlattenBlock();
        } else if (layer instanceof Layer.Dropout d) {
            return Dropout.builder().optRate(dropoutOff ? 0f : (float) d.rate()).build();
        }
        throw new IllegalArgumentException("no DJL block for " + layer);
    }

    /** Hands the network's arrays to the block's parameters, mapping DJL names to state_dict names. */
    private void attach(Layer layer, Block b, Map<String, NDArray> weights) {
        for (var pair : b.getDirectParameters()) {
            String key = layer.name() + "." + stateDictSuffix(pair.getKey());
            Parameter p = pair.getValue();
            NDArray array = weights.get(key);
            if (array == null) {
                continue; // a bias the layer does not have
            }
            String name = array.getName();
            p.setArray(array);
            array.setName(name); // setArray renames the array; keep ours
            if (p.requiresGradient()) {
                trainable.add(p);
            }
        }
    }

    /** DJL parameter name to PyTorch state_dict suffix. */
    static String stateDictSuffix(String djlName) {
        return switch (djlName) {
            case "gamma" -> "weight";
            case "beta" -> "bias";
            case "runningMean" -> "running_mean";
            case "runningVar" -> "running_var";
            default -> djlName;
        };
    }
}
