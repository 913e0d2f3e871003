package net2net.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import net2net.Net2NetException;
import net2net.nn.Network;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.spec.Presets;
import net2net.spec.TransformerLayers;
import net2net.testing.RandomTransformers;
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The presets grown by each transform, exact in float32 and float64; each ingredient of the stream
 * construction shown necessary (leaving it out is caught); and the refusals, one line each.
 */
@Slow
class TransformerGrowthTest {
    static final TransformerWidening.Options EXACT_NOISE = new TransformerWidening.Options(Noise.EXACT, 0.1, 5);

    static Network preset(String name, long seed) {
        return RandomTransformers.network(Presets.get(name, 0.5, 50, 12), new SplittableRandom(seed));
    }

    /** max_rel_diff in float32 of the student, and in float64 of the same transform applied to a float64 teacher. */
    static double[] check(Network teacher, UnaryOperator<Network> transform) {
        try (NDManager m = NDManager.newBaseManager();
                Network t64 = teacher.copy(DataType.FLOAT64);
                Network s32 = transform.apply(teacher);
                Network s64 = transform.apply(t64)) {
            NDArray x = Verification.randomInputs(m, teacher.architecture(), 8, 99);
            double r32 = Verification.compare(teacher, s32, x).maxRelDiff();
            double r64 = Verification.compare(t64, s64, x, DataType.FLOAT64).maxRelDiff();
            assertTrue(r32 <= Verification.TOLERANCE, "float32 max_rel_diff " + r32);
            assertTrue(r64 <= TransformerGrowthPropertiesTest.FLOAT64_TOLERANCE, "float64 max_rel_diff " + r64);
            System.out.printf(
                    "[transformer growth] %s: float32 %.3g, float64 %.3g%n",
                    s32.history().get(s32.history().size() - 1), r32, r64);
            return new double[] {r32, r64};
        }
    }

    @Test
    void tinygptGrowsExactly() {
        try (Network gpt = preset("tinygpt", 1)) {
            assertEquals(
                    32,
                    ((TransformerLayers.Embedding) gpt.architecture().layers().get(0)).dim());
            check(gpt, n -> TransformerWidening.widen(n, "wte", 45, EXACT_NOISE)); // 32 -> 45: k = 1, r = 13
            check(gpt, n -> TransformerWidening.widen(n, "h1_attn", 96, EXACT_NOISE)); // 3 x 32
            check(gpt, n -> TransformerWidening.widen(n, "h0_fc", 200, EXACT_NOISE));
            check(gpt, n -> TransformerWidening.growHeads(n, "h0_attn", 7, EXACT_NOISE));
            check(gpt, n -> TransformerDeepening.deepen(n, "h0_attn_res", 3));
            check(gpt, n -> TransformerWidening.growHeadDim(n, "h1_attn", 11, EXACT_NOISE)); // 8 -> 11
        }
    }

    @Test
    void tinyllamaGrowsExactly() {
        try (Network llama = preset("tinyllama", 2)) {
            check(llama, n -> TransformerWidening.widen(n, "embed", 77, EXACT_NOISE)); // 32 -> 77: k = 2, r = 13
            check(llama, n -> TransformerWidening.widen(n, "h0_mlp", 150, EXACT_NOISE));
            check(llama, n -> TransformerWidening.growHeads(n, "h1_attn", 8, EXACT_NOISE)); // whole groups: kv 2 -> 4
            check(
                    llama,
                    n -> TransformerWidening.growHeads(n, "h1_attn", 6, EXACT_NOISE)); // within groups: 3 per kv head
            check(llama, n -> TransformerDeepening.deepen(n, "h1_mlp_res", 4));
        }
    }

    @Test
    void tiedHeadStaysTiedAndGqaGroupingIsKept() {
        try (Network gpt = preset("tinygpt", 3);
                Network wide = TransformerWidening.widen(gpt, "wte", 70, EXACT_NOISE)) {
            TransformerLayers.LmHead head =
                    (TransformerLayers.LmHead) wide.architecture().layer("lm_head");
            assertEquals("wte", head.tie());
            assertFalse(wide.weights().keySet().stream().anyMatch(k -> k.startsWith("lm_head")));
        }
        try (Network llama = preset("tinyllama", 4);
                Network more = TransformerWidening.growHeads(llama, "h0_attn", 6, EXACT_NOISE)) {
            TransformerLayers.Attention a =
                    (TransformerLayers.Attention) more.architecture().layer("h0_attn");
            assertEquals(6, a.heads());
            assertEquals(3, a.kvHeads());
        }
    }

