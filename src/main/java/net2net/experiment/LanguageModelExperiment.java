package net2net.experiment;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import net2net.Net2NetException;
import net2net.data.TextCorpus;
import net2net.nn.DjlNetwork;
import net2net.nn.Initialization;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.spec.Architecture;
import net2net.spec.Presets;
import net2net.train.Checkpoint;
import net2net.train.GrowInRun;
import net2net.train.GrowthSpec;
import net2net.train.MetricsListener;
import net2net.train.Schedule;
import net2net.train.TrainConfig;
import net2net.train.Trainer;
import net2net.train.TrainingData;

/**
 * The language-model experiment (issue 15 part 5, protocol in docs/lm-experiment.md): character-level
 * tinygpt on the fortunes, trained from scratch against half-width, half-depth models grown to it
 * inside the run (once, with the optimizer state kept or reset; progressively; from a non-integer
 * width), each arm a fresh run of S AdamW steps with warmup-cosine over its own S, for a sweep of S.
 * Every run is a checkpoint directory {@code out/runs/lm/<arm>/lr<rate>/S<S>/seed<s>}: a finished run
 * is read back, an interrupted one resumed.
 */
public final class LanguageModelExperiment {
    private LanguageModelExperiment() {}

    static final String SCRATCH = "scratch";
    static final String GROW_ONCE = "grow_once";
    static final String GROW_ONCE_RESET = "grow_once_reset";
    static final String PROGRESSIVE = "progressive";
    static final String NONINTEGER = "grow_once_noninteger";

    /** The arms in table order; scratch is the reference. */
    public static final List<String> ARMS = List.of(SCRATCH, GROW_ONCE, GROW_ONCE_RESET, PROGRESSIVE, NONINTEGER);

    /** Every head has tinygpt's head_dim, so heads and stream grow together. */
    static final int HEAD_DIM = 16;

    static final int CONTEXT = 64;

    /** AdamW's decoupled weight decay: PyTorch's default. */
    static final double WEIGHT_DECAY = 0.01;

    /**
     * How much the experiment spends.
     *
     * @param budgets the sweep of S (optimizer steps per run), ascending
     * @param lrGrid the rates tried per arm at {@code budgets[1]}, seed 0 (empty: {@code fixedLr} for every arm)
     * @param batch windows per step
     * @param validationCharacters the first this many characters of the validation text are the validation
     *     set (0: all of it)
     */
    public record Settings(
            String name,
            List<Integer> budgets,
            int seeds,
            List<Double> lrGrid,
            double fixedLr,
            int batch,
            int validationCharacters) {
        public Settings {
            budgets = List.copyOf(budgets);
            lrGrid = List.copyOf(lrGrid);
            for (int s : budgets) {
                if (s < 4) {
                    throw new Net2NetException(
                            "a budget of the lm sweep must be at least 4 steps (growth at S/4), got " + s);
                }
            }
        }

        public static Settings named(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                // about 2 minutes on 2 idle cores (docs/lm-experiment.md: how it was sized)
                case "quick" -> new Settings("quick", List.of(100, 200), 1, List.of(), 1e-2, 32, 32_768);
                // about 1 hour on 2 idle cores (docs/lm-experiment.md: the estimate)
                case "full" ->
                    new Settings("full", List.of(500, 1000, 2000), 3, List.of(1e-3, 3e-3, 1e-2, 3e-2), 0, 32, 0);
                // for tests: seconds, with a grid so that every path runs
                case "tiny" -> new Settings("tiny", List.of(8, 16), 2, List.of(3e-3, 1e-2), 0, 4, 0);
                default -> throw new Net2NetException("unknown profile '" + name + "'; use quick or full");
            };
        }

        public Settings withSeeds(Integer n) {
            return n == null ? this : new Settings(name, budgets, n, lrGrid, fixedLr, batch, validationCharacters);
        }

        public int largest() {
            return budgets.get(budgets.size() - 1);
        }

        /** The budget of the learning-rate grid: the second of the sweep. */
        public int gridBudget() {
            return budgets.get(Math.min(1, budgets.size() - 1));
        }

