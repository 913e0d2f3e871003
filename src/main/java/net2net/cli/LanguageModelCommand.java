package net2net.cli;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net2net.Net2NetException;
import net2net.data.TextCorpus;
import net2net.experiment.LanguageModelExperiment;
import net2net.experiment.LanguageModelReport;

/** {@code replicate --experiment lm}: the language-model experiment alone (docs/lm-experiment.md). */
final class LanguageModelCommand {
    private LanguageModelCommand() {}

    static int run(ReplicateCommand c) {
        if (!c.experiment.toLowerCase(Locale.ROOT).equals("lm")) {
            throw new Net2NetException("unknown --experiment '" + c.experiment
                    + "'; use lm (plain replicate runs the Fashion-MNIST experiments)");
        }
        List<String> refused = new ArrayList<>();
        if (c.teacherLr != null) {
            refused.add("--teacher-lr");
        }
        if (c.studentLr != null) {
            refused.add("--student-lr");
        }
        if (c.dataDir != null) {
            refused.add("--data-dir");
        }
        if (!refused.isEmpty()) {
            throw new Net2NetException(String.join(", ", refused)
                    + " apply to the Fashion-MNIST experiments, not to --experiment lm; drop "
                    + (refused.size() == 1 ? "it" : "them"));
        }
        if (c.seeds != null && c.seeds < 1) {
            throw new Net2NetException("--seeds must be at least 1, got " + c.seeds);
        }
        LanguageModelExperiment.Settings s =
                LanguageModelExperiment.Settings.named(c.profile).withSeeds(c.seeds);
        String prefix = "lm-" + s.name();
        Path out = c.out;
        if (out == null) {
            out = c.resume
                    ? ReplicateCommand.latest(prefix)
                    : Path.of(
                            "runs",
                            prefix + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new Net2NetException("--out " + out + " is a file, not a directory; choose another --out");
        }
        if (c.resume && !Files.isDirectory(out)) {
            throw new Net2NetException("--resume continues a replication in --out, but " + out
                    + " does not exist; drop --resume to start one");
        }
        if (!c.resume && Files.exists(out.resolve("runs"))) {
            throw new Net2NetException("--out " + out
                    + " already holds a replication; add --resume to continue it or choose another --out");
        }
        TextCorpus corpus = TextCorpus.fortunes();
        Output.log("replicate lm: " + s.describe() + "; writing to " + out);
        LanguageModelExperiment.Result r =
                LanguageModelExperiment.run(new LanguageModelExperiment.Config(s, out, c.resume, corpus, Output::log));
        String command = "./net2net replicate --experiment lm --profile " + s.name() + " --seeds " + s.seeds();
        JsonObject summary = LanguageModelReport.write(out, r, command, Machine.describe());
        if (c.json) {
            summary.addProperty("out", out.toString());
            Output.json(summary);
        } else {
            Output.OUT.println("report: " + out.resolve("report.html"));
            Output.OUT.println("summary: " + out.resolve("summary.json"));
        }
        return 0;
    }
}
