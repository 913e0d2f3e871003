package net2net.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net2net.Net2NetException;

/**
 * How much compute a replication spends, and on what (docs/replication.md). Every run trains with
 * its own warmup-cosine schedule over its own budget; every method is trained fresh once for each
 * budget in {@code budgets}.
 *
 * @param trainLimit class-balanced training subset of the images left after the validation set (0: all of them)
 * @param testLimit class-balanced test subset (0: all 10,000 images)
 * @param validationImages the fixed validation set carved out of the 60,000 training images
 * @param budgets the budgets B of the sweep, in epochs, ascending
 * @param seeds seeds of the wider experiment (and the default of every other)
 * @param teacherEpochs the converged teacher's budget
 * @param earlyTeacherEpochs the early teacher's budget ("grow while training")
 * @param teacherLr the teachers' peak learning rate
 * @param gridBudget the budget (epochs) of the learning-rate grid's runs
 * @param lrGrid per method (random_init, net2net, random_pad), the rates tried at B = {@code gridBudget} with seed 0;
 *     the one with the best validation accuracy is used for every budget and seed. Empty: {@code fixedLr}
 * @param fixedLr per method, the rate used when the method has no grid
 * @param earlyTeacherSeeds seeds of the early teacher and of Net2Net from it
 * @param constantLrSeeds seeds of the {@code net2net_constant_lr} ablation arm (today's student: a constant
 *     rate of a tenth of the teacher's, no schedule); 0: no arm
 * @param evalEvery extra test evaluations every N batches in the first epoch of the largest-budget runs
 * @param seedEpochs epochs of the seed notebook experiment
 * @param deeperSeeds seeds of the deeper and design-space experiments
 * @param otherBudgets the budgets of every experiment but wider (deeper, design space and the two residual
 *     ones), ascending: a subset of {@code budgets}, to keep the full profile within its time
 * @param residualSeeds seeds of the residual experiments
 * @param residualTrainLimit class-balanced subset of the training images for the residual experiments; 0: the same
 * @param residualTestLimit the same for the test images
 * @param residualLrGrid per method (random_init, net2net), the rates tried for each residual experiment on its own
 *     architecture, at B = {@code gridBudget} with seed 0, judged on validation. Empty: the residual experiments use
 *     the rates chosen (or fixed) for the wider experiment
 * @param randomPadSeeds seeds of the random-pad control arm, never more than {@code seeds}
 */
