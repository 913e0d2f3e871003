package net2net.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.SplittableRandom;
import net2net.nn.Initialization;
import net2net.nn.Network;
import net2net.nn.Sizes;
import net2net.nn.Step;
import net2net.spec.Architecture;

/**
 * The paper's "random pad" baseline: the same wider architecture as Net2WiderNet, but the teacher's
 * units are kept as they are and the new units get fresh random weights (PyTorch's default
 * initialisation), both incoming and outgoing. The function is not preserved. Shares only the
 * producer-to-consumer walk with Net2WiderNet, none of its weight mapping.
 */
public final class RandomPad {
    private RandomPad() {}

    public static Network pad(Network teacher, String layer, int width, long seed) {
        Architecture arch = teacher.architecture();
        WideningPath path = WideningPath.find(arch, layer);
        int q = path.streamWidth(layer, width);
        Architecture wider = path.widened(arch, q);
        Sizes.requireFits(wider, arch, "the padded network");
        SplittableRandom rng = new SplittableRandom(seed);
        int added = q - path.units();
        return Students.build(teacher, (weights, scratch) -> {
            Map<String, Shape> newShapes = wider.parameterShapes();
            // Every writer of a residual stream gets fresh new units, so the shapes still add up.
            for (WideningPath.Site w : path.writers()) {
                double bound = 1 / Math.sqrt(fanIn(newShapes.get(w.key() + ".weight")));
                appendRows(weights, w.key() + ".weight", added * w.block(), bound, rng, scratch);
                appendRows(weights, w.key() + ".bias", added * w.block(), bound, rng, scratch);
            }
            for (WideningPath.Site bn : path.batchnorms()) {
                // a fresh batchnorm channel: weight 1, bias 0, running mean 0, running variance 1
                int n = added * bn.block();
                appendConstant(weights, bn.key() + ".weight", n, 1f, scratch);
                appendConstant(weights, bn.key() + ".bias", n, 0f, scratch);
                appendConstant(weights, bn.key() + ".running_mean", n, 0f, scratch);
                appendConstant(weights, bn.key() + ".running_var", n, 1f, scratch);
            }
            // New reader columns: the new channels come last, so in NCHW flatten order their
            // H*W blocks are the last columns too.
            for (WideningPath.Site r : path.readers()) {
                String consumer = r.key() + ".weight";
                NDArray w = weights.get(consumer);
                Shape extra = w.getShape().dimension() == 4
                        ? new Shape(
                                w.getShape().get(0),
                                added,
                                w.getShape().get(2),
                                w.getShape().get(3))
                        : new Shape(w.getShape().get(0), (long) added * r.block());
                NDArray fresh = random(extra, 1 / Math.sqrt(fanIn(newShapes.get(consumer))), rng, scratch);
                weights.put(consumer, Students.inScratch(w.concat(fresh, 1), scratch));
            }

            return new Students.Grown(wider, new Step.Pad(layer, width, seed, null));
        });
    }

    private static long fanIn(Shape weight) {
        return weight.size() / weight.get(0);
    }

    private static void appendRows(
            Map<String, NDArray> weights,
            String key,
            int added,
            double bound,
            SplittableRandom rng,
            NDManager scratch) {
        NDArray a = weights.get(key);
        if (a != null) {
            Shape rows = new Shape(added).addAll(a.getShape().slice(1));
            weights.put(key, Students.inScratch(a.concat(random(rows, bound, rng, scratch), 0), scratch));
        }
    }

    private static void appendConstant(
            Map<String, NDArray> weights, String key, int added, float value, NDManager scratch) {
        NDArray a = weights.get(key);
        weights.put(key, Students.inScratch(a.concat(scratch.full(new Shape(added), value), 0), scratch));
    }

    private static NDArray random(Shape shape, double bound, SplittableRandom rng, NDManager manager) {
        float[] v = new float[Math.toIntExact(shape.size())];
        Initialization.fillUniform(v, bound, rng);
        return manager.create(v, shape);
    }
}
