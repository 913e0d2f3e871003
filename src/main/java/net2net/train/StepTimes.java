package net2net.train;

/**
 * Where a training run's batch time goes, for the benchmark: building the batch's arrays, forward
 * (with the loss), reading the loss back into Java (a metric), backward, and the optimizer step.
 * Time outside all of these (shuffling, progress, bookkeeping) is the run's seconds minus their sum.
 */
public final class StepTimes {
    private long batches;
    private long data;
    private long forward;
    private long lossRead;
    private long backward;
    private long step;

    /** Starts timing one batch; mark each phase's end on the timer as it happens. */
    Timer start() {
        return new Timer(System.nanoTime());
    }

    /** The phase boundaries of one batch (System.nanoTime), added to the totals by {@link #stepDone}. */
    final class Timer {
        private final long start;
        private long dataDone;
        private long forwardDone;
        private long lossRead;
        private long backwardDone;

        private Timer(long start) {
            this.start = start;
        }

        void dataBuilt() {
            dataDone = System.nanoTime();
        }

        void forwardDone() {
            forwardDone = System.nanoTime();
        }

        void lossRead() {
            lossRead = System.nanoTime();
        }

        void backwardDone() {
            backwardDone = System.nanoTime();
        }

        void stepDone() {
            long stepDone = System.nanoTime();
            batches++;
            data += dataDone - start;
            forward += forwardDone - dataDone;
            StepTimes.this.lossRead += lossRead - forwardDone;
            backward += backwardDone - lossRead;
            step += stepDone - backwardDone;
        }
    }

    public long batches() {
        return batches;
    }

    public double dataSeconds() {
        return data / 1e9;
    }

    public double forwardSeconds() {
        return forward / 1e9;
    }

    public double lossReadSeconds() {
        return lossRead / 1e9;
    }

    public double backwardSeconds() {
        return backward / 1e9;
    }

    public double stepSeconds() {
        return step / 1e9;
    }

    /** Forward, backward and optimizer step: the engine's share of a batch. */
    public double computeSeconds() {
        return (forward + backward + step) / 1e9;
    }
}
