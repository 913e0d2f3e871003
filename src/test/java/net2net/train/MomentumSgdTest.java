package net2net.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.Map;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

/** The update is PyTorch's: d = g + wd w; v = m v + d; w -= lr v (no dampening, v starts at 0). */
@Fast
class MomentumSgdTest {
    @Test
    void twoStepsMatchHandComputedPyTorchSgd() {
        try (NDManager m = NDManager.newBaseManager();
                MomentumSgd sgd = new MomentumSgd(0.9, 0.1)) {
            NDArray w = m.create(new float[] {1, 2});
            Parameter p = Parameter.builder()
                    .setName("w")
                    .setType(Parameter.Type.WEIGHT)
                    .build();
            p.setArray(w);
            w.setRequiresGradient(true);
            NDArray x = m.create(new float[] {3, 4});
            // loss = sum(w * x), so the gradient is x = [3, 4] at every step
            for (int step = 0; step < 2; step++) {
                try (NDManager scratch = m.newSubManager()) {
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        c.backward(w.mul(x).sum());
                    }
                    sgd.step(Map.of("w", p), 0.5, scratch);
                }
            }
            // step 1: d = [3.1, 4.2], v = d, w = [1 - 1.55, 2 - 2.1] = [-0.55, -0.1]
            // step 2: d = [3 - 0.055, 4 - 0.01] = [2.945, 3.99], v = 0.9 [3.1, 4.2] + d = [5.735, 7.77],
            //         w = [-0.55 - 2.8675, -0.1 - 3.885]
            assertArrayEquals(new float[] {5.735f, 7.77f}, sgd.velocity("w").toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {-3.4175f, -3.985f}, w.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void withoutMomentumItIsPlainSgdWithWeightDecay() {
        try (NDManager m = NDManager.newBaseManager();
                MomentumSgd sgd = new MomentumSgd(0, 0.5)) {
            NDArray w = m.create(new float[] {2});
            Parameter p = Parameter.builder()
                    .setName("w")
                    .setType(Parameter.Type.WEIGHT)
                    .build();
            p.setArray(w);
            w.setRequiresGradient(true);
            for (int step = 0; step < 2; step++) {
                try (NDManager scratch = m.newSubManager()) {
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        c.backward(w.square().sum()); // gradient 2w
                    }
                    sgd.step(Map.of("w", p), 0.1, scratch);
                }
            }
            // each step: w -= 0.1 (2w + 0.5w) = 0.75 w
            assertArrayEquals(new float[] {2 * 0.75f * 0.75f}, w.toFloatArray(), 1e-6f);
        }
    }
}
