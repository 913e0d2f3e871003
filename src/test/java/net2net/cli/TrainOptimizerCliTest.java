package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `train --optimizer adamw` and `--steps` as a user calls them, on the seed data (docs/optimizer-growth.md). */
@Fast
class TrainOptimizerCliTest {
    @TempDir
    Path tmp;

    String p(String name) {
        return tmp.resolve(name).toString();
    }

    static JsonObject json(CliRun r) {
        assertEquals(0, r.code(), r.err());
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    @Test
    void adamwForSomeStepsThenResumeFurther() throws Exception {
        assertEquals(0, CliRun.of("init", "--arch", "mlp-seed", "--out", p("m")).code());
        JsonObject t = json(CliRun.of(
                "train",
                "--model",
                p("m"),
                "--data",
                "seed",
                "--standardize",
                "--optimizer",
                "adamw",
                "--beta2",
                "0.99",
                "--decay-group",
                "matrices",
                "--steps",
                "30",
                "--batch",
                "64",
                "--out",
                p("t"),
                "--json"));
        assertEquals(30, t.get("steps").getAsLong());
        JsonObject config = t.getAsJsonObject("config");
        assertEquals("adamw", config.get("optimizer").getAsString());
        assertEquals(0.001, config.get("lr").getAsDouble(), "AdamW's default rate");
        assertEquals(0.01, config.get("weight_decay").getAsDouble(), "AdamW's default decay");
        assertEquals(0.99, config.get("beta2").getAsDouble());
        assertEquals("matrices", config.get("decay_group").getAsString());
        assertFalse(config.has("momentum"));
        JsonObject model = JsonParser.parseString(Files.readString(tmp.resolve("t/model.json")))
                .getAsJsonObject();
        JsonObject step = model.getAsJsonArray("history").get(1).getAsJsonObject();
        assertEquals("adamw", step.get("optimizer").getAsString());
        assertEquals(30, step.get("steps").getAsLong());

        CliRun again = CliRun.of("train", "--resume", "--out", p("t"), "--data", "seed", "--json");
        assertEquals(2, again.code());
        assertTrue(
                again.err()
                        .endsWith("\nnet2net: error: " + p("t")
                                + " has already completed 30 steps; pass a larger --steps to train further\n"),
                again.err());
        CliRun changed =
                CliRun.of("train", "--resume", "--out", p("t"), "--data", "seed", "--steps", "40", "--beta1", "0.5");
        assertEquals(2, changed.code());
        assertTrue(changed.err().contains("was trained with --beta1 0.9; --resume continues"), changed.err());
        JsonObject more = json(CliRun.of(
                "train",
                "--resume",
                "--out",
                p("t"),
                "--data",
                "seed",
                "--steps",
                "40",
                "--optimizer",
                "adamw",
                "--json"));
        assertEquals(40, more.get("steps").getAsLong());
    }

    @Test
    void refusalsAreOneLine() {
        assertEquals(0, CliRun.of("init", "--arch", "mlp-seed", "--out", p("m")).code());
        String[][] cases = {
            {"--optimizer", "adam", "unknown --optimizer 'adam'; use sgd or adamw"},
            {"--beta1", "0.5", "--beta1, --beta2, --eps and --decay-group are AdamW's; add --optimizer adamw"},
            {
                "--optimizer",
                "adamw",
                "--momentum",
                "0.5",
                "--momentum is SGD's; AdamW's first moment decays with --beta1"
            },
            {"--optimizer", "adamw", "--beta2", "1", "--beta2 must be in [0, 1), got 1.0"},
            {"--steps", "5", "--epochs", "2", "give --epochs or --steps, not both: --steps N trains N optimizer steps"},
            {"--steps", "0", "--steps must be at least 1, got 0"},
        };
        for (String[] c : cases) {
            String[] args = new String[c.length - 1 + 8];
            String[] base = {"train", "--model", p("m"), "--data", "seed", "--out", p("x"), "--force"};
            System.arraycopy(base, 0, args, 0, base.length);
            System.arraycopy(c, 0, args, base.length, c.length - 1);
            CliRun r = CliRun.of(args);
            assertEquals(2, r.code(), String.join(" ", args));
            assertEquals("net2net: error: " + c[c.length - 1] + "\n", r.err());
            assertFalse(Files.exists(tmp.resolve("x")));
        }
    }
}
