package net2net.train;

/** Receives every learning-curve point as soon as it is measured. */
@FunctionalInterface
public interface MetricsListener {
    void onMetrics(EpochMetrics m);
}
