package net2net.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net2net.Net2NetException;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Fast
class SummaryTest {
    private static final double EPS = 1e-12;

    /**
     * random_init mean curve 0.10, 0.45, 0.60, 0.75 (final 0.75, reached at 300 examples);
     * net2net mean 0.50, 0.72, 0.78, 0.80 (reaches 0.75 at 200: speedup 1.5);
     * random_pad, one seed, never reaches 0.75 and has no point at epoch 1.
     */
    private static List<CurvePoint> handBuilt() {
        List<CurvePoint> p = new ArrayList<>();
        p.addAll(Curves.accuracy("wider", "random_init", 1, 100, 0.10, 0.40, 0.60, 0.70));
        p.addAll(Curves.accuracy("wider", "random_init", 2, 100, 0.10, 0.50, 0.60, 0.80));
        p.addAll(Curves.accuracy("wider", "net2net", 1, 100, 0.50, 0.70, 0.80, 0.80));
        p.addAll(Curves.accuracy("wider", "net2net", 2, 100, 0.50, 0.74, 0.76, 0.80));
        p.add(new CurvePoint("wider", "random_pad", 1, 0, 0, 0, CurvePoint.TEST_ACCURACY, 0.30));
        p.add(new CurvePoint("wider", "random_pad", 1, 0.5, 50, 5, CurvePoint.TEST_ACCURACY, 0.50));
        p.add(new CurvePoint("wider", "random_pad", 1, 2, 200, 20, CurvePoint.TEST_ACCURACY, 0.60));
        p.add(new CurvePoint("wider", "random_pad", 1, 3, 300, 30, CurvePoint.TEST_ACCURACY, 0.74));
        p.addAll(Curves.accuracy("wider", "teacher", 1, 100, 0.10, 0.55, 0.70));
        // Other metrics are ignored.
        p.add(new CurvePoint("wider", "net2net", 1, 0, 0, 0, CurvePoint.TEST_LOSS, 9.0));
        return p;
    }

    @Test
    void handBuiltCurvesGiveTheKnownNumbers() {
        Map<String, MethodSummary> s = Summary.methods(handBuilt());
        assertEquals(List.of("net2net", "random_pad", "random_init", "teacher"), List.copyOf(s.keySet()));

        MethodSummary ri = s.get("random_init");
        assertEquals(2, ri.seeds());
        assertEquals(0.10, ri.startAccuracy(), EPS);
        assertEquals(0.45, ri.accuracyAfter1Epoch(), EPS);
        assertEquals(0.75, ri.finalAccuracy(), EPS);
        assertEquals(Math.sqrt(0.005), ri.finalAccuracyStd(), EPS); // sample std of 0.7 and 0.8
        assertEquals(3.0, ri.finalEpoch());
        assertEquals(300L, ri.examplesToReachRandomInitFinal());
        assertEquals(1.0, ri.speedupVsRandomInit());

        MethodSummary n2n = s.get("net2net");
        assertEquals(0.50, n2n.startAccuracy(), EPS);
        assertEquals(0.72, n2n.accuracyAfter1Epoch(), EPS);
        assertEquals(0.80, n2n.finalAccuracy(), EPS);
        assertEquals(0.0, n2n.finalAccuracyStd(), EPS);
        assertEquals(200L, n2n.examplesToReachRandomInitFinal());
        assertEquals(1.5, n2n.speedupVsRandomInit(), EPS);

        MethodSummary pad = s.get("random_pad");
        assertEquals(1, pad.seeds());
        assertNull(pad.accuracyAfter1Epoch());
        assertEquals(0.0, pad.finalAccuracyStd());
        assertNull(pad.examplesToReachRandomInitFinal());
        assertNull(pad.speedupVsRandomInit());

        // best point, and the examples each method needs to get where net2net starts (0.50)
        assertEquals(0.80, n2n.bestAccuracy(), EPS);
        assertEquals(300L, n2n.examplesToBest()); // first point at 0.80 (mean of 0.80 and 0.76 is 0.78 at 200)
        assertEquals(0L, n2n.examplesToReachNet2netStart());
        assertEquals(200L, ri.examplesToReachNet2netStart()); // 0.45 at 100, 0.60 at 200
        assertEquals(50L, pad.examplesToReachNet2netStart());
        assertEquals(0.74, pad.bestAccuracy(), EPS);

        MethodSummary teacher = s.get("teacher");
        assertEquals(0.10, teacher.startAccuracy(), EPS);
        assertEquals(0.70, teacher.finalAccuracy(), EPS);
    }

