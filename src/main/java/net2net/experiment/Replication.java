package net2net.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import net2net.data.Dataset;
import net2net.data.FashionMnist;
import net2net.data.Splits;
import net2net.data.Subsets;
import net2net.data.ValidationSplit;
import net2net.nn.DjlNetwork;
import net2net.nn.Initialization;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.report.CurvePoint;
import net2net.spec.Architecture;
import net2net.spec.Presets;
import net2net.train.Checkpoint;
import net2net.train.EpochMetrics;
import net2net.train.Evaluation;
import net2net.train.Progress;
import net2net.train.Schedule;
import net2net.train.TrainConfig;
import net2net.train.Trainer;
import net2net.transform.Net2DeeperNet;
import net2net.transform.Net2WiderNet;
import net2net.transform.RandomPad;

/**
 * The paper's experiments on Fashion-MNIST (section 3), at CPU scale, under the protocol of
 * docs/replication.md:
 * <ul>
 *   <li>wider: a fashionnet at width sqrt(0.3) (18, 35, 70), trained to convergence and, separately,
 *       for an early budget; grown to full width (32, 64, 128) by Net2WiderNet from each; against random
 *       pad (from the converged teacher) and random init of the full-width net;</li>
 *   <li>deeper: the full-width fashionnet (random init at the largest budget, converged) grown by an
 *       identity conv+batchnorm+relu after relu2 (14x14, after the first pool) and an identity
 *       dense+relu after relu3, against random init of that deeper net;</li>
 *   <li>design_space: the sqrt(0.3) teacher grown to the wider and deeper net in one go, against the
 *       same net from scratch (the deeper experiment's random init);</li>
 *   <li>residual_wider and residual_deeper: a fashionresnet at width sqrt(0.3) grown to full width,
 *       and grown by an identity residual block after each block, against random init; on the
 *       profile's residual subsets.</li>
 * </ul>
 * Every method is trained fresh for every budget B of the sweep, with its own warmup-cosine
 * schedule over B epochs; all methods of one seed see the same batches (the batch order depends
 * only on the seed and the epoch). Learning rates come from a grid judged on the validation set
 * (or are fixed by the profile). Every run is a checkpoint directory
 * {@code out/runs/<name>/lr<rate>/B<b>/seed<s>}, so an interrupted replication resumes run by run,
 * and a run a later step needs again (the grid's run at the chosen rate, a teacher) is read back,
 * not trained twice.
 */
public final class Replication {
    private Replication() {}

    public record Config(Profile profile, int seeds, Path out, boolean resume, Path dataDir, Consumer<String> log) {}

    /** The training images (validation set removed), the test images and the validation set. */
    public record Data(Splits splits, Dataset validation) {}

    static final String WIDER = "wider";
    static final String DEEPER = "deeper";
    static final String DESIGN = "design_space";
    static final String RESIDUAL_WIDER = "residual_wider";
    static final String RESIDUAL_DEEPER = "residual_deeper";
    static final List<String> EXPERIMENTS = List.of(WIDER, DEEPER, DESIGN, RESIDUAL_WIDER, RESIDUAL_DEEPER);
    static final List<String> RESIDUAL_EXPERIMENTS = List.of(RESIDUAL_WIDER, RESIDUAL_DEEPER);

    static final String TEACHER = "teacher";
    static final String TEACHER_EARLY = "teacher_early";
    static final String NET2NET = "net2net";
    static final String NET2NET_EARLY = "net2net_early_teacher";
    static final String RANDOM_PAD = "random_pad";
    static final String RANDOM_INIT = "random_init";
    static final String CONSTANT_LR = "net2net_constant_lr";

    /**
     * One finished training run.
     *
     * @param name the run's family, e.g. {@code wider/net2net}
     * @param seconds the run's training wall time (evaluations excluded), summed over invocations
     * @param forwardMacs forward multiply-accumulates per example of the trained architecture
     * @param validationAccuracy accuracy on the validation set (grid runs only), else null
     * @param testCorrect per test image, whether the final network classifies it right (largest budget only), else null
     * @param thisInvocation trained from start to end by this invocation (its wall time is comparable to the others')
     */
    public record Run(
            String name,
            int budget,
            int seed,
            double lr,
            Schedule schedule,
            List<EpochMetrics> metrics,
            long examples,
            double seconds,
            long forwardMacs,
            Double validationAccuracy,
            boolean[] testCorrect,
            boolean thisInvocation) {
        public double testAccuracy() {
            return metrics.get(metrics.size() - 1).testAccuracy();
        }

        /** Training cost: examples x 3 x forward MACs (docs/replication.md). */
        public double trainMacs() {
            return (double) examples * Architecture.TRAINING_MACS_PER_FORWARD_MAC * forwardMacs;
        }
    }

    /**
     * One experiment: its methods (each the name of a run family), the teacher family and budget, its seeds.
     *
     * @param methods method key to run family, in table order; the teacher is not among them
     * @param teacherRun the teacher's run family, trained for {@code teacherBudget} epochs
     * @param budgets the budgets of its sweep, ascending
     * @param trainImages training images of each epoch
     */
    public record Experiment(
            String name,
            Map<String, String> methods,
            String teacherRun,
            int teacherBudget,
            List<Integer> seeds,
            List<Integer> budgets,
            int trainImages) {
        public int largestBudget() {
            return budgets.get(budgets.size() - 1);
        }
    }

