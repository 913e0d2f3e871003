package net2net.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net2net.spec.Presets;
import net2net.testing.Fast;
import net2net.transform.Noise;
import net2net.transform.TransformerDeepening;
import net2net.transform.TransformerWidening;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * model.json's history reads into {@link Step} records and writes back the same JSON, for files
 * written before the history was typed (src/test/resources/model-v1, made by the CLI of commit
 * 0e4121d: init, widen, pad, deepen, train with preprocessing; the residual chain).
 */
@Fast
class StepTest {
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().create();

    static Path fixture(String name) {
        try {
            return Path.of(StepTest.class.getResource("/model-v1/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonObject modelJson(Path dir) throws Exception {
        return JsonParser.parseString(Files.readString(dir.resolve(ModelFiles.JSON)))
                .getAsJsonObject();
    }

    @Test
    void aTrainedModelWrittenBeforeTypedHistoryLoadsIntoRecordsAndWritesTheSameJson() throws Exception {
        Path dir = fixture("trained-mlp");
        JsonObject written = modelJson(dir);
        try (Network n = ModelFiles.load(dir)) {
            List<Step> h = n.history();
            Step.Init init = assertInstanceOf(Step.Init.class, h.get(0));
            assertEquals("mlp-seed", init.preset());
            assertEquals(2.0, init.widthMult());
            Step.Widen widen = assertInstanceOf(Step.Widen.class, h.get(1));
            assertEquals(30, widen.widths().get("fc1"));
            assertEquals("paper", widen.noise());
            assertEquals("a", widen.from());
            assertEquals(33, assertInstanceOf(Step.Pad.class, h.get(2)).width());
            Step.Deepen deepen = assertInstanceOf(Step.Deepen.class, h.get(3));
            assertEquals(256L, deepen.statsSamples());
            assertNull(deepen.seed());
            Step.Train train = assertInstanceOf(Step.Train.class, h.get(4));
            assertEquals(2, train.epochs());
            assertEquals(0.05, train.settings().get("lr").getAsDouble());
            assertNull(train.testAccuracy(), "a regression run has no accuracy");
            JsonObject back = ModelFiles.toJson(n);
            assertEquals(PRETTY.toJson(written.get("history")), PRETTY.toJson(back.get("history")));
            assertEquals(PRETTY.toJson(written.get("preprocessing")), PRETTY.toJson(back.get("preprocessing")));
        }
    }

    @Test
    void theResidualChainWrittenBeforeTypedHistoryLoadsIntoRecordsAndWritesTheSameJson() throws Exception {
        Path dir = fixture("residual");
        JsonObject written = modelJson(dir);
        try (Network n = ModelFiles.load(dir)) {
            Step.Widen widen = assertInstanceOf(Step.Widen.class, n.history().get(1));
            assertEquals(List.of("conv1", "res1_conv2"), widen.streams().get("conv1"));
            Step.Deepen deepen = assertInstanceOf(Step.Deepen.class, n.history().get(2));
            assertTrue(deepen.residual());
            assertEquals(0L, deepen.seed());
            assertEquals(
                    PRETTY.toJson(written.get("history")),
                    PRETTY.toJson(ModelFiles.toJson(n).get("history")));
        }
    }

    /** The step python/train_ddp.py writes (copied from a real run, as in TrainDdpStepTest). */
    static final String TRAIN_DDP =
            "{\"op\": \"train_ddp\", \"engine\": \"torch 1.13.0a0 DistributedDataParallel\", \"world_size\": 2,"
                    + " \"backend\": \"gloo\", \"device\": \"cpu\", \"batchnorm\": \"global\","
                    + " \"data\": \"fashion-mnist --limit 500 --test-limit 500\", \"train_samples\": 500,"
                    + " \"test_samples\": 500, \"loss\": \"cross_entropy\", \"epochs\": 2, \"lr\": 0.05,"
                    + " \"momentum\": 0.9, \"weight_decay\": 0.0005, \"batch\": 63, \"schedule\": \"cosine\","
                    + " \"seed\": 5, \"examples\": 1000, \"seconds\": 1.1888019840002926,"
                    + " \"test_loss\": 2.027975036621094, \"test_accuracy\": 0.32}";

    @Test
    void theTrainDdpStepReadsIntoItsRecordAndWritesTheSameJson() {
        JsonObject o = JsonParser.parseString(TRAIN_DDP).getAsJsonObject();
        Step.TrainDdp step = assertInstanceOf(Step.TrainDdp.class, Step.fromJson(o));
        assertEquals("train_ddp", step.op());
        assertEquals(2, step.worldSize());
        assertEquals("gloo", step.backend());
        assertEquals("global", step.batchnorm());
        assertEquals(500, step.trainSamples());
        assertEquals(0.0005, step.weightDecay());
        assertEquals(63, step.batch());
        assertEquals(5L, step.seed());
        assertEquals(1000L, step.examples());
        assertEquals(0.32, step.testAccuracy());
        assertNull(step.from());
        assertEquals(o, step.toJson());
        // the keys in the order the script writes them, so a rewritten model.json reads the same
        assertEquals(List.copyOf(o.keySet()), List.copyOf(step.toJson().keySet()));
        assertEquals(step, Step.fromJson(step.toJson()));

        Step.TrainDdp sourced = step.withFrom("teacher-dir");
        assertEquals("teacher-dir", sourced.from());
        assertEquals(sourced, Step.fromJson(sourced.toJson()));
    }

    @Test
    void aTrainDdpRegressionRunKeepsItsNullAccuracy() {
        JsonObject o = JsonParser.parseString(TRAIN_DDP).getAsJsonObject();
        o.add("test_accuracy", JsonNull.INSTANCE); // Python's None: a regression run
        Step.TrainDdp step = assertInstanceOf(Step.TrainDdp.class, Step.fromJson(o));
        assertNull(step.testAccuracy());
        assertEquals(o, step.toJson());
        // without test_loss the entry is not one the script writes: kept as written
        o.remove("test_loss");
        assertInstanceOf(Step.Other.class, Step.fromJson(o));
    }

    @Test
    void anUnknownOrMalformedStepIsKeptAsWritten() {
        for (String json : List.of(
                "{\"op\":\"prune\",\"layer\":\"fc1\",\"keep\":0.5}",
                "{\"op\":\"pad\",\"layer\":\"fc1\"}", // no width
                "{\"op\":\"pad\",\"layer\":\"fc1\",\"width\":3,\"seed\":1,\"by\":\"a later version\"}")) {
            JsonObject o = JsonParser.parseString(json).getAsJsonObject();
            Step step = Step.fromJson(o);
            assertInstanceOf(Step.Other.class, step, json);
            assertEquals(o, step.toJson());
            assertEquals("x", step.withFrom("x").from());
        }
    }

    @Test
    void historyIsUnmodifiableAndWithSourceReturnsACopy() {
        try (Network n = Initialization.random(Presets.get("mlp-seed", 1.0), 0, Step.Init.seeded(0));
                Network sourced = n.withSource("teacher-dir")) {
            assertThrows(UnsupportedOperationException.class, () -> n.history().add(Step.Init.seeded(1)));
            assertNotSame(n, sourced);
            assertNull(n.history().get(0).from(), "the original is unchanged");
            assertEquals("teacher-dir", sourced.history().get(0).from());
            assertEquals(
                    Step.Init.seeded(0).withFrom("teacher-dir"),
                    sourced.history().get(0));
            assertNotSame(n.weight("fc1.weight"), sourced.weight("fc1.weight"));
        }
    }

    // Transformer growth steps (docs/transformers.md): typed records that read back from model.json.

    @Test
    void transformerStepsWrittenBeforeTheyWereTypedReadIntoRecordsAndWriteTheSameJson() {
        // the JSON the transformer release wrote (key order included), when these steps were Step.Other
        List<String> written = List.of(
                "{\"op\":\"widen\",\"kind\":\"stream\",\"layer\":\"wte\",\"width_before\":64,\"width\":100,"
                        + "\"noise\":\"exact\",\"noise_scale\":0.05,\"seed\":0,\"from\":\"runs/gpt\"}",
                "{\"op\":\"widen\",\"kind\":\"ffn\",\"layer\":\"h0_fc\",\"width_before\":256,\"width\":384,"
                        + "\"noise\":\"paper\",\"noise_scale\":0.05,\"seed\":3}",
                "{\"op\":\"widen\",\"kind\":\"heads\",\"layer\":\"h1_attn\",\"width_before\":4,\"width\":6,"
                        + "\"noise\":\"exact\",\"noise_scale\":0.05,\"seed\":0,\"kv_heads\":6,\"from\":\"runs/gpt-ffn\"}",
                "{\"op\":\"widen\",\"kind\":\"head_dim\",\"layer\":\"h1_attn\",\"width_before\":16,\"width\":20,"
                        + "\"noise\":\"none\",\"noise_scale\":0.0,\"seed\":1}",
                "{\"op\":\"deepen\",\"kind\":\"identity_block\",\"after\":\"h0_mlp_res\","
                        + "\"inserted\":\"h2_attn_res, h2_mlp_res\",\"seed\":0,\"from\":\"runs/gpt-heads\"}");
        for (String json : written) {
            JsonObject o = JsonParser.parseString(json).getAsJsonObject();
            Step step = Step.fromJson(o);
            assertTrue(
                    step instanceof Step.TransformerWiden || step instanceof Step.TransformerDeepen,
                    "typed, not Other: " + json);
            assertEquals(json, step.toJson().toString(), "the same JSON, keys in the same order");
        }
        Step.TransformerWiden heads =
                assertInstanceOf(Step.TransformerWiden.class, Step.fromJson(parse(written.get(2))));
        assertEquals(new Step.TransformerWiden("heads", "h1_attn", 4, 6, 6, "exact", 0.05, 0, "runs/gpt-ffn"), heads);
        Step.TransformerDeepen deepen =
                assertInstanceOf(Step.TransformerDeepen.class, Step.fromJson(parse(written.get(4))));
        assertEquals(List.of("h2_attn_res", "h2_mlp_res"), deepen.inserted());
        assertEquals("h0_mlp_res", deepen.after());
        assertEquals("runs/gpt-heads", deepen.from());
    }

    @Test
    void aTransformerStepThisVersionCannotReadIsKeptAsWritten() {
        for (String json : List.of(
                "{\"op\":\"widen\",\"kind\":\"vocab\",\"layer\":\"wte\",\"width_before\":64,\"width\":70,"
                        + "\"noise\":\"exact\",\"noise_scale\":0.05,\"seed\":0}", // an unknown kind
                "{\"op\":\"widen\",\"kind\":\"ffn\",\"layer\":\"h0_fc\",\"width\":384}", // no width_before
                "{\"op\":\"widen\",\"kind\":\"ffn\",\"layer\":\"h0_fc\",\"width_before\":256,\"width\":384,"
                        + "\"noise\":\"paper\",\"noise_scale\":0.05,\"seed\":3,\"kv_heads\":2}", // kv_heads on an ffn
                "{\"op\":\"deepen\",\"kind\":\"post_norm_block\",\"after\":\"b\",\"inserted\":\"c, d\",\"seed\":0}",
                "{\"op\":\"deepen\",\"kind\":\"identity_block\",\"after\":\"b\",\"inserted\":\"c, d\",\"seed\":0,"
                        + "\"by\":\"a later version\"}")) {
            JsonObject o = parse(json);
            Step step = Step.fromJson(o);
            assertInstanceOf(Step.Other.class, step, json);
            assertEquals(o, step.toJson());
        }
    }

    @Test
    void grownTransformersSaveTypedStepsThatLoadIntoEqualRecords(@TempDir Path tmp) {
        TransformerWidening.Options exact = new TransformerWidening.Options(Noise.EXACT, 0.05, 4);
        try (Network gpt = Initialization.random(Presets.get("tinygpt", 0.5, 20, 8), 0, Step.Init.seeded(0));
                Network stream = TransformerWidening.widen(gpt, "wte", 45, exact);
                Network wide = stream.withSource("gpt");
                Network ffn = TransformerWidening.widen(wide, "h0_fc", 150, exact);
                Network headDim = TransformerWidening.growHeadDim(ffn, "h1_attn", 11, exact);
                Network deep = TransformerDeepening.deepen(headDim, "h0_attn_res", 7);
                Network llama = Initialization.random(Presets.get("tinyllama", 0.5, 20, 8), 0, Step.Init.seeded(0));
                Network heads = TransformerWidening.growHeads(llama, "h0_attn", 8, exact)) {
            ModelFiles.save(deep, tmp.resolve("gpt"), false);
            ModelFiles.save(heads, tmp.resolve("llama"), false);
            try (Network gptBack = ModelFiles.load(tmp.resolve("gpt"));
                    Network llamaBack = ModelFiles.load(tmp.resolve("llama"))) {
                assertEquals(deep.history(), gptBack.history());
                assertEquals(heads.history(), llamaBack.history());
                List<Step> h = gptBack.history();
                assertEquals(
                        new Step.TransformerWiden("stream", "wte", 32, 45, null, "exact", 0.05, 4, "gpt"), h.get(1));
                assertEquals(
                        new Step.TransformerWiden("ffn", "h0_fc", 128, 150, null, "exact", 0.05, 4, null), h.get(2));
                assertEquals(
                        new Step.TransformerWiden("head_dim", "h1_attn", 8, 11, null, "exact", 0.05, 4, null),
                        h.get(3));
                assertEquals(
                        new Step.TransformerDeepen("h0_mlp_res", List.of("h2_attn_res", "h2_mlp_res"), 7, null),
                        h.get(4));
                // tinyllama at 0.5: 4 heads on 2 kv heads (groups of 2); 8 heads grow whole groups, kv 2 -> 4
                assertEquals(
                        new Step.TransformerWiden("heads", "h0_attn", 4, 8, 4, "exact", 0.05, 4, null),
                        llamaBack.history().get(1));
            }
        }
    }

    private static JsonObject parse(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }
}
