package net2net.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

/** The protocol's statistics on hand-made curves and tables, with values worked out by hand. */
@Fast
class StatisticsTest {
    private static final double[] BUDGETS = {1, 2, 5, 10};

    @Test
    void meanAndSampleSdWithNullForOneSeed() {
        assertEquals(2.5, Statistics.mean(new double[] {1, 2, 3, 4}), 1e-12);
        // sqrt(((1.5^2 + 0.5^2) * 2) / 3) = sqrt(5 / 3)
        assertEquals(1.2909944487, Statistics.sampleSd(new double[] {1, 2, 3, 4}), 1e-9);
        assertNull(Statistics.sampleSd(new double[] {0.91}), "one seed has no spread to measure: null, not 0");
        assertEquals(0.0, Statistics.sampleSd(new double[] {0.9, 0.9}), 0);
    }

    @Test
    void pairedDifferencesPerSeed() {
        assertArrayEquals(
                new double[] {0.01, -0.02, 0.0},
                Statistics.pairedDifferences(new double[] {0.91, 0.90, 0.92}, new double[] {0.90, 0.92, 0.92}),
                1e-12);
    }

    @Test
    void budgetToReachInterpolatesInLogB() {
        double[] randomInit = {0.88, 0.90, 0.92, 0.93};
        // 0.91 lies half-way between B = 2 (0.90) and B = 5 (0.92): exp((log 2 + log 5) / 2) = sqrt(10)
        assertEquals(Math.sqrt(10), Statistics.budgetToReach(BUDGETS, randomInit, 0.91), 1e-12);
        // a quarter of the way from 5 to 10: 5 * 2^0.25
        assertEquals(5.9460355750, Statistics.budgetToReach(BUDGETS, randomInit, 0.9225), 1e-9);
        // exactly at a budget
        assertEquals(5.0, Statistics.budgetToReach(BUDGETS, randomInit, 0.92), 1e-12);
        assertNull(Statistics.budgetToReach(BUDGETS, randomInit, 0.931));
        double[] net2net = {0.925, 0.93, 0.932, 0.931};
        // reached at the smallest budget tried: that budget, no extrapolation below it
        assertEquals(1.0, Statistics.budgetToReach(BUDGETS, net2net, 0.91), 1e-12);
        // the first crossing counts even when a later budget dips again
        assertEquals(Math.sqrt(10), Statistics.budgetToReach(BUDGETS, net2net, 0.931), 1e-12);
        // the speed-up at target 0.91: random init's budget over Net2Net's
        assertEquals(
                3.1622776602,
                Statistics.budgetToReach(BUDGETS, randomInit, 0.91) / Statistics.budgetToReach(BUDGETS, net2net, 0.91),
                1e-9);
    }

    @Test
    void fasterAndComparable() {
        double[][] n2n = {{0.930, 0.931, 0.929}, {0.931, 0.932, 0.930}, {0.931, 0.932, 0.930}, {0.931, 0.932, 0.930}};
        double[][] ri = {{0.900, 0.905, 0.910}, {0.910, 0.915, 0.912}, {0.925, 0.926, 0.924}, {0.930, 0.933, 0.929}};
        Statistics.Verdict v = Statistics.verdict(BUDGETS, n2n, ri, 0.925);
        assertTrue(v.faster());
        assertEquals(1.0, v.fasterBudget());
        assertTrue(v.comparableFinal());
        assertEquals(0.001 / 3, v.finalMeanDifference(), 1e-12);
        assertFalse(v.text().contains("not reproduced"), v.text());
    }

    @Test
    void oneSeedBehindAtEveryHalfBudgetIsNotFaster() {
        // ahead at B = 10 in every seed, but that is more than half the largest budget
        double[][] n2n = {{0.93, 0.93, 0.90}, {0.94, 0.94, 0.91}, {0.94, 0.94, 0.91}, {0.94, 0.94, 0.94}};
        double[][] ri = {{0.90, 0.90, 0.91}, {0.91, 0.91, 0.92}, {0.92, 0.92, 0.92}, {0.935, 0.935, 0.935}};
        Statistics.Verdict v = Statistics.verdict(BUDGETS, n2n, ri, 0.92);
        assertFalse(v.faster());
        assertNull(v.fasterBudget());
        // final mean difference +0.5 pp: outside +-0.3 pp, so not comparable either (better is not "the same")
        assertFalse(v.comparableFinal());
        assertEquals(0.005, v.finalMeanDifference(), 1e-12);
        assertEquals(2, v.text().split("not reproduced", -1).length - 1, v.text());
    }

    @Test
    void aheadButNotAboveTheTeacherIsNotFaster() {
        // B = 5 counts (5 <= 10 / 2) but Net2Net's mean there is 0.9255 < teacher 0.925 + 0.001
        double[][] n2n = {{0.92, 0.92}, {0.922, 0.924}, {0.925, 0.926}, {0.93, 0.93}};
        double[][] ri = {{0.90, 0.90}, {0.91, 0.91}, {0.92, 0.92}, {0.928, 0.929}};
        Statistics.Verdict v = Statistics.verdict(BUDGETS, n2n, ri, 0.925);
        assertFalse(v.faster());
        // with a teacher 0.1 pp lower the same curves pass at B = 5, the largest budget allowed
        Statistics.Verdict w = Statistics.verdict(BUDGETS, n2n, ri, 0.924);
        assertTrue(w.faster());
        assertEquals(5.0, w.fasterBudget());
        assertTrue(w.comparableFinal()); // +0.15 pp
    }

    @Test
    void mcnemarOnAHandMadeTable() {
        // 10 test images: both right on 5, only the first right on 3, only the second on 1, both wrong on 1
        boolean[] first = {true, true, true, true, true, true, true, true, false, false};
        boolean[] second = {true, true, true, true, true, false, false, false, true, false};
        Statistics.McNemar m = Statistics.mcnemar(first, second);
        assertEquals(5, m.bothRight());
        assertEquals(3, m.onlyFirstRight());
        assertEquals(1, m.onlySecondRight());
        assertEquals(1, m.bothWrong());
        // n = 4 discordant, P(X <= 1) = (1 + 4) / 16, two-sided 10 / 16
        assertEquals(0.625, m.pValue(), 1e-12);
        // b = 10, c = 2: 2 (1 + 12 + 66) / 4096
        assertEquals(79.0 / 2048, Statistics.mcnemarExactP(10, 2), 1e-12);
        assertEquals(79.0 / 2048, Statistics.mcnemarExactP(2, 10), 1e-12);
        // b = 60, c = 40 (the chi-square approximation with continuity correction would give 0.0574)
        assertEquals(0.0568879336, Statistics.mcnemarExactP(60, 40), 1e-9);
        assertEquals(0.0365787455, Statistics.mcnemarExactP(300, 250), 1e-9);
        assertEquals(1.0, Statistics.mcnemarExactP(5, 5), 0);
        assertEquals(1.0, Statistics.mcnemarExactP(0, 0), 0);
        assertEquals(1.0 / 64, Statistics.mcnemarExactP(0, 7), 1e-15);
        // large n stays finite (0.5^20000 underflows a double)
        double p = Statistics.mcnemarExactP(10_200, 9_800);
        assertEquals(0.0047808895, p, 1e-9);
    }

    @Test
    void rulesArePrintable() {
        assertTrue(Statistics.rules().contains("0.1 pp"));
        assertTrue(Statistics.rules().contains("0.3 pp"));
    }
}
