package net2net.experiment;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net2net.data.TextCorpus;
import net2net.report.BudgetFigures;
import net2net.report.LossFigures;
import net2net.report.ReportWriter;
import net2net.report.ReportWriter.Section;
import net2net.report.ReportWriter.Table;
import net2net.report.Statistics;
import net2net.report.Summary;

/**
 * The language-model experiment's report section, figure and summary.json keys under {@code lm.}
 * (docs/lm-experiment.md): validation bits per character at each budget, the MACs to reach scratch's
 * targets and the speed-ups, state kept against reset, integer against non-integer width growth, the
 * verdicts, and the published figures to place them against.
 */
public final class LanguageModelReport {
    private LanguageModelReport() {}

    /** Published compute savings, as the papers report them (not measured here). */
    static final String PUBLISHED = "- LEMON (Wang et al. 2023): 56.7% less compute for ViT, 33.2% for BERT.\n"
            + "- Staged Training (Shen et al. 2022): about 22% less compute on GPT-2.\n"
            + "- bert2BERT (Chen et al. 2022): about 45% less compute.\n"
            + "- A speed-up of x in MACs is 1 - 1/x less compute (1.5x = 33%, 2x = 50%).";

    /** The analysed numbers: per arm, {@code [budget][seed]} bits per character and per-budget MACs. */
    record Analysis(
            Map<String, double[][]> bpc,
            Map<String, double[]> macs,
            double[] targets,
            Map<String, Double[][]> speedups,
            Map<String, Double[]> meanSpeedups,
            Map<String, Boolean> lessCompute,
            Map<String, Boolean> comparable,
            Map<String, Double> finalDiff,
            boolean stateHelps) {}

    static Analysis analyse(LanguageModelExperiment.Result r) {
        LanguageModelExperiment.Settings s = r.settings();
        List<Integer> budgets = s.budgets();
        Map<String, double[][]> bpc = new LinkedHashMap<>();
        Map<String, double[]> macs = new LinkedHashMap<>();
        for (String arm : LanguageModelExperiment.ARMS) {
            double[][] v = new double[budgets.size()][s.seeds()];
            double[] m = new double[budgets.size()];
            for (int i = 0; i < budgets.size(); i++) {
                for (int seed = 0; seed < s.seeds(); seed++) {
                    LanguageModelExperiment.Run run = r.run(arm, budgets.get(i), seed);
                    v[i][seed] = run.valBpc();
                    m[i] = run.trainMacs();
                }
            }
            bpc.put(arm, v);
            macs.put(arm, m);
        }
        String ref = LanguageModelExperiment.SCRATCH;
        double[] targets = LanguageModelVerdicts.targets(bpc.get(ref));
        Map<String, Double[][]> speedups = new LinkedHashMap<>();
        Map<String, Double[]> meanSpeedups = new LinkedHashMap<>();
        Map<String, Boolean> less = new LinkedHashMap<>();
        Map<String, Boolean> comparable = new LinkedHashMap<>();
        Map<String, Double> diff = new LinkedHashMap<>();
        for (String arm : LanguageModelExperiment.ARMS) {
            if (arm.equals(ref)) {
                continue;
            }
            Double[][] sp =
                    LanguageModelVerdicts.speedups(macs.get(ref), bpc.get(ref), macs.get(arm), bpc.get(arm), targets);
            speedups.put(arm, sp);
            meanSpeedups.put(
                    arm,
                    LanguageModelVerdicts.meanSpeedups(
                            macs.get(ref), bpc.get(ref), macs.get(arm), bpc.get(arm), targets));
            less.put(arm, LanguageModelVerdicts.lessCompute(sp));
            comparable.put(arm, LanguageModelVerdicts.comparableFinal(bpc.get(ref), bpc.get(arm)));
            diff.put(arm, LanguageModelVerdicts.finalDifference(bpc.get(ref), bpc.get(arm)));
        }
        boolean state = LanguageModelVerdicts.stateHelps(
                bpc.get(LanguageModelExperiment.GROW_ONCE), bpc.get(LanguageModelExperiment.GROW_ONCE_RESET));
        return new Analysis(bpc, macs, targets, speedups, meanSpeedups, less, comparable, diff, state);
    }

