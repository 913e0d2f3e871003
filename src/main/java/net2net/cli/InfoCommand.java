package net2net.cli;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.nn.NonFinite;
import net2net.spec.Architecture;
import net2net.spec.ArchitectureJson;
import net2net.spec.Layer;
import net2net.spec.TransformerLayers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Show a model's layers, output shapes, parameter counts and history.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR")
    Path model;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        try (Network network = ModelFiles.load(model)) {
            Architecture arch = network.architecture();
            List<Shape> shapes = arch.outputShapes();
            Map<String, Shape> params = arch.parameterShapes();
            Map<String, Long> nonFinite = NonFinite.count(network);
            if (json) {
                JsonObject o = new JsonObject();
                o.addProperty("model", model.toString());
                o.add("input", shape(arch.input()));
                JsonArray layers = new JsonArray();
                for (int i = 0; i < arch.layers().size(); i++) {
                    Layer layer = arch.layers().get(i);
                    JsonObject l = ArchitectureJson.toJson(layer);
                    l.add("output_shape", shape(shapes.get(i)));
                    l.addProperty("parameters", layerParameters(params, layer.name()));
                    layers.add(l);
                }
                o.add("layers", layers);
                o.addProperty("parameters", arch.parameterCount());
                JsonObject bad = new JsonObject();
                nonFinite.forEach(bad::addProperty);
                o.add("non_finite_weights", bad);
                o.addProperty("forward_macs_per_example", arch.forwardMacsPerExample());
                JsonArray history = new JsonArray();
                network.history().forEach(step -> history.add(step.toJson()));
                o.add("history", history);
                if (network.preprocessing() != null) {
                    o.add("preprocessing", network.preprocessing());
                }
                Output.json(o);
            } else {
                Output.OUT.printf("%s%n  input %s%n", model, arch.input());
                Output.OUT.printf("  %-16s %-10s %-16s %12s%n", "layer", "type", "output", "parameters");
                for (Architecture.Located l : arch.all()) {
                    // residual bodies are indented under their block
                    String name = "  ".repeat(l.path().size() - 1) + l.name();
                    Output.OUT.printf(
                            "  %-16s %-10s %-16s %,12d%s%n",
                            name,
                            l.layer().kind(),
                            l.layer().outputShape(l.input()),
                            layerParameters(params, l.key()),
                            l.layer() instanceof TransformerLayers.LmHead h && h.tied()
                                    ? " (tied to " + h.tie() + ")"
                                    : "");
                }
                Output.OUT.printf("  total learnable parameters: %,d%n", arch.parameterCount());
                Output.OUT.printf(
                        "  forward MACs per example: %,d (%s; a training example costs %d times this)%n",
                        arch.forwardMacsPerExample(),
                        arch.tokenInput()
                                ? "one sequence of " + arch.input().get(0) + " tokens; see docs/transformers.md"
                                : "dense and conv",
                        Architecture.TRAINING_MACS_PER_FORWARD_MAC);
                if (!nonFinite.isEmpty()) {
                    Output.OUT.println(
                            "  WARNING: NaN or infinite weights (count per tensor): " + NonFinite.describe(nonFinite));
                }
                Output.OUT.printf("  history:%n");
                network.history().forEach(step -> Output.OUT.println("    " + step.toJson()));
                if (network.preprocessing() != null) {
                    Output.OUT.println("  preprocessing: " + network.preprocessing());
                }
            }
        }
        return 0;
    }

    /** Learnable parameters of one layer, given its state_dict prefix (running statistics excluded). */
    static long layerParameters(Map<String, Shape> params, String layer) {
        return params.entrySet().stream()
                .filter(e -> e.getKey().startsWith(layer + ".") && !e.getKey().contains("running_"))
                .mapToLong(e -> e.getValue().size())
                .sum();
    }

    static JsonArray shape(Shape s) {
        JsonArray a = new JsonArray();
        for (long d : s.getShape()) {
            a.add(d);
        }
        return a;
    }

    /** One line: layer widths and parameter count. */
    static String summary(Network network) {
        StringBuilder sb = new StringBuilder();
        for (Architecture.Located located : network.architecture().all()) {
            Layer l = located.layer();
            if (l instanceof Layer.Dense d) {
                sb.append(l.name()).append('=').append(d.units()).append(' ');
            } else if (l instanceof Layer.Conv2d c) {
                sb.append(l.name()).append('=').append(c.filters()).append(' ');
            } else if (l instanceof TransformerLayers.Embedding e) {
                sb.append(l.name()).append('=').append(e.dim()).append(' ');
            } else if (l instanceof TransformerLayers.Attention a) {
                sb.append(l.name())
                        .append('=')
                        .append(a.heads())
                        .append('x')
                        .append(a.headDim())
                        .append(a.kvHeads() != a.heads() ? "/kv" + a.kvHeads() : "")
                        .append(' ');
            } else if (l instanceof TransformerLayers.GatedMlp g) {
                sb.append(l.name()).append('=').append(g.hidden()).append(' ');
            }
        }
        return sb.append(
                        String.format("(%,d parameters)", network.architecture().parameterCount()))
                .toString();
    }
}
