package net2net.experiment;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import net2net.experiment.Replication.Experiment;
import net2net.experiment.Replication.Run;
import net2net.io.AtomicFiles;
import net2net.report.BudgetFigures;
import net2net.report.CurvePoint;
import net2net.report.Figures;
import net2net.report.MetricsCsv;
import net2net.report.ReportWriter;
import net2net.report.ReportWriter.Section;
import net2net.report.ReportWriter.Table;
import net2net.report.Statistics;
import net2net.report.Summary;
import net2net.spec.Architecture;
import net2net.train.Schedule;

/**
 * Writes what a replication measured: metrics.csv (the largest budget's learning curves and the
 * teachers'), runs.csv (one row per run), summary.json, figures, report.md and report.html. The
 * decision rules come first in the report, before any number.
 */
public final class ReplicationReport {
    private ReplicationReport() {}

    static final Map<String, String> TITLES = Map.of(
            Replication.WIDER, "Net2WiderNet: fashionnet sqrt(0.3) width -> full width",
            Replication.DEEPER, "Net2DeeperNet: fashionnet + identity conv at 14x14 + identity dense",
            Replication.DESIGN, "Design space: sqrt(0.3) teacher -> wider and deeper student",
            Replication.RESIDUAL_WIDER,
                    "Net2WiderNet across skip connections: fashionresnet sqrt(0.3) width -> full width",
            Replication.RESIDUAL_DEEPER,
                    "Net2DeeperNet by residual blocks: fashionresnet sqrt(0.3) + 2 identity residual blocks");

    /** How far below the teacher's accuracy the zoomed learning-curve panel reaches. */
    static final double ZOOM_BELOW_TEACHER = 0.015;

    /** Writes every file and returns summary.json's content. */
    public static JsonObject write(
            Path out, Replication.Result r, NotebookExperiment.Outcome seed, String command, String machine) {
        Profile p = r.profile();
        List<CurvePoint> points = new ArrayList<>();
        Map<String, List<CurvePoint>> byExperiment = new LinkedHashMap<>();
        for (Experiment e : r.experiments()) {
            List<CurvePoint> ep = curves(r, e);
            byExperiment.put(e.name(), ep);
            points.addAll(ep);
        }
        List<CurvePoint> all = new ArrayList<>(points);
        all.addAll(seedPoints(seed));
        MetricsCsv.write(out.resolve("metrics.csv"), all);
        writeRunsCsv(out.resolve("runs.csv"), r);

        JsonObject summary = new JsonObject();
        summary.add("protocol", protocol(r));
        List<Section> sections = new ArrayList<>();
        List<List<String>> verdictRows = new ArrayList<>();
        for (Experiment e : r.experiments()) {
            Analysis a = analyse(r, e, byExperiment.get(e.name()));
            summary.add(e.name(), a.json);
            verdictRows.add(a.verdictRow);
            sections.add(section(out, r, e, a, byExperiment.get(e.name()), machine));
        }
        summary.add("seed", seedSummary(seed.json()));
        JsonObject meta = new JsonObject();
        meta.addProperty("profile", p.describe());
        meta.addProperty("seeds", p.seeds());
        meta.addProperty("command", command);
        meta.addProperty("machine", machine);
        meta.addProperty("seconds", r.seconds());
        meta.addProperty("resumed_runs", r.resumedRuns());
        summary.add("run", meta);
        Summary.write(out.resolve("summary.json"), summary);

        List<CurvePoint> sp = seedPoints(seed);
        Path seedPng = out.resolve("seed.png");
        Figures.lossFigure(
                "Seed notebook, done properly: test MSE", sp, Figures.X_EXAMPLES, seedPng, out.resolve("seed.svg"));
        List<Section> report = new ArrayList<>();
        report.add(new Section(
                "Protocol and decision rules (fixed before the numbers)", rulesText(r), List.of(), List.of()));
        report.add(new Section(
                "Verdicts",
                "One line per experiment; the rules are above, the numbers below.",
                List.of(new Table(
                        List.of(
                                "experiment",
                                "faster",
                                "comparable final accuracy",
                                "final paired difference (pp)",
                                "speed-up at teacher + 0.1 pp: examples / MACs / MACs with teacher",
                                "the same in MACs per seed: mean ± sd [each seed]"),
                        verdictRows)),
                List.of()));
        report.add(new Section("Learning rates", gridText(r), List.of(gridTable(r)), List.of()));
        report.addAll(sections);
        report.add(new Section(
                "The seed notebook",
                "```\n" + NotebookExperiment.table(seed.json()) + "```",
                List.of(),
                List.of(seedPng)));
        String intro = "Profile " + p.describe() + ".\n\n"
                + (p.name().equals("full")
                        ? ""
                        : "This profile is a smoke check of the protocol (small budgets, a subset, "
                                + p.seeds() + (p.seeds() == 1 ? " seed" : " seeds")
                                + "): its verdicts are not findings; the full profile's are.\n\n")
                + "Machine: " + machine + ". Run time: " + Replication.duration(r.seconds()) + " in this invocation"
                + (r.resumedRuns() == 0
                        ? ""
                        : ", which resumed an earlier one (" + r.resumedRuns()
                                + " runs were finished or under way before it, so wall times mix invocations)")
                + ".\n\nCommand: `" + command + "`";
        ReportWriter.write(
                out.resolve("report.md"), out.resolve("report.html"), "Net2Net on Fashion-MNIST", intro, report);
        return summary;
    }

