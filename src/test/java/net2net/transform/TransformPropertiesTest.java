package net2net.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net2net.nn.Network;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.testing.RandomNetworks;
import net2net.testing.Slow;

/**
 * Random architectures (every layer kind), random layers to widen with random widths, random
 * insertion points to deepen: the student must compute the teacher's function, and the teacher
 * must come out unchanged.
 */
@Slow
class TransformPropertiesTest {
    static final AtomicInteger widenCases = new AtomicInteger();
    static final AtomicInteger deepenCases = new AtomicInteger();
    static double worstWiden;
    static double worstWidenTrain;
    static double worstWiden64;
    static double worstWidenTrain64;
    static double worstDeepen;

    @Property(tries = 150)
    void wideningPreservesTheFunction(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Architecture drawn = RandomNetworks.architecture(rng);
        List<String> candidates = RandomNetworks.widenable(drawn);
        if (candidates.isEmpty()) {
            drawn = drawn.withInserted(
                    drawn.layers().size() - 1,
                    List.of(new Layer.Dense("hidden", 1 + rng.nextInt(6), true), new Layer.Relu("hidden_relu")));
            candidates = RandomNetworks.widenable(drawn);
        }
        Architecture arch = drawn;
        Map<String, Integer> widths = new HashMap<>();
        int layers = 1 + rng.nextInt(Math.min(2, candidates.size()));
        for (int i = 0; i < layers; i++) {
            String layer = candidates.get(rng.nextInt(candidates.size()));
            widths.put(layer, WideningPath.width(arch.layer(layer)) + rng.nextInt(12));
        }
        Noise noise = rng.nextBoolean() ? Noise.EXACT : Noise.NONE;
        try (Network teacher = RandomNetworks.network(arch, rng);
                NDManager m = NDManager.newBaseManager()) {
            Map<String, float[]> before = RandomNetworks.snapshot(teacher);
            Net2WiderNet.Options options = new Net2WiderNet.Options(noise, 0.1, rng.nextLong());
            NDArray x = Verification.randomInputs(m, arch.input(), 64, rng.nextLong());
            WidenCheck c = widenAndCheck(teacher, widths, options, x, () -> " for " + widths + " of " + arch);
            worstWiden = Math.max(worstWiden, c.float32().maxRelDiff());
            if (!Double.isNaN(c.float64().trainMaxRelDiff())) {
                worstWidenTrain64 = Math.max(worstWidenTrain64, c.float64().trainMaxRelDiff());
                worstWidenTrain = Math.max(worstWidenTrain, c.float32().trainMaxRelDiff());
            }
            worstWiden64 = Math.max(worstWiden64, c.float64().maxRelDiff());
            widths.forEach(
                    (layer, w) -> assertEquals(w, WideningPath.width(c.student().layer(layer)), layer + "'s width"));
            assertUnchanged(before, teacher);
            widenCases.incrementAndGet();
        }
    }

    @Property(tries = 100)
    void deepeningPreservesTheFunction(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Architecture arch = RandomNetworks.architecture(rng);
        List<String> relus = RandomNetworks.relus(arch);
        if (relus.isEmpty()) {
            return; // all activations drew tanh: nothing to deepen after (refusal tested elsewhere)
        }
        String after = relus.get(rng.nextInt(relus.size()));
        boolean batchnorm = rng.nextBoolean();
        int kernel = 1 + 2 * rng.nextInt(3);
        try (Network teacher = RandomNetworks.network(arch, rng);
                NDManager m = NDManager.newBaseManager()) {
            Map<String, float[]> before = RandomNetworks.snapshot(teacher);
            NDArray stats = Verification.randomInputs(m, arch.input(), 32, rng.nextLong());
            try (Network student = Net2DeeperNet.deepen(
                    teacher, after, new Net2DeeperNet.Options(kernel, batchnorm, batchnorm ? stats : null, null))) {
                NDArray x = Verification.randomInputs(m, arch.input(), 64, rng.nextLong());
                Verification.Result r = Verification.compare(teacher, student, x);
                assertTrue(
                        r.maxRelDiff() <= Verification.TOLERANCE,
                        () -> "eval " + r + " after " + after + " of " + arch);
                assertEquals(
                        arch.layers().size() + (batchnorm ? 3 : 2),
                        student.architecture().layers().size());
                worstDeepen = Math.max(worstDeepen, r.maxRelDiff());
            }
            assertUnchanged(before, teacher);
            deepenCases.incrementAndGet();
        }
    }

    @AfterContainer
    static void report() {
        System.out.printf(
                "[properties] widening: %d random architectures, worst max_rel_diff float32 eval %.3g "
                        + "(train %.3g, reported only), float64 eval %.3g, float64 train %.3g; "
                        + "deepening: %d, worst max_rel_diff float32 eval %.3g%n",
                widenCases.get(),
                worstWiden,
                worstWidenTrain,
                worstWiden64,
                worstWidenTrain64,
                deepenCases.get(),
                worstDeepen);
    }

    /** One widening checked in both precisions; {@code student} is the float32 student's architecture. */
    record WidenCheck(Verification.Result float32, Verification.Result float64, Architecture student) {}

    /**
     * Widens {@code teacher} as users run it (float32) and, from a float64 copy of it, in float64,
     * where the algebra itself is checked free of float32 rounding of w/c. Asserts both students
     * compute the teacher's function on {@code x}: eval mode, and in float64 train mode too (batch
     * statistics) when there is a batchnorm.
     */
    static WidenCheck widenAndCheck(
            Network teacher,
            Map<String, Integer> widths,
            Net2WiderNet.Options options,
            NDArray x,
            Supplier<String> context) {
        try (Network student = Net2WiderNet.widen(teacher, widths, options);
                Network teacher64 = teacher.copy(DataType.FLOAT64);
                Network student64 = Net2WiderNet.widen(teacher64, widths, options)) {
            Verification.Result r = Verification.compare(teacher, student, x);
            assertTrue(r.maxRelDiff() <= Verification.TOLERANCE, () -> "eval " + r + context.get());
            Verification.Result r64 = Verification.compare(teacher64, student64, x, DataType.FLOAT64);
            student64.weights().values().forEach(a -> assertEquals(DataType.FLOAT64, a.getDataType()));
            assertTrue(r64.maxRelDiff() <= Verification.TOLERANCE, () -> "eval64 " + r64 + context.get());
            if (!Double.isNaN(r64.trainMaxRelDiff())) {
                assertTrue(r64.trainMaxRelDiff() <= Verification.TOLERANCE, () -> "train64 " + r64 + context.get());
            }
            return new WidenCheck(r, r64, student.architecture());
        }
    }

    static void assertUnchanged(Map<String, float[]> before, Network teacher) {
        Map<String, float[]> after = RandomNetworks.snapshot(teacher);
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), "teacher array " + k + " changed"));
    }
}
