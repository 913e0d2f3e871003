package net2net.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net2net.Net2NetException;
import net2net.data.Dataset;
import net2net.data.FashionMnist;
import net2net.data.NotebookData;
import net2net.data.Splits;
import net2net.data.Subsets;
import net2net.nn.Initialization;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.spec.Presets;
import net2net.testing.Fast;
import net2net.testing.RealData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir
    Path tmp;

    static Step init() {
        return new Step.Init(null, null, null, null, null, null, null);
    }

    /** A regression MLP with batchnorm and dropout, so resuming must restore running stats and dropout masks too. */
    static Network mlp(long seed) {
        Architecture arch = new Architecture(
                new Shape(4),
                List.of(
                        new Layer.Dense("fc1", 16, true),
                        new Layer.BatchNorm("bn1"),
                        new Layer.Relu("relu1"),
                        new Layer.Dropout("drop1", 0.2),
                        new Layer.Dense("fc2", 1, true)));
        return Initialization.random(arch, seed, init());
    }

    static Splits seedData() {
        return NotebookData.standardize(NotebookData.make(0)).splits();
    }

    /** The metrics without the wall-clock time, which legitimately differs between runs. */
    static List<List<Object>> numbers(List<EpochMetrics> metrics) {
        List<List<Object>> out = new ArrayList<>();
        for (EpochMetrics m : metrics) {
            out.add(Arrays.asList(m.epoch(), m.examples(), m.trainLoss(), m.testLoss(), m.testAccuracy()));
        }
        return out;
    }

    @Fast
    @Test
    void mseIsTheTrueMeanSquaredError() {
        try (NDManager m = NDManager.newBaseManager()) {
            float loss = Losses.mse()
                    .evaluate(
                            new NDList(m.create(new float[] {1, 2, 3}, new Shape(3, 1))),
                            new NDList(m.create(new float[] {2, 2, 5}, new Shape(3, 1))))
                    .getFloat();
            assertEquals((1 + 0 + 4) / 3f, loss, 1e-6f); // DJL's default L2Loss would give half of this
        }
    }

    @RealData
    @Test
    void theSameSeedGivesTheSameMetrics() {
        Splits full = FashionMnist.load(null);
        Splits data = new Splits(Subsets.limit(full.train(), 600, 1), Subsets.testLimit(full.test(), 300, 1));
        TrainConfig config = new TrainConfig(1, 0.02, 0.9, 5e-4, 32, Schedule.COSINE, 7, 5);
        List<List<List<Object>>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (Network net = Initialization.random(Presets.get("fashionnet", 0.25), 3, init())) {
                Trainer.Result r = Trainer.train(net, data, config, Trainer.Options.quiet());
                r.network().close();
                runs.add(numbers(r.metrics()));
            }
        }
        assertEquals(
                1 + 3 + 1, runs.get(0).size(), "epoch 0, three points inside the first epoch (19 batches), epoch 1");
        assertEquals(runs.get(0), runs.get(1));
    }

    @Fast
    @Test
    void resumingGivesExactlyTheUninterruptedRun() throws Exception {
        Splits data = seedData();
        TrainConfig config = new TrainConfig(4, 0.05, 0.9, 1e-3, 64, Schedule.STEP, 5, 4);
        Path whole = tmp.resolve("whole");
        Path interrupted = tmp.resolve("interrupted");
        Trainer.Result uninterrupted;
        try (Network net = mlp(1)) {
            uninterrupted =
                    Trainer.train(net, data, config, Trainer.Options.quiet().withOut(whole, false));
        }
        // Killed while finishing epoch 3: the checkpoint on disk is the one after epoch 2.
        try (Network net = mlp(1)) {
            RuntimeException killed = assertThrows(
                    RuntimeException.class,
                    () -> Trainer.train(
                            net,
                            data,
                            config,
                            Trainer.Options.quiet().withOut(interrupted, false).withListener(m -> {
                                if (m.epoch() == 3) {
                                    throw new RuntimeException("killed");
                                }
                            })));
            assertEquals("killed", killed.getMessage());
        }
        assertEquals(2, Checkpoint.read(interrupted).completedEpochs());
        Checkpoint.read(interrupted).network().close();
        Trainer.Result resumed =
                Trainer.resume(data, null, Trainer.Options.quiet().withOut(interrupted, false));
        try (Network a = uninterrupted.network();
                Network b = resumed.network();
                Network onDisk = ModelFiles.load(interrupted)) {
            assertEquals(numbers(uninterrupted.metrics()), numbers(resumed.metrics()));
            assertEquals(uninterrupted.examples(), resumed.examples());
            for (Map.Entry<String, NDArray> e : a.weights().entrySet()) {
                assertArrayEquals(
                        e.getValue().toFloatArray(), b.weight(e.getKey()).toFloatArray(), e.getKey());
                assertArrayEquals(
                        e.getValue().toFloatArray(), onDisk.weight(e.getKey()).toFloatArray(), e.getKey());
            }
            Step.Train step = assertInstanceOf(
                    Step.Train.class, onDisk.history().get(onDisk.history().size() - 1));
            assertEquals(4, step.epochs());
            assertEquals(2, onDisk.history().size(), "the resumed run rewrites its train step instead of adding one");
        }
        assertEquals(
                Files.readString(whole.resolve(Checkpoint.METRICS_JSONL))
                        .lines()
                        .count(),
                Files.readString(interrupted.resolve(Checkpoint.METRICS_JSONL))
                        .lines()
                        .count());
    }

    @Fast
    @Test
    void aHugeLearningRateStopsWithAnErrorAndWritesNothing() {
        Splits raw = NotebookData.make(0); // unstandardised features up to 2000: lr 10 blows up at once
        Path out = tmp.resolve("out");
        try (Network net = Initialization.random(Presets.get("mlp-seed", 1), 0, init())) {
            Net2NetException e = assertThrows(
                    Net2NetException.class,
                    () -> Trainer.train(
                            net,
                            raw,
                            TrainConfig.defaults(3, 10),
                            Trainer.Options.quiet().withOut(out, false)));
            assertTrue(e.getMessage().startsWith("training diverged at epoch 1, batch "), e.getMessage());
            assertTrue(e.getMessage().contains("lower --lr (now 10.0)"), e.getMessage());
            assertTrue(e.getMessage().endsWith("no epoch completed, so nothing was written to " + out), e.getMessage());
        }
        assertTrue(!Files.exists(out));
    }

    @Fast
    @Test
    void divergenceKeepsTheLastGoodCheckpoint() throws Exception {
        Splits data = seedData();
        Path out = tmp.resolve("out");
        try (Network net = mlp(2)) {
            // Sabotage the second epoch through the progress hook: a NaN weight makes the loss NaN.
            Progress sabotage = new Progress() {
                public void startEpoch(int epoch, int epochs, int batches) {
                    if (epoch == 1) {
                        net.weight("fc2.weight").muli(Float.NaN);
                    }
                }

                public void batch(int done, double meanLoss) {}

                public void endEpoch() {}
            };
            Net2NetException e = assertThrows(
                    Net2NetException.class,
                    () -> Trainer.train(
                            net,
                            data,
                            TrainConfig.defaults(3, 0.01),
                            Trainer.Options.quiet().withOut(out, false).withProgress(sabotage)));
            assertEquals(
                    "training diverged at epoch 2, batch 1 (loss NaN); lower --lr (now 0.01); the last good checkpoint (epoch 1) is in "
                            + out,
                    e.getMessage());
        }
        Checkpoint.State state = Checkpoint.read(out);
        try (Network saved = state.network()) {
            assertEquals(1, state.completedEpochs());
            assertEquals(1, state.metrics().size());
            for (float v : saved.weight("fc2.weight").toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Fast
    @Test
    void evaluationMatchesAHandComputedLossAndAccuracy() {
        // One dense layer with known weights on four samples: logits are exactly predictable.
        Architecture arch = new Architecture(new Shape(2), List.of(new Layer.Dense("fc", 2, false)));
        try (Network net = Initialization.random(arch, 0, init())) {
            net.weight("fc.weight").set(new float[] {1, 0, 0, 1}); // identity: logits = inputs
            Dataset d = new Dataset(
                    "tiny", new float[] {2, 0, 0, 2, 2, 0, 0, 0}, new int[] {2}, 4, new int[] {0, 1, 1, 0}, null, 2);
            Evaluation.Result r = Evaluation.evaluate(net, d, 3);
            double confident = Math.log(1 + Math.exp(-2)); // -log softmax when the right logit leads by 2
            double wrong = Math.log(1 + Math.exp(2));
            double tie = Math.log(2);
            assertEquals((confident + confident + wrong + tie) / 4, r.loss(), 1e-6);
            // argmax of a tie is the first class, which is the label of sample 4
            assertEquals(0.75, r.accuracy(), 1e-12);
        }
    }
}