    /** The largest budget's curves of every method and the teacher's curve (from its own initialisation). */
    static List<CurvePoint> curves(Replication.Result r, Experiment e) {
        List<CurvePoint> points = new ArrayList<>();
        int largest = e.largestBudget();
        for (int s : e.seeds()) {
            Replication.add(
                    points,
                    e.name(),
                    Replication.TEACHER,
                    s,
                    r.run(e.teacherRun(), e.teacherBudget(), s).metrics(),
                    0,
                    0);
            if (e.name().equals(Replication.WIDER) && s < r.profile().earlyTeacherSeeds()) {
                Replication.add(
                        points,
                        e.name(),
                        Replication.TEACHER_EARLY,
                        s,
                        r.run(
                                        Replication.WIDER + "/" + Replication.TEACHER_EARLY,
                                        r.profile().earlyTeacherEpochs(),
                                        s)
                                .metrics(),
                        0,
                        0);
            }
        }
        e.methods().forEach((method, run) -> {
            for (int s : seeds(r, e, run)) {
                Replication.add(
                        points, e.name(), method, s, r.run(run, largest, s).metrics(), 0, 0);
            }
        });
        return points;
    }

    /** The seeds a run family has (the ablation arm may have fewer than its experiment). */
    static List<Integer> seeds(Replication.Result r, Experiment e, String run) {
        return e.seeds().stream()
                .filter(s -> r.runs().containsKey(Replication.key(run, e.largestBudget(), s)))
                .toList();
    }

    /** One experiment's numbers: summary.json's entry, the verdict row and the text. */
    static final class Analysis {
        final JsonObject json = new JsonObject();
        List<String> verdictRow;
        Statistics.Verdict verdict;
        double teacher;
        double teacherMacs;
        final List<List<String>> rows = new ArrayList<>();
        final List<List<String>> targetRows = new ArrayList<>();
        final List<String> mcnemar = new ArrayList<>();
        final List<BudgetFigures.Series> series = new ArrayList<>();
    }

