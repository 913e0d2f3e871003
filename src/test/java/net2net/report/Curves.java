package net2net.report;

import java.util.ArrayList;
import java.util.List;

/** Builds test curves: one test_accuracy point per epoch, {@code examplesPerEpoch} examples each. */
final class Curves {
    private Curves() {}

    static List<CurvePoint> accuracy(
            String experiment, String method, int seed, long examplesPerEpoch, double... accuracyPerEpoch) {
        List<CurvePoint> points = new ArrayList<>();
        for (int e = 0; e < accuracyPerEpoch.length; e++) {
            points.add(new CurvePoint(
                    experiment,
                    method,
                    seed,
                    e,
                    e * examplesPerEpoch,
                    10.0 * e,
                    CurvePoint.TEST_ACCURACY,
                    accuracyPerEpoch[e]));
        }
        return points;
    }
}
