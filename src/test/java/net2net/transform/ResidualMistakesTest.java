package net2net.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
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
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;

/**
 * The mistakes public Net2Net implementations make on skip connections, each implemented (wrongly)
 * only here, by hand, to show that it changes the function while the shared mapping does not.
 * The stream is fashionresnet's first: writers conv1 (+bn1) and res1_conv2 (+res1_bn2), readers
 * res1_conv1 (the body's first conv) and conv2 (which reads the sum, through the maxpool).
 * Why one shared mapping is exact: docs/math.md#residual-streams.
 */
class ResidualMistakesTest {
    static final int N = 18;
    static final int Q = 32;

    static Network teacher() {
        return RandomNetworks.network(
                Presets.get("fashionresnet", Presets.PAPER_TEACHER_WIDTH), new SplittableRandom(6));
    }

    /**
     * The first stream widened by hand: conv1/bn1 gathered with {@code gStem}, res1_conv2/res1_bn2
     * with {@code gBody}; res1_conv1 reads with gStem, conv2 with {@code gSum}, its columns divided
     * {@code divisions} times by the count.
     */
    static Network byHand(Network t, int[] gStem, int[] gBody, int[] gSum, int divisions) {
        Architecture arch = t.architecture();
        Architecture wide = arch.replace(Map.of(
                "conv1",
                new Layer.Conv2d("conv1", Q, 3, true),
                "res1_conv2",
                new Layer.Conv2d("res1_conv2", Q, 3, true)));
        NDManager m = NDManager.newBaseManager();
        Map<String, NDArray> w = new LinkedHashMap<>();
        t.weights().forEach((k, v) -> {
            NDArray c = v.duplicate();
            c.attach(m);
            w.put(k, c);
        });
        for (String k : List.of(
                "conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var")) {
            w.put(k, rows(w.get(k), gStem, m));
        }
        for (String p : List.of("weight", "bias")) {
            w.put("res1.body.res1_conv2." + p, rows(w.get("res1.body.res1_conv2." + p), gBody, m));
        }
        for (String p : List.of("weight", "bias", "running_mean", "running_var")) {
            w.put("res1.body.res1_bn2." + p, rows(w.get("res1.body.res1_bn2." + p), gBody, m));
        }
        w.put("res1.body.res1_conv1.weight", columns(w.get("res1.body.res1_conv1.weight"), gStem, 1, m));
        w.put("conv2.weight", columns(w.get("conv2.weight"), gSum, divisions, m));
        return new Network(wide, w, t.history(), null, m);
    }

    static NDArray rows(NDArray a, int[] g, NDManager m) {
        NDArray out = a.get(m.create(Net2WiderNet.expand(g, 1)));
        out.attach(m);
        return out;
    }

    static NDArray columns(NDArray a, int[] g, int divisions, NDManager m) {
        int[] count = Net2WiderNet.counts(g, N);
        float[] scale = new float[g.length];
        for (int j = 0; j < g.length; j++) {
            scale[j] = (float) Math.pow(count[g[j]], divisions);
        }
        NDArray out = a.get(new NDIndex(":, {}", m.create(Net2WiderNet.expand(g, 1))))
                .div(m.create(scale, new Shape(1, g.length, 1, 1)));
        out.attach(m);
        return out;
    }

    static double relDiff(Network t, Network s) {
        try (NDManager m = NDManager.newBaseManager()) {
            return Verification.compare(
                            t, s, Verification.randomInputs(m, t.architecture().input(), 32, 3))
                    .maxRelDiff();
        }
    }