        public String describe() {
            return String.format(
                            Locale.ROOT,
                            "%s: budgets S = %s optimizer steps, each a fresh AdamW run (weight decay %s, betas 0.9/0.999) "
                                    + "with warmup-cosine over its own S; batch %d windows of %d characters; seeds %d; rates: %s",
                            name,
                            budgets,
                            WEIGHT_DECAY,
                            batch,
                            CONTEXT,
                            seeds,
                            lrGrid.isEmpty()
                                    ? "fixed at " + fixedLr + " for every arm"
                                    : "chosen per arm on validation loss from " + lrGrid + " at S = " + gridBudget()
                                            + ", seed 0")
                    + (validationCharacters > 0
                            ? String.format(
                                    Locale.ROOT,
                                    "; validation on the first %,d characters of the validation text",
                                    validationCharacters)
                            : "; validation on the whole validation text");
        }
    }

    /**
     * A GPT of tinygpt's shape: {@code heads} heads of {@link #HEAD_DIM}, stream heads x 16, FFN {@code ffn},
     * {@code blocks} pre-norm blocks, tied head.
     */
    static Architecture gpt(int vocab, int heads, int ffn, int blocks) {
        return Presets.gpt(heads, HEAD_DIM, blocks, ffn, vocab, CONTEXT);
    }

    /** The full model: tinygpt (d = 64, 4 heads, FFN 256, 2 blocks). */
    static Architecture full(int vocab) {
        return gpt(vocab, 4, 256, 2);
    }

    /** Half width and half depth: d = 32, 2 heads, FFN 128, 1 block. */
    static Architecture half(int vocab) {
        return gpt(vocab, 2, 128, 1);
    }

    /** The non-integer start: d = 48, 3 heads, FFN 192, 1 block (x 4/3 to the full width). */
    static Architecture nonInteger(int vocab) {
        return gpt(vocab, 3, 192, 1);
    }

    /** Widening to the full width (stream through its embedding, heads, FFN) of a one-block model. */
    static final String WIDEN = "widen wte=64 h0_attn.heads=4 h0_fc=256";

    /** One identity block after the first. */
    static final String DEEPEN = "deepen after=h0_mlp_res";

    /** One phase of a run: the architecture trained for steps [from, to). */
    public record Phase(Architecture architecture, long from, long to) {}

    /**
     * An arm's run of S steps: the model it starts from, its growth specs and what happens to the
     * optimizer state, and its phases (for the MACs).
     */
    public record ArmPlan(
            String arm,
            int steps,
            Architecture start,
            List<String> growth,
            GrowInRun.StateMode state,
            List<Phase> phases) {
        /** Training MACs: 3 x forward MACs per sequence x sequences, summed over the phases. */
        public double trainMacs(int batch) {
            double macs = 0;
            for (Phase p : phases) {
                macs += (double) (p.to() - p.from())
                        * batch
                        * Architecture.TRAINING_MACS_PER_FORWARD_MAC
                        * forwardMacsPerSequence(p.architecture());
            }
            return macs;
        }
    }

    /** The plan of {@code arm} at S = {@code steps}: growth at S/4 (progressive: width at S/4, depth at S/2). */
    public static ArmPlan plan(String arm, int steps, int vocab) {
        long q = steps / 4;
        long h = steps / 2;
        Architecture full = full(vocab);
        Architecture wideOneBlock = gpt(vocab, 4, 256, 1);
        return switch (arm) {
            case SCRATCH ->
                new ArmPlan(arm, steps, full, List.of(), GrowInRun.StateMode.KEEP, List.of(new Phase(full, 0, steps)));
            case GROW_ONCE, GROW_ONCE_RESET, NONINTEGER -> {
                Architecture start = arm.equals(NONINTEGER) ? nonInteger(vocab) : half(vocab);
                yield new ArmPlan(
                        arm,
                        steps,
                        start,
                        List.of("step" + q + ":" + WIDEN, "step" + q + ":" + DEEPEN),
                        arm.equals(GROW_ONCE_RESET) ? GrowInRun.StateMode.RESET : GrowInRun.StateMode.KEEP,
                        List.of(new Phase(start, 0, q), new Phase(full, q, steps)));
            }
            case PROGRESSIVE ->
                new ArmPlan(
                        arm,
                        steps,
                        half(vocab),
                        List.of("step" + q + ":" + WIDEN, "step" + h + ":" + DEEPEN),
                        GrowInRun.StateMode.KEEP,
                        List.of(
                                new Phase(half(vocab), 0, q),
                                new Phase(wideOneBlock, q, h),
                                new Phase(full, h, steps)));
            default -> throw new IllegalArgumentException(arm);
        };
    }

    /**
     * Forward multiply-accumulates of one sequence of T tokens through a token model: dense layers on
     * (T, D) cost T x D x U; attention with d inputs, h heads of head_dim e costs T x d x 3 h e for q, k,
     * v, T x h e x d for o, and 2 x T x T x h x e for the scores and the values (the full T x T: the
     * kernels compute the masked half too); the tied LM head T x d x vocab; embeddings, norms, softmax
     * and GELU 0: Architecture.forwardMacsPerExample, for which one example of a token model is one
     * sequence.
     */
    public static long forwardMacsPerSequence(Architecture arch) {
        return arch.forwardMacsPerExample(); // one example of a token model is one sequence (MacsTest)
    }

    /** @param metrics sees every learning-curve point of every run trained here (validation nats in testLoss) */
    public record Config(
            Settings settings,
            Path out,
            boolean resume,
            TextCorpus corpus,
            Consumer<String> log,
            MetricsListener metrics) {
        public Config(Settings settings, Path out, boolean resume, TextCorpus corpus, Consumer<String> log) {
            this(settings, out, resume, corpus, log, m -> {});
        }
    }

    /**
     * One finished run.
     *
     * @param valLoss the final validation loss, nats per character; NaN for a run that diverged
     * @param growthSteps the steps at which the run grew (from the trainer's record)
     * @param thisInvocation trained start to end by this invocation
     */
    public record Run(
            String arm,
            int steps,
            int seed,
            double lr,
            double valLoss,
            double trainMacs,
            List<Long> growthSteps,
            double seconds,
            boolean thisInvocation) {
        public double valBpc() {
            return valLoss / Math.log(2);
        }
    }

    /**
     * Everything measured.
     *
     * @param grid per arm, rate to final validation loss (nats) of the grid runs (empty with fixed rates)
     * @param rates per arm, the rate of the sweep
     * @param runs key {@link #key} to run
     */
    public record Result(
            Settings settings,
            TextCorpus corpus,
            Map<String, Map<Double, Double>> grid,
            Map<String, Double> rates,
            Map<String, Run> runs,
            double seconds,
            int resumedRuns) {
        public Run run(String arm, int steps, int seed) {
            Run r = runs.get(key(arm, steps, seed));
            if (r == null) {
                throw new IllegalStateException("no run " + key(arm, steps, seed));
            }
            return r;
        }
    }

    static String key(String arm, int steps, int seed) {
        return arm + "/S" + steps + "/seed" + seed;
    }

    static Path dir(Path out, String arm, double lr, int steps, int seed) {
        return out.resolve("runs")
                .resolve("lm")
                .resolve(arm)
                .resolve("lr" + Replication.rate(lr))
                .resolve("S" + steps)
                .resolve("seed" + seed);
    }

    public static Result run(Config c) {
        long start = System.nanoTime();
        Settings s = c.settings();
        TextCorpus corpus =
                s.validationCharacters() > 0 ? c.corpus().withValidationPrefix(s.validationCharacters()) : c.corpus();
        Executor x = new Executor(c, corpus);
        x.clock = Clock.start(x, plannedRuns(s));
        Map<String, Map<Double, Double>> grid = new LinkedHashMap<>();
        Map<String, Double> rates = new LinkedHashMap<>();
        for (String arm : ARMS) {
            Map<Double, Double> scores = new LinkedHashMap<>();
            for (double lr : s.lrGrid()) {
                scores.put(lr, x.execute(arm, s.gridBudget(), 0, lr).valLoss());
            }
            grid.put(arm, scores);
            // the lowest validation loss; a tie goes to the smaller rate, listed first
            rates.put(
                    arm,
                    scores.isEmpty()
                            ? s.fixedLr()
                            : scores.entrySet().stream()
                                    .reduce((a, b) -> worse(a.getValue(), b.getValue()) ? b : a)
                                    .orElseThrow()
                                    .getKey());
            if (!scores.isEmpty()) {
                c.log()
                        .accept(String.format(
                                Locale.ROOT,
                                "replicate lm: %s rate %s (validation nats by rate: %s)",
                                arm,
                                rates.get(arm),
                                scores));
            }
        }
        Map<String, Run> runs = new LinkedHashMap<>();
        for (int seed = 0; seed < s.seeds(); seed++) {
            for (int b : s.budgets()) {
                for (String arm : ARMS) {
                    runs.put(key(arm, b, seed), x.execute(arm, b, seed, rates.get(arm)));
                }
            }
        }
        c.log().accept(x.clock.summary());
        return new Result(s, corpus, grid, rates, runs, (System.nanoTime() - start) / 1e9, x.resumed);
    }

    /**
     * The runs one invocation trains, in order, as (arm, S) pairs: the grid at {@link Settings#gridBudget()}
     * (seed 0), then the sweep without the grid's runs it reuses (the chosen rate's, at the grid budget, seed 0).
     */
    static List<Map.Entry<String, Integer>> plannedRuns(Settings s) {
        List<Map.Entry<String, Integer>> planned = new ArrayList<>();
        for (String arm : ARMS) {
            for (int i = 0; i < s.lrGrid().size(); i++) {
                planned.add(Map.entry(arm, s.gridBudget()));
            }
        }
        for (int seed = 0; seed < s.seeds(); seed++) {
            for (int b : s.budgets()) {
                for (String arm : ARMS) {
                    if (!(seed == 0 && b == s.gridBudget() && !s.lrGrid().isEmpty())) {
                        planned.add(Map.entry(arm, b));
                    }
                }
            }
        }
        return planned;
    }

    /**
     * The invocation's ETA, as the Fashion-MNIST replication's ({@link Eta}): every architecture of the plan is
     * timed on a few steps and one small validation pass of a throwaway network, a run's time is predicted from
     * its phases and validation passes, and the prediction of the runs left is scaled by measured / predicted
     * over the runs trained so far.
     */
    static final class Clock {
        static final int WARM_STEPS = 10;
        static final int TIMED_STEPS = 20;
        static final int TIMED_WINDOWS = 256;

        final Map<Architecture, Eta.Speed> speeds;
        final int batch;
        final int perEpoch;
        final long validationWindows;
        final int runs;
        final long startNanos = System.nanoTime();
        double predictedLeft;
        double predictedDone;
        double measuredDone;
        int begun;
        double firstPrediction;

        private Clock(Map<Architecture, Eta.Speed> speeds, Executor x, List<Map.Entry<String, Integer>> planned) {
            this.speeds = speeds;
            this.batch = x.c.settings().batch();
            this.perEpoch = x.data.batchesPerEpoch(batch);
            this.validationWindows = x.corpus.validationBatches(1, CONTEXT).size();
            this.runs = planned.size();
            for (Map.Entry<String, Integer> r : planned) {
                predictedLeft += predicted(plan(r.getKey(), r.getValue(), x.vocab));
            }
        }

        static Clock start(Executor x, List<Map.Entry<String, Integer>> planned) {
            long t0 = System.nanoTime();
            Map<Architecture, Eta.Speed> speeds = new LinkedHashMap<>();
            // a first timing warms the JVM and libtorch up (it measured the full model 1.7 times too slow)
            calibrate(
                    plan(planned.get(0).getKey(), planned.get(0).getValue(), x.vocab)
                            .start(),
                    x);
            for (Map.Entry<String, Integer> r : planned) {
                for (Phase ph : plan(r.getKey(), r.getValue(), x.vocab).phases()) {
                    speeds.computeIfAbsent(ph.architecture(), a -> calibrate(a, x));
                }
            }
            Clock clock = new Clock(speeds, x, planned);
            clock.firstPrediction = clock.predictedLeft;
            x.c.log()
                    .accept(String.format(
                            Locale.ROOT,
                            "replicate lm: timed %d architectures for the ETA in %s; %d runs planned, about %s",
                            speeds.size(),
                            Replication.duration((System.nanoTime() - t0) / 1e9),
                            planned.size(),
                            Replication.duration(clock.predictedLeft)));
            return clock;
        }

        /** A run's seconds: its phases' steps, then a validation pass at every epoch end and at the end. */
        double predicted(ArmPlan plan) {
            double seconds = 0;
            for (Phase ph : plan.phases()) {
                seconds += (ph.to() - ph.from()) * speeds.get(ph.architecture()).secondsPerBatch();
            }
            long passes = (plan.steps() + perEpoch - 1) / perEpoch;
            Architecture last = plan.phases().get(plan.phases().size() - 1).architecture();
            return seconds + passes * validationWindows * speeds.get(last).secondsPerEvalExample();
        }

        /** How long the runs took against the ETA printed before the first. */
        String summary() {
            return String.format(
                    Locale.ROOT,
                    "replicate lm: the runs took %s; before the first, the ETA predicted %s",
                    Replication.duration((System.nanoTime() - startNanos) / 1e9),
                    Replication.duration(firstPrediction));
        }

        /** "[k/N] ... (elapsed, ETA)" as a run begins. */
        String begin(String label) {
            double left = Eta.secondsLeft(predictedLeft, predictedDone, measuredDone);
            return String.format(
                    Locale.ROOT,
                    "[%d/%d] %s (elapsed %s, ETA %s)",
                    ++begun,
                    runs,
                    label,
                    Replication.duration((System.nanoTime() - startNanos) / 1e9),
                    Replication.duration(left));
        }

        /** A run ended: trained here ({@code seconds} measured) or read back from an earlier invocation (null). */
        void end(ArmPlan plan, Double seconds) {
            double p = predicted(plan);
            predictedLeft -= p;
            if (seconds != null) {
                predictedDone += p;
                measuredDone += seconds;
            }
        }

        /** Seconds per step and per validation window of {@code arch}, on a throwaway network and a small pass. */
        static Eta.Speed calibrate(Architecture arch, Executor x) {
            Eta.BatchClock clock = new Eta.BatchClock(WARM_STEPS + TIMED_STEPS);
            int windows = TIMED_WINDOWS;
            TrainingData small = TrainingData.of(x.corpus.withValidationPrefix(windows * CONTEXT + 1), CONTEXT);
            TrainConfig cfg = new TrainConfig(
                            1,
                            1e-3,
                            TrainConfig.DEFAULT_MOMENTUM,
                            WEIGHT_DECAY,
                            x.c.settings().batch(),
                            Schedule.NONE,
                            0,
                            0)
                    .withAdamW(TrainConfig.AdamWSettings.DEFAULTS)
                    .withSteps(WARM_STEPS + TIMED_STEPS);
            try (Network net = Initialization.random(arch, 0, Step.Init.seeded(0));
                    Network trained = Trainer.train(
                                    net, small, cfg, Trainer.Options.quiet().withProgress(clock))
                            .network()) {
                // the trainer's own validation pass at the end was the warm-up; this one is timed
                long t0 = System.nanoTime();
                try (NDManager m = trained.manager().newSubManager()) {
                    small.evaluate(DjlNetwork.of(trained), m);
                }
                double evalSeconds = (System.nanoTime() - t0) / 1e9;
                long timedWindows = x.corpus
                        .withValidationPrefix(windows * CONTEXT + 1)
                        .validationBatches(1, CONTEXT)
                        .size();
                return new Eta.Speed(clock.secondsPerBatch(WARM_STEPS), evalSeconds / timedWindows);
            }
        }
    }

    /** Whether loss {@code a} is worse than {@code b}: higher, or diverged (NaN) where b did not. */
    static boolean worse(double a, double b) {
        return Double.isNaN(a) ? !Double.isNaN(b) : b < a;
    }

    /** Trains, resumes or reads back one run. */
    static final class Executor {
        final Config c;
        final TrainingData data;
        final int vocab;
        final Map<Path, Run> done = new LinkedHashMap<>();
        int started;
        int resumed;
        /** The ETA's clock; null when runs are executed one by one (tests). */
        Clock clock;

        private long began;

        final TextCorpus corpus;

        Executor(Config c, TextCorpus corpus) {
            this.c = c;
            this.corpus = corpus;
            this.data = TrainingData.of(corpus, CONTEXT);
            this.vocab = corpus.vocabulary().size();
        }

        Run execute(String arm, int steps, int seed, double lr) {
            Path dir = dir(c.out(), arm, lr, steps, seed);
            Run known = done.get(dir);
            if (known != null) {
                return known;
            }
            ArmPlan plan = plan(arm, steps, vocab);
            Settings s = c.settings();
            TrainConfig cfg = new TrainConfig(
                            1,
                            lr,
                            TrainConfig.DEFAULT_MOMENTUM,
                            WEIGHT_DECAY,
                            s.batch(),
                            Schedule.WARMUP_COSINE,
                            seed,
                            0)
                    .withAdamW(TrainConfig.AdamWSettings.DEFAULTS)
                    .withSteps(steps);
            String label =
                    String.format(Locale.ROOT, "lm %s lr %s S %d seed %d", arm, Replication.rate(lr), steps, seed);
            List<GrowthSpec> specs = GrowthSpec.parseAll(plan.growth());
            Trainer.Result r;
            boolean fresh = false;
            try (GrowInRun growth = new GrowInRun(specs, seed, GrowInRun.Settings.defaults(plan.state()))) {
                Trainer.Options options = Trainer.Options.quiet()
                        .withOut(dir, true)
                        .withData(corpus.name(), TextCorpus.preprocessing(corpus.vocabulary()))
                        .withGrowth(growth)
                        .withListener(c.metrics());
                if (Trainer.isFinished(dir)) {
                    c.log().accept(begin(label + ": finished earlier, reading " + dir));
                    resumed++;
                    r = Trainer.load(dir);
                } else if (c.resume() && Files.isRegularFile(dir.resolve(Checkpoint.STATE))) {
                    c.log().accept(begin(label + ": resuming from " + dir));
                    resumed++;
                    int perEpoch = data.batchesPerEpoch(s.batch());
                    growth.checkAtFirstCall(perEpoch, steps);
                    r = Trainer.resume(data, null, null, options);
                } else {
                    started++;
                    c.log().accept(begin(label + ": training"));
                    try (Network net = Initialization.random(plan.start(), seed, Step.Init.seeded(seed))) {
                        r = Trainer.train(net, data, cfg, options);
                    }
                    fresh = true;
                }
            } catch (Net2NetException e) {
                if (!e.getMessage().startsWith("training diverged")) {
                    throw e;
                }
                // a diverged run is a result (loss NaN: reaches no target, fails every rule), not the end of the
                // experiment; its directory keeps the last good checkpoint, so a resume diverges the same way
                c.log().accept(label + ": " + e.getMessage());
                end(plan, null); // stopped early: its time says nothing of a whole run's
                Run run = new Run(arm, steps, seed, lr, Double.NaN, plan.trainMacs(s.batch()), List.of(), 0, true);
                done.put(dir, run);
                return run;
            }
            try (Network net = r.network()) {
                long grownMacs = forwardMacsPerSequence(net.architecture());
                long plannedMacs = forwardMacsPerSequence(
                        plan.phases().get(plan.phases().size() - 1).architecture());
                if (grownMacs != plannedMacs) {
                    throw new IllegalStateException(label + " ended as a model of " + grownMacs
                            + " forward MACs per sequence, the plan says " + plannedMacs);
                }
                List<Long> grew = growthSteps(net);
                Run run = new Run(
                        arm, steps, seed, lr, r.last().testLoss(), plan.trainMacs(s.batch()), grew, r.seconds(), fresh);
                c.log()
                        .accept(String.format(
                                Locale.ROOT, "%s: validation %.4f bits per character", label, run.valBpc()));
                // only a run trained whole in this invocation measures the machine
                end(plan, fresh ? (double) (System.nanoTime() - began) / 1e9 : null);
                done.put(dir, run);
                return run;
            }
        }

        private String begin(String line) {
            began = System.nanoTime();
            return clock == null ? line : clock.begin(line);
        }

        private void end(ArmPlan plan, Double seconds) {
            if (clock != null) {
                clock.end(plan, seconds);
            }
        }

        /** The steps at which the run grew, as the trainer recorded them in the last "train" step. */
        static List<Long> growthSteps(Network net) {
            List<Long> steps = new ArrayList<>();
            for (Step st : net.history()) {
                if (st instanceof Step.Train t
                        && t.settings() != null
                        && t.settings().has("growth")) {
                    steps.clear();
                    t.settings()
                            .getAsJsonArray("growth")
                            .forEach(g ->
                                    steps.add(g.getAsJsonObject().get("step").getAsLong()));
                }
            }
            return steps;
        }
    }
}