    static Analysis analyse(Replication.Result r, Experiment e, List<CurvePoint> points) {
        Analysis a = new Analysis();
        Profile p = r.profile();
        List<Integer> budgets = e.budgets();
        double[] bs = budgets.stream().mapToDouble(Integer::doubleValue).toArray();
        int largest = e.largestBudget();

        // today's keys, from the largest budget's curves
        JsonObject today = Summary.experiment(points);
        double[] teacherAcc = e.seeds().stream()
                .mapToDouble(s -> r.run(e.teacherRun(), e.teacherBudget(), s).testAccuracy())
                .toArray();
        a.teacher = Statistics.mean(teacherAcc);
        a.teacherMacs =
                r.run(e.teacherRun(), e.teacherBudget(), e.seeds().get(0)).trainMacs();
        JsonObject n2nToday = today.getAsJsonObject(Replication.NET2NET);
        n2nToday.addProperty("teacher_final_accuracy", a.teacher);
        n2nToday.addProperty(
                "start_minus_teacher_accuracy", n2nToday.get("start_accuracy").getAsDouble() - a.teacher);
        // no speed-up of random init against itself
        today.getAsJsonObject(Replication.RANDOM_INIT).add("speedup_vs_random_init", JsonNull.INSTANCE);
        JsonObject teacherJson = today.getAsJsonObject(Replication.TEACHER);
        teacherJson.addProperty("lr", p.teacherLr());
        teacherJson.addProperty("budget_epochs", e.teacherBudget());
        teacherJson.addProperty("train_macs", a.teacherMacs);
        teacherJson.addProperty(
                "forward_macs_per_example",
                r.run(e.teacherRun(), e.teacherBudget(), e.seeds().get(0)).forwardMacs());
        a.json.add(Replication.TEACHER, teacherJson);

        // accuracy at budget, per method
        String riRun = e.methods().get(Replication.RANDOM_INIT);
        Map<String, double[]> means = new LinkedHashMap<>();
        Map<String, double[]> macs = new LinkedHashMap<>();
        for (Map.Entry<String, String> m : e.methods().entrySet()) {
            String method = m.getKey();
            List<Integer> seeds = seeds(r, e, m.getValue());
            JsonObject mj = today.has(method) ? today.getAsJsonObject(method) : new JsonObject();
            Run any = r.run(m.getValue(), largest, seeds.get(0));
            mj.addProperty("lr", any.lr());
            mj.addProperty("schedule", any.schedule().key());
            mj.addProperty("forward_macs_per_example", any.forwardMacs());
            JsonObject bj = new JsonObject();
            double[] mean = new double[budgets.size()];
            double[] mac = new double[budgets.size()];
            double[] lo = new double[budgets.size()];
            double[] hi = new double[budgets.size()];
            for (int i = 0; i < budgets.size(); i++) {
                int b = budgets.get(i);
                double[] acc = seeds.stream()
                        .mapToDouble(s -> r.run(m.getValue(), b, s).testAccuracy())
                        .toArray();
                double[] wall = seeds.stream()
                        .mapToDouble(s -> r.run(m.getValue(), b, s).seconds())
                        .toArray();
                Run first = r.run(m.getValue(), b, seeds.get(0));
                mean[i] = Statistics.mean(acc);
                mac[i] = first.trainMacs();
                lo[i] = Statistics.min(acc);
                hi[i] = Statistics.max(acc);
                Double sd = Statistics.sampleSd(acc);
                JsonObject x = new JsonObject();
                x.addProperty("test_accuracy_mean", mean[i]);
                x.add("test_accuracy_sd", sd == null ? JsonNull.INSTANCE : new JsonPrimitive(sd));
                x.add("test_accuracy_per_seed", array(acc));
                x.addProperty("train_macs", mac[i]);
                x.addProperty("examples", first.examples());
                x.addProperty("wall_seconds_mean", Statistics.mean(wall));
                String diffText = "";
                if (!method.equals(Replication.RANDOM_INIT)) {
                    double[] ri = seeds.stream()
                            .mapToDouble(s -> r.run(riRun, b, s).testAccuracy())
                            .toArray();
                    double[] d = Statistics.pairedDifferences(acc, ri);
                    x.addProperty("paired_diff_vs_random_init_mean", Statistics.mean(d));
                    x.addProperty("paired_diff_vs_random_init_min", Statistics.min(d));
                    x.addProperty("paired_diff_vs_random_init_max", Statistics.max(d));
                    diffText = String.format(
                            Locale.ROOT,
                            "%+.2f [%+.2f, %+.2f]",
                            100 * Statistics.mean(d),
                            100 * Statistics.min(d),
                            100 * Statistics.max(d));
                }
                bj.add(String.valueOf(b), x);
                a.rows.add(List.of(
                        method,
                        Replication.rate(any.lr()),
                        String.valueOf(b),
                        meanSd(mean[i], sd),
                        perSeed(acc),
                        diffText,
                        String.format(Locale.ROOT, "%.3g", mac[i]),
                        String.format(Locale.ROOT, "%,d", first.examples()),
                        String.format(Locale.ROOT, "%.1f", Statistics.mean(wall))));
            }
            mj.add("budgets", bj);
            a.json.add(method, mj);
            means.put(method, mean);
            macs.put(method, mac);
            a.series.add(new BudgetFigures.Series(method, mac, mean, lo, hi));
        }
        for (Map.Entry<String, JsonElement> t : today.entrySet()) {
            if (!a.json.has(t.getKey())) {
                a.json.add(t.getKey(), t.getValue());
            }
        }

        // test accuracy [budget][seed] of Net2Net and random init, paired by seed
        double[][] n2n = new double[budgets.size()][];
        double[][] ri = new double[budgets.size()][];
        String n2nRun = e.methods().get(Replication.NET2NET);
        for (int i = 0; i < budgets.size(); i++) {
            int b = budgets.get(i);
            n2n[i] = e.seeds().stream()
                    .mapToDouble(s -> r.run(n2nRun, b, s).testAccuracy())
                    .toArray();
            ri[i] = e.seeds().stream()
                    .mapToDouble(s -> r.run(riRun, b, s).testAccuracy())
                    .toArray();
        }

        // budget to reach each target, and the speed-ups
        double[] riMean = means.get(Replication.RANDOM_INIT);
        double riBest = Statistics.max(riMean);
        double perEpochRi = macs.get(Replication.RANDOM_INIT)[0] / budgets.get(0);
        double perEpochN2n = macs.get(Replication.NET2NET)[0] / budgets.get(0);
        JsonArray targets = new JsonArray();
        record Target(String kind, double accuracy, String label) {}
        List<Target> ts = List.of(
                new Target("teacher_plus_0.1pp", a.teacher + Statistics.ABOVE_TEACHER, "teacher + 0.1 pp"),
                new Target("random_init_best_mean", riBest, "random init's best mean"),
                new Target("teacher_final", a.teacher, "teacher's final accuracy (total compute only)"));
        String headlineText = "-";
        String headlinePerSeed = "-";
        for (Target t : ts) {
            JsonObject tj = new JsonObject();
            tj.addProperty("target", t.kind());
            tj.addProperty("accuracy", t.accuracy());
            JsonObject be = new JsonObject();
            List<String> row = new ArrayList<>(List.of(t.label(), pct(t.accuracy())));
            for (String method : e.methods().keySet()) {
                Double b = Statistics.budgetToReach(bs, means.get(method), t.accuracy());
                be.add(method, b == null ? JsonNull.INSTANCE : new JsonPrimitive(b));
                row.add(b == null ? "not reached" : String.format(Locale.ROOT, "%.2f", b));
            }
            tj.add("budget_epochs", be);
            Double bRi = Statistics.budgetToReach(bs, riMean, t.accuracy());
            Double bN = Statistics.budgetToReach(bs, means.get(Replication.NET2NET), t.accuracy());
            boolean teacherOnly = t.kind().equals("teacher_final");
            Double sEx = bRi == null || bN == null || teacherOnly ? null : bRi / bN;
            Double sMacs = teacherOnly ? null : speedup(bRi, bN, perEpochRi, perEpochN2n, 0);
            Double sTeacher = speedup(bRi, bN, perEpochRi, perEpochN2n, a.teacherMacs);
            tj.add("speedup_examples", num(sEx));
            tj.add("speedup_macs", num(sMacs));
            tj.add("speedup_macs_with_teacher", num(sTeacher));
            // the same per seed, from each seed's own curves: its spread is the speed-up's
            double[] seedMacs = new double[e.seeds().size()];
            double[] seedTeacher = new double[e.seeds().size()];
            JsonArray perSeed = new JsonArray();
            for (int k = 0; k < e.seeds().size(); k++) {
                Double bRiK = Statistics.budgetToReach(bs, column(ri, k), t.accuracy());
                Double bNK = Statistics.budgetToReach(bs, column(n2n, k), t.accuracy());
                Double macsK = teacherOnly ? null : speedup(bRiK, bNK, perEpochRi, perEpochN2n, 0);
                Double teacherK = speedup(bRiK, bNK, perEpochRi, perEpochN2n, a.teacherMacs);
                seedMacs[k] = macsK == null ? Double.NaN : macsK;
                seedTeacher[k] = teacherK == null ? Double.NaN : teacherK;
                JsonObject sj = new JsonObject();
                sj.addProperty("seed", e.seeds().get(k));
                sj.add("budget_epochs_net2net", num(bNK));
                sj.add("budget_epochs_random_init", num(bRiK));
                sj.add("speedup_macs", num(macsK));
                sj.add("speedup_macs_with_teacher", num(teacherK));
                perSeed.add(sj);
            }
            tj.add("per_seed", perSeed);
            addMeanSd(tj, "speedup_macs", seedMacs);
            addMeanSd(tj, "speedup_macs_with_teacher", seedTeacher);
            targets.add(tj);
            row.add(speed(sEx));
            row.add(speed(sMacs));
            row.add(speed(sTeacher));
            row.add(perSeedSpeed(teacherOnly ? seedTeacher : seedMacs));
            a.targetRows.add(row);
            if (t.kind().equals("teacher_plus_0.1pp")) {
                headlineText = speed(sEx) + " / " + speed(sMacs) + " / " + speed(sTeacher);
                headlinePerSeed = meanSdSpeed(seedMacs);
            }
        }
        a.json.add("targets", targets);

        // the verdict
        a.verdict = Statistics.verdict(bs, n2n, ri, a.teacher);
        JsonObject v = new JsonObject();
        v.addProperty("faster", a.verdict.faster());
        v.addProperty("comparable_final", a.verdict.comparableFinal());
        v.addProperty("text", a.verdict.text());
        a.json.add("verdict", v);
        a.verdictRow = List.of(
                e.name(),
                a.verdict.faster() ? "yes" : "not reproduced",
                a.verdict.comparableFinal() ? "yes" : "not reproduced",
                String.format(Locale.ROOT, "%+.2f", 100 * a.verdict.finalMeanDifference()),
                headlineText,
                headlinePerSeed);

        // McNemar at the largest budget, per seed
        JsonArray mc = new JsonArray();
        for (int s : e.seeds()) {
            Statistics.McNemar m = Statistics.mcnemar(
                    r.run(n2nRun, largest, s).testCorrect(),
                    r.run(riRun, largest, s).testCorrect());
            JsonObject mj = new JsonObject();
            mj.addProperty("seed", s);
            mj.addProperty("both_right", m.bothRight());
            mj.addProperty("only_net2net_right", m.onlyFirstRight());
            mj.addProperty("only_random_init_right", m.onlySecondRight());
            mj.addProperty("both_wrong", m.bothWrong());
            mj.addProperty("p_value", m.pValue());
            mc.add(mj);
            a.mcnemar.add(String.format(
                    Locale.ROOT,
                    "- seed %d: only Net2Net right on %,d test images, only random init on %,d "
                            + "(both right %,d, both wrong %,d); exact two-sided p = %.3g",
                    s,
                    m.onlyFirstRight(),
                    m.onlySecondRight(),
                    m.bothRight(),
                    m.bothWrong(),
                    m.pValue()));
        }
        a.json.add("mcnemar", mc);
        return a;
    }

