package net2net.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net2net.Net2NetException;
import net2net.data.Dataset;
import net2net.data.NotebookData;
import net2net.data.Splits;
import net2net.data.Standardized;
import net2net.nn.DjlNetwork;
import net2net.nn.Initialization;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.spec.Presets;
import net2net.train.EpochMetrics;
import net2net.train.Evaluation;
import net2net.train.Schedule;
import net2net.train.TrainConfig;
import net2net.train.Trainer;
import net2net.transform.Net2DeeperNet;
import net2net.transform.Net2WiderNet;
import net2net.transform.Verification;

/**
 * The seed notebook, step by step, then done properly.
 *
 * <p>1. As the notebook did it: a 4-10-1 MLP without biases on raw inputs (up to 2000 in size),
 * plain SGD at lr 0.01, batch 32, 10 epochs; widened to 20 and trained 30 more. On raw inputs the
 * first steps kill every hidden relu, so teacher and student are the same constant function and
 * the notebook's "same loss" check compares two constants.
 *
 * <p>2. Done properly: standardised inputs, biases, momentum. Net2WiderNet and Net2DeeperNet on a
 * teacher that computes a real function, exact to float rounding; the notebook's own widening on
 * the same teacher, which is not; and each student against the same architecture from random
 * initialisation, trained alike.
 */
public final class NotebookExperiment {
    private NotebookExperiment() {}

    /** @param log receives one line per step, for progress */
    public record Config(long seed, int teacherEpochs, int studentEpochs, Consumer<String> log) {
        public static Config defaults(long seed, Consumer<String> log) {
            return new Config(seed, 10, 30, log);
        }
    }

    /** Per-epoch test losses of one model, for figures. */
    public record Curve(String method, List<EpochMetrics> metrics) {}

    public record Outcome(JsonObject json, List<Curve> curves) {}

    static final double NOTEBOOK_LR = 0.01;
    static final int NOTEBOOK_BATCH = 32;

    public static Outcome run(Config c) {
        JsonObject json = new JsonObject();
        json.add("notebook", notebook(c));
        List<Curve> curves = new ArrayList<>();
        json.add("proper", proper(c, curves));
        return new Outcome(json, curves);
    }

    /** Initialisations the notebook recipe is tried with: on raw inputs it sometimes diverges. */
    static final int NOTEBOOK_INITS = 10;

    /**
     * The notebook's recipe from {@link #NOTEBOOK_INITS} initialisations: how many diverge, how many
     * end with every hidden unit dead, and the details of the first that does not diverge.
     */
    private static JsonObject notebook(Config c) {
        Splits data = NotebookData.make(c.seed());
        int diverged = 0;
        int allDead = 0;
        JsonObject first = null;
        for (int k = 0; k < NOTEBOOK_INITS; k++) {
            JsonObject o = notebookOnce(c, data, c.seed() + k, first == null);
            if (o.has("teacher_diverged")) {
                diverged++;
            } else {
                if (o.get("teacher_live_units").getAsInt() == 0) {
                    allDead++;
                }
                if (first == null) {
                    first = o;
                }
            }
        }
        JsonObject o = first != null ? first : notebookOnce(c, data, c.seed(), true);
        o.addProperty("inits_tried", NOTEBOOK_INITS);
        o.addProperty("inits_diverged", diverged);
        o.addProperty("inits_all_units_dead", allDead);
        return o;
    }

    private static JsonObject notebookOnce(Config c, Splits data, long initSeed, boolean withStudent) {
        TrainConfig sgd =
                new TrainConfig(c.teacherEpochs(), NOTEBOOK_LR, 0, 0, NOTEBOOK_BATCH, Schedule.NONE, c.seed(), 0);
        JsonObject o = new JsonObject();
        o.addProperty("data", "raw inputs, as in the notebook");
        o.addProperty("init_seed", initSeed);
        o.addProperty("mean_predictor_loss", meanPredictorLoss(data));
        try (Network teacher = init(Presets.get("mlp-seed", 1), initSeed);
                Network student = init(Presets.get("mlp-seed", 2), initSeed + 1000)) {
            o.addProperty("teacher_loss_before_training", loss(teacher, data.test()));
            if (withStudent) {
                c.log().accept("seed/notebook: training the 4-10-1 teacher on raw inputs (init seed " + initSeed + ")");
            }
            if (!train(teacher, data, sgd, o, "teacher")) {
                return o;
            }
            o.addProperty("teacher_loss", loss(teacher, data.test()));
            o.addProperty("teacher_live_units", liveUnits(teacher, data.test()));
            o.addProperty("teacher_hidden_units", 10);
            if (!withStudent) {
                return o;
            }
            o.addProperty("student_random_init_loss", loss(student, data.test()));
            try (Network widened = Net2WiderNet.widen(teacher, "fc1", 20, Net2WiderNet.Options.defaults(c.seed()))) {
                o.addProperty("student_widened_loss", loss(widened, data.test()));
                o.addProperty("student_widened_max_abs_diff", maxAbsDiff(teacher, widened, data.test()));
                c.log().accept("seed/notebook: training the widened 4-20-1 student");
                train(widened, data, sgd.withEpochs(c.studentEpochs()), o, "student");
                o.addProperty("student_trained_loss", loss(widened, data.test()));
                o.addProperty("student_live_units", liveUnits(widened, data.test()));
            }
        }
        return o;
    }

