package net2net.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import net2net.nn.Network;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.spec.Presets;
import net2net.testing.RandomNetworks;
import net2net.testing.RandomTransformers;
import net2net.testing.Slow;
import net2net.train.AdamW;
import net2net.train.GrowInRun;
import net2net.train.GrowthListener;
import net2net.train.GrowthSpec;
import net2net.train.MomentumSgd;
import net2net.train.Optimizer;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Growth inside a run through {@link GrowInRun}, in float64 with noise none
 * (docs/optimizer-growth.md): the optimizer state it grows is what the student's own gradients
 * accumulate along the teacher's trajectory (so the student's gradients are the teacher's under the
 * gradient map, and the state is the map of the teacher's state), for momentum SGD and AdamW, for
 * every parameter of widened dense, conv, batchnorm, flatten and residual layers, and for the token
 * models' stream, FFN and heads; the teacher is never changed. Uses {@link GradientMapTest}'s autograd.
 */
@Slow
class GrowInRunStateTest {
    static final GrowInRun.Settings EXACT = new GrowInRun.Settings(Noise.NONE, 0, GrowInRun.StateMode.KEEP);
    static final GrowInRun.Settings STUDENT_ONLY = new GrowInRun.Settings(Noise.NONE, 0, GrowInRun.StateMode.RESET);

    static Supplier<Optimizer> momentum() {
        return () -> new MomentumSgd(0.9, 0);
    }

    static Supplier<Optimizer> adamW() {
        return () -> new AdamW(0.9, 0.99, 1e-8, 0.1); // decoupled decay never enters the moments
    }

    @Test
    void denseWithBatchnormThroughTheSpec() {
        for (Supplier<Optimizer> o : List.of(momentum(), adamW())) {
            check(GradientMapTest.dense(), "step4:widen fc1=7,fc2=9", o, 41, 1e-9);
        }
    }

    @Test
    void convBatchnormAndFlattenThroughTheSpec() {
        for (Supplier<Optimizer> o : List.of(momentum(), adamW())) {
            check(GradientMapTest.conv(), "2:widen conv1=5,conv2=7", o, 42, 1e-9);
        }
    }

    @Test
    void residualStreamsThroughTheSpec() {
        SplittableRandom rng = new SplittableRandom(43);
        int streams = 0;
        for (int i = 0; i < 6; i++) {
            Architecture arch = RandomNetworks.residualArchitecture(rng);
            List<String> widenable = RandomNetworks.widenable(arch);
            String layer = widenable.get(rng.nextInt(widenable.size()));
            WideningPath path = WideningPath.find(arch, layer);
            int block = path.writers().stream()
                    .filter(w -> w.name().equals(layer))
                    .mapToInt(WideningPath.Site::block)
                    .findFirst()
                    .orElse(1);
            int width = (path.units() + 1 + rng.nextInt(3)) * block;
            check(arch, "1:widen " + layer + "=" + width, i % 2 == 0 ? momentum() : adamW(), 200 + i, 1e-9);
            streams += path.residuals().isEmpty() ? 0 : 1;
        }
        assertTrue(streams >= 2, "too few widenings through a residual stream: " + streams);
    }

