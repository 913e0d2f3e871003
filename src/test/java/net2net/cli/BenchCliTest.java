package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net2net.bench.Benchmark;
import net2net.testing.Fast;
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `bench --quick --json` runs end to end and reports every figure with a sane value; timings are never asserted. */
class BenchCliTest {
    @Slow
    @Test
    void quickBenchReportsEveryFigure() {
        CliRun run = CliRun.of("bench", "--quick", "--json");
        assertEquals(0, run.code(), run.err());
        JsonObject o = JsonParser.parseString(run.out()).getAsJsonObject();
        for (String key : Benchmark.KEYS) {
            assertTrue(o.has(key), "missing " + key + " in " + o);
        }
        for (String key : new String[] {
            "train_samples_per_s",
            "infer_samples_per_s",
            "raw_djl_train_samples_per_s",
            "widen_dense_ms",
            "widen_dense_noise_none_ms",
            "widen_conv_ms",
            "deepen_ms",
            "copy_ms",
            "widen_over_copy",
            "rss_mb_peak",
            "rss_mb_epoch1",
            "rss_mb_epoch5"
        }) {
            double v = o.get(key).getAsDouble();
            assertTrue(v > 0 && Double.isFinite(v), key + " = " + v);
        }
        double overhead = o.get("overhead_share").getAsDouble();
        assertTrue(overhead >= 0 && overhead <= 1, "overhead_share = " + overhead);
        assertTrue(
                o.get("rss_mb_peak").getAsDouble() >= o.get("rss_mb_epoch1").getAsDouble(),
                "peak below a sample: " + o);
        assertTrue(o.get("threads").getAsInt() >= 1);
        assertEquals("quick", o.get("mode").getAsString());
        assertTrue(o.get("data").getAsString().startsWith("fashion-mnist")
                || o.get("data").getAsString().startsWith("random"));
    }

    @Slow
    @Test
    void stepProfileReportsOperatorsAndKeepsTheTrace(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("traces/step.json");
        CliRun run = CliRun.of("bench", "--quick", "--json", "--trace", trace.toString());
        assertEquals(0, run.code(), run.err());
        JsonObject profile = JsonParser.parseString(run.out()).getAsJsonObject().getAsJsonObject("step_profile");
        JsonObject ops = profile.getAsJsonObject("self_ms_per_step");
        assertTrue(ops.keySet().stream().anyMatch(k -> k.contains("convolution")), "no convolution in " + ops);
        double sum = ops.entrySet().stream()
                .mapToDouble(e -> e.getValue().getAsDouble())
                .sum();
        assertEquals(profile.get("op_ms_per_step").getAsDouble(), sum, 1e-9);
        assertTrue(sum > 0 && sum <= profile.get("wall_ms_per_step").getAsDouble() * 1.05, profile.toString());
        String text = Files.readString(trace);
        var root = JsonParser.parseString(
                text); // libtorch writes a bare array of events; Chrome also takes {"traceEvents": [...]}
        var events = root.isJsonArray()
                ? root.getAsJsonArray()
                : root.getAsJsonObject().getAsJsonArray("traceEvents");
        assertTrue(events.size() > 0 && text.contains("aten::"), "no libtorch operators in the trace");
        try (var files = Files.list(trace.getParent())) {
            assertEquals(List.of(trace), files.toList(), "a temporary file was left beside the trace");
        }
    }

    @Fast
    @Test
    void unwritableTracesAreRefusedUpFront(@TempDir Path dir) throws Exception {
        CliRun run = CliRun.of("bench", "--quick", "--trace", dir.toString());
        assertEquals(2, run.code());
        assertTrue(run.err().contains("is a directory; give a file name"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err()); // nothing ran: no progress lines
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        CliRun under = CliRun.of(
                "bench", "--quick", "--trace", file.resolve("trace.json").toString());
        assertEquals(2, under.code());
        assertTrue(under.err().contains("is not a writable directory"), under.err());
        assertEquals(1, under.err().strip().lines().count(), under.err());
    }
}