    /**
     * Everything a replication measured.
     *
     * @param runs every run by {@link #key}
     * @param grid per tuned method, rate to validation accuracy (empty for a fixed rate)
     * @param rates the rate each method trained with
     * @param edgeChecks per grid whose rate was chosen at its edge, the step beyond it (not used for the choice)
     * @param seconds wall time of this invocation
     * @param resumedRuns runs an earlier invocation had finished or begun
     */
    public record Result(
            Profile profile,
            Map<String, Run> runs,
            Map<String, Map<Double, Double>> grid,
            Map<String, Double> rates,
            Map<String, EdgeCheck> edgeChecks,
            List<Experiment> experiments,
            int validationImages,
            double seconds,
            int resumedRuns) {
        public Run run(String name, int budget, int seed) {
            Run r = runs.get(key(name, budget, seed));
            if (r == null) {
                throw new IllegalStateException("no run " + key(name, budget, seed));
            }
            return r;
        }
    }

    /**
     * A grid's rate chosen at its smallest or largest rate, tried one step beyond (half or twice it) after the
     * choice. The choice stands, as the rule was fixed before the numbers; a step beyond that scores higher says
     * the grid may have missed a better rate.
     */
    public record EdgeCheck(double chosen, double chosenAccuracy, double beyond, double beyondAccuracy) {
        public boolean beyondScoresHigher() {
            return beyondAccuracy > chosenAccuracy;
        }
    }

    /** Half the chosen rate if it is its grid's smallest, twice it if the largest; empty inside or for one rate. */
    static Optional<Double> beyondEdge(Collection<Double> grid, double chosen) {
        if (grid.size() < 2) {
            return Optional.empty();
        }
        double min = Collections.min(grid);
        double max = Collections.max(grid);
        return chosen == min ? Optional.of(chosen / 2) : chosen == max ? Optional.of(chosen * 2) : Optional.empty();
    }

    static String key(String name, int budget, int seed) {
        return name + "/B" + budget + "/seed" + seed;
    }

    /** Loads Fashion-MNIST, carves out the validation set and takes the profile's class-balanced subsets. */
    public static Data data(Profile p, Path dataDir) {
        Splits all = FashionMnist.load(dataDir);
        ValidationSplit v = ValidationSplit.carve(all.train(), p.validationImages());
        Dataset train = p.trainLimit() > 0 ? Subsets.limit(v.train(), p.trainLimit(), 0) : v.train();
        Dataset test = p.testLimit() > 0 ? Subsets.testLimit(all.test(), p.testLimit(), 0) : all.test();
        return new Data(new Splits(train, test), v.validation());
    }

    public static Result run(Config c, Data data) {
        long start = System.nanoTime();
        Plan plan = new Plan(c, data);
        Profile p = c.profile();

        // 1. the learning-rate grid: B = gridBudget, seed 0, judged on validation. Per family: each tuned method of
        // the wider experiment (empty for a fixed rate), then each residual experiment's "e/m" that has a grid of
        // its own (their nets are not the fashionnet, and a rate chosen for one need not suit the other)
        Map<String, List<Spec>> grids = new LinkedHashMap<>();
        for (String m : Profile.TUNED) {
            grids.put(m, gridSpecs(plan, p, m, p.lrGrid().getOrDefault(m, List.of())));
        }
        for (String e : RESIDUAL_EXPERIMENTS) {
            for (String m : Profile.RESIDUAL_TUNED) {
                List<Double> lrs = p.residualLrGrid().getOrDefault(m, List.of());
                if (!lrs.isEmpty()) {
                    grids.put(e + "/" + m, gridSpecs(plan, p, e + "/" + m, lrs));
                }
            }
        }
        // the sweep's size for the ETA before the grid decides: the fixed rates, or the choice of a grid already
        // recorded (a resumed run), so that the first ETA counts the sweep that will train
        Map<String, Double> provisional = new LinkedHashMap<>(p.fixedLr());
        grids.forEach((family, specs) -> recordedChoice(plan, specs).ifPresent(lr -> provisional.put(family, lr)));
        List<Spec> teachers = plan.teachers();
        List<Spec> gridRuns = grids.values().stream().flatMap(List::stream).toList();
        plan.schedule(concat(teachers, gridRuns), plan.sweep(provisional));
        plan.execute(teachers);
        Map<String, Map<Double, Double>> grid = new LinkedHashMap<>();
        Map<String, Double> rates = new LinkedHashMap<>();
        grids.forEach((family, specs) -> {
            Map<Double, Double> scores = validationByRate(plan, specs);
            grid.put(family, scores);
            rates.put(family, scores.isEmpty() ? p.fixedLr().get(family) : best(scores));
            logChoice(c, family, rates.get(family), scores);
        });
        rates.put(NET2NET_EARLY, rates.get(NET2NET));
        rates.put(CONSTANT_LR, p.constantLr());
        rates.put(TEACHER, p.teacherLr());

        // 2. the edge check: a rate chosen at its grid's edge against one step beyond, on validation
        Map<String, Spec> beyond = new LinkedHashMap<>();
        grid.forEach((family, scores) -> beyondEdge(scores.keySet(), rates.get(family))
                .ifPresent(lr -> beyond.put(family, gridSpec(plan, p, family, lr))));
        List<Spec> sweep = plan.sweep(rates);
        plan.schedule(List.copyOf(beyond.values()), sweep);
        Map<String, EdgeCheck> edgeChecks = new LinkedHashMap<>();
        beyond.forEach((family, spec) -> {
            double chosen = rates.get(family);
            EdgeCheck e = new EdgeCheck(
                    chosen,
                    grid.get(family).get(chosen),
                    spec.lr(),
                    plan.execute(spec).validationAccuracy());
            edgeChecks.put(family, e);
            c.log()
                    .accept(String.format(
                            Locale.ROOT,
                            "replicate: %s edge check: %s at %s against the chosen %s at %s%s",
                            family,
                            rate(e.beyond()),
                            e.beyondAccuracy(),
                            rate(chosen),
                            e.chosenAccuracy(),
                            e.beyondScoresHigher() ? " (higher: the grid may have missed a better rate)" : ""));
        });

        // 3. the sweep, with the chosen rates
        plan.execute(sweep);
        plan.close();
        if (plan.firstPrediction > 0) {
            c.log()
                    .accept(String.format(
                            Locale.ROOT,
                            "replicate: the runs took %s; before the first, the ETA predicted %s",
                            duration((System.nanoTime() - plan.firstPredictionNanos) / 1e9),
                            duration(plan.firstPrediction)));
        }
        return new Result(
                p,
                plan.results,
                grid,
                rates,
                edgeChecks,
                plan.experiments(),
                data.validation().size(),
                (System.nanoTime() - start) / 1e9,
                plan.resumedRuns);
    }

