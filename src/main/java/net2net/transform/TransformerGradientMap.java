package net2net.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.spec.TransformerLayers;

/**
 * The gradient map of the token-model widenings of {@link TransformerWidening} without noise
 * (docs/optimizer-growth.md#token-models): how the student's gradients at the grown point follow from
 * the teacher's, entry by entry, as a gather along one axis times a factor.
 * <ul>
 *   <li><b>FFN hidden units</b> and <b>heads</b>: Net2WiderNet's map. A unit (head) copied c times:
 *   its incoming rows (fc, gate and up rows; q rows by query head, k and v rows by kv head) get 1/c
 *   of the teacher's gradient, its outgoing columns (the second dense, down, o) the teacher's.</li>
 *   <li><b>The stream</b> d to q = k d + r, s = k d / q: every copy of entry i carries x_i, every
 *   reader's copied column is divided by k, so the error on a copy is 1/k of the teacher's (exactly
 *   when r = 0, or with RMSNorm; with LayerNorm and r &gt; 0 it is off by (1 - s) mean(gamma * dy) /
 *   (k sigma), a term no teacher gradient holds). Writers' rows and the embeddings' columns get 1/k;
 *   readers' copied columns the teacher's; a norm's gain 1/(k sqrt(s)) (it multiplies N(x) / sqrt(s)),
 *   its bias 1/k; a tied head's final norm, read by undivided embedding columns, 1/sqrt(s) and 1.
 *   Remainder entries: no rule, zero (exactly their gradient with RMSNorm, none with LayerNorm).</li>
 *   <li><b>head_dim</b>: no rule (q rows are rescaled, new rows are zero or random): the attention's
 *   projections are left out, so they start from zero state.</li>
 * </ul>
 * Everything else gets the teacher's gradient unchanged: the function is the same and nothing else
 * reads the changed entries.
 */
public final class TransformerGradientMap {
    private TransformerGradientMap() {}

    /** One token-model widening, as {@code widen --layer LAYER --width|--heads|--head-dim VALUE --seed SEED} did it. */
    public sealed interface Widening permits Width, Heads, HeadDim {
        String layer();
    }

    /** {@link TransformerWidening#widen}: an FFN's hidden units or the stream, by the layer named. */
    public record Width(String layer, int width, long seed) implements Widening {}

    /** {@link TransformerWidening#growHeads}. */
    public record Heads(String layer, int heads, long seed) implements Widening {}

    /** {@link TransformerWidening#growHeadDim}: no rule. */
    public record HeadDim(String layer, int headDim) implements Widening {}

    /**
     * Entry j of the student's array along {@code axis} is factor[j] times entry src[j] of the
     * teacher's (src[j] &lt; 0: zero, a site with no rule).
     */
    record Rule(int axis, int[] src, double[] factor) {}

    /**
     * Maps arrays keyed by state_dict name (gradients or per-parameter optimizer state) through one
     * widening of {@code teacher}: power 1 for gradients and state linear in them, 2 for Adam's second
     * moment (factors squared). Keys of the head_dim widening's projections are left out (zero state).
     *
     * @return new arrays in {@code manager}; the inputs are not changed
     */
    public static Map<String, NDArray> apply(
            Architecture teacher, Widening widening, Map<String, NDArray> arrays, int power, NDManager manager) {
        if (power != 1 && power != 2) {
            throw new IllegalArgumentException("power is 1 or 2, got " + power);
        }
        Map<String, Rule> rules = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        Architecture.Located at = teacher.locate(widening.layer());
        if (widening instanceof HeadDim) {
            dropped.add(at.key() + ".");
        } else if (widening instanceof Heads h) {
            heads(at, h, rules);
        } else if (at.layer() instanceof TransformerLayers.GatedMlp
                || at.layer() instanceof Layer.Dense && !TransformerWidening.streamWriter(teacher, at)) {
            ffn(teacher, at, (Width) widening, rules);
        } else {
            stream(teacher, ((Width) widening).width(), rules);
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (NDManager scratch = manager.newSubManager()) {
            for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                String key = e.getKey();
                if (dropped.stream().anyMatch(key::startsWith)) {
                    continue;
                }
                Rule rule = rules.get(key);
                NDArray mapped = rule == null ? e.getValue().duplicate() : map(e.getValue(), rule, power, scratch);
                mapped.attach(manager);
                out.put(key, mapped);
            }
        }
        return out;
    }

    private static NDArray map(NDArray a, Rule rule, int power, NDManager scratch) {
        int n = rule.src().length;
        long[] index = new long[n];
        double[] factor = new double[n];
        for (int j = 0; j < n; j++) {
            index[j] = Math.max(rule.src()[j], 0);
            factor[j] = rule.src()[j] < 0 ? 0 : Math.pow(rule.factor()[j], power);
        }
        NDArray idx = scratch.create(index);
        NDArray gathered = rule.axis() == 0 ? a.get(idx) : a.get(new NDIndex(":, {}", idx));
        gathered.attach(scratch);
        long[] shape = new long[a.getShape().dimension()];
        Arrays.fill(shape, 1);
        shape[rule.axis()] = n;
        NDArray f = scratch.create(factor, new Shape(shape)).toType(a.getDataType(), false);
        NDArray result = gathered.mul(f);
        result.attach(scratch);
        return result;
    }

