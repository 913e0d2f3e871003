package net2net.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net2net.Net2NetException;
import net2net.data.Seeds;
import net2net.data.Splits;
import net2net.io.OutputDirs;
import net2net.nn.DjlNetwork;
import net2net.nn.Network;
import net2net.nn.Step;

/**
 * Mini-batch training (SGD with momentum or AdamW, {@link Optimizer}) on a {@link Network}'s own
 * arrays: after {@link #train} the network holds the trained weights (unless the run grew it: then
 * the {@link Result}'s network is the grown, trained one, and the caller's holds the weights it had
 * when it grew). With an output directory, a checkpoint (model, optimizer state, metrics) is written
 * atomically after every epoch and at the end of a --steps run, and {@link #resume} continues it with
 * exactly the numbers an uninterrupted run would have produced: batches, dropout masks and the
 * learning rate depend only on (seed, epoch, batch), and the optimizer state is saved.
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
     * @param growth asked after every optimizer step and at every epoch end whether to grow the network
     */
    public record Options(
            Path out,
            boolean force,
            String dataName,
            JsonObject preprocessing,
            MetricsListener listener,
            Progress progress,
            GrowthListener growth) {
        public Options {
            if (growth == null) {
                growth = GrowthListener.NONE;
            }
        }

        public Options(
                Path out,
                boolean force,
                String dataName,
                JsonObject preprocessing,
                MetricsListener listener,
                Progress progress) {
            this(out, force, dataName, preprocessing, listener, progress, GrowthListener.NONE);
        }

        public static Options quiet() {
            return new Options(null, false, "data", null, m -> {}, Progress.none());
        }

        public Options withOut(Path o, boolean f) {
            return new Options(o, f, dataName, preprocessing, listener, progress, growth);
        }

        public Options withListener(MetricsListener l) {
            return new Options(out, force, dataName, preprocessing, l, progress, growth);
        }

        public Options withData(String name, JsonObject pre) {
            return new Options(out, force, name, pre, listener, progress, growth);
        }

        public Options withProgress(Progress p) {
            return new Options(out, force, dataName, preprocessing, listener, p, growth);
        }

        /** Grows the network inside the run when {@code g} says so (docs/optimizer-growth.md). */
        public Options withGrowth(GrowthListener g) {
            return new Options(out, force, dataName, preprocessing, listener, progress, g);
        }
    }

    /**
     * The outcome of a run.
     *
     * @param network the trained (and, if the run grew it, grown) network with the "train" history
     *     step and the preprocessing; the caller closes it
     * @param metrics every learning-curve point of the run, including those before a resume
     * @param steps optimizer steps taken in the whole run
     */
    public record Result(
            Network network,
            TrainConfig config,
            List<EpochMetrics> metrics,
            long examples,
            double seconds,
            double evalSeconds,
            StepTimes times,
            long steps) {
        public Result(
                Network network,
                TrainConfig config,
                List<EpochMetrics> metrics,
                long examples,
                double seconds,
                double evalSeconds,
                StepTimes times) {
            this(network, config, metrics, examples, seconds, evalSeconds, times, -1);
        }

        public EpochMetrics last() {
            return metrics.get(metrics.size() - 1);
        }
    }

    /** Trains {@code network} in place from scratch (epoch 0). */
    public static Result train(Network network, Splits data, TrainConfig config, Options options) {
        return train(network, TrainingData.of(data), config, options);
    }

    /** Trains {@code network} in place from scratch (step 0) on samples or text. */
    public static Result train(Network network, TrainingData data, TrainConfig config, Options options) {
        if (options.out() != null) {
            OutputDirs.refuseExisting(options.out(), options.force());
        }
        JsonObject pre = options.preprocessing() != null ? options.preprocessing() : network.preprocessing();
        Run run = new Run(
                network,
                false,
                network.history(),
                pre,
                config,
                options.dataName(),
                0,
                0,
                0,
                0,
                0,
                0,
                new ArrayList<>(),
                new JsonArray());
        try (Optimizer optimizer = config.newOptimizer()) {
            return run.execute(data, optimizer, options);
        } finally {
            run.closeOwned();
        }
    }

    /**
     * Continues the checkpoint in {@code options.out()} up to {@code epochs} total epochs (null:
     * the number it was started with), with its saved settings and preprocessing.
     */
    public static Result resume(Splits data, Integer epochs, Options options) {
        return resume(TrainingData.of(data), epochs, null, options);
    }

    /**
     * Continues the checkpoint in {@code options.out()} up to {@code epochs} epochs or {@code steps}
     * steps in all (null: the run's own bound), with its saved settings and preprocessing.
     */
    public static Result resume(TrainingData data, Integer epochs, Long steps, Options options) {
        if (options.out() == null) {
            throw new Net2NetException("--resume continues a run in --out, the directory of the run to continue");
        }
        Checkpoint.State state = Checkpoint.read(options.out());
        Network network;
        try (Network saved = state.network()) {
            // the live network carries the history before this run, as in train(): a growth adds its step to that
            network = saved.withHistory(state.baseHistory(), saved.preprocessing());
        }
        Run run = null;
        try {
            TrainConfig config = state.config();
            if (steps != null) {
                config = config.withSteps(steps);
            } else if (epochs != null) {
                if (config.bySteps()) {
                    throw new Net2NetException(
                            options.out() + " is a run of " + config.steps() + " steps; pass --steps, not --epochs");
                }
                config = config.withEpochs(epochs);
            }
            state.requireSameData(data);
            int batches = data.batchesPerEpoch(config.batch());
            long done = state.steps(batches);
            if (done >= config.totalSteps(batches)) {
                throw new Net2NetException(options.out() + " has already completed "
                        + (config.bySteps()
                                ? done + " steps; pass a larger --steps"
                                : state.completedEpochs() + " epochs; pass a larger --epochs")
                        + " to train further");
            }
            run = new Run(
                    network,
                    true,
                    state.baseHistory(),
                    network.preprocessing(),
                    config,
                    state.dataName(),
                    state.completedEpochs(),
                    done,
                    state.epochLossSum(),
                    state.examples(),
                    state.seconds(),
                    state.evalSeconds(),
                    new ArrayList<>(state.metrics()),
                    state.growths());
            try (Optimizer optimizer = config.newOptimizer()) {
                optimizer.load(options.out().resolve(Checkpoint.OPTIMIZER));
                return run.execute(data, optimizer, options);
            }
        } finally {
            if (run != null) {
                run.closeOwned();
            } else {
                network.close();
            }
        }
    }

    /** True when {@code dir} holds a checkpoint whose run has completed all its epochs (or steps). */
    public static boolean isFinished(Path dir) {
        Checkpoint.recover(dir);
        if (!Files.isRegularFile(dir.resolve(Checkpoint.STATE))) {
            return false;
        }
        Checkpoint.State state = Checkpoint.read(dir);
        state.network().close();
        return state.config().bySteps()
                ? state.completedSteps() != null
                        && state.completedSteps() >= state.config().steps()
                : state.completedEpochs() >= state.config().epochs();
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
                new StepTimes(),
                state.completedSteps() == null ? -1 : state.completedSteps());
    }

    /** The mutable state of one run. */
    static final class Run {
        /** The network being trained: the caller's, or after a growth (or in a resume) the trainer's own. */
        Network network;
        /** Whether the trainer closes {@link #network}: never the caller's. */
        boolean owned;

        List<Step> baseHistory;
        final JsonObject preprocessing;
        final TrainConfig config;
        final String dataName;
        int completedEpochs;
        /** Optimizer steps done in the whole run. */
        long steps;
        /** The sum of the batch losses of the current epoch so far, when a run stops mid-epoch (--steps). */
        double epochLossSum;

        long examples;
        double seconds;
        double evalSeconds;
        final List<EpochMetrics> metrics;
        /** Where the network grew: one object per growth, for the record. */
        final JsonArray growths;

        final StepTimes times = new StepTimes();
        JsonObject dataRecord;
        /** The growth listener's plan, recorded in each checkpoint for a resume (null: none). */
        JsonObject growthPlan;

        Run(
                Network network,
                boolean owned,
                List<Step> baseHistory,
                JsonObject preprocessing,
                TrainConfig config,
                String dataName,
                int completedEpochs,
                long steps,
                double epochLossSum,
                long examples,
                double seconds,
                double evalSeconds,
                List<EpochMetrics> metrics,
                JsonArray growths) {
            this.network = network;
            this.owned = owned;
            this.baseHistory = baseHistory;
            this.preprocessing = preprocessing;
            this.config = config;
            this.dataName = dataName;
            this.completedEpochs = completedEpochs;
            this.steps = steps;
            this.epochLossSum = epochLossSum;
            this.examples = examples;
            this.seconds = seconds;
            this.evalSeconds = evalSeconds;
            this.metrics = metrics;
            this.growths = growths;
        }

        void closeOwned() {
            if (owned) {
                network.close();
            }
        }

        /**
         * The epoch loop: batches, the learning-curve points and a checkpoint after every epoch (and at
         * the end of a --steps run), the growth listener asked after every step and at every epoch end.
         */
        Result execute(TrainingData data, Optimizer optimizer, Options options) {
            growthPlan = options.growth().plan();
            data.requireCompatible(network);
            dataRecord = data.describe();
            int perEpoch = data.batchesPerEpoch(config.batch());
            long total = config.totalSteps(perEpoch);
            int epochs = Math.toIntExact((total + perEpoch - 1) / perEpoch);
            Model model = model(data, optimizer);
            boolean fine = config.evalEveryBatches() > 0;
            if (fine && steps == 0) {
                record(
                        model.block(),
                        data,
                        0,
                        Double.NaN,
                        options); // where the curve starts: the untrained (or teacher's) accuracy
            }
            int epoch = Math.toIntExact(steps / perEpoch);
            int first = Math.toIntExact(steps % perEpoch);
            for (; steps < total; epoch++, first = 0) {
                // Dropout masks come from the engine's generator: reseed per epoch so a resumed run draws the same
                // masks.
                Engine.getInstance().setRandomSeed((int) Seeds.derive(config.seed(), epoch));
                TrainingData.Epoch plan = data.epoch(config.batch(), config.seed(), epoch);
                int batches = plan.batches();
                int last = (int) Math.min(batches, total - (long) epoch * batches);
                options.progress().startEpoch(epoch, epochs, last);
                double lossSum = first > 0 ? epochLossSum : 0;
                long clock = System.nanoTime();
                for (int b = first; b < last; b++) {
                    double lr = config.lrAtStep(steps, epoch, b, batches);
                    float batchLoss = trainBatch(model, plan, lr, epoch, b, options.out());
                    lossSum += batchLoss;
                    steps++;
                    options.progress().batch(b + 1, lossSum / (b + 1));
                    if (fine && epoch == 0 && (b + 1) % config.evalEveryBatches() == 0 && b + 1 < batches) {
                        seconds += (System.nanoTime() - clock) / 1e9;
                        record(model.block(), data, (double) (b + 1) / batches, lossSum / (b + 1), options);
                        clock = System.nanoTime();
                    }
                    model = grow(new GrowthListener.Point(steps, epoch, false), data, model, options);
                }
                seconds += (System.nanoTime() - clock) / 1e9;
                options.progress().endEpoch();
                boolean whole = last == batches;
                if (whole) {
                    completedEpochs = epoch + 1;
                    epochLossSum = 0;
                    record(model.block(), data, completedEpochs, lossSum / batches, options);
                    model = grow(new GrowthListener.Point(steps, completedEpochs, true), data, model, options);
                } else {
                    // a --steps run ending inside an epoch: the curve's point sits at the fraction reached
                    epochLossSum = lossSum;
                    record(model.block(), data, epoch + (double) last / batches, lossSum / last, options);
                }
                if (options.out() != null) {
                    try (Network annotated = annotated(data)) {
                        Checkpoint.write(options.out(), annotated, optimizer, this, data);
                    }
                }
            }
            return new Result(
                    annotated(data), config, List.copyOf(metrics), examples, seconds, evalSeconds, times, steps);
        }

        /** The block over the current network, its parameters by name and the run's optimizer. */
        private Model model(TrainingData data, Optimizer optimizer) {
            DjlNetwork block = DjlNetwork.of(network);
            return new Model(block, named(block.trainableParameters()), optimizer, data);
        }

        /**
         * Asks the growth listener; on a growth, continues with the grown network: a new block over its arrays,
         * the optimizer's state replaced by the listener's, the network the trainer had (if its own) closed.
         */
        private Model grow(GrowthListener.Point point, TrainingData data, Model model, Options options) {
            GrowthListener.Grown grown = options.growth().at(point, network, model.optimizer());
            if (grown == null) {
                return model;
            }
            data.requireCompatible(grown.network());
            model.optimizer().setState(grown.state());
            Network previous = network;
            long before = parameters(previous);
            network = grown.network();
            if (owned) {
                previous.close();
            }
            owned = true;
            baseHistory = network.history();
            JsonObject g = new JsonObject();
            g.addProperty("step", point.steps());
            g.addProperty("epoch", point.epochs());
            g.addProperty("epoch_end", point.epochEnd());
            g.addProperty("weights_before", before);
            g.addProperty("weights_after", parameters(network));
            growths.add(g);
            return model(data, model.optimizer());
        }

        private static long parameters(Network n) {
            return n.architecture().parameterShapes().values().stream()
                    .mapToLong(s -> s.size())
                    .sum();
        }

        /**
         * What every batch of a run shares: the block, its trainable parameters under their state_dict names, the
         * optimizer and the data.
         */
        private record Model(
                DjlNetwork block, Map<String, Parameter> parameters, Optimizer optimizer, TrainingData data) {}

        /**
         * One optimizer step on one batch (as DJL's EasyTrain.trainBatch is to its fit): gather the batch, forward
         * and loss, backward, update, each phase timed into {@link #times}. The batch's arrays live in a sub-manager
         * closed at the end. A non-finite loss stops the run before backward, so the weights stay finite.
         *
         * @return the batch's mean loss
         */
        private float trainBatch(Model model, TrainingData.Epoch plan, double lr, int epoch, int b, Path out) {
            StepTimes.Timer timer = times.start();
            try (NDManager m = network.manager().newSubManager()) {
                TrainingData.Batch batch = plan.batch(m, b);
                timer.dataBuilt();
                float batchLoss;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray l = model.data().loss(batch.labels(), model.block().forward(batch.inputs(), true));
                    timer.forwardDone();
                    batchLoss = l.getFloat();
                    if (!Float.isFinite(batchLoss)) {
                        throw diverged(epoch, b, batchLoss, out);
                    }
                    timer.lossRead();
                    collector.backward(l);
                    timer.backwardDone();
                }
                model.optimizer().step(model.parameters(), lr, m);
                timer.stepDone();
                examples += batch.examples();
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

        private void record(DjlNetwork block, TrainingData data, double epoch, double trainLoss, Options options) {
            long start = System.nanoTime();
            Evaluation.Result r = data.evaluate(block, network.manager());
            evalSeconds += (System.nanoTime() - start) / 1e9;
            EpochMetrics m = new EpochMetrics(epoch, examples, seconds, trainLoss, r.loss(), r.accuracy());
            metrics.add(m);
            options.listener().onMetrics(m);
        }

        /** A copy of the network with the "train" history step and the preprocessing. */
        Network annotated(TrainingData data) {
            List<Step> history = new ArrayList<>(baseHistory);
            history.add(trainStep(data));
            return network.withHistory(history, preprocessing);
        }

        Step.Train trainStep(TrainingData data) {
            EpochMetrics last = metrics.isEmpty() ? null : metrics.get(metrics.size() - 1);
            JsonObject settings = config.toJson();
            if (config.bySteps()) {
                settings.addProperty("completed_steps", steps);
            }
            if (growths.size() > 0) {
                settings.add("growth", growths.deepCopy());
            }
            if (dataRecord != null) {
                settings.add("data_files", dataRecord.deepCopy());
            }
            return new Step.Train(
                    dataName,
                    data.trainSize(),
                    data.testSize(),
                    data.lossName(),
                    completedEpochs,
                    settings,
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
