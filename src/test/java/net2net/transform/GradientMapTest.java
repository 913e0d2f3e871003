package net2net.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import net2net.Net2NetException;
import net2net.nn.Constants;
import net2net.nn.DjlNetwork;
import net2net.nn.Network;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.testing.RandomNetworks;
import net2net.testing.Slow;
import net2net.train.AdamW;
import net2net.train.MomentumSgd;
import net2net.train.Optimizer;
import net2net.train.OptimizerGrowth;
import org.junit.jupiter.api.Test;

/**
 * In float64, noise none: the student's gradients at the grown point are the teacher's under the
 * gradient map (rows divided by c, columns copied), for every parameter; and optimizer state grown
 * with the map equals what the student's own gradients accumulate along the teacher's trajectory.
 */
@Slow
class GradientMapTest {
    static final double TOLERANCE = 1e-9;

    /** A dense layer with a batchnorm, a second dense layer with tanh: widened one after the other. */
    static Architecture dense() {
        return new Architecture(
                new Shape(5),
                List.of(
                        new Layer.Dense("fc1", 4, true),
                        new Layer.BatchNorm("bn1"),
                        new Layer.Relu("relu1"),
                        new Layer.Dense("fc2", 6, true),
                        new Layer.Tanh("tanh2"),
                        new Layer.Dense("out", 3, true)));
    }

    /** conv-bn-relu-pool, conv read by a dense layer through a flatten (3x3 blocks per channel). */
    static Architecture conv() {
        return new Architecture(
                new Shape(2, 6, 6),
                List.of(
                        new Layer.Conv2d("conv1", 3, 3, true),
                        new Layer.BatchNorm("bn1"),
                        new Layer.Relu("relu1"),
                        new Layer.MaxPool("pool1"),
                        new Layer.Conv2d("conv2", 4, 3, false),
                        new Layer.Relu("relu2"),
                        new Layer.Flatten("flatten"),
                        new Layer.Dense("fc1", 5, true),
                        new Layer.Relu("relu3"),
                        new Layer.Dense("out", 3, true)));
    }

    @Test
    void studentGradientsAreTheMappedTeacherGradientsForDenseLayers() {
        checkGradients(dense(), orderedWidths("fc1", 7, "fc2", 9), 11);
    }

    @Test
    void studentGradientsAreTheMappedTeacherGradientsForConvLayersAndAFlatten() {
        checkGradients(conv(), orderedWidths("conv1", 5, "conv2", 7), 12);
    }

    @Test
    void studentGradientsAreTheMappedTeacherGradientsAcrossResidualStreams() {
        // random residual networks: streams with several writers and readers, nested bodies, flattened streams
        SplittableRandom rng = new SplittableRandom(15);
        int checked = 0;
        for (int i = 0; i < 12; i++) {
            Architecture arch = RandomNetworks.residualArchitecture(rng);
            List<String> widenable = RandomNetworks.widenable(arch);
            String layer = widenable.get(rng.nextInt(widenable.size()));
            WideningPath path = WideningPath.find(arch, layer);
            int block = path.writers().stream()
                    .filter(w -> w.name().equals(layer))
                    .mapToInt(WideningPath.Site::block)
                    .findFirst()
                    .orElse(1);
            checkGradients(arch, Map.of(layer, (path.units() + 1 + rng.nextInt(3)) * block), 100 + i);
            checked += path.residuals().isEmpty() ? 0 : 1;
        }
        assertTrue(checked >= 3, "too few widenings went through a residual stream: " + checked);
    }