    private static JsonObject proper(Config c, List<Curve> curves) {
        Standardized std = NotebookData.standardize(NotebookData.make(c.seed()));
        Splits data = std.splits();
        TrainConfig sgd =
                new TrainConfig(c.studentEpochs(), NOTEBOOK_LR, 0.9, 0, NOTEBOOK_BATCH, Schedule.NONE, c.seed(), 0);
        Architecture arch = mlp(10, false);
        JsonObject o = new JsonObject();
        o.addProperty("data", "standardised inputs (" + std.preprocessing().describe() + "), biases, SGD momentum 0.9");
        o.addProperty("mean_predictor_loss", meanPredictorLoss(data));
        try (Network teacher = init(arch, c.seed())) {
            c.log().accept("seed/proper: training the 4-10-1 teacher with biases on standardised inputs");
            train(teacher, data, sgd, o, "teacher", curves, "teacher");
            o.addProperty("teacher_loss", loss(teacher, data.test()));
            o.addProperty("teacher_live_units", liveUnits(teacher, data.test()));
            o.addProperty("teacher_hidden_units", 10);
            try (Network wider = Net2WiderNet.widen(teacher, "fc1", 20, Net2WiderNet.Options.defaults(c.seed()));
                    Network randomWider = init(mlp(20, false), c.seed() + 2);
                    Network notebookWider = NotebookWidening.apply(teacher, randomWider, "fc1", c.seed());
                    Network deeper = Net2DeeperNet.deepen(teacher, "relu1", Net2DeeperNet.Options.plain());
                    Network randomDeeper = init(mlp(10, true), c.seed() + 3)) {
                o.addProperty("wider_max_abs_diff", maxAbsDiff(teacher, wider, data.test()));
                o.addProperty("notebook_wider_max_abs_diff", maxAbsDiff(teacher, notebookWider, data.test()));
                o.addProperty("notebook_wider_loss", loss(notebookWider, data.test()));
                o.addProperty("deeper_max_abs_diff", maxAbsDiff(teacher, deeper, data.test()));
                o.addProperty("wider_start_loss", loss(wider, data.test()));
                o.addProperty("deeper_start_loss", loss(deeper, data.test()));
                o.addProperty("random_init_wider_start_loss", loss(randomWider, data.test()));
                o.addProperty("random_init_deeper_start_loss", loss(randomDeeper, data.test()));
                for (var run : List.of(
                        Map.entry("wider", wider),
                        Map.entry("random_init_wider", randomWider),
                        Map.entry("deeper", deeper),
                        Map.entry("random_init_deeper", randomDeeper))) {
                    c.log().accept("seed/proper: training " + run.getKey().replace('_', ' '));
                    train(run.getValue(), data, sgd, o, run.getKey(), curves, run.getKey());
                }
                o.addProperty("wider_trained_loss", loss(wider, data.test()));
                o.addProperty("deeper_trained_loss", loss(deeper, data.test()));
                o.addProperty("random_init_wider_loss", loss(randomWider, data.test()));
                o.addProperty("random_init_deeper_loss", loss(randomDeeper, data.test()));
            }
        }
        return o;
    }

    /** 4 -> hidden (-> hidden) -> 1 with biases, relu after each hidden layer. */
    static Architecture mlp(int hidden, boolean twoHidden) {
        List<Layer> layers = new ArrayList<>(List.of(new Layer.Dense("fc1", hidden, true), new Layer.Relu("relu1")));
        if (twoHidden) {
            layers.addAll(List.of(new Layer.Dense("relu1_id", hidden, true), new Layer.Relu("relu1_id_relu")));
        }
        layers.add(new Layer.Dense("fc2", 1, true));
        return new Architecture(new Shape(NotebookData.FEATURES), layers);
    }

    private static Network init(Architecture arch, long seed) {
        return Initialization.random(arch, seed, Step.Init.seeded(seed));
    }

    private static boolean train(Network n, Splits data, TrainConfig config, JsonObject o, String key) {
        return train(n, data, config, o, key, null, null);
    }

    /** Trains in place; a diverging run is recorded, not fatal (the notebook's raw inputs can do that). */
    private static boolean train(
            Network n, Splits data, TrainConfig config, JsonObject o, String key, List<Curve> curves, String method) {
        List<EpochMetrics> points = new ArrayList<>();
        points.add(new EpochMetrics(0, 0, 0, Double.NaN, loss(n, data.test()), null));
        try {
            Trainer.train(n, data, config, Trainer.Options.quiet().withListener(points::add))
                    .network()
                    .close();
            return true;
        } catch (Net2NetException e) {
            o.addProperty(key + "_diverged", e.getMessage());
            return false;
        } finally {
            if (curves != null) {
                curves.add(new Curve(method, points));
                points.stream()
                        .filter(m -> m.epoch() == 1)
                        .findFirst()
                        .ifPresent(m -> o.addProperty(key + "_loss_after_1_epoch", m.testLoss()));
            }
        }
    }

