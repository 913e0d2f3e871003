package net2net.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net2net.Net2NetException;
import net2net.data.Batches;
import net2net.data.Dataset;
import net2net.data.Seeds;
import net2net.data.Splits;
import net2net.io.OutputDirs;
import net2net.nn.DjlNetwork;
import net2net.nn.Network;
import net2net.nn.Step;

/**
 * Mini-batch SGD on a {@link Network}'s own arrays: after {@link #train} the network holds the
 * trained weights. With an output directory, a checkpoint (model, optimizer state, metrics) is
 * written atomically after every epoch, and {@link #resume} continues it with exactly the numbers
 * an uninterrupted run would have produced: batches, dropout masks and the learning rate depend
 * only on (seed, epoch, batch), and the momentum buffers are saved.
 */
public final class Trainer {
    private Trainer() {}

    /**
     * Where a run reports and saves.
     *
     * @param out checkpoint directory, or null for none
     * @param force replace an existing {@code out} (ignored by {@link #resume}, which rewrites it)
     * @param dataName recorded in the model's history, e.g. "fashion-mnist (limit 10000)"
     * @param preprocessing the input preprocessing to record in model.json, or null to keep the model's
     */
    public record Options(
            Path out,
            boolean force,
            String dataName,
            JsonObject preprocessing,
            MetricsListener listener,
            Progress progress) {
        public static Options quiet() {
            return new Options(null, false, "data", null, m -> {}, Progress.none());
        }

        public Options withOut(Path o, boolean f) {
            return new Options(o, f, dataName, preprocessing, listener, progress);
        }

        public Options withListener(MetricsListener l) {
            return new Options(out, force, dataName, preprocessing, l, progress);
        }

        public Options withData(String name, JsonObject pre) {
            return new Options(out, force, name, pre, listener, progress);
        }

        public Options withProgress(Progress p) {
            return new Options(out, force, dataName, preprocessing, listener, p);
        }
    }

    /**
     * The outcome of a run.
     *
     * @param network the trained network with the "train" history step and the preprocessing; the caller closes it
     * @param metrics every learning-curve point of the run, including those before a resume
     */
    public record Result(
            Network network,
            TrainConfig config,
            List<EpochMetrics> metrics,
            long examples,
            double seconds,
            double evalSeconds,
            StepTimes times) {
        public EpochMetrics last() {
            return metrics.get(metrics.size() - 1);
        }
    }

    /** Trains {@code network} in place from scratch (epoch 0). */
    public static Result train(Network network, Splits data, TrainConfig config, Options options) {
        if (options.out() != null) {
            OutputDirs.refuseExisting(options.out(), options.force());
        }
        JsonObject pre = options.preprocessing() != null ? options.preprocessing() : network.preprocessing();
        Run run = new Run(network, network.history(), pre, config, options.dataName(), 0, 0, 0, 0, new ArrayList<>());
        try (MomentumSgd sgd = new MomentumSgd(config.momentum(), config.weightDecay())) {
            return run.execute(data, sgd, options);
        }
    }

    /**
     * Continues the checkpoint in {@code options.out()} up to {@code epochs} total epochs (null:
     * the number it was started with), with its saved settings and preprocessing.
     */
    public static Result resume(Splits data, Integer epochs, Options options) {
        if (options.out() == null) {
            throw new Net2NetException("--resume needs --out, the directory of the run to continue");
        }
        Checkpoint.State state = Checkpoint.read(options.out());
        try (Network network = state.network();
                MomentumSgd sgd = new MomentumSgd(
                        state.config().momentum(), state.config().weightDecay())) {
            TrainConfig config =
                    epochs == null ? state.config() : state.config().withEpochs(epochs);
            if (state.completedEpochs() >= config.epochs()) {
                throw new Net2NetException(options.out() + " has already completed " + state.completedEpochs()
                        + " epochs; pass a larger --epochs to train further");
            }
            state.requireSameData(data);
            sgd.load(options.out().resolve(Checkpoint.OPTIMIZER));
            Run run = new Run(
                    network,
                    state.baseHistory(),
                    network.preprocessing(),
                    config,
                    state.dataName(),
                    state.completedEpochs(),
                    state.examples(),
                    state.seconds(),
                    state.evalSeconds(),
                    new ArrayList<>(state.metrics()));
            return run.execute(data, sgd, options);
        }
    }