    /** The {@code lm} object of summary.json. */
    static JsonObject json(LanguageModelExperiment.Result r, Analysis a) {
        LanguageModelExperiment.Settings s = r.settings();
        JsonObject lm = new JsonObject();
        JsonObject protocol = new JsonObject();
        protocol.addProperty("profile", s.describe());
        protocol.add(
                "budgets_steps",
                array(s.budgets().stream().mapToDouble(Integer::doubleValue).toArray()));
        protocol.addProperty("seeds", s.seeds());
        protocol.addProperty("batch_windows", s.batch());
        protocol.addProperty("context", LanguageModelExperiment.CONTEXT);
        protocol.addProperty("corpus", r.corpus().name());
        protocol.addProperty("train_characters", r.corpus().trainCharacters());
        protocol.addProperty("validation_characters", r.corpus().validationCharacters());
        protocol.addProperty("vocabulary", r.corpus().vocabulary().size());
        lm.add("protocol", protocol);
        for (String arm : LanguageModelExperiment.ARMS) {
            JsonObject aj = new JsonObject();
            aj.addProperty("lr", r.rates().get(arm));
            Map<Double, Double> grid = r.grid().get(arm);
            if (!grid.isEmpty()) {
                JsonObject g = new JsonObject();
                grid.forEach((lr, nats) -> g.add(Replication.rate(lr), num(nats / Math.log(2))));
                aj.add("grid_val_bpc", g);
            }
            LanguageModelExperiment.ArmPlan plan = LanguageModelExperiment.plan(
                    arm, s.largest(), r.corpus().vocabulary().size());
            aj.add("growth_at_largest_budget", strings(plan.growth()));
            aj.addProperty(
                    "state", plan.growth().isEmpty() ? "none" : plan.state().key());
            JsonObject bj = new JsonObject();
            double[][] v = a.bpc().get(arm);
            for (int i = 0; i < s.budgets().size(); i++) {
                int b = s.budgets().get(i);
                JsonObject x = new JsonObject();
                x.add("val_bpc_mean", num(Statistics.mean(v[i])));
                Double sd = Statistics.sampleSd(v[i]);
                x.add("val_bpc_sd", sd == null ? JsonNull.INSTANCE : num(sd));
                x.add("val_bpc_per_seed", array(v[i]));
                x.addProperty("train_macs", a.macs().get(arm)[i]);
                double[] wall = new double[s.seeds()];
                for (int seed = 0; seed < s.seeds(); seed++) {
                    wall[seed] = r.run(arm, b, seed).seconds();
                }
                x.add("wall_seconds_mean", num(Statistics.mean(wall)));
                if (!arm.equals(LanguageModelExperiment.SCRATCH)) {
                    double[] d = Statistics.pairedDifferences(v[i], a.bpc().get(LanguageModelExperiment.SCRATCH)[i]);
                    x.add("paired_diff_vs_scratch_mean", num(Statistics.mean(d)));
                    x.add("paired_diff_vs_scratch_min", num(Statistics.min(d)));
                    x.add("paired_diff_vs_scratch_max", num(Statistics.max(d)));
                }
                bj.add(Integer.toString(b), x);
            }
            aj.add("budgets", bj);
            lm.add(arm, aj);
        }
        JsonArray targets = new JsonArray();
        for (int t = 0; t < a.targets().length; t++) {
            JsonObject tj = new JsonObject();
            tj.add("val_bpc", num(a.targets()[t]));
            tj.addProperty("from_scratch_budget_steps", s.budgets().get(t));
            JsonObject reach = new JsonObject();
            JsonObject speed = new JsonObject();
            JsonObject perSeed = new JsonObject();
            for (String arm : LanguageModelExperiment.ARMS) {
                Double m = LanguageModelVerdicts.macsToReach(
                        a.macs().get(arm), LanguageModelVerdicts.means(a.bpc().get(arm)), a.targets()[t]);
                reach.add(arm, m == null ? JsonNull.INSTANCE : new JsonPrimitive(m));
                if (!arm.equals(LanguageModelExperiment.SCRATCH)) {
                    Double sp = a.meanSpeedups().get(arm)[t];
                    speed.add(arm, sp == null ? JsonNull.INSTANCE : new JsonPrimitive(sp));
                    JsonArray ps = new JsonArray();
                    for (Double v : a.speedups().get(arm)[t]) {
                        ps.add(v == null ? JsonNull.INSTANCE : new JsonPrimitive(v));
                    }
                    perSeed.add(arm, ps);
                }
            }
            tj.add("train_macs", reach);
            tj.add("speedup_macs", speed);
            tj.add("speedup_macs_per_seed", perSeed);
            targets.add(tj);
        }
        lm.add("targets", targets);
        JsonObject verdict = new JsonObject();
        JsonObject less = new JsonObject();
        a.lessCompute().forEach(less::addProperty);
        JsonObject comp = new JsonObject();
        a.comparable().forEach(comp::addProperty);
        verdict.add("less_compute", less);
        verdict.add("comparable_final", comp);
        verdict.addProperty("state_helps", a.stateHelps());
        verdict.addProperty("text", verdictText(r, a));
        lm.add("verdict", verdict);
        lm.add(
                "state_kept_minus_reset",
                pairs(s, a, LanguageModelExperiment.GROW_ONCE, LanguageModelExperiment.GROW_ONCE_RESET));
        lm.add(
                "noninteger_minus_integer",
                pairs(s, a, LanguageModelExperiment.NONINTEGER, LanguageModelExperiment.GROW_ONCE));
        JsonObject run = new JsonObject();
        run.addProperty("seconds", r.seconds());
        run.addProperty("resumed_runs", r.resumedRuns());
        lm.add("run", run);
        return lm;
    }

