package net2net.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net2net.nn.Initialization;
import net2net.nn.Network;
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
                layers.add(new Layer.Conv2d("conv" + (++id[0]), 1 + rng.nextInt(6), 1 + 2 * rng.nextInt(3), rng.nextBoolean()));
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
        Network n = Initialization.random(arch, rng.nextLong(), new JsonObject());
        for (Map.Entry<String, NDArray> e : n.weights().entrySet()) {
            String key = e.getKey();
            String prefix = key.substring(0, key.lastIndexOf('.'));
            boolean bn = arch.layer(prefix.substring(prefix.lastIndexOf('.') + 1)) instanceof Layer.BatchNorm;
            if (bn) {
                float[] v = new float[Math.toIntExact(e.getValue().size())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = key.endsWith("running_var") ? (float) (0.2 + 2 * rng.nextDouble())
                            : key.endsWith("weight") ? (float) (0.5 + rng.nextDouble())
                            : (float) (rng.nextGaussian() * 0.5);
                }
                e.getValue().set(v);
            }
        }
        return n;
    }

    /** Names of the dense and conv2d layers that have a consumer. */
    public static List<String> widenable(Architecture arch) {
        List<String> names = new ArrayList<>();
        for (Layer l : arch.layers()) {
            if (l instanceof Layer.Dense || l instanceof Layer.Conv2d) {
                names.add(l.name());
            }
        }
        names.remove(names.size() - 1);
        return names;
    }

    public static List<String> relus(Architecture arch) {
        return arch.layers().stream().filter(l -> l instanceof Layer.Relu).map(Layer::name).toList();
    }

    /** Every array's values, to check later that nothing changed them. */
    public static Map<String, float[]> snapshot(Network n) {
        Map<String, float[]> s = new java.util.LinkedHashMap<>();
        n.weights().forEach((k, v) -> s.put(k, v.toFloatArray()));
        return s;
    }
}
