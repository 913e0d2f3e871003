package net2net.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import net2net.Net2NetException;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

@Fast
class SubsetsTest {

    /** {@code n} samples whose single feature is their index, labelled by {@code label[i]}. */
    static Dataset indexed(int[] labels, int numClasses) {
        float[] f = new float[labels.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = i;
        }
        return new Dataset("indexed", f, new int[] {1}, labels.length, labels, null, numClasses);
    }

    static Dataset roundRobin(int n) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        return indexed(labels, 10);
    }

    @Test
    void classBalancedWithTheRemainderOnTheFirstClasses() {
        Dataset d = roundRobin(1000);
        assertArrayEquals(
                new int[] {3, 3, 3, 3, 3, 2, 2, 2, 2, 2},
                Subsets.limit(d, 25, 1).classCounts());
        assertArrayEquals(
                new int[] {10, 10, 10, 10, 10, 10, 10, 10, 10, 10},
                Subsets.limit(d, 100, 1).classCounts());
        assertEquals(1000, distinct(Subsets.limit(d, 1000, 1)));
    }

    @Test
    void smallClassesPassTheirShortfallOn() {
        int[] labels = new int[100];
        for (int i = 1; i < 100; i++) {
            labels[i] = 1 + i % 9; // class 0 has only sample 0
        }
        Dataset s = Subsets.limit(indexed(labels, 10), 20, 5);
        assertArrayEquals(new int[] {1, 3, 2, 2, 2, 2, 2, 2, 2, 2}, s.classCounts());
        assertEquals(20, distinct(s));
    }

    @Test
    void deterministicPerSeedAndDifferentAcrossSeeds() {
        Dataset d = roundRobin(1000);
        assertArrayEquals(
                Subsets.limit(d, 50, 9).features(), Subsets.limit(d, 50, 9).features());
        assertFalse(Arrays.equals(
                Subsets.limit(d, 50, 9).features(), Subsets.limit(d, 50, 10).features()));
    }

    @Test
    void limitIsShuffledTestLimitKeepsOrder() {
        Dataset d = roundRobin(1000);
        float[] train = Subsets.limit(d, 100, 3).features();
        float[] sorted = train.clone();
        Arrays.sort(sorted);
        assertFalse(Arrays.equals(sorted, train), "limit should shuffle");
        float[] test = Subsets.testLimit(d, 100, 3).features();
        float[] testSorted = test.clone();
        Arrays.sort(testSorted);
        assertArrayEquals(testSorted, test);
        assertArrayEquals(sorted, testSorted, "same seed, same selection");
        assertArrayEquals(
                new int[] {10, 10, 10, 10, 10, 10, 10, 10, 10, 10},
                Subsets.testLimit(d, 100, 3).classCounts());
    }

    @Test
    void regressionSetsGetASeededSample() {
        float[] f = new float[50];
        for (int i = 0; i < 50; i++) {
            f[i] = i;
        }
        Dataset r = new Dataset("r", f, new int[] {1}, 50, null, f.clone(), 0);
        Dataset s = Subsets.limit(r, 20, 4);
        assertEquals(20, distinct(s));
        assertArrayEquals(s.features(), s.targets(), "features and targets must stay paired");
        assertArrayEquals(s.features(), Subsets.limit(r, 20, 4).features());
    }

    @Test
    void outOfRangeLimitsAreErrors() {
        Dataset d = roundRobin(30);
        for (int n : new int[] {0, -1, 31}) {
            Net2NetException e = assertThrows(Net2NetException.class, () -> Subsets.limit(d, n, 1));
            assertTrue(e.getMessage().startsWith("limit " + n + " is outside 1..30"), e.getMessage());
        }
    }

    /** Number of distinct samples (features are sample indices). */
    static int distinct(Dataset d) {
        return (int) IntStream.range(0, d.size())
                .map(i -> (int) d.features()[i])
                .distinct()
                .count();
    }
}
