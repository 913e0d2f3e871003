package net2net.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net2net.nn.Initialization;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.spec.Architecture;
import net2net.spec.Layer;

/** Random architectures mixing every layer kind, and random weights that make every layer matter. */
public final class RandomNetworks {
    private RandomNetworks() {}

    public static Architecture architecture(SplittableRandom rng) {
        List<Layer> layers = new ArrayList<>();
        int[] id = {0};
        Shape input;
        if (rng.nextBoolean()) {
            int size = 4 + 2 * rng.nextInt(4); // 4..10
            input = new Shape(1 + rng.nextInt(3), size, size);
            int convBlocks = 1 + rng.nextInt(3);
            int spatial = size;
            for (int b = 0; b < convBlocks; b++) {
                layers.add(new Layer.Conv2d(
                        "conv" + (++id[0]), 1 + rng.nextInt(6), 1 + 2 * rng.nextInt(3), rng.nextBoolean()));
                addPerUnitLayers(layers, rng, id);
                if (spatial >= 4 && rng.nextBoolean()) {
                    layers.add(new Layer.MaxPool("pool" + (++id[0])));
                    spatial /= 2;
                }
            }
            layers.add(new Layer.Flatten("flatten" + (++id[0])));
        } else {
            input = new Shape(1 + rng.nextInt(8));
        }
        int denseBlocks = rng.nextInt(3);
        for (int b = 0; b < denseBlocks; b++) {
            layers.add(new Layer.Dense("fc" + (++id[0]), 1 + rng.nextInt(8), rng.nextBoolean()));
            addPerUnitLayers(layers, rng, id);
        }
        layers.add(new Layer.Dense("out" + (++id[0]), 1 + rng.nextInt(4), rng.nextBoolean()));
        return new Architecture(input, layers);
    }

    /**
     * Random residual networks: a stem conv (or dense), stages of a conv and one or two residual
     * blocks, optional maxpools, then a flatten, maybe a residual block on the flattened vector
     * (its units are H*W blocks of the stream), dense layers with residual blocks, and an output
     * layer. Bodies vary: conv-bn-act-conv-bn, a single conv, pre-activation, a per-unit body
     * without conv, a nested residual; the addition is followed by relu, tanh or nothing.
     */
    public static Architecture residualArchitecture(SplittableRandom rng) {
        List<Layer> layers = new ArrayList<>();
        int[] id = {0};
        Shape input;
        if (rng.nextInt(4) != 0) {
            int size = 4 + 2 * rng.nextInt(3); // 4..8
            input = new Shape(1 + rng.nextInt(3), size, size);
            int spatial = size;
            int channels = 0;
            int stages = 1 + rng.nextInt(2);
            for (int st = 0; st < stages; st++) {
                channels = 1 + rng.nextInt(5);
                layers.add(new Layer.Conv2d("conv" + (++id[0]), channels, 1 + 2 * rng.nextInt(2), rng.nextBoolean()));
                addPerUnitLayers(layers, rng, id);
                int blocks = 1 + rng.nextInt(2);
                for (int b = 0; b < blocks; b++) {
                    layers.add(residual(rng, id, channels, true, 0));
                }
                if (spatial >= 4 && rng.nextBoolean()) {
                    layers.add(new Layer.MaxPool("pool" + (++id[0])));
                    spatial /= 2;
                }
            }
            layers.add(new Layer.Flatten("flatten" + (++id[0])));
            int flat = channels * spatial * spatial;
            if (flat <= 48 && rng.nextInt(3) == 0) {
                layers.add(residual(rng, id, flat, false, 0));
            }
        } else {
            input = new Shape(1 + rng.nextInt(6));
        }
        int denseBlocks = rng.nextInt(3);
        if (input.dimension() == 1) {
            denseBlocks++;
        }
        for (int b = 0; b < denseBlocks; b++) {
            int units = 1 + rng.nextInt(6);
            layers.add(new Layer.Dense("fc" + (++id[0]), units, rng.nextBoolean()));
            addPerUnitLayers(layers, rng, id);
            if (rng.nextBoolean()) {
                layers.add(residual(rng, id, units, false, 0));
            }
        }
        layers.add(new Layer.Dense("out" + (++id[0]), 1 + rng.nextInt(4), rng.nextBoolean()));
        return new Architecture(input, layers);
    }