    /** Trains (or reads back) a grid's runs: rate to validation accuracy, in grid order. */
    private static Map<Double, Double> validationByRate(Plan plan, List<Spec> grid) {
        Map<Double, Double> scores = new LinkedHashMap<>();
        for (Spec s : grid) {
            scores.put(s.lr(), plan.execute(s).validationAccuracy());
        }
        return scores;
    }

    /** A grid run of {@code family}: a tuned method of the wider experiment, or a residual experiment's "e/m". */
    private static Spec gridSpec(Plan plan, Profile p, String family, double lr) {
        int slash = family.indexOf('/');
        return (slash < 0
                        ? plan.wider(family, p.gridBudget(), 0, lr)
                        : plan.residual(family.substring(0, slash), family.substring(slash + 1), p.gridBudget(), 0, lr))
                .asGrid();
    }

    private static List<Spec> gridSpecs(Plan plan, Profile p, String family, List<Double> lrs) {
        return lrs.stream().map(lr -> gridSpec(plan, p, family, lr)).toList();
    }

    /** The rate a grid picks, if every one of its runs is recorded. */
    private static Optional<Double> recordedChoice(Plan plan, List<Spec> grid) {
        Map<Double, Double> scores = new LinkedHashMap<>();
        for (Spec s : grid) {
            Run r = plan.recorded(s);
            if (r == null) {
                return Optional.empty();
            }
            scores.put(s.lr(), r.validationAccuracy());
        }
        return scores.isEmpty() ? Optional.empty() : Optional.of(best(scores));
    }

    private static void logChoice(Config c, String what, double rate, Map<Double, Double> scores) {
        if (!scores.isEmpty()) {
            c.log()
                    .accept(String.format(
                            Locale.ROOT,
                            "replicate: %s rate %s (validation accuracy by rate: %s)",
                            what,
                            rate,
                            scores));
        }
    }

    /** The rate with the best validation accuracy; a tie goes to the smaller rate, listed first. */
    static double best(Map<Double, Double> scores) {
        return scores.entrySet().stream()
                .reduce((a, b) -> b.getValue() > a.getValue() ? b : a)
                .orElseThrow()
                .getKey();
    }

