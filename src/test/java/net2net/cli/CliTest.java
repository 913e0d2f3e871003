package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import net2net.testing.Fast;
import net2net.testing.RealData;
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user calls them: exit codes, one-line errors, one JSON object with --json. */
class CliTest {
    @TempDir
    Path tmp;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    String p(String name) {
        return tmp.resolve(name).toString();
    }

    @Slow
    @Test
    void theIssueChainVerifies() {
        assertEquals(
                0,
                run("init", "--arch", "fashionnet", "--width-mult", "0.5477", "--out", p("t"))
                        .code());
        assertEquals(
                0,
                run("widen", "--model", p("t"), "--layer", "conv1", "--width", "32", "--out", p("s1"))
                        .code());
        assertEquals(
                0,
                run("widen", "--model", p("s1"), "--layer", "conv2", "--width", "64", "--out", p("s2"))
                        .code());
        assertEquals(
                0,
                run("widen", "--model", p("s2"), "--layer", "fc1", "--width", "128", "--out", p("s3"))
                        .code());
        CliRun deepen =
                run("deepen", "--model", p("s3"), "--after", "relu1", "--batchnorm", "--out", p("s4"), "--json");
        assertEquals(0, deepen.code(), deepen.err());
        JsonObject d = JsonParser.parseString(deepen.out()).getAsJsonObject();
        assertTrue(d.get("max_rel_diff").getAsDouble() <= 1e-5);
        CliRun verify = run("verify", "--teacher", p("t"), "--student", p("s4"), "--json");
        assertEquals(0, verify.code(), verify.err());
        JsonObject v = JsonParser.parseString(verify.out()).getAsJsonObject();
        assertTrue(v.get("max_rel_diff").getAsDouble() <= 1e-5, verify.out());
        assertTrue(v.has("train_max_rel_diff"));
        CliRun info = run("info", "--model", p("s4"), "--json");
        JsonObject i = JsonParser.parseString(info.out()).getAsJsonObject();
        assertEquals(5, i.getAsJsonArray("history").size());
        // fashionnet + a 32->32 3x3 conv at 28x28 (and its batchnorm, which is not counted)
        assertEquals(
                4_241_152L + 32L * 32 * 9 * 784,
                i.get("forward_macs_per_example").getAsLong());
        assertTrue(run("info", "--model", p("s4")).out().contains("forward MACs per example: 11,466,496"));
    }

    @Slow
    @RealData
    @Test
    void realDataForChecksAndBatchnormStatistics() {
        assertEquals(
                0,
                run("init", "--arch", "fashionnet", "--width-mult", "0.5477", "--out", p("t0"))
                        .code());
        CliRun train = run(
                "train",
                "--model",
                p("t0"),
                "--data",
                "fashion-mnist",
                "--limit",
                "1000",
                "--test-limit",
                "500",
                "--epochs",
                "1",
                "--out",
                p("t"));
        assertEquals(0, train.code(), train.err());
        CliRun widen = run(
                "widen",
                "--model",
                p("t"),
                "--layer",
                "conv2",
                "--width",
                "64",
                "--data",
                "fashion-mnist",
                "--out",
                p("w"),
                "--json");
        assertEquals(0, widen.code(), widen.err());
        assertTrue(widen.out().contains("fashion-mnist samples"), widen.out());
        CliRun deepen = run(
                "deepen",
                "--model",
                p("w"),
                "--after",
                "relu2",
                "--batchnorm",
                "--data",
                "fashion-mnist",
                "--out",
                p("d"),
                "--json");
        assertEquals(0, deepen.code(), deepen.err());
        CliRun verify = run("verify", "--teacher", p("t"), "--student", p("d"), "--data", "fashion-mnist", "--json");
        assertEquals(0, verify.code(), verify.err());
        JsonObject v = JsonParser.parseString(verify.out()).getAsJsonObject();
        assertTrue(v.get("max_rel_diff").getAsDouble() <= 1e-5, verify.out());
        // Training mode is reported; it is only close when the teacher's own batchnorm running
        // statistics match batch statistics (not after 8 training steps, as here).
        assertTrue(Double.isFinite(v.get("train_max_rel_diff").getAsDouble()), verify.out());
        CliRun bad = run("verify", "--teacher", p("t"), "--student", p("d"), "--data", "seed");
        assertEquals(2, bad.code(), bad.err());
    }

