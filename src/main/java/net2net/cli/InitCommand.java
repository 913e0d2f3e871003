package net2net.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net2net.Net2NetException;
import net2net.io.OutputDirs;
import net2net.nn.Initialization;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.nn.Sizes;
import net2net.nn.Step;
import net2net.spec.Architecture;
import net2net.spec.ArchitectureJson;
import net2net.spec.Presets;
import net2net.spec.TransformerLayers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description =
                "Create a randomly initialised model (PyTorch's default initialisation) from a preset or a JSON architecture.")
final class InitCommand implements Callable<Integer> {
    @Option(
            names = "--arch",
            required = true,
            paramLabel = "PRESET|FILE.json",
            description =
                    "A preset (mlp-seed, fashionnet, fashionresnet, tinygpt, tinyllama) or an architecture JSON file.")
    String arch;

    @Option(
            names = "--width-mult",
            paramLabel = "M",
            description = "Scale every hidden width of a preset (rounded to nearest). Default: 1.")
    Double widthMult;

    @Option(
            names = "--vocab",
            paramLabel = "V",
            description = "Vocabulary size of a token-model preset (tinygpt, tinyllama). Default: 256.")
    Integer vocab;

    @Option(names = "--context", paramLabel = "T", description = "Context length of a token-model preset. Default: 64.")
    Integer context;

    @Option(names = "--seed", defaultValue = "0", description = "Initialisation seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model directory to create.")
    Path out;

    @Option(names = "--force", description = "Replace --out if it exists.")
    boolean force;

    @Override
    public Integer call() {
        OutputDirs.refuseExisting(out, force);
        Architecture architecture;
        Step step;
        if (Presets.exists(arch)) {
            double m = widthMult == null ? 1.0 : widthMult;
            architecture = Presets.get(arch, m, vocab, context);
            boolean tokens = Presets.tokenModel(arch);
            step = new Step.Init(
                    arch,
                    m,
                    tokens
                            ? ((TransformerLayers.Embedding)
                                            architecture.layers().get(0))
                                    .vocab()
                            : null,
                    tokens ? architecture.input().get(0) : null,
                    null,
                    seed,
                    null);
        } else if (arch.endsWith(".json") || Files.exists(Path.of(arch))) {
            if (widthMult != null || vocab != null || context != null) {
                throw new Net2NetException(
                        "--width-mult, --vocab and --context apply to presets only; edit " + arch + " instead");
            }
            architecture = ArchitectureJson.read(Path.of(arch));
            step = new Step.Init(null, null, null, null, arch, seed, null);
        } else {
            throw new Net2NetException("'" + arch + "' is neither a preset (" + String.join(", ", Presets.names())
                    + ") nor an existing .json file");
        }
        Sizes.requireFits(architecture, null, "the architecture");
        try (Network network = Initialization.random(architecture, seed, step)) {
            ModelFiles.save(network, out, force);
            Output.log("created " + out + ": " + InfoCommand.summary(network));
        }
        return 0;
    }
}