public record Profile(
        String name,
        int trainLimit,
        int testLimit,
        int validationImages,
        List<Integer> budgets,
        int seeds,
        int teacherEpochs,
        int earlyTeacherEpochs,
        double teacherLr,
        int gridBudget,
        Map<String, List<Double>> lrGrid,
        Map<String, Double> fixedLr,
        int earlyTeacherSeeds,
        int constantLrSeeds,
        int batch,
        int evalEvery,
        int seedEpochs,
        int deeperSeeds,
        List<Integer> otherBudgets,
        int residualSeeds,
        int residualTrainLimit,
        int residualTestLimit,
        Map<String, List<Double>> residualLrGrid,
        int randomPadSeeds) {

    /** The methods whose rate is chosen (or fixed) per profile. */
    public static final List<String> TUNED = List.of("random_init", "net2net", "random_pad");

    /** The methods of the residual experiments, whose rate a profile may choose per experiment. */
    public static final List<String> RESIDUAL_TUNED = List.of("random_init", "net2net");

    public Profile {
        budgets = List.copyOf(budgets);
        otherBudgets = List.copyOf(otherBudgets);
        if (!budgets.containsAll(otherBudgets)) {
            throw new IllegalArgumentException("other experiments' budgets " + otherBudgets + " not among " + budgets);
        }
        lrGrid = Map.copyOf(lrGrid);
        fixedLr = Map.copyOf(fixedLr);
        residualLrGrid = Map.copyOf(residualLrGrid);
    }

    public static Profile named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            // a smoke check within 3 minutes on 2 cores: 2,000 training images, a tenth of full's 5,000
            // validation images
            case "quick" ->
                new Profile(
                        "quick",
                        2000,
                        2000,
                        500,
                        List.of(1, 2),
                        1,
                        3,
                        1,
                        0.05,
                        2,
                        Map.of(),
                        rates(0.05, 0.02, 0.02),
                        1,
                        0,
                        128,
                        8,
                        30,
                        1,
                        List.of(1, 2),
                        1,
                        400,
                        500,
                        Map.of(),
                        1);
            case "full" ->
                new Profile(
                        "full",
                        0,
                        0,
                        5000,
                        List.of(1, 2, 5, 10),
                        3,
                        10,
                        3,
                        0.05,
                        2,
                        Map.of(
                                "random_init",
                                List.of(0.02, 0.05, 0.1),
                                "net2net",
                                List.of(0.005, 0.01, 0.02, 0.05),
                                "random_pad",
                                List.of(0.005, 0.01, 0.02, 0.05)),
                        rates(0.05, 0.02, 0.02),
                        1,
                        1,
                        128,
                        40,
                        30,
                        1,
                        List.of(1, 2, 5),
                        1,
                        5000,
                        5000,
                        Map.of(
                                "random_init",
                                List.of(0.01, 0.02, 0.05, 0.1),
                                "net2net",
                                List.of(0.005, 0.01, 0.02, 0.05)),
                        1);
            // for tests: seconds, with a small grid and the ablation arm so that every path runs
            case "tiny" ->
                new Profile(
                        "tiny",
                        200,
                        100,
                        100,
                        List.of(1, 2),
                        2,
                        2,
                        1,
                        0.05,
                        1,
                        Map.of("random_init", List.of(0.05, 0.1), "net2net", List.of(0.02, 0.05)),
                        // random init's and Net2Net's fixed rates lie outside their grids: used only for the
                        // first ETA before the grid decides, and ReplicateTest checks that a recorded grid
                        // replaces them there
                        rates(0.03, 0.03, 0.02),
                        1,
                        1,
                        50,
                        2,
                        3,
                        1,
                        List.of(1),
                        1,
                        60,
                        50,
                        Map.of("random_init", List.of(0.02, 0.05)),
                        1);
            default -> throw new Net2NetException("unknown profile '" + name + "'; use quick or full");
        };
    }

    private static Map<String, Double> rates(double randomInit, double net2net, double randomPad) {
        return Map.of("random_init", randomInit, "net2net", net2net, "random_pad", randomPad);
    }

    /** The largest budget of the sweep. */
    public int largestBudget() {
        return budgets.get(budgets.size() - 1);
    }

    /** The budgets of an experiment's sweep: wider's are {@code budgets}, every other's {@code otherBudgets}. */
    public List<Integer> budgetsOf(String experiment) {
        return Set.of(Replication.DEEPER, Replication.DESIGN, Replication.RESIDUAL_WIDER, Replication.RESIDUAL_DEEPER)
                        .contains(experiment)
                ? otherBudgets
                : budgets;
    }

    public int largestBudgetOf(String experiment) {
        List<Integer> b = budgetsOf(experiment);
        return b.get(b.size() - 1);
    }

    /** The constant rate of the ablation arm: a tenth of the teacher's, as the paper and the old protocol. */
    public double constantLr() {
        return teacherLr / 10;
    }

    /**
     * Command-line overrides: the teachers' rate, a fixed student rate for Net2Net and random pad (no
     * grid for them, in any experiment), and the number of seeds (the deeper, design-space and residual experiments keep
     * their own smaller count, never more than this).
     */
    public Profile with(Double teacher, Double student, Integer seedCount) {
        Map<String, List<Double>> grid = new LinkedHashMap<>(lrGrid);
        Map<String, Double> fixed = new LinkedHashMap<>(fixedLr);
        Map<String, List<Double>> residualGrid = new LinkedHashMap<>(residualLrGrid);
        if (student != null) {
            residualGrid.remove("net2net");
            grid.remove("net2net");
            grid.remove("random_pad");
            fixed.put("net2net", student);
            fixed.put("random_pad", student);
        }
        int s = seedCount == null ? seeds : seedCount;
        return new Profile(
                name,
                trainLimit,
                testLimit,
                validationImages,
                budgets,
                s,
                teacherEpochs,
                earlyTeacherEpochs,
                teacher == null ? teacherLr : teacher,
                gridBudget,
                grid,
                fixed,
                Math.min(earlyTeacherSeeds, s),
                Math.min(constantLrSeeds, s),
                batch,
                evalEvery,
                seedEpochs,
                Math.min(deeperSeeds, s),
                otherBudgets,
                Math.min(residualSeeds, s),
                residualTrainLimit,
                residualTestLimit,
                residualGrid,
                Math.min(randomPadSeeds, s));
    }

    public String describe() {
        String rates = TUNED.stream()
                .map(m -> m + " "
                        + (lrGrid.containsKey(m)
                                ? "chosen on validation from " + lrGrid.get(m) + " at B = " + gridBudget + ", seed 0"
                                : "fixed at " + fixedLr.get(m)))
                .collect(Collectors.joining("; "));
        return String.format(
                Locale.ROOT,
                "%s: %s training images, %,d validation images carved out of the training set, %s test images; "
                        + "budgets %s epochs (the other experiments %s), each a fresh run with warmup-cosine; seeds %d (random pad %d, Net2Net from the early teacher %d, deeper and design space %d, residual %d); "
                        + "teachers %d (converged) and %d (early) epochs at lr %s; rates: %s; %sbatch %d; "
                        + "residual experiments on %s training and %s test images, %s",
                name,
                trainLimit == 0 ? "all 55,000" : String.format(Locale.ROOT, "%,d", trainLimit),
                validationImages,
                testLimit == 0 ? "all 10,000" : String.format(Locale.ROOT, "%,d", testLimit),
                budgets,
                otherBudgets,
                seeds,
                randomPadSeeds,
                earlyTeacherSeeds,
                deeperSeeds,
                residualSeeds,
                teacherEpochs,
                earlyTeacherEpochs,
                teacherLr,
                rates,
                constantLrSeeds > 0
                        ? "ablation net2net_constant_lr at lr " + constantLr() + " on " + constantLrSeeds + " seed(s); "
                        : "",
                batch,
                residualTrainLimit == 0 ? "the same" : String.format(Locale.ROOT, "%,d", residualTrainLimit),
                residualTestLimit == 0 ? "the same" : String.format(Locale.ROOT, "%,d", residualTestLimit),
                residualLrGrid.isEmpty()
                        ? "at the wider experiment's rates"
                        : "each with its own rates, chosen on validation from " + new TreeMap<>(residualLrGrid)
                                + " at B = " + gridBudget + ", seed 0 (any other method: the wider experiment's rate)");
    }
}
