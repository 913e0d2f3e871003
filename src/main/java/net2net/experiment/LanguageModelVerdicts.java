package net2net.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net2net.report.Statistics;

/**
 * The language-model experiment's statistics and decision rules (docs/lm-experiment.md), fixed
 * before any number: losses are validation bits per character, lower is better.
 */
public final class LanguageModelVerdicts {
    private LanguageModelVerdicts() {}

    /** "Comparable final": the mean paired difference arm - scratch at the largest budget within this, in bits per character. */
    public static final double COMPARABLE_BPC = 0.02;

    /** The rules in words, printed in the report before any number. */
    public static String rules() {
        return String.format(
                Locale.ROOT,
                "- **Targets**: scratch's mean final validation loss at each budget below the largest.%n"
                        + "- **Budget to reach a target**: the training MACs at which a curve of final losses against budgets first "
                        + "reaches the target (loss at or below it), interpolated linearly in log MACs between the budgets on either side; "
                        + "a target reached at the smallest budget gives that budget's MACs (no extrapolation), one never reached gives none. "
                        + "Speed-up = scratch's MACs / the arm's, per seed (each seed's own curves) and on the mean curves.%n"
                        + "- **Less compute** (per arm): the speed-up in MACs is above 1 in every seed for every target that the arm "
                        + "and scratch both reach (and at least one such pair exists).%n"
                        + "- **Comparable final** (per arm): the mean paired difference arm - scratch (same seed) in bits per character at "
                        + "the largest budget lies within +-%.2f.%n"
                        + "- **State helps**: grow_once's loss is below grow_once_reset's in every seed at the largest budget.%n"
                        + "- A rule that fails says **not reproduced**.%n",
                COMPARABLE_BPC);
    }

    /**
     * MACs needed to reach {@code target} on a curve of final losses: {@link Statistics#budgetToReach} on
     * the negated losses (reaching means loss &lt;= target), interpolated in log MACs.
     */
    public static Double macsToReach(double[] macs, double[] losses, double target) {
        double[] negated = new double[losses.length];
        for (int i = 0; i < losses.length; i++) {
            negated[i] = -losses[i];
        }
        return Statistics.budgetToReach(macs, negated, -target);
    }

    /** Scratch's mean final losses at every budget but the largest: the targets. */
    public static double[] targets(double[][] scratch) {
        double[] t = new double[scratch.length - 1];
        for (int i = 0; i < t.length; i++) {
            t[i] = Statistics.mean(scratch[i]);
        }
        return t;
    }

    /**
     * Speed-ups in MACs, {@code [target][seed]}: scratch's MACs to reach the target on seed s's curve
     * over the arm's on its own seed s's curve; null where either does not reach it.
     *
     * @param scratch {@code [budget][seed]} losses
     * @param arm the same for the arm
     */
    public static Double[][] speedups(
            double[] scratchMacs, double[][] scratch, double[] armMacs, double[][] arm, double[] targets) {
        int seeds = scratch[0].length;
        Double[][] out = new Double[targets.length][seeds];
        for (int t = 0; t < targets.length; t++) {
            for (int s = 0; s < seeds; s++) {
                Double a = macsToReach(scratchMacs, column(scratch, s), targets[t]);
                Double b = macsToReach(armMacs, column(arm, s), targets[t]);
                out[t][s] = a == null || b == null ? null : a / b;
            }
        }
        return out;
    }

    /** Speed-up on the mean curves, per target; null where either mean curve does not reach it. */
    public static Double[] meanSpeedups(
            double[] scratchMacs, double[][] scratch, double[] armMacs, double[][] arm, double[] targets) {
        Double[] out = new Double[targets.length];
        for (int t = 0; t < targets.length; t++) {
            Double a = macsToReach(scratchMacs, means(scratch), targets[t]);
            Double b = macsToReach(armMacs, means(arm), targets[t]);
            out[t] = a == null || b == null ? null : a / b;
        }
        return out;
    }

    /** "Less compute": every defined per-seed speed-up is above 1, and there is at least one. */
    public static boolean lessCompute(Double[][] speedups) {
        int defined = 0;
        for (Double[] row : speedups) {
            for (Double v : row) {
                if (v != null) {
                    defined++;
                    if (!(v > 1)) {
                        return false;
                    }
                }
            }
        }
        return defined > 0;
    }

    /** The mean paired difference arm - scratch at the largest budget, in the losses' unit. */
    public static double finalDifference(double[][] scratch, double[][] arm) {
        int last = scratch.length - 1;
        return Statistics.mean(Statistics.pairedDifferences(arm[last], scratch[last]));
    }

    /** "Comparable final": |mean paired difference at the largest budget| &lt;= {@link #COMPARABLE_BPC} (bits per character). */
    public static boolean comparableFinal(double[][] scratchBpc, double[][] armBpc) {
        return Math.abs(finalDifference(scratchBpc, armBpc)) <= COMPARABLE_BPC;
    }

    /** "State helps": kept-state loss below reset-state loss in every seed at the largest budget. */
    public static boolean stateHelps(double[][] kept, double[][] reset) {
        int last = kept.length - 1;
        for (int s = 0; s < kept[last].length; s++) {
            if (!(kept[last][s] < reset[last][s])) {
                return false;
            }
        }
        return kept[last].length > 0;
    }

    static double[] column(double[][] bySeed, int s) {
        double[] c = new double[bySeed.length];
        for (int i = 0; i < bySeed.length; i++) {
            c[i] = bySeed[i][s];
        }
        return c;
    }

    static double[] means(double[][] bySeed) {
        double[] m = new double[bySeed.length];
        for (int i = 0; i < bySeed.length; i++) {
            m[i] = Statistics.mean(bySeed[i]);
        }
        return m;
    }

    static List<Double> list(double[] xs) {
        List<Double> l = new ArrayList<>();
        for (double x : xs) {
            l.add(x);
        }
        return l;
    }
}
