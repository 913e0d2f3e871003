package net2net.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

/** Forward multiply-accumulates per example, against counts worked out by hand. */
@Fast
class MacsTest {
    @Test
    void fashionnetFullWidth() {
        long conv1 = 32L * 1 * 9 * 28 * 28; // 225,792
        long conv2 = 64L * 32 * 9 * 14 * 14; // 3,612,672
        long fc1 = 64L * 7 * 7 * 128; // 401,408
        long fc2 = 128L * 10; // 1,280
        assertEquals(4_241_152L, conv1 + conv2 + fc1 + fc2);
        assertEquals(4_241_152L, Presets.get("fashionnet", 1).forwardMacsPerExample());
        assertEquals(3 * 4_241_152L, Presets.get("fashionnet", 1).trainingMacsPerExample());
    }

    @Test
    void fashionnetTeacherWidth() {
        // sqrt(0.3) widths 18, 35, 70
        long macs = 18L * 9 * 784 + 35L * 18 * 9 * 196 + 35L * 49 * 70 + 70L * 10;
        assertEquals(1_359_078L, macs);
        assertEquals(
                macs, Presets.get("fashionnet", Presets.PAPER_TEACHER_WIDTH).forwardMacsPerExample());
    }

    @Test
    void fashionresnetCountsTheResidualBodies() {
        long stem = 32L * 9 * 784;
        long res1 = 2 * (32L * 32 * 9 * 784); // two 3x3 convs at 28x28
        long conv2 = 64L * 32 * 9 * 196;
        long res2 = 2 * (64L * 64 * 9 * 196); // two 3x3 convs at 14x14
        long head = 3136L * 128 + 1280;
        assertEquals(33_142_528L, stem + res1 + conv2 + res2 + head);
        assertEquals(33_142_528L, Presets.get("fashionresnet", 1).forwardMacsPerExample());
    }

    @Test
    void onlyDenseAndConvCount() {
        Architecture a = new Architecture(
                new Shape(3),
                List.of(
                        new Layer.Dense("a", 4, true),
                        new Layer.Relu("r"),
                        new Layer.Residual(
                                "res",
                                List.of(
                                        new Layer.Dense("b", 5, false),
                                        new Layer.Relu("r2"),
                                        new Layer.Dense("c", 4, true)),
                                Layer.Residual.Activation.RELU),
                        new Layer.Dense("d", 2, true)));
        assertEquals(3 * 4 + 4 * 5 + 5 * 4 + 4 * 2, a.forwardMacsPerExample());
    }

    // Token models (docs/transformers.md, "MACs"): one example is one sequence of T tokens; attention
    // counts the full T x T for q k^T and for the weights times v, causal mask or not.

    @Test
    void tinygptCountsProjectionsScoresMlpAndTiedHead() {
        long t = 64, d = 64, h = 4, e = 16, ffn = 256, vocab = 65;
        long qkv = t * d * (h + 2 * h) * e; // 786,432 (MHA: kv_heads = heads)
        long o = t * h * e * d; // 262,144
        long scoresAndValues = 2 * t * t * h * e; // 524,288
        long mlp = t * d * ffn + t * ffn * d; // 2,097,152
        long head = t * d * vocab; // 266,240, tied to wte but computed all the same
        assertEquals(7_606_272L, 2 * (qkv + o + scoresAndValues + mlp) + head);
        assertEquals(7_606_272L, Presets.get("tinygpt", 1, 65, 64).forwardMacsPerExample());
        assertEquals(3 * 7_606_272L, Presets.get("tinygpt", 1, 65, 64).trainingMacsPerExample());
    }

    @Test
    void tinyllamaCountsGroupedKvAndTheGatedMlp() {
        long t = 64, d = 64, h = 4, kv = 2, e = 16, hidden = 176, vocab = 65;
        long qkv = t * d * (h + 2 * kv) * e; // 524,288: k and v have 2 heads, not 4
        long o = t * h * e * d; // 262,144
        long scoresAndValues = 2 * t * t * h * e; // 524,288: every query head scores
        long mlp = 3 * t * d * hidden; // 2,162,688: gate, up, down
        long head = t * d * vocab; // 266,240, untied
        assertEquals(7_213_056L, 2 * (qkv + o + scoresAndValues + mlp) + head);
        assertEquals(7_213_056L, Presets.get("tinyllama", 1, 65, 64).forwardMacsPerExample());
    }

    @Test
    void theScoreProductsGrowWithTheSquareOfTheContext() {
        long small = Presets.get("tinygpt", 1, 65, 32).forwardMacsPerExample();
        long large = Presets.get("tinygpt", 1, 65, 64).forwardMacsPerExample();
        // doubling T doubles every per-position term and quadruples the T x T terms S (S at T = 32 is
        // 2 blocks x 2 products x 32 x 32 x 4 heads x 16): 2 x small - large = 2 S - 4 S = -2 S
        long s32 = 2 * 2 * 32L * 32 * 4 * 16;
        assertEquals(-2 * s32, 2 * small - large);
    }

    @Test
    void groupedQueryAttentionEmbeddingsAndNormsByHand() {
        Architecture a = new Architecture(
                new Shape(8),
                List.of(
                        new TransformerLayers.Embedding("embed", 7, 12),
                        new Layer.Residual(
                                "attn_res",
                                List.of(
                                        new TransformerLayers.RmsNorm("n1", 1e-6),
                                        new TransformerLayers.Attention("attn", 6, 2, 4, false, 10000)),
                                null),
                        new Layer.Residual(
                                "mlp_res",
                                List.of(
                                        new TransformerLayers.RmsNorm("n2", 1e-6),
                                        new TransformerLayers.GatedMlp("mlp", 20, false)),
                                null),
                        new TransformerLayers.RmsNorm("norm_f", 1e-6),
                        new TransformerLayers.LmHead("lm_head", 7, "embed")));
        long attention = 8 * 12 * (6 + 2 * 2) * 4 + 8 * 6 * 4 * 12 + 2 * 8 * 8 * 6 * 4; // 3,840 + 2,304 + 3,072
        long mlp = 3 * 8 * 12 * 20; // 5,760
        long head = 8 * 12 * 7; // 672; embedding lookup, norms and RoPE: 0
        assertEquals(15_648L, attention + mlp + head);
        assertEquals(15_648L, a.forwardMacsPerExample());
    }
}
