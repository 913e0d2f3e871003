package net2net.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

/** Forward multiply-accumulates per example, against counts worked out by hand. */
@Fast
class MacsTest {
    @Test
    void fashionnetFullWidth() {
        long conv1 = 32L * 1 * 9 * 28 * 28; // 225,792
        long conv2 = 64L * 32 * 9 * 14 * 14; // 3,612,672
        long fc1 = 64L * 7 * 7 * 128; // 401,408
        long fc2 = 128L * 10; // 1,280
        assertEquals(4_241_152L, conv1 + conv2 + fc1 + fc2);
        assertEquals(4_241_152L, Presets.get("fashionnet", 1).forwardMacsPerExample());
        assertEquals(3 * 4_241_152L, Presets.get("fashionnet", 1).trainingMacsPerExample());
    }

    @Test
    void fashionnetTeacherWidth() {
        // sqrt(0.3) widths 18, 35, 70
        long macs = 18L * 9 * 784 + 35L * 18 * 9 * 196 + 35L * 49 * 70 + 70L * 10;
        assertEquals(1_359_078L, macs);
        assertEquals(
                macs, Presets.get("fashionnet", Presets.PAPER_TEACHER_WIDTH).forwardMacsPerExample());
    }

    @Test
    void fashionresnetCountsTheResidualBodies() {
        long stem = 32L * 9 * 784;
        long res1 = 2 * (32L * 32 * 9 * 784); // two 3x3 convs at 28x28
        long conv2 = 64L * 32 * 9 * 196;
        long res2 = 2 * (64L * 64 * 9 * 196); // two 3x3 convs at 14x14
        long head = 3136L * 128 + 1280;
        assertEquals(33_142_528L, stem + res1 + conv2 + res2 + head);
        assertEquals(33_142_528L, Presets.get("fashionresnet", 1).forwardMacsPerExample());
    }

    @Test
    void onlyDenseAndConvCount() {
        Architecture a = new Architecture(
                new Shape(3),
                List.of(
                        new Layer.Dense("a", 4, true),
                        new Layer.Relu("r"),
                        new Layer.Residual(
                                "res",
                                List.of(
                                        new Layer.Dense("b", 5, false),
                                        new Layer.Relu("r2"),
                                        new Layer.Dense("c", 4, true)),
                                Layer.Residual.Activation.RELU),
                        new Layer.Dense("d", 2, true)));
        assertEquals(3 * 4 + 4 * 5 + 5 * 4 + 4 * 2, a.forwardMacsPerExample());
    }
}
