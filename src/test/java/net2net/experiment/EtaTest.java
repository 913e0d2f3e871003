package net2net.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

/** The replication's ETA on hand-made timings (docs/replication.md, "The ETA"). */
@Fast
class EtaTest {
    @Test
    void countsTheTrainersBatchesAndEvaluations() {
        // 16 batches, fine points every 8: before training, after batch 8 (not after the last, 16), then after each
        // epoch: 2 + 2 evaluations of 2,000 images for epochs [0, 2)
        assertEquals(new Eta.Work(32, 4 * 2000), Eta.epochs(0, 2, 16, 2000, 8));
        // resumed at epoch 1: no fine points
        assertEquals(new Eta.Work(16, 2000), Eta.epochs(1, 2, 16, 2000, 8));
        // the full profile: 430 batches, every 40: after 40, 80, ..., 400 (10) and before training
        assertEquals(new Eta.Work(430, 12 * 10000), Eta.epochs(0, 1, 430, 10000, 40));
        // evaluations every 40 of 40 batches: only the one after the epoch would fall on the last batch
        assertEquals(new Eta.Work(40, 2 * 100), Eta.epochs(0, 1, 40, 100, 40));
        assertEquals(new Eta.Work(30, 3 * 100), Eta.epochs(0, 3, 10, 100, 0));
        assertEquals(Eta.Work.NONE, Eta.epochs(2, 2, 10, 100, 0));
    }

    @Test
    void workCostsItsBatchesAndExamples() {
        Eta.Speed s = new Eta.Speed(0.05, 1e-4);
        assertEquals(3 * 0.05 + 2000 * 1e-4, new Eta.Work(3, 2000).seconds(s), 1e-12);
        assertEquals(new Eta.Work(4, 2500), new Eta.Work(3, 2000).plus(new Eta.Work(1, 500)));
    }

    @Test
    void secondsPerBatchLeavesTheWarmBatchesOut() {
        // start at 1 s; batches end at 3 s (slow first call), 3.5, 4.0, 4.5
        long[] stamps = {1_000_000_000L, 3_000_000_000L, 3_500_000_000L, 4_000_000_000L, 4_500_000_000L};
        assertEquals(0.5, Eta.secondsPerBatch(stamps, 1), 1e-12);
        assertEquals(3.5 / 4, Eta.secondsPerBatch(stamps, 0), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Eta.secondsPerBatch(stamps, 4));
    }

    @Test
    void batchClockCountsBatchesAcrossEpochs() {
        // readings at 1 s (start), 3 s (a slow first batch), 3.5 s, 4 s; a fifth reading would be 100 s
        long[] readings = {1_000_000_000L, 3_000_000_000L, 3_500_000_000L, 4_000_000_000L, 100_000_000_000L};
        int[] read = {0};
        Eta.BatchClock clock = new Eta.BatchClock(3, () -> readings[read[0]++]);
        clock.startEpoch(1, 2, 2);
        clock.batch(1, 0);
        clock.batch(2, 0);
        clock.endEpoch();
        clock.startEpoch(2, 2, 2); // not read: the clock started before the first batch
        clock.batch(1, 0); // the third batch, counted across the epochs
        clock.batch(2, 0); // beyond the batches timed: not read
        assertEquals(4, read[0]);
        assertEquals(0.5, clock.secondsPerBatch(1), 1e-12);
        assertEquals(1.0, clock.secondsPerBatch(0), 1e-12);
    }

    @Test
    void scalesThePredictionByMeasuredOverPredicted() {
        assertEquals(100, Eta.secondsLeft(100, 0, 0), 1e-12); // nothing done yet: the calibration alone
        assertEquals(100, Eta.secondsLeft(100, 0, 3), 1e-12); // loading before any predicted work
        assertEquals(150, Eta.secondsLeft(100, 20, 30), 1e-12); // 1.5 times slower than timed
        assertEquals(0, Eta.secondsLeft(-1, 20, 30), 1e-12); // never negative
    }

    /**
     * A quick-like plan whose true times have a fixed cost per batch besides the MACs (0.04 s per batch, plus
     * 0.02 s per full-width batch of arithmetic): the sqrt(0.3) teacher has a third of the full net's MACs but
     * takes 78% of its time per batch. After the teacher's first epoch the ETA is the true time left, where a
     * MAC-weighted rate measured on that epoch says more than twice as much.
     */
    @Test
    void theFirstEtaIsTheTimeLeftWhenTimeIsNotProportionalToMacs() {
        double overhead = 1.1; // checkpoints and loading on top of the timed work, the same everywhere
        record Arch(double macs, Eta.Speed speed) {}
        Arch teacher = new Arch(1.0 / 3, new Eta.Speed(0.04 + 0.02 / 3, 1e-5));
        Arch full = new Arch(1, new Eta.Speed(0.06, 2e-5));
        Arch deeper = new Arch(2.7, new Eta.Speed(0.04 + 0.02 * 2.7, 4e-5));
        record Run(Arch arch, int epochs) {}
        List<Run> plan = List.of(
                new Run(teacher, 3),
                new Run(full, 1),
                new Run(full, 2),
                new Run(full, 1),
                new Run(full, 2),
                new Run(deeper, 1),
                new Run(deeper, 2));
        int batches = 16;
        int test = 2000;
        double predictedTotal = 0;
        double macWork = 0;
        for (Run r : plan) {
            predictedTotal +=
                    Eta.epochs(0, r.epochs(), batches, test, 0).seconds(r.arch().speed());
            macWork += r.epochs() * r.arch().macs();
        }
        double trueTotal = overhead * predictedTotal;

        double firstEpochPredicted = Eta.epochs(0, 1, batches, test, 0).seconds(teacher.speed());
        double firstEpochMeasured = overhead * firstEpochPredicted;
        double eta = Eta.secondsLeft(predictedTotal - firstEpochPredicted, firstEpochPredicted, firstEpochMeasured);
        assertEquals(trueTotal - firstEpochMeasured, eta, 1e-9 * trueTotal);

        double macWeighted = firstEpochMeasured / teacher.macs() * (macWork - teacher.macs());
        assertTrue(
                macWeighted > 2 * (trueTotal - firstEpochMeasured),
                "the MAC-weighted rate should overshoot: " + macWeighted + " vs " + (trueTotal - firstEpochMeasured));
    }
}
