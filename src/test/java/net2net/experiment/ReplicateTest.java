package net2net.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net2net.cli.Main;
import net2net.report.CurvePoint;
import net2net.report.MetricsCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import net2net.testing.RealData;
import net2net.testing.Slow;

/** The whole replication end to end on the tiny profile (seconds), then resumed. */
@Slow
@RealData
class ReplicateTest {
    @TempDir
    Path tmp;

    @Test
    void tinyProfileWritesEverythingAndStudentsStartAtTheirTeachers() throws Exception {
        Path out = tmp.resolve("rep");
        assertEquals(0, Main.run("replicate", "--profile", "tiny", "--out", out.toString()));
        for (String f : List.of("report.html", "report.md", "metrics.csv", "summary.json", "wider.png", "wider.svg",
                "deeper.png", "deeper.svg", "design_space.png", "design_space.svg", "seed.png", "seed.svg",
                "residual_wider.png", "residual_wider.svg", "residual_wider_time.png",
                "residual_deeper.png", "residual_deeper.svg", "residual_deeper_time.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        List<CurvePoint> points = MetricsCsv.read(out.resolve("metrics.csv"));
        assertFalse(points.isEmpty());
        JsonObject summary = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
        for (String exp : List.of("wider", "deeper", "design_space", "residual_wider", "residual_deeper", "seed")) {
            assertTrue(summary.has(exp), exp);
            for (String key : List.of("start_accuracy", "accuracy_after_1_epoch", "final_accuracy",
                    "examples_to_reach_random_init_final", "speedup_vs_random_init")) {
                assertTrue(summary.getAsJsonObject(exp).getAsJsonObject("net2net").has(key), exp + "." + key);
            }
        }
        assertTrue(summary.getAsJsonObject("wider").has("random_pad"));
        for (String exp : List.of("residual_wider", "residual_deeper")) {
            assertTrue(summary.getAsJsonObject(exp).has("random_init"), exp);
            assertFalse(summary.getAsJsonObject(exp).has("random_pad"), exp);
        }
        assertTrue(points.stream().anyMatch(p -> p.experiment().equals("residual_wider") && p.method().equals("net2net")));
        assertTrue(points.stream().anyMatch(p -> p.experiment().equals("residual_deeper") && p.method().equals("random_init")));
        for (String exp : List.of("wider", "deeper", "design_space", "residual_wider", "residual_deeper")) {
            JsonObject n = summary.getAsJsonObject(exp).getAsJsonObject("net2net");
            // The student's first point is measured before any training: exactly the teacher's accuracy.
            assertEquals(n.get("teacher_final_accuracy").getAsDouble(), n.get("start_accuracy").getAsDouble(), 1e-9, exp);
        }
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,"));

        // Resuming a finished run redoes no training and gives the same curves.
        assertEquals(0, Main.run("replicate", "--profile", "tiny", "--out", out.toString(), "--resume"));
        List<CurvePoint> again = MetricsCsv.read(out.resolve("metrics.csv"));
        List<CurvePoint> fashion = points.stream().filter(p -> !p.experiment().equals("seed")).toList();
        List<CurvePoint> fashionAgain = again.stream().filter(p -> !p.experiment().equals("seed")).toList();
        assertEquals(fashion, fashionAgain);
    }
}