    /** The state GrowInRun grows is GradientMap applied to the teacher's state, with the very g Net2WiderNet drew. */
    @Test
    void grownStateIsTheGradientMapWithTheTransformsOwnMapping() {
        SplittableRandom rng = new SplittableRandom(44);
        Architecture arch = GradientMapTest.conv();
        try (NDManager m = NDManager.newBaseManager();
                Network random = RandomNetworks.network(arch, rng);
                Network teacher = random.copy(DataType.FLOAT64);
                Optimizer adam = adamW().get()) {
            train(teacher, adam, 3, rng, m);
            GrowthSpec spec = GrowthSpec.parse("3:widen conv1=6,conv2=9");
            Map<String, Integer> widths = new LinkedHashMap<>();
            widths.put("conv1", 6);
            widths.put("conv2", 9);
            GrowthListener.Grown grown = GrowInRun.grow(teacher, adam.state(), spec.transform(), 77, EXACT, m);
            Net2WiderNet.Widened reference =
                    Net2WiderNet.widenWithMappings(teacher, widths, new Net2WiderNet.Options(Noise.NONE, 0, 77));
            try (Network student = grown.network();
                    Network same = reference.student()) {
                student.weights()
                        .forEach((k, w) -> assertArrayEquals(
                                same.weight(k).toDoubleArray(), w.toDoubleArray(), 0, k + ": the same student"));
                Map<String, NDArray> first = new LinkedHashMap<>();
                Map<String, NDArray> second = new LinkedHashMap<>();
                adam.state().forEach((k, s) -> {
                    first.put(k, ((Optimizer.Adam) s).firstMoment());
                    second.put(k, ((Optimizer.Adam) s).secondMoment());
                });
                Map<String, NDArray> m1 = GradientMap.apply(arch, reference.widenings(), first, 1, m);
                Map<String, NDArray> m2 = GradientMap.apply(arch, reference.widenings(), second, 2, m);
                assertEquals(m1.keySet(), grown.state().keySet());
                grown.state().forEach((k, s) -> {
                    Optimizer.Adam a = (Optimizer.Adam) s;
                    assertArrayEquals(m1.get(k).toDoubleArray(), a.firstMoment().toDoubleArray(), 0, k);
                    assertArrayEquals(
                            m2.get(k).toDoubleArray(), a.secondMoment().toDoubleArray(), 0, k);
                    assertEquals(3, a.steps());
                });
            }
        }
    }

    // ---- token models

    @Test
    void tinygptStreamDoubledFfnAndHeads() {
        // LayerNorm, tied head: the stream rule is exact for an integer factor
        Architecture gpt = Presets.get("tinygpt", 0.5, 11, 6); // d = 32, 4 heads of 8, FFN 128
        for (Supplier<Optimizer> o : List.of(momentum(), adamW())) {
            check(gpt, "1:widen wte=64", o, 51, 1e-9);
            check(gpt, "1:widen h0_fc=150 h1_attn.heads=6", o, 52, 1e-9);
        }
    }

    @Test
    void tinyllamaStreamByAnyFactorGatedFfnAndGroupedHeads() {
        // RMSNorm, untied head, GQA: exact with a remainder too (remainder entries: zero state, zero gradient)
        Architecture llama = Presets.get("tinyllama", 0.5, 11, 6); // d = 32, 4 heads sharing 2 kv heads
        for (Supplier<Optimizer> o : List.of(momentum(), adamW())) {
            check(llama, "1:widen embed=45", o, 53, 1e-9);
            check(llama, "1:widen h0_mlp=120 h1_attn.heads=8", o, 54, 1e-9);
            check(llama, "1:widen h0_attn.heads=6", o, 55, 1e-9);
        }
    }

    /** LayerNorm with a remainder: the copies' error is off by (1 - s) mean(gamma dy) / (k sigma); the map is approximate. */
    @Test
    void layerNormStreamWithARemainderIsOnlyApproximate() {
        Architecture gpt = Presets.get("tinygpt", 0.5, 11, 6);
        double worst = check(gpt, "1:widen wte=45", momentum(), 56, Double.POSITIVE_INFINITY);
        assertTrue(worst > 1e-6, "expected a measurable mismatch, got " + worst);
    }