    @Slow
    @Test
    void perLayerMappingsAcrossASkipChangeTheFunction() {
        SplittableRandom rng = new SplittableRandom(1);
        int[] g1 = Net2WiderNet.mapping(N, Q, rng);
        int[] g2 = Net2WiderNet.mapping(N, Q, rng);
        assertFalse(Arrays.equals(g1, g2));
        try (Network t = teacher();
                Network shared = byHand(t, g1, g1, g1, 1);
                // each writer widened on its own, as per-layer implementations do: conv1 with its mapping
                // for its consumer res1_conv1, res1_conv2 with another for its consumer conv2
                Network perLayer = byHand(t, g1, g2, g2, 1);
                // the right mapping, but the reader of the sum divided once per writer summed into it
                Network twice = byHand(t, g1, g1, g1, 2)) {
            assertTrue(
                    relDiff(t, shared) <= Verification.TOLERANCE,
                    "the hand-made shared mapping is exact: " + relDiff(t, shared));
            assertTrue(
                    relDiff(t, perLayer) > 1e-3,
                    "per-layer mappings must change the function: " + relDiff(t, perLayer));
            assertTrue(
                    relDiff(t, twice) > 1e-3, "dividing the sum twice must change the function: " + relDiff(t, twice));
        }
    }

    @Slow
    @Test
    void namingAnyWriterWidensTheWholeStreamWithOneMapping() {
        try (Network t = teacher()) {
            for (String named : List.of("conv1", "res1_conv2")) {
                try (Network s = Net2WiderNet.widen(t, named, Q, new Net2WiderNet.Options(Noise.NONE, 0, 4))) {
                    assertTrue(relDiff(t, s) <= Verification.TOLERANCE, named + ": " + relDiff(t, s));
                    // recover each writer's mapping from its rows: both must be the same g
                    int[] gStem = mappingOf(t.weight("conv1.weight"), s.weight("conv1.weight"));
                    int[] gBody =
                            mappingOf(t.weight("res1.body.res1_conv2.weight"), s.weight("res1.body.res1_conv2.weight"));
                    assertArrayEquals(gStem, gBody, named + ": the writers of a stream share one mapping");
                    assertEquals(Q, ((Layer.Conv2d) s.architecture().layer("res1_conv2")).filters());
                    assertEquals(
                            N,
                            ((Layer.Conv2d) s.architecture().layer("res1_conv1")).filters(),
                            "the body's inner width is not the stream");
                    float[] bn = s.weight("res1.body.res1_bn2.running_var").toFloatArray();
                    float[] tbn = t.weight("res1.body.res1_bn2.running_var").toFloatArray();
                    for (int j = 0; j < Q; j++) {
                        assertEquals(tbn[gStem[j]], bn[j], 0f, "res1_bn2 gathered with the stream's mapping");
                    }
                }
            }
        }
    }

    @Fast
    @Test
    void randomPadOfAStreamPadsEveryWriterAndReader() {
        try (Network t = teacher();
                Network s = RandomPad.pad(t, "res1_conv2", Q, 2)) {
            assertEquals(new Shape(Q, 1, 3, 3), s.weight("conv1.weight").getShape());
            assertEquals(
                    new Shape(Q), s.weight("res1.body.res1_bn2.running_var").getShape());
            assertEquals(
                    new Shape(Q, N, 3, 3),
                    s.weight("res1.body.res1_conv2.weight").getShape());
            assertEquals(
                    new Shape(N, Q, 3, 3),
                    s.weight("res1.body.res1_conv1.weight").getShape());
            assertEquals(new Shape(35, Q, 3, 3), s.weight("conv2.weight").getShape());
            float[][] tr = KnownMistakesTest.rows(t.weight("res1.body.res1_conv2.weight"));
            float[][] sr = KnownMistakesTest.rows(s.weight("res1.body.res1_conv2.weight"));
            for (int j = 0; j < N; j++) {
                assertArrayEquals(tr[j], sr[j], "old units keep their weights");
            }
            assertFalse(relDiff(t, s) <= Verification.TOLERANCE, "random pad changes the function");
        }
    }

    /** Which teacher row each student row copies. */
    static int[] mappingOf(NDArray teacher, NDArray student) {
        float[][] tr = KnownMistakesTest.rows(teacher);
        float[][] sr = KnownMistakesTest.rows(student);
        int[] g = new int[sr.length];
        for (int j = 0; j < sr.length; j++) {
            g[j] = -1;
            for (int k = 0; k < tr.length; k++) {
                if (Arrays.equals(tr[k], sr[j])) {
                    g[j] = k;
                }
            }
            assertTrue(g[j] >= 0, "row " + j + " copies no teacher row");
        }
        return g;
    }
}
