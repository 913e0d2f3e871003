package net2net.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import net2net.Net2NetException;
import net2net.data.TextCorpus;
import net2net.io.OutputDirs;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.train.AdamW;
import net2net.train.Checkpoint;
import net2net.train.EpochMetrics;
import net2net.train.Evaluation;
import net2net.train.GrowInRun;
import net2net.train.Progress;
import net2net.train.Schedule;
import net2net.train.TrainConfig;
import net2net.train.Trainer;
import net2net.train.TrainingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train a model with SGD (momentum, weight decay; PyTorch's torch.optim.SGD) or AdamW (torch.optim.AdamW).",
            "Writes the model, metrics.csv, metrics.jsonl and a checkpoint to --out after every epoch (and at the end of --steps); --resume continues it."
        })
final class TrainCommand implements Callable<Integer> {
    @Mixin
    DeviceOption device;

    static final int DEFAULT_EPOCHS = 1;
    static final double DEFAULT_LR = 0.05;
    static final double DEFAULT_ADAMW_LR = 1e-3;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "The model to train (not with --resume, which continues --out).")
    Path model;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    GrowOptions growOptions;

    @Option(
            names = "--epochs",
            paramLabel = "E",
            description = "Epochs in total (with --resume: train up to E). Default: " + DEFAULT_EPOCHS + ".")
    Integer epochs;

    @Option(
            names = "--steps",
            paramLabel = "N",
            description = "Train N optimizer steps in all instead of whole epochs (the schedule spans the N steps;"
                    + " with --resume: train up to N). Not with --epochs.")
    Long steps;

    @Option(
            names = "--optimizer",
            paramLabel = "sgd|adamw",
            description = "sgd: SGD with momentum (torch.optim.SGD); adamw: AdamW (torch.optim.AdamW). Default: sgd.")
    String optimizer;

    @Option(
            names = "--lr",
            paramLabel = "LR",
            description = "Learning rate. Default: " + DEFAULT_LR + " (sgd), " + DEFAULT_ADAMW_LR + " (adamw).")
    Double lr;

    @Option(
            names = "--momentum",
            paramLabel = "M",
            description = "SGD's momentum. Default: " + TrainConfig.DEFAULT_MOMENTUM + ".")
    Double momentum;

    @Option(
            names = "--weight-decay",
            paramLabel = "W",
            description = "sgd: L2 penalty on every trainable parameter (default " + TrainConfig.DEFAULT_WEIGHT_DECAY
                    + "); adamw: decoupled decay, w -= lr W w (default " + AdamW.DEFAULT_WEIGHT_DECAY + ").")
    Double weightDecay;

    @Option(
            names = "--beta1",
            paramLabel = "B1",
            description = "AdamW's betas[0], the first moment's decay. Default: " + AdamW.DEFAULT_BETA1 + ".")
    Double beta1;

    @Option(
            names = "--beta2",
            paramLabel = "B2",
            description = "AdamW's betas[1], the second moment's decay. Default: " + AdamW.DEFAULT_BETA2 + ".")
    Double beta2;

    @Option(
            names = "--eps",
            paramLabel = "E",
            description = "AdamW's eps, added to sqrt(v_hat). Default: " + AdamW.DEFAULT_EPS + ".")
    Double eps;

    @Option(
            names = "--decay-group",
            paramLabel = "all|matrices",
            description = "Which parameters AdamW decays: all (one parameter group, PyTorch's default) or matrices"
                    + " (weights and kernels of 2+ dimensions; biases and norms not, as nanoGPT). Default: all.")
    String decayGroup;

    @Option(
            names = "--batch",
            paramLabel = "B",
            description = "Mini-batch size. Default: " + TrainConfig.DEFAULT_BATCH + ".")
    Integer batch;

    @Option(
            names = "--schedule",
            paramLabel = "warmup-cosine|cosine|step|none",
            description =
                    "Learning-rate schedule: warmup-cosine (linear warmup over 3%% of the steps, then cosine to 0 at the end of the run (--epochs or --steps); the default); "
                            + "cosine (to 0, per batch); step (x0.1 at 50%% and 75%% of the epochs); none.")
    String schedule;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the batch order and dropout. Default: 0.")
    Long seed;

    @Option(
            names = "--eval-every",
            paramLabel = "N",
            description = "Also evaluate every N batches of the first epoch. Default: 0 (per epoch only).")
    Integer evalEvery;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Output directory: the trained model, metrics and checkpoint.")
    Path out;

    @Option(names = "--force", description = "Replace --out if it exists.")
    boolean force;

    @Option(names = "--resume", description = "Continue the interrupted or finished run in --out, with its settings.")
    boolean resume;

    @Option(names = "--json", description = "Print one JSON object with the final metrics.")
    boolean json;

    @Override
    public Integer call() {
        device.apply();
        Trainer.Options options = new Trainer.Options(
                out, force, dataOptions.label(), null, m -> Output.log(m.describe()), Progress.console(Output.ERR));
        Trainer.Result result;
        if (resume) {
            if (model != null) {
                throw new Net2NetException("--resume continues the model in --out " + out + "; drop --model");
            }
            TrainConfig saved = Checkpoint.config(out);
            requireUnchanged(saved);
            TrainingData data;
            if (TextData.requested(dataOptions)) {
                try (Network checkpoint = ModelFiles.load(out)) {
                    data = TextData.forModel(dataOptions, checkpoint);
                }
                Output.log("resuming " + out + " on " + describe((TrainingData.Text) data));
            } else {
                JsonObject pre = Checkpoint.preprocessing(out);
                DataOptions.Loaded loaded = dataOptions.load(pre);
                data = TrainingData.of(loaded.splits());
                Output.log("resuming " + out + " on " + loaded.description());
            }
            TrainConfig goal = steps != null
                    ? saved.withSteps(steps)
                    : epochs != null && !saved.bySteps() ? saved.withEpochs(epochs) : saved;
            int perEpoch = data.batchesPerEpoch(goal.batch());
            growOptions.resumeWith(Checkpoint.growthPlan(out));
            try (GrowInRun growth = growOptions.listener(null, perEpoch, goal.totalSteps(perEpoch), goal.seed())) {
                result = Trainer.resume(data, epochs, steps, GrowOptions.with(options, growth, data, goal.batch()));
            }
        } else {
            if (model == null) {
                throw new Net2NetException("give --model DIR (the model to train), or --resume to continue --out");
            }
            OutputDirs.refuseExisting(out, force);
            TrainConfig config = config();
            try (Network network = ModelFiles.load(model)) {
                if (TextData.requested(dataOptions)) {
                    TrainingData.Text text = (TrainingData.Text) TextData.forModel(dataOptions, network);
                    Output.log("training " + model + " on " + describe(text));
                    int textPerEpoch = text.batchesPerEpoch(config.batch());
                    try (GrowInRun growth = growOptions.listener(
                            network, textPerEpoch, config.totalSteps(textPerEpoch), config.seed())) {
                        result = Trainer.train(
                                network,
                                text,
                                config,
                                GrowOptions.with(
                                        options.withData(
                                                text.corpus().name(),
                                                TextCorpus.preprocessing(
                                                        text.corpus().vocabulary())),
                                        growth,
                                        text,
                                        config.batch()));
                    }
                    try (Network trained = result.network()) {
                        print(result);
                    }
                    return 0;
                }
                DataOptions.Loaded data = dataOptions.load(network.preprocessing());
                Evaluation.requireCompatible(network, data.splits().train());
                Output.log("training " + model + " on " + data.description());
                TrainingData trainingData = TrainingData.of(data.splits());
                int perEpoch = trainingData.batchesPerEpoch(config.batch());
                try (GrowInRun growth =
                        growOptions.listener(network, perEpoch, config.totalSteps(perEpoch), config.seed())) {
                    result = Trainer.train(
                            network,
                            trainingData,
                            config,
                            GrowOptions.with(
                                    options.withData(
                                            dataOptions.label(),
                                            data.preprocessing().toJson()),
                                    growth,
                                    trainingData,
                                    config.batch()));
                }
            }
        }
        try (Network trained = result.network()) {
            print(result);
        }
        return 0;
    }

    /** The settings of a new run: the options given, the optimizer's defaults for the others. */
    private TrainConfig config() {
        TrainConfig.Kind kind = optimizer == null ? TrainConfig.Kind.SGD : TrainConfig.Kind.parse(optimizer);
        if (steps != null && epochs != null) {
            throw new Net2NetException("give --epochs or --steps, not both: --steps N trains N optimizer steps");
        }
        if (steps != null && steps < 1) {
            throw new Net2NetException("--steps must be at least 1, got " + steps);
        }
        boolean adam = kind == TrainConfig.Kind.ADAMW;
        if (adam && momentum != null) {
            throw new Net2NetException("--momentum is SGD's; AdamW's first moment decays with --beta1");
        }
        if (!adam && (beta1 != null || beta2 != null || eps != null || decayGroup != null)) {
            throw new Net2NetException("--beta1, --beta2, --eps and --decay-group are AdamW's; add --optimizer adamw");
        }
        if (decayGroup != null && !decayGroup.equals("all") && !decayGroup.equals("matrices")) {
            throw new Net2NetException("unknown --decay-group '" + decayGroup + "'; use all or matrices");
        }
        TrainConfig config = new TrainConfig(
                or(epochs, DEFAULT_EPOCHS),
                or(lr, adam ? DEFAULT_ADAMW_LR : DEFAULT_LR),
                or(momentum, TrainConfig.DEFAULT_MOMENTUM),
                or(weightDecay, adam ? AdamW.DEFAULT_WEIGHT_DECAY : TrainConfig.DEFAULT_WEIGHT_DECAY),
                or(batch, TrainConfig.DEFAULT_BATCH),
                schedule == null ? Schedule.WARMUP_COSINE : Schedule.parse(schedule),
                or(seed, 0L),
                or(evalEvery, 0));
        if (adam) {
            config = config.withAdamW(new TrainConfig.AdamWSettings(
                    or(beta1, AdamW.DEFAULT_BETA1),
                    or(beta2, AdamW.DEFAULT_BETA2),
                    or(eps, AdamW.DEFAULT_EPS),
                    "matrices".equals(decayGroup)));
        }
        return steps == null ? config : config.withSteps(steps);
    }

    /** A resumed run keeps its settings (only --epochs or --steps may grow): anything else would not be the same run. */
    private void requireUnchanged(TrainConfig saved) {
        List<String> changed = new ArrayList<>();
        differs(changed, "--optimizer", optimizer, saved.optimizer().key());
        differs(changed, "--lr", lr, saved.lr());
        if (saved.optimizer() == TrainConfig.Kind.SGD) {
            differs(changed, "--momentum", momentum, saved.momentum());
        } else {
            differs(changed, "--momentum", momentum, null);
        }
        TrainConfig.AdamWSettings a = saved.adamw();
        differs(changed, "--beta1", beta1, a == null ? null : a.beta1());
        differs(changed, "--beta2", beta2, a == null ? null : a.beta2());
        differs(changed, "--eps", eps, a == null ? null : a.eps());
        differs(changed, "--decay-group", decayGroup, a == null ? null : a.decayGroup());
        differs(changed, "--weight-decay", weightDecay, saved.weightDecay());
        differs(changed, "--batch", batch, saved.batch());
        differs(changed, "--schedule", schedule, saved.schedule().key());
        differs(changed, "--seed", seed, saved.seed());
        differs(changed, "--eval-every", evalEvery, saved.evalEveryBatches());
        if (!changed.isEmpty()) {
            throw new Net2NetException(
                    out + " was trained with " + String.join(", ", changed)
                            + "; --resume continues with the saved settings, so drop these options (only --epochs or --steps may change)");
        }
    }

    private static void differs(List<String> changed, String option, Object given, Object saved) {
        if (given != null && !given.equals(saved)) {
            changed.add(saved == null ? "no " + option : option + " " + saved);
        }
    }

    /** One line about a corpus: its name, files, characters and vocabulary. */
    static String describe(TrainingData.Text text) {
        TextCorpus c = text.corpus();
        return String.format(
                Locale.ROOT,
                "%s (%d file%s, %,d training and %,d validation characters, %d in the vocabulary)",
                c.name(),
                c.files().size(),
                c.files().size() == 1 ? "" : "s",
                c.trainCharacters(),
                c.validationCharacters(),
                c.vocabulary().size());
    }

    private void print(Trainer.Result r) {
        EpochMetrics last = r.last();
        boolean text = TextData.requested(dataOptions);
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("model", out.toString());
            o.add("config", r.config().toJson());
            o.addProperty("epochs", last.epoch());
            if (r.steps() >= 0) {
                o.addProperty("steps", r.steps());
            }
            o.addProperty("examples", r.examples());
            o.addProperty("seconds", r.seconds());
            o.addProperty("eval_seconds", r.evalSeconds());
            o.addProperty("train_loss", last.trainLoss());
            o.addProperty("test_loss", last.testLoss());
            if (last.testAccuracy() != null) {
                o.addProperty("test_accuracy", last.testAccuracy());
            }
            if (text) {
                o.addProperty("bits_per_char", last.testLoss() / Math.log(2));
            }
            o.addProperty("metrics", out.resolve(Checkpoint.METRICS_CSV).toString());
            o.addProperty("metrics_jsonl", out.resolve(Checkpoint.METRICS_JSONL).toString());
            Output.json(o);
        } else {
            Output.OUT.printf(
                    Locale.ROOT,
                    "trained %s: %s, %d steps, %d examples, %.1f s%n",
                    out,
                    last.epoch() == Math.rint(last.epoch())
                            ? (long) last.epoch() + " epochs"
                            : String.format(Locale.ROOT, "%.3f epochs", last.epoch()),
                    r.steps(),
                    r.examples(),
                    r.seconds());
            Output.OUT.printf(Locale.ROOT, "test_loss %.6g%n", last.testLoss());
            if (text) {
                Output.OUT.printf(Locale.ROOT, "bits_per_char %.4f%n", last.testLoss() / Math.log(2));
            }
            if (last.testAccuracy() != null) {
                Output.OUT.printf(Locale.ROOT, "test_accuracy %.4f%n", last.testAccuracy());
            }
            Output.OUT.println("metrics " + out.resolve(Checkpoint.METRICS_CSV));
        }
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
