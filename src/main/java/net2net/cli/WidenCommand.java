package net2net.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import net2net.Net2NetException;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.transform.Net2WiderNet;
import net2net.transform.Noise;
import net2net.transform.TransformerWidening;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "widen",
        mixinStandardHelpOptions = true,
        description = {
            "Net2WiderNet: give a dense or conv2d layer more units, computing the same function.",
            "Repeat --layer/--width to widen several layers in one call.",
            "A layer that writes a residual stream (the channels a skip connection carries) widens the whole stream:",
            "every writer and reader of it, with one shared mapping; the changed layers are printed.",
            "Token models (tinygpt, tinyllama): --width on the embedding, an attention layer or an MLP's last dense widens the",
            "residual stream to any larger size, exact through LayerNorm and RMSNorm; --width on an FFN's first dense or a",
            "gated_mlp widens its hidden units; --heads N on an attention layer adds heads, --head-dim N (no rotary",
            "embeddings) widens them (see docs/transformers.md)."
        })
final class WidenCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "The teacher.")
    Path model;

    @Option(names = "--layer", required = true, paramLabel = "NAME")
    String[] layers;

    @Option(names = "--width", paramLabel = "N", description = "New width, at least the current one (one per --layer).")
    int[] widths;

    @Option(
            names = "--heads",
            paramLabel = "N",
            description =
                    "Token models: the attention layer's new number of heads (one per --layer, instead of --width).")
    int[] heads;

    @Option(
            names = "--head-dim",
            paramLabel = "N",
            description =
                    "Token models: the attention layer's new head_dim (without rotary embeddings; one per --layer).")
    int[] headDims;

    @Option(
            names = "--noise",
            defaultValue = "exact",
            paramLabel = "none|exact|paper",
            description =
                    "Symmetry breaking: none; exact (zero-sum noise on the replicas' outgoing weights, the function is unchanged); "
                            + "paper (independent noise, the function drifts). Default: ${DEFAULT-VALUE}.")
    String noise;

    @Option(
            names = "--noise-scale",
            defaultValue = "" + Net2WiderNet.DEFAULT_NOISE_SCALE,
            paramLabel = "S",
            description = "Noise std as a fraction of the std of the consumer's weights. Default: ${DEFAULT-VALUE}.")
    double noiseScale;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of the mapping and the noise. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    StudentOutput output;

    @Mixin
    CheckInputs check;

    @Override
    public Integer call() {
        if ((widths == null ? 0 : 1) + (heads == null ? 0 : 1) + (headDims == null ? 0 : 1) != 1) {
            throw new Net2NetException(
                    "give one of --width, --heads or --head-dim (the last two on attention layers of token models), once per --layer");
        }
        if (heads != null) {
            widths = heads;
        } else if (headDims != null) {
            widths = headDims;
        }
        if (layers.length != widths.length) {
            throw new Net2NetException(
                    "give one --width per --layer (got " + layers.length + " layers and " + widths.length + " widths)");
        }
        for (int w : widths) {
            Ranges.require(w, 1, Integer.MAX_VALUE, "--width");
        }
        Ranges.require(check.samples, 1, Ranges.MAX_SAMPLES, "--samples");
        output.refuseExisting();
        Map<String, Integer> request = new LinkedHashMap<>();
        for (int i = 0; i < layers.length; i++) {
            if (request.put(layers[i], widths[i]) != null) {
                throw new Net2NetException("layer '" + layers[i] + "' is named twice; give each layer once");
            }
        }
        try (Network teacher = ModelFiles.load(model)) {
            if (TransformerWidening.applies(teacher)) {
                return widenTokenModel(teacher, request);
            }
            if (heads != null || headDims != null) {
                throw new Net2NetException(
                        "--heads and --head-dim apply to attention layers of token models; " + model + " has none");
            }
        }
        Net2WiderNet.Options options = new Net2WiderNet.Options(Noise.parse(noise), noiseScale, seed);
        try (Network teacher = ModelFiles.load(model);
                Network widened = Net2WiderNet.widen(teacher, request, options);
                Network student = widened.withSource(model.toString())) {
            JsonObject extra = new JsonObject();
            extra.addProperty("noise", options.noise().key());
            output.write(teacher, student, check, "widened", extra);
        }
        return 0;
    }

    /** Each request in turn (stream, FFN or heads), each a history step; the last student is written. */
    private int widenTokenModel(Network teacher, Map<String, Integer> request) {
        TransformerWidening.Options options = new TransformerWidening.Options(Noise.parse(noise), noiseScale, seed);
        Network current = teacher;
        try {
            for (Map.Entry<String, Integer> e : request.entrySet()) {
                Network next = heads != null
                        ? TransformerWidening.growHeads(current, e.getKey(), e.getValue(), options)
                        : headDims != null
                                ? TransformerWidening.growHeadDim(current, e.getKey(), e.getValue(), options)
                                : TransformerWidening.widen(current, e.getKey(), e.getValue(), options);
                if (current != teacher) {
                    current.close();
                }
                current = next;
            }
            current.withSource(model.toString());
            JsonObject extra = new JsonObject();
            extra.addProperty("noise", options.noise().key());
            output.write(teacher, current, check, "widened", extra);
        } finally {
            if (current != teacher) {
                current.close();
            }
        }
        return 0;
    }
}
