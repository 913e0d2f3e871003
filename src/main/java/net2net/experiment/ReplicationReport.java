package net2net.experiment;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net2net.report.CurvePoint;
import net2net.report.Figures;
import net2net.report.MetricsCsv;
import net2net.report.ReportWriter;
import net2net.report.ReportWriter.Section;
import net2net.report.ReportWriter.Table;
import net2net.report.Summary;

/** Writes what a replication measured: metrics.csv, summary.json, figures, report.md and report.html. */
public final class ReplicationReport {
    private ReplicationReport() {}

    static final Map<String, String> TITLES = Map.of(
            Replication.WIDER, "Net2WiderNet: fashionnet sqrt(0.3) width -> full width",
            Replication.DEEPER, "Net2DeeperNet: fashionnet + 3 identity layers",
            Replication.DESIGN, "Design space: sqrt(0.3) teacher -> wider and deeper student (teacher cost included)",
            Replication.RESIDUAL_WIDER, "Net2WiderNet across skip connections: fashionresnet sqrt(0.3) width -> full width",
            Replication.RESIDUAL_DEEPER, "Net2DeeperNet by residual blocks: fashionresnet sqrt(0.3) + 2 identity residual blocks");

    /** The Fashion-MNIST experiments, in report order. */
    static final List<String> EXPERIMENTS = List.of(Replication.WIDER, Replication.DEEPER, Replication.DESIGN,
            Replication.RESIDUAL_WIDER, Replication.RESIDUAL_DEEPER);

    /** Writes every file and returns summary.json's content. */
    public static JsonObject write(Path out, Profile profile, int seeds, Replication.Result fashion,
                                   NotebookExperiment.Outcome seed, String command, String machine) {
        List<CurvePoint> points = new ArrayList<>(fashion.points());
        points.addAll(seedPoints(seed));
        MetricsCsv.write(out.resolve("metrics.csv"), points);

        JsonObject summary = Summary.all(fashion.points());
        for (String exp : EXPERIMENTS) {
            JsonObject e = summary.getAsJsonObject(exp);
            double teacher = meanTeacherFinal(fashion, exp, seeds);
            e.getAsJsonObject("net2net").addProperty("teacher_final_accuracy", teacher);
            e.getAsJsonObject("net2net").addProperty("start_minus_teacher_accuracy",
                    e.getAsJsonObject("net2net").get("start_accuracy").getAsDouble() - teacher);
        }
        summary.add("seed", seedSummary(seed.json()));
        JsonObject meta = new JsonObject();
        meta.addProperty("profile", profile.describe());
        meta.addProperty("seeds", seeds);
        meta.addProperty("command", command);
        meta.addProperty("machine", machine);
        meta.addProperty("seconds", fashion.seconds());
        meta.addProperty("resumed_runs", fashion.resumedRuns());
        summary.add("run", meta);
        Summary.write(out.resolve("summary.json"), summary);

        List<Section> sections = new ArrayList<>();
        for (String exp : EXPERIMENTS) {
            // The teacher's curve counts examples from its own start: it belongs on the same axis only in
            // design_space, where the grown student's cost continues from the teacher's.
            List<CurvePoint> ep = fashion.points().stream().filter(p -> p.experiment().equals(exp)
                    && (exp.equals(Replication.DESIGN) || !p.method().equals("teacher"))).toList();
            double teacher = meanTeacherFinal(fashion, exp, seeds);
            Path png = out.resolve(exp + ".png");
            Figures.accuracyFigure(TITLES.get(exp), ep, Figures.X_EXAMPLES, teacher, png, out.resolve(exp + ".svg"));
            Path timePng = out.resolve(exp + "_time.png");
            Figures.accuracyFigure(TITLES.get(exp) + ", against wall time", ep, Figures.X_SECONDS, teacher,
                    timePng, out.resolve(exp + "_time.svg"));
            sections.add(new Section(TITLES.get(exp), findings(exp, summary.getAsJsonObject(exp)),
                    List.of(table(summary.getAsJsonObject(exp))), List.of(png, timePng)));
        }
        List<CurvePoint> sp = seedPoints(seed);
        Path seedPng = out.resolve("seed.png");
        Figures.lossFigure("Seed notebook, done properly: test MSE", sp, Figures.X_EXAMPLES, seedPng, out.resolve("seed.svg"));
        sections.add(new Section("The seed notebook", "```\n" + NotebookExperiment.table(seed.json()) + "```",
                List.of(), List.of(seedPng)));
        String intro = "Profile " + profile.describe() + ". Seeds: " + seeds + ". Machine: " + machine
                + ". Run time: " + Replication.duration(fashion.seconds()) + " for the Fashion-MNIST experiments"
                + (fashion.resumedRuns() == 0 ? "" : " in this invocation, which resumed an earlier one (" + fashion.resumedRuns()
                        + " runs were finished or under way before it)")
                + ".\n\n"
                + "Command: `" + command + "`\n\n"
                + "Net2Net students use `--noise exact` (zero-sum noise on the replicas' outgoing weights: the function is "
                + "unchanged, the symmetry is broken). Net2Net and random pad train at a tenth of the teacher's initial learning "
                + "rate with no schedule; random init uses the teacher's rate and schedule. Accuracies are on the test set. "
                + "The residual experiments (fashionresnet) widen each residual stream with one mapping shared by all its writers "
                + "and readers, and deepen by identity residual blocks (last batchnorm at zero); they train on the profile's "
                + "residual subsets, so compare their numbers with each other, not with fashionnet's.";
        ReportWriter.write(out.resolve("report.md"), out.resolve("report.html"), "Net2Net on Fashion-MNIST", intro, sections);
        return summary;
    }