    static double[] column(double[][] bySeed, int k) {
        double[] c = new double[bySeed.length];
        for (int i = 0; i < bySeed.length; i++) {
            c[i] = bySeed[i][k];
        }
        return c;
    }

    /**
     * Random init's training MACs to reach a target over Net2Net's, plus {@code teacherMacs} on Net2Net's side (0:
     * without the teacher's training); null when either never reaches it.
     */
    static Double speedup(Double bRi, Double bN, double perEpochRi, double perEpochN2n, double teacherMacs) {
        return bRi == null || bN == null ? null : bRi * perEpochRi / (bN * perEpochN2n + teacherMacs);
    }

    /** Mean and sample sd over the seeds; both null when a seed has no value (NaN: a target not reached). */
    record MeanSd(Double mean, Double sd) {
        static MeanSd of(double[] perSeed) {
            return Arrays.stream(perSeed).anyMatch(Double::isNaN)
                    ? new MeanSd(null, null)
                    : new MeanSd(Statistics.mean(perSeed), Statistics.sampleSd(perSeed));
        }
    }

    /** {@code key_mean} and {@code key_sd} over the seeds. */
    static void addMeanSd(JsonObject o, String key, double[] perSeed) {
        MeanSd m = MeanSd.of(perSeed);
        o.add(key + "_mean", num(m.mean()));
        o.add(key + "_sd", num(m.sd()));
    }

