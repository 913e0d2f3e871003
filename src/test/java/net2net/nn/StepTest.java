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
import org.junit.jupiter.api.Test;

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
}
