package net2net.train;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net2net.Net2NetException;
import net2net.io.OutputDirs;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.nn.Step;

/**
 * A training output directory: the model (model.json, model.safetensors), the optimizer state
 * (optimizer.safetensors: SGD's momentum buffers or AdamW's moments and step counts),
 * train_state.json (settings and progress) and the learning curve (metrics.csv, metrics.jsonl).
 * The whole directory is replaced atomically after each epoch and at the end of a --steps run.
 * A checkpoint written before AdamW and --steps (no "optimizer", no "completed_steps") is an SGD
 * run at an epoch end, and resumes as one.
 */
public final class Checkpoint {
    private Checkpoint() {}

    public static final String STATE = "train_state.json";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String METRICS_CSV = "metrics.csv";
    public static final String METRICS_JSONL = "metrics.jsonl";
    static final String FORMAT = "net2net-train-state";
    static final String GROWTH_PLAN = "growth_plan";
    static final int VERSION = 1;

    static void write(Path out, Network annotated, Optimizer optimizer, Trainer.Run run, TrainingData data) {
        // Our own directory from the previous epoch (or one --force allowed replacing): always replace.
        OutputDirs.writeAtomically(out, true, tmp -> {
            ModelFiles.writeInto(annotated, tmp);
            optimizer.save(tmp.resolve(OPTIMIZER));
            JsonObject state = new JsonObject();
            state.addProperty("format", FORMAT);
            state.addProperty("version", VERSION);
            state.add("config", run.config.toJson());
            state.addProperty("completed_epochs", run.completedEpochs);
            state.addProperty("completed_steps", run.steps);
            state.addProperty("epoch_loss_sum", run.epochLossSum);
            state.addProperty("examples", run.examples);
            state.addProperty("seconds", run.seconds);
            state.addProperty("eval_seconds", run.evalSeconds);
            state.addProperty("data", run.dataName);
            state.addProperty("train_samples", data.trainSize());
            state.addProperty("test_samples", data.testSize());
            state.add("growth", run.growths.deepCopy());
            if (run.growthPlan != null) {
                state.add(GROWTH_PLAN, run.growthPlan.deepCopy());
            }
            if (run.dataRecord != null) {
                state.add("data_files", run.dataRecord.deepCopy());
            }
            Files.writeString(
                    tmp.resolve(STATE),
                    new GsonBuilder().setPrettyPrinting().create().toJson(state) + "\n");
            StringBuilder csv = new StringBuilder(EpochMetrics.CSV_HEADER).append('\n');
            StringBuilder jsonl = new StringBuilder();
            for (EpochMetrics m : run.metrics) {
                csv.append(m.csvRow()).append('\n');
                jsonl.append(new GsonBuilder().serializeNulls().create().toJson(m.toJson()))
                        .append('\n');
            }
            Files.writeString(tmp.resolve(METRICS_CSV), csv);
            Files.writeString(tmp.resolve(METRICS_JSONL), jsonl);
        });
    }

    /** A checkpoint read back for {@link Trainer#resume}. The caller closes {@code network}. */
    record State(
            Network network,
            TrainConfig config,
            int completedEpochs,
            Long completedSteps,
            double epochLossSum,
            JsonArray growths,
            long examples,
            double seconds,
            double evalSeconds,
            String dataName,
            int trainSamples,
            int testSamples,
            List<EpochMetrics> metrics,
            Path dir) {

        /** The model's history before this run's "train" step (which the trainer rewrites). */
        List<Step> baseHistory() {
            List<Step> h = new ArrayList<>(network.history());
            h.remove(h.size() - 1);
            return h;
        }

        void requireSameData(TrainingData data) {
            if (data.trainSize() != trainSamples || data.testSize() != testSamples) {
                throw new Net2NetException(
                        dir + " was trained on " + dataName + " with " + trainSamples + " training and "
                                + testSamples + " test samples, not "
                                + data.trainSize() + " and " + data.testSize()
                                + "; resume with the same --data, --limit and --test-limit");
            }
        }

        /** Optimizer steps done; a checkpoint from before --steps is at an epoch end. */
        long steps(int batchesPerEpoch) {
            return completedSteps != null ? completedSteps : (long) completedEpochs * batchesPerEpoch;
        }
    }

    /** The settings a checkpoint was trained with. */
    public static TrainConfig config(Path dir) {
        return TrainConfig.fromJson(
                readState(dir).getAsJsonObject("config"), dir.resolve(STATE).toString());
    }

