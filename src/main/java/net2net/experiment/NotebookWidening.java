package net2net.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net2net.nn.Network;
import net2net.nn.Step;

/**
 * The seed notebook's own {@code net2widernet}, reproduced to show why it is wrong. For every
 * hidden layer it sets the student's rows to the teacher's rows divided by the replica count
 * ({@code (1/count[g]) * W[g]}: the INCOMING weights are divided), and it never maps the output
 * layer, which keeps the student's random initialisation. Biases (the notebook has none) also
 * keep the student's initialisation. Never use this: see {@code Net2WiderNet} for the right way.
 */
public final class NotebookWidening {
    private NotebookWidening() {}

    /** {@code student} supplies the untouched layers (the notebook's randomly initialised SimpleNN([20])). */
    public static Network apply(Network teacher, Network student, String hiddenLayer, long seed) {
        NDArray tw = teacher.weight(hiddenLayer + ".weight");
        int n = Math.toIntExact(tw.getShape().get(0));
        int q = Math.toIntExact(
                student.weight(hiddenLayer + ".weight").getShape().get(0));
        Random random = new Random(seed);
        int[] g = new int[q];
        float[] count = new float[n];
        for (int j = 0; j < q; j++) {
            g[j] = j < n ? j : random.nextInt(n);
            count[g[j]]++;
        }
        float[] t = tw.toFloatArray();
        int in = t.length / n;
        float[] rows = new float[q * in];
        for (int j = 0; j < q; j++) {
            for (int i = 0; i < in; i++) {
                rows[j * in + i] = t[g[j] * in + i] / count[g[j]];
            }
        }
        NDManager manager = NDManager.newBaseManager();
        Map<String, NDArray> weights = new LinkedHashMap<>();
        student.weights().forEach((k, v) -> {
            NDArray copy = v.duplicate();
            copy.attach(manager);
            weights.put(k, copy);
        });
        weights.put(hiddenLayer + ".weight", manager.create(rows, new Shape(q, in)));
        return new Network(
                student.architecture(),
                weights,
                List.of(new Step.NotebookWiden(hiddenLayer, q, seed, null)),
                null,
                manager);
    }
}
