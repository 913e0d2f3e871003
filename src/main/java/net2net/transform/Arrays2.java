package net2net.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net2net.nn.Network;

/** Array plumbing shared by the transforms. */
final class Arrays2 {
    private Arrays2() {}

    /** Moves an op's result (made in its input's manager, possibly the teacher's) into {@code manager}. */
    static NDArray own(NDArray a, NDManager manager) {
        a.attach(manager);
        return a;
    }

    /**
     * The student's arrays, all in {@code manager}: arrays still shared with the teacher are
     * duplicated (the teacher is never changed), new ones are moved over.
     */
    static Map<String, NDArray> own(Map<String, NDArray> weights, Network teacher, NDManager manager) {
        Map<String, NDArray> owned = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray a = e.getValue();
            if (teacher.weights().get(e.getKey()) == a) {
                a = a.duplicate();
            }
            a.attach(manager);
            owned.put(e.getKey(), a);
        }
        return owned;
    }

    static List<JsonObject> append(List<JsonObject> history, JsonObject step) {
        List<JsonObject> h = new ArrayList<>(history);
        h.add(step);
        return h;
    }
}
