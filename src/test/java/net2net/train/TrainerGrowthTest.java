package net2net.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net2net.data.Splits;
import net2net.nn.Initialization;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.testing.Fast;
import net2net.transform.Net2WiderNet;
import net2net.transform.Noise;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Growth inside a run through {@link Trainer.Options#withGrowth} (docs/optimizer-growth.md, "Growing
 * inside a run"): a listener widens fc1 from 16 to 24 units with Net2WiderNet (no noise) in the
 * middle of the second epoch, with the optimizer state reset. The run goes on on the grown network,
 * its first loss after the growth is the teacher's, and a checkpoint on either side of the growth
 * resumes to the uninterrupted run's numbers.
 */
@Fast
class TrainerGrowthTest {
    @TempDir
    Path tmp;

    static final TrainConfig CONFIG = new TrainConfig(4, 0.01, 0.9, 0, 64, Schedule.WARMUP_COSINE, 3, 0)
            .withAdamW(TrainConfig.AdamWSettings.DEFAULTS);
    /** Seed data: 800 samples, 13 batches of 64 an epoch; the growth comes after batch 5 of epoch 2. */
    static final long GROWTH_STEP = 13 + 5;

    /** Dense, batchnorm, relu, dense: no dropout, whose masks would differ between 16 and 24 units. */
    static Network mlp() {
        Architecture arch = new Architecture(
                new Shape(4),
                List.of(
                        new Layer.Dense("fc1", 16, true),
                        new Layer.BatchNorm("bn1"),
                        new Layer.Relu("relu1"),
                        new Layer.Dense("fc2", 1, true)));
        return Initialization.random(arch, 4, TrainerTest.init());
    }

    /** Widens fc1 to 24 after step {@code at}, with a reset optimizer state; counts its growths. */
    static final class Widen implements GrowthListener {
        final long at;
        final List<Point> grownAt = new ArrayList<>();

        Widen(long at) {
            this.at = at;
        }

        @Override
        public Grown at(Point point, Network network, Optimizer optimizer) {
            if (point.steps() != at || point.epochEnd()) {
                return null;
            }
            grownAt.add(point);
            return new Grown(
                    Net2WiderNet.widen(network, "fc1", 24, new Net2WiderNet.Options(Noise.NONE, 0, 11)), Map.of());
        }
    }

    /** Each batch's loss, from the running means the trainer reports. */
    static final class Losses implements Progress {
        final List<Double> losses = new ArrayList<>();
        double previous;

        public void startEpoch(int epoch, int epochs, int batches) {
            previous = 0;
        }

        public void batch(int done, double meanLoss) {
            losses.add(meanLoss * done - previous);
            previous = meanLoss * done;
        }

        public void endEpoch() {}
    }

    @Test
    void theRunGoesOnOnTheGrownNetworkFromTheTeachersLoss() {
        Splits data = TrainerTest.seedData();
        Losses plain = new Losses();
        Losses grown = new Losses();
        Widen widen = new Widen(GROWTH_STEP);
        try (Network teacher = mlp();
                Network student = mlp()) {
            Trainer.Result a =
                    Trainer.train(teacher, data, CONFIG, Trainer.Options.quiet().withProgress(plain));
            Trainer.Result b = Trainer.train(
                    student,
                    data,
                    CONFIG,
                    Trainer.Options.quiet().withProgress(grown).withGrowth(widen));
            try (Network ta = a.network();
                    Network tb = b.network()) {
                assertEquals(List.of(new GrowthListener.Point(GROWTH_STEP, 1, false)), widen.grownAt);
                assertEquals(new Shape(24, 4), tb.weight("fc1.weight").getShape(), "the result is the grown network");
                assertEquals(new Shape(16, 4), student.weight("fc1.weight").getShape(), "the caller's is not closed");
                assertEquals(4 * 13, b.steps());
                Step.Train step = assertInstanceOf(
                        Step.Train.class, tb.history().get(tb.history().size() - 1));
                assertInstanceOf(Step.Widen.class, tb.history().get(tb.history().size() - 2));
                JsonObject g = step.settings().getAsJsonArray("growth").get(0).getAsJsonObject();
                assertEquals(GROWTH_STEP, g.get("step").getAsLong());
            }
        }
        int next = (int) GROWTH_STEP; // the first step after the growth (0-based)
        for (int s = 0; s < next; s++) {
            assertEquals(plain.losses.get(s), grown.losses.get(s), "before the growth the runs are one run");
        }
        double teacher = plain.losses.get(next);
        double student = grown.losses.get(next);
        System.out.printf(
                "[growth] loss at the first step after growth: teacher %.9f, grown student %.9f, rel diff %.2e%n",
                teacher, student, Math.abs(student - teacher) / Math.abs(teacher));
        assertEquals(teacher, student, 1e-5 * Math.abs(teacher), "Net2WiderNet keeps the function");
        assertNotEquals(
                plain.losses.get(next + 1), grown.losses.get(next + 1), "then the wider network learns its own way");
    }

    @Test
    void checkpointsOnEitherSideOfTheGrowthResumeToTheUninterruptedRun() {
        Splits data = TrainerTest.seedData();
        Path whole = tmp.resolve("whole");
        Trainer.Result uninterrupted;
        try (Network net = mlp()) {
            uninterrupted = Trainer.train(
                    net,
                    data,
                    CONFIG,
                    Trainer.Options.quiet().withOut(whole, false).withGrowth(new Widen(GROWTH_STEP)));
        }
        // killed while finishing epoch 2 (checkpoint: epoch 1, before the growth) or epoch 3 (epoch 2, after it)
        for (int killAt : new int[] {2, 3}) {
            Path out = tmp.resolve("killed" + killAt);
            try (Network net = mlp()) {
                RuntimeException killed = Assertions.assertThrows(
                        RuntimeException.class,
                        () -> Trainer.train(
                                net,
                                data,
                                CONFIG,
                                Trainer.Options.quiet()
                                        .withOut(out, false)
                                        .withGrowth(new Widen(GROWTH_STEP))
                                        .withListener(m -> {
                                            if (m.epoch() == killAt) {
                                                throw new RuntimeException("killed");
                                            }
                                        })));
                assertEquals("killed", killed.getMessage());
            }
            try (Network saved = ModelFiles.load(out)) {
                assertEquals(
                        killAt == 2 ? 16 : 24,
                        saved.weight("fc1.weight").getShape().get(0));
            }
            Widen again = new Widen(GROWTH_STEP);
            Trainer.Result resumed = Trainer.resume(
                    data, null, Trainer.Options.quiet().withOut(out, false).withGrowth(again));
            assertEquals(killAt == 2 ? 1 : 0, again.grownAt.size(), "grows again only if the checkpoint had not");
            try (Network a = ModelFiles.load(whole);
                    Network b = resumed.network()) {
                assertEquals(TrainerTest.numbers(uninterrupted.metrics()), TrainerTest.numbers(resumed.metrics()));
                TrainerOptimizerTest.assertSameWeights(a, b);
                assertEquals(a.history().size(), b.history().size());
                assertEquals(
                        ((Step.Train) a.history().get(a.history().size() - 1)).settings(),
                        ((Step.Train) b.history().get(b.history().size() - 1)).settings());
            }
        }
        uninterrupted.network().close();
    }
}
