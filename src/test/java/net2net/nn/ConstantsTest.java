package net2net.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import net2net.spec.Presets;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Constants in a differentiable forward pass stay valid until the backward pass (see
 * {@link Constants}): between forward and backward the tests collect garbage and fill freshly
 * allocated native memory with NaN, so a constant that lived in a freed Java buffer would turn the
 * gradient into NaN or garbage.
 */
@Fast
class ConstantsTest {
    /** Collects garbage, lets the cleaner free unreachable direct buffers, then reuses that memory. */
    static List<ByteBuffer> poisonFreedMemory() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(8 + 8 * (i % 8)).order(ByteOrder.nativeOrder());
            while (b.hasRemaining()) {
                b.put((byte) 0xFF); // a NaN in float32 and float64
            }
            held.add(b);
        }
        return held;
    }

    static float[] gradientAfterPoison(BiFunction<NDArray, Number, NDArray> op, Number c) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1.5f, -2f, 3f, 0.25f}).duplicate();
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = op.apply(x, c).sum();
                List<ByteBuffer> held = poisonFreedMemory();
                collector.backward(y);
                held.clear();
            }
            return x.getGradient().toFloatArray();
        }
    }

    @Test
    void theGradientOfEachOperationWithAConstantSurvivesAGarbageCollection() throws Exception {
        float[] x = {1.5f, -2f, 3f, 0.25f};
        float[] times = new float[4];
        float[] over = new float[4];
        float[] power = new float[4];
        float[] plus = new float[4];
        for (int i = 0; i < 4; i++) {
            times[i] = 0.5f;
            over[i] = (float) (1 / Math.sqrt(16));
            power[i] = 3 * x[i] * x[i];
            plus[i] = 1;
        }
        assertArrayEquals(times, gradientAfterPoison(Constants::times, 0.5), 1e-6f, "d(0.5 x)/dx");
        assertArrayEquals(over, gradientAfterPoison(Constants::over, Math.sqrt(16)), 1e-6f, "d(x / 4)/dx");
        assertArrayEquals(power, gradientAfterPoison(Constants::power, 3), 1e-5f, "d(x^3)/dx");
        assertArrayEquals(plus, gradientAfterPoison(Constants::plus, 1), 0f, "d(x + 1)/dx");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tinygpt", "tinyllama"})
    void aTokenModelsGradientIsTheSameWithAGarbageCollectionBeforeTheBackwardPass(String preset) throws Exception {
        try (Network net = Initialization.random(Presets.get(preset, 0.5, 20, 16), 3, Step.Init.seeded(3))) {
            float[] clean = tinygptGradient(net, false);
            float[] poisoned = tinygptGradient(net, true);
            assertEquals(clean.length, poisoned.length);
            for (float v : clean) {
                assertEquals(true, Float.isFinite(v), "a finite gradient without a collection");
            }
            assertArrayEquals(clean, poisoned, 0f, "every parameter's gradient, bit for bit");
        }
    }

    /** Every trainable parameter's gradient of the summed logits of one batch, concatenated. */
    static float[] tinygptGradient(Network net, boolean poison) throws Exception {
        DjlNetwork block = DjlNetwork.of(net);
        SplittableRandom rng = new SplittableRandom(5);
        float[] ids = new float[2 * 16];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(20);
        }
        try (NDManager m = net.manager().newSubManager()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = block.forward(m.create(ids, new Shape(2, 16)), true);
                out.attach(m);
                NDArray loss = out.square().mean();
                List<ByteBuffer> held = poison ? poisonFreedMemory() : new ArrayList<>();
                collector.backward(loss);
                held.clear();
            }
            List<Float> all = new ArrayList<>();
            for (var p : block.trainableParameters()) {
                NDArray g = p.getArray().getGradient();
                for (float v : g.toType(DataType.FLOAT32, false).toFloatArray()) {
                    all.add(v);
                }
                g.muli(0);
            }
            float[] out = new float[all.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = all.get(i);
            }
            return out;
        }
    }
}
