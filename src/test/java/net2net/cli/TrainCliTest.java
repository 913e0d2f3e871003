package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `train` and `evaluate` as a user calls them, on the seed data (fast). */
@Fast
class TrainCliTest {
    @TempDir
    Path tmp;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    String p(String name) {
        return tmp.resolve(name).toString();
    }

    @Test
    void trainThenEvaluate() throws Exception {
        assertEquals(0, run("init", "--arch", "mlp-seed", "--out", p("m")).code());
        CliRun train = run(
                "train",
                "--model",
                p("m"),
                "--data",
                "seed",
                "--standardize",
                "--epochs",
                "3",
                "--lr",
                "0.01",
                "--batch",
                "32",
                "--out",
                p("t"),
                "--json");
        assertEquals(0, train.code(), train.err());
        JsonObject t = JsonParser.parseString(train.out()).getAsJsonObject();
        assertEquals(3, t.get("epochs").getAsDouble());
        assertEquals(3 * 800, t.get("examples").getAsLong());
        assertFalse(t.has("test_accuracy"), "regression has no accuracy");
        assertTrue(Files.readAllLines(Path.of(t.get("metrics").getAsString()))
                .get(0)
                .startsWith("epoch,examples,seconds"));
        for (String f : List.of(
                "model.json",
                "model.safetensors",
                "optimizer.safetensors",
                "train_state.json",
                "metrics.csv",
                "metrics.jsonl")) {
            assertTrue(Files.isRegularFile(tmp.resolve("t").resolve(f)), f);
        }
        JsonObject model = JsonParser.parseString(Files.readString(tmp.resolve("t/model.json")))
                .getAsJsonObject();
        assertTrue(model.getAsJsonObject("preprocessing").get("mean").isJsonArray(), "--standardize is recorded");
        assertEquals(
                "train",
                model.getAsJsonArray("history")
                        .get(1)
                        .getAsJsonObject()
                        .get("op")
                        .getAsString());

        // evaluate uses the recorded standardisation without being told: same loss as training reported
        CliRun eval = run("evaluate", "--model", p("t"), "--data", "seed", "--json");
        assertEquals(0, eval.code(), eval.err());
        JsonObject e = JsonParser.parseString(eval.out()).getAsJsonObject();
        assertEquals(t.get("test_loss").getAsDouble(), e.get("loss").getAsDouble(), 1e-6);

        CliRun more = run("train", "--resume", "--data", "seed", "--epochs", "4", "--out", p("t"), "--json");
        assertEquals(0, more.code(), more.err());
        assertEquals(
                4,
                JsonParser.parseString(more.out())
                        .getAsJsonObject()
                        .get("epochs")
                        .getAsDouble());
        CliRun changed = run("train", "--resume", "--data", "seed", "--epochs", "5", "--lr", "0.5", "--out", p("t"));
        assertEquals(2, changed.code());
        assertTrue(changed.err().contains("was trained with --lr 0.01"), changed.err());
    }

    @Test
    void badInputsAreOneLineErrorsThatWriteNothing() {
        assertEquals(0, run("init", "--arch", "mlp-seed", "--out", p("m")).code());
        assertEquals(
                0,
                run("init", "--arch", "fashionnet", "--width-mult", "0.25", "--out", p("f"))
                        .code());
        assertBad("does not exist", "train", "--model", p("missing"), "--data", "seed", "--out", p("o"));
        assertBad("unknown --data 'mnist'", "train", "--model", p("m"), "--data", "mnist", "--out", p("o"));
        assertBad(
                "the model takes inputs of shape (1, 28, 28) but seed train has samples of shape (4)",
                "train",
                "--model",
                p("f"),
                "--data",
                "seed",
                "--out",
                p("o"));
        assertBad("does not exist", "evaluate", "--model", p("missing"), "--data", "seed");
        assertBad("unknown --data 'mnist'", "evaluate", "--model", p("m"), "--data", "mnist");
        assertBad(
                "the model takes inputs of shape (4)",
                "evaluate",
                "--model",
                p("m"),
                "--data",
                "fashion-mnist",
                "--test-limit",
                "10");
        assertBad("has no train_state.json", "train", "--resume", "--data", "seed", "--out", p("m"));
    }

    CliRun assertBad(String message, String... args) {
        CliRun r = run(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.out().isEmpty(), r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("net2net: error: "), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertFalse(Files.exists(tmp.resolve("o")), "nothing written");
        return r;
    }
}
