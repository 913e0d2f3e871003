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

    /** One batch from its phase boundaries (System.nanoTime): start, data built, forward, loss read, backward, step done. */
    void add(long start, long dataDone, long forwardDone, long lossRead, long backwardDone, long stepDone) {
        batches++;
        data += dataDone - start;
        forward += forwardDone - dataDone;
        this.lossRead += lossRead - forwardDone;
        backward += backwardDone - lossRead;
        step += stepDone - backwardDone;
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
