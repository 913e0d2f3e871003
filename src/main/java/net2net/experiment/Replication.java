package net2net.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net2net.data.Dataset;
import net2net.data.FashionMnist;
import net2net.data.Splits;
import net2net.data.Subsets;
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
 * The paper's experiments on Fashion-MNIST (section 3), at CPU scale:
 * <ul>
 *   <li>wider: a fashionnet at width sqrt(0.3) (18, 35, 70) grown to full width (32, 64, 128) by
 *       Net2WiderNet, against random pad and random init of the full-width net;</li>
 *   <li>deeper: the full-width fashionnet grown by an identity conv+batchnorm+relu after relu1 and
 *       relu2 and an identity dense+relu after relu3, against random init of that deeper net;</li>
 *   <li>design_space: the sqrt(0.3) teacher grown to the wider and deeper net in one go, against
 *       the same net from scratch, with the teacher's own training counted in the cost;</li>
 *   <li>residual_wider: a fashionresnet at width sqrt(0.3) grown to full width (both residual
 *       streams, the blocks' inner convs and fc1) by Net2WiderNet, one shared mapping per stream,
 *       against random init of the full-width fashionresnet;</li>
 *   <li>residual_deeper: the same sqrt(0.3) teacher with an identity residual block inserted after
 *       each of its blocks, against random init of that deeper net.</li>
 * </ul>
 * The residual experiments train on the profile's smaller residual subsets: a fashionresnet costs
 * about four fashionnets per image.
 * Every training run is a checkpoint directory under {@code out/runs}, so an interrupted run
 * resumes without redoing finished work. Trained teachers are reused where the paper's designs
 * coincide: the deeper experiment's teacher is the wider experiment's random-init network (the
 * same architecture trained with the teacher's schedule), and design_space's random init is the
 * deeper experiment's random init (the same architecture and schedule).
 */
public final class Replication {
    private Replication() {}

    public record Config(Profile profile, int seeds, Path out, boolean resume, Path dataDir, Consumer<String> log) {}

    /**
     * All curves of all runs, in CurvePoint long format.
     *
     * @param seconds     wall time of this invocation
     * @param resumedRuns runs that an earlier, interrupted invocation had finished or begun ({@code --resume})
     */
    public record Result(List<CurvePoint> points, Map<String, Double> teacherFinalAccuracy, double seconds, int resumedRuns) {}

    static final String WIDER = "wider";
    static final String DEEPER = "deeper";
    static final String DESIGN = "design_space";
    static final String RESIDUAL_WIDER = "residual_wider";
    static final String RESIDUAL_DEEPER = "residual_deeper";

    public static Result run(Config c, Splits data) {
        long start = System.nanoTime();
        Plan plan = new Plan(c, data);
        List<CurvePoint> points = new ArrayList<>();
        Map<String, Double> teacherFinal = new LinkedHashMap<>();
        for (int seed = 0; seed < c.seeds(); seed++) {
            runSeed(plan, seed, points, teacherFinal);
            runResidual(plan, seed, points, teacherFinal);
        }
        return new Result(points, teacherFinal, (System.nanoTime() - start) / 1e9, plan.resumedRuns);
    }

    /** Loads Fashion-MNIST and takes the profile's class-balanced subsets. */
    public static Splits data(Profile p, Path dataDir) {
        Splits all = FashionMnist.load(dataDir);
        Dataset train = p.trainLimit() > 0 ? Subsets.limit(all.train(), p.trainLimit(), 0) : all.train();
        Dataset test = p.testLimit() > 0 ? Subsets.testLimit(all.test(), p.testLimit(), 0) : all.test();
        return new Splits(train, test);
    }

    /** A teacher: the profile's teacher epochs, rate and schedule, no extra evaluations. */
    private static TrainConfig teacherConfig(Profile p, int seed) {
        return new TrainConfig(p.teacherEpochs(), p.teacherLr(), 0.9, 5e-4, p.batch(), p.teacherSchedule(), seed, 0);
    }

    /** Random init: the student budget at the teacher's rate and schedule. */
    private static TrainConfig scratchConfig(Profile p, int seed) {
        return new TrainConfig(p.studentEpochs(), p.teacherLr(), 0.9, 5e-4, p.batch(), p.teacherSchedule(), seed, p.evalEvery());
    }

    /** Net2Net and random pad: the student budget at the student rate, constant. */
    private static TrainConfig studentConfig(Profile p, int seed) {
        return new TrainConfig(p.studentEpochs(), p.studentLr(), 0.9, 5e-4, p.batch(), Schedule.NONE, seed, p.evalEvery());
    }

    private static void runSeed(Plan plan, int seed, List<CurvePoint> points, Map<String, Double> teacherFinal) {
        Profile p = plan.config.profile();
        TrainConfig teacherCfg = teacherConfig(p, seed);
        TrainConfig scratchCfg = scratchConfig(p, seed);
        TrainConfig studentCfg = studentConfig(p, seed);
        Architecture small = Presets.get("fashionnet", Presets.PAPER_TEACHER_WIDTH);
        Architecture full = Presets.get("fashionnet", 1);
        Map<String, Integer> widths = Map.of("conv1", 32, "conv2", 64, "fc1", 128);

        // Wider: the sqrt(0.3) teacher, then three students of the full-width net.
        try (Trained teacher = plan.train("wider/teacher", seed, () -> init(small, seed), teacherCfg)) {
            add(points, WIDER, "teacher", seed, teacher.metrics, 0, 0);
            teacherFinal.put(WIDER + "/" + seed, teacher.finalAccuracy());
            try (Trained s = plan.train("wider/net2net", seed,
                    () -> Net2WiderNet.widen(teacher.network, widths, Net2WiderNet.Options.defaults(seed)), studentCfg)) {
                add(points, WIDER, "net2net", seed, s.metrics, 0, 0);
            }
            try (Trained s = plan.train("wider/random_pad", seed, () -> pad(teacher.network, widths, seed), studentCfg)) {
                add(points, WIDER, "random_pad", seed, s.metrics, 0, 0);
            }
            try (Trained fullNet = plan.train("wider/random_init", seed, () -> init(full, seed + 1000), scratchCfg)) {
                add(points, WIDER, "random_init", seed, fullNet.metrics, 0, 0);
                // Deeper: the full-width net trained from scratch with the teacher's schedule is the teacher.
                teacherFinal.put(DEEPER + "/" + seed, fullNet.finalAccuracy());
                add(points, DEEPER, "teacher", seed, fullNet.metrics, 0, 0);
                try (Trained s = plan.train("deeper/net2net", seed, () -> deepen(fullNet.network, plan.statsBatch), studentCfg)) {
                    add(points, DEEPER, "net2net", seed, s.metrics, 0, 0);
                }
            }
            Architecture deeperArch;
            try (Network probe = deepen(init(full, 0), plan.statsBatch)) {
                deeperArch = probe.architecture();
            }
            try (Trained scratch = plan.train("deeper/random_init", seed, () -> init(deeperArch, seed + 2000), scratchCfg)) {
                add(points, DEEPER, "random_init", seed, scratch.metrics, 0, 0);
                // Design space: the same deeper, wider net from scratch, against growing the small teacher.
                add(points, DESIGN, "random_init", seed, scratch.metrics, 0, 0);
            }
            teacherFinal.put(DESIGN + "/" + seed, teacher.finalAccuracy());
            add(points, DESIGN, "teacher", seed, teacher.metrics, 0, 0);
            try (Trained s = plan.train("design_space/net2net", seed, () -> {
                try (Network wide = Net2WiderNet.widen(teacher.network, widths, Net2WiderNet.Options.defaults(seed))) {
                    return deepen(wide, plan.statsBatch);
                }
            }, studentCfg)) {
                // The grown student's cost includes its teacher's training.
                add(points, DESIGN, "net2net", seed, s.metrics, teacher.examples(), teacher.seconds());
            }
        }
    }

    /** The residual experiments: a sqrt(0.3) fashionresnet teacher grown wider, and grown deeper by residual blocks. */
    private static void runResidual(Plan plan, int seed, List<CurvePoint> points, Map<String, Double> teacherFinal) {
        Profile p = plan.config.profile();
        Splits data = plan.residualData;
        TrainConfig teacherCfg = teacherConfig(p, seed);
        TrainConfig scratchCfg = scratchConfig(p, seed);
        TrainConfig studentCfg = studentConfig(p, seed);
        Architecture small = Presets.get("fashionresnet", Presets.PAPER_TEACHER_WIDTH);
        Architecture full = Presets.get("fashionresnet", 1);
        try (Trained teacher = plan.train("residual_wider/teacher", seed, () -> init(small, seed), teacherCfg, data)) {
            for (String exp : List.of(RESIDUAL_WIDER, RESIDUAL_DEEPER)) {
                add(points, exp, "teacher", seed, teacher.metrics, 0, 0);
                teacherFinal.put(exp + "/" + seed, teacher.finalAccuracy());
            }
            try (Trained s = plan.train("residual_wider/net2net", seed,
                    () -> widenResidual(teacher.network, seed), studentCfg, data)) {
                add(points, RESIDUAL_WIDER, "net2net", seed, s.metrics, 0, 0);
            }
            try (Trained s = plan.train("residual_wider/random_init", seed, () -> init(full, seed + 3000), scratchCfg, data)) {
                add(points, RESIDUAL_WIDER, "random_init", seed, s.metrics, 0, 0);
            }
            try (Trained s = plan.train("residual_deeper/net2net", seed,
                    () -> deepenResidual(teacher.network, seed), studentCfg, data)) {
                add(points, RESIDUAL_DEEPER, "net2net", seed, s.metrics, 0, 0);
            }
            Architecture deeperArch;
            try (Network probe = deepenResidual(init(small, 0), 0)) {
                deeperArch = probe.architecture();
            }
            try (Trained s = plan.train("residual_deeper/random_init", seed, () -> init(deeperArch, seed + 4000), scratchCfg, data)) {
                add(points, RESIDUAL_DEEPER, "random_init", seed, s.metrics, 0, 0);
            }
        }
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

    /** Identity conv 3x3 + batchnorm + relu after relu1 and relu2; identity dense + relu after relu3. */
    static Network deepen(Network teacher, NDArray stats) {
        Network a = Net2DeeperNet.deepen(teacher, "relu1", new Net2DeeperNet.Options(3, true, stats, null));
        Network b = Net2DeeperNet.deepen(a, "relu2", new Net2DeeperNet.Options(3, true, stats, null));
        a.close();
        Network d = Net2DeeperNet.deepen(b, "relu3", new Net2DeeperNet.Options(1, false, null, null));
        b.close();
        return d;
    }

    static Network init(Architecture arch, long seed) {
        return Initialization.random(arch, seed, Step.Init.seeded(seed));
    }

    static void add(List<CurvePoint> points, String experiment, String method, int seed, List<EpochMetrics> metrics,
                    long examplesOffset, double secondsOffset) {
        for (EpochMetrics m : metrics) {
            long ex = m.examples() + examplesOffset;
            double s = m.seconds() + secondsOffset;
            if (m.testAccuracy() != null) {
                points.add(new CurvePoint(experiment, method, seed, m.epoch(), ex, s, CurvePoint.TEST_ACCURACY, m.testAccuracy()));
            }
            points.add(new CurvePoint(experiment, method, seed, m.epoch(), ex, s, CurvePoint.TEST_LOSS, m.testLoss()));
            if (!Double.isNaN(m.trainLoss())) {
                points.add(new CurvePoint(experiment, method, seed, m.epoch(), ex, s, CurvePoint.TRAIN_LOSS, m.trainLoss()));
            }
        }
    }

    /** A trained network and its curve. */
    static final class Trained implements AutoCloseable {
        final Network network;
        final List<EpochMetrics> metrics;

        Trained(Network network, List<EpochMetrics> metrics) {
            this.network = network;
            this.metrics = metrics;
        }

        double finalAccuracy() {
            return metrics.get(metrics.size() - 1).testAccuracy();
        }

        long examples() {
            return metrics.get(metrics.size() - 1).examples();
        }

        double seconds() {
            return metrics.get(metrics.size() - 1).seconds();
        }

        @Override
        public void close() {
            network.close();
        }
    }

    /** The runs of a replication, their directories, progress and ETA. */
    static final class Plan {
        final Config config;
        final Splits data;
        final Splits residualData;
        final NDArray statsBatch;
        final NDManager manager = NDManager.newBaseManager();
        final int totalRuns;
        int done;
        int resumedRuns;
        long examplesDone; // trained by this invocation: the ETA's rate
        long examplesTotal; // still to train when this invocation started, then as it goes
        final long startNanos = System.nanoTime();

        Plan(Config config, Splits data) {
            this.config = config;
            this.data = data;
            Profile p = config.profile();
            Dataset rTrain = p.residualTrainLimit() > 0 && p.residualTrainLimit() < data.train().size()
                    ? Subsets.limit(data.train(), p.residualTrainLimit(), 0) : data.train();
            Dataset rTest = p.residualTestLimit() > 0 && p.residualTestLimit() < data.test().size()
                    ? Subsets.testLimit(data.test(), p.residualTestLimit(), 0) : data.test();
            residualData = new Splits(rTrain, rTest);
            // per seed: the small teacher, then six runs of the student budget (three wider, the
            // full-width network that is also the deeper teacher, two deeper-and-wider); the
            // residual teacher and four residual students
            totalRuns = 12 * config.seeds();
            long n = data.train().size();
            examplesTotal = config.seeds() * (n * (p.teacherEpochs() + 6L * p.studentEpochs())
                    + rTrain.size() * (p.teacherEpochs() + 4L * p.studentEpochs()));
            statsBatch = Evaluation.Inputs.firstFeatures(manager, data.train(), Math.min(512, data.train().size()));
        }

        Trained train(String name, int seed, Supplier<Network> make, TrainConfig cfg) {
            return train(name, seed, make, cfg, data);
        }

        /** Trains a network (or resumes or reloads its finished run) in {@code out/runs/<name>/seed<k>}. */
        Trained train(String name, int seed, Supplier<Network> make, TrainConfig cfg, Splits data) {
            Path dir = config.out().resolve("runs").resolve(name).resolve("seed" + seed);
            done++;
            String label = "[" + done + "/" + totalRuns + "] " + name + " seed " + seed;
            Trainer.Options options = Trainer.Options.quiet()
                    .withOut(dir, true)
                    .withData("fashion-mnist (" + data.train().size() + " train, " + data.test().size() + " test)",
                            FashionMnist.rawPreprocessing().toJson())
                    .withProgress(new Labelled(label, data.train().size()));
            long runExamples = (long) cfg.epochs() * data.train().size();
            if (config.resume() && Trainer.isFinished(dir)) {
                config.log().accept(label + ": finished earlier, reading " + dir);
                Trainer.Result r = Trainer.load(dir);
                resumedRuns++;
                examplesTotal -= runExamples; // not work left for this invocation
                return new Trained(r.network(), r.metrics());
            }
            Trainer.Result r;
            if (config.resume() && Files.isRegularFile(dir.resolve(Checkpoint.STATE))) {
                config.log().accept(label + ": resuming from " + dir);
                r = Trainer.resume(data, null, options);
                resumedRuns++;
            } else {
                try (Network fresh = make.get()) {
                    r = Trainer.train(fresh, data, cfg, options);
                }
            }
            examplesDone += runExamples;
            return new Trained(r.network(), r.metrics());
        }

        /** Prefixes each epoch with the run's place in the plan and an ETA for the whole replication. */
        final class Labelled implements Progress {
            final String label;
            final Progress inner = Progress.console(System.err);
            final long epochExamples;

            Labelled(String label, long epochExamples) {
                this.label = label;
                this.epochExamples = epochExamples;
            }

            @Override
            public void startEpoch(int epoch, int epochs, int batches) {
                double elapsed = (System.nanoTime() - startNanos) / 1e9;
                long trained = examplesDone + epoch * epochExamples;
                String eta = trained == 0 ? "" : String.format(", ETA %s", duration(elapsed / trained * Math.max(0, examplesTotal - trained)));
                config.log().accept(String.format("%s: epoch %d/%d (elapsed %s%s)", label, epoch + 1, epochs, duration(elapsed), eta));
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

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
