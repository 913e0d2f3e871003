package net2net.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The statistics of the replication protocol (docs/replication.md), in plain Java: means and sample
 * standard deviations over seeds, paired differences, the budget needed to reach a target accuracy,
 * the verdict rules and McNemar's test. The rules are fixed here, before any number is seen.
 */
public final class Statistics {
    private Statistics() {}

    /** "Faster" asks for a target this far above the teacher's accuracy: 0.1 percentage point. */
    public static final double ABOVE_TEACHER = 0.001;
    /** "Comparable final accuracy": the mean paired difference at the largest budget within this: 0.3 pp. */
    public static final double COMPARABLE = 0.003;

    public static double mean(double[] xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("the mean of no values");
        }
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s / xs.length;
    }

    /** The sample standard deviation (n - 1 in the denominator); null for fewer than two values, never 0 for one. */
    public static Double sampleSd(double[] xs) {
        if (xs.length < 2) {
            return null;
        }
        double m = mean(xs);
        double ss = 0;
        for (double x : xs) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (xs.length - 1));
    }

    /** {@code a[i] - b[i]}: per-seed differences of two methods trained with the same seed. */
    public static double[] pairedDifferences(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "paired values need as many seeds on each side: " + a.length + " and " + b.length);
        }
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    public static double min(double[] xs) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : xs) {
            m = Math.min(m, x);
        }
        return m;
    }

    public static double max(double[] xs) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : xs) {
            m = Math.max(m, x);
        }
        return m;
    }

    /**
     * The smallest budget at which a method's accuracy-at-budget curve reaches {@code target},
     * interpolated linearly in log B between the last budget below the target and the first at or
     * above it: log B = log B0 + (target - a0) / (a1 - a0) (log B1 - log B0). Each budget is a
     * separate run with its own schedule, so the curve is defined only at the budgets tried: a target
     * already reached at the smallest budget gives that budget (the true need may be lower; no
     * extrapolation), and a target never reached gives null.
     *
     * @param budgets ascending budgets, e.g. epochs
     * @param accuracies the mean accuracy at each budget
     */
    public static Double budgetToReach(double[] budgets, double[] accuracies, double target) {
        if (budgets.length != accuracies.length || budgets.length == 0) {
            throw new IllegalArgumentException("one accuracy per budget, at least one budget");
        }
        for (int i = 0; i < budgets.length; i++) {
            if (accuracies[i] >= target) {
                if (i == 0) {
                    return budgets[0];
                }
                double t = (target - accuracies[i - 1]) / (accuracies[i] - accuracies[i - 1]);
                return Math.exp(Math.log(budgets[i - 1]) + t * (Math.log(budgets[i]) - Math.log(budgets[i - 1])));
            }
        }
        return null;
    }

    /**
     * The two verdicts of an experiment.
     *
     * @param faster the "faster" rule holds
     * @param fasterBudget the smallest budget where it holds, or null
     * @param comparableFinal the "comparable final accuracy" rule holds
     * @param finalMeanDifference the mean paired difference Net2Net - random init at the largest budget
     */
    public record Verdict(
            boolean faster, Double fasterBudget, boolean comparableFinal, double finalMeanDifference, String text) {}

    /** The decision rules in words, printed in the report before any number. */
    public static String rules() {
        return String.format(
                Locale.ROOT,
                "- **Faster**: at some budget B no larger than half the largest budget, Net2Net's test accuracy is above random "
                        + "init's in every seed (the paired difference, same seed and data order, is > 0), and Net2Net's mean test "
                        + "accuracy at that B reaches a target above the teacher's accuracy (the teacher's mean final accuracy + %.1f pp).%n"
                        + "- **Comparable final accuracy**: the mean paired difference Net2Net - random init at the largest budget lies "
                        + "within +-%.1f pp.%n"
                        + "- When a rule fails, the verdict says **not reproduced**.%n",
                100 * ABOVE_TEACHER,
                100 * COMPARABLE);
    }

    /**
     * Applies the rules of {@link #rules()}.
     *
     * @param budgets ascending budgets
     * @param net2net {@code [budget][seed]} test accuracies
     * @param randomInit the same for random init, seeds paired with {@code net2net}'s
     * @param teacherAccuracy the teacher's mean final test accuracy
     */
    public static Verdict verdict(double[] budgets, double[][] net2net, double[][] randomInit, double teacherAccuracy) {
        double largest = budgets[budgets.length - 1];
        Double fasterAt = null;
        for (int b = 0; b < budgets.length && fasterAt == null; b++) {
            if (budgets[b] > largest / 2) {
                break;
            }
            double[] d = pairedDifferences(net2net[b], randomInit[b]);
            if (min(d) > 0 && mean(net2net[b]) >= teacherAccuracy + ABOVE_TEACHER) {
                fasterAt = budgets[b];
            }
        }
        double finalDiff = mean(pairedDifferences(net2net[budgets.length - 1], randomInit[budgets.length - 1]));
        boolean comparable = Math.abs(finalDiff) <= COMPARABLE;
        List<String> parts = new ArrayList<>();
        parts.add(
                fasterAt != null
                        ? String.format(
                                Locale.ROOT,
                                "Faster: reproduced (at B = %s, Net2Net is ahead of random init in every seed and above the teacher + %.1f pp)",
                                fmt(fasterAt),
                                100 * ABOVE_TEACHER)
                        : String.format(
                                Locale.ROOT,
                                "Faster: not reproduced (at no B <= %s is Net2Net ahead of random init in every seed while above the teacher + %.1f pp)",
                                fmt(largest / 2),
                                100 * ABOVE_TEACHER));
        parts.add(
                comparable
                        ? String.format(
                                Locale.ROOT,
                                "comparable final accuracy: reproduced (mean paired difference at B = %s is %+.2f pp, within +-%.1f pp)",
                                fmt(largest),
                                100 * finalDiff,
                                100 * COMPARABLE)
                        : String.format(
                                Locale.ROOT,
                                "comparable final accuracy: not reproduced (mean paired difference at B = %s is %+.2f pp, outside +-%.1f pp)",
                                fmt(largest),
                                100 * finalDiff,
                                100 * COMPARABLE));
        return new Verdict(fasterAt != null, fasterAt, comparable, finalDiff, String.join("; ", parts) + ".");
    }

    private static String fmt(double b) {
        return b == Math.rint(b) ? String.valueOf((long) b) : String.format(Locale.ROOT, "%.2g", b);
    }

    /**
     * McNemar's test on paired predictions of two classifiers on the same examples. Only the
     * discordant examples count: b (A right, B wrong) and c (A wrong, B right). Under the null
     * hypothesis that both err equally often, b ~ Binomial(b + c, 1/2); the p-value is the exact
     * two-sided binomial one, min(1, 2 P(X &lt;= min(b, c))), not the chi-square approximation.
     */
    public record McNemar(int bothRight, int onlyFirstRight, int onlySecondRight, int bothWrong, double pValue) {}

    public static McNemar mcnemar(boolean[] firstRight, boolean[] secondRight) {
        if (firstRight.length != secondRight.length) {
            throw new IllegalArgumentException("McNemar's test pairs predictions on the same examples: "
                    + firstRight.length + " and " + secondRight.length);
        }
        int both = 0;
        int b = 0;
        int c = 0;
        int none = 0;
        for (int i = 0; i < firstRight.length; i++) {
            if (firstRight[i] && secondRight[i]) {
                both++;
            } else if (firstRight[i]) {
                b++;
            } else if (secondRight[i]) {
                c++;
            } else {
                none++;
            }
        }
        return new McNemar(both, b, c, none, mcnemarExactP(b, c));
    }

    /** The exact two-sided p-value for b and c discordant pairs; sums in log space, so n may be large. */
    public static double mcnemarExactP(int b, int c) {
        int n = b + c;
        if (n == 0) {
            return 1;
        }
        int k = Math.min(b, c);
        double logC = 0; // log C(n, 0)
        double logHalfN = -n * Math.log(2);
        double maxLog = Double.NEGATIVE_INFINITY;
        double[] logs = new double[k + 1];
        for (int i = 0; i <= k; i++) {
            logs[i] = logC + logHalfN;
            maxLog = Math.max(maxLog, logs[i]);
            logC += Math.log(n - i) - Math.log(i + 1);
        }
        double sum = 0;
        for (double l : logs) {
            sum += Math.exp(l - maxLog);
        }
        return Math.min(1, 2 * Math.exp(maxLog + Math.log(sum)));
    }
}