    /** Mean ± sd over the seeds (sd only with two or more), then each seed's value; "-" for a seed that never reached. */
    static String meanSdSpeed(double[] perSeed) {
        MeanSd m = MeanSd.of(perSeed);
        String head = m.mean() == null
                ? "not reached in every seed"
                : String.format(Locale.ROOT, "%.2fx", m.mean())
                        + (m.sd() == null ? "" : String.format(Locale.ROOT, " ± %.2f", m.sd()));
        return head + " [" + perSeedSpeed(perSeed) + "]";
    }

    static String perSeedSpeed(double[] perSeed) {
        return Arrays.stream(perSeed)
                .mapToObj(x -> Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.2fx", x))
                .collect(Collectors.joining(", "));
    }

    static Section section(
            Path out, Replication.Result r, Experiment e, Analysis a, List<CurvePoint> points, String machine) {
        String title = TITLES.get(e.name());
        Path png = out.resolve(e.name() + ".png");
        BudgetFigures.accuracyAtBudget(
                e.name() + ": test accuracy at each budget", a.series, a.teacher, png, out.resolve(e.name() + ".svg"));
        List<CurvePoint> students = points.stream()
                .filter(p -> !p.method().startsWith(Replication.TEACHER))
                .toList();
        Path curve = out.resolve(e.name() + "_curve.png");
        BudgetFigures.learningCurves(
                e.name() + ": learning curves at B = " + e.largestBudget(),
                students,
                a.teacher,
                ZOOM_BELOW_TEACHER,
                curve,
                out.resolve(e.name() + "_curve.svg"));
        List<Path> figures = new ArrayList<>(List.of(png, curve));
        // wall time only when every run of the largest budget ran whole in this invocation, on one machine
        boolean oneInvocation = e.methods().values().stream().allMatch(run -> seeds(r, e, run).stream()
                .allMatch(s -> r.run(run, e.largestBudget(), s).thisInvocation()));
        String timeNote;
        if (oneInvocation) {
            Path time = out.resolve(e.name() + "_time.png");
            Figures.accuracyFigure(
                    e.name() + " at B = " + e.largestBudget() + ", wall time on " + machine.split(",")[0],
                    students,
                    Figures.X_SECONDS,
                    a.teacher,
                    time,
                    out.resolve(e.name() + "_time.svg"));
            figures.add(time);
            timeNote = "The wall-time figure shows runs of this invocation only, on " + machine + ".";
        } else {
            // a figure left by an earlier invocation would mix machines and loads: remove it
            for (String f : List.of(e.name() + "_time.png", e.name() + "_time.svg")) {
                try {
                    Files.deleteIfExists(out.resolve(f));
                } catch (IOException ex) {
                    throw new UncheckedIOException("cannot remove the stale " + out.resolve(f), ex);
                }
            }
            timeNote = "No wall-time figure: some runs of the largest budget were trained by an earlier invocation.";
        }
        StringBuilder text = new StringBuilder();
        text.append("**Verdict:** ").append(a.verdict.text()).append("\n\n");
        text.append(String.format(
                Locale.ROOT,
                "Teacher: %s (mean over %d seed(s)), trained %d epochs for %.3g training MACs%s.%n%n",
                pct(a.teacher),
                e.seeds().size(),
                e.teacherBudget(),
                a.teacherMacs,
                e.name().equals(Replication.DEEPER)
                        ? " (it is the wider experiment's random init at the largest budget)"
                        : ""));
        text.append("McNemar's test at B = ").append(e.largestBudget()).append(", Net2Net against random init:\n\n");
        a.mcnemar.forEach(l -> text.append(l).append('\n'));
        text.append('\n')
                .append(String.format(Locale.ROOT, "Trained on %,d images. ", e.trainImages()))
                .append(timeNote)
                .append(
                        " The first table gives test accuracy (%) per method and budget B (epochs); the paired difference is "
                                + "against random init of the same seed, in pp, mean [min, max]. The second gives, per target, the budget "
                                + "(epochs, interpolated in log B) each method needs and Net2Net's speed-up over random init.");
        Table perBudget = new Table(
                List.of(
                        "method",
                        "rate",
                        "B",
                        "test accuracy mean ± sd",
                        "per seed",
                        "paired diff vs random init",
                        "training MACs",
                        "examples",
                        "wall s (mean)"),
                a.rows);
        List<String> header = new ArrayList<>(List.of("target", "accuracy"));
        e.methods().keySet().forEach(m -> header.add("B " + m));
        header.addAll(List.of(
                "speed-up examples",
                "speed-up MACs",
                "speed-up MACs with teacher",
                "per seed (MACs; teacher's final: with teacher)"));
        return new Section(title, text.toString(), List.of(perBudget, new Table(header, a.targetRows)), figures);
    }

    static String rulesText(Replication.Result r) {
        Profile p = r.profile();
        return "- Validation: " + String.format(Locale.ROOT, "%,d", r.validationImages())
                + " class-balanced images carved out of "
                + "the 60,000 training images, never trained on, the same in every run. Learning rates are chosen on it; the test "
                + "set is only reported.\n"
                + "- Every run has its own schedule over its own budget: linear warmup over 3% of its steps, then cosine to zero at "
                + "the end. Each budget B in " + p.budgets()
                + " epochs"
                + (p.otherBudgets().equals(p.budgets())
                        ? ""
                        : " in the wider experiment, " + p.otherBudgets() + " in the others,")
                + " is a fresh run; all methods of one seed see the same batches.\n"
                + "- Compute: a training example costs " + Architecture.TRAINING_MACS_PER_FORWARD_MAC
                + " times its forward "
                + "multiply-accumulates (dense and conv layers, residual bodies included). Net2Net's cost is given without and "
                + "with its teacher's training.\n"
                + "- Targets above the teacher's accuracy: the teacher + 0.1 pp and random init's best mean; the budget to reach "
                + "one is interpolated in log B between the budgets tried (a target reached at the smallest budget counts as that "
                + "budget). The teacher's own final accuracy is a third target, for which only the speed-up with the teacher's "
                + "training counted means anything. Speed-up: random init's budget over Net2Net's, in examples, in training MACs, "
                + "and in MACs with the teacher's training.\n"
                + Statistics.rules()
                + "- McNemar's test (exact binomial, two-sided) on the test predictions of Net2Net and random init at the largest "
                + "budget, per seed.\n"
                + "- With one seed the standard deviation is not defined and is reported as null (\"-\"), not 0.";
    }

    static String gridText(Replication.Result r) {
        StringBuilder sb = new StringBuilder();
        for (String m : Profile.TUNED) {
            Map<Double, Double> g = r.grid().get(m);
            sb.append(
                    g.isEmpty()
                            ? String.format(
                                    Locale.ROOT,
                                    "- %s: fixed rate %s (the profile's; no grid).%n",
                                    m,
                                    r.rates().get(m))
                            : String.format(
                                    Locale.ROOT,
                                    "- %s: rate %s, the best validation accuracy of the grid at B = %d, seed 0.%n",
                                    m,
                                    r.rates().get(m),
                                    r.profile().gridBudget()));
        }
        boolean residualGrid = false;
        for (Map.Entry<String, Map<Double, Double>> e : r.grid().entrySet()) {
            if (e.getKey().contains("/")) { // a residual experiment's own grid
                residualGrid = true;
                sb.append(String.format(
                        Locale.ROOT,
                        "- %s: rate %s, the best validation accuracy of its own grid at B = %d, seed 0.%n",
                        e.getKey(),
                        r.rates().get(e.getKey()),
                        r.profile().gridBudget()));
            }
        }
        r.edgeChecks()
                .forEach((family, e) -> sb.append(String.format(
                        Locale.ROOT,
                        "- Edge check, %s: the chosen %s is its grid's %s rate. One step beyond, %s scores %s on validation, "
                                + "against %s: %s%n",
                        family,
                        Replication.rate(e.chosen()),
                        e.beyond() < e.chosen() ? "smallest" : "largest",
                        Replication.rate(e.beyond()),
                        pct(e.beyondAccuracy()),
                        pct(e.chosenAccuracy()),
                        e.beyondScoresHigher()
                                ? "**higher, so the grid may have missed a better rate**. The choice stands (the rule was "
                                        + "fixed before the numbers), and the comparison may not be fair to this method."
                                : "not higher, so the grid's edge did not cut this method short.")));
        sb.append(String.format(
                Locale.ROOT,
                "- Net2Net from the early teacher, and every Net2Net student of the deeper and design-space experiments%s, use "
                        + "Net2Net's rate; every random init there uses random init's; teachers train at %s; the ablation arm net2net_constant_lr "
                        + "trains at a constant %s (a tenth of the teacher's rate, the old protocol).",
                residualGrid ? "" : " and of the residual ones",
                r.profile().teacherLr(),
                r.profile().constantLr()));
        return sb.toString();
    }

    static Table gridTable(Replication.Result r) {
        List<List<String>> rows = new ArrayList<>();
        r.grid()
                .forEach((m, g) -> g.forEach((lr, acc) -> rows.add(List.of(
                        m, Replication.rate(lr), pct(acc), lr.equals(r.rates().get(m)) ? "chosen" : ""))));
        r.edgeChecks()
                .forEach((m, e) -> rows.add(
                        List.of(m, Replication.rate(e.beyond()), pct(e.beyondAccuracy()), "edge check, not a choice")));
        if (rows.isEmpty()) {
            rows.add(List.of("-", "-", "-", "no grid in this profile"));
        }
        return new Table(List.of("method", "rate", "validation accuracy", ""), rows);
    }

    static JsonObject protocol(Replication.Result r) {
        Profile p = r.profile();
        JsonObject o = new JsonObject();
        o.addProperty("validation_images", r.validationImages());
        JsonArray b = new JsonArray();
        p.budgets().forEach(b::add);
        o.add("budgets_epochs", b);
        o.addProperty("seeds", p.seeds());
        JsonObject perExp = new JsonObject();
        r.experiments().forEach(e -> perExp.addProperty(e.name(), e.seeds().size()));
        o.add("seeds_per_experiment", perExp);
        JsonObject budgetsPerExp = new JsonObject();
        r.experiments().forEach(e -> {
            JsonArray eb = new JsonArray();
            e.budgets().forEach(eb::add);
            budgetsPerExp.add(e.name(), eb);
        });
        o.add("budgets_epochs_per_experiment", budgetsPerExp);
        o.addProperty("schedule", "warmup-cosine");
        o.addProperty("warmup_fraction", Schedule.WARMUP_FRACTION);
        o.addProperty("training_macs_per_forward_mac", Architecture.TRAINING_MACS_PER_FORWARD_MAC);
        JsonObject grid = new JsonObject();
        r.grid().forEach((m, g) -> {
            JsonObject x = new JsonObject();
            g.forEach((lr, acc) -> x.addProperty(Replication.rate(lr), acc));
            grid.add(m, x);
        });
        o.add("lr_grid_validation_accuracy", grid);
        JsonObject edge = new JsonObject();
        r.edgeChecks().forEach((m, e) -> {
            JsonObject x = new JsonObject();
            x.addProperty("chosen", e.chosen());
            x.addProperty("chosen_validation_accuracy", e.chosenAccuracy());
            x.addProperty("beyond", e.beyond());
            x.addProperty("beyond_validation_accuracy", e.beyondAccuracy());
            x.addProperty("beyond_scores_higher", e.beyondScoresHigher());
            edge.add(m, x);
        });
        o.add("lr_edge_check", edge);
        o.addProperty("lr_grid_budget_epochs", p.gridBudget());
        JsonObject rates = new JsonObject();
        r.rates().forEach(rates::addProperty);
        o.add("lr", rates);
        o.addProperty("above_teacher_pp", 100 * Statistics.ABOVE_TEACHER);
        o.addProperty("comparable_pp", 100 * Statistics.COMPARABLE);
        o.addProperty("mcnemar", "exact binomial, two-sided");
        return o;
    }

    /** One row per run: what it is, what it scored, what it cost. */
    static void writeRunsCsv(Path file, Replication.Result r) {
        StringBuilder sb = new StringBuilder(
                "run,budget_epochs,seed,lr,schedule,test_accuracy,validation_accuracy,examples,train_macs,wall_seconds\n");
        for (Run x : r.runs().values().stream().distinct().toList()) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%s,%d,%d,%s,%s,%.6f,%s,%d,%.6g,%.3f%n",
                    x.name(),
                    x.budget(),
                    x.seed(),
                    Replication.rate(x.lr()),
                    x.schedule().key(),
                    x.testAccuracy(),
                    x.validationAccuracy() == null ? "" : String.format(Locale.ROOT, "%.6f", x.validationAccuracy()),
                    x.examples(),
                    x.trainMacs(),
                    x.seconds()));
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    static JsonArray array(double[] xs) {
        JsonArray a = new JsonArray();
        for (double x : xs) {
            a.add(x);
        }
        return a;
    }

