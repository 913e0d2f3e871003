package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net2net.io.StrictJson;
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NaN and infinite weights: reported by info, refused by the commands that check a function, never printed as NaN. */
@Slow
class NonFiniteCliTest {
    @TempDir
    Path tmp;

    String p(String name) {
        return tmp.resolve(name).toString();
    }

    @Test
    void nonFiniteWeightsAreReportedAndRefused() throws Exception {
        assertEquals(0, CliRun.of("init", "--arch", "mlp-seed", "--out", p("m")).code());
        // the first float of the data (fc1.weight[0][0]) becomes NaN, the last (fc2.weight[0][9]) +Inf
        Path weights = tmp.resolve("m/model.safetensors");
        try (FileChannel c = FileChannel.open(weights, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer n = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            c.read(n, 0);
            long dataStart = 8 + n.flip().getLong();
            c.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, Float.NaN), dataStart);
            c.write(
                    ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, Float.POSITIVE_INFINITY),
                    c.size() - 4);
        }
        CliRun info = CliRun.of("info", "--model", p("m"));
        assertEquals(0, info.code(), info.err());
        assertTrue(
                info.out()
                        .contains("WARNING: NaN or infinite weights (count per tensor): fc1.weight: 1, fc2.weight: 1"),
                info.out());
        CliRun json = CliRun.of("info", "--model", p("m"), "--json");
        JsonObject o = StrictJson.parse(json.out()).getAsJsonObject();
        assertEquals(
                1, o.getAsJsonObject("non_finite_weights").get("fc1.weight").getAsInt());

        for (String[] args : new String[][] {
            {"widen", "--model", p("m"), "--layer", "fc1", "--width", "12", "--out", p("x")},
            {"deepen", "--model", p("m"), "--after", "relu1", "--out", p("x")},
            {"pad", "--model", p("m"), "--layer", "fc1", "--width", "12", "--out", p("x")},
            {"verify", "--teacher", p("m"), "--student", p("m")}
        }) {
            CliRun r = CliRun.of(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err() + r.out());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("has NaN or infinite weights (fc1.weight: 1, fc2.weight: 1)"), r.err());
            assertFalse(r.out().contains("DIFFERENT"), r.out());
            assertFalse(Files.exists(tmp.resolve("x")));
        }
    }

    @Test
    void jsonOutputPrintsNullForNaNAndInfinity() {
        PrintStream out = Output.OUT;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            Output.redirect(new PrintStream(bytes, true), Output.ERR);
            JsonObject o = new JsonObject();
            o.addProperty("max_rel_diff", Double.NaN);
            o.addProperty("scale", Double.POSITIVE_INFINITY);
            o.addProperty("ok", 1.5);
            JsonObject inner = new JsonObject();
            inner.addProperty("x", Float.NEGATIVE_INFINITY);
            o.add("inner", inner);
            Output.json(o);
        } finally {
            Output.redirect(out, Output.ERR);
        }
        JsonObject back = StrictJson.parse(bytes.toString()).getAsJsonObject();
        assertTrue(back.get("max_rel_diff").isJsonNull() && back.get("scale").isJsonNull(), bytes.toString());
        assertTrue(back.getAsJsonObject("inner").get("x").isJsonNull(), bytes.toString());
        assertEquals(1.5, back.get("ok").getAsDouble());
    }
}
