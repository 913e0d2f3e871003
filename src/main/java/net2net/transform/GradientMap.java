package net2net.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net2net.Net2NetException;
import net2net.spec.Architecture;

/**
 * The gradient map of a Net2WiderNet widening without noise: how the student's gradients at the
 * grown point follow from the teacher's. Unit k of the teacher, replicated c = count[k] times:
 * <ul>
 *   <li>every incoming parameter of a copy (a writer's rows, its bias, a batchnorm's weight and
 *       bias) gets the teacher's gradient divided by c: the reader sums the c copies with columns
 *       W[:, k] / c, so each copy's output carries 1/c of the loss's sensitivity to unit k;</li>
 *   <li>every outgoing column of a copy (a reader's input columns) gets the teacher's full
 *       gradient: its input, the copy's activation, equals the teacher's unit k, and the error
 *       above the reader is the teacher's (the function is unchanged);</li>
 *   <li>everything else (a reader's bias, layers the widening does not touch) gets the teacher's
 *       gradient unchanged.</li>
 * </ul>
 * So rows are gathered with g and divided by c, columns gathered with g: the transpose of the
 * weight map (rows copied, columns divided). Optimizer state that is linear in the gradients
 * (SGD's momentum buffer, Adam's first moment) maps with it ({@code power} 1); state quadratic in
 * them (Adam's second moment) maps with its square: rows divided by c^2 ({@code power} 2). See
 * docs/optimizer-growth.md for the derivation and its limits.
 *
 * <p>The sites are {@link WideningPath}'s: the same writers, batchnorms and readers, across
 * residual streams and flattens (a unit spans {@code block} entries there), as the weights.
 */
public final class GradientMap {
    private GradientMap() {}

    /**
     * One widening as Net2WiderNet applied it.
     *
     * @param layer the layer named (any writer of its stream)
     * @param g     the mapping: student unit j is a copy of teacher unit g[j]; g.length is the new width in
     *              stream units (channels behind a flatten)
     */
    public record Widening(String layer, int[] g) {
        public Widening {
            g = g.clone();
        }

        @Override
        public int[] g() {
            return g.clone();
        }
    }

    /**
     * Applies the gradient map of {@code widenings}, in order (each on the architecture the previous
     * one left, as Net2WiderNet widens in execution order), to arrays keyed by state_dict name:
     * gradients or per-parameter optimizer state. Only keys present are mapped (a parameter with no
     * state yet stays absent); batchnorm running statistics are not gradients and are refused.
     *
     * @param teacher the architecture the arrays belong to
     * @param power   1 for gradients and state linear in them, 2 for state quadratic in them
     * @return new arrays, in {@code manager}, under the same keys; the inputs are not changed
     */
    public static Map<String, NDArray> apply(
            Architecture teacher, List<Widening> widenings, Map<String, NDArray> arrays, int power, NDManager manager) {
        if (power != 1 && power != 2) {
            throw new IllegalArgumentException(
                    "power is 1 (gradients, momentum, Adam's first moment) or 2 (Adam's second moment), got " + power);
        }
        for (String key : arrays.keySet()) {
            if (key.endsWith(".running_mean") || key.endsWith(".running_var")) {
                throw new IllegalArgumentException(
                        key
                                + " is a batchnorm statistic, not a trainable parameter: it has no gradient or optimizer state");
            }
        }
        Architecture arch = teacher;
        Map<String, NDArray> current = new LinkedHashMap<>(arrays);
        try (NDManager scratch = manager.newSubManager()) {
            for (Widening w : widenings) {
                WideningPath path = WideningPath.find(arch, w.layer());
                int[] g = w.g();
                int[] count = validCounts(g, path.units(), w.layer());
                for (WideningPath.Site writer : path.writers()) {
                    rows(current, writer.key() + ".weight", g, count, writer.block(), power, scratch);
                    rows(current, writer.key() + ".bias", g, count, writer.block(), power, scratch);
                }
                for (WideningPath.Site bn : path.batchnorms()) {
                    rows(current, bn.key() + ".weight", g, count, bn.block(), power, scratch);
                    rows(current, bn.key() + ".bias", g, count, bn.block(), power, scratch);
                }
                for (WideningPath.Site reader : path.readers()) {
                    columns(current, reader.key() + ".weight", g, reader.block(), scratch);
                }
                arch = path.widened(arch, g.length);
            }
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : current.entrySet()) {
                NDArray a = e.getValue();
                // untouched arrays are still the caller's: copy them, so the result never shares storage with the input
                NDArray owned = arrays.get(e.getKey()) == a ? a.duplicate() : a;
                owned.attach(manager);
                out.put(e.getKey(), owned);
            }
            return out;
        }
    }

    /** count[k] = |g^-1(k)|, refusing a g that is not a widening of n units. */
    private static int[] validCounts(int[] g, int n, String layer) {
        if (g.length < n) {
            throw new Net2NetException("the mapping for '" + layer + "' has " + g.length + " units but the layer has "
                    + n + "; a widening mapping has at least as many entries as units");
        }
        for (int k : g) {
            if (k < 0 || k >= n) {
                throw new Net2NetException(
                        "the mapping for '" + layer + "' sends a unit to " + k + ", outside 0.." + (n - 1));
            }
        }
        int[] count = Net2WiderNet.counts(g, n);
        for (int k = 0; k < n; k++) {
            if (count[k] == 0) {
                throw new Net2NetException(
                        "the mapping for '" + layer + "' drops unit " + k + "; every unit must keep at least one copy");
            }
        }
        return count;
    }

    /** Incoming side: rows gathered with g, divided by count^power (a unit spans {@code block} rows). */
    private static void rows(
            Map<String, NDArray> arrays, String key, int[] g, int[] count, int block, int power, NDManager scratch) {
        NDArray a = arrays.get(key);
        if (a == null) {
            return;
        }
        NDArray gathered = a.get(scratch.create(Net2WiderNet.expand(g, block)));
        gathered.attach(scratch);
        double[] divisor = new double[g.length * block];
        for (int j = 0; j < g.length; j++) {
            Arrays.fill(divisor, j * block, (j + 1) * block, Math.pow(count[g[j]], power));
        }
        long[] shape = new long[a.getShape().dimension()];
        Arrays.fill(shape, 1);
        shape[0] = divisor.length;
        arrays.put(key, gathered.divi(scratch.create(divisor, new Shape(shape)).toType(a.getDataType(), false)));
    }

    /** Outgoing side: input columns gathered with g, not divided (whole H*W blocks after a flatten). */
    private static void columns(Map<String, NDArray> arrays, String key, int[] g, int block, NDManager scratch) {
        NDArray a = arrays.get(key);
        if (a == null) {
            return;
        }
        NDArray gathered = a.get(new NDIndex(":, {}", scratch.create(Net2WiderNet.expand(g, block))));
        gathered.attach(scratch);
        arrays.put(key, gathered);
    }
}
