package net2net.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import net2net.spec.Presets;
import net2net.testing.Fast;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same forward and backward pass, repeated, gives the same gradients bit for bit at libtorch's
 * default thread count (docs/lm-determinism.md): the table of a tied head gets its gradient from the
 * embedding and from the head, and a take's backward made it differ in the last bits on 2 threads.
 */
@Fast
class RepeatedPassesTest {
    @ParameterizedTest
    @ValueSource(strings = {"tinygpt", "tinyllama"})
    void repeatedPassesGiveTheSameGradients(String preset) {
        try (Network net = Initialization.random(Presets.get(preset, 1, 113, 64), 3, Step.Init.seeded(3))) {
            DjlNetwork block = DjlNetwork.of(net);
            SplittableRandom rng = new SplittableRandom(5);
            float[] ids = new float[32 * 64];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rng.nextInt(113);
            }
            Map<String, float[]> first = new LinkedHashMap<>();
            TreeSet<String> differ = new TreeSet<>();
            for (int pass = 0; pass < 8; pass++) {
                try (NDManager m = net.manager().newSubManager()) {
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        NDArray out = block.forward(m.create(ids, new Shape(32, 64)), true);
                        out.attach(m);
                        c.backward(out.logSoftmax(-1).mean());
                    }
                    for (Map.Entry<String, NDArray> e : net.weights().entrySet()) {
                        NDArray g = e.getValue().getGradient();
                        float[] v = g.toFloatArray();
                        g.muli(0);
                        float[] before = first.putIfAbsent(e.getKey(), v);
                        if (before != null && !Arrays.equals(before, v)) {
                            differ.add(e.getKey());
                        }
                    }
                }
            }
            assertEquals(new TreeSet<String>(), differ, "parameters whose gradient differed between identical passes");
        }
    }
}