    private static List<Spec> concat(List<Spec> a, List<Spec> b) {
        List<Spec> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * One planned training run.
     *
     * @param method the tuned method whose rate it uses (for grid runs), or its own key
     * @param residual trains on the residual subsets
     * @param fine also evaluates during the first epoch and before training (the learning-curve figure)
     * @param predictions keeps per-image test correctness (McNemar's test)
     * @param validation measures validation accuracy (the grid)
     */
    record Spec(
            String name,
            String method,
            int budget,
            int seed,
            double lr,
            Schedule schedule,
            boolean residual,
            Architecture arch,
            Supplier<Network> make,
            boolean fine,
            boolean predictions,
            boolean validation) {
        long forwardMacs() {
            return arch.forwardMacsPerExample();
        }

        String key() {
            return Replication.key(name, budget, seed);
        }

        Path dir(Path out) {
            return out.resolve("runs")
                    .resolve(name)
                    .resolve("lr" + rate(lr))
                    .resolve("B" + budget)
                    .resolve("seed" + seed);
        }

        /** Whether a finished run holds every evaluation this spec needs. */
        boolean satisfiedBy(Run r) {
            return (!predictions || r.testCorrect() != null) && (!validation || r.validationAccuracy() != null);
        }

        Spec asGrid() {
            return new Spec(name, method, budget, seed, lr, schedule, residual, arch, make, fine, predictions, true);
        }
    }

    static String rate(double lr) {
        String s = String.format(Locale.ROOT, "%.6f", lr).replaceAll("0+$", "");
        return s.endsWith(".") ? s + "0" : s;
    }

    /** The runs of a replication: how to build each network, where it lives, progress and ETA. */
    static final class Plan implements AutoCloseable {
        final Config config;
        final Profile p;
        final Splits data;
        final Splits residualData;
        final Dataset validation;
        final NDManager manager = NDManager.newBaseManager();
        final NDArray statsBatch;
        final Map<String, Run> results = new LinkedHashMap<>();
        final Map<Path, Run> byDir = new LinkedHashMap<>();
        final Architecture small = Presets.get("fashionnet", Presets.PAPER_TEACHER_WIDTH);
        final Architecture full = Presets.get("fashionnet", 1);
        final Architecture deeperArch;
        final Architecture smallRes = Presets.get("fashionresnet", Presets.PAPER_TEACHER_WIDTH);
        final Architecture fullRes = Presets.get("fashionresnet", 1);
        final Architecture deeperRes;
        final long startNanos = System.nanoTime();
        int resumedRuns;
        int started;
        int total;
        // the ETA (Eta): each architecture's speed, timed once; seconds predicted and measured
        final Map<Architecture, Eta.Speed> speeds = new HashMap<>();
        double predictedLeft; // predicted seconds of the work left when the current stage was planned
        double firstPrediction; // predictedLeft of the first stage, after the calibration
        long firstPredictionNanos;
        double predictedDoneStage; // of that, the runs finished since
        double predictedDone; // every run this invocation finished: predicted seconds ...
        double measuredDone; // ... and the wall seconds they took
        long runStart; // the run in progress: its clock and the epoch it started from
        int runFirstEpoch;

        Plan(Config config, Data d) {
            this.config = config;
            this.p = config.profile();
            this.data = d.splits();
            this.validation = d.validation();
            Dataset rTrain = p.residualTrainLimit() > 0
                            && p.residualTrainLimit() < data.train().size()
                    ? Subsets.limit(data.train(), p.residualTrainLimit(), 0)
                    : data.train();
            Dataset rTest = p.residualTestLimit() > 0
                            && p.residualTestLimit() < data.test().size()
                    ? Subsets.testLimit(data.test(), p.residualTestLimit(), 0)
                    : data.test();
            residualData = new Splits(rTrain, rTest);
            statsBatch = Evaluation.Inputs.firstFeatures(
                    manager, data.train(), Math.min(512, data.train().size()));
            try (Network probe = init(full, 0);
                    Network deeper = deepen(probe, statsBatch)) {
                deeperArch = deeper.architecture();
            }
            try (Network probe = init(smallRes, 0);
                    Network deeper = deepenResidual(probe, 0)) {
                deeperRes = deeper.architecture();
            }
        }

        List<Integer> seeds(int n) {
            List<Integer> s = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                s.add(i);
            }
            return s;
        }

        /**
         * A student's run; its family names its experiment ({@code deeper/net2net}). At the experiment's largest
         * budget it is also evaluated inside its first epoch (the learning-curve figure) and keeps its per-image
         * test predictions (McNemar's test).
         */
        Spec spec(
                String name,
                String method,
                int budget,
                int seed,
                double lr,
                Schedule schedule,
                boolean residual,
                Architecture arch,
                Supplier<Network> make) {
            String experiment = name.substring(0, name.indexOf('/'));
            if (!EXPERIMENTS.contains(experiment)) {
                throw new IllegalArgumentException("not a student of an experiment: " + name);
            }
            boolean largest = budget == p.largestBudgetOf(experiment);
            return new Spec(name, method, budget, seed, lr, schedule, residual, arch, make, largest, largest, false);
        }

        Spec teacher(String name, String method, int epochs, int seed, boolean residual) {
            Architecture a = residual ? smallRes : small;
            // a teacher's learning curve is drawn (fine); McNemar's test compares students only (no predictions)
            return new Spec(
                    name,
                    method,
                    epochs,
                    seed,
                    p.teacherLr(),
                    Schedule.WARMUP_COSINE,
                    residual,
                    a,
                    () -> init(a, seed),
                    true,
                    false,
                    false);
        }

        /** The converged and early sqrt(0.3) fashionnets, and the sqrt(0.3) fashionresnet, for every seed that needs them. */
        List<Spec> teachers() {
            List<Spec> t = new ArrayList<>();
            for (int seed = 0; seed < config.seeds(); seed++) {
                t.add(teacher(WIDER + "/" + TEACHER, TEACHER, p.teacherEpochs(), seed, false));
                if (seed < p.earlyTeacherSeeds()) {
                    t.add(teacher(WIDER + "/" + TEACHER_EARLY, TEACHER_EARLY, p.earlyTeacherEpochs(), seed, false));
                }
            }
            for (int seed = 0; seed < p.residualSeeds(); seed++) {
                t.add(teacher("residual/" + TEACHER, TEACHER, p.teacherEpochs(), seed, true));
            }
            return t;
        }

        /** A network read back from a finished run. */
        Network load(String name, double lr, int budget, int seed) {
            Path dir = config.out()
                    .resolve("runs")
                    .resolve(name)
                    .resolve("lr" + rate(lr))
                    .resolve("B" + budget)
                    .resolve("seed" + seed);
            return Trainer.load(dir).network();
        }

        Network smallTeacher(int seed) {
            return load(WIDER + "/" + TEACHER, p.teacherLr(), p.teacherEpochs(), seed);
        }

        static final Map<String, Integer> WIDTHS = Map.of("conv1", 32, "conv2", 64, "fc1", 128);

        /** A wider-experiment run of a tuned method. */
        Spec wider(String method, int budget, int seed, double lr) {
            return switch (method) {
                case NET2NET ->
                    spec(WIDER + "/" + NET2NET, NET2NET, budget, seed, lr, Schedule.WARMUP_COSINE, false, full, () -> {
                        try (Network t = smallTeacher(seed)) {
                            return Net2WiderNet.widen(t, WIDTHS, Net2WiderNet.Options.defaults(seed));
                        }
                    });
                case RANDOM_PAD ->
                    spec(
                            WIDER + "/" + RANDOM_PAD,
                            RANDOM_PAD,
                            budget,
                            seed,
                            lr,
                            Schedule.WARMUP_COSINE,
                            false,
                            full,
                            () -> {
                                try (Network t = smallTeacher(seed)) {
                                    return pad(t, WIDTHS, seed);
                                }
                            });
                case RANDOM_INIT ->
                    spec(
                            WIDER + "/" + RANDOM_INIT,
                            RANDOM_INIT,
                            budget,
                            seed,
                            lr,
                            Schedule.WARMUP_COSINE,
                            false,
                            full,
                            () -> init(full, seed + 1000));
                default -> throw new IllegalArgumentException(method);
            };
        }

        /** Every run of the sweep in the order it trains: teachers before their students. */
        List<Spec> sweep(Map<String, Double> rates) {
            List<Spec> s = new ArrayList<>();
            double n2n = rates.get(NET2NET);
            double ri = rates.get(RANDOM_INIT);
            for (int seed = 0; seed < config.seeds(); seed++) {
                final int sd = seed;
                for (int b : p.budgets()) {
                    s.add(wider(RANDOM_INIT, b, seed, ri));
                    s.add(wider(NET2NET, b, seed, n2n));
                    if (seed < p.earlyTeacherSeeds()) {
                        s.add(spec(
                                WIDER + "/" + NET2NET_EARLY,
                                NET2NET_EARLY,
                                b,
                                seed,
                                n2n,
                                Schedule.WARMUP_COSINE,
                                false,
                                full,
                                () -> {
                                    try (Network t = load(
                                            WIDER + "/" + TEACHER_EARLY, p.teacherLr(), p.earlyTeacherEpochs(), sd)) {
                                        return Net2WiderNet.widen(t, WIDTHS, Net2WiderNet.Options.defaults(sd));
                                    }
                                }));
                    }
                    if (seed < p.randomPadSeeds()) {
                        s.add(wider(RANDOM_PAD, b, seed, rates.get(RANDOM_PAD)));
                    }
                    if (seed < p.constantLrSeeds()) {
                        s.add(spec(
                                WIDER + "/" + CONSTANT_LR,
                                CONSTANT_LR,
                                b,
                                seed,
                                p.constantLr(),
                                Schedule.NONE,
                                false,
                                full,
                                () -> {
                                    try (Network t = smallTeacher(sd)) {
                                        return Net2WiderNet.widen(t, WIDTHS, Net2WiderNet.Options.defaults(sd));
                                    }
                                }));
                    }
                }
            }
            for (int seed = 0; seed < p.deeperSeeds(); seed++) {
                final int sd = seed;
                for (int b : p.budgetsOf(DEEPER)) { // design space has the same budgets
                    // the deeper experiment's teacher: the full-width net at the largest budget (trained above)
                    s.add(spec(
                            DEEPER + "/" + NET2NET,
                            NET2NET,
                            b,
                            seed,
                            n2n,
                            Schedule.WARMUP_COSINE,
                            false,
                            deeperArch,
                            () -> {
                                try (Network t = load(WIDER + "/" + RANDOM_INIT, ri, p.largestBudget(), sd)) {
                                    return deepen(t, statsBatch);
                                }
                            }));
                    s.add(spec(
                            DEEPER + "/" + RANDOM_INIT,
                            RANDOM_INIT,
                            b,
                            seed,
                            ri,
                            Schedule.WARMUP_COSINE,
                            false,
                            deeperArch,
                            () -> init(deeperArch, sd + 2000)));
                    s.add(spec(
                            DESIGN + "/" + NET2NET,
                            NET2NET,
                            b,
                            seed,
                            n2n,
                            Schedule.WARMUP_COSINE,
                            false,
                            deeperArch,
                            () -> {
                                try (Network t = smallTeacher(sd);
                                        Network wide =
                                                Net2WiderNet.widen(t, WIDTHS, Net2WiderNet.Options.defaults(sd))) {
                                    return deepen(wide, statsBatch);
                                }
                            }));
                }
            }
            for (int seed = 0; seed < p.residualSeeds(); seed++) {
                for (int b : p.budgetsOf(RESIDUAL_WIDER)) { // residual deeper has the same budgets
                    for (String e : RESIDUAL_EXPERIMENTS) {
                        for (String m : List.of(NET2NET, RANDOM_INIT)) {
                            s.add(residual(e, m, b, seed, rates.getOrDefault(e + "/" + m, rates.get(m))));
                        }
                    }
                }
            }
            return s;
        }

        /** A run of a residual experiment: Net2Net from the residual teacher, or random init of the grown net. */
        Spec residual(String experiment, String method, int budget, int seed, double lr) {
            boolean wider = experiment.equals(RESIDUAL_WIDER);
            Architecture a = wider ? fullRes : deeperRes;
            Supplier<Network> make =
                    switch (method) {
                        case NET2NET ->
                            () -> {
                                try (Network t = load("residual/" + TEACHER, p.teacherLr(), p.teacherEpochs(), seed)) {
                                    return wider ? widenResidual(t, seed) : deepenResidual(t, seed);
                                }
                            };
                        case RANDOM_INIT -> () -> init(a, seed + (wider ? 3000 : 4000));
                        default -> throw new IllegalArgumentException(method);
                    };
            return spec(experiment + "/" + method, method, budget, seed, lr, Schedule.WARMUP_COSINE, true, a, make);
        }

        List<Experiment> experiments() {
            Map<String, String> wider = new LinkedHashMap<>();
            wider.put(NET2NET, WIDER + "/" + NET2NET);
            wider.put(NET2NET_EARLY, WIDER + "/" + NET2NET_EARLY);
            wider.put(RANDOM_PAD, WIDER + "/" + RANDOM_PAD);
            wider.put(RANDOM_INIT, WIDER + "/" + RANDOM_INIT);
            if (p.constantLrSeeds() > 0) {
                wider.put(CONSTANT_LR, WIDER + "/" + CONSTANT_LR);
            }
            int n = data.train().size();
            int rn = residualData.train().size();
            return List.of(
                    new Experiment(
                            WIDER,
                            wider,
                            WIDER + "/" + TEACHER,
                            p.teacherEpochs(),
                            seeds(config.seeds()),
                            p.budgetsOf(WIDER),
                            n),
                    new Experiment(
                            DEEPER,
                            pair(DEEPER + "/" + NET2NET, DEEPER + "/" + RANDOM_INIT),
                            WIDER + "/" + RANDOM_INIT,
                            p.largestBudget(),
                            seeds(p.deeperSeeds()),
                            p.budgetsOf(DEEPER),
                            n),
                    new Experiment(
                            DESIGN,
                            pair(DESIGN + "/" + NET2NET, DEEPER + "/" + RANDOM_INIT),
                            WIDER + "/" + TEACHER,
                            p.teacherEpochs(),
                            seeds(p.deeperSeeds()),
                            p.budgetsOf(DESIGN),
                            n),
                    new Experiment(
                            RESIDUAL_WIDER,
                            pair(RESIDUAL_WIDER + "/" + NET2NET, RESIDUAL_WIDER + "/" + RANDOM_INIT),
                            "residual/" + TEACHER,
                            p.teacherEpochs(),
                            seeds(p.residualSeeds()),
                            p.budgetsOf(RESIDUAL_WIDER),
                            rn),
                    new Experiment(
                            RESIDUAL_DEEPER,
                            pair(RESIDUAL_DEEPER + "/" + NET2NET, RESIDUAL_DEEPER + "/" + RANDOM_INIT),
                            "residual/" + TEACHER,
                            p.teacherEpochs(),
                            seeds(p.residualSeeds()),
                            p.budgetsOf(RESIDUAL_DEEPER),
                            rn));
        }

        private static Map<String, String> pair(String net2net, String randomInit) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put(NET2NET, net2net);
            m.put(RANDOM_INIT, randomInit);
            return m;
        }

        /**
         * Predicts the work left in {@code now} and {@code later} (runs not finished, epochs not done, their
         * evaluations) for the ETA, first timing every architecture among them not timed yet.
         */
        void schedule(List<Spec> now, List<Spec> later) {
            List<Spec> left = new ArrayList<>();
            Set<Path> seen = new HashSet<>(byDir.keySet());
            for (Spec s : concat(now, later)) {
                if (seen.add(s.dir(config.out())) && recorded(s) == null) {
                    left.add(s);
                }
            }
            // the runs begun so far and those left: before the grid the sweep's runs are counted at
            // provisional rates, so the first total is an estimate that the second call makes exact
            total = started + left.size();
            long clock = System.nanoTime();
            int timed = 0;
            for (Spec s : left) {
                if (!speeds.containsKey(s.arch()) && completedEpochs(s.dir(config.out())) < s.budget()) {
                    if (speeds.isEmpty()) {
                        // a first, discarded timing: the JIT and the engine warm up on it, not on the first
                        // architecture's figures (which would then make every later prediction look too slow)
                        calibrate(s.arch(), s.residual() ? residualData : data);
                    }
                    speeds.put(s.arch(), calibrate(s.arch(), s.residual() ? residualData : data));
                    timed++;
                }
            }
            predictedLeft = 0;
            predictedDoneStage = 0;
            for (Spec s : left) {
                predictedLeft += predicted(s, completedEpochs(s.dir(config.out())), s.budget(), true);
            }
            if (firstPrediction == 0) {
                firstPrediction = predictedLeft;
                firstPredictionNanos = System.nanoTime();
            }
            if (timed > 0) {
                config.log()
                        .accept(String.format(
                                Locale.ROOT,
                                "replicate: timed %d architectures for the ETA in %s; %d runs planned, about %s",
                                timed,
                                duration((System.nanoTime() - clock) / 1e9),
                                total,
                                duration(predictedLeft)));
            }
        }

        /**
         * Predicted seconds of epochs {@code [from, to)} of a run with their evaluations, and with {@code end} the
         * evaluations after its last epoch (validation, per-image predictions). Zero for an architecture not timed
         * (a run with nothing left to train).
         */
        double predicted(Spec s, int from, int to, boolean end) {
            Eta.Speed speed = speeds.get(s.arch());
            if (speed == null) {
                return 0;
            }
            Splits d = s.residual() ? residualData : data;
            int batches = (d.train().size() + p.batch() - 1) / p.batch();
            Eta.Work w = Eta.epochs(from, to, batches, d.test().size(), s.fine() ? p.evalEvery() : 0);
            if (end) {
                w = w.plus(new Eta.Work(
                        0,
                        (s.validation() ? validation.size() : 0)
                                + (s.predictions() ? d.test().size() : 0)));
            }
            return w.seconds(speed);
        }

        /**
         * Times a few training batches and an evaluation of {@code arch} on a throwaway network, so that the first
         * ETA is right: the runs' networks, data order and random streams are not touched (the trainer reseeds
         * the engine's generator at every epoch).
         */
        Eta.Speed calibrate(Architecture arch, Splits d) {
            // few batches and small evaluations: the timing is a prior that measured/predicted then corrects
            int warm = 1;
            int timed = 2;
            Dataset train = d.train()
                    .subset(IntStream.range(0, Math.min(d.train().size(), (warm + timed) * p.batch()))
                            .toArray());
            // the trainer evaluates this set after its epoch (a warm-up), then it is timed
            Dataset test = d.test()
                    .subset(IntStream.range(0, Math.min(d.test().size(), 2 * p.batch()))
                            .toArray());
            int batches = (train.size() + p.batch() - 1) / p.batch();
            Eta.BatchClock clock = new Eta.BatchClock(batches);
            TrainConfig cfg = new TrainConfig(
                    1,
                    p.teacherLr(),
                    TrainConfig.DEFAULT_MOMENTUM,
                    TrainConfig.DEFAULT_WEIGHT_DECAY,
                    p.batch(),
                    Schedule.NONE,
                    0,
                    0);
            try (Network net = init(arch, 0);
                    Network trained = Trainer.train(
                                    net,
                                    new Splits(train, test),
                                    cfg,
                                    Trainer.Options.quiet().withProgress(clock))
                            .network()) {
                // the trainer evaluated the test batch once after its epoch: this second evaluation is warm
                long start = System.nanoTime();
                Evaluation.evaluate(trained, test, Evaluation.DEFAULT_BATCH);
                double evalSeconds = (System.nanoTime() - start) / 1e9;
                return new Eta.Speed(clock.secondsPerBatch(Math.min(warm, batches - 1)), evalSeconds / test.size());
            }
        }

        /** The run's record when it holds every evaluation the spec needs, else null. */
        Run recorded(Spec s) {
            Run r = RunRecord.read(s.dir(config.out()), s.name(), s.budget(), s.seed(), s.lr());
            return r != null && s.satisfiedBy(r) ? r : null;
        }

        static int completedEpochs(Path dir) {
            Path state = dir.resolve(Checkpoint.STATE);
            if (!Files.isRegularFile(state)) {
                return 0;
            }
            try {
                JsonObject o = JsonParser.parseString(Files.readString(state)).getAsJsonObject();
                return o.get("completed_epochs").getAsInt();
            } catch (Exception e) {
                return 0; // a damaged state: Trainer.resume names the problem
            }
        }

        void execute(List<Spec> specs) {
            specs.forEach(this::execute);
        }

        /** Trains a run (or resumes it, or reads it back when finished) and records its result. */
        Run execute(Spec s) {
            Path dir = s.dir(config.out());
            Run known = byDir.get(dir);
            if (known != null && s.satisfiedBy(known)) {
                results.put(s.key(), known);
                return known;
            }
            Run recorded = known == null ? recorded(s) : null;
            if (recorded != null) {
                config.log()
                        .accept("replicate: " + s.key() + " finished earlier, reading " + dir.resolve(RunRecord.FILE));
                resumedRuns++;
                byDir.put(dir, recorded);
                results.put(s.key(), recorded);
                return recorded;
            }
            Splits d = s.residual() ? residualData : data;
            runStart = System.nanoTime();
            runFirstEpoch = s.budget();
            TrainConfig cfg = new TrainConfig(
                    s.budget(),
                    s.lr(),
                    TrainConfig.DEFAULT_MOMENTUM,
                    TrainConfig.DEFAULT_WEIGHT_DECAY,
                    p.batch(),
                    s.schedule(),
                    s.seed(),
                    s.fine() ? p.evalEvery() : 0);
            String label = String.format(
                    Locale.ROOT,
                    "[%d/%d] %s lr %s B %d seed %d",
                    ++started,
                    total,
                    s.name(),
                    rate(s.lr()),
                    s.budget(),
                    s.seed());
            Trainer.Options options = Trainer.Options.quiet()
                    .withOut(dir, true)
                    .withData(
                            "fashion-mnist (" + d.train().size() + " train, "
                                    + d.test().size() + " test)",
                            FashionMnist.rawPreprocessing().toJson())
                    .withProgress(new Labelled(label, s));
            Trainer.Result r;
            boolean fresh = false;
            if (known != null || Trainer.isFinished(dir)) {
                if (known == null) {
                    config.log().accept(label + ": finished earlier, reading " + dir);
                    resumedRuns++;
                }
                r = Trainer.load(dir);
            } else if (config.resume() && Files.isRegularFile(dir.resolve(Checkpoint.STATE))) {
                config.log().accept(label + ": resuming from " + dir);
                resumedRuns++;
                runFirstEpoch = completedEpochs(dir);
                r = Trainer.resume(d, null, options);
            } else {
                runFirstEpoch = 0;
                try (Network net = s.make().get()) {
                    r = Trainer.train(net, d, cfg, options);
                }
                fresh = true;
            }
            try (Network net = r.network()) {
                Double val = s.validation()
                        ? Evaluation.evaluate(net, validation, Evaluation.DEFAULT_BATCH)
                                .accuracy()
                        : null;
                boolean[] correct = s.predictions() ? correct(net, d.test()) : null;
                Run run = new Run(
                        s.name(),
                        s.budget(),
                        s.seed(),
                        s.lr(),
                        s.schedule(),
                        r.metrics(),
                        r.examples(),
                        r.seconds(),
                        s.forwardMacs(),
                        val != null ? val : known == null ? null : known.validationAccuracy(),
                        correct != null ? correct : known == null ? null : known.testCorrect(),
                        fresh || (known != null && known.thisInvocation()));
                byDir.put(dir, run);
                results.put(s.key(), run);
                RunRecord.write(dir, run);
                double predictedRun = predicted(s, runFirstEpoch, s.budget(), true);
                predictedDone += predictedRun;
                predictedDoneStage += predictedRun;
                measuredDone += (System.nanoTime() - runStart) / 1e9;
                return run;
            }
        }

        @Override
        public void close() {
            manager.close();
        }

        /** Prefixes each epoch with the run's place in the plan and an ETA for the work left. */
        final class Labelled implements Progress {
            final String label;
            final Progress inner = Progress.console(System.err);
            final Spec spec;

            Labelled(String label, Spec spec) {
                this.label = label;
                this.spec = spec;
            }

            @Override
            public void startEpoch(int epoch, int epochs, int batches) {
                long now = System.nanoTime();
                // the run's epochs done in this invocation count as done work, predicted and measured
                double predictedRun = predicted(spec, runFirstEpoch, epoch, false);
                double left = Eta.secondsLeft(
                        predictedLeft - predictedDoneStage - predictedRun,
                        predictedDone + predictedRun,
                        measuredDone + (now - runStart) / 1e9);
                config.log()
                        .accept(String.format(
                                "%s: epoch %d/%d (elapsed %s, ETA %s)",
                                label, epoch + 1, epochs, duration((now - startNanos) / 1e9), duration(left)));
                inner.startEpoch(epoch, epochs, batches);
            }

            @Override
            public void batch(int doneBatches, double meanLoss) {
                inner.batch(doneBatches, meanLoss);
            }

            @Override
            public void endEpoch() {
                inner.endEpoch();
            }
        }
    }

