package net2net.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import net2net.io.OutputDirs;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.nn.NonFinite;
import picocli.CommandLine.Option;

/** Where a transform command writes its student, and how it reports it ({@code @Mixin}). */
final class StudentOutput {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The student's directory.")
    Path out;

    @Option(names = "--force", description = "Replace --out if it exists.")
    boolean force;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    /** Refuses an existing --out before any work is done (the final write checks again). */
    void refuseExisting() {
        OutputDirs.refuseExisting(out, force);
    }

    /**
     * Measures the student against the teacher, saves it, and prints the report ({@code extra}
     * adds command-specific fields).
     */
    void write(Network teacher, Network student, CheckInputs check, String verb, JsonObject extra) {
        NonFinite.refuse(teacher, "the teacher");
        JsonObject result = Transforms.report(teacher, student, check, verb);
        extra.entrySet().forEach(e -> result.add(e.getKey(), e.getValue()));
        ModelFiles.save(student, out, force);
        result.addProperty("student", out.toString());
        Transforms.print(result, json);
    }
}