    /**
     * Widens a random float64 teacher layer by layer, noise none, and compares the student's
     * gradients with the gradient map of the teacher's, parameter by parameter.
     */
    static void checkGradients(Architecture arch, Map<String, Integer> widths, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        try (NDManager m = NDManager.newBaseManager();
                Network random = RandomNetworks.network(arch, rng);
                Network teacher = random.copy(DataType.FLOAT64)) {
            Grown grown = grow(teacher, widths, rng.nextLong());
            try (Network student = grown.student()) {
                NDArray x = normal(m, new Shape(6).addAll(arch.input()), rng);
                NDArray y = normal(m, new Shape(6).addAll(arch.outputShape()), rng);
                Map<String, NDArray> teacherGrads = gradients(teacher, x, y, m);
                Map<String, NDArray> studentGrads = gradients(student, x, y, m);
                Map<String, NDArray> mapped = GradientMap.apply(arch, grown.widenings(), teacherGrads, 1, m);
                assertEquals(studentGrads.keySet(), mapped.keySet(), "every trainable parameter is mapped");
                double floor = floor(studentGrads);
                double worst = 0;
                for (String key : studentGrads.keySet()) {
                    double d = relDiff(mapped.get(key), studentGrads.get(key), floor);
                    worst = Math.max(worst, d);
                    assertTrue(
                            d <= TOLERANCE,
                            () -> key + ": gradient map vs the student's gradient, max rel diff " + d + " (" + widths
                                    + " on " + arch.names() + ")");
                }
                System.out.printf(
                        Locale.ROOT,
                        "[gradient-map] %s: %d parameters, worst max rel diff %.3g%n",
                        widths,
                        studentGrads.size(),
                        worst);
                // the comparison can fail: the squared map (state of Adam's v) is not the gradients' map
                if (grown.replicates()) {
                    Map<String, NDArray> squared = GradientMap.apply(arch, grown.widenings(), teacherGrads, 2, m);
                    double wrong = studentGrads.keySet().stream()
                            .mapToDouble(k -> relDiff(squared.get(k), studentGrads.get(k), floor))
                            .max()
                            .orElse(0);
                    assertTrue(wrong > 1e-3, "dividing by c^2 should not match the gradients, got " + wrong);
                }
            }
        }
    }

    /** The student and the mapping of each widening. */
    record Grown(Network student, List<GradientMap.Widening> widenings, boolean replicates) {}

    /** Widens one layer at a time (in the order given), recovering each g from the writer's copied rows. */
    static Grown grow(Network teacher, Map<String, Integer> widths, long seed) {
        List<GradientMap.Widening> widenings = new ArrayList<>();
        Network current = teacher;
        boolean replicates = false;
        for (Map.Entry<String, Integer> e : widths.entrySet()) {
            Network next = Net2WiderNet.widen(
                    current, e.getKey(), e.getValue(), new Net2WiderNet.Options(Noise.NONE, 0, seed++));
            int[] g = recover(current, next, e.getKey());
            int n = WideningPath.find(current.architecture(), e.getKey()).units();
            replicates |= g.length > n;
            widenings.add(new GradientMap.Widening(e.getKey(), g));
            if (current != teacher) {
                current.close();
            }
            current = next;
        }
        return new Grown(current, widenings, replicates);
    }

    /**
     * g from the first writer's rows: student unit j's rows are the teacher's rows of unit g(j)
     * (noise only ever touches the readers). The teacher's rows are random, hence distinct.
     */
    static int[] recover(Network before, Network after, String layer) {
        WideningPath path = WideningPath.find(before.architecture(), layer);
        WideningPath.Site writer = path.writers().get(0);
        double[][] t = rows(before.weight(writer.key() + ".weight"), writer.block());
        double[][] s = rows(after.weight(writer.key() + ".weight"), writer.block());
        int[] g = new int[s.length];
        for (int j = 0; j < s.length; j++) {
            g[j] = -1;
            for (int k = 0; k < t.length; k++) {
                if (Arrays.equals(s[j], t[k])) {
                    assertEquals(-1, g[j], "teacher units " + g[j] + " and " + k + " of " + layer + " have equal rows");
                    g[j] = k;
                }
            }
            assertTrue(g[j] >= 0, "student unit " + j + " of " + layer + " copies no teacher unit");
        }
        return g;
    }

    /** The weight's values grouped by unit: {@code block} consecutive rows per unit. */
    static double[][] rows(NDArray w, int block) {
        double[] v = w.toType(DataType.FLOAT64, false).toDoubleArray();
        int units = Math.toIntExact(w.getShape().get(0) / block);
        int length = v.length / units;
        double[][] r = new double[units][];
        for (int u = 0; u < units; u++) {
            r[u] = Arrays.copyOfRange(v, u * length, (u + 1) * length);
        }
        return r;
    }

    static NDArray normal(NDManager m, Shape shape, SplittableRandom rng) {
        double[] v = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        return m.create(v, shape);
    }

    /** The trainable parameters of a network's block (dropout off), by state_dict name. */
    static Map<String, Parameter> parameters(Network n, DjlNetwork block) {
        Map<String, Parameter> named = new LinkedHashMap<>();
        for (Parameter p : block.trainableParameters()) {
            n.weights().forEach((key, array) -> {
                if (array == p.getArray()) {
                    named.put(key, p);
                }
            });
        }
        assertEquals(block.trainableParameters().size(), named.size());
        return named;
    }

