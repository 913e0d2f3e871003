package net2net.train;

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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net2net.Net2NetException;
import net2net.nn.Constants;
import net2net.testing.Slow;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AdamW is PyTorch's: decoupled decay w *= 1 - lr wd, then m, v, bias correction, eps added to
 * sqrt(v_hat). Checked against values worked out by hand, against the formulas evaluated in double
 * precision in the test, and against torch.optim.AdamW itself.
 */
@Slow
class AdamWTest {
    static final String PYTHON = "/usr/bin/python3";

    /** The loss sum(0.5 a w^2 + b w): its gradient a w + b changes from step to step. */
    record Quadratic(double[] a, double[] b) {
        double[] gradient(double[] w) {
            double[] g = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                g[i] = a[i] * w[i] + b[i];
            }
            return g;
        }
    }

    static Parameter parameter(NDArray w) {
        Parameter p =
                Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
        p.setArray(w);
        w.setRequiresGradient(true);
        return p;
    }

    /** Runs {@code lrs.length} AdamW steps on the quadratic from {@code w0} in DJL, in {@code type}. */
    static double[] djl(Quadratic q, double[] w0, double[] lrs, AdamW adam, DataType type) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(w0).toType(type, false);
            Parameter p = parameter(w);
            NDArray a = m.create(q.a()).toType(type, false);
            NDArray b = m.create(q.b()).toType(type, false);
            for (double lr : lrs) {
                try (NDManager scratch = m.newSubManager()) {
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        c.backward(Constants.times(w.square().mul(a), 0.5)
                                .add(w.mul(b))
                                .sum());
                    }
                    adam.step(Map.of("w", p), lr, scratch);
                }
            }
            return w.toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    /** The same steps from PyTorch's formulas, in double precision. */
    static double[] reference(
            Quadratic q, double[] w0, double[] lrs, double beta1, double beta2, double eps, double wd) {
        double[] w = w0.clone();
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        for (int t = 1; t <= lrs.length; t++) {
            double lr = lrs[t - 1];
            double[] g = q.gradient(w);
            for (int i = 0; i < w.length; i++) {
                w[i] *= 1 - lr * wd;
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(beta1, t));
                double vHat = v[i] / (1 - Math.pow(beta2, t));
                w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        return w;
    }

    @Test
    void firstStepIsHandComputed() {
        // One step: m_hat = g and v_hat = g^2, so the step is lr g / (|g| + eps), about lr sign(g).
        // w = [1, 2], g = [3, -4], lr 0.1, wd 0.5: decay gives [0.95, 1.9], then -0.1 and +0.1.
        double[] w = djl(
                new Quadratic(new double[] {0, 0}, new double[] {3, -4}),
                new double[] {1, 2},
                new double[] {0.1},
                new AdamW(0.9, 0.999, 1e-8, 0.5),
                DataType.FLOAT32);
        assertArrayEquals(new double[] {0.85, 2.0}, w, 1e-6);
    }

    @Test
    void secondStepIsHandComputed() {
        // A constant gradient g: m_hat = g and v_hat = g^2 at every step (bias correction undoes the
        // zero start exactly), so without decay each step is lr g / (|g| + eps). With eps = 1 and
        // g = 1 the step is lr / 2: from w = 0, lr 0.4 then 0.2 gives -0.2 - 0.1 = -0.3.
        double[] w = djl(
                new Quadratic(new double[] {0}, new double[] {1}),
                new double[] {0},
                new double[] {0.4, 0.2},
                new AdamW(0.9, 0.999, 1, 0),
                DataType.FLOAT64);
        assertArrayEquals(new double[] {-0.3}, w, 1e-12);
    }

    @Test
    void stepsMatchTheFormulasInDoublePrecision() {
        Quadratic q = new Quadratic(new double[] {2, 0.5, 1, 3}, new double[] {-1, 0.3, 0.02, 4});
        double[] w0 = {0.7, -1.2, 3, 0.01};
        double[] lrs = {0.05, 0.1, 0.02, 0.08, 0.03, 0.1}; // the rate changes every step, as a schedule does
        double[] expected = reference(q, w0, lrs, 0.8, 0.95, 1e-3, 0.2);
        double[] got = djl(q, w0, lrs, new AdamW(0.8, 0.95, 1e-3, 0.2), DataType.FLOAT64);
        assertArrayEquals(expected, got, 1e-13);
        double[] got32 = djl(q, w0, lrs, new AdamW(0.8, 0.95, 1e-3, 0.2), DataType.FLOAT32);
        assertArrayEquals(expected, got32, 1e-5);
        // the decay is decoupled: it is not Adam with an L2 term, whose result differs
        Quadratic l2 = new Quadratic(new double[] {2.2, 0.7, 1.2, 3.2}, q.b());
        double[] adamL2 = reference(l2, w0, lrs, 0.8, 0.95, 1e-3, 0);
        assertTrue(Math.abs(adamL2[0] - got[0]) > 1e-3, "AdamW must differ from Adam with L2 decay");
    }

    @Test
    void onlyTheChosenParametersDecay() {
        // a [2, 2] matrix decays under MATRICES, a vector does not: each matches the formulas with its own decay
        Quadratic q = new Quadratic(new double[] {1, 2, 0.5, 3}, new double[] {0.5, -1, 2, 0.1});
        double[] w0 = {1, 0.5, -0.25, 2};
        double[] lrs = {0.1, 0.05, 0.1};
        double[] decayed = reference(q, w0, lrs, 0.9, 0.99, 1e-8, 0.5);
        double[] plain = reference(q, w0, lrs, 0.9, 0.99, 1e-8, 0);
        try (NDManager m = NDManager.newBaseManager();
                AdamW adam = new AdamW(0.9, 0.99, 1e-8, 0.5, AdamW.MATRICES)) {
            NDArray matrix = m.create(w0, new Shape(2, 2));
            NDArray vector = m.create(w0);
            Map<String, Parameter> parameters = Map.of("fc.weight", parameter(matrix), "fc.bias", parameter(vector));
            NDArray a = m.create(q.a());
            NDArray b = m.create(q.b());
            for (double lr : lrs) {
                try (NDManager scratch = m.newSubManager()) {
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        NDArray flat = matrix.reshape(4);
                        c.backward(flat.square()
                                .mul(a)
                                .mul(0.5)
                                .add(flat.mul(b))
                                .sum()
                                .add(vector.square()
                                        .mul(a)
                                        .mul(0.5)
                                        .add(vector.mul(b))
                                        .sum()));
                    }
                    adam.step(parameters, lr, scratch);
                }
            }
            assertArrayEquals(decayed, matrix.toDoubleArray(), 1e-13);
            assertArrayEquals(plain, vector.toDoubleArray(), 1e-13);
        }
    }

    @Test
    void stateIsExposedPerParameterAndCanBeReplaced() {
        try (NDManager m = NDManager.newBaseManager();
                AdamW adam = AdamW.withWeightDecay(0)) {
            NDArray w = m.create(new double[] {1, -2});
            Parameter p = parameter(w);
            assertTrue(adam.state().isEmpty(), "no state before the first step");
            for (int step = 0; step < 2; step++) {
                try (NDManager scratch = m.newSubManager()) {
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        c.backward(w.mul(m.create(new double[] {3, 4})).sum()); // gradient [3, 4]
                    }
                    adam.step(Map.of("w", p), 0.1, scratch);
                }
            }
            Optimizer.Adam s =
                    assertInstanceOf(Optimizer.Adam.class, adam.state().get("w"));
            assertEquals(2, s.steps());
            // m = 0.9 * 0.1 g + 0.1 g = 0.19 g; v = 0.999 * 0.001 g^2 + 0.001 g^2 = 0.001999 g^2
            assertArrayEquals(new double[] {0.57, 0.76}, s.firstMoment().toDoubleArray(), 1e-12);
            assertArrayEquals(
                    new double[] {0.001999 * 9, 0.001999 * 16}, s.secondMoment().toDoubleArray(), 1e-12);

            try (AdamW other = AdamW.withWeightDecay(0)) {
                other.setState(adam.state());
                Optimizer.Adam copy = (Optimizer.Adam) other.state().get("w");
                assertEquals(2, copy.steps());
                assertArrayEquals(
                        s.firstMoment().toDoubleArray(), copy.firstMoment().toDoubleArray());
                copy.firstMoment().muli(0); // a copy: changing it leaves the source alone
                assertArrayEquals(new double[] {0.57, 0.76}, s.firstMoment().toDoubleArray(), 1e-12);
                assertThrows(
                        IllegalArgumentException.class,
                        () -> other.setState(Map.of("w", new Optimizer.Momentum(s.firstMoment()))));
            }
        }
    }

    @Test
    void saveAndLoadContinueExactly(@TempDir Path tmp) throws IOException {
        Quadratic q = new Quadratic(new double[] {1, 2, 0.5}, new double[] {0.5, -1, 2});
        double[] w0 = {1, 0.5, -0.25};
        double[] lrs = {0.1, 0.05, 0.1, 0.02};
        double[] straight = djl(q, w0, lrs, new AdamW(0.9, 0.99, 1e-8, 0.1), DataType.FLOAT64);
        // two steps, save, a fresh optimizer loads the state, two more steps from the saved weights
        double[] half;
        Path file = tmp.resolve("optimizer.safetensors");
        try (AdamW first = new AdamW(0.9, 0.99, 1e-8, 0.1)) {
            half = djl(q, w0, Arrays.copyOf(lrs, 2), first, DataType.FLOAT64);
            first.save(file);
        }
        double[] resumed;
        try (AdamW second = new AdamW(0.9, 0.99, 1e-8, 0.1)) {
            second.load(file);
            assertEquals(2, ((Optimizer.Adam) second.state().get("w")).steps());
            resumed = djl(q, half, Arrays.copyOfRange(lrs, 2, 4), second, DataType.FLOAT64);
        }
        assertArrayEquals(straight, resumed, 0);
    }

    @Test
    void aCorruptOrForeignStateFileIsOneClearError(@TempDir Path tmp) throws IOException {
        Path garbage = tmp.resolve("garbage.safetensors");
        Files.write(garbage, "not a safetensors file at all".getBytes(StandardCharsets.UTF_8));
        Path sgdState = tmp.resolve("sgd.safetensors");
        try (NDManager m = NDManager.newBaseManager();
                MomentumSgd sgd = new MomentumSgd(0.9, 0)) {
            NDArray w = m.create(new float[] {1});
            Parameter p = parameter(w);
            try (NDManager scratch = m.newSubManager()) {
                try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                    c.backward(w.sum());
                }
                sgd.step(Map.of("w", p), 0.1, scratch);
            }
            sgd.save(sgdState);
        }
        try (AdamW adam = AdamW.withWeightDecay(0)) {
            for (Path bad : List.of(garbage, sgdState, tmp.resolve("missing.safetensors"))) {
                Net2NetException e = assertThrows(Net2NetException.class, () -> adam.load(bad));
                assertTrue(
                        e.getMessage().contains(bad.toString())
                                && !e.getMessage().contains("\n"),
                        e.getMessage());
            }
        }
    }

    @Test
    void refusesBetasOutsideTheUnitInterval() {
        assertThrows(Net2NetException.class, () -> new AdamW(1, 0.999, 1e-8, 0));
        assertThrows(Net2NetException.class, () -> new AdamW(0.9, -0.1, 1e-8, 0));
        assertThrows(Net2NetException.class, () -> new AdamW(0.9, 0.999, -1, 0));
    }

    /** Six steps with a changing rate, in float64 and float32, against torch.optim.AdamW of the installed PyTorch. */
    @Test
    void matchesTorchOptimAdamW(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(
                torchAvailable(),
                "skipped: " + PYTHON
                        + " cannot import torch; install python3-torch to compare AdamW with torch.optim.AdamW");
        Quadratic q = new Quadratic(new double[] {2, 0.5, 1, 3, 0.1, 1.5}, new double[] {-1, 0.3, 0.02, 4, -2, 0});
        double[] w0 = {0.7, -1.2, 3, 0.01, 5, -0.4};
        double[] lrs = {0.05, 0.1, 0.02, 0.08, 0.03, 0.1};
        double beta1 = 0.85, beta2 = 0.99, eps = 1e-6, wd = 0.3;
        Path script = tmp.resolve("adamw.py");
        Files.writeString(
                script,
                String.join(
                        "\n",
                        "import sys, torch",
                        "dtype = {'float64': torch.float64, 'float32': torch.float32}[sys.argv[1]]",
                        "vals = [list(map(float, s.split(','))) for s in sys.argv[2:5]]",
                        "a, b, w0 = (torch.tensor(v, dtype=dtype) for v in vals)",
                        "lrs = list(map(float, sys.argv[5].split(',')))",
                        "beta1, beta2, eps, wd = map(float, sys.argv[6:10])",
                        "w = w0.clone().requires_grad_(True)",
                        "opt = torch.optim.AdamW([w], lr=lrs[0], betas=(beta1, beta2), eps=eps, weight_decay=wd)",
                        "for lr in lrs:",
                        "    for group in opt.param_groups: group['lr'] = lr",
                        "    opt.zero_grad()",
                        "    (0.5 * a * w * w + b * w).sum().backward()",
                        "    opt.step()",
                        "print(','.join(repr(x) for x in w.detach().double().tolist()))",
                        ""));
        for (DataType type : List.of(DataType.FLOAT64, DataType.FLOAT32)) {
            List<String> command = new ArrayList<>(List.of(
                    PYTHON,
                    script.toString(),
                    type == DataType.FLOAT64 ? "float64" : "float32",
                    join(q.a()),
                    join(q.b()),
                    join(w0),
                    join(lrs)));
            for (double x : new double[] {beta1, beta2, eps, wd}) {
                command.add(Double.toString(x));
            }
            double[] torch = Arrays.stream(run(command).strip().split(","))
                    .mapToDouble(Double::parseDouble)
                    .toArray();
            double[] ours = djl(q, w0, lrs, new AdamW(beta1, beta2, eps, wd), type);
            double tolerance = type == DataType.FLOAT64 ? 1e-12 : 1e-5;
            assertArrayEquals(torch, ours, tolerance, "AdamW against torch.optim.AdamW in " + type);
            System.out.printf(
                    Locale.ROOT,
                    "[adamw] %s: max |torch - djl| = %.3g after %d steps%n",
                    type,
                    maxAbsDiff(torch, ours),
                    lrs.length);
        }
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    static String join(double[] v) {
        return String.join(",", Arrays.stream(v).mapToObj(Double::toString).toList());
    }

    static boolean torchAvailable() {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), () -> "python failed: " + out);
        return out;
    }
}