    /**
     * Trains a float64 teacher four steps; before each step, grows it with the spec (noise none, the same
     * seed) and steps a shadow optimizer with rate 0 on the student's own gradients. The state
     * GrowInRun grows from the teacher's must equal the shadow's, parameter by parameter; the
     * teacher's weights and state are unchanged by the growth.
     *
     * @return the worst max relative difference
     */
    static double check(Architecture arch, String text, Supplier<Optimizer> optimizer, long seed, double tolerance) {
        GrowthSpec spec = GrowthSpec.parse(text);
        SplittableRandom rng = new SplittableRandom(seed);
        long growSeed = rng.nextLong();
        try (NDManager m = NDManager.newBaseManager();
                Network random =
                        arch.tokenInput() ? RandomTransformers.network(arch, rng) : RandomNetworks.network(arch, rng);
                Network teacher = random.copy(DataType.FLOAT64);
                Optimizer teacherOptimizer = optimizer.get();
                Optimizer shadow = optimizer.get()) {
            for (int step = 0; step < 4; step++) {
                NDArray[] xy = batch(arch, rng, m);
                try (Network student = GrowInRun.grow(teacher, Map.of(), spec.transform(), growSeed, STUDENT_ONLY, m)
                                .network();
                        NDManager scratch = m.newSubManager()) {
                    shadow.step(GradientMapTest.backward(student, xy[0], xy[1]), 0, scratch);
                }
                try (NDManager scratch = m.newSubManager()) {
                    teacherOptimizer.step(GradientMapTest.backward(teacher, xy[0], xy[1]), 0.01, scratch);
                }
            }
            Map<String, double[]> weightsBefore = snapshot(teacher.weights());
            Map<String, double[]> stateBefore = snapshot(arrays(teacherOptimizer.state()));
            GrowthListener.Grown grown =
                    GrowInRun.grow(teacher, teacherOptimizer.state(), spec.transform(), growSeed, EXACT, m);
            try (Network student = grown.network()) {
                assertSame(weightsBefore, snapshot(teacher.weights()), "the teacher's weights");
                assertSame(stateBefore, snapshot(arrays(teacherOptimizer.state())), "the teacher's optimizer state");
                Map<String, NDArray> own = arrays(shadow.state());
                Map<String, NDArray> ours = arrays(grown.state());
                assertEquals(own.keySet(), ours.keySet(), "every trainable parameter has grown state");
                assertEquals(
                        student.architecture().parameterShapes().keySet().stream()
                                .filter(k -> !k.endsWith(".running_mean") && !k.endsWith(".running_var"))
                                .count(),
                        shadow.state().size());
                double floor = GradientMapTest.floor(own);
                double worst = 0;
                String where = "";
                for (String key : own.keySet()) {
                    double d = GradientMapTest.relDiff(ours.get(key), own.get(key), floor);
                    if (d > worst) {
                        worst = d;
                        where = key;
                    }
                }
                if (tolerance < Double.POSITIVE_INFINITY) {
                    assertTrue(worst <= tolerance, where + ": grown state vs the student's own, max rel diff " + worst);
                }
                grown.state().values().forEach(s -> {
                    if (s instanceof Optimizer.Adam a) {
                        assertEquals(4, a.steps());
                    }
                });
                System.out.printf(
                        Locale.ROOT,
                        "[grow-in-run] %s, %s on %s: %d parameters, worst max rel diff %.3g (%s)%n",
                        teacherOptimizer.getClass().getSimpleName(),
                        spec,
                        arch.names().get(0),
                        own.size(),
                        worst,
                        where);
                return worst;
            }
        }
    }

    static NDArray[] batch(Architecture arch, SplittableRandom rng, NDManager m) {
        NDArray x = arch.tokenInput()
                ? Verification.randomInputs(m, arch, 4, rng.nextLong())
                : GradientMapTest.normal(m, new Shape(6).addAll(arch.input()), rng);
        NDArray y = GradientMapTest.normal(m, new Shape(x.getShape().get(0)).addAll(arch.outputShape()), rng);
        return new NDArray[] {x, y};
    }

    static void train(Network n, Optimizer o, int steps, SplittableRandom rng, NDManager m) {
        for (int i = 0; i < steps; i++) {
            NDArray[] xy = batch(n.architecture(), rng, m);
            try (NDManager scratch = m.newSubManager()) {
                o.step(GradientMapTest.backward(n, xy[0], xy[1]), 0.01, scratch);
            }
        }
    }