    // ---- each ingredient of the stream construction is needed: leave one out and float64 sees it

    /** The float64 student of 32 -> 45 (LayerNorm, tied) or 32 -> 77 (RMSNorm), spoiled by {@code mistake}; its max_rel_diff. */
    static double spoiled(String preset, int width, BiConsumer<Architecture[], Map<String, NDArray>> mistake) {
        try (Network teacher = preset(preset, 7);
                Network t64 = teacher.copy(DataType.FLOAT64);
                Network s = TransformerWidening.widen(
                        t64, t64.architecture().layers().get(0).name(), width, TransformerWidening.Options.exact(1));
                NDManager m = NDManager.newBaseManager()) {
            Network copy = s.copy(DataType.FLOAT64);
            Map<String, NDArray> w = new HashMap<>(copy.weights());
            Architecture[] arch = {copy.architecture()};
            mistake.accept(arch, w);
            try (Network wrong = new Network(arch[0], w, copy.history(), null, copy.manager())) {
                return Verification.compare(
                                t64,
                                wrong,
                                Verification.randomInputs(m, teacher.architecture(), 8, 3),
                                DataType.FLOAT64)
                        .maxRelDiff();
            }
        }
    }

    static List<String> norms(Architecture a) {
        return a.all().stream()
                .filter(l -> l.layer() instanceof TransformerLayers.LayerNorm
                        || l.layer() instanceof TransformerLayers.RmsNorm)
                .map(Architecture.Located::key)
                .toList();
    }

    @Test
    void withoutTheEpsRescaleTheLogitsMove() {
        for (String preset : List.of("tinygpt", "tinyllama")) {
            double rel = spoiled(preset, 45, (arch, w) -> {
                Map<String, Layer> back = new HashMap<>();
                for (Architecture.Located l : arch[0].all()) {
                    if (l.layer() instanceof TransformerLayers.LayerNorm n) {
                        back.put(n.name(), n.withEps(n.eps() * 45 / 32));
                    } else if (l.layer() instanceof TransformerLayers.RmsNorm n) {
                        back.put(n.name(), n.withEps(n.eps() * 45 / 32));
                    }
                }
                arch[0] = arch[0].replace(back);
            });
            assertTrue(rel > 1e-7, preset + ": eps left at its old value went unnoticed: " + rel);
        }
    }

    @Test
    void withoutTheGainRescaleTheLogitsMove() {
        for (String preset : List.of("tinygpt", "tinyllama")) {
            double rel = spoiled(preset, 45, (arch, w) -> norms(arch[0])
                    .forEach(k -> w.put(k + ".weight", w.get(k + ".weight").mul(Math.sqrt(45.0 / 32)))));
            assertTrue(rel > 1e-3, preset + ": gains without sqrt(s) went unnoticed: " + rel);
        }
    }

    @Test
    void aZeroRemainderUnderLayerNormMovesTheLogits() {
        // LayerNorm needs the remainder entries at the stream's mean: zero them in the embeddings' columns
        double rel = spoiled("tinygpt", 45, (arch, w) -> {
            for (String k : List.of("wte.weight", "wpe.weight")) {
                NDArray v = w.get(k);
                v.set(new NDIndex(":, 32:"), 0);
            }
        });
        assertTrue(rel > 1e-3, "zero remainder under LayerNorm went unnoticed: " + rel);
    }

    @Test
    void aTiedHeadNeedsTheFinalNormScaled() {
        // 32 -> 64: k = 2; undo the final norm's 1/k and the logits double
        double rel = spoiled("tinygpt", 64, (arch, w) -> {
            w.put("ln_f.weight", w.get("ln_f.weight").mul(2));
            w.put("ln_f.bias", w.get("ln_f.bias").mul(2));
        });
        assertTrue(rel > 0.5, "an unscaled final norm under a tied head went unnoticed: " + rel);
    }