    /** Backward of 0.5 sum((f(x) - y)^2) in training mode (batch statistics), dropout off; leaves the gradients in place. */
    static Map<String, Parameter> backward(Network n, NDArray x, NDArray y) {
        DjlNetwork block = DjlNetwork.withoutDropout(n);
        Map<String, Parameter> parameters = parameters(n, block);
        try (NDManager scratch = n.manager().newSubManager();
                GradientCollector c = Engine.getInstance().newGradientCollector()) {
            NDArray out = block.forward(x, true);
            out.attach(scratch);
            c.backward(Constants.times(out.sub(y).square().sum(), 0.5));
        }
        return parameters;
    }

    /** The gradients of {@link #backward}, copied into {@code into}; the parameters' own are zeroed. */
    static Map<String, NDArray> gradients(Network n, NDArray x, NDArray y, NDManager into) {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        backward(n, x, y).forEach((k, p) -> {
            NDArray g = p.getArray().getGradient();
            NDArray copy = g.duplicate();
            copy.attach(into);
            grads.put(k, copy);
            g.muli(0);
        });
        return grads;
    }

    /**
     * A scale below which an array counts as zero: 1e-4 of the largest entry of all. A bias before a
     * batchnorm in training mode has gradient exactly 0 (the batch mean is subtracted), which float64
     * computes as rounding noise of 1e-17; relative to its own size that noise would look like a mismatch.
     */
    static double floor(Map<String, NDArray> arrays) {
        double max = 0;
        for (NDArray a : arrays.values()) {
            max = Math.max(max, a.abs().max().toType(DataType.FLOAT64, false).getDouble());
        }
        return 1e-4 * max;
    }

