package net2net.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

/** The warmup-cosine rate against values worked out by hand for several budgets. */
@Fast
class ScheduleTest {
    private static final Schedule S = Schedule.WARMUP_COSINE;

    @Test
    void oneShortEpochWarmsUpForOneStep() {
        // T = 5 steps, W = max(1, round(0.15)) = 1; after warmup cos runs over T - W = 4 steps.
        assertEquals(1.0, S.factor(0, 0, 5, 1), 1e-12);
        assertEquals(1.0, S.factor(0, 1, 5, 1), 1e-12); // cos(0)
        assertEquals(0.5, S.factor(0, 3, 5, 1), 1e-12); // cos(pi/2)
        assertEquals(0.1464466094, S.factor(0, 4, 5, 1), 1e-9); // (1 + cos(3 pi / 4)) / 2
    }

    @Test
    void twoEpochsOf469Batches() {
        // T = 938, W = round(28.14) = 28, T - W = 910.
        assertEquals(28, Schedule.warmupSteps(938));
        assertEquals(1.0 / 28, S.factor(0, 0, 469, 2), 1e-12);
        assertEquals(14.0 / 28, S.factor(0, 13, 469, 2), 1e-12);
        assertEquals(1.0, S.factor(0, 27, 469, 2), 1e-12);
        assertEquals(1.0, S.factor(0, 28, 469, 2), 1e-12);
        // step 28 + 455 = 483 = epoch 1, batch 14: half-way through the cosine
        assertEquals(0.5, S.factor(1, 14, 469, 2), 1e-12);
    }

    @Test
    void fiveEpochsOf200BatchesEndNearZero() {
        // T = 1000, W = 30, T - W = 970.
        assertEquals(30, Schedule.warmupSteps(1000));
        assertEquals(0.5, S.factor(2, 115, 200, 5), 1e-12); // step 515 = 30 + 485
        // last step 999: (1 + cos(969 pi / 970)) / 2 = (1 - cos(pi / 970)) / 2 ~ (pi / 970)^2 / 4
        assertEquals(2.62238e-6, S.factor(4, 199, 200, 5), 1e-11);
    }

    @Test
    void eachBudgetHasItsOwnSchedule() {
        // The same step sits at different points of a 1-epoch and a 10-epoch run: 100 batches per epoch.
        // 1 epoch: T = 100, W = 3, step 50: (1 + cos(47 pi / 97)) / 2
        assertEquals(0.5 * (1 + Math.cos(47 * Math.PI / 97)), S.factor(0, 50, 100, 1), 1e-12);
        assertEquals(0.52428111, S.factor(0, 50, 100, 1), 1e-8);
        // 10 epochs: T = 1000, W = 30, step 50: (1 + cos(20 pi / 970)) / 2
        assertEquals(0.99895141, S.factor(0, 50, 100, 10), 1e-8);
        // and the rate a TrainConfig hands the trainer is the base rate times the factor
        TrainConfig c = new TrainConfig(10, 0.04, 0.9, 5e-4, 128, S, 0, 0);
        assertEquals(0.04 * S.factor(3, 7, 100, 10), c.lrAt(3, 7, 100), 1e-15);
    }

    @Test
    void parsesItsCommandLineName() {
        assertEquals(S, Schedule.parse("warmup-cosine"));
        assertEquals("warmup-cosine", S.key());
        assertEquals(Schedule.COSINE, Schedule.parse("cosine"));
    }
}
