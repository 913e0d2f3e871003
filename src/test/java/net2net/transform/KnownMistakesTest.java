package net2net.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net2net.nn.Network;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.spec.Presets;
import net2net.testing.Fast;
import net2net.testing.RandomNetworks;
import org.junit.jupiter.api.Test;

/** One test per mistake that public Net2Net implementations ship (docs/math.md#mistakes-in-public-implementations). */
@Fast
class KnownMistakesTest {
    static final SplittableRandom RNG = new SplittableRandom(7);

    static Network fashionTeacher() {
        return RandomNetworks.network(Presets.get("fashionnet", Presets.PAPER_TEACHER_WIDTH), RNG.split());
    }

    static float[][] rows(NDArray a) {
        int r = Math.toIntExact(a.getShape().get(0));
        float[] flat = a.toFloatArray();
        int len = flat.length / r;
        float[][] out = new float[r][];
        for (int i = 0; i < r; i++) {
            out[i] = Arrays.copyOfRange(flat, i * len, (i + 1) * len);
        }
        return out;
    }

    @Test
    void outgoingWeightsAreDividedNotIncomingAndTheOriginalUnitToo() {
        try (Network t = fashionTeacher();
                Network s = Net2WiderNet.widen(t, "fc1", 140, new Net2WiderNet.Options(Noise.NONE, 0, 3))) {
            float[][] tIn = rows(t.weight("fc1.weight"));
            float[][] sIn = rows(s.weight("fc1.weight"));
            float[] tOut = t.weight("fc2.weight").toFloatArray();
            float[] sOut = s.weight("fc2.weight").toFloatArray();
            int n = 70;
            int q = 140;
            int[] g = new int[q];
            int[] count = new int[n];
            for (int j = 0; j < q; j++) {
                // incoming rows are exact copies, never divided: find the unit each row copies
                g[j] = -1;
                for (int k = 0; k < n; k++) {
                    if (Arrays.equals(sIn[j], tIn[k])) {
                        g[j] = k;
                    }
                }
                assertTrue(
                        g[j] >= 0,
                        "student row " + j + " is not a copy of a teacher row (incoming weights were changed)");
                count[g[j]]++;
            }
            for (int j = 0; j < n; j++) {
                assertEquals(j, g[j], "the first n units must map to themselves");
            }
            boolean someOriginalDivided = false;
            for (int o = 0; o < 10; o++) {
                for (int j = 0; j < q; j++) {
                    float expected = tOut[o * n + g[j]] / count[g[j]];
                    assertEquals(
                            expected, sOut[o * q + j], 0f, "fc2 column " + j + " must be w/count for every replica");
                    if (j < n && count[j] > 1) {
                        someOriginalDivided = true;
                    }
                }
            }
            assertTrue(someOriginalDivided, "the test must cover an original unit that has replicas");
        }
    }

    @Test
    void everyBatchNormEntryIsGatheredNotPadded() {
        try (Network t = fashionTeacher();
                Network s = Net2WiderNet.widen(t, "conv2", 64, new Net2WiderNet.Options(Noise.NONE, 0, 5))) {
            float[][] conv = rows(s.weight("conv2.weight"));
            float[][] tconv = rows(t.weight("conv2.weight"));
            for (String p : List.of("weight", "bias", "running_mean", "running_var")) {
                float[] tp = t.weight("bn2." + p).toFloatArray();
                float[] sp = s.weight("bn2." + p).toFloatArray();
                for (int j = 0; j < 64; j++) {
                    int k = -1;
                    for (int c = 0; c < 35; c++) {
                        if (Arrays.equals(conv[j], tconv[c])) {
                            k = c;
                        }
                    }
                    assertEquals(
                            tp[k], sp[j], 0f, "bn2." + p + "[" + j + "] must equal the teacher's entry of unit " + k);
                }
            }
        }
    }

    @Test
    void convIdentityKernelIsCentredAtHalfKMinusOne() {
        for (int k : new int[] {1, 3, 5, 7}) {
            float[] w = Net2DeeperNet.identityWeights(new Layer.Conv2d("c", 2, k, true), 2);
            int centre = (k - 1) / 2;
            for (int i = 0; i < 2; i++) {
                assertEquals(1f, w[((i * 2 + i) * k + centre) * k + centre], "kernel " + k);
            }
            assertEquals(2f, sum(w), "exactly one 1 per output channel");
        }
        // and on real images a shifted kernel would move every pixel: check the function end to end
        Architecture arch = new Architecture(
                new Shape(1, 8, 8),
                List.of(
                        new Layer.Conv2d("c1", 3, 3, true),
                        new Layer.Relu("r1"),
                        new Layer.Flatten("f"),
                        new Layer.Dense("out", 4, true)));
        try (Network t = RandomNetworks.network(arch, RNG.split());
                Network s = Net2DeeperNet.deepen(t, "r1", new Net2DeeperNet.Options(5, false, null, null));
                NDManager m = NDManager.newBaseManager()) {
            Verification.Result r = Verification.compare(t, s, Verification.randomInputs(m, arch.input(), 32, 1));
            assertEquals(0.0, r.maxAbsDiff(), 1e-6);
        }
    }

    @Test
    void wideningAConvBeforeAFlattenMapsWholeBlocks() {
        try (Network t = fashionTeacher();
                Network s = Net2WiderNet.widen(t, "conv2", 64, new Net2WiderNet.Options(Noise.NONE, 0, 9));
                NDManager m = NDManager.newBaseManager()) {
            assertEquals(new Shape(70, 64 * 49), s.weight("fc1.weight").getShape());
            Verification.Result r = Verification.compare(
                    t, s, Verification.randomInputs(m, t.architecture().input(), 64, 2));
            assertTrue(r.exact(), r.toString());
            assertTrue(r.trainMaxRelDiff() <= Verification.TOLERANCE, r.toString());
        }
    }