    /** Rows (weight and bias) of a projection: src and factor per output entry. */
    private static void rows(Map<String, Rule> rules, String module, int[] src, double[] factor) {
        rules.put(module + ".weight", new Rule(0, src, factor));
        rules.put(module + ".bias", new Rule(0, src, factor));
    }

    private static double[] constant(int n, double v) {
        double[] f = new double[n];
        Arrays.fill(f, v);
        return f;
    }

    /** 1/count[map[j]]: the incoming side of units copied by {@code map}. */
    private static double[] inverseCounts(int[] map, int n) {
        int[] count = Net2WiderNet.counts(map, n);
        double[] f = new double[map.length];
        for (int j = 0; j < map.length; j++) {
            f[j] = 1.0 / count[map[j]];
        }
        return f;
    }

    private static void ffn(Architecture arch, Architecture.Located at, Width w, Map<String, Rule> rules) {
        // the transform draws its mapping first from a fresh SplittableRandom(seed): the same map
        String key = at.key();
        if (at.layer() instanceof TransformerLayers.GatedMlp g) {
            int[] map = HostWeights.mapping(g.hidden(), w.width(), new SplittableRandom(w.seed()));
            double[] f = inverseCounts(map, g.hidden());
            rows(rules, key + ".gate_proj", map, f);
            rows(rules, key + ".up_proj", map, f);
            rules.put(key + ".down_proj.weight", new Rule(1, map, constant(map.length, 1)));
            return;
        }
        Layer.Dense fc = (Layer.Dense) at.layer();
        int[] map = HostWeights.mapping(fc.units(), w.width(), new SplittableRandom(w.seed()));
        rows(rules, key, map, inverseCounts(map, fc.units()));
        String prefix = key.substring(0, key.length() - at.name().length());
        List<Layer> list = arch.list(at.parent());
        for (int i = at.index() + 1; i < list.size(); i++) {
            if (list.get(i) instanceof Layer.Dense reader) {
                rules.put(prefix + reader.name() + ".weight", new Rule(1, map, constant(map.length, 1)));
                return;
            }
        }
    }

    private static void heads(Architecture.Located at, Heads h, Map<String, Rule> rules) {
        TransformerLayers.Attention a = (TransformerLayers.Attention) at.layer();
        int[][] maps = TransformerWidening.headMaps(a, h.heads(), new SplittableRandom(h.seed()));
        int hd = a.headDim();
        int[] q = HostWeights.blocks(maps[0], hd);
        int[] kv = HostWeights.blocks(maps[1], hd);
        double[] fq = blocks(inverseCounts(maps[0], a.heads()), hd);
        double[] fkv = blocks(inverseCounts(maps[1], a.kvHeads()), hd);
        String key = at.key();
        rows(rules, key + ".q_proj", q, fq);
        rows(rules, key + ".k_proj", kv, fkv);
        rows(rules, key + ".v_proj", kv, fkv);
        rules.put(key + ".o_proj.weight", new Rule(1, q, constant(q.length, 1)));
    }

    private static double[] blocks(double[] perHead, int block) {
        double[] out = new double[perHead.length * block];
        for (int i = 0; i < out.length; i++) {
            out[i] = perHead[i / block];
        }
        return out;
    }

    private static void stream(Architecture arch, int width, Map<String, Rule> rules) {
        int d = ((TransformerLayers.Embedding) arch.layers().get(0)).dim();
        int k = width / d;
        double s = (double) k * d / width;
        int[] src = new int[width];
        for (int i = 0; i < width; i++) {
            src[i] = i < k * d ? i % d : -1;
        }
        List<Architecture.Located> norms = new ArrayList<>();
        List<Architecture.Located> readers = new ArrayList<>();
        List<Architecture.Located> writers = new ArrayList<>();
        TransformerWidening.classify(arch, norms, readers, writers, new LinkedHashMap<>());
        boolean tied = arch.layers().stream().anyMatch(l -> l instanceof TransformerLayers.LmHead h && h.tied());
        Architecture.Located finalNorm = norms.stream()
                .filter(Architecture.Located::topLevel)
                .reduce((x, y) -> y)
                .orElse(null);
        // writers: the error on every copy is 1/k of the teacher's
        for (Architecture.Located l : writers) {
            String key = l.key();
            if (l.layer() instanceof TransformerLayers.Embedding
                    || l.layer() instanceof TransformerLayers.PositionEmbedding) {
                rules.put(key + ".weight", new Rule(1, src, constant(width, 1.0 / k)));
            } else {
                String module = l.layer() instanceof TransformerLayers.Attention
                        ? key + ".o_proj"
                        : l.layer() instanceof TransformerLayers.GatedMlp ? key + ".down_proj" : key;
                rows(rules, module, src, constant(width, 1.0 / k));
            }
        }
        // norms: gain' = gain sqrt(s) multiplies N(x)/sqrt(s); a tied head's final norm is read undivided
        for (Architecture.Located n : norms) {
            boolean undivided = tied && n == finalNorm;
            rules.put(
                    n.key() + ".weight", new Rule(0, src, constant(width, 1.0 / ((undivided ? 1 : k) * Math.sqrt(s)))));
            rules.put(n.key() + ".bias", new Rule(0, src, constant(width, undivided ? 1 : 1.0 / k)));
        }
        // readers: a copied column reads the teacher's activation and the teacher's error above
        for (Architecture.Located l : readers) {
            for (String module : TransformerWidening.readerModules(l)) {
                rules.put(module + ".weight", new Rule(1, src, constant(width, 1)));
            }
        }
    }
}
