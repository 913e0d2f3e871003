package net2net.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.concurrent.Callable;
import net2net.Net2NetException;
import net2net.experiment.NotebookExperiment;
import net2net.experiment.Profile;
import net2net.experiment.Replication;
import net2net.experiment.ReplicationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "replicate",
        mixinStandardHelpOptions = true,
        description = {
            "Replicate the Net2Net paper's experiments on Fashion-MNIST (wider, deeper, design space) and the seed notebook,",
            "with figures, metrics.csv, summary.json and a self-contained report.html."
        })
final class ReplicateCommand implements Callable<Integer> {
    @Mixin
    DeviceOption device;

    @Option(
            names = "--profile",
            defaultValue = "quick",
            paramLabel = "quick|full",
            description = "quick (default): a training subset and few epochs, a few minutes; full: all 60,000 images.")
    String profile;

    @Option(
            names = "--seeds",
            paramLabel = "N",
            description = "Repeat the experiments with seeds 0..N-1. Default: the profile's (quick 1, full 3).")
    Integer seeds;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Output directory. Default: runs/<profile>-<timestamp>; "
                    + "with --resume, the newest runs/<profile>-* holding a replication.")
    Path out;

    @Option(
            names = "--resume",
            description = "Continue an interrupted run in --out without redoing finished training runs.")
    boolean resume;

    @Option(
            names = "--teacher-lr",
            paramLabel = "LR",
            description = "Teachers' (and random init's) initial learning rate.")
    Double teacherLr;

    @Option(
            names = "--student-lr",
            paramLabel = "LR",
            description = "Net2Net and random-pad students' peak learning rate, "
                    + "instead of the profile's (full: chosen on validation from a grid).")
    Double studentLr;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files.")
    Path dataDir;

    @Option(names = "--json", description = "Print summary.json's content as one JSON object.")
    boolean json;

    @Option(
            names = "--experiment",
            paramLabel = "lm",
            description =
                    "Run only this experiment instead of the Fashion-MNIST ones: lm, the character-level GPT grown "
                            + "inside its run (docs/lm-experiment.md).")
    String experiment;

    @Override
    public Integer call() {
        device.apply();
        if (seeds != null && seeds < 1) {
            throw new Net2NetException("--seeds must be at least 1, got " + seeds);
        }
        if (experiment != null) {
            return LanguageModelCommand.run(this);
        }
        Profile p = Profile.named(profile).with(teacherLr, studentLr, seeds);
        if (out == null) {
            out = resume
                    ? latest(p.name())
                    : Path.of(
                            "runs",
                            p.name() + "-"
                                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new Net2NetException("--out " + out + " is a file, not a directory; choose another --out");
        }
        if (resume && !Files.isDirectory(out)) {
            throw new Net2NetException("--resume continues a replication in --out, but " + out
                    + " does not exist; drop --resume to start one");
        }
        if (!resume && Files.exists(out.resolve("runs"))) {
            throw new Net2NetException("--out " + out
                    + " already holds a replication; add --resume to continue it or choose another --out");
        }
        Replication.Data data = Replication.data(p, dataDir);
        Output.log("replicate: " + p.describe() + "; writing to " + out);
        Replication.Result fashion =
                Replication.run(new Replication.Config(p, p.seeds(), out, resume, dataDir, Output::log), data);
        Output.log("replicate: the seed notebook experiment");
        NotebookExperiment.Outcome seed =
                NotebookExperiment.run(new NotebookExperiment.Config(0, 10, p.seedEpochs(), Output::log));
        String command = "./net2net replicate --profile " + p.name() + " --seeds " + p.seeds()
                + (teacherLr == null ? "" : " --teacher-lr " + teacherLr)
                + (studentLr == null ? "" : " --student-lr " + studentLr);
        JsonObject summary = ReplicationReport.write(out, fashion, seed, command, Machine.describe());
        if (json) {
            summary.addProperty("out", out.toString());
            Output.json(summary);
        } else {
            Output.OUT.println("report: " + out.resolve("report.html"));
            Output.OUT.println("summary: " + out.resolve("summary.json") + ", curves: " + out.resolve("metrics.csv"));
        }
        return 0;
    }

    /** The newest runs/<profile>-* directory holding a replication, for --resume without --out. */
    static Path latest(String profile) {
        try (var dirs = Files.list(Path.of("runs"))) {
            return dirs.filter(d -> d.getFileName().toString().startsWith(profile + "-")
                            && Files.isDirectory(d.resolve("runs")))
                    .max(Comparator.comparing(d -> d.getFileName().toString()))
                    .orElseThrow(() -> new Net2NetException(
                            "--resume found no runs/" + profile + "-* replication to continue; give its --out"));
        } catch (IOException e) {
            throw new Net2NetException(
                    "--resume found no runs/ directory here; give the --out of the replication to continue");
        }
    }
}
