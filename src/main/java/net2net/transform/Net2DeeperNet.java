package net2net.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import net2net.Net2NetException;
import net2net.nn.DjlNetwork;
import net2net.nn.Initialization;
import net2net.nn.Network;
import net2net.nn.Sizes;
import net2net.nn.Step;
import net2net.spec.Architecture;
import net2net.spec.Layer;

/**
 * Net2DeeperNet, two ways.
 * <ul>
 *   <li>Plain (the paper's): inserts an identity layer U after a ReLU, followed by a ReLU (and
 *       optionally a batchnorm between them). Since relu(relu(x)) = relu(x) and U x = x, the
 *       function is unchanged. Dense: U = I. Conv2d: a k x k kernel (k odd, same padding) with
 *       U[i, i, c, c] = 1 at the centre c = (k - 1) / 2 and zero elsewhere; zero padding keeps the
 *       borders exact. Only after an idempotent activation: a relu, or a residual block ending in
 *       one.</li>
 *   <li>Residual: inserts a block {@code x + body(x)} with body conv-bn-relu-conv-bn (dense-...
 *       for vectors) and no activation after the addition. The body's last batchnorm starts with
 *       gamma = beta = 0 (without batchnorms, its last conv/dense starts at zero), so body(x) = 0
 *       and the block is exactly the identity, in eval and training mode, after any layer and any
 *       activation, tanh included. The other new weights get PyTorch's default initialisation, so
 *       the zeroed parameters receive non-zero gradients from the first step.</li>
 * </ul>
 * The batchnorm cases are worked out in docs/math.md#batchnorm.
 */
public final class Net2DeeperNet {
    private Net2DeeperNet() {}

    /**
     * @param kernel     kernel size of an inserted conv (ignored for dense); odd
     * @param batchnorm  plain: insert a batchnorm after U, set so that it is the identity in eval
     *                   mode; residual: the body is conv-bn-relu-conv-bn rather than conv-relu-conv
     * @param statsInput a batch of teacher inputs to measure the plain batchnorm's statistics on
     *                   (required for a plain batchnorm); the teacher is only read
     * @param name       base name of the new layers, or null for {@code <after>_id} ({@code <after>_res})
     * @param residual   insert an identity residual block instead of an identity layer
     * @param seed       seed of a residual body's initialisation
     */
    public record Options(int kernel, boolean batchnorm, NDArray statsInput, String name, boolean residual, long seed) {
        public Options {
            if (kernel < 1 || kernel % 2 == 0) {
                throw new Net2NetException("--kernel must be a positive odd number (1, 3, 5, ...), got " + kernel);
            }
            if (batchnorm && !residual && statsInput == null) {
                throw new IllegalArgumentException("a batchnorm needs a batch of inputs to measure its statistics");
            }
        }

        public Options(int kernel, boolean batchnorm, NDArray statsInput, String name) {
            this(kernel, batchnorm, statsInput, name, false, 0);
        }

        public static Options plain() {
            return new Options(3, false, null, null);
        }

        /** An identity residual block: conv-bn-relu-conv-bn body (without {@code batchnorm}: conv-relu-conv). */
        public static Options residual(int kernel, boolean batchnorm, String name, long seed) {
            return new Options(kernel, batchnorm, null, name, true, seed);
        }
    }

