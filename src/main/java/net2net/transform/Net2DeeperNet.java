package net2net.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net2net.Net2NetException;
import net2net.nn.DjlNetwork;
import net2net.nn.Network;
import net2net.spec.Architecture;
import net2net.spec.Layer;

/**
 * Net2DeeperNet: inserts an identity layer U after a ReLU, followed by a ReLU (and optionally a
 * batchnorm between them). Since relu(relu(x)) = relu(x) and U x = x, the function is unchanged.
 * Dense: U = I. Conv2d: a k x k kernel (k odd, same padding) with U[i, i, c, c] = 1 at the centre
 * c = (k - 1) / 2 and zero elsewhere; zero padding keeps the borders exact.
 */
public final class Net2DeeperNet {
    private Net2DeeperNet() {}

    /**
     * @param kernel     kernel size of an inserted conv (ignored for dense); odd
     * @param batchnorm  insert a batchnorm after U, set so that it is the identity in eval mode
     * @param statsInput a batch of teacher inputs to measure that batchnorm's statistics on
     *                   (required when {@code batchnorm}); the teacher is only read
     * @param name       base name of the new layers, or null for {@code <after>_id}
     */
    public record Options(int kernel, boolean batchnorm, NDArray statsInput, String name) {
        public Options {
            if (kernel < 1 || kernel % 2 == 0) {
                throw new Net2NetException("--kernel must be a positive odd number (1, 3, 5, ...), got " + kernel);
            }
            if (batchnorm && statsInput == null) {
                throw new IllegalArgumentException("a batchnorm needs a batch of inputs to measure its statistics");
            }
        }

        public static Options plain() {
            return new Options(3, false, null, null);
        }
    }

    public static Network deepen(Network teacher, String after, Options options) {
        Architecture arch = teacher.architecture();
        int at = arch.indexOf(after);
        Layer activation = arch.layers().get(at);
        if (activation instanceof Layer.Tanh) {
            throw new Net2NetException("'" + after + "' is a tanh, which is not idempotent (tanh(tanh(x)) != tanh(x)), so an identity layer "
                    + "after it would change the function; deepen after a relu instead");
        }
        if (!(activation instanceof Layer.Relu)) {
            throw new Net2NetException("'" + after + "' is a " + activation.kind() + "; Net2DeeperNet inserts after a relu, "
                    + "where relu(U relu(x)) = relu(x) with U = I: name a relu layer (" + relus(arch) + ")");
        }
        Shape shape = arch.outputShapes().get(at);
        String base = freeName(arch, options.name() != null ? options.name() : after + "_id");
        Layer identity = shape.dimension() == 3
                ? new Layer.Conv2d(base, Math.toIntExact(shape.get(0)), options.kernel(), true)
                : new Layer.Dense(base, Math.toIntExact(shape.get(0)), true);
        List<Layer> inserted = new ArrayList<>();
        inserted.add(identity);
        if (options.batchnorm()) {
            inserted.add(new Layer.BatchNorm(freeName(arch, base + "_bn")));
        }
        inserted.add(new Layer.Relu(freeName(arch, base + "_relu")));
        Architecture deeper = arch.withInserted(at + 1, inserted);

        NDManager manager = NDManager.newBaseManager();
        try {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : teacher.weights().entrySet()) {
                NDArray copy = e.getValue().duplicate();
                copy.attach(manager);
                weights.put(e.getKey(), copy);
            }
            int channels = Math.toIntExact(shape.get(0));
            weights.put(base + ".weight", manager.create(identityWeights(identity, channels), deeper.parameterShapes().get(base + ".weight")));
            weights.put(base + ".bias", manager.zeros(new Shape(channels)));
            if (options.batchnorm()) {
                String bn = inserted.get(1).name();
                float[][] stats = channelStatistics(teacher, at + 1, options.statsInput());
                double eps = ((Layer.BatchNorm) inserted.get(1)).eps();
                float[] gamma = new float[channels];
                for (int c = 0; c < channels; c++) {
                    gamma[c] = (float) Math.sqrt(stats[1][c] + eps);
                }
                // y = (x - m) / sqrt(v + eps) * sqrt(v + eps) + m = x in eval mode.
                weights.put(bn + ".weight", manager.create(gamma));
                weights.put(bn + ".bias", manager.create(stats[0]));
                weights.put(bn + ".running_mean", manager.create(stats[0]));
                weights.put(bn + ".running_var", manager.create(stats[1]));
            }
            JsonObject step = new JsonObject();
            step.addProperty("op", "deepen");
            step.addProperty("after", after);
            step.addProperty("layer", base);
            step.addProperty("kernel", identity instanceof Layer.Conv2d ? options.kernel() : 1);
            step.addProperty("batchnorm", options.batchnorm());
            if (options.batchnorm()) {
                step.addProperty("stats_samples", options.statsInput().getShape().get(0));
            }
            return new Network(deeper, weights, Arrays2.append(teacher.history(), step), teacher.preprocessing(), manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Dense: the identity matrix. Conv: 1 at [i, i, centre, centre], centre = (k - 1) / 2. */
    static float[] identityWeights(Layer layer, int channels) {
        if (layer instanceof Layer.Dense) {
            float[] w = new float[channels * channels];
            for (int i = 0; i < channels; i++) {
                w[i * channels + i] = 1f;
            }
            return w;
        }
        int k = ((Layer.Conv2d) layer).kernel();
        int centre = (k - 1) / 2;
        float[] w = new float[channels * channels * k * k];
        for (int i = 0; i < channels; i++) {
            w[((i * channels + i) * k + centre) * k + centre] = 1f;
        }
        return w;
    }

    /**
     * Per-channel mean and biased variance of the teacher's activations after its first
     * {@code layerCount} layers, over batch and (for images) spatial positions.
     */
    static float[][] channelStatistics(Network teacher, int layerCount, NDArray input) {
        try (NDManager scratch = teacher.manager().newSubManager()) {
            NDArray x = input.duplicate();
            x.attach(scratch);
            NDArray h = DjlNetwork.prefix(teacher, layerCount).forward(x, false);
            h.attach(scratch);
            // [N, C, H, W] -> [C, N*H*W]; [N, D] -> [D, N]: one row per channel.
            long channels = h.getShape().get(1);
            NDArray rows = h.getShape().dimension() == 4
                    ? h.transpose(1, 0, 2, 3).reshape(channels, -1) : h.transpose(1, 0);
            NDArray mean = rows.mean(new int[] {1}, true);
            NDArray var = rows.sub(mean).square().mean(new int[] {1});
            mean = mean.reshape(channels);
            return new float[][] {mean.toFloatArray(), var.toFloatArray()};
        }
    }

    private static String freeName(Architecture arch, String name) {
        String candidate = name;
        for (int i = 2; arch.names().contains(candidate); i++) {
            candidate = name + i;
        }
        return candidate;
    }

    private static String relus(Architecture arch) {
        List<String> names = arch.layers().stream().filter(l -> l instanceof Layer.Relu).map(Layer::name).toList();
        return names.isEmpty() ? "this network has none" : String.join(", ", names);
    }
}