    @Slow
    @Test
    void theResidualChainVerifies() {
        assertEquals(
                0,
                run("init", "--arch", "fashionresnet", "--width-mult", "0.5477", "--out", p("t"))
                        .code());
        // the first stream, 18 -> 32 channels, named by its stem conv
        CliRun w1 = run("widen", "--model", p("t"), "--layer", "conv1", "--width", "32", "--out", p("s1"), "--json");
        assertEquals(0, w1.code(), w1.err());
        JsonObject o1 = JsonParser.parseString(w1.out()).getAsJsonObject();
        for (String layer : new String[] {"conv1", "bn1", "res1_conv1", "res1_conv2", "res1_bn2", "conv2"}) {
            assertTrue(
                    o1.getAsJsonArray("changed_layers").toString().contains("\"" + layer + "\""), layer + " in " + o1);
        }
        assertTrue(o1.get("max_rel_diff").getAsDouble() <= 1e-5, w1.out());
        // the second stream, 35 -> 64 channels, named by a body's last conv: the whole stream widens
        CliRun w2 = run("widen", "--model", p("s1"), "--layer", "res2_conv2", "--width", "64", "--out", p("s2"));
        assertEquals(0, w2.code(), w2.err());
        assertTrue(w2.out().contains("\"conv2\"") && w2.out().contains("\"fc1\""), w2.out());
        CliRun d = run("deepen", "--model", p("s2"), "--after", "res1", "--residual", "--out", p("s3"), "--json");
        assertEquals(0, d.code(), d.err());
        assertTrue(
                JsonParser.parseString(d.out())
                                .getAsJsonObject()
                                .get("max_rel_diff")
                                .getAsDouble()
                        <= 1e-5,
                d.out());
        CliRun verify = run("verify", "--teacher", p("t"), "--student", p("s3"), "--json");
        assertEquals(0, verify.code(), verify.err());
        JsonObject v = JsonParser.parseString(verify.out()).getAsJsonObject();
        assertTrue(v.get("max_rel_diff").getAsDouble() <= 1e-5, verify.out());
        assertTrue(v.get("train_max_rel_diff").getAsDouble() <= 1e-4, verify.out());
        CliRun info = run("info", "--model", p("s3"), "--json");
        assertEquals(0, info.code(), info.err());
        String layers = JsonParser.parseString(info.out())
                .getAsJsonObject()
                .getAsJsonArray("layers")
                .toString();
        assertTrue(layers.contains("\"res1_res\"") && layers.contains("\"res1_res_bn2\""), layers);
        assertTrue(layers.contains("\"filters\":64") && layers.contains("\"filters\":32"), layers);
        CliRun text = run("info", "--model", p("s3"));
        assertTrue(text.out().contains("    res1_res_conv1"), "body layers are indented: " + text.out());
        // plain deepening after a conv (not a relu) is refused and points to --residual
        CliRun tanh = run("deepen", "--model", p("t"), "--after", "conv1", "--out", p("x"));
        assertEquals(2, tanh.code());
        assertTrue(tanh.err().contains("--residual"), tanh.err());
    }