    public static Network deepen(Network teacher, String after, Options options) {
        Architecture arch = teacher.architecture();
        if (options.name() != null && arch.names().contains(options.name())) {
            throw new Net2NetException(
                    "--name " + options.name() + " is taken by a layer of the model; choose a new name");
        }
        Architecture.Located at = arch.locate(after);
        if (options.residual()) {
            return deepenResidual(teacher, at, options);
        }
        Layer activation = at.layer();
        if (activation instanceof Layer.Tanh
                || activation instanceof Layer.Residual r && r.activation() == Layer.Residual.Activation.TANH) {
            throw new Net2NetException("'" + after
                    + "' ends in a tanh, which is not idempotent (tanh(tanh(x)) != tanh(x)), so an identity layer "
                    + "after it would change the function; deepen with --residual (an identity residual block, exact after any activation) "
                    + "or after a relu");
        }
        boolean idempotent = activation instanceof Layer.Relu
                || activation instanceof Layer.Residual r && r.activation() == Layer.Residual.Activation.RELU;
        if (!idempotent) {
            throw new Net2NetException(
                    "'" + after + "' is a " + activation.kind() + "; Net2DeeperNet inserts after a relu, "
                            + "where relu(U relu(x)) = relu(x) with U = I: name a relu layer (" + relus(arch)
                            + "), or use --residual to insert an identity residual block after any layer");
        }
        Shape shape = activation.outputShape(at.input());
        List<String> taken = new ArrayList<>(arch.names());
        String base = fresh(taken, options.name() != null ? options.name() : after + "_id");
        Layer identity = shape.dimension() == 3
                ? new Layer.Conv2d(base, Math.toIntExact(shape.get(0)), options.kernel(), true)
                : new Layer.Dense(base, Math.toIntExact(shape.get(0)), true);
        List<Layer> inserted = new ArrayList<>();
        inserted.add(identity);
        if (options.batchnorm()) {
            inserted.add(new Layer.BatchNorm(fresh(taken, base + "_bn")));
        }
        inserted.add(new Layer.Relu(fresh(taken, base + "_relu")));
        Architecture deeper = arch.insertAfter(after, inserted);
        Sizes.requireFits(deeper, arch, "the deepened network");

        return Students.build(teacher, (weights, manager) -> {
            int channels = Math.toIntExact(shape.get(0));
            String key = deeper.key(base);
            weights.put(
                    key + ".weight",
                    manager.create(
                            identityWeights(identity, channels),
                            deeper.parameterShapes().get(key + ".weight")));
            weights.put(key + ".bias", manager.zeros(new Shape(channels)));
            if (options.batchnorm()) {
                String bn = deeper.key(inserted.get(1).name());
                float[][] stats = channelStatistics(teacher, after, options.statsInput());
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
            Long statsSamples =
                    options.batchnorm() ? options.statsInput().getShape().get(0) : null;
            int kernel = identity instanceof Layer.Conv2d ? options.kernel() : 1;
            return new Students.Grown(
                    deeper, new Step.Deepen(after, base, false, kernel, options.batchnorm(), statsSamples, null, null));
        });
    }

    /** Inserts act-free {@code x + body(x)} with body(x) = 0 exactly: the last batchnorm (or layer) starts at zero. */
    private static Network deepenResidual(Network teacher, Architecture.Located at, Options options) {
        Architecture arch = teacher.architecture();
        Shape shape = at.layer().outputShape(at.input());
        int channels = Math.toIntExact(shape.get(0));
        boolean image = shape.dimension() == 3;
        List<String> taken = new ArrayList<>(arch.names());
        String base = fresh(taken, options.name() != null ? options.name() : at.name() + "_res");
        List<Layer> body = new ArrayList<>();
        body.add(mixing(image, fresh(taken, base + (image ? "_conv1" : "_fc1")), channels, options.kernel()));
        if (options.batchnorm()) {
            body.add(new Layer.BatchNorm(fresh(taken, base + "_bn1")));
        }
        body.add(new Layer.Relu(fresh(taken, base + "_relu")));
        body.add(mixing(image, fresh(taken, base + (image ? "_conv2" : "_fc2")), channels, options.kernel()));
        if (options.batchnorm()) {
            body.add(new Layer.BatchNorm(fresh(taken, base + "_bn2")));
        }
        Layer.Residual block = new Layer.Residual(base, body, null);
        Architecture deeper = arch.insertAfter(at.name(), List.of(block));
        Sizes.requireFits(deeper, arch, "the deepened network");

        return Students.build(teacher, (weights, manager) -> {
            List<String> added = deeper.parameterShapes().keySet().stream()
                    .filter(k -> !weights.containsKey(k))
                    .toList();
            weights.putAll(Initialization.parameters(deeper, added, options.seed(), manager));
            // body(x) = gamma * xhat + beta = 0 with gamma = beta = 0, whatever xhat (batch or running
            // statistics); without batchnorm, W h + b = 0 with W = 0, b = 0.
            String last = deeper.key(body.get(body.size() - 1).name());
            weights.put(
                    last + ".weight",
                    manager.zeros(weights.get(last + ".weight").getShape()));
            weights.put(
                    last + ".bias", manager.zeros(weights.get(last + ".bias").getShape()));
            int kernel = image ? options.kernel() : 1;
            return new Students.Grown(
                    deeper,
                    new Step.Deepen(at.name(), base, true, kernel, options.batchnorm(), null, options.seed(), null));
        });
    }

    private static Layer mixing(boolean image, String name, int channels, int kernel) {
        return image ? new Layer.Conv2d(name, channels, kernel, true) : new Layer.Dense(name, channels, true);
    }

    /** {@code name}, or {@code name2}, {@code name3}, ... : the first not in {@code taken}, which it joins. */
    private static String fresh(List<String> taken, String name) {
        String candidate = name;
        for (int i = 2; taken.contains(candidate); i++) {
            candidate = name + i;
        }
        taken.add(candidate);
        return candidate;
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
     * Per-channel mean and biased variance of the teacher's activations right after the layer
     * {@code after} (anywhere in the tree), over batch and (for images) spatial positions.
     */
    static float[][] channelStatistics(Network teacher, String after, NDArray input) {
        try (NDManager scratch = teacher.manager().newSubManager()) {
            NDArray x = input.duplicate();
            x.attach(scratch);
            NDArray h = DjlNetwork.upTo(teacher, after).forward(x, false);
            h.attach(scratch);
            // [N, C, H, W] -> [C, N*H*W]; [N, D] -> [D, N]: one row per channel.
            long channels = h.getShape().get(1);
            NDArray rows =
                    h.getShape().dimension() == 4 ? h.transpose(1, 0, 2, 3).reshape(channels, -1) : h.transpose(1, 0);
            NDArray mean = rows.mean(new int[] {1}, true);
            NDArray var = rows.sub(mean).square().mean(new int[] {1});
            mean = mean.reshape(channels);
            return new float[][] {mean.toFloatArray(), var.toFloatArray()};
        }
    }

    private static String relus(Architecture arch) {
        List<String> names = arch.all().stream()
                .filter(l -> l.layer() instanceof Layer.Relu)
                .map(Architecture.Located::name)
                .toList();
        return names.isEmpty() ? "this network has none" : String.join(", ", names);
    }
}