    /** Per test image: does the network's highest score name its label? */
    static boolean[] correct(Network network, Dataset test) {
        DjlNetwork block = DjlNetwork.of(network);
        boolean[] right = new boolean[test.size()];
        float[] buffer = new float[Math.min(Evaluation.DEFAULT_BATCH, test.size()) * test.sampleLength()];
        int[] labels = test.labels();
        for (int from = 0; from < test.size(); from += Evaluation.DEFAULT_BATCH) {
            int[] idx = IntStream.range(from, Math.min(test.size(), from + Evaluation.DEFAULT_BATCH))
                    .toArray();
            try (NDManager m = network.manager().newSubManager()) {
                long[] predicted = block.forward(Evaluation.Inputs.features(m, test, idx, buffer), false)
                        .argMax(1)
                        .toLongArray();
                for (int k = 0; k < idx.length; k++) {
                    right[idx[k]] = predicted[k] == labels[idx[k]];
                }
            }
        }
        return right;
    }

    /** The sqrt(0.3) fashionresnet at full width: both streams (named by their stem convs), the blocks' inner convs, fc1. */
    static Network widenResidual(Network teacher, long seed) {
        Map<String, Integer> widths = new LinkedHashMap<>();
        widths.put("conv1", 32);
        widths.put("res1_conv1", 32);
        widths.put("conv2", 64);
        widths.put("res2_conv1", 64);
        widths.put("fc1", 128);
        return Net2WiderNet.widen(teacher, widths, Net2WiderNet.Options.defaults(seed));
    }