    @Fast
    @Test
    void residualArchitectureJson() throws Exception {
        Path f = tmp.resolve("r.json");
        Files.writeString(
                f,
                "{\"input\": [3], \"layers\": [{\"type\": \"dense\", \"units\": 4},"
                        + " {\"type\": \"residual\", \"name\": \"res1\", \"activation\": \"tanh\", \"body\": [{\"type\": \"dense\", \"units\": 5},"
                        + " {\"type\": \"relu\"}, {\"type\": \"dense\", \"units\": 4}]}, {\"type\": \"dense\", \"units\": 2}]}");
        CliRun r = run("init", "--arch", f.toString(), "--out", p("ok"));
        assertEquals(0, r.code(), r.err());
        CliRun info = run("info", "--model", p("ok"), "--json");
        JsonObject res1 = JsonParser.parseString(info.out())
                .getAsJsonObject()
                .getAsJsonArray("layers")
                .get(1)
                .getAsJsonObject();
        assertEquals("tanh", res1.get("activation").getAsString());
        assertEquals(
                "dense2",
                res1.getAsJsonArray("body").get(0).getAsJsonObject().get("name").getAsString());
        assertEquals(4 * 5 + 5 + 5 * 4 + 4, res1.get("parameters").getAsLong());
        // the addition needs the body to keep 4 units
        Files.writeString(
                f,
                "{\"input\": [3], \"layers\": [{\"type\": \"dense\", \"units\": 4},"
                        + " {\"type\": \"residual\", \"body\": [{\"type\": \"dense\", \"units\": 5}]}, {\"type\": \"dense\", \"units\": 2}]}");
        r = run("init", "--arch", f.toString(), "--out", p("x"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("addition needs the input's shape"), r.err());
        Files.writeString(
                f,
                "{\"input\": [3], \"layers\": [{\"type\": \"residual\", \"activation\": \"gelu\", \"body\": [{\"type\": \"relu\"}]}]}");
        r = run("init", "--arch", f.toString(), "--out", p("x"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("\"relu\", \"tanh\" or null"), r.err());
    }

    @Fast
    @Test
    void verifyExitsOneForADifferentFunction() {
        run("init", "--arch", "mlp-seed", "--out", p("a"));
        run("pad", "--model", p("a"), "--layer", "fc1", "--width", "20", "--out", p("b"));
        CliRun verify = run("verify", "--teacher", p("a"), "--student", p("b"));
        assertEquals(1, verify.code(), verify.out());
        assertTrue(verify.out().contains("DIFFERENT"));
    }

    @Fast
    @Test
    void badInputIsOneLineExitTwoAndWritesNothing() {
        run("init", "--arch", "fashionnet", "--width-mult", "0.5", "--out", p("t"));
        String[][] bad = {
            {"init", "--arch", "nosuchnet", "--out", p("x")},
            {"init", "--arch", "fashionnet", "--width-mult", "-1", "--out", p("x")},
            {"init", "--arch", p("missing.json"), "--out", p("x")},
            {"widen", "--model", p("t"), "--layer", "conv1", "--width", "3", "--out", p("x")},
            {"widen", "--model", p("t"), "--layer", "fc2", "--width", "30", "--out", p("x")},
            {"widen", "--model", p("t"), "--layer", "nope", "--width", "30", "--out", p("x")},
            {"widen", "--model", p("t"), "--layer", "conv1", "--width", "abc", "--out", p("x")},
            {"widen", "--model", p("t"), "--layer", "conv1", "--width", "40", "--noise", "loud", "--out", p("x")},
            {"widen", "--model", p("nomodel"), "--layer", "conv1", "--width", "40", "--out", p("x")},
            {"widen", "--model", p("t"), "--layer", "conv1", "--width", "40", "--out", p("t")},
            {"deepen", "--model", p("t"), "--after", "conv1", "--out", p("x")},
            {"deepen", "--model", p("t"), "--after", "relu1", "--kernel", "2", "--out", p("x")},
            {"pad", "--model", p("t"), "--layer", "conv2", "--width", "1", "--out", p("x")},
            {"verify", "--teacher", p("t"), "--student", p("nomodel")},
            {"info"},
            {"frobnicate"},
        };
        for (String[] args : bad) {
            CliRun r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + " -> " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("net2net: error: "), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertFalse(Files.exists(tmp.resolve("x")), "nothing written for " + String.join(" ", args));
        }
        try (var files = Stream.of(tmp.toFile().list())) {
            assertEquals(1, files.count(), "no temporary files left");
        }
    }

    @Fast
    @Test
    void badArchitectureJson() throws Exception {
        Path f = tmp.resolve("a.json");
        Files.writeString(
                f,
                "{\"input\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 3}, {\"type\": \"conv2d\", \"filters\": 2}]}");
        CliRun r = run("init", "--arch", f.toString(), "--out", p("x"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("conv2d needs an image"), r.err());
        Files.writeString(
                f,
                "{\"input\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 3}, {\"type\": \"relu\"}, {\"units\": 1, \"type\": \"dense\", \"bias\": false}]}");
        r = run("init", "--arch", f.toString(), "--out", p("ok"));
        assertEquals(0, r.code(), r.err());
        CliRun info = run("info", "--model", p("ok"), "--json");
        assertTrue(
                info.out().contains("\"dense1\"")
                        && info.out().contains("\"relu1\"")
                        && info.out().contains("\"dense2\""),
                info.out());
    }
}
