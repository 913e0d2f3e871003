package net2net.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
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