    static JsonElement num(Double v) {
        return v == null || !Double.isFinite(v) ? JsonNull.INSTANCE : new JsonPrimitive(v);
    }

    static String meanSd(double mean, Double sd) {
        return sd == null
                ? String.format(Locale.ROOT, "%.2f ± -", 100 * mean)
                : String.format(Locale.ROOT, "%.2f ± %.2f", 100 * mean, 100 * sd);
    }

    static String perSeed(double[] acc) {
        List<String> s = new ArrayList<>();
        for (double x : acc) {
            s.add(String.format(Locale.ROOT, "%.2f", 100 * x));
        }
        return String.join(", ", s);
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    static String speed(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2fx", v);
    }

    /** The seed experiment as curves: the proper teacher, the wider Net2Net student and its random init. */
    static List<CurvePoint> seedPoints(NotebookExperiment.Outcome seed) {
        List<CurvePoint> points = new ArrayList<>();
        for (NotebookExperiment.Curve c : seed.curves()) {
            String method =
                    switch (c.method()) {
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
        o.add(
                "random_init_deeper",
                methodLosses(p.get("random_init_deeper_start_loss"), p.get("random_init_deeper_loss")));
        o.add("figures", seed);
        return o;
    }

    private static JsonObject methodLosses(JsonElement start, JsonElement end) {
        JsonObject o = new JsonObject();
        o.add("start_accuracy", JsonNull.INSTANCE);
        o.add("accuracy_after_1_epoch", JsonNull.INSTANCE);
        o.add("final_accuracy", JsonNull.INSTANCE);
        o.add("examples_to_reach_random_init_final", JsonNull.INSTANCE);
        o.add("speedup_vs_random_init", JsonNull.INSTANCE);
        o.add("start_loss", start);
        o.add("final_loss", end);
        return o;
    }
}