    /** The growth listener's plan recorded in a checkpoint ({@link GrowthListener#plan}), or null. */
    public static JsonObject growthPlan(Path dir) {
        JsonElement plan = readState(dir).get(GROWTH_PLAN);
        return plan != null && plan.isJsonObject() ? plan.getAsJsonObject() : null;
    }

    /** The preprocessing recorded in a checkpoint's model.json, or null. */
    public static JsonObject preprocessing(Path dir) {
        readState(dir);
        try {
            JsonElement pre = JsonParser.parseString(Files.readString(dir.resolve(ModelFiles.JSON)))
                    .getAsJsonObject()
                    .get("preprocessing");
            return pre != null && pre.isJsonObject() ? pre.getAsJsonObject() : null;
        } catch (IOException | RuntimeException e) {
            throw new Net2NetException("cannot read " + dir.resolve(ModelFiles.JSON)
                    + "; the checkpoint is damaged, start again without --resume");
        }
    }

    private static JsonObject readState(Path dir) {
        recover(dir);
        if (!Files.isDirectory(dir)) {
            throw new Net2NetException(
                    "--resume continues a run in --out, but " + dir + " does not exist; drop --resume to start one");
        }
        Path stateFile = dir.resolve(STATE);
        if (!Files.isRegularFile(stateFile)) {
            throw new Net2NetException(
                    dir + " has no " + STATE + "; --resume continues a directory written by `net2net train --out`");
        }
        JsonObject s;
        try {
            s = JsonParser.parseString(Files.readString(stateFile)).getAsJsonObject();
            if (!FORMAT.equals(s.get("format").getAsString())
                    || s.get("version").getAsInt() > VERSION) {
                throw new Net2NetException(stateFile
                        + " is not a net2net training state this version reads; start again without --resume");
            }
        } catch (IOException | RuntimeException ex) {
            if (ex instanceof Net2NetException n) {
                throw n;
            }
            throw new Net2NetException("cannot read " + stateFile + " ("
                    + ex.getClass().getSimpleName() + "); the checkpoint is damaged, start again without --resume");
        }
        return s;
    }

    /** Restores a checkpoint hidden by a kill between its two renames, and removes stale temporary copies. */
    public static void recover(Path dir) {
        OutputDirs.recover(dir).forEach(m -> System.err.println("net2net: " + m));
    }

    static State read(Path dir) {
        Path stateFile = dir.resolve(STATE);
        JsonObject s = readState(dir);
        List<EpochMetrics> metrics = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir.resolve(METRICS_JSONL))) {
                if (!line.isBlank()) {
                    metrics.add(
                            EpochMetrics.fromJson(JsonParser.parseString(line).getAsJsonObject()));
                }
            }
        } catch (IOException | RuntimeException ex) {
            throw new Net2NetException("cannot read " + dir.resolve(METRICS_JSONL) + " ("
                    + ex.getClass().getSimpleName() + "); the checkpoint is damaged, start again without --resume");
        }
        TrainConfig config = TrainConfig.fromJson(s.getAsJsonObject("config"), stateFile.toString());
        Network network = ModelFiles.load(dir);
        List<Step> h = network.history();
        if (h.isEmpty() || !(h.get(h.size() - 1) instanceof Step.Train)) {
            network.close();
            throw new Net2NetException(dir.resolve(ModelFiles.JSON)
                    + " does not end with a \"train\" step; the checkpoint is damaged, start again without --resume");
        }
        try {
            return new State(
                    network,
                    config,
                    s.get("completed_epochs").getAsInt(),
                    s.has("completed_steps") ? s.get("completed_steps").getAsLong() : null,
                    s.has("epoch_loss_sum") ? s.get("epoch_loss_sum").getAsDouble() : 0,
                    s.has("growth") ? s.getAsJsonArray("growth") : new JsonArray(),
                    s.get("examples").getAsLong(),
                    s.get("seconds").getAsDouble(),
                    s.get("eval_seconds").getAsDouble(),
                    s.get("data").getAsString(),
                    s.get("train_samples").getAsInt(),
                    s.get("test_samples").getAsInt(),
                    metrics,
                    dir);
        } catch (RuntimeException ex) {
            network.close();
            throw new Net2NetException(
                    stateFile + " is missing progress fields; the checkpoint is damaged, start again without --resume");
        }
    }
}