    static double meanTeacherFinal(Replication.Result r, String exp, int seeds) {
        double sum = 0;
        for (int s = 0; s < seeds; s++) {
            sum += r.teacherFinalAccuracy().get(exp + "/" + s);
        }
        return sum / seeds;
    }

    /** The claims, stated from the measured numbers. */
    static String findings(String exp, JsonObject e) {
        StringBuilder sb = new StringBuilder();
        JsonObject n = e.getAsJsonObject("net2net");
        JsonObject r = e.getAsJsonObject("random_init");
        sb.append(String.format(Locale.ROOT, "- Net2Net starts at %s test accuracy; its teacher ended at %s (difference %+.4f).%n",
                pct(n.get("start_accuracy")), pct(n.get("teacher_final_accuracy")), n.get("start_minus_teacher_accuracy").getAsDouble()));
        sb.append(String.format(Locale.ROOT, "- Random init ends at %s after %s examples.%n", pct(r.get("final_accuracy")),
                count(r.get("examples_to_reach_random_init_final"))));
        JsonElement catchUp = r.get("examples_to_reach_net2net_start");
        sb.append(catchUp.isJsonNull()
                ? String.format(Locale.ROOT, "- Random init never reaches Net2Net's starting accuracy (%s) within its budget.%n",
                        pct(n.get("start_accuracy")))
                : String.format(Locale.ROOT, "- Random init first reaches Net2Net's starting accuracy (%s) after %s examples.%n",
                        pct(n.get("start_accuracy")), count(catchUp)));
        for (String m : List.of("net2net", "random_pad")) {
            if (!e.has(m)) {
                continue;
            }
            JsonObject s = e.getAsJsonObject(m);
            String name = m.equals("net2net") ? "Net2Net" : "Random pad";
            JsonElement reach = s.get("examples_to_reach_random_init_final");
            String end = String.format(Locale.ROOT, "it ends at %s, its best is %s after %s examples", pct(s.get("final_accuracy")),
                    pct(s.get("best_accuracy")), count(s.get("examples_to_best")));
            if (reach.isJsonNull()) {
                sb.append(String.format(Locale.ROOT, "- %s does not reach random init's final accuracy within its budget (%s).%n",
                        name, end));
            } else {
                JsonElement speed = s.get("speedup_vs_random_init");
                sb.append(String.format(Locale.ROOT, "- %s reaches it after %s examples%s; %s.%n", name, count(reach),
                        speed.isJsonNull() ? " (before any training)" : speed.getAsDouble() >= 1
                                ? String.format(Locale.ROOT, ": %.2fx faster than random init", speed.getAsDouble())
                                : String.format(Locale.ROOT, ": slower than random init (speed-up %.2fx)", speed.getAsDouble()),
                        end));
            }
        }
        if (exp.equals(Replication.DESIGN)) {
            sb.append("- Net2Net's examples include the teacher's own training.\n");
        }
        return sb.toString();
    }

