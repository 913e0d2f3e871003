package net2net.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net2net.cli.CliRun;
import net2net.cli.Main;
import net2net.report.CurvePoint;
import net2net.report.MetricsCsv;
import net2net.testing.RealData;
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole replication protocol end to end on the tiny profile, then interrupted and resumed. */
@Slow
@RealData
class ReplicateTest {
    @TempDir
    Path tmp;

    static final List<String> EXPERIMENTS =
            List.of("wider", "deeper", "design_space", "residual_wider", "residual_deeper");

    static final Pattern RUN = Pattern.compile("^\\[(\\d+)/(\\d+)\\] ");

    @Test
    void tinyProfileFollowsTheProtocolAndResumesToTheSameNumbers() throws Exception {
        Path out = tmp.resolve("rep");
        CliRun first = CliRun.of("replicate", "--profile", "tiny", "--out", out.toString());
        assertEquals(0, first.code(), first.err());
        // "[k/N]": N is every run of the invocation (exact once the grid has chosen the rates), so the last is N/N
        List<Matcher> runs =
                first.err().lines().map(RUN::matcher).filter(Matcher::find).toList();
        Matcher last = runs.get(runs.size() - 1);
        assertEquals(last.group(2), last.group(1), "the last run is N of N: " + last.group());
        for (Matcher m : runs) {
            assertTrue(Integer.parseInt(m.group(1)) <= Integer.parseInt(m.group(2)), m.group());
        }
        for (String f : List.of(
                "report.html", "report.md", "metrics.csv", "runs.csv", "summary.json", "seed.png", "seed.svg")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        for (String exp : EXPERIMENTS) {
            for (String suffix : List.of(".png", ".svg", "_curve.png", "_curve.svg", "_time.png")) {
                assertTrue(Files.size(out.resolve(exp + suffix)) > 0, exp + suffix);
            }
        }
        JsonObject summary = read(out.resolve("summary.json"));
        JsonObject protocol = summary.getAsJsonObject("protocol");
        assertEquals(100, protocol.get("validation_images").getAsInt());
        assertEquals("[1,2]", protocol.get("budgets_epochs").toString());
        // every experiment but wider has its own budgets (tiny: B = 1 only)
        JsonObject perExperiment = protocol.getAsJsonObject("budgets_epochs_per_experiment");
        for (String exp : EXPERIMENTS) {
            assertEquals(
                    exp.equals("wider") ? "[1,2]" : "[1]",
                    perExperiment.get(exp).toString(),
                    exp);
        }
        assertFalse(Files.exists(out.resolve("runs/deeper/net2net/lr0.05/B2")));
        assertFalse(Files.exists(out.resolve("runs/deeper/net2net/lr0.02/B2")));
        assertEquals(2, protocol.get("seeds").getAsInt());
        // the grid: two rates each for random init and Net2Net, scored on validation; random pad fixed
        assertEquals(
                2,
                protocol.getAsJsonObject("lr_grid_validation_accuracy")
                        .getAsJsonObject("random_init")
                        .size());
        assertEquals(
                0,
                protocol.getAsJsonObject("lr_grid_validation_accuracy")
                        .getAsJsonObject("random_pad")
                        .size());

        // each residual experiment chooses random init's rate from its own grid (tiny: two rates), on validation;
        // Net2Net there, with no grid of its own in tiny, keeps the wider experiment's rate
        JsonObject rates = protocol.getAsJsonObject("lr");
        for (String exp : List.of("residual_wider", "residual_deeper")) {
            JsonObject g =
                    protocol.getAsJsonObject("lr_grid_validation_accuracy").getAsJsonObject(exp + "/random_init");
            assertEquals(Set.of("0.02", "0.05"), g.keySet(), exp);
            double chosen = rates.get(exp + "/random_init").getAsDouble();
            for (String lr : g.keySet()) {
                assertTrue(
                        g.get(lr).getAsDouble()
                                <= g.get(Replication.rate(chosen)).getAsDouble(),
                        exp + " " + lr);
            }
            assertEquals(
                    chosen,
                    summary.getAsJsonObject(exp)
                            .getAsJsonObject("random_init")
                            .get("lr")
                            .getAsDouble(),
                    exp);
            assertEquals(
                    rates.get("net2net").getAsDouble(),
                    summary.getAsJsonObject(exp)
                            .getAsJsonObject("net2net")
                            .get("lr")
                            .getAsDouble(),
                    exp);
        }

        for (String exp : EXPERIMENTS) {
            JsonObject e = summary.getAsJsonObject(exp);
            JsonObject n = e.getAsJsonObject("net2net");
            for (String key : List.of(
                    "start_accuracy",
                    "accuracy_after_1_epoch",
                    "final_accuracy",
                    "examples_to_reach_random_init_final",
                    "speedup_vs_random_init",
                    "lr")) {
                assertTrue(n.has(key), exp + "." + key);
            }
            // the student's first point is measured before any training: exactly the teacher's accuracy
            assertEquals(
                    n.get("teacher_final_accuracy").getAsDouble(),
                    n.get("start_accuracy").getAsDouble(),
                    1e-9,
                    exp);
            assertTrue(
                    e.getAsJsonObject("random_init")
                            .get("speedup_vs_random_init")
                            .isJsonNull(),
                    exp);
            List<String> budgets = exp.equals("wider") ? List.of("1", "2") : List.of("1");
            assertEquals(budgets.size(), n.getAsJsonObject("budgets").size(), exp);
            for (String b : budgets) {
                JsonObject nb = n.getAsJsonObject("budgets").getAsJsonObject(b);
                for (String key : List.of(
                        "test_accuracy_mean",
                        "test_accuracy_sd",
                        "test_accuracy_per_seed",
                        "train_macs",
                        "examples",
                        "wall_seconds_mean",
                        "paired_diff_vs_random_init_mean",
                        "paired_diff_vs_random_init_min",
                        "paired_diff_vs_random_init_max")) {
                    assertTrue(nb.has(key), exp + ".net2net.budgets." + b + "." + key);
                }
            }
            JsonArray targets = e.getAsJsonArray("targets");
            assertEquals(3, targets.size());
            for (JsonElement t : targets) {
                for (String key : List.of(
                        "accuracy", "budget_epochs", "speedup_examples", "speedup_macs", "speedup_macs_with_teacher")) {
                    assertTrue(t.getAsJsonObject().has(key), exp + ".targets." + key);
                }
                // the speed-up of each seed, from its own curves, and their mean and sd
                JsonArray perSeed = t.getAsJsonObject().getAsJsonArray("per_seed");
                assertEquals(exp.equals("wider") ? 2 : 1, perSeed.size(), exp);
                for (String key : List.of("speedup_macs_mean", "speedup_macs_sd", "speedup_macs_with_teacher_mean")) {
                    assertTrue(t.getAsJsonObject().has(key), exp + ".targets." + key);
                }
                if (exp.equals("wider")
                        && !t.getAsJsonObject()
                                .get("speedup_macs_with_teacher_mean")
                                .isJsonNull()) {
                    double m = (perSeed.get(0)
                                            .getAsJsonObject()
                                            .get("speedup_macs_with_teacher")
                                            .getAsDouble()
                                    + perSeed.get(1)
                                            .getAsJsonObject()
                                            .get("speedup_macs_with_teacher")
                                            .getAsDouble())
                            / 2;
                    assertEquals(
                            m,
                            t.getAsJsonObject()
                                    .get("speedup_macs_with_teacher_mean")
                                    .getAsDouble(),
                            1e-12);
                }
            }
            JsonObject v = e.getAsJsonObject("verdict");
            assertTrue(v.get("faster").getAsJsonPrimitive().isBoolean());
            assertTrue(v.get("comparable_final").getAsJsonPrimitive().isBoolean());
            assertFalse(v.get("text").getAsString().isBlank());
        }
        JsonObject wider = summary.getAsJsonObject("wider");
        JsonObject b2 =
                wider.getAsJsonObject("net2net").getAsJsonObject("budgets").getAsJsonObject("2");
        assertEquals(2, b2.getAsJsonArray("test_accuracy_per_seed").size());
        assertFalse(b2.get("test_accuracy_sd").isJsonNull(), "two seeds have a sample sd");
        // one seed in the deeper experiment: the sd is null, not 0
        assertTrue(summary.getAsJsonObject("deeper")
                .getAsJsonObject("net2net")
                .getAsJsonObject("budgets")
                .getAsJsonObject("1")
                .get("test_accuracy_sd")
                .isJsonNull());
        // a budget of B epochs on 200 training images: B x 200 examples, 3 x forward MACs each
        JsonObject ri1 =
                wider.getAsJsonObject("random_init").getAsJsonObject("budgets").getAsJsonObject("1");
        assertEquals(200, ri1.get("examples").getAsLong());
        assertEquals(200.0 * 3 * 4_241_152L, ri1.get("train_macs").getAsDouble(), 1);
        // Net2Net from the early teacher runs on one seed of the two
        assertEquals(
                1,
                wider.getAsJsonObject("net2net_early_teacher")
                        .getAsJsonObject("budgets")
                        .getAsJsonObject("2")
                        .getAsJsonArray("test_accuracy_per_seed")
                        .size());
        // ... and so does random pad, a control arm
        assertEquals(
                1,
                wider.getAsJsonObject("random_pad")
                        .getAsJsonObject("budgets")
                        .getAsJsonObject("2")
                        .getAsJsonArray("test_accuracy_per_seed")
                        .size());
        assertTrue(wider.has("net2net_constant_lr") && wider.has("net2net_early_teacher") && wider.has("random_pad"));
        // every teacher starts at its accuracy at initialisation: the deeper experiment's (seed 0 only) is the
        // full-width random init of seed 0, before any training
        double riStart = MetricsCsv.read(out.resolve("metrics.csv")).stream()
                .filter(p -> p.experiment().equals("wider")
                        && p.method().equals("random_init")
                        && p.seed() == 0
                        && p.epoch() == 0
                        && p.metric().equals(CurvePoint.TEST_ACCURACY))
                .findFirst()
                .orElseThrow()
                .value();
        assertEquals(
                riStart,
                summary.getAsJsonObject("deeper")
                        .getAsJsonObject("teacher")
                        .get("start_accuracy")
                        .getAsDouble(),
                1e-12);
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.indexOf("decision rules") < md.indexOf("| wider |"), "the rules come before the numbers");
        assertTrue(Files.readString(out.resolve("report.html")).contains("data:image/png;base64,"));

        // a grid of two rates always chooses at its edge: each is tried one step beyond (half or twice the chosen
        // rate) on validation, after the choice, which stands
        JsonObject edge = protocol.getAsJsonObject("lr_edge_check");
        JsonObject grids = protocol.getAsJsonObject("lr_grid_validation_accuracy");
        int gridBudget = protocol.get("lr_grid_budget_epochs").getAsInt();
        for (String family : grids.keySet()) {
            JsonObject g = grids.getAsJsonObject(family);
            if (g.size() < 2) {
                assertFalse(edge.has(family), family);
                continue;
            }
            JsonObject e = edge.getAsJsonObject(family);
            double chosen = rates.get(family).getAsDouble();
            double smallest =
                    g.keySet().stream().mapToDouble(Double::parseDouble).min().orElseThrow();
            double beyond = e.get("beyond").getAsDouble();
            assertEquals(chosen, e.get("chosen").getAsDouble(), family);
            assertEquals(chosen == smallest ? chosen / 2 : chosen * 2, beyond, family);
            assertEquals(
                    g.get(Replication.rate(chosen)).getAsDouble(),
                    e.get("chosen_validation_accuracy").getAsDouble(),
                    family);
            assertEquals(
                    e.get("beyond_validation_accuracy").getAsDouble()
                            > e.get("chosen_validation_accuracy").getAsDouble(),
                    e.get("beyond_scores_higher").getAsBoolean(),
                    family);
            String name = family.contains("/") ? family : "wider/" + family; // a residual grid names its experiment
            Path record = out.resolve(
                    "runs/" + name + "/lr" + Replication.rate(beyond) + "/B" + gridBudget + "/seed0/result.json");
            assertTrue(Files.isRegularFile(record), record.toString());
        }
        assertEquals(
                Set.of("random_init", "net2net", "residual_wider/random_init", "residual_deeper/random_init"),
                edge.keySet());
        assertTrue(Files.readString(out.resolve("report.md")).contains("- Edge check, random_init: the chosen "));

        // Interrupt: drop some finished runs (and the summary), resume; the numbers are those of the uninterrupted run.
        List<CurvePoint> before = withoutSeconds(MetricsCsv.read(out.resolve("metrics.csv")));
        deleteTree(out.resolve("runs/deeper/random_init")); // a teacher-free run, and the design space's random init
        deleteTree(out.resolve("runs/wider/net2net/lr0.05")); // a grid run: the rate must come out the same
        deleteTree(out.resolve("runs/residual_wider/net2net/lr0.02/B1"));
        deleteTree(out.resolve("runs/wider/teacher_early")); // a teacher: retrained to the same weights
        Files.delete(out.resolve("summary.json"));
        assertEquals(0, Main.run("replicate", "--profile", "tiny", "--out", out.toString(), "--resume"));
        assertEquals(before, withoutSeconds(MetricsCsv.read(out.resolve("metrics.csv"))));
        JsonObject again = read(out.resolve("summary.json"));
        for (String exp : EXPERIMENTS) {
            assertEquals(strip(summary.getAsJsonObject(exp)), strip(again.getAsJsonObject(exp)), exp);
        }
        assertTrue(again.getAsJsonObject("run").get("resumed_runs").getAsInt() > 0);
        // wall time from two invocations is not drawn
        assertFalse(Files.readString(out.resolve("report.md")).contains("wider_time.png"));

        // Continue elsewhere from the runs' records and the teachers' checkpoints alone: nothing is trained again,
        // no network is evaluated again, and the numbers are the same.
        Path moved = tmp.resolve("moved");
        Process export = new ProcessBuilder(
                        "bash", "scripts/replication-records.sh", out.toString(), moved.toString(), "2")
                .inheritIO()
                .start();
        assertEquals(0, export.waitFor());
        try (Stream<Path> files = Files.walk(moved)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertFalse(names.contains("optimizer.safetensors"));
            assertTrue(names.contains("model.safetensors")); // the teachers'
        }
        try (Stream<Path> students = Files.walk(moved.resolve("runs/wider/net2net"))) {
            assertTrue(students.noneMatch(p -> p.endsWith("model.safetensors"))); // a student's is not needed
        }
        CliRun elsewhere = CliRun.of("replicate", "--profile", "tiny", "--out", moved.toString(), "--resume");
        assertEquals(0, elsewhere.code(), elsewhere.err());
        assertFalse(elsewhere.err().lines().anyMatch(l -> RUN.matcher(l).find()), elsewhere.err());
        // the recorded grid fixes the rates before the first ETA: nothing is left, so nothing is timed for it
        assertFalse(elsewhere.err().contains("for the ETA"), elsewhere.err());
        assertEquals(before, withoutSeconds(MetricsCsv.read(moved.resolve("metrics.csv"))));
        JsonObject third = read(moved.resolve("summary.json"));
        for (String exp : EXPERIMENTS) {
            assertEquals(strip(summary.getAsJsonObject(exp)), strip(third.getAsJsonObject(exp)), exp);
        }
    }

    private static JsonObject read(Path f) throws Exception {
        return JsonParser.parseString(Files.readString(f)).getAsJsonObject();
    }

    /** Wall-clock figures differ between invocations; everything else must not. */
    private static List<CurvePoint> withoutSeconds(List<CurvePoint> points) {
        return points.stream()
                .filter(p -> !p.experiment().equals("seed"))
                .map(p -> new CurvePoint(
                        p.experiment(), p.method(), p.seed(), p.epoch(), p.examples(), 0, p.metric(), p.value()))
                .toList();
    }

    private static String strip(JsonObject o) {
        return o.toString().replaceAll("\"wall_seconds_mean\":[0-9.eE+-]+", "");
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
