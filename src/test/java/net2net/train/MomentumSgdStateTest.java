package net2net.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.Map;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

/** The velocities are exposed per parameter and can be replaced, which a growth step needs. */
@Fast
class MomentumSgdStateTest {
    @Test
    void replacedVelocitiesDriveTheNextStep() {
        try (NDManager m = NDManager.newBaseManager();
                Optimizer sgd = new MomentumSgd(0.5, 0)) {
            NDArray w = m.create(new float[] {1, 2});
            Parameter p = Parameter.builder()
                    .setName("w")
                    .setType(Parameter.Type.WEIGHT)
                    .build();
            p.setArray(w);
            w.setRequiresGradient(true);
            assertTrue(sgd.state().isEmpty(), "no velocity before the first step");
            // a velocity from elsewhere (a grown teacher's): v = [10, -10]
            sgd.setState(Map.of("w", new Optimizer.Momentum(m.create(new float[] {10, -10}))));
            try (NDManager scratch = m.newSubManager()) {
                try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                    c.backward(w.mul(m.create(new float[] {3, 4})).sum()); // gradient [3, 4]
                }
                sgd.step(Map.of("w", p), 0.1, scratch);
            }
            // v = 0.5 [10, -10] + [3, 4] = [8, -1]; w = [1, 2] - 0.1 v = [0.2, 2.1]
            Optimizer.Momentum v =
                    assertInstanceOf(Optimizer.Momentum.class, sgd.state().get("w"));
            assertArrayEquals(new float[] {8, -1}, v.velocity().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.2f, 2.1f}, w.toFloatArray(), 1e-6f);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> sgd.setState(Map.of("w", new Optimizer.Adam(v.velocity(), v.velocity(), 1))));
            assertArrayEquals(
                    new float[] {8, -1},
                    sgd.state().get("w") instanceof Optimizer.Momentum mo
                            ? mo.velocity().toFloatArray()
                            : null,
                    1e-6f,
                    "a refused state leaves the old one");
        }
    }
}
