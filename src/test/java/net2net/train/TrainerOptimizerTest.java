package net2net.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net2net.Net2NetException;
import net2net.data.Splits;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer with either optimizer and with --steps (docs/optimizer-growth.md, "The trainer"):
 * an interrupted and resumed AdamW run is the uninterrupted one bit for bit, a checkpoint written
 * before AdamW existed still resumes, and a run bounded by steps stops where it should with its
 * schedule spread over those steps.
 */
@Fast
class TrainerOptimizerTest {
    @TempDir
    Path tmp;

    static final TrainConfig ADAMW = new TrainConfig(4, 0.01, 0.9, 0.05, 64, Schedule.WARMUP_COSINE, 5, 4)
            .withAdamW(new TrainConfig.AdamWSettings(0.8, 0.99, 1e-7, true));

    static void assertSameWeights(Network a, Network b) {
        assertEquals(a.weights().keySet(), b.weights().keySet());
        for (Map.Entry<String, NDArray> e : a.weights().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), b.weight(e.getKey()).toFloatArray(), e.getKey());
        }
    }

    /** Trains, killed by the metrics listener when it reports {@code killAt}; the checkpoint before it stays. */
    static void trainKilled(Splits data, TrainConfig config, Path out, double killAt) {
        try (Network net = TrainerTest.mlp(1)) {
            RuntimeException killed = assertThrows(
                    RuntimeException.class,
                    () -> Trainer.train(
                            net,
                            data,
                            config,
                            Trainer.Options.quiet().withOut(out, false).withListener(m -> {
                                if (m.epoch() == killAt) {
                                    throw new RuntimeException("killed");
                                }
                            })));
            assertEquals("killed", killed.getMessage());
        }
    }

    @Test
    void anInterruptedAdamWRunResumesBitForBit() throws Exception {
        Splits data = TrainerTest.seedData();
        Path whole = tmp.resolve("whole");
        Path interrupted = tmp.resolve("interrupted");
        Trainer.Result uninterrupted;
        try (Network net = TrainerTest.mlp(1)) {
            uninterrupted =
                    Trainer.train(net, data, ADAMW, Trainer.Options.quiet().withOut(whole, false));
        }
        trainKilled(data, ADAMW, interrupted, 3);
        JsonObject state = JsonParser.parseString(Files.readString(interrupted.resolve(Checkpoint.STATE)))
                .getAsJsonObject();
        assertEquals("adamw", state.getAsJsonObject("config").get("optimizer").getAsString());
        assertEquals(
                "matrices", state.getAsJsonObject("config").get("decay_group").getAsString());
        Trainer.Result resumed =
                Trainer.resume(data, null, Trainer.Options.quiet().withOut(interrupted, false));
        try (Network a = uninterrupted.network();
                Network b = resumed.network();
                Network onDisk = ModelFiles.load(interrupted)) {
            assertEquals(TrainerTest.numbers(uninterrupted.metrics()), TrainerTest.numbers(resumed.metrics()));
            assertSameWeights(a, b);
            assertSameWeights(a, onDisk);
            Step.Train step = assertInstanceOf(
                    Step.Train.class, onDisk.history().get(onDisk.history().size() - 1));
            assertEquals("adamw", step.settings().get("optimizer").getAsString());
            assertEquals(0.8, step.settings().get("beta1").getAsDouble());
            // AdamW is not SGD: the same settings under SGD end elsewhere
            TrainConfig sgd = new TrainConfig(4, 0.01, 0.9, 0.05, 64, Schedule.WARMUP_COSINE, 5, 4);
            try (Network net = TrainerTest.mlp(1);
                    Network c = Trainer.train(net, data, sgd, Trainer.Options.quiet())
                            .network()) {
                assertNotEquals(
                        a.weight("fc1.weight").getFloat(0, 0),
                        c.weight("fc1.weight").getFloat(0, 0));
            }
        }
        try (Optimizer a = ADAMW.newOptimizer();
                Optimizer b = ADAMW.newOptimizer()) {
            a.load(whole.resolve(Checkpoint.OPTIMIZER));
            b.load(interrupted.resolve(Checkpoint.OPTIMIZER));
            assertEquals(a.state().keySet(), b.state().keySet());
            assertEquals(6, a.state().size(), "every trainable parameter of fc1, bn1 and fc2");
            a.state().forEach((k, s) -> {
                Optimizer.Adam x = (Optimizer.Adam) s;
                Optimizer.Adam y = (Optimizer.Adam) b.state().get(k);
                assertEquals(x.steps(), y.steps(), k);
                assertArrayEquals(
                        x.firstMoment().toFloatArray(), y.firstMoment().toFloatArray(), k);
                assertArrayEquals(
                        x.secondMoment().toFloatArray(), y.secondMoment().toFloatArray(), k);
            });
        }
    }

    @Test
    void aCheckpointFromBeforeAdamWResumesAsSgd() throws Exception {
        Splits data = TrainerTest.seedData();
        TrainConfig config = new TrainConfig(3, 0.05, 0.9, 1e-3, 64, Schedule.STEP, 5, 0);
        Path whole = tmp.resolve("whole");
        Path old = tmp.resolve("old");
        Trainer.Result uninterrupted;
        try (Network net = TrainerTest.mlp(1)) {
            uninterrupted =
                    Trainer.train(net, data, config, Trainer.Options.quiet().withOut(whole, false));
        }
        trainKilled(data, config, old, 2);
        // what train_state.json held before this version: no optimizer kind, no step count
        JsonObject state = JsonParser.parseString(Files.readString(old.resolve(Checkpoint.STATE)))
                .getAsJsonObject();
        for (String key : List.of("completed_steps", "epoch_loss_sum", "growth")) {
            assertTrue(state.remove(key) != null, key);
        }
        assertTrue(state.getAsJsonObject("config").remove("optimizer") != null);
        Files.writeString(old.resolve(Checkpoint.STATE), state.toString());
        Trainer.Result resumed =
                Trainer.resume(data, null, Trainer.Options.quiet().withOut(old, false));
        try (Network a = uninterrupted.network();
                Network b = resumed.network()) {
            assertEquals(TrainerTest.numbers(uninterrupted.metrics()), TrainerTest.numbers(resumed.metrics()));
            assertSameWeights(a, b);
        }
    }

    @Test
    void stepsBoundTheRunAndItsSchedule() throws Exception {
        Splits data = TrainerTest.seedData(); // 800 training samples: 13 batches of 64 an epoch
        int perEpoch = TrainingData.of(data).batchesPerEpoch(64);
        assertEquals(13, perEpoch);
        TrainConfig config = new TrainConfig(1, 0.01, 0.9, 0.01, 64, Schedule.WARMUP_COSINE, 5, 0)
                .withAdamW(TrainConfig.AdamWSettings.DEFAULTS)
                .withSteps(30);
        assertEquals(30, config.totalSteps(perEpoch));
        // the schedule spans the 30 steps: warmup of round(0.9) = 1 step, then cosine to 0 at step 30
        assertEquals(0.01, config.lrAtStep(0, 0, 0, perEpoch), 1e-15);
        assertEquals(0.01 * 0.5 * (1 + Math.cos(Math.PI * 14 / 29.0)), config.lrAtStep(15, 1, 2, perEpoch), 1e-15);
        Path whole = tmp.resolve("whole");
        Trainer.Result r;
        try (Network net = TrainerTest.mlp(1)) {
            r = Trainer.train(net, data, config, Trainer.Options.quiet().withOut(whole, false));
        }
        r.network().close();
        assertEquals(30, r.steps());
        List<Double> epochs = r.metrics().stream().map(EpochMetrics::epoch).toList();
        assertEquals(List.of(1.0, 2.0, 2 + 4 / 13.0), epochs, "two epochs of 13, then 4 batches");
        assertEquals(
                2 * 800 + 4 * 64, r.examples(), "two whole epochs (the last batch of each holds 32), then 4 batches");
        assertTrue(Trainer.isFinished(whole));
        JsonObject state = JsonParser.parseString(Files.readString(whole.resolve(Checkpoint.STATE)))
                .getAsJsonObject();
        assertEquals(30, state.get("completed_steps").getAsLong());
        assertEquals(30, state.getAsJsonObject("config").get("steps").getAsLong());
        assertFalse(state.getAsJsonObject("config").has("epochs"));
        Net2NetException done = assertThrows(
                Net2NetException.class,
                () -> Trainer.resume(
                        TrainingData.of(data),
                        null,
                        null,
                        Trainer.Options.quiet().withOut(whole, false)));
        assertTrue(
                done.getMessage().endsWith("has already completed 30 steps; pass a larger --steps to train further"),
                done.getMessage());

        // killed after the first epoch: resumes to the same 30 steps, bit for bit
        Path interrupted = tmp.resolve("interrupted");
        trainKilled(data, config, interrupted, 2);
        Trainer.Result resumed =
                Trainer.resume(data, null, Trainer.Options.quiet().withOut(interrupted, false));
        try (Network b = resumed.network();
                Network a = ModelFiles.load(whole)) {
            assertEquals(TrainerTest.numbers(r.metrics()), TrainerTest.numbers(resumed.metrics()));
            assertSameWeights(a, b);
        }

        // a finished --steps run continues mid-epoch with a larger --steps (a new schedule, so a new run's numbers)
        Trainer.Result more = Trainer.resume(
                TrainingData.of(data), null, 40L, Trainer.Options.quiet().withOut(whole, false));
        more.network().close();
        assertEquals(40, more.steps());
        assertEquals(3 + 1 / 13.0, more.last().epoch(), 1e-12);
    }
}
