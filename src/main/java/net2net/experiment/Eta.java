package net2net.experiment;

import java.util.function.LongSupplier;
import net2net.train.Progress;

/**
 * The replication's estimate of the time left (docs/replication.md, "The ETA").
 *
 * <p>A run's wall time is not proportional to its MACs: the sqrt(0.3) teacher does a third of the full-width
 * net's arithmetic per example, but per-batch and per-example costs that do not scale with MACs (gathering the
 * batch, pooling, batchnorm, the optimizer's step, one framework call per op) make it cost much more than a third
 * of its time. So every distinct architecture is timed at the start on a few batches of its own ({@link Speed}),
 * each run's work is counted in training batches and evaluated examples ({@link Work}), and the prediction of the
 * work left is scaled by measured / predicted over the work done so far in the invocation, which takes in what
 * the calibration does not see: loading, transforms, checkpoints and a machine busier than it was at the start.
 */
final class Eta {
    private Eta() {}

    /**
     * One architecture's measured speed.
     *
     * @param secondsPerBatch one training step on a batch of the profile's size (forward, backward, update)
     * @param secondsPerEvalExample one example of a test or validation evaluation
     */
    record Speed(double secondsPerBatch, double secondsPerEvalExample) {}

    /**
     * Work of one architecture.
     *
     * @param batches training steps
     * @param evalExamples examples evaluated: the learning curve's test points, validation, per-image predictions
     */
    record Work(long batches, long evalExamples) {
        static final Work NONE = new Work(0, 0);

        Work plus(Work o) {
            return new Work(batches + o.batches, evalExamples + o.evalExamples);
        }

        double seconds(Speed s) {
            return batches * s.secondsPerBatch() + evalExamples * s.secondsPerEvalExample();
        }
    }

    /**
     * The training and learning-curve work of epochs {@code [from, to)} of a run, as the trainer does it: every
     * epoch trains {@code batchesPerEpoch} batches and then evaluates the test set; a run with fine points
     * ({@code evalEvery > 0}) that starts from epoch 0 also evaluates before training and every {@code evalEvery}
     * batches of epoch 0 except after the last one.
     */
    static Work epochs(int from, int to, int batchesPerEpoch, int testImages, int evalEvery) {
        if (to <= from) {
            return Work.NONE;
        }
        long evaluations = to - from;
        if (evalEvery > 0 && from == 0) {
            evaluations += 1 + (batchesPerEpoch - 1) / evalEvery;
        }
        return new Work((long) (to - from) * batchesPerEpoch, evaluations * testImages);
    }

    /**
     * Seconds left: the prediction of the work left, scaled by how long the work done so far took against its
     * prediction (1 before any work is done).
     */
    static double secondsLeft(double predictedLeft, double predictedDone, double measuredDone) {
        double ratio = predictedDone > 0 && measuredDone > 0 ? measuredDone / predictedDone : 1;
        return Math.max(0, predictedLeft) * ratio;
    }

    /**
     * Seconds per batch from clock readings: {@code stampsNanos[0]} before the first batch, {@code stampsNanos[k]}
     * after batch k. The first {@code warm} batches (first calls, allocation) are left out.
     */
    static double secondsPerBatch(long[] stampsNanos, int warm) {
        int batches = stampsNanos.length - 1;
        if (warm < 0 || warm >= batches) {
            throw new IllegalArgumentException(batches + " batches timed, " + warm + " left out: none left to time");
        }
        return (stampsNanos[batches] - stampsNanos[warm]) / 1e9 / (batches - warm);
    }

    /**
     * A trainer listener that reads the clock before the first batch and after each of the next {@code batches},
     * counted across epochs (a small data set may have fewer batches per epoch than are timed).
     */
    static final class BatchClock implements Progress {
        private final long[] stamps;
        private final LongSupplier nanos;
        private int steps;

        BatchClock(int batches) {
            this(batches, System::nanoTime);
        }

        BatchClock(int batches, LongSupplier nanos) {
            this.stamps = new long[batches + 1];
            this.nanos = nanos;
        }

        @Override
        public void startEpoch(int epoch, int epochs, int batches) {
            if (steps == 0) {
                stamps[0] = nanos.getAsLong();
            }
        }

        @Override
        public void batch(int done, double meanLoss) {
            if (++steps < stamps.length) {
                stamps[steps] = nanos.getAsLong();
            }
        }

        @Override
        public void endEpoch() {}

        /** Seconds per batch after the first {@code warm} ({@link Eta#secondsPerBatch}). */
        double secondsPerBatch(int warm) {
            return Eta.secondsPerBatch(stamps, warm);
        }
    }
}
