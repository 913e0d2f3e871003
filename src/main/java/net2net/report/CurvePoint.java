package net2net.report;

import java.util.Objects;

/**
 * One measurement of one model during one run, in long format: one row per (model, time, metric).
 *
 * @param experiment experiment key, e.g. {@code wider}, {@code deeper}, {@code design_space}
 * @param method method key, e.g. {@code net2net}, {@code random_pad}, {@code random_init}, {@code teacher}
 * @param seed the run's random seed
 * @param epoch training progress in epochs of this model; fractional within an epoch
 * @param examples training examples this model has seen, counted from its own start
 * @param seconds wall-clock seconds of this model's own training so far
 * @param metric one of {@link #TEST_ACCURACY}, {@link #TEST_LOSS}, {@link #TRAIN_LOSS}
 * @param value the measurement; accuracies are fractions in [0, 1]
 */
public record CurvePoint(
        String experiment,
        String method,
        int seed,
        double epoch,
        long examples,
        double seconds,
        String metric,
        double value) {

    public static final String TEST_ACCURACY = "test_accuracy";
    public static final String TEST_LOSS = "test_loss";
    public static final String TRAIN_LOSS = "train_loss";

    public CurvePoint {
        Objects.requireNonNull(experiment, "experiment");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(metric, "metric");
    }
}
