package net2net.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.transform.Net2DeeperNet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "deepen", mixinStandardHelpOptions = true,
        description = {"Net2DeeperNet: insert an identity dense or conv2d layer, then a relu, after a relu.",
                "With --batchnorm a batchnorm sits between them, set from statistics measured on a batch of inputs."})
final class DeepenCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR")
    Path model;

    @Option(names = "--after", required = true, paramLabel = "NAME", description = "A relu layer.")
    String after;

    @Option(names = "--kernel", defaultValue = "3", paramLabel = "K", description = "Kernel of an inserted conv (odd). Default: ${DEFAULT-VALUE}.")
    int kernel;

    @Option(names = "--batchnorm", description = "Insert a batchnorm after the new layer.")
    boolean batchnorm;

    @Option(names = "--name", paramLabel = "NAME", description = "Name of the new layer (default: <after>_id).")
    String name;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--force", description = "Replace --out if it exists.")
    boolean force;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin
    CheckInputs check;

    @Override
    public Integer call() {
        ModelArgs.refuseExisting(out, force);
        try (Network teacher = ModelFiles.load(model); NDManager manager = NDManager.newBaseManager()) {
            NDArray stats = batchnorm ? check.statsInputs(manager, teacher, check.seed() + 1) : null;
            try (Network student = Net2DeeperNet.deepen(teacher, after,
                    new Net2DeeperNet.Options(kernel, batchnorm, stats, name)).withSource(model.toString())) {
                JsonObject result = Transforms.report(teacher, student, check, "deepened");
                ModelFiles.save(student, out, force);
                result.addProperty("student", out.toString());
                Transforms.print(result, json);
            }
        }
        return 0;
    }
}
