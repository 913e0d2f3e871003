package net2net.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net2net.Net2NetException;
import net2net.data.Dataset;
import net2net.data.FashionMnist;
import net2net.data.Splits;
import net2net.data.Subsets;
import net2net.nn.Initialization;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.spec.Presets;
import net2net.train.StepTimes;
import net2net.train.TrainConfig;
import net2net.train.Trainer;
import net2net.transform.Net2DeeperNet;
import net2net.transform.Net2WiderNet;
import net2net.transform.Noise;
import net2net.transform.Verification;

/**
 * Measures, on this machine: training and inference throughput of fashionnet at batch 128 through
 * our trainer and through a minimal loop written directly on DJL, the latency of the transforms
 * against a plain copy of the same bytes, resident memory over five epochs, and data loading.
 */
public final class Benchmark {
    private Benchmark() {}

    public static final int BATCH = 128;
    public static final double LR = 0.01;

    /**
     * How much to measure.
     *
     * @param warmupBatches training batches run before any timing, in each loop
     * @param rounds        timed rounds; each runs our loop and the raw loop alternately, so that a
     *                      change in the machine's load hits both alike
     * @param roundBatches  training batches per loop per round
     * @param inferBatches  inference batches (batch 128) timed
     * @param denseWidth    width of the dense n-n-n network whose middle layer is widened to 2n
     * @param repeats       runs of each transform (the median is reported)
     * @param memorySamples training subset of the memory run (five epochs)
     * @param memoryTest    test subset evaluated after each epoch of the memory run
     */
    public record Settings(
            int warmupBatches,
            int rounds,
            int roundBatches,
            int inferBatches,
            int denseWidth,
            int repeats,
            int memorySamples,
            int memoryTest) {
        public static Settings full() {
            return new Settings(15, 3, 40, 100, 4096, 3, 10_000, 2_000);
        }

        /** A few seconds: for tests and a smoke check; its figures mean little. */
        public static Settings quick() {
            return new Settings(1, 1, 2, 2, 256, 1, 384, 256);
        }
    }

    public static final int MEMORY_EPOCHS = 5;

    public static JsonObject run(Settings s, Path dataDir, Consumer<String> log) {
        return run(s, dataDir, false, null, log);
    }