    /** True when {@code dir} holds a checkpoint whose run has completed all its epochs. */
    public static boolean isFinished(Path dir) {
        Checkpoint.recover(dir);
        if (!java.nio.file.Files.isRegularFile(dir.resolve(Checkpoint.STATE))) {
            return false;
        }
        Checkpoint.State state = Checkpoint.read(dir);
        state.network().close();
        return state.completedEpochs() >= state.config().epochs();
    }

    /** A finished run read back, without training: its network (the caller closes it) and its curve. */
    public static Result load(Path dir) {
        Checkpoint.State state = Checkpoint.read(dir);
        return new Result(
                state.network(),
                state.config(),
                state.metrics(),
                state.examples(),
                state.seconds(),
                state.evalSeconds(),
                new StepTimes());
    }

    /** The mutable state of one run. */
    static final class Run {
        final Network network;
        final List<Step> baseHistory;
        final JsonObject preprocessing;
        final TrainConfig config;
        final String dataName;
        int completedEpochs;
        long examples;
        double seconds;
        double evalSeconds;
        final List<EpochMetrics> metrics;
        final StepTimes times = new StepTimes();

        Run(
                Network network,
                List<Step> baseHistory,
                JsonObject preprocessing,
                TrainConfig config,
                String dataName,
                int completedEpochs,
                long examples,
                double seconds,
                double evalSeconds,
                List<EpochMetrics> metrics) {
            this.network = network;
            this.baseHistory = baseHistory;
            this.preprocessing = preprocessing;
            this.config = config;
            this.dataName = dataName;
            this.completedEpochs = completedEpochs;
            this.examples = examples;
            this.seconds = seconds;
            this.evalSeconds = evalSeconds;
            this.metrics = metrics;
        }

        /** The epoch loop: batches, the learning-curve points and a checkpoint after every epoch. */
        Result execute(Splits data, MomentumSgd sgd, Options options) {
            Dataset train = data.train();
            Dataset test = data.test();
            Evaluation.requireCompatible(network, train);
            Evaluation.requireCompatible(network, test);
            DjlNetwork block = DjlNetwork.of(network);
            float[] buffer = new float[Math.min(config.batch(), train.size()) * train.sampleLength()];
            Model model = new Model(block, named(block.trainableParameters()), Losses.of(train), sgd, train, buffer);
            boolean fine = config.evalEveryBatches() > 0;
            if (fine && completedEpochs == 0) {
                record(
                        block,
                        test,
                        0,
                        Double.NaN,
                        options); // where the curve starts: the untrained (or teacher's) accuracy
            }
            for (int epoch = completedEpochs; epoch < config.epochs(); epoch++) {
                // Dropout masks come from the engine's generator: reseed per epoch so a resumed run draws the same
                // masks.
                Engine.getInstance().setRandomSeed((int) Seeds.derive(config.seed(), epoch));
                int[][] batches = Batches.epochBatches(train.size(), config.batch(), config.seed(), epoch);
                options.progress().startEpoch(epoch, config.epochs(), batches.length);
                double lossSum = 0;
                long clock = System.nanoTime();
                for (int b = 0; b < batches.length; b++) {
                    double lr = config.lrAt(epoch, b, batches.length);
                    float batchLoss = trainBatch(model, batches[b], lr, epoch, b, options.out());
                    lossSum += batchLoss;
                    examples += batches[b].length;
                    options.progress().batch(b + 1, lossSum / (b + 1));
                    if (fine && epoch == 0 && (b + 1) % config.evalEveryBatches() == 0 && b + 1 < batches.length) {
                        seconds += (System.nanoTime() - clock) / 1e9;
                        record(block, test, (double) (b + 1) / batches.length, lossSum / (b + 1), options);
                        clock = System.nanoTime();
                    }
                }
                seconds += (System.nanoTime() - clock) / 1e9;
                options.progress().endEpoch();
                completedEpochs = epoch + 1;
                record(block, test, completedEpochs, lossSum / batches.length, options);
                if (options.out() != null) {
                    try (Network annotated = annotated(data)) {
                        Checkpoint.write(options.out(), annotated, sgd, this, data);
                    }
                }
            }
            return new Result(annotated(data), config, List.copyOf(metrics), examples, seconds, evalSeconds, times);
        }

