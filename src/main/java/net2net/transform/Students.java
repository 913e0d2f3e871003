package net2net.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.spec.Architecture;

/**
 * Builds a student from a teacher, in a manager of its own: the one place that frees that manager
 * when a transform fails halfway. The teacher is never changed.
 */
final class Students {
    private Students() {}

    /** The student's architecture and the step that made it. */
    record Grown(Architecture architecture, Step step) {}

    /** A transform's work: replaces or adds entries of {@code weights}, making new arrays in {@code scratch}. */
    interface Growth {
        Grown grow(Map<String, NDArray> weights, NDManager scratch);
    }

    /**
     * Runs {@code growth} on a map that starts as the teacher's weights, then gives the student its
     * own copy of every array still shared with the teacher, the teacher's history plus the new
     * step, and the teacher's preprocessing. Intermediate arrays left in scratch are freed.
     */
    static Network build(Network teacher, Growth growth) {
        NDManager manager = NDManager.newBaseManager();
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> weights = new LinkedHashMap<>(teacher.weights());
            Grown grown = growth.grow(weights, scratch);
            Map<String, NDArray> owned = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                NDArray a = e.getValue();
                if (teacher.weights().get(e.getKey()) == a) {
                    a = a.duplicate();
                }
                a.attach(manager);
                owned.put(e.getKey(), a);
            }
            List<Step> history = new ArrayList<>(teacher.history());
            history.add(grown.step());
            return new Network(grown.architecture(), owned, history, teacher.preprocessing(), manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * {@code a}, made by an op on an array of another manager (possibly the teacher's, where DJL
     * puts an op's result), moved into {@code scratch}.
     */
    static NDArray inScratch(NDArray a, NDManager scratch) {
        a.attach(scratch);
        return a;
    }
}