    /** max |a - b| / max(max |b|, floor). */
    static double relDiff(NDArray a, NDArray b, double floor) {
        assertEquals(b.getShape(), a.getShape());
        double[] x = a.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] y = b.toType(DataType.FLOAT64, false).toDoubleArray();
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < x.length; i++) {
            diff = Math.max(diff, Math.abs(x[i] - y[i]));
            scale = Math.max(scale, Math.abs(y[i]));
        }
        scale = Math.max(scale, floor);
        return scale > 0 ? diff / scale : diff;
    }

    @Test
    void grownMomentumEqualsWhatTheStudentsOwnGradientsAccumulate() {
        checkState(dense(), Map.of("fc1", 7), () -> new MomentumSgd(0.9, 0), 0.05, 21);
        checkState(conv(), orderedWidths("conv1", 5, "conv2", 7), () -> new MomentumSgd(0.9, 0), 0.05, 22);
    }

    @Test
    void grownAdamMomentsEqualWhatTheStudentsOwnGradientsAccumulate() {
        // the decay is decoupled, so it never enters the moments: the rule holds with it
        checkState(dense(), orderedWidths("fc1", 7, "fc2", 8), () -> new AdamW(0.9, 0.99, 1e-8, 0.1), 0.01, 23);
        checkState(conv(), orderedWidths("conv1", 5, "conv2", 7), () -> new AdamW(0.9, 0.99, 1e-8, 0.1), 0.01, 24);
    }

    static Map<String, Integer> orderedWidths(String a, int wa, String b, int wb) {
        Map<String, Integer> widths = new LinkedHashMap<>();
        widths.put(a, wa);
        widths.put(b, wb);
        return widths;
    }

    /**
     * Trains the teacher a few steps; alongside, at every teacher point, widens it (the same g each
     * time) and steps a shadow optimizer with rate 0 on the student's own gradients, so the shadow
     * holds what the student's gradients accumulate along the teacher's trajectory without moving the
     * student. The teacher's state grown by {@link OptimizerGrowth} must equal the shadow's.
     */
    static void checkState(
            Architecture arch, Map<String, Integer> widths, Supplier<Optimizer> optimizer, double lr, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        long widenSeed = rng.nextLong();
        try (NDManager m = NDManager.newBaseManager();
                Network random = RandomNetworks.network(arch, rng);
                Network teacher = random.copy(DataType.FLOAT64);
                Optimizer teacherOptimizer = optimizer.get();
                Optimizer shadow = optimizer.get()) {
            List<GradientMap.Widening> widenings = null;
            for (int step = 0; step < 4; step++) {
                NDArray x = normal(m, new Shape(6).addAll(arch.input()), rng);
                NDArray y = normal(m, new Shape(6).addAll(arch.outputShape()), rng);
                Grown grown = grow(teacher, widths, widenSeed);
                try (Network student = grown.student();
                        NDManager scratch = m.newSubManager()) {
                    if (widenings == null) {
                        widenings = grown.widenings();
                        assertTrue(grown.replicates());
                    } else {
                        for (int i = 0; i < widenings.size(); i++) {
                            assertArrayEquals(
                                    widenings.get(i).g(),
                                    grown.widenings().get(i).g(),
                                    "the same seed gives the same g");
                        }
                    }
                    shadow.step(backward(student, x, y), 0, scratch);
                }
                try (NDManager scratch = m.newSubManager()) {
                    teacherOptimizer.step(backward(teacher, x, y), lr, scratch);
                }
            }
            Map<String, Optimizer.State> grown = OptimizerGrowth.widened(teacherOptimizer.state(), arch, widenings, m);
            Map<String, Optimizer.State> own = shadow.state();
            assertEquals(own.keySet(), grown.keySet());
            double worst = 0;
            Map<String, NDArray> all = new LinkedHashMap<>();
            own.forEach((k, st) -> {
                if (st instanceof Optimizer.Momentum mo) {
                    all.put(k, mo.velocity());
                } else {
                    all.put(k + " m", ((Optimizer.Adam) st).firstMoment());
                    all.put(k + " v", ((Optimizer.Adam) st).secondMoment());
                }
            });
            double floor = floor(all);
            for (String key : own.keySet()) {
                Optimizer.State a = grown.get(key);
                Optimizer.State b = own.get(key);
                if (b instanceof Optimizer.Momentum mb) {
                    worst = Math.max(
                            worst,
                            relDiff(
                                    assertInstanceOf(Optimizer.Momentum.class, a)
                                            .velocity(),
                                    mb.velocity(),
                                    floor));
                } else {
                    Optimizer.Adam aa = assertInstanceOf(Optimizer.Adam.class, a);
                    Optimizer.Adam ab = (Optimizer.Adam) b;
                    assertEquals(ab.steps(), aa.steps(), key + ": step count");
                    worst = Math.max(worst, relDiff(aa.firstMoment(), ab.firstMoment(), floor));
                    worst = Math.max(worst, relDiff(aa.secondMoment(), ab.secondMoment(), floor));
                }
                assertTrue(worst <= TOLERANCE, key + ": grown state vs the student's own, max rel diff " + worst);
            }
            System.out.printf(
                    Locale.ROOT,
                    "[optimizer-growth] %s, %s on %s: %d parameters, worst max rel diff %.3g%n",
                    teacherOptimizer.getClass().getSimpleName(),
                    widths,
                    arch.names().get(0),
                    own.size(),
                    worst);
        }
    }

    /**
     * The dynamics are not the teacher's: after one plain SGD step from the grown point, a copy's
     * incoming row has moved 1/c as far as the teacher's unit did, and its outgoing column as far
     * as the teacher's whole column did, c times the widened teacher's move (w - lr g) / c.
     */
    @Test
    void copiesIncomingRowsLearnCTimesSlowerUnderSgd() {
        checkDynamics(() -> new MomentumSgd(0, 0), 0.1, false);
    }

    /**
     * Under Adam the first step is lr * sign(g) whatever the gradient's scale, so a copy's incoming row
     * moves as far as the teacher's (the 1/c cancels in m / sqrt(v)), while every copy's outgoing column
     * still makes the teacher's full step: c times the widened teacher's move.
     */
    @Test
    void underAdamCopiesRowsKeepTheTeachersStepAndColumnsMoveCTimesFurther() {
        checkDynamics(() -> new AdamW(0.9, 0.999, 1e-12, 0), 0.01, true);
    }

    static void checkDynamics(Supplier<Optimizer> optimizer, double lr, boolean adam) {
        SplittableRandom rng = new SplittableRandom(31);
        Architecture arch = new Architecture(
                new Shape(5),
                List.of(new Layer.Dense("fc1", 3, true), new Layer.Relu("relu1"), new Layer.Dense("out", 2, true)));
        try (NDManager m = NDManager.newBaseManager();
                Network random = RandomNetworks.network(arch, rng);
                Network teacher = random.copy(DataType.FLOAT64);
                Network before = teacher.copy(DataType.FLOAT64);
                Optimizer sgdT = optimizer.get();
                Optimizer sgdS = optimizer.get()) {
            Grown grown = grow(teacher, Map.of("fc1", 8), 5);
            int[] g = grown.widenings().get(0).g();
            int[] count = Net2WiderNet.counts(g, 3);
            try (Network student = grown.student();
                    NDManager scratch = m.newSubManager()) {
                NDArray x = normal(m, new Shape(6, 5), rng);
                NDArray y = normal(m, new Shape(6, 2), rng);
                sgdT.step(backward(teacher, x, y), lr, scratch);
                sgdS.step(backward(student, x, y), lr, scratch);
                double[][] t0 = rows(before.weight("fc1.weight"), 1);
                double[][] t1 = rows(teacher.weight("fc1.weight"), 1);
                double[][] s1 = rows(student.weight("fc1.weight"), 1);
                double[][] c0 = rows(before.weight("out.weight").transpose(), 1);
                double[][] c1 = rows(teacher.weight("out.weight").transpose(), 1);
                double[][] sc = rows(student.weight("out.weight").transpose(), 1);
                StringBuilder measured = new StringBuilder();
                for (int j = 0; j < g.length; j++) {
                    int k = g[j];
                    double rowRatio = ratio(s1[j], t0[k], t1[k], 1); // (row'_j - w_k) / (row_k(t1) - w_k)
                    double colRatio =
                            ratio(sc[j], c0[k], c1[k], count[k]); // vs the widened teacher's column (w - lr g) / c
                    assertEquals(
                            adam ? 1.0 : 1.0 / count[k],
                            rowRatio,
                            adam ? 1e-6 : 1e-9,
                            "unit " + j + " (copy of " + k + ", c = " + count[k] + "): incoming row");
                    assertEquals(count[k], colRatio, 1e-9, "unit " + j + ": outgoing column");
                    measured.append(
                            String.format(Locale.ROOT, " c=%d: row %.4f, column %.4f;", count[k], rowRatio, colRatio));
                }
                System.out.println("[optimizer-growth] one " + sgdT.getClass().getSimpleName()
                        + " step, the student's move / the widened teacher's move:" + measured);
            }
        }
    }

    /** The move of {@code after} from {@code w0 / c}, over the move of {@code t1 / c} from it, least squares. */
    static double ratio(double[] after, double[] w0, double[] t1, int c) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < after.length; i++) {
            double ours = after[i] - w0[i] / c;
            double theirs = (t1[i] - w0[i]) / c;
            num += ours * theirs;
            den += theirs * theirs;
        }
        return num / den;
    }

    @Test
    void deepeningKeepsTheOldStateAndLeavesTheNewParametersAtZero() {
        try (NDManager m = NDManager.newBaseManager();
                MomentumSgd sgd = new MomentumSgd(0.9, 0)) {
            Map<String, Optimizer.State> state =
                    Map.of("fc1.weight", new Optimizer.Momentum(m.create(new double[] {1, 2}, new Shape(1, 2))));
            Map<String, Shape> student = new LinkedHashMap<>();
            student.put("fc1.weight", new Shape(1, 2));
            student.put("fc1_id.weight", new Shape(1, 1));
            Map<String, Optimizer.State> kept = OptimizerGrowth.deepened(state, student, m);
            assertEquals(List.of("fc1.weight"), List.copyOf(kept.keySet()));
            assertEquals(List.of("fc1_id.weight"), List.copyOf(OptimizerGrowth.fresh(kept, student)));
            sgd.setState(kept);
            assertArrayEquals(
                    new double[] {1, 2},
                    ((Optimizer.Momentum) sgd.state().get("fc1.weight"))
                            .velocity()
                            .toDoubleArray());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> OptimizerGrowth.deepened(state, Map.of("fc1.weight", new Shape(2, 2)), m));
        }
    }

    @Test
    void refusesAMappingThatIsNotAWidening() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> none = Map.of();
            assertThrows(
                    Net2NetException.class,
                    () -> GradientMap.apply(
                            dense(), List.of(new GradientMap.Widening("fc1", new int[] {0, 1, 2})), none, 1, m));
            assertThrows(
                    Net2NetException.class,
                    () -> GradientMap.apply(
                            dense(), List.of(new GradientMap.Widening("fc1", new int[] {0, 1, 2, 4})), none, 1, m));
            assertThrows(
                    Net2NetException.class,
                    () -> GradientMap.apply(
                            dense(), List.of(new GradientMap.Widening("fc1", new int[] {0, 1, 2, 2, 1})), none, 1, m));
            assertThrows(
                    Net2NetException.class,
                    () -> GradientMap.apply(
                            dense(), List.of(new GradientMap.Widening("out", new int[] {0, 1, 2, 0})), none, 1, m));
        }
    }
}
