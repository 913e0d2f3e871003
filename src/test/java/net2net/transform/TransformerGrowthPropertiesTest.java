package net2net.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net2net.nn.Network;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.spec.TransformerLayers;
import net2net.testing.RandomNetworks;
import net2net.testing.RandomTransformers;
import net2net.testing.Slow;

/**
 * Random GPT- and Llama-family transformers (random widths, heads, kv_heads, depths, norms, tied or
 * untied heads), grown by one to four random transforms in a row: the residual stream to any
 * larger width (multiples and not), an FFN, heads, head_dim (without RoPE), identity blocks. The logits stay within 1e-5
 * (relative) in float32, and within 1e-9 when the whole chain runs in float64; the teacher never changes.
 */
@Slow
class TransformerGrowthPropertiesTest {
    static final double FLOAT64_TOLERANCE = 1e-9;
    static final AtomicInteger cases = new AtomicInteger();
    static final Map<String, AtomicInteger> kinds = new TreeMap<>();
    static double worst32;
    static double worst64;

    /** One transform, applied alike to the float32 and the float64 chain. */
    interface Step {
        Network apply(Network n);
    }

    @Property(tries = 60)
    void growthPreservesTheLogits(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        boolean llama = rng.nextBoolean();
        Architecture arch = RandomTransformers.architecture(rng, llama);
        try (Network teacher = RandomTransformers.network(arch, rng);
                NDManager m = NDManager.newBaseManager()) {
            Map<String, float[]> before = RandomNetworks.snapshot(teacher);
            NDArray x = Verification.randomInputs(m, arch, 6, rng.nextLong());
            Network s32 = teacher;
            Network s64 = teacher.copy(DataType.FLOAT64);
            Network t64 = s64;
            List<String> done = new ArrayList<>();
            try {
                int steps = 1 + rng.nextInt(4);
                for (int i = 0; i < steps; i++) {
                    Architecture a = s32.architecture();
                    String[] what = new String[1];
                    Step step = randomStep(a, rng, what);
                    done.add(what[0]);
                    Network n32 = step.apply(s32);
                    Network n64 = step.apply(s64);
                    if (s32 != teacher) {
                        s32.close();
                    }
                    if (s64 != t64) {
                        s64.close();
                    }
                    s32 = n32;
                    s64 = n64;
                }
                Verification.Result r32 = Verification.compare(teacher, s32, x);
                Verification.Result r64 = Verification.compare(t64, s64, x, DataType.FLOAT64);
                worst32 = Math.max(worst32, r32.maxRelDiff());
                worst64 = Math.max(worst64, r64.maxRelDiff());
                assertTrue(
                        r32.maxRelDiff() <= Verification.TOLERANCE,
                        "float32 max_rel_diff " + r32.maxRelDiff() + " after " + done + " of " + arch);
                assertTrue(
                        r64.maxRelDiff() <= FLOAT64_TOLERANCE,
                        "float64 max_rel_diff " + r64.maxRelDiff() + " after " + done + " of " + arch);
                assertEquals(s32.architecture(), s64.architecture());
                TransformPropertiesTest.assertUnchanged(before, teacher);
                done.forEach(k -> kinds.computeIfAbsent(k.substring(0, k.indexOf(' ')), x2 -> new AtomicInteger())
                        .incrementAndGet());
                cases.incrementAndGet();
            } finally {
                if (s32 != teacher) {
                    s32.close();
                }
                if (s64 != t64) {
                    s64.close();
                }
                t64.close();
            }
        }
    }

    /** A random transform that applies to {@code a}; {@code what[0]} describes it. */
    static Step randomStep(Architecture a, SplittableRandom rng, String[] what) {
        TransformerWidening.Options options =
                new TransformerWidening.Options(rng.nextBoolean() ? Noise.EXACT : Noise.NONE, 0.1, rng.nextLong());
        List<Architecture.Located> attention = a.all().stream()
                .filter(l -> l.layer() instanceof TransformerLayers.Attention)
                .toList();
        List<Architecture.Located> ffn = a.all().stream()
                .filter(l -> l.layer() instanceof TransformerLayers.GatedMlp
                        || l.layer() instanceof Layer.Dense && !TransformerWidening.streamWriter(a, l))
                .toList();
        List<Architecture.Located> blocks = a.all().stream()
                .filter(l -> l.layer() instanceof Layer.Residual)
                .toList();
        switch (rng.nextInt(4)) {
            case 0 -> {
                int d = ((TransformerLayers.Embedding) a.layers().get(0)).dim();
                // a multiple of d half the time, any larger width otherwise
                int width = rng.nextBoolean() ? d * (1 + rng.nextInt(3)) : d + 1 + rng.nextInt(2 * d + 3);
                boolean plainNorms = a.all().stream()
                        .anyMatch(l -> l.layer() instanceof TransformerLayers.LayerNorm n && !n.affine());
                if (plainNorms) {
                    // a norm without weight takes no sqrt(s) (multiples only) and no 1/k for a tied head (refused: see
                    // TransformerGrowthTest)
                    boolean tied = ((TransformerLayers.LmHead)
                                    a.layers().get(a.layers().size() - 1))
                            .tied();
                    width = d * (tied ? 1 : 1 + rng.nextInt(3));
                }
                int w = width;
                List<Architecture.Located> writers = new ArrayList<>(attention);
                writers.add(a.all().get(0));
                String name = writers.get(rng.nextInt(writers.size())).name();
                what[0] = "stream " + name + " " + d + "->" + w + " "
                        + options.noise().key();
                return n -> TransformerWidening.widen(n, name, w, options);
            }
            case 1 -> {
                Architecture.Located l = ffn.get(rng.nextInt(ffn.size()));
                int units = l.layer() instanceof Layer.Dense dense
                        ? dense.units()
                        : ((TransformerLayers.GatedMlp) l.layer()).hidden();
                int width = units + rng.nextInt(2 * units + 2);
                what[0] = "ffn " + l.name() + " " + units + "->" + width;
                return n -> TransformerWidening.widen(n, l.name(), width, options);
            }
            case 2 -> {
                TransformerLayers.Attention at = (TransformerLayers.Attention)
                        attention.get(rng.nextInt(attention.size())).layer();
                // whole groups, or more query heads per kv head
                if (!at.rope() && rng.nextInt(3) == 0) {
                    int headDim = at.headDim() + 1 + rng.nextInt(4);
                    what[0] = "head_dim " + at.name() + " " + at.headDim() + "->" + headDim;
                    return n -> TransformerWidening.growHeadDim(n, at.name(), headDim, options);
                }
                int heads = rng.nextBoolean()
                        ? at.group() * (at.kvHeads() + 1 + rng.nextInt(2))
                        : at.kvHeads() * (at.group() + 1 + rng.nextInt(2));
                what[0] = "heads " + at.name() + " " + at.heads() + "/" + at.kvHeads() + "->" + heads;
                return n -> TransformerWidening.growHeads(n, at.name(), heads, options);
            }
            default -> {
                String block = blocks.get(rng.nextInt(blocks.size())).name();
                long seed = rng.nextLong();
                what[0] = "deepen " + block;
                return n -> TransformerDeepening.deepen(n, block, seed);
            }
        }
    }

    @AfterContainer
    static void report() {
        System.out.printf(
                "[transformer growth] %d chains (%s), worst max_rel_diff float32 %.3g, float64 %.3g%n",
                cases.get(), kinds, worst32, worst64);
    }
}
