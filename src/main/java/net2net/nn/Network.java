package net2net.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net2net.Net2NetException;
import net2net.spec.Architecture;

/**
 * A network's architecture and its weights, keyed by PyTorch state_dict names
 * ({@code conv1.weight}, {@code bn1.running_var}, ...), with its history (how it was made, one
 * {@link Step} per transform or training run) and, once trained, the input preprocessing it
 * expects. The network owns its NDManager: closing it frees every array. Its architecture,
 * history and preprocessing never change: every {@code with...} returns a copy. The weights are
 * the one live part: training updates them in place.
 */
public final class Network implements AutoCloseable {
    private final Architecture architecture;
    private final Map<String, NDArray> weights;
    private final List<Step> history;
    private final JsonObject preprocessing;
    private final NDManager manager;

    /** Takes ownership of {@code manager}; every array of {@code weights} must belong to it. */
    public Network(
            Architecture architecture,
            Map<String, NDArray> weights,
            List<Step> history,
            JsonObject preprocessing,
            NDManager manager) {
        Map<String, Shape> expected = architecture.parameterShapes();
        if (!expected.keySet().equals(weights.keySet())) {
            List<String> missing = new ArrayList<>(expected.keySet());
            missing.removeAll(weights.keySet());
            List<String> extra = new ArrayList<>(weights.keySet());
            extra.removeAll(expected.keySet());
            throw new Net2NetException(
                    "weights do not match the architecture: missing " + missing + ", unexpected " + extra);
        }
        Map<String, NDArray> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            NDArray array = weights.get(e.getKey());
            if (!array.getShape().equals(e.getValue())) {
                throw new Net2NetException("weight " + e.getKey() + " has shape " + array.getShape()
                        + " but the architecture needs " + e.getValue());
            }
            if (array.getDataType() != DataType.FLOAT32 && array.getDataType() != DataType.FLOAT64) {
                throw new Net2NetException(
                        "weight " + e.getKey() + " is " + array.getDataType() + "; net2net needs float32");
            }
            ordered.put(e.getKey(), array);
        }
        this.architecture = architecture;
        this.weights = Collections.unmodifiableMap(ordered);
        this.history = List.copyOf(history);
        this.preprocessing = preprocessing == null ? null : preprocessing.deepCopy();
        this.manager = manager;
    }

    public Architecture architecture() {
        return architecture;
    }

    /** State_dict name to array, in architecture order. The arrays are live: training updates them. */
    public Map<String, NDArray> weights() {
        return weights;
    }

    public NDArray weight(String key) {
        NDArray a = weights.get(key);
        if (a == null) {
            throw new Net2NetException("no weight named '" + key + "'");
        }
        return a;
    }

    /** The steps that made this network, oldest first; unmodifiable. */
    public List<Step> history() {
        return history;
    }

    /** The input preprocessing this network was trained with, or null. */
    public JsonObject preprocessing() {
        return preprocessing == null ? null : preprocessing.deepCopy();
    }

    public NDManager manager() {
        return manager;
    }

    /** A copy whose last history step records where the network it was made from came from. */
    public Network withSource(String source) {
        List<Step> h = new ArrayList<>(history);
        if (!h.isEmpty()) {
            h.set(h.size() - 1, h.get(h.size() - 1).withFrom(source));
        }
        return copy(h, preprocessing);
    }

    /** A copy with one more history step. Shares nothing with this one. */
    public Network withStep(Step step) {
        List<Step> h = new ArrayList<>(history);
        h.add(step);
        return copy(h, preprocessing);
    }

    public Network withPreprocessing(JsonObject newPreprocessing) {
        return copy(history, newPreprocessing);
    }

    /** A copy of the weights with another history and preprocessing: a trainer's checkpoint. */
    public Network withHistory(List<Step> newHistory, JsonObject newPreprocessing) {
        return copy(newHistory, newPreprocessing);
    }

    /** A deep copy in its own manager: changing one never changes the other. */
    public Network copy() {
        return copy(history, preprocessing);
    }

    /** A deep copy in another precision: float64 checks a transform's math free of float32 rounding. */
    public Network copy(DataType precision) {
        return copy(history, preprocessing, precision);
    }

    /** A deep copy, each array in its own precision. */
    private Network copy(List<Step> h, JsonObject pre) {
        return copy(h, pre, null);
    }

    /** A deep copy in {@code precision}, or each array in its own when null. */
    private Network copy(List<Step> h, JsonObject pre, DataType precision) {
        NDManager m = NDManager.newBaseManager();
        Map<String, NDArray> w = new LinkedHashMap<>();
        // (toType with copy=true returns the same array when the type already matches)
        weights.forEach((k, v) -> w.put(
                k, precision == null || v.getDataType() == precision ? v.duplicate() : v.toType(precision, false)));
        w.values().forEach(a -> a.attach(m));
        return new Network(architecture, w, h, pre, m);
    }

    @Override
    public void close() {
        manager.close();
    }
}