    static double loss(Network n, Dataset test) {
        return Evaluation.evaluate(n, test, Evaluation.DEFAULT_BATCH).loss();
    }

    /** MSE of always predicting the training targets' mean. */
    static double meanPredictorLoss(Splits data) {
        double mean = 0;
        for (float y : data.train().targets()) {
            mean += y;
        }
        mean /= data.train().size();
        double se = 0;
        for (float y : data.test().targets()) {
            se += (y - mean) * (y - mean);
        }
        return se / data.test().size();
    }

    static double maxAbsDiff(Network teacher, Network student, Dataset test) {
        try (NDManager m = NDManager.newBaseManager()) {
            return Verification.compare(teacher, student, Evaluation.Inputs.firstFeatures(m, test, test.size()))
                    .maxAbsDiff();
        }
    }

    /** Hidden units of relu1 that are positive for at least one test input. */
    static int liveUnits(Network n, Dataset test) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray h =
                    DjlNetwork.upTo(n, "relu1").forward(Evaluation.Inputs.firstFeatures(m, test, test.size()), false);
            h.attach(m);
            float[] max = h.max(new int[] {0}).toFloatArray();
            int live = 0;
            for (float v : max) {
                if (v > 0) {
                    live++;
                }
            }
            return live;
        }
    }

    /** A readable table of the figures. */
    public static String table(JsonObject json) {
        JsonObject nb = json.getAsJsonObject("notebook");
        JsonObject pr = json.getAsJsonObject("proper");
        StringBuilder sb = new StringBuilder();
        sb.append("1. As the notebook did it (raw inputs, no biases, plain SGD lr 0.01, batch 32)\n");
        sb.append(String.format(
                "  of %d initialisations: %d diverged, %d ended with every hidden unit dead; init seed %d:%n",
                nb.get("inits_tried").getAsInt(),
                nb.get("inits_diverged").getAsInt(),
                nb.get("inits_all_units_dead").getAsInt(),
                nb.get("init_seed").getAsLong()));
        row(sb, "teacher 4-10-1 test MSE before training", nb, "teacher_loss_before_training");
        row(sb, "teacher after " + "training", nb, "teacher_loss");
        sb.append(String.format(
                "  %-52s %d of 10%n",
                "teacher hidden units alive on the test set",
                nb.get("teacher_live_units").getAsInt()));
        row(sb, "predicting the training mean (constant)", nb, "mean_predictor_loss");
        row(sb, "student 4-20-1 at random initialisation", nb, "student_random_init_loss");
        row(sb, "student after Net2WiderNet from the teacher", nb, "student_widened_loss");
        row(sb, "student after 30 more epochs", nb, "student_trained_loss");
        sb.append("\n2. Done properly (standardised inputs, biases, SGD momentum 0.9, lr 0.01, batch 32)\n");
        row(sb, "teacher 4-10-1 test MSE", pr, "teacher_loss");
        sb.append(String.format(
                "  %-52s %d of 10%n",
                "teacher hidden units alive on the test set",
                pr.get("teacher_live_units").getAsInt()));
        row(sb, "predicting the training mean (constant)", pr, "mean_predictor_loss");
        row(sb, "Net2WiderNet 10->20: max |student - teacher|", pr, "wider_max_abs_diff");
        row(sb, "the notebook's widening: max |student - teacher|", pr, "notebook_wider_max_abs_diff");
        row(sb, "Net2DeeperNet after relu1: max |student - teacher|", pr, "deeper_max_abs_diff");
        sb.append(String.format("  %-52s %12s %12s %12s%n", "test MSE", "at start", "1 epoch", "trained"));
        lossRow(sb, "wider student (Net2WiderNet)", pr, "wider");
        lossRow(sb, "wider, random initialisation", pr, "random_init_wider");
        lossRow(sb, "deeper student (Net2DeeperNet)", pr, "deeper");
        lossRow(sb, "deeper, random initialisation", pr, "random_init_deeper");
        return sb.toString();
    }

    private static void row(StringBuilder sb, String label, JsonObject o, String key) {
        sb.append(String.format("  %-52s %12.4g%n", label, o.get(key).getAsDouble()));
    }

    /** Start, after-one-epoch and final test MSE of one method (keys {@code <method>_start_loss}, ...). */
    private static void lossRow(StringBuilder sb, String label, JsonObject o, String method) {
        String end = method.startsWith("random_init") ? method + "_loss" : method + "_trained_loss";
        sb.append(String.format(
                "  %-52s %12.4g %12.4g %12.4g%n",
                label,
                o.get(method + "_start_loss").getAsDouble(),
                o.get(method + "_loss_after_1_epoch").getAsDouble(),
                o.get(end).getAsDouble()));
    }
}
