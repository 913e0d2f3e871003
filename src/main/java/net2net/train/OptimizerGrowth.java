package net2net.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net2net.spec.Architecture;
import net2net.transform.GradientMap;

/**
 * Grows an optimizer's state with the network (docs/optimizer-growth.md). After a widening
 * without noise, the student's own gradients along the teacher's trajectory would have been the
 * teacher's under the {@link GradientMap gradient map} (rows divided by c, columns copied), so:
 * a momentum buffer (a weighted sum of gradients) and Adam's first moment map with it; Adam's second
 * moment (a weighted sum of squared gradients) maps with its square (rows divided by c^2); Adam's
 * step count is kept. Parameters a transform adds (an identity block's) start with zero state.
 *
 * <p>Exact for momentum only without coupled weight decay: SGD's {@code weight_decay} adds wd*w
 * to the buffer, and w maps the other way (rows copied, not divided). AdamW's decay is decoupled
 * and never enters its moments.
 */
public final class OptimizerGrowth {
    private OptimizerGrowth() {}

    /**
     * The state after the widenings, for the student: new arrays in {@code manager} (the input is
     * not changed), to hand to {@link Optimizer#setState}.
     */
    public static Map<String, Optimizer.State> widened(
            Map<String, Optimizer.State> state,
            Architecture teacher,
            List<GradientMap.Widening> widenings,
            NDManager manager) {
        return mapped(state, (arrays, power) -> GradientMap.apply(teacher, widenings, arrays, power, manager));
    }

    /** A map of arrays by state_dict name: power 1 for gradients and first moments, 2 for second moments. */
    @FunctionalInterface
    public interface MomentMap {
        Map<String, NDArray> apply(Map<String, NDArray> arrays, int power);
    }

    /**
     * Every parameter's state through {@code map}: momentum and Adam's first moment with power 1, Adam's
     * second moment with power 2, Adam's step count kept. A parameter the map does not return has no state
     * afterwards (it starts from zero).
     */
    public static Map<String, Optimizer.State> mapped(Map<String, Optimizer.State> state, MomentMap map) {
        Map<String, NDArray> velocity = new LinkedHashMap<>();
        Map<String, NDArray> first = new LinkedHashMap<>();
        Map<String, NDArray> second = new LinkedHashMap<>();
        state.forEach((k, s) -> {
            if (s instanceof Optimizer.Momentum m) {
                velocity.put(k, m.velocity());
            } else {
                Optimizer.Adam a = (Optimizer.Adam) s;
                first.put(k, a.firstMoment());
                second.put(k, a.secondMoment());
            }
        });
        Map<String, NDArray> v = map.apply(velocity, 1);
        Map<String, NDArray> m1 = map.apply(first, 1);
        Map<String, NDArray> m2 = map.apply(second, 2);
        Map<String, Optimizer.State> grown = new LinkedHashMap<>();
        state.forEach((k, s) -> {
            if (s instanceof Optimizer.Momentum && v.containsKey(k)) {
                grown.put(k, new Optimizer.Momentum(v.get(k)));
            } else if (s instanceof Optimizer.Adam a && m1.containsKey(k)) {
                grown.put(k, new Optimizer.Adam(m1.get(k), m2.get(k), a.steps()));
            }
        });
        return grown;
    }

    /**
     * The state after a transform that adds parameters and keeps the others as they are (Net2DeeperNet's
     * identity layer or block): every kept parameter keeps its state (copied into {@code manager}), the new
     * ones have none, so they start from zero (and, under Adam, from step 0, so with fresh bias correction).
     *
     * @param student the student's trainable parameters and their shapes
     * @throws IllegalArgumentException if a parameter with state is gone or changed shape: that transform
     *                                  is not one that only adds parameters
     */
    public static Map<String, Optimizer.State> deepened(
            Map<String, Optimizer.State> state, Map<String, Shape> student, NDManager manager) {
        Map<String, Optimizer.State> kept = new LinkedHashMap<>();
        state.forEach((k, s) -> {
            Shape shape = student.get(k);
            NDArray any = s instanceof Optimizer.Momentum m ? m.velocity() : ((Optimizer.Adam) s).firstMoment();
            if (shape == null || !shape.equals(any.getShape())) {
                throw new IllegalArgumentException("parameter " + k
                        + (shape == null
                                ? " is not in the student"
                                : " changed shape from " + any.getShape() + " to " + shape)
                        + "; only a transform that adds parameters keeps the others' state as it is");
            }
            kept.put(
                    k,
                    s instanceof Optimizer.Momentum m
                            ? new Optimizer.Momentum(copy(m.velocity(), manager))
                            : new Optimizer.Adam(
                                    copy(a(s).firstMoment(), manager),
                                    copy(a(s).secondMoment(), manager),
                                    a(s).steps()));
        });
        return kept;
    }

    /** The parameters of {@code student} that {@link #deepened} leaves without state: the new ones. */
    public static Set<String> fresh(Map<String, Optimizer.State> state, Map<String, Shape> student) {
        Set<String> fresh = new LinkedHashSet<>(student.keySet());
        fresh.removeAll(state.keySet());
        return fresh;
    }

    private static Optimizer.Adam a(Optimizer.State s) {
        return (Optimizer.Adam) s;
    }

    private static NDArray copy(NDArray a, NDManager manager) {
        NDArray c = a.duplicate();
        c.attach(manager);
        return c;
    }
}