    /**
     * @param profileStep also record a few steps of the raw loop with libtorch's profiler ("step_profile")
     * @param trace       where to keep that Chrome trace, or null
     */
    public static JsonObject run(Settings s, Path dataDir, boolean profileStep, Path trace, Consumer<String> log) {
        JsonObject o = new JsonObject();
        o.addProperty("mode", s.equals(Settings.quick()) ? "quick" : "full");
        o.addProperty("load_avg_1m_at_start", Host.loadAverage());

        log.accept("bench: loading data");
        Data data = loadData(dataDir, s);
        o.addProperty("data", data.description);
        if (data.warmLoadMs >= 0) {
            o.addProperty("data_load_ms", data.warmLoadMs);
            o.addProperty("data_load_cold_ms", data.coldLoadMs);
        }

        Architecture fashionnet = Presets.get("fashionnet", 1.0);
        Dataset throughputSet = data.firstSamples(BATCH * s.roundBatches());
        Dataset warmupSet = data.firstSamples(BATCH * s.warmupBatches());
        Dataset tinyTest = data.testSamples(BATCH);

        // First, so that the peak is that of training, not of the 4096-wide dense network widened later.
        log.accept("bench: memory over " + MEMORY_EPOCHS + " epochs of " + s.memorySamples() + " samples");
        memory(o, s, data, fashionnet);

        log.accept("bench: training throughput (our loop and a raw DJL loop, " + s.rounds() + " alternating rounds)");
        double ourSeconds = 0;
        long ourSamples = 0;
        double ourCompute = 0;
        double rawSeconds = 0;
        long rawSamples = 0;
        try (Network ours = Initialization.random(fashionnet, 0, initStep());
                Network rawNet = Initialization.random(fashionnet, 0, initStep());
                RawDjlLoop raw = new RawDjlLoop(rawNet, throughputSet, BATCH, LR)) {
            trainOnce(ours, warmupSet, tinyTest, 0);
            raw.train(s.warmupBatches());
            for (int r = 0; r < s.rounds(); r++) {
                Trainer.Result result = trainOnce(ours, throughputSet, tinyTest, r + 1);
                ourSeconds += result.seconds();
                ourSamples += result.examples();
                StepTimes t = result.times();
                ourCompute += t.computeSeconds();
                long start = System.nanoTime();
                rawSamples += raw.train(s.roundBatches());
                rawSeconds += (System.nanoTime() - start) / 1e9;
            }
            o.addProperty("train_samples_per_s", ourSamples / ourSeconds);
            o.addProperty("raw_djl_train_samples_per_s", rawSamples / rawSeconds);
            o.addProperty("ours_over_raw_djl", (ourSamples / ourSeconds) / (rawSamples / rawSeconds));
            o.addProperty("overhead_share", clamp01(1 - ourCompute / ourSeconds));

            log.accept("bench: inference throughput");
            long start = System.nanoTime();
            long inferred = raw.infer(s.inferBatches());
            o.addProperty("infer_samples_per_s", inferred / ((System.nanoTime() - start) / 1e9));
        }
        o.addProperty("train_samples_timed", ourSamples);

        log.accept("bench: transforms");
        transforms(o, s, fashionnet);

        o.add(
                "transformers",
                TransformerBench.run(
                        s.equals(Settings.quick())
                                ? TransformerBench.Settings.quick()
                                : TransformerBench.Settings.full(),
                        log));

        if (profileStep || trace != null) {
            // Last, so that the profiler's own allocations cannot change the figures above.
            log.accept("bench: step profile (libtorch's profiler over " + s.roundBatches()
                    + " steps of the raw DJL loop)");
            try (Network net = Initialization.random(fashionnet, 0, initStep());
                    RawDjlLoop raw = new RawDjlLoop(net, throughputSet, BATCH, LR)) {
                raw.train(s.warmupBatches());
                o.add("step_profile", StepProfile.record(raw, s.roundBatches(), trace));
            }
        }
        o.addProperty("batch", BATCH);
        o.addProperty("threads", JniUtils.getNumThreads());
        o.addProperty("interop_threads", JniUtils.getNumInteropThreads());
        o.addProperty("engine", Engine.getInstance().getEngineName());
        o.addProperty("engine_version", Engine.getInstance().getVersion());
        o.addProperty("djl_version", Engine.getDjlVersion());
        o.addProperty("cpu", Host.cpuModel());
        o.addProperty("cores", Runtime.getRuntime().availableProcessors());
        o.addProperty("java", Runtime.version().toString());
        o.addProperty("load_avg_1m_at_end", Host.loadAverage());
        o.addProperty("malloc_env", Host.mallocEnvironment());
        o.addProperty("gc", Host.garbageCollectors());
        return o;
    }

    /** {@code bench --transformers}: the token-model figures and the machine they were measured on. */
    public static JsonObject transformersOnly(boolean quick, Consumer<String> log) {
        JsonObject o = new JsonObject();
        o.addProperty("mode", quick ? "quick" : "full");
        o.addProperty("load_avg_1m_at_start", Host.loadAverage());
        o.add(
                "transformers",
                TransformerBench.run(
                        quick ? TransformerBench.Settings.quick() : TransformerBench.Settings.full(), log));
        o.addProperty("threads", JniUtils.getNumThreads());
        o.addProperty("engine_version", Engine.getInstance().getVersion());
        o.addProperty("cpu", Host.cpuModel());
        o.addProperty("cores", Runtime.getRuntime().availableProcessors());
        o.addProperty("load_avg_1m_at_end", Host.loadAverage());
        return o;
    }

    /** One epoch of our trainer over {@code set}: the network goes on training from where it was. */
    private static Trainer.Result trainOnce(Network network, Dataset set, Dataset test, long seed) {
        TrainConfig config = TrainConfig.defaults(1, LR).withSeed(seed);
        Trainer.Result r = Trainer.train(network, new Splits(set, test), config, Trainer.Options.quiet());
        r.network().close();
        return r;
    }