    @Test
    void theTeacherIsNeverChanged() {
        try (Network t = fashionTeacher();
                NDManager m = NDManager.newBaseManager()) {
            Map<String, float[]> before = RandomNetworks.snapshot(t);
            Net2WiderNet.widen(t, Map.of("conv1", 40, "fc1", 100), Net2WiderNet.Options.defaults(1))
                    .close();
            RandomPad.pad(t, "conv2", 50, 1).close();
            Net2DeeperNet.deepen(
                            t,
                            "relu2",
                            new Net2DeeperNet.Options(
                                    3,
                                    true,
                                    Verification.randomInputs(
                                            m, t.architecture().input(), 16, 3),
                                    null))
                    .close();
            Verification.compare(
                    t, t, Verification.randomInputs(m, t.architecture().input(), 16, 3));
            TransformPropertiesTest.assertUnchanged(before, t);
        }
    }

    @Test
    void verificationUsesTheMaximumNotASignedSum() {
        // A student whose errors cancel in a signed sum: +d on one output, -d on another.
        try (Network t = fashionTeacher();
                Network s = t.copy();
                NDManager m = NDManager.newBaseManager()) {
            float[] bias = s.weight("fc2.bias").toFloatArray();
            bias[0] += 0.01f;
            bias[1] -= 0.01f;
            s.weight("fc2.bias").set(bias);
            Verification.Result r = Verification.compare(
                    t, s, Verification.randomInputs(m, t.architecture().input(), 8, 4));
            assertFalse(r.exact(), "errors that cancel in a sum must still be caught: " + r);
            assertEquals(0.01, r.maxAbsDiff(), 1e-4);
        }
    }

    @Test
    void randomPadIsNotNet2NetInDisguise() {
        try (Network t = fashionTeacher();
                Network s = RandomPad.pad(t, "fc1", 140, 11);
                NDManager m = NDManager.newBaseManager()) {
            float[][] tIn = rows(t.weight("fc1.weight"));
            float[][] sIn = rows(s.weight("fc1.weight"));
            for (int j = 0; j < 70; j++) {
                assertArrayEquals(tIn[j], sIn[j], "old units keep their weights");
            }
            for (int j = 70; j < 140; j++) {
                for (float[] teacherRow : tIn) {
                    assertFalse(Arrays.equals(teacherRow, sIn[j]), "new unit " + j + " is a replica");
                }
            }
            float[] tOut = t.weight("fc2.weight").toFloatArray();
            float[] sOut = s.weight("fc2.weight").toFloatArray();
            for (int o = 0; o < 10; o++) {
                for (int j = 0; j < 70; j++) {
                    assertEquals(tOut[o * 70 + j], sOut[o * 140 + j], 0f, "old outgoing weights are not divided");
                }
            }
            Verification.Result r = Verification.compare(
                    t, s, Verification.randomInputs(m, t.architecture().input(), 32, 5));
            assertFalse(r.exact(), "random pad changes the function: " + r);
        }
    }

    @Test
    void exactNoiseKeepsTheFunctionAndPaperNoiseDrifts() {
        try (Network t = fashionTeacher();
                NDManager m = NDManager.newBaseManager()) {
            NDArray x = Verification.randomInputs(m, t.architecture().input(), 64, 6);
            try (Network exact = Net2WiderNet.widen(t, "fc1", 200, new Net2WiderNet.Options(Noise.EXACT, 0.5, 1));
                    Network none = Net2WiderNet.widen(t, "fc1", 200, new Net2WiderNet.Options(Noise.NONE, 0, 1));
                    Network paper = Net2WiderNet.widen(t, "fc1", 200, new Net2WiderNet.Options(Noise.PAPER, 0.5, 1))) {
                assertTrue(Verification.compare(t, exact, x).exact());
                assertFalse(
                        Arrays.equals(
                                exact.weight("fc2.weight").toFloatArray(),
                                none.weight("fc2.weight").toFloatArray()),
                        "exact noise must make the replicas' outgoing weights differ");
                assertFalse(Verification.compare(t, paper, x).exact(), "paper noise at this scale must drift");
            }
        }
    }

    /** A Map.of's iteration order changes from one JVM to the next: the student must not follow it. */
    @Test
    void theStudentDependsOnTheSeedNotOnTheOrderOfTheRequest() {
        Map<String, Integer> inOrder = new LinkedHashMap<>();
        inOrder.put("conv1", 24);
        inOrder.put("conv2", 48);
        inOrder.put("fc1", 100);
        Map<String, Integer> reversed = new LinkedHashMap<>();
        reversed.put("fc1", 100);
        reversed.put("conv2", 48);
        reversed.put("conv1", 24);
        try (Network t = fashionTeacher();
                Network a = Net2WiderNet.widen(t, inOrder, Net2WiderNet.Options.defaults(11));
                Network b = Net2WiderNet.widen(t, reversed, Net2WiderNet.Options.defaults(11))) {
            assertEquals(a.weights().keySet(), b.weights().keySet());
            for (String key : a.weights().keySet()) {
                assertArrayEquals(a.weight(key).toFloatArray(), b.weight(key).toFloatArray(), key);
            }
        }
    }

    static float sum(float[] v) {
        float s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }
}