    // ---- refusals

    static String refusal(Executable e) {
        String message = assertThrows(Net2NetException.class, e).getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        return message;
    }

    @Test
    void refusesWhatCannotBeExact() {
        try (Network gpt = preset("tinygpt", 8);
                Network llama = preset("tinyllama", 9)) {
            assertTrue(refusal(() -> TransformerWidening.widen(gpt, "wte", 20, EXACT_NOISE))
                    .contains("shrink"));
            assertTrue(refusal(() -> TransformerWidening.widen(gpt, "h0_fc", 10, EXACT_NOISE))
                    .contains("shrink"));
            assertTrue(refusal(() -> TransformerWidening.growHeads(gpt, "h0_attn", 2, EXACT_NOISE))
                    .contains("shrink"));
            assertTrue(refusal(() -> TransformerWidening.growHeads(gpt, "h0_fc", 8, EXACT_NOISE))
                    .contains("attention"));
            // 4 heads on 2 kv heads (groups of 2): 5 is neither whole groups nor a multiple of kv_heads
            assertTrue(refusal(() -> TransformerWidening.growHeads(llama, "h0_attn", 5, EXACT_NOISE))
                    .contains("multiple"));
            assertTrue(refusal(() -> TransformerWidening.widen(gpt, "h0_gelu", 80, EXACT_NOISE))
                    .contains("gelu"));
            assertTrue(
                    refusal(() -> TransformerDeepening.deepen(gpt, "h0_fc", 1)).contains("residual"));
            assertTrue(refusal(() -> TransformerWidening.growHeadDim(llama, "h0_attn", 10, EXACT_NOISE))
                    .contains("rotary"));
            assertTrue(refusal(() -> TransformerWidening.growHeadDim(gpt, "h0_attn", 4, EXACT_NOISE))
                    .contains("shrink"));
        }
        // post-norm: x <- N(x + attn(x)), written as a residual followed by a norm
        Architecture postNorm = new Architecture(
                new Shape(6),
                List.of(
                        new TransformerLayers.Embedding("wte", 11, 8),
                        new Layer.Residual(
                                "a0", List.of(new TransformerLayers.Attention("attn0", 2, 2, 4, true, 0)), null),
                        new TransformerLayers.LayerNorm("n0", 1e-5, true, true),
                        new Layer.Residual(
                                "m0",
                                List.of(
                                        new Layer.Dense("fc0", 16, true),
                                        new TransformerLayers.Gelu("g0", false),
                                        new Layer.Dense("proj0", 8, true)),
                                null),
                        new TransformerLayers.LayerNorm("n1", 1e-5, true, true),
                        new TransformerLayers.LmHead("lm_head", 11, "wte")));
        try (Network post = RandomTransformers.network(postNorm, new SplittableRandom(1))) {
            assertTrue(refusal(() -> TransformerDeepening.deepen(post, "a0", 1)).contains("post-norm"));
            assertTrue(refusal(() -> TransformerWidening.widen(post, "wte", 12, EXACT_NOISE))
                    .contains("post-norm"));
        }
        // a LayerNorm without weight cannot take sqrt(s): only multiples of d
        Architecture plain = new Architecture(
                new Shape(5),
                List.of(
                        new TransformerLayers.Embedding("wte", 9, 6),
                        new Layer.Residual(
                                "a0",
                                List.of(
                                        new TransformerLayers.LayerNorm("n0", 1e-5, false, false),
                                        new TransformerLayers.Attention("attn0", 2, 2, 3, true, 0)),
                                null),
                        new TransformerLayers.LayerNorm("nf", 1e-5, true, true),
                        new TransformerLayers.LmHead("lm_head", 9, null)));
        try (Network n = RandomTransformers.network(plain, new SplittableRandom(2))) {
            assertTrue(refusal(() -> TransformerWidening.widen(n, "wte", 8, EXACT_NOISE))
                    .contains("affine"));
            check(n, s -> TransformerWidening.widen(s, "wte", 12, EXACT_NOISE));
        }
    }
}