    @Test
    void reachingExactlyTheTargetCounts() {
        List<CurvePoint> p = new ArrayList<>();
        p.addAll(Curves.accuracy("e", "random_init", 1, 10, 0.1, 0.5, 0.6));
        p.addAll(Curves.accuracy("e", "net2net", 1, 10, 0.2, 0.6, 0.3)); // equal at 10, then drops
        MethodSummary n2n = Summary.methods(p).get("net2net");
        assertEquals(10L, n2n.examplesToReachRandomInitFinal());
        assertEquals(2.0, n2n.speedupVsRandomInit(), EPS);
    }

    @Test
    void reachingBeforeTrainingGivesZeroExamplesAndNoSpeedup() {
        List<CurvePoint> p = new ArrayList<>();
        p.addAll(Curves.accuracy("e", "random_init", 1, 10, 0.1, 0.5));
        p.addAll(Curves.accuracy("e", "net2net", 1, 10, 0.7, 0.8));
        MethodSummary n2n = Summary.methods(p).get("net2net");
        assertEquals(0L, n2n.examplesToReachRandomInitFinal());
        assertNull(n2n.speedupVsRandomInit());
    }

    @Test
    void withoutRandomInitThereIsNoTarget() {
        MethodSummary n2n = Summary.methods(Curves.accuracy("e", "net2net", 1, 10, 0.7, 0.8))
                .get("net2net");
        assertNull(n2n.examplesToReachRandomInitFinal());
        assertNull(n2n.speedupVsRandomInit());
        assertEquals(0.8, n2n.finalAccuracy(), EPS);
    }

    @Test
    void aSeedCutShortShortensTheMeanCurve() {
        List<CurvePoint> p = new ArrayList<>();
        p.addAll(Curves.accuracy("e", "net2net", 1, 10, 0.1, 0.2, 0.3, 0.9));
        p.addAll(Curves.accuracy("e", "net2net", 2, 10, 0.3, 0.4, 0.5));
        MethodSummary n2n = Summary.methods(p).get("net2net");
        assertEquals(2.0, n2n.finalEpoch());
        assertEquals(0.4, n2n.finalAccuracy(), EPS);
        assertEquals(2, n2n.seeds());
    }

    @Test
    void duplicatePointsAndMixedExperimentsAreRefused() {
        List<CurvePoint> dup = new ArrayList<>(Curves.accuracy("e", "net2net", 1, 10, 0.1, 0.2));
        dup.add(new CurvePoint("e", "net2net", 1, 1, 10, 1, CurvePoint.TEST_ACCURACY, 0.3));
        assertThrows(Net2NetException.class, () -> Summary.methods(dup));

        List<CurvePoint> mixed = new ArrayList<>(Curves.accuracy("a", "net2net", 1, 10, 0.1));
        mixed.addAll(Curves.accuracy("b", "net2net", 1, 10, 0.1));
        assertThrows(Net2NetException.class, () -> Summary.methods(mixed));
    }