    /** Momentum buffers, or Adam's moments under "KEY m" and "KEY v". */
    static Map<String, NDArray> arrays(Map<String, Optimizer.State> state) {
        Map<String, NDArray> all = new LinkedHashMap<>();
        state.forEach((k, s) -> {
            if (s instanceof Optimizer.Momentum mo) {
                all.put(k, mo.velocity());
            } else {
                all.put(k + " m", assertInstanceOf(Optimizer.Adam.class, s).firstMoment());
                all.put(k + " v", ((Optimizer.Adam) s).secondMoment());
            }
        });
        return all;
    }

    static Map<String, double[]> snapshot(Map<String, NDArray> arrays) {
        Map<String, double[]> copy = new LinkedHashMap<>();
        arrays.forEach((k, a) -> copy.put(k, a.toType(DataType.FLOAT64, false).toDoubleArray()));
        return copy;
    }

    static void assertSame(Map<String, double[]> before, Map<String, double[]> after, String what) {
        assertEquals(before.keySet(), after.keySet(), what);
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), 0, what + " changed: " + k));
    }

    // ---- deepening

    /** Old parameters keep their state bit for bit; the new ones have none (zero, Adam step 0). */
    @Test
    void deepeningKeepsOldStateAndStartsNewParametersAtZero() {
        deepen(GradientMapTest.dense(), "1:deepen after=relu1", 61);
        deepen(GradientMapTest.conv(), "1:deepen after=relu1 residual", 62);
        deepen(Presets.get("tinygpt", 0.5, 11, 6), "1:deepen after=h0_mlp_res", 63);
    }

    static void deepen(Architecture arch, String text, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        try (NDManager m = NDManager.newBaseManager();
                Network random =
                        arch.tokenInput() ? RandomTransformers.network(arch, rng) : RandomNetworks.network(arch, rng);
                Network teacher = random.copy(DataType.FLOAT64);
                Optimizer adam = adamW().get()) {
            train(teacher, adam, 2, rng, m);
            Map<String, double[]> before = snapshot(arrays(adam.state()));
            GrowthListener.Grown grown =
                    GrowInRun.grow(teacher, adam.state(), GrowthSpec.parse(text).transform(), 5, EXACT, m);
            try (Network student = grown.network()) {
                assertSame(before, snapshot(arrays(grown.state())), "kept state");
                long fresh = student.architecture().parameterShapes().keySet().stream()
                        .filter(k -> !teacher.weights().containsKey(k))
                        .count();
                assertTrue(fresh > 0, "the student has new parameters");
                assertEquals(adam.state().keySet(), grown.state().keySet(), "new parameters have no state");
            }
            GrowthListener.Grown reset = GrowInRun.grow(
                    teacher,
                    adam.state(),
                    GrowthSpec.parse(text).transform(),
                    5,
                    new GrowInRun.Settings(Noise.NONE, 0, GrowInRun.StateMode.RESET),
                    m);
            try (Network student = reset.network()) {
                assertTrue(reset.state().isEmpty(), "reset: no state");
            }
        }
    }

    // ---- the listener

    @Test
    void theListenerFiresEachSpecOnceAtItsPointAndComposesSpecsAtTheSamePoint() {
        Architecture arch = GradientMapTest.dense();
        try (NDManager m = NDManager.newBaseManager();
                Network random = RandomNetworks.network(arch, new SplittableRandom(71));
                Network teacher = random.copy(DataType.FLOAT64);
                MomentumSgd sgd = new MomentumSgd(0.9, 0);
                GrowInRun listener = new GrowInRun(
                        GrowthSpec.parseAll(List.of("2:widen fc1=6", "step5:widen fc2=8", "step5:deepen after=relu1")),
                        3,
                        GrowInRun.Settings.defaults(GrowInRun.StateMode.KEEP))) {
            train(teacher, sgd, 1, new SplittableRandom(1), m);
            assertNull(listener.at(new GrowthListener.Point(4, 1, false), teacher, sgd));
            assertNull(listener.at(new GrowthListener.Point(4, 2, false), teacher, sgd), "an epoch fires at its end");
            GrowthListener.Grown first = listener.at(new GrowthListener.Point(4, 2, true), teacher, sgd);
            try (Network grown = first.network();
                    MomentumSgd grownSgd = new MomentumSgd(0.9, 0)) {
                grownSgd.setState(first.state()); // as the trainer does: the listener closes the state at its next call
                assertEquals(6, ((Layer.Dense) grown.architecture().layer("fc1")).units());
                assertEquals(teacher.weights().keySet(), grown.weights().keySet());
                assertNull(listener.at(new GrowthListener.Point(4, 2, true), grown, grownSgd), "fires once");
                GrowthListener.Grown second = listener.at(new GrowthListener.Point(5, 2, false), grown, grownSgd);
                try (Network both = second.network()) {
                    assertEquals(8, ((Layer.Dense) both.architecture().layer("fc2")).units());
                    assertTrue(both.architecture().names().contains("relu1_id"), "both step-5 specs applied");
                    assertEquals(3, listener.fired().size());
                    assertFalse(second.state().isEmpty());
                }
            }
            // a resumed run starts after the points it has passed: a fresh listener never sees them
            try (GrowInRun resumed = new GrowInRun(
                    GrowthSpec.parseAll(List.of("2:widen fc1=6")),
                    3,
                    GrowInRun.Settings.defaults(GrowInRun.StateMode.KEEP))) {
                for (long s = 9; s < 20; s++) {
                    assertNull(resumed.at(new GrowthListener.Point(s, (int) (s / 4), s % 4 == 0), teacher, sgd));
                }
            }
        }
    }

    @Test
    void checkRefusesASpecThatDoesNotFitBeforeTheRunStarts() {
        try (Network teacher = RandomNetworks.network(GradientMapTest.dense(), new SplittableRandom(81))) {
            refused(teacher, "1:widen conv9=32", 10, 100, 0, "conv9");
            refused(teacher, "1:widen fc1=2", 10, 100, 0, "cannot narrow");
            refused(teacher, "step101:widen fc1=6", 10, 100, 0, "after the run's last step 100");
            refused(teacher, "11:widen fc1=6", 10, 100, 0, "after the run's last step 100");
            refused(teacher, "1:widen fc1.heads=8", 10, 100, 0, "token models");
            refused(teacher, "1:deepen after=relu1 batchnorm", 10, 100, 0, "statistics");
            refused(teacher, "1:deepen after=fc1", 10, 100, 0, "relu");
            // in firing order, not the order given: the step-20 spec sees fc2 at 9
            refused(teacher, List.of("step20:widen fc2=7", "1:widen fc2=9"), 10, 100, 0, "from 9 to 7");
            // a resumed run skips the points it has passed
            GrowInRun.check(teacher, GrowthSpec.parseAll(List.of("1:widen conv9=32", "3:widen fc1=6")), 10, 100, 10);
            GrowInRun.check(
                    teacher, GrowthSpec.parseAll(List.of("step20:deepen after=relu1", "2:widen fc1=6")), 10, 100, 0);
        }
    }

    static void refused(Network n, String spec, long perEpoch, long budget, long done, String problem) {
        refused(n, List.of(spec), perEpoch, budget, done, problem);
    }

    static void refused(Network n, List<String> specs, long perEpoch, long budget, long done, String problem) {
        net2net.Net2NetException e = Assertions.assertThrows(
                net2net.Net2NetException.class,
                () -> GrowInRun.check(n, GrowthSpec.parseAll(specs), perEpoch, budget, done));
        assertTrue(e.getMessage().startsWith("--grow \""), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        System.out.println("[grow-in-run] " + e.getMessage());
    }
}