    /** An identity residual block (conv-bn-relu-conv-bn, last batchnorm at zero) after res1 and after res2. */
    static Network deepenResidual(Network teacher, long seed) {
        Network a = Net2DeeperNet.deepen(teacher, "res1", Net2DeeperNet.Options.residual(3, true, null, seed));
        Network b = Net2DeeperNet.deepen(a, "res2", Net2DeeperNet.Options.residual(3, true, null, seed + 1));
        a.close();
        return b;
    }

    /** Random pad of each layer in turn, with the seed offset per layer. */
    static Network pad(Network teacher, Map<String, Integer> widths, long seed) {
        Network current = teacher;
        int k = 0;
        for (String layer : List.of("conv1", "conv2", "fc1")) {
            Network next = RandomPad.pad(current, layer, widths.get(layer), seed * 31 + k++);
            if (current != teacher) {
                current.close();
            }
            current = next;
        }
        return current;
    }

    /**
     * Identity conv 3x3 + batchnorm + relu after relu2 (64 channels at 14x14, after the first pool:
     * a quarter of the positions of 28x28, so the deeper net costs 2.7 fashionnets per example rather
     * than 4.4 with a second layer at 28x28); identity dense + relu after relu3. Net2DeeperNet inserts
     * after a relu, so the layer cannot go after pool2 itself.
     */
    static Network deepen(Network teacher, NDArray stats) {
        Network a = Net2DeeperNet.deepen(teacher, "relu2", new Net2DeeperNet.Options(3, true, stats, null));
        Network d = Net2DeeperNet.deepen(a, "relu3", new Net2DeeperNet.Options(1, false, null, null));
        a.close();
        return d;
    }

    static Network init(Architecture arch, long seed) {
        return Initialization.random(arch, seed, Step.Init.seeded(seed));
    }

    static void add(
            List<CurvePoint> points,
            String experiment,
            String method,
            int seed,
            List<EpochMetrics> metrics,
            long examplesOffset,
            double secondsOffset) {
        for (EpochMetrics m : metrics) {
            long ex = m.examples() + examplesOffset;
            double s = m.seconds() + secondsOffset;
            if (m.testAccuracy() != null) {
                points.add(new CurvePoint(
                        experiment, method, seed, m.epoch(), ex, s, CurvePoint.TEST_ACCURACY, m.testAccuracy()));
            }
            points.add(new CurvePoint(experiment, method, seed, m.epoch(), ex, s, CurvePoint.TEST_LOSS, m.testLoss()));
            if (!Double.isNaN(m.trainLoss())) {
                points.add(new CurvePoint(
                        experiment, method, seed, m.epoch(), ex, s, CurvePoint.TRAIN_LOSS, m.trainLoss()));
            }
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format("%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
