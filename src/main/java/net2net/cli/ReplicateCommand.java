package net2net.cli;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import net2net.Net2NetException;
import net2net.data.Splits;
import net2net.experiment.Profile;
import net2net.experiment.Replication;
import net2net.experiment.ReplicationReport;
import net2net.experiment.NotebookExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "replicate", mixinStandardHelpOptions = true,
        description = {"Replicate the Net2Net paper's experiments on Fashion-MNIST (wider, deeper, design space) and the seed notebook,",
                "with figures, metrics.csv, summary.json and a self-contained report.html."})
final class ReplicateCommand implements Callable<Integer> {
    @Mixin
    DeviceOption device;

    @Option(names = "--profile", defaultValue = "quick", paramLabel = "quick|full",
            description = "quick (default): a training subset and few epochs, a few minutes; full: all 60,000 images.")
    String profile;

    @Option(names = "--seeds", defaultValue = "1", paramLabel = "N", description = "Repeat every experiment with seeds 0..N-1. Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory. Default: runs/<timestamp>.")
    Path out;

    @Option(names = "--resume", description = "Continue an interrupted run in --out without redoing finished training runs.")
    boolean resume;

    @Option(names = "--teacher-lr", paramLabel = "LR", description = "Teachers' (and random init's) initial learning rate.")
    Double teacherLr;

    @Option(names = "--student-lr", paramLabel = "LR", description = "Net2Net and random-pad students' learning rate. Default: teacher's / 10.")
    Double studentLr;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files.")
    Path dataDir;

    @Option(names = "--json", description = "Print summary.json's content as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        device.apply();
        if (seeds < 1) {
            throw new Net2NetException("--seeds must be at least 1, got " + seeds);
        }
        Profile p = Profile.named(profile).withLearningRates(teacherLr, studentLr);
        if (out == null) {
            if (resume) {
                throw new Net2NetException("--resume needs the --out of the run to continue");
            }
            out = Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new Net2NetException("--out " + out + " is a file, not a directory; choose another --out");
        }
        if (resume && !Files.isDirectory(out)) {
            throw new Net2NetException("--resume continues a replication in --out, but " + out + " does not exist; drop --resume to start one");
        }
        if (!resume && Files.exists(out.resolve("runs"))) {
            throw new Net2NetException("--out " + out + " already holds a replication; add --resume to continue it or choose another --out");
        }
        Splits data = Replication.data(p, dataDir);
        Output.log("replicate: " + p.describe() + "; seeds " + seeds + "; writing to " + out);
        Replication.Result fashion = Replication.run(new Replication.Config(p, seeds, out, resume, dataDir, Output::log), data);
        Output.log("replicate: the seed notebook experiment");
        NotebookExperiment.Outcome seed = NotebookExperiment.run(new NotebookExperiment.Config(0, 10, p.seedEpochs(), Output::log));
        String command = "./net2net replicate --profile " + p.name() + " --seeds " + seeds;
        JsonObject summary = ReplicationReport.write(out, p, seeds, fashion, seed, command, Machine.describe());
        if (json) {
            summary.addProperty("out", out.toString());
            Output.json(summary);
        } else {
            Output.OUT.println("report: " + out.resolve("report.html"));
            Output.OUT.println("summary: " + out.resolve("summary.json") + ", curves: " + out.resolve("metrics.csv"));
        }
        return 0;
    }
}
