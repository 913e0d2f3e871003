package net2net.experiment;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import net2net.io.AtomicFiles;
import net2net.train.EpochMetrics;
import net2net.train.Schedule;

/**
 * A finished replication run as a small JSON file beside its checkpoint: everything the report reads (the
 * curve, the cost, the validation accuracy, the per-image test correctness), without the model. A run whose
 * record exists is read back from it, so the report is regenerated without evaluating any network, and a full
 * run can be continued elsewhere from its records and its teachers' model files alone (docs/replication.md).
 */
final class RunRecord {
    private RunRecord() {}

    static final String FILE = "result.json";
    static final String FORMAT = "net2net-replication-run";
    static final int VERSION = 1;

    static void write(Path dir, Replication.Run run) {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("version", VERSION);
        o.addProperty("name", run.name());
        o.addProperty("budget_epochs", run.budget());
        o.addProperty("seed", run.seed());
        o.addProperty("lr", run.lr());
        o.addProperty("schedule", run.schedule().key());
        o.addProperty("examples", run.examples());
        o.addProperty("seconds", run.seconds());
        o.addProperty("forward_macs_per_example", run.forwardMacs());
        o.addProperty("validation_accuracy", run.validationAccuracy());
        if (run.testCorrect() != null) {
            // one bit per test image, in test order; BitSet drops trailing zeros, hence the count
            BitSet bits = new BitSet(run.testCorrect().length);
            for (int i = 0; i < run.testCorrect().length; i++) {
                bits.set(i, run.testCorrect()[i]);
            }
            o.addProperty("test_images", run.testCorrect().length);
            o.addProperty("test_correct_bits", Base64.getEncoder().encodeToString(bits.toByteArray()));
        }
        JsonArray metrics = new JsonArray();
        run.metrics().forEach(m -> metrics.add(m.toJson()));
        o.add("metrics", metrics);
        // Gson writes doubles with Double.toString: they read back bit for bit
        AtomicFiles.writeString(
                dir.resolve(FILE),
                new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(o) + "\n");
    }

    /**
     * The run recorded in {@code dir}, or null when there is no record, or it is damaged or of another run (then
     * the checkpoint beside it decides, as before records existed).
     */
    static Replication.Run read(Path dir, String name, int budget, int seed, double lr) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            if (!FORMAT.equals(o.get("format").getAsString())
                    || o.get("version").getAsInt() > VERSION
                    || !name.equals(o.get("name").getAsString())
                    || o.get("budget_epochs").getAsInt() != budget
                    || o.get("seed").getAsInt() != seed
                    || o.get("lr").getAsDouble() != lr) {
                return null;
            }
            List<EpochMetrics> metrics = new ArrayList<>();
            for (JsonElement m : o.getAsJsonArray("metrics")) {
                metrics.add(EpochMetrics.fromJson(m.getAsJsonObject()));
            }
            boolean[] correct = null;
            if (o.has("test_correct_bits")) {
                BitSet bits = BitSet.valueOf(
                        Base64.getDecoder().decode(o.get("test_correct_bits").getAsString()));
                correct = new boolean[o.get("test_images").getAsInt()];
                for (int i = 0; i < correct.length; i++) {
                    correct[i] = bits.get(i);
                }
            }
            JsonElement val = o.get("validation_accuracy");
            return new Replication.Run(
                    name,
                    budget,
                    seed,
                    lr,
                    Schedule.parse(o.get("schedule").getAsString()),
                    metrics,
                    o.get("examples").getAsLong(),
                    o.get("seconds").getAsDouble(),
                    o.get("forward_macs_per_example").getAsLong(),
                    val == null || val.isJsonNull() ? null : val.getAsDouble(),
                    correct,
                    false);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