    @Test
    void summaryJsonKeepsNullsAndNestsByExperiment(@TempDir Path dir) throws IOException {
        List<CurvePoint> p = new ArrayList<>(handBuilt());
        p.addAll(Curves.accuracy("deeper", "net2net", 4, 10, 0.5, 0.6));
        JsonObject all = Summary.all(p);
        assertEquals(List.of("wider", "deeper"), List.copyOf(all.keySet()));

        Path json = dir.resolve("summary.json");
        Summary.write(json, all);
        String text = Files.readString(json);
        assertTrue(text.contains("\n  \"wider\": {"), "pretty-printed");
        JsonObject back = JsonParser.parseString(text).getAsJsonObject();
        JsonObject pad = back.getAsJsonObject("wider").getAsJsonObject("random_pad");
        assertTrue(pad.has("examples_to_reach_random_init_final"));
        assertTrue(pad.get("examples_to_reach_random_init_final").isJsonNull());
        assertTrue(pad.get("speedup_vs_random_init").isJsonNull());
        assertTrue(pad.get("accuracy_after_1_epoch").isJsonNull());
        JsonObject n2n = back.getAsJsonObject("wider").getAsJsonObject("net2net");
        assertEquals(200, n2n.get("examples_to_reach_random_init_final").getAsLong());
        assertEquals(1.5, n2n.get("speedup_vs_random_init").getAsDouble(), EPS);
        assertEquals(2, n2n.get("seeds").getAsInt());
        assertNotNull(back.getAsJsonObject("deeper").getAsJsonObject("net2net"));
    }

    /** random_init always reaches its own final accuracy, so its speed-up against itself is exactly 1. */
    @Property(tries = 200)
    void randomInitAgainstItselfIsOne(
            @ForAll @Size(min = 2, max = 12) List<@DoubleRange(min = 0, max = 1) Double> acc,
            @ForAll @IntRange(min = 1, max = 3) int seeds,
            @ForAll @DoubleRange(min = 0, max = 0.1) double jitter) {
        List<CurvePoint> p = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
            double[] a = new double[acc.size()];
            for (int e = 0; e < a.length; e++) {
                a[e] = Math.min(1, acc.get(e) + s * jitter);
            }
            a[0] = 0.05; // a fresh network is near chance, so it has not reached its target before training
            p.addAll(Curves.accuracy("e", "random_init", s, 1000, a));
        }
        MethodSummary ri = Summary.methods(p).get("random_init");
        Long reach = ri.examplesToReachRandomInitFinal();
        assertNotNull(reach, "random_init never reaches its own final accuracy");
        assertTrue(
                reach <= 1000L * (acc.size() - 1),
                "random_init reaches its final accuracy at " + reach + " examples, after its last point at "
                        + 1000L * (acc.size() - 1));
        if (reach > 0) {
            assertEquals(1.0, ri.speedupVsRandomInit(), "random_init's speed-up against itself");
        }
    }

    /** A method whose curve is never below random_init's reaches the target no later: speed-up >= 1. */
    @Property(tries = 200)
    void aDominatingCurveReachesNoLater(
            @ForAll @Size(min = 2, max = 12) List<@DoubleRange(min = 0, max = 0.9) Double> base,
            @ForAll @Size(min = 12, max = 12) List<@DoubleRange(min = 0, max = 0.1) Double> lift) {
        double[] ri = base.stream().mapToDouble(Double::doubleValue).toArray();
        ri[0] = 0.01;
        double[] better = new double[ri.length];
        for (int e = 0; e < ri.length; e++) {
            better[e] = ri[e] + lift.get(e);
        }
        List<CurvePoint> p = new ArrayList<>();
        p.addAll(Curves.accuracy("e", "random_init", 1, 500, ri));
        p.addAll(Curves.accuracy("e", "net2net", 1, 500, better));
        Map<String, MethodSummary> s = Summary.methods(p);
        long riReach = s.get("random_init").examplesToReachRandomInitFinal();
        Long n2nReach = s.get("net2net").examplesToReachRandomInitFinal();
        assertNotNull(n2nReach, "the dominating curve never reaches random_init's final accuracy");
        assertTrue(
                n2nReach <= riReach,
                "the dominating curve reaches the target at " + n2nReach + " examples, random_init at " + riReach);
        Double speedup = s.get("net2net").speedupVsRandomInit();
        if (n2nReach == 0) {
            assertNull(speedup, "reached before training (0 examples): no speed-up, got " + speedup);
        } else {
            assertTrue(speedup >= 1.0, "speed-up " + speedup + " < 1 for a curve never below random_init's");
        }
    }
}
