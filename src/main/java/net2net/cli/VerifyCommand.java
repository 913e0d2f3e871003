package net2net.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.nn.NonFinite;
import net2net.transform.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Run teacher and student on the same inputs and measure the largest output difference.",
            "Exit code 0 when max_rel_diff <= 1e-5 (eval mode), 1 otherwise."
        })
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--teacher", required = true, paramLabel = "DIR")
    Path teacher;

    @Option(names = "--student", required = true, paramLabel = "DIR")
    Path student;

    @Option(
            names = "--samples",
            defaultValue = "256",
            paramLabel = "N",
            description = "Number of inputs. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of the random inputs (or of the text windows' positions). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--data",
            paramLabel = "seed|fashion-mnist|text[:FILE]",
            description = "Compare on real test samples, preprocessed as the teacher records, instead of random inputs;"
                    + " token models: windows of real text (text: Debian's fortunes; text:FILE a UTF-8 file),"
                    + " characters mapped through the teacher's vocabulary.")
    String data;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Directory with the Fashion-MNIST files (see `train --help`).")
    Path dataDir;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        Ranges.require(samples, 1, Ranges.MAX_SAMPLES, "--samples");
        try (Network t = ModelFiles.load(teacher);
                Network s = ModelFiles.load(student);
                NDManager m = NDManager.newBaseManager()) {
            NonFinite.refuse(t, "the teacher " + teacher);
            NonFinite.refuse(s, "the student " + student);
            Verification.Result r =
                    Verification.compare(t, s, CheckInputs.load(m, t, data, dataDir, samples, seed, false));
            JsonObject o = new JsonObject();
            o.addProperty("teacher", teacher.toString());
            o.addProperty("student", student.toString());
            o.addProperty("inputs", CheckInputs.describe(data, samples) + ", seed " + seed);
            addResult(o, r);
            o.addProperty("tolerance", Verification.TOLERANCE);
            o.addProperty("exact", r.exact());
            if (json) {
                Output.json(o);
            } else {
                Output.OUT.printf(
                        "max_abs_diff %s%nmax_rel_diff %s%n", Output.sci(r.maxAbsDiff()), Output.sci(r.maxRelDiff()));
                if (!Double.isNaN(r.trainMaxRelDiff())) {
                    Output.OUT.printf(
                            "train_max_rel_diff %s (batch statistics, dropout off)%n", Output.sci(r.trainMaxRelDiff()));
                }
                Output.OUT.println(
                        r.exact()
                                ? "OK: the student computes the teacher's function (max_rel_diff <= 1e-5)"
                                : "DIFFERENT: max_rel_diff exceeds 1e-5");
            }
            return r.exact() ? 0 : 1;
        }
    }

    static void addResult(JsonObject o, Verification.Result r) {
        o.addProperty("samples", r.samples());
        o.addProperty("max_abs_diff", r.maxAbsDiff());
        o.addProperty("max_rel_diff", r.maxRelDiff());
        if (!Double.isNaN(r.trainMaxRelDiff())) {
            o.addProperty("train_max_rel_diff", r.trainMaxRelDiff());
        }
        o.addProperty("max_abs_teacher_output", r.maxAbsTeacher());
    }
}