        /**
         * What every batch of a run shares: the block, its trainable parameters under their state_dict names, the
         * loss, the optimizer, the training split and the float buffer each batch is gathered into.
         */
        private record Model(
                DjlNetwork block,
                Map<String, Parameter> parameters,
                Loss loss,
                MomentumSgd sgd,
                Dataset train,
                float[] buffer) {}

        /**
         * One SGD step on one batch (as DJL's EasyTrain.trainBatch is to its fit): gather the batch, forward and
         * loss, backward, update, each phase timed into {@link #times}. The batch's arrays live in a sub-manager
         * closed at the end. A non-finite loss stops the run before backward, so the weights stay finite.
         *
         * @return the batch's mean loss
         */
        private float trainBatch(Model model, int[] batch, double lr, int epoch, int b, Path out) {
            StepTimes.Timer timer = times.start();
            try (NDManager m = network.manager().newSubManager()) {
                NDArray x = Evaluation.Inputs.features(m, model.train(), batch, model.buffer());
                NDArray y = Evaluation.Inputs.labels(m, model.train(), batch);
                timer.dataBuilt();
                float batchLoss;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray l = model.loss()
                            .evaluate(new NDList(y), new NDList(model.block().forward(x, true)));
                    timer.forwardDone();
                    batchLoss = l.getFloat();
                    if (!Float.isFinite(batchLoss)) {
                        throw diverged(epoch, b, batchLoss, out);
                    }
                    timer.lossRead();
                    collector.backward(l);
                    timer.backwardDone();
                }
                model.sgd().step(model.parameters(), lr, m);
                timer.stepDone();
                return batchLoss;
            }
        }

        /** The trainable parameters under their state_dict names (the optimizer state is saved by name). */
        private Map<String, Parameter> named(List<Parameter> trainable) {
            Map<String, Parameter> named = new LinkedHashMap<>();
            for (Parameter p : trainable) {
                network.weights().forEach((key, array) -> {
                    if (array == p.getArray()) {
                        named.put(key, p);
                    }
                });
            }
            if (named.size() != trainable.size()) {
                throw new IllegalStateException("the block's parameters are not the network's arrays");
            }
            return named;
        }

        private void record(DjlNetwork block, Dataset test, double epoch, double trainLoss, Options options) {
            long start = System.nanoTime();
            Evaluation.Result r = Evaluation.evaluate(block, network.manager(), test, Evaluation.DEFAULT_BATCH);
            evalSeconds += (System.nanoTime() - start) / 1e9;
            EpochMetrics m = new EpochMetrics(epoch, examples, seconds, trainLoss, r.loss(), r.accuracy());
            metrics.add(m);
            options.listener().onMetrics(m);
        }

        /** A copy of the network with the "train" history step and the preprocessing. */
        Network annotated(Splits data) {
            List<Step> history = new ArrayList<>(baseHistory);
            history.add(trainStep(data));
            return network.withHistory(history, preprocessing);
        }

        Step.Train trainStep(Splits data) {
            EpochMetrics last = metrics.isEmpty() ? null : metrics.get(metrics.size() - 1);
            return new Step.Train(
                    dataName,
                    data.train().size(),
                    data.test().size(),
                    Losses.name(data.train()),
                    completedEpochs,
                    config.toJson(),
                    examples,
                    seconds,
                    last == null ? null : last.testLoss(),
                    last == null ? null : last.testAccuracy(),
                    null);
        }

        private Net2NetException diverged(int epoch, int batch, float value, Path out) {
            String where = String.format(
                    Locale.ROOT,
                    "training diverged at epoch %d, batch %d (loss %s); lower --lr (now %s)",
                    epoch + 1,
                    batch + 1,
                    Float.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity",
                    config.lr());
            if (out == null) {
                return new Net2NetException(where);
            }
            return new Net2NetException(
                    completedEpochs == 0
                            ? where + "; no epoch completed, so nothing was written to " + out
                            : where + "; the last good checkpoint (epoch " + completedEpochs + ") is in " + out);
        }
    }
}