    private static void transforms(JsonObject o, Settings s, Architecture fashionnet) {
        int n = s.denseWidth();
        Architecture dense = new Architecture(
                new Shape(n),
                List.of(new Layer.Dense("fc1", n, true), new Layer.Relu("relu1"), new Layer.Dense("fc2", n, true)));
        try (Network teacher = Initialization.random(dense, 0, initStep())) {
            Net2WiderNet.Options exact = Net2WiderNet.Options.defaults(0);
            Net2WiderNet.Options none = new Net2WiderNet.Options(Noise.NONE, 0, 0);
            long bytes;
            try (Network student = Net2WiderNet.widen(teacher, "fc1", 2 * n, exact)) { // warm-up, and the size
                bytes = 4L * student.architecture().parameterCount();
            }
            double exactMs = median(s.repeats(), () -> Net2WiderNet.widen(teacher, "fc1", 2 * n, exact));
            double noneMs = median(s.repeats(), () -> Net2WiderNet.widen(teacher, "fc1", 2 * n, none));
            double copyMs = copyMs(bytes, s.repeats());
            o.addProperty("dense_network", n + "-" + n + "-" + n + ", fc1 widened to " + 2 * n);
            o.addProperty("widen_dense_ms", exactMs);
            o.addProperty("widen_dense_noise_none_ms", noneMs);
            o.addProperty("copy_ms", copyMs);
            o.addProperty("copy_mb", bytes / 1e6);
            o.addProperty("widen_over_copy", exactMs / copyMs);
            o.addProperty("widen_noise_none_over_copy", noneMs / copyMs);
        }
        try (Network teacher = Initialization.random(fashionnet, 0, initStep());
                NDManager m = NDManager.newBaseManager()) {
            Net2WiderNet.Options exact = Net2WiderNet.Options.defaults(0);
            Net2WiderNet.Options none = new Net2WiderNet.Options(Noise.NONE, 0, 0);
            Net2WiderNet.widen(teacher, "conv2", 128, exact).close();
            o.addProperty(
                    "widen_conv_ms", median(s.repeats() * 3, () -> Net2WiderNet.widen(teacher, "conv2", 128, exact)));
            o.addProperty(
                    "widen_conv_noise_none_ms",
                    median(s.repeats() * 3, () -> Net2WiderNet.widen(teacher, "conv2", 128, none)));
            NDArray stats = Verification.randomInputs(m, fashionnet.input(), 256, 1);
            Net2DeeperNet.Options deeper = new Net2DeeperNet.Options(3, true, stats, null);
            Net2DeeperNet.deepen(teacher, "relu1", deeper).close();
            o.addProperty("deepen_ms", median(s.repeats() * 3, () -> Net2DeeperNet.deepen(teacher, "relu1", deeper)));
        }
    }

    /** Median wall time of {@code runs} calls, each closing what it made. */
    private static double median(int runs, Supplier<Network> op) {
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            Network made = op.get();
            ms[i] = (System.nanoTime() - start) / 1e6;
            made.close();
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }

    /** Median time to copy {@code bytes} of float32 once inside the engine (a fresh destination each time, as a transform has). */
    private static double copyMs(long bytes, int runs) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray source = m.ones(new Shape(bytes / 4));
            double[] ms = new double[runs + 1];
            for (int i = 0; i <= runs; i++) {
                long start = System.nanoTime();
                NDArray copy = source.duplicate();
                ms[i] = (System.nanoTime() - start) / 1e6;
                copy.close();
            }
            double[] timed = Arrays.copyOfRange(ms, 1, ms.length); // the first one warms the allocator
            Arrays.sort(timed);
            return timed[timed.length / 2];
        }
    }

    private static void memory(JsonObject o, Settings s, Data data, Architecture fashionnet) {
        Dataset train = data.memoryTrain(s.memorySamples());
        Dataset test = data.testSamples(s.memoryTest());
        System.gc();
        boolean reset = Host.resetPeakRss();
        double[] rss = new double[MEMORY_EPOCHS + 1];
        try (Network net = Initialization.random(fashionnet, 0, initStep())) {
            TrainConfig config = TrainConfig.defaults(MEMORY_EPOCHS, LR);
            Trainer.Options options = Trainer.Options.quiet().withListener(m -> {
                int epoch = (int) m.epoch();
                if (epoch == m.epoch() && epoch >= 1 && epoch <= MEMORY_EPOCHS) {
                    System.gc(); // the same point of the Java heap's cycle at every reading: growth left is native
                    rss[epoch] = Host.rssMb();
                }
            });
            Trainer.train(net, new Splits(train, test), config, options)
                    .network()
                    .close();
        }
        o.addProperty("rss_mb_peak", Host.peakRssMb());
        o.addProperty(
                "rss_peak_since", reset ? "start of the memory run" : "start of the process (clear_refs unavailable)");
        o.addProperty("rss_mb_epoch1", rss[1]);
        o.addProperty("rss_mb_epoch5", rss[MEMORY_EPOCHS]);
        o.addProperty("rss_growth_epoch1_to_5", rss[MEMORY_EPOCHS] / rss[1] - 1);
        o.addProperty("rss_note", "VmRSS after a full GC at the end of epochs 1 and 5; VmHWM for the peak");
    }

    private static double clamp01(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static Step initStep() {
        return new Step.Init("bench", null, null, null, null, null, null);
    }

    /** Fashion-MNIST, or random images of its shape and random labels when it is not on this machine. */
    static final class Data {
        final Splits splits;
        final boolean real;
        final String description;
        final double coldLoadMs;
        final double warmLoadMs;

        Data(Splits splits, boolean real, String description, double coldLoadMs, double warmLoadMs) {
            this.splits = splits;
            this.real = real;
            this.description = description;
            this.coldLoadMs = coldLoadMs;
            this.warmLoadMs = warmLoadMs;
        }

        Dataset firstSamples(int n) {
            int[] idx = new int[Math.min(n, splits.train().size())];
            Arrays.setAll(idx, i -> i);
            return splits.train().subset(idx);
        }

        Dataset testSamples(int n) {
            return real
                    ? Subsets.testLimit(splits.test(), Math.min(n, splits.test().size()), 0)
                    : splits.test().subset(prefix(Math.min(n, splits.test().size())));
        }

        Dataset memoryTrain(int n) {
            return real
                    ? Subsets.limit(splits.train(), n, 0)
                    : splits.train().subset(prefix(Math.min(n, splits.train().size())));
        }

        private static int[] prefix(int n) {
            int[] idx = new int[n];
            Arrays.setAll(idx, i -> i);
            return idx;
        }
    }

    static Data loadData(Path dataDir, Settings s) {
        FashionMnist.Lookup lookup = FashionMnist.Lookup.fromEnvironment().withDownload(false);
        Path dir;
        try {
            dir = FashionMnist.locate(dataDir, lookup);
        } catch (Net2NetException e) {
            if (dataDir != null) {
                throw e;
            }
            int trainSize = Math.max(s.memorySamples(), BATCH * Math.max(s.roundBatches(), s.warmupBatches()));
            return new Data(
                    randomSplits(trainSize, Math.max(s.memoryTest(), BATCH)),
                    false,
                    "random images of Fashion-MNIST's shape (Fashion-MNIST is not on this machine)",
                    -1,
                    -1);
        }
        long start = System.nanoTime();
        FashionMnist.read(dir);
        double cold = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        Splits splits = FashionMnist.read(dir);
        double warm = (System.nanoTime() - start) / 1e6;
        return new Data(splits, true, "fashion-mnist from " + dir, cold, warm);
    }

    static Splits randomSplits(int trainSize, int testSize) {
        SplittableRandom rng = new SplittableRandom(0);
        return new Splits(randomSet("random train", trainSize, rng), randomSet("random test", testSize, rng));
    }

    private static Dataset randomSet(String name, int n, SplittableRandom rng) {
        float[] x = new float[n * 28 * 28];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        int[] y = new int[n];
        Arrays.setAll(y, i -> rng.nextInt(10));
        return new Dataset(name, x, new int[] {1, 28, 28}, n, y, null, 10);
    }

    /** The keys every run reports (tests check them). */
    public static final List<String> KEYS = List.of(
            "train_samples_per_s",
            "infer_samples_per_s",
            "overhead_share",
            "raw_djl_train_samples_per_s",
            "widen_dense_ms",
            "widen_conv_ms",
            "deepen_ms",
            "copy_ms",
            "widen_over_copy",
            "rss_mb_peak",
            "rss_mb_epoch1",
            "rss_mb_epoch5",
            "threads",
            "engine_version",
            "cpu");
}
