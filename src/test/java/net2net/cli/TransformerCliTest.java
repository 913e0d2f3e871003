package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README tour for token models: init, widen the stream, an FFN and heads, deepen, verify; refusals as one line and exit 2. */
@Slow
class TransformerCliTest {
    @TempDir
    Path tmp;

    String p(String name) {
        return tmp.resolve(name).toString();
    }

    static void exact(CliRun r) {
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertTrue(o.get("max_rel_diff").getAsDouble() <= 1e-5, r.out());
    }

    @Test
    void tinygptAndTinyllamaGrowAndVerify() {
        for (String preset : new String[] {"tinygpt", "tinyllama"}) {
            String t = p(preset);
            CliRun init = CliRun.of(
                    "init", "--arch", preset, "--width-mult", "0.5", "--vocab", "65", "--context", "16", "--out", t);
            assertEquals(0, init.code(), init.err());
            String writer = preset.equals("tinygpt") ? "wte" : "h0_attn";
            String ffn = preset.equals("tinygpt") ? "h0_fc" : "h0_mlp";
            exact(CliRun.of(
                    "widen",
                    "--model",
                    t,
                    "--layer",
                    writer,
                    "--width",
                    "45",
                    "--samples",
                    "8",
                    "--out",
                    p(preset + "1"),
                    "--json"));
            exact(CliRun.of(
                    "widen",
                    "--model",
                    p(preset + "1"),
                    "--layer",
                    ffn,
                    "--width",
                    "160",
                    "--samples",
                    "8",
                    "--out",
                    p(preset + "2"),
                    "--json"));
            exact(CliRun.of(
                    "widen",
                    "--model",
                    p(preset + "2"),
                    "--layer",
                    "h1_attn",
                    "--heads",
                    "8",
                    "--samples",
                    "8",
                    "--out",
                    p(preset + "3"),
                    "--json"));
            exact(CliRun.of(
                    "deepen",
                    "--model",
                    p(preset + "3"),
                    "--after",
                    "h1_mlp_res",
                    "--samples",
                    "8",
                    "--out",
                    p(preset + "4"),
                    "--json"));
            CliRun verify =
                    CliRun.of("verify", "--teacher", t, "--student", p(preset + "4"), "--samples", "16", "--json");
            assertEquals(0, verify.code(), verify.err());
            assertTrue(
                    JsonParser.parseString(verify.out())
                            .getAsJsonObject()
                            .get("exact")
                            .getAsBoolean(),
                    verify.out());
            CliRun info = CliRun.of("info", "--model", p(preset + "4"));
            assertEquals(0, info.code(), info.err());
            assertTrue(info.out().contains("h2_attn"), info.out());
        }
    }

    @Test
    void refusalsAreOneLineAndWriteNothing() {
        assertEquals(
                0,
                CliRun.of(
                                "init",
                                "--arch",
                                "tinygpt",
                                "--width-mult",
                                "0.5",
                                "--vocab",
                                "30",
                                "--context",
                                "8",
                                "--out",
                                p("t"))
                        .code());
        String[][] bad = {
            {"widen", "--model", p("t"), "--layer", "wte", "--width", "16", "--out", p("x")},
            {"widen", "--model", p("t"), "--layer", "h0_attn", "--heads", "3", "--out", p("x")},
            {"widen", "--model", p("t"), "--layer", "h0_attn", "--width", "40", "--heads", "8", "--out", p("x")},
            {"deepen", "--model", p("t"), "--after", "h0_fc", "--out", p("x")},
            {"init", "--arch", "fashionnet", "--vocab", "30", "--out", p("x")},
        };
        for (String[] args : bad) {
            CliRun r = CliRun.of(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertFalse(Files.exists(tmp.resolve("x")), "a refused command wrote its output");
        }
    }
}
