package net2net.nn;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import net2net.Net2NetException;

/**
 * NaN and infinite weights. A safetensors file may hold them (a diverged run saved by another
 * tool, or damage inside the data): the model loads, but no function-preservation check can pass
 * on it, so the commands that check one refuse it and {@code info} reports it.
 */
public final class NonFinite {
    private NonFinite() {}

    /** Weight name to its number of NaN or infinite values, for the weights that have any. */
    public static Map<String, Long> count(Network network) {
        Map<String, Long> bad = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : network.weights().entrySet()) {
            // max and min are NaN when any value is NaN (torch propagates it), infinite when any is:
            // two reductions, no array as large as the weight (3 GB for the largest models)
            if (finite(e.getValue())) {
                continue;
            }
            long n = 0;
            try (NDArray nan = e.getValue().isNaN();
                    NDArray nanCount = nan.countNonzero()) {
                n += nanCount.getLong();
            }
            try (NDArray inf = e.getValue().isInfinite();
                    NDArray infCount = inf.countNonzero()) {
                n += infCount.getLong();
            }
            if (n > 0) {
                bad.put(e.getKey(), n);
            }
        }
        return bad;
    }

    private static boolean finite(NDArray a) {
        try (NDArray max = a.max();
                NDArray min = a.min()) {
            return Double.isFinite(max.toArray()[0].doubleValue()) && Double.isFinite(min.toArray()[0].doubleValue());
        }
    }

    /** Refuses a network with any NaN or infinite weight, naming {@code what} it is and the first such weights. */
    public static void refuse(Network network, String what) {
        Map<String, Long> bad = count(network);
        if (!bad.isEmpty()) {
            throw new Net2NetException(what + " has NaN or infinite weights (" + describe(bad)
                    + "); no function-preservation check can pass on it: retrain it or restore a finite copy");
        }
    }

    /** "fc1.weight: 3, fc2.bias: 1". */
    public static String describe(Map<String, Long> bad) {
        StringBuilder sb = new StringBuilder();
        bad.forEach((k, v) ->
                sb.append(sb.length() == 0 ? "" : ", ").append(k).append(": ").append(v));
        return sb.toString();
    }
}
