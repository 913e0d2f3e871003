package net2net.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.spec.TransformerLayers;

/**
 * A DJL block that runs a {@link Network}. Its parameters ARE the network's arrays (no copy), so
 * training the block trains the network. Parameters are attached before initialisation, so DJL
 * never draws random weights only for them to be overwritten.
 */
public final class DjlNetwork {
    private final SequentialBlock block;
    private final ParameterStore store;
    private final List<Parameter> trainable = new ArrayList<>();
    /** Attached parameters by state_dict name: a tied head reads its embedding's. */
    private final Map<String, Parameter> attached = new HashMap<>();

    private final boolean dropoutOff;

    private DjlNetwork(
            Architecture arch, Map<String, NDArray> weights, NDManager manager, boolean dropoutOff, String until) {
        this.dropoutOff = dropoutOff;
        block = new SequentialBlock();
        addLayers(arch.layers(), "", weights, until, block);
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(arch.input()));
        store = new ParameterStore(manager, false);
    }

    private DjlNetwork(Architecture arch, Map<String, NDArray> weights, NDManager manager, boolean dropoutOff) {
        this(arch, weights, manager, dropoutOff, null);
    }

    /**
     * Adds blocks for {@code layers} (state_dict prefix {@code prefix}) to {@code into}, stopping
     * after the layer named {@code until} (null: all). A residual holding {@code until} contributes
     * its body's layers up to it, applied to the residual's input: what its body computes there.
     * Returns whether {@code until} was reached.
     */
    private boolean addLayers(
            List<Layer> layers, String prefix, Map<String, NDArray> weights, String until, SequentialBlock into) {
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (until != null && layer instanceof Layer.Residual r && contains(r.body(), until)) {
                return addLayers(r.body(), prefix + r.name() + ".body.", weights, until, into);
            }
            if (layer instanceof Layer.Relu
                    && i + 1 < layers.size()
                    && layers.get(i + 1) instanceof Layer.MaxPool
                    && !layer.name().equals(until)) {
                // relu then maxpool, run as maxpool then relu: the same function on a quarter of the elements
                into.add(new MaxPool2x2(true));
                layer = layers.get(++i);
                if (layer.name().equals(until)) {
                    return true;
                }
                continue;
            }
            into.add(block(layer, prefix, weights));
            if (layer.name().equals(until)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(List<Layer> layers, String name) {
        for (Layer l : layers) {
            if (l.name().equals(name) || l instanceof Layer.Residual r && contains(r.body(), name)) {
                return true;
            }
        }
        return false;
    }

    /** A layer's block with the network's arrays attached; a residual is act(identity + body). */
    private Block block(Layer layer, String prefix, Map<String, NDArray> weights) {
        if (layer instanceof Layer.Residual r) {
            SequentialBlock body = new SequentialBlock();
            addLayers(r.body(), prefix + r.name() + ".body.", weights, null, body);
            ParallelBlock sum = new ParallelBlock(
                    branches -> new NDList(branches.get(0)
                            .singletonOrThrow()
                            .add(branches.get(1).singletonOrThrow())),
                    List.of(Blocks.identityBlock(), body));
            if (r.activation() == null) {
                return sum;
            }
            return new SequentialBlock()
                    .add(sum)
                    .add(
                            r.activation() == Layer.Residual.Activation.RELU
                                    ? Activation.reluBlock()
                                    : Activation.tanhBlock());
        }
        String key = prefix + layer.name();
        Parameter tied =
                layer instanceof TransformerLayers.LmHead h && h.tied() ? attached.get(h.tie() + ".weight") : null;
        Block b = TransformerBlocks.of(layer, suffixes(key, weights), tied);
        if (b == null) {
            b = djlBlock(layer, dropoutOff);
        }
        attach(key, b, weights);
        return b;
    }

    /** The state_dict suffixes of the layer with prefix {@code key}: weight, q_proj.bias, ... */
    private static List<String> suffixes(String key, Map<String, NDArray> weights) {
        return weights.keySet().stream()
                .filter(k -> k.startsWith(key + "."))
                .map(k -> k.substring(key.length() + 1))
                .toList();
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

    /** Runs a network up to and including the named layer, which may sit inside a residual body. */
    public static DjlNetwork upTo(Network network, String layer) {
        network.architecture().locate(layer);
        return new DjlNetwork(network.architecture(), network.weights(), network.manager(), false, layer);
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
    private void attach(String layerKey, Block b, Map<String, NDArray> weights) {
        for (var pair : b.getDirectParameters()) {
            String key = layerKey + "." + stateDictSuffix(pair.getKey());
            Parameter p = pair.getValue();
            NDArray array = weights.get(key);
            if (array == null) {
                continue; // a bias the layer does not have
            }
            String name = array.getName();
            p.setArray(array);
            array.setName(name); // setArray renames the array; keep ours
            attached.put(key, p);
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
