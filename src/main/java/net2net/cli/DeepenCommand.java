package net2net.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.transform.Net2DeeperNet;
import net2net.transform.TransformerDeepening;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "deepen",
        mixinStandardHelpOptions = true,
        description = {
            "Net2DeeperNet: insert an identity dense or conv2d layer, then a relu, after a relu.",
            "With --batchnorm a batchnorm sits between them, set from statistics measured on a batch of inputs.",
            "With --residual: insert an identity residual block (conv-bn-relu-conv-bn added to its input, the last batchnorm at zero)",
            "after any layer, tanh included; --no-batchnorm gives a conv-relu-conv body whose last conv starts at zero.",
            "Token models (tinygpt, tinyllama): --after BLOCK (either residual of a transformer block) inserts an identity",
            "pre-norm block after it: its attention o and MLP output projections are zero, the rest freshly initialised."
        })
final class DeepenCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR")
    Path model;

    @Option(
            names = "--after",
            required = true,
            paramLabel = "NAME",
            description = "A relu layer (any layer with --residual).")
    String after;

    @Option(names = "--residual", description = "Insert an identity residual block instead of an identity layer.")
    boolean residual;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of a residual body's initialisation. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--kernel",
            defaultValue = "3",
            paramLabel = "K",
            description = "Kernel of an inserted conv (odd). Default: ${DEFAULT-VALUE}.")
    int kernel;

    @Option(
            names = "--batchnorm",
            negatable = true,
            description =
                    "Insert a batchnorm after the new layer (default: off; with --residual: on, the body is conv-bn-relu-conv-bn).")
    Boolean batchnorm;

    @Option(names = "--name", paramLabel = "NAME", description = "Name of the new layer (default: <after>_id).")
    String name;

    @Mixin
    StudentOutput output;

    @Spec
    CommandSpec spec;

    @Mixin
    CheckInputs check;

    @Override
    public Integer call() {
        Ranges.require(check.samples, 1, Ranges.MAX_SAMPLES, "--samples");
        output.refuseExisting();
        try (Network teacher = ModelFiles.load(model)) {
            if (teacher.architecture().tokenInput()) {
                if (residual || batchnorm != null || name != null) {
                    throw new net2net.Net2NetException(
                            "--residual, --batchnorm and --name do not apply to token models; give --after BLOCK (and --seed)");
                }
                try (Network student =
                        TransformerDeepening.deepen(teacher, after, seed).withSource(model.toString())) {
                    output.write(teacher, student, check, "deepened", new JsonObject());
                }
                return 0;
            }
        }
        boolean bn = batchnorm != null ? batchnorm : residual;
        try (Network teacher = ModelFiles.load(model);
                NDManager manager = NDManager.newBaseManager()) {
            Ranges.requireKernel(
                    teacher.architecture(),
                    after,
                    kernel,
                    spec.commandLine().getParseResult().hasMatchedOption("--kernel"));
            NDArray stats = bn && !residual ? check.statsInputs(manager, teacher, check.seed() + 1) : null;
            Net2DeeperNet.Options options = residual
                    ? Net2DeeperNet.Options.residual(kernel, bn, name, seed)
                    : new Net2DeeperNet.Options(kernel, bn, stats, name);
            try (Network deepened = Net2DeeperNet.deepen(teacher, after, options);
                    Network student = deepened.withSource(model.toString())) {
                output.write(teacher, student, check, "deepened", new JsonObject());
            }
        }
        return 0;
    }
}