    /** A residual block keeping {@code width} channels (images) or units (vectors). */
    private static Layer residual(SplittableRandom rng, int[] id, int width, boolean image, int depth) {
        String name = "res" + (++id[0]);
        List<Layer> body = new ArrayList<>();
        int style = rng.nextInt(depth == 0 ? 5 : 3);
        if (style == 0) {
            // conv-bn-act-conv-bn, the inner width free
            int inner = 1 + rng.nextInt(5);
            body.add(mixing(rng, id, inner, image));
            addPerUnitLayers(body, rng, id);
            body.add(mixing(rng, id, width, image));
            if (rng.nextBoolean()) {
                body.add(new Layer.BatchNorm("bn" + (++id[0])));
            }
        } else if (style == 1) {
            body.add(mixing(rng, id, width, image)); // one layer both reads and writes the stream
        } else if (style == 2) {
            // pre-activation: per-unit layers on the stream before the first conv
            body.add(new Layer.BatchNorm("bn" + (++id[0])));
            body.add(rng.nextBoolean() ? new Layer.Relu("relu" + (++id[0])) : new Layer.Tanh("tanh" + (++id[0])));
            body.add(mixing(rng, id, 1 + rng.nextInt(5), image));
            addPerUnitLayers(body, rng, id);
            body.add(mixing(rng, id, width, image));
        } else if (style == 3) {
            body.add(new Layer.BatchNorm("bn" + (++id[0]))); // per unit: the stream passes through
            body.add(new Layer.Relu("relu" + (++id[0])));
        } else {
            // a nested residual inside the body, on the body's inner channels
            int inner = 1 + rng.nextInt(5);
            body.add(mixing(rng, id, inner, image));
            addPerUnitLayers(body, rng, id);
            body.add(residual(rng, id, inner, image, depth + 1));
            body.add(mixing(rng, id, width, image));
            if (rng.nextBoolean()) {
                body.add(residual(rng, id, width, image, depth + 1)); // and one on the outer stream
            }
        }
        int a = rng.nextInt(3);
        return new Layer.Residual(
                name, body, a == 0 ? null : a == 1 ? Layer.Residual.Activation.RELU : Layer.Residual.Activation.TANH);
    }

    private static Layer mixing(SplittableRandom rng, int[] id, int width, boolean image) {
        return image
                ? new Layer.Conv2d("conv" + (++id[0]), width, 1 + 2 * rng.nextInt(2), rng.nextBoolean())
                : new Layer.Dense("fc" + (++id[0]), width, rng.nextBoolean());
    }

    /** Optional batchnorm, an activation (mostly relu), optional dropout. */
    private static void addPerUnitLayers(List<Layer> layers, SplittableRandom rng, int[] id) {
        if (rng.nextBoolean()) {
            layers.add(new Layer.BatchNorm("bn" + (++id[0])));
        }
        layers.add(rng.nextInt(4) == 0 ? new Layer.Tanh("tanh" + (++id[0])) : new Layer.Relu("relu" + (++id[0])));
        if (rng.nextInt(4) == 0) {
            layers.add(new Layer.Dropout("drop" + (++id[0]), 0.5));
        }
    }

    /** A network with random weights and random batchnorm statistics (not the identity they start as). */
    public static Network network(Architecture arch, SplittableRandom rng) {
        long seed = rng.nextLong();
        Network n = Initialization.random(arch, seed, Step.Init.seeded(seed));
        for (Map.Entry<String, NDArray> e : n.weights().entrySet()) {
            String key = e.getKey();
            String prefix = key.substring(0, key.lastIndexOf('.'));
            boolean bn = arch.layer(prefix.substring(prefix.lastIndexOf('.') + 1)) instanceof Layer.BatchNorm;
            if (bn) {
                float[] v = new float[Math.toIntExact(e.getValue().size())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = key.endsWith("running_var")
                            ? (float) (0.2 + 2 * rng.nextDouble())
                            : key.endsWith("weight")
                                    ? (float) (0.5 + rng.nextDouble())
                                    : (float) (rng.nextGaussian() * 0.5);
                }
                e.getValue().set(v);
            }
        }
        return n;
    }

    /** Names of the dense and conv2d layers that have a consumer (anywhere in the tree; not the output layer). */
    public static List<String> widenable(Architecture arch) {
        List<String> names = new ArrayList<>();
        for (Architecture.Located l : arch.all()) {
            if (l.layer() instanceof Layer.Dense || l.layer() instanceof Layer.Conv2d) {
                names.add(l.name());
            }
        }
        names.remove(names.size() - 1);
        return names;
    }

    public static List<String> relus(Architecture arch) {
        return arch.all().stream()
                .filter(l -> l.layer() instanceof Layer.Relu)
                .map(Architecture.Located::name)
                .toList();
    }

    public static List<String> names(Architecture arch) {
        return arch.names();
    }

    /** Every array's values, to check later that nothing changed them. */
    public static Map<String, float[]> snapshot(Network n) {
        Map<String, float[]> s = new LinkedHashMap<>();
        n.weights().forEach((k, v) -> s.put(k, v.toFloatArray()));
        return s;
    }
}
