package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "train_ddp" history step that python/train_ddp.py writes (this one is copied from a real run) is
 * read, shown and carried on by the Java side; no Python needed.
 */
@Fast
class TrainDdpStepTest {
    static final String STEP =
            "{\"op\": \"train_ddp\", \"engine\": \"torch 1.13.0a0 DistributedDataParallel\", \"world_size\": 2,"
                    + " \"backend\": \"gloo\", \"device\": \"cpu\", \"batchnorm\": \"global\", \"data\": \"fashion-mnist --limit 500 --test-limit 500\","
                    + " \"train_samples\": 500, \"test_samples\": 500, \"loss\": \"cross_entropy\", \"epochs\": 2, \"lr\": 0.05, \"momentum\": 0.9,"
                    + " \"weight_decay\": 0.0005, \"batch\": 63, \"schedule\": \"cosine\", \"seed\": 5, \"examples\": 1000,"
                    + " \"seconds\": 1.1888019840002926, \"test_loss\": 2.027975036621094, \"test_accuracy\": 0.32}";

    @Test
    void javaReadsAndKeepsTheStep(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("m");
        assertEquals(
                0,
                CliRun.of("init", "--arch", "fashionnet", "--width-mult", "0.25", "--out", model.toString())
                        .code());
        // Append the step as train_ddp.py does (model.json re-serialised by Python's json.dumps, indent 2).
        Path json = model.resolve(ModelFiles.JSON);
        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        JsonObject step = JsonParser.parseString(STEP).getAsJsonObject();
        root.getAsJsonArray("history").add(step);
        Files.writeString(json, root.toString());

        try (Network n = ModelFiles.load(model)) {
            assertEquals(2, n.history().size());
            assertEquals(step, n.history().get(1).toJson());
        }
        CliRun info = CliRun.of("info", "--model", model.toString(), "--json");
        assertEquals(0, info.code(), info.err());
        JsonArray history = JsonParser.parseString(info.out()).getAsJsonObject().getAsJsonArray("history");
        assertEquals(step, history.get(1));
        CliRun verify = CliRun.of("verify", "--teacher", model.toString(), "--student", model.toString());
        assertEquals(0, verify.code(), verify.err());

        // Grown again, the student's history still says how its teacher was trained.
        Path wider = tmp.resolve("wider");
        CliRun widen = CliRun.of(
                "widen", "--model", model.toString(), "--layer", "fc1", "--width", "40", "--out", wider.toString());
        assertEquals(0, widen.code(), widen.err());
        try (Network w = ModelFiles.load(wider)) {
            List<String> ops = w.history().stream()
                    .map(s -> s.toJson().get("op").getAsString())
                    .toList();
            assertEquals(List.of("init", "train_ddp", "widen"), ops);
            assertEquals(step, w.history().get(1).toJson());
        }
        assertTrue(CliRun.of("info", "--model", wider.toString()).out().contains("train_ddp"));
    }
}
