package net2net.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net2net.nn.Network;
import net2net.spec.Architecture;
import net2net.testing.RandomNetworks;
import net2net.testing.Slow;

/**
 * Random residual architectures (nested bodies, single-conv bodies, pre-activation, per-unit
 * bodies, blocks on flattened vectors, relu/tanh/no activation after the addition): widening any
 * layer, stream writers included, and inserting identity residual blocks (or plain identity layers
 * after relus inside bodies) keep the teacher's function, and the teacher is never changed.
 */
@Slow
class ResidualPropertiesTest {
    static final AtomicInteger widenCases = new AtomicInteger();
    static final AtomicInteger streamCases = new AtomicInteger();
    static final AtomicInteger deepenCases = new AtomicInteger();
    static double worstWiden;
    static double worstWiden64;
    static double worstWidenTrain64;
    static double worstDeepen;
    static double worstDeepenTrain64;

    @Property(tries = 120)
    void wideningAcrossSkipConnectionsPreservesTheFunction(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Architecture arch = RandomNetworks.residualArchitecture(rng);
        List<String> candidates = new ArrayList<>(RandomNetworks.widenable(arch));
        Map<String, Integer> widths = new LinkedHashMap<>();
        boolean stream = false;
        int layers = 1 + rng.nextInt(2);
        for (int i = 0; i < layers && !candidates.isEmpty(); i++) {
            String layer = candidates.get(rng.nextInt(candidates.size()));
            WideningPath path = WideningPath.find(arch, layer);
            int block = path.writers().stream()
                    .filter(w -> w.name().equals(layer))
                    .findFirst()
                    .orElseThrow()
                    .block();
            widths.put(layer, WideningPath.width(arch.layer(layer)) + block * rng.nextInt(10));
            stream |= !path.residuals().isEmpty();
            // one width per stream: drop the other writers of this one
            candidates.removeAll(path.writerNames());
            candidates.remove(layer);
        }
        Noise noise = rng.nextBoolean() ? Noise.EXACT : Noise.NONE;
        try (Network teacher = RandomNetworks.network(arch, rng);
                NDManager m = NDManager.newBaseManager()) {
            Map<String, float[]> before = RandomNetworks.snapshot(teacher);
            Net2WiderNet.Options options = new Net2WiderNet.Options(noise, 0.1, rng.nextLong());
            NDArray x = Verification.randomInputs(m, arch.input(), 48, rng.nextLong());
            TransformPropertiesTest.WidenCheck c = TransformPropertiesTest.widenAndCheck(
                    teacher, widths, options, x, () -> " for " + widths + " of " + arch);
            if (!Double.isNaN(c.float64().trainMaxRelDiff())) {
                worstWidenTrain64 = Math.max(worstWidenTrain64, c.float64().trainMaxRelDiff());
            }
            worstWiden = Math.max(worstWiden, c.float32().maxRelDiff());
            worstWiden64 = Math.max(worstWiden64, c.float64().maxRelDiff());
            widths.forEach(
                    (layer, w) -> assertEquals(w, WideningPath.width(c.student().layer(layer)), layer));
            TransformPropertiesTest.assertUnchanged(before, teacher);
            widenCases.incrementAndGet();
            if (stream) {
                streamCases.incrementAndGet();
            }
        }
    }

    @Property(tries = 80)
    void deepeningResidualNetworksPreservesTheFunction(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Architecture arch = RandomNetworks.residualArchitecture(rng);
        List<String> relus = RandomNetworks.relus(arch);
        boolean residual = relus.isEmpty() || rng.nextInt(3) != 0;
        List<String> places = residual ? arch.names() : relus;
        String after = places.get(rng.nextInt(places.size()));
        boolean batchnorm = rng.nextBoolean();
        int kernel = 1 + 2 * rng.nextInt(2);
        try (Network teacher = RandomNetworks.network(arch, rng);
                NDManager m = NDManager.newBaseManager()) {
            Map<String, float[]> before = RandomNetworks.snapshot(teacher);
            NDArray stats = Verification.randomInputs(m, arch.input(), 32, rng.nextLong());
            Net2DeeperNet.Options options = residual
                    ? Net2DeeperNet.Options.residual(kernel, batchnorm, null, rng.nextLong())
                    : new Net2DeeperNet.Options(kernel, batchnorm, batchnorm ? stats : null, null);
            try (Network student = Net2DeeperNet.deepen(teacher, after, options)) {
                NDArray x = Verification.randomInputs(m, arch.input(), 48, rng.nextLong());
                Verification.Result r = Verification.compare(teacher, student, x);
                assertTrue(
                        r.maxRelDiff() <= Verification.TOLERANCE,
                        () -> "eval " + r + " after " + after + " of " + arch);
                worstDeepen = Math.max(worstDeepen, r.maxRelDiff());
                if (residual) {
                    // body(x) = 0 exactly, batch statistics or not
                    Verification.Result r64 = Verification.compare(teacher, student, x, DataType.FLOAT64);
                    if (!Double.isNaN(r64.trainMaxRelDiff())) {
                        assertTrue(
                                r64.trainMaxRelDiff() <= Verification.TOLERANCE,
                                () -> "train64 " + r64 + " after " + after + " of " + arch);
                        worstDeepenTrain64 = Math.max(worstDeepenTrain64, r64.trainMaxRelDiff());
                    }
                }
                int added = residual ? (batchnorm ? 6 : 4) : (batchnorm ? 3 : 2);
                assertEquals(
                        arch.names().size() + added,
                        student.architecture().names().size());
            }
            TransformPropertiesTest.assertUnchanged(before, teacher);
            deepenCases.incrementAndGet();
        }
    }

    @AfterContainer
    static void report() {
        System.out.printf(
                "[residual properties] widening: %d random residual architectures (%d through skip connections), "
                        + "worst max_rel_diff float32 eval %.3g, float64 eval %.3g, float64 train %.3g; "
                        + "deepening: %d, worst max_rel_diff float32 eval %.3g, residual float64 train %.3g%n",
                widenCases.get(),
                streamCases.get(),
                worstWiden,
                worstWiden64,
                worstWidenTrain64,
                deepenCases.get(),
                worstDeepen,
                worstDeepenTrain64);
    }
}