    static Table table(JsonObject e) {
        List<List<String>> rows = new ArrayList<>();
        for (String m : List.of("teacher", "net2net", "random_pad", "random_init")) {
            if (!e.has(m)) {
                continue;
            }
            JsonObject s = e.getAsJsonObject(m);
            rows.add(List.of(m, pct(s.get("start_accuracy")), pct(s.get("accuracy_after_1_epoch")), pct(s.get("final_accuracy")),
                    pct(s.get("best_accuracy")), count(s.get("examples_to_reach_random_init_final")), speed(s.get("speedup_vs_random_init"))));
        }
        return new Table(List.of("method", "start", "after 1 epoch", "final", "best", "examples to reach random init's final", "speed-up"), rows);
    }

    static String pct(JsonElement v) {
        return v == null || v.isJsonNull() ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * v.getAsDouble());
    }

    static String count(JsonElement v) {
        return v == null || v.isJsonNull() ? "not reached" : String.format(Locale.ROOT, "%,d", v.getAsLong());
    }

    static String speed(JsonElement v) {
        return v == null || v.isJsonNull() ? "-" : String.format(Locale.ROOT, "%.2fx", v.getAsDouble());
    }

    /** The seed experiment as curves: the proper teacher, the wider Net2Net student and its random init. */
    static List<CurvePoint> seedPoints(NotebookExperiment.Outcome seed) {
        List<CurvePoint> points = new ArrayList<>();
        for (NotebookExperiment.Curve c : seed.curves()) {
            String method = switch (c.method()) {
                case "wider" -> "net2net";
                case "random_init_wider" -> "random_init";
                case "deeper" -> "net2net_deeper";
                case "random_init_deeper" -> "random_init_deeper";
                default -> c.method();
            };
            Replication.add(points, "seed", method, 0, c.metrics(), 0, 0);
        }
        return points;
    }

    /** summary.json's "seed" entry: the loss-based figures (a regression task has no accuracy). */
    static JsonObject seedSummary(JsonObject seed) {
        JsonObject p = seed.getAsJsonObject("proper");
        JsonObject o = new JsonObject();
        o.add("teacher", methodLosses(p.get("teacher_loss"), p.get("teacher_loss")));
        o.add("net2net", methodLosses(p.get("wider_start_loss"), p.get("wider_trained_loss")));
        o.add("random_init", methodLosses(p.get("random_init_wider_start_loss"), p.get("random_init_wider_loss")));
        o.add("net2net_deeper", methodLosses(p.get("deeper_start_loss"), p.get("deeper_trained_loss")));
        o.add("random_init_deeper", methodLosses(p.get("random_init_deeper_start_loss"), p.get("random_init_deeper_loss")));
        o.add("figures", seed);
        return o;
    }

    private static JsonObject methodLosses(JsonElement start, JsonElement end) {
        JsonObject o = new JsonObject();
        o.add("start_accuracy", com.google.gson.JsonNull.INSTANCE);
        o.add("accuracy_after_1_epoch", com.google.gson.JsonNull.INSTANCE);
        o.add("final_accuracy", com.google.gson.JsonNull.INSTANCE);
        o.add("examples_to_reach_random_init_final", com.google.gson.JsonNull.INSTANCE);
        o.add("speedup_vs_random_init", com.google.gson.JsonNull.INSTANCE);
        o.add("start_loss", start);
        o.add("final_loss", end);
        return o;
    }
}
