package net2net.cli;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net2net.Net2NetException;
import net2net.data.TextCorpus;
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

    @Option(
            names = "--data",
            paramLabel = "text|text:FILE",
            description = "For a token-model preset: size the vocabulary to the characters of this text"
                    + " (text: Debian's fortunes) and record them in model.json, for `train --data` on it.")
    String data;

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
        JsonObject preprocessing = null;
        if (data != null) {
            if (!Presets.exists(arch) || !Presets.tokenModel(arch)) {
                throw new Net2NetException(
                        "--data sizes a token model's vocabulary; use it with --arch tinygpt or tinyllama");
            }
            if (!TextCorpus.isText(data)) {
                throw new Net2NetException("init --data takes text or text:FILE, not " + data
                        + "; image and seed models need no data to be made");
            }
            TextCorpus.Vocabulary characters = TextCorpus.forData(data).vocabulary();
            if (vocab != null && vocab != characters.size()) {
                throw new Net2NetException(
                        data + " has " + characters.size() + " characters, not --vocab " + vocab + "; drop --vocab");
            }
            vocab = characters.size();
            preprocessing = TextCorpus.preprocessing(characters);
        }
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
        try (Network random = Initialization.random(architecture, seed, step);
                Network network = preprocessing == null ? null : random.withPreprocessing(preprocessing)) {
            ModelFiles.save(network == null ? random : network, out, force);
            Output.log("created " + out + ": " + InfoCommand.summary(network == null ? random : network));
        }
        return 0;
    }
}