    /** Per budget, the paired difference {@code a - b} in bits per character: mean and per seed. */
    static JsonObject pairs(LanguageModelExperiment.Settings s, Analysis an, String a, String b) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < s.budgets().size(); i++) {
            double[] d =
                    Statistics.pairedDifferences(an.bpc().get(a)[i], an.bpc().get(b)[i]);
            JsonObject x = new JsonObject();
            x.add("mean", num(Statistics.mean(d)));
            x.add("per_seed", array(d));
            o.add(Integer.toString(s.budgets().get(i)), x);
        }
        return o;
    }

    static String verdictText(LanguageModelExperiment.Result r, Analysis a) {
        StringBuilder t = new StringBuilder();
        for (String arm : a.lessCompute().keySet()) {
            t.append(String.format(
                    Locale.ROOT,
                    "%s: less compute %s; comparable final %s (mean paired difference %+.4f bits per character). ",
                    arm,
                    a.lessCompute().get(arm) ? "reproduced" : "not reproduced",
                    a.comparable().get(arm) ? "reproduced" : "not reproduced",
                    a.finalDiff().get(arm)));
        }
        t.append("State helps: ")
                .append(a.stateHelps() ? "reproduced" : "not reproduced")
                .append('.');
        if (!r.settings().name().equals("full")) {
            t.append(" (Profile ").append(r.settings().name()).append(": a smoke check, not findings.)");
        }
        return t.toString();
    }

    /** Writes the figure, report.md, report.html and summary.json (the lm keys) into {@code out}; returns summary.json's content. */
    public static JsonObject write(Path out, LanguageModelExperiment.Result r, String command, String machine) {
        Analysis a = analyse(r);
        JsonObject summary = new JsonObject();
        summary.add("lm", json(r, a));
        Summary.write(out.resolve("summary.json"), summary);
        Path png = out.resolve("lm_budget.png");
        List<BudgetFigures.Series> series = new ArrayList<>();
        for (String arm : LanguageModelExperiment.ARMS) {
            double[][] v = a.bpc().get(arm);
            double[] mean = new double[v.length];
            double[] min = new double[v.length];
            double[] max = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                mean[i] = Statistics.mean(v[i]);
                min[i] = Statistics.min(v[i]);
                max[i] = Statistics.max(v[i]);
            }
            // a diverged run (NaN) has no point to draw: keep the budgets where every seed finished
            List<Integer> ok = new ArrayList<>();
            for (int i = 0; i < v.length; i++) {
                if (Double.isFinite(mean[i])) {
                    ok.add(i);
                }
            }
            if (!ok.isEmpty()) {
                series.add(new BudgetFigures.Series(
                        arm, pick(a.macs().get(arm), ok), pick(mean, ok), pick(min, ok), pick(max, ok)));
            }
        }
        LossFigures.lossAtBudget(
                "tinygpt on the fortunes: validation loss at budget",
                "Validation bits per character",
                series,
                png,
                out.resolve("lm_budget.svg"));
        ReportWriter.write(
                out.resolve("report.md"),
                out.resolve("report.html"),
                "Growing a character-level GPT inside its run",
                intro(r, command, machine),
                sections(r, a, png));
        return summary;
    }

    static String intro(LanguageModelExperiment.Result r, String command, String machine) {
        LanguageModelExperiment.Settings s = r.settings();
        TextCorpus c = r.corpus();
        return "Profile " + s.describe() + ".\n\n"
                + (s.name().equals("full")
                        ? ""
                        : "This profile is a smoke check of the protocol (small budgets, " + s.seeds()
                                + (s.seeds() == 1 ? " seed" : " seeds")
                                + "): its verdicts are not findings; the full profile's are.\n\n")
                + String.format(
                        Locale.ROOT,
                        "Data: %s, %,d training and %,d validation characters (the 90/10 split by position), "
                                + "a vocabulary of %d characters. Every choice and every loss below is on the validation part; text has no "
                                + "separate test set here.\n\n",
                        c.name(),
                        c.trainCharacters(),
                        c.validationCharacters(),
                        c.vocabulary().size())
                + "Machine: " + machine + ". Run time: " + Replication.duration(r.seconds()) + " in this invocation"
                + (r.resumedRuns() == 0
                        ? ""
                        : ", which resumed an earlier one (" + r.resumedRuns() + " runs finished or begun before it)")
                + ".\n\nCommand: `" + command + "`";
    }

    static List<Section> sections(LanguageModelExperiment.Result r, Analysis a, Path png) {
        LanguageModelExperiment.Settings s = r.settings();
        List<Section> out = new ArrayList<>();
        out.add(new Section(
                "Protocol and decision rules (fixed before the numbers)",
                protocolText(r) + "\n\n" + LanguageModelVerdicts.rules(),
                List.of(),
                List.of()));
        List<List<String>> vrows = new ArrayList<>();
        for (String arm : a.lessCompute().keySet()) {
            vrows.add(List.of(
                    arm,
                    a.lessCompute().get(arm) ? "reproduced" : "not reproduced",
                    a.comparable().get(arm) ? "reproduced" : "not reproduced",
                    f4(a.finalDiff().get(arm))));
        }
        out.add(new Section(
                "Verdicts",
                "State helps (grow_once below grow_once_reset in every seed at S = " + s.largest() + "): **"
                        + (a.stateHelps() ? "reproduced" : "not reproduced") + "**."
                        + (s.name().equals("full") ? "" : " Profile " + s.name() + ": a smoke check, not findings."),
                List.of(new Table(
                        List.of(
                                "arm",
                                "less compute",
                                "comparable final",
                                "final paired difference vs scratch (bits/char)"),
                        vrows)),
                List.of()));
        // learning rates
        List<List<String>> lr = new ArrayList<>();
        for (String arm : LanguageModelExperiment.ARMS) {
            Map<Double, Double> g = r.grid().get(arm);
            StringBuilder scores = new StringBuilder();
            g.forEach((k, v) -> scores.append(scores.length() == 0 ? "" : ", ")
                    .append(Replication.rate(k))
                    .append(": ")
                    .append(f4(v / Math.log(2))));
            lr.add(List.of(arm, Replication.rate(r.rates().get(arm)), g.isEmpty() ? "fixed" : scores.toString()));
        }
        out.add(new Section(
                "Learning rates",
                s.lrGrid().isEmpty()
                        ? "Fixed for every arm: " + s.fixedLr() + "."
                        : "Chosen per arm on validation loss at S = " + s.gridBudget()
                                + ", seed 0 (bits per character by rate).",
                List.of(new Table(List.of("arm", "rate", "grid"), lr)),
                List.of()));
        // per-arm table
        List<List<String>> rows = new ArrayList<>();
        for (String arm : LanguageModelExperiment.ARMS) {
            double[][] v = a.bpc().get(arm);
            for (int i = 0; i < s.budgets().size(); i++) {
                Double sd = Statistics.sampleSd(v[i]);
                String diff = arm.equals(LanguageModelExperiment.SCRATCH)
                        ? "-"
                        : f4(Statistics.mean(
                                Statistics.pairedDifferences(v[i], a.bpc().get(LanguageModelExperiment.SCRATCH)[i])));
                StringBuilder per = new StringBuilder();
                for (double x : v[i]) {
                    per.append(per.length() == 0 ? "" : ", ").append(f4(x));
                }
                rows.add(List.of(
                        arm,
                        Replication.rate(r.rates().get(arm)),
                        Integer.toString(s.budgets().get(i)),
                        f4(Statistics.mean(v[i])) + (sd == null ? "" : " ± " + f4(sd)),
                        per.toString(),
                        diff,
                        String.format(Locale.ROOT, "%.3g", a.macs().get(arm)[i])));
            }
        }
        out.add(new Section(
                "Validation bits per character at each budget",
                "Mean ± sample sd over seeds (one seed: no sd), each seed's value, the paired difference against scratch (same seed, "
                        + "same batches), and the run's training MACs (3 x forward MACs per sequence x sequences, summed over phases).",
                List.of(new Table(
                        List.of(
                                "arm",
                                "rate",
                                "S (steps)",
                                "val bits/char",
                                "per seed",
                                "arm - scratch",
                                "training MACs"),
                        rows)),
                List.of(png)));
        // targets
        List<List<String>> trows = new ArrayList<>();
        for (int t = 0; t < a.targets().length; t++) {
            for (String arm : a.speedups().keySet()) {
                Double m = LanguageModelVerdicts.macsToReach(
                        a.macs().get(arm), LanguageModelVerdicts.means(a.bpc().get(arm)), a.targets()[t]);
                Double sp = a.meanSpeedups().get(arm)[t];
                StringBuilder per = new StringBuilder();
                for (Double v : a.speedups().get(arm)[t]) {
                    per.append(per.length() == 0 ? "" : ", ")
                            .append(v == null ? "not reached" : String.format(Locale.ROOT, "%.2f", v));
                }
                trows.add(List.of(
                        f4(a.targets()[t]) + " (scratch at S = " + s.budgets().get(t) + ")",
                        arm,
                        m == null ? "not reached" : String.format(Locale.ROOT, "%.3g", m),
                        sp == null ? "-" : String.format(Locale.ROOT, "%.2f", sp),
                        per.toString()));
            }
        }
        out.add(new Section(
                "Training MACs to reach scratch's targets",
                "Interpolated in log MACs across the sweep; speed-up = scratch's MACs / the arm's (on the mean curves, and per seed).",
                List.of(new Table(
                        List.of("target (bits/char)", "arm", "arm's MACs (mean curve)", "speed-up", "per seed"),
                        trows)),
                List.of()));
        out.add(new Section(
                "Optimizer state kept against reset; integer against non-integer width growth",
                "grow_once - grow_once_reset (negative: keeping the state helped) and grow_once_noninteger (d 48 -> 64, x4/3) - "
                        + "grow_once (d 32 -> 64, x2), in bits per character, paired per seed.",
                List.of(pairTable(s, a)),
                List.of()));
        out.add(new Section(
                "Published numbers to place these against",
                "Numbers from the papers, not measured here:\n\n" + PUBLISHED,
                List.of(),
                List.of()));
        return out;
    }

    static Table pairTable(LanguageModelExperiment.Settings s, Analysis a) {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < s.budgets().size(); i++) {
            double[] k = Statistics.pairedDifferences(
                    a.bpc().get(LanguageModelExperiment.GROW_ONCE)[i],
                    a.bpc().get(LanguageModelExperiment.GROW_ONCE_RESET)[i]);
            double[] n = Statistics.pairedDifferences(
                    a.bpc().get(LanguageModelExperiment.NONINTEGER)[i],
                    a.bpc().get(LanguageModelExperiment.GROW_ONCE)[i]);
            rows.add(List.of(
                    Integer.toString(s.budgets().get(i)),
                    f4(Statistics.mean(k)),
                    join(k),
                    f4(Statistics.mean(n)),
                    join(n)));
        }
        return new Table(
                List.of("S (steps)", "kept - reset (mean)", "per seed", "non-integer - integer (mean)", "per seed"),
                rows);
    }

    static String protocolText(LanguageModelExperiment.Result r) {
        return "See docs/lm-experiment.md. Full model: tinygpt (d = 64, 4 heads of 16, FFN 256, 2 blocks, context 64, tied head). "
                + "Arms, each a fresh run of S steps: scratch (the full model from init); grow_once (d = 32, 2 heads, FFN 128, 1 block, "
                + "grown at step S/4 to the full width and by one identity block, optimizer state kept); grow_once_reset (the same, "
                + "state reset); progressive (width at S/4, depth at S/2, state kept); grow_once_noninteger (d = 48, 3 heads, FFN 192, "
                + "1 block, grown at S/4, state kept). Growth uses the transforms' default symmetry breaking; the schedule runs on over "
                + "the whole S. Training MACs = 3 x forward MACs per sequence x sequences, per phase.";
    }

    static String f4(double x) {
        return Double.isNaN(x) ? "diverged" : String.format(Locale.ROOT, "%.4f", x);
    }

    static String join(double[] xs) {
        StringBuilder b = new StringBuilder();
        for (double x : xs) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%+.4f", x));
        }
        return b.toString();
    }

    static JsonArray array(double[] xs) {
        JsonArray a = new JsonArray();
        for (double x : xs) {
            a.add(num(x));
        }
        return a;
    }

    /** A number, or null for NaN (a diverged run) and infinities, which JSON cannot hold. */
    static JsonElement num(double x) {
        return Double.isFinite(x) ? new JsonPrimitive(x) : JsonNull.INSTANCE;
    }

    static double[] pick(double[] xs, List<Integer> idx) {
        return idx.stream().mapToDouble(i -> xs[i]).toArray();
    }

    static JsonArray strings(List<String> xs) {
        JsonArray a = new JsonArray();
        xs.forEach(a::add);
        return a;
    }
}
