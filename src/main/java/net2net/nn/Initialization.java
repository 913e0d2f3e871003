package net2net.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net2net.spec.Architecture;
import net2net.spec.TransformerLayers;

/**
 * PyTorch's default initialisation, drawn from a seeded Java RNG so that the same seed gives the
 * same weights on every machine: dense and conv weights and biases ~ U(-1/sqrt(fan_in),
 * 1/sqrt(fan_in)) (kaiming_uniform with a = sqrt(5)); batchnorm weight 1, bias 0, running mean 0,
 * running variance 1; embeddings ~ N(0, 1) (nn.Embedding's default); layernorm and rmsnorm
 * weight 1, bias 0.
 */
public final class Initialization {
    private Initialization() {}

    /** The standard deviation of a fresh embedding table: GPT-2's and LLaMA's initializer_range. */
    public static final double EMBEDDING_STD = 0.02;

    public static Network random(Architecture arch, long seed, Step step) {
        NDManager manager = NDManager.newBaseManager();
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, NDArray> weights = new LinkedHashMap<>();
        Map<String, Shape> shapes = arch.parameterShapes();
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            String key = e.getKey();
            String layer = key.substring(0, key.lastIndexOf('.'));
            weights.put(
                    key,
                    Sizes.create(manager, values(arch, key, e.getValue(), fanIn(shapes, layer), rng), e.getValue()));
        }
        return new Network(arch, weights, List.of(step), null, manager);
    }

    /** PyTorch's default initialisation of only the given parameters of {@code arch}, seeded. */
    public static Map<String, NDArray> parameters(
            Architecture arch, Collection<String> keys, long seed, NDManager manager) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Shape> shapes = arch.parameterShapes();
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            String key = e.getKey();
            if (keys.contains(key)) {
                String layer = key.substring(0, key.lastIndexOf('.'));
                out.put(key, manager.create(values(arch, key, e.getValue(), fanIn(shapes, layer), rng), e.getValue()));
            }
        }
        return out;
    }

    /**
     * Embedding tables N(0, 0.02^2), as GPT-2 and LLaMA initialise them ({@link #EMBEDDING_STD}); the rest as
     * {@link #initialValues}. Not nn.Embedding's N(0, 1): with a head tied to the token table, d = 64 and
     * N(0, 1), the first logits have a standard deviation near 8 and the first steps' loss averaged 37.9 nats
     * against ln 113 = 4.7 for a uniform guess (docs/text-data.md).
     */
    private static float[] values(Architecture arch, String key, Shape shape, long fanIn, SplittableRandom rng) {
        String layer = key.substring(0, key.lastIndexOf('.'));
        boolean embedding = arch.all().stream()
                .anyMatch(l -> l.key().equals(layer)
                        && (l.layer() instanceof TransformerLayers.Embedding
                                || l.layer() instanceof TransformerLayers.PositionEmbedding));
        if (!embedding) {
            return initialValues(key, shape, fanIn, rng);
        }
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (EMBEDDING_STD * rng.nextGaussian());
        }
        return v;
    }

    /** Values for one parameter: uniform in +-1/sqrt(fanIn) for weights and biases, constants for batchnorm. */
    static float[] initialValues(String key, Shape shape, long fanIn, SplittableRandom rng) {
        float[] v = new float[Math.toIntExact(shape.size())];
        if (key.endsWith(".running_var")) {
            Arrays.fill(v, 1f);
        } else if (key.endsWith(".running_mean")) {
            return v;
        } else if (fanIn == 0) {
            // batchnorm affine parameters: weight 1, bias 0
            if (key.endsWith(".weight")) {
                Arrays.fill(v, 1f);
            }
        } else {
            fillUniform(v, 1.0 / Math.sqrt(fanIn), rng);
        }
        return v;
    }

    public static void fillUniform(float[] v, double bound, SplittableRandom rng) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
    }

    /** fan_in of a dense or conv layer (in * k * k), 0 for batchnorm (no weight of rank > 1). */
    static long fanIn(Map<String, Shape> shapes, String layer) {
        Shape w = shapes.get(layer + ".weight");
        return w == null || w.dimension() < 2 ? 0 : w.size() / w.get(0);
    }
}
