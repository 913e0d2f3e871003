package net2net.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net2net.Net2NetException;
import net2net.nn.Initialization;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.spec.TransformerLayers;

/**
 * Inserts an identity transformer block: a pre-norm block {@code x + f(norm(x))} whose last
 * projection (attention's o, the MLP's down or last dense) is zero adds nothing, whatever its other
 * weights, so the new block (an attention and an MLP residual, shaped like the block named) starts
 * as the identity with freshly initialised norms, q, k, v and up/gate projections. A post-norm block
 * {@code N(x + f(x))} is not the identity at f = 0, and is refused.
 */
public final class TransformerDeepening {
    private TransformerDeepening() {}

    private static final Pattern NUMBERED = Pattern.compile("^([A-Za-z]+)(\\d+)_");

    public static Network deepen(Network teacher, String after, long seed) {
        Architecture arch = teacher.architecture();
        Architecture.Located at = arch.locate(after);
        if (!(at.layer() instanceof Layer.Residual) || !at.topLevel()) {
            throw new Net2NetException(
                    "'" + after + "' is not a transformer block; name a top-level residual block such as "
                            + arch.layers().stream()
                                    .filter(l -> l instanceof Layer.Residual)
                                    .map(Layer::name)
                                    .findFirst()
                                    .orElse("h0_mlp_res"));
        }
        requirePreNorm((Layer.Residual) at.layer());
        // The block is the attention residual and the MLP residual after it.
        int i = at.index();
        int first = holds(arch.layers().get(i), TransformerLayers.Attention.class) ? i : i - 1;
        if (first < 0
                || first + 1 >= arch.layers().size()
                || !holds(arch.layers().get(first), TransformerLayers.Attention.class)
                || !(arch.layers().get(first + 1) instanceof Layer.Residual)) {
            throw new Net2NetException(
                    "'" + after
                            + "' is not part of an attention block followed by an MLP block; name one of a block's two residuals");
        }
        List<Layer.Residual> template = List.of((Layer.Residual) arch.layers().get(first), (Layer.Residual)
                arch.layers().get(first + 1));
        template.forEach(TransformerDeepening::requirePreNorm);
        List<Layer> inserted = renamed(arch, template);
        Architecture student = arch.insertAfter(arch.layers().get(first + 1).name(), inserted);
        HostWeights w = new HostWeights(teacher);
        List<String> fresh = new ArrayList<>();
        for (String key : student.parameterShapes().keySet()) {
            if (!w.has(key)) {
                fresh.add(key);
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> values = Initialization.parameters(student, fresh, seed, m);
            w.putAll(values);
        }
        for (Layer layer : inserted) {
            Layer.Residual r = (Layer.Residual) layer;
            Layer last = r.body().get(r.body().size() - 1);
            String module = r.name() + ".body." + last.name()
                    + (last instanceof TransformerLayers.Attention
                            ? ".o_proj"
                            : last instanceof TransformerLayers.GatedMlp ? ".down_proj" : "");
            if (!(last instanceof TransformerLayers.Attention
                    || last instanceof TransformerLayers.GatedMlp
                    || last instanceof Layer.Dense)) {
                throw new Net2NetException("block '" + r.name() + "' ends with a " + last.kind()
                        + " layer; an identity block needs a last projection to set to zero");
            }
            for (String suffix : List.of(".weight", ".bias")) {
                if (w.has(module + suffix)) {
                    double[] v = w.get(module + suffix);
                    Arrays.fill(v, 0);
                }
            }
        }
        Step step = new Step.TransformerDeepen(
                arch.layers().get(first + 1).name(),
                List.of(inserted.get(0).name(), inserted.get(1).name()),
                seed,
                null);
        return w.build(student, teacher, step);
    }

    private static void requirePreNorm(Layer.Residual r) {
        Layer head = r.body().get(0);
        if (!(head instanceof TransformerLayers.LayerNorm || head instanceof TransformerLayers.RmsNorm)) {
            throw new Net2NetException("block '" + r.name()
                    + "' is post-norm (its body does not start with a norm): N(x + f(x)) is not the identity "
                    + "when f = 0, so no block can be inserted exactly; only pre-norm blocks x + f(norm(x)) can");
        }
        if (r.activation() != null) {
            throw new Net2NetException("block '" + r.name() + "' applies "
                    + r.activation().key() + " after its addition, so it is not the identity at f = 0");
        }
    }

    private static boolean holds(Layer layer, Class<?> kind) {
        return layer instanceof Layer.Residual r && r.body().stream().anyMatch(kind::isInstance);
    }

    /**
     * The template's layers under fresh names: "h1_attn" becomes "h5_attn" when h4 is the highest
     * block number in use; names without a number prefix get "_new1", "_new2"... until unique.
     */
    private static List<Layer> renamed(Architecture arch, List<Layer.Residual> template) {
        List<String> names = arch.names();
        Matcher m = NUMBERED.matcher(template.get(0).name());
        String from = null;
        String to = null;
        if (m.find()) {
            String letters = m.group(1);
            int max = 0;
            for (String n : names) {
                Matcher o = NUMBERED.matcher(n);
                if (o.find() && o.group(1).equals(letters)) {
                    max = Math.max(max, Integer.parseInt(o.group(2)));
                }
            }
            from = m.group(0);
            to = letters + (max + 1) + "_";
        }
        for (int suffix = 1; ; suffix++) {
            List<Layer> out = new ArrayList<>();
            List<String> used = new ArrayList<>();
            for (Layer.Residual r : template) {
                List<Layer> body = new ArrayList<>();
                for (Layer l : r.body()) {
                    body.add(l.withName(rename(l.name(), from, to, suffix)));
                    used.add(body.get(body.size() - 1).name());
                }
                out.add(new Layer.Residual(rename(r.name(), from, to, suffix), body, r.activation()));
                used.add(out.get(out.size() - 1).name());
            }
            if (used.stream().noneMatch(names::contains)
                    && used.stream().distinct().count() == used.size()) {
                return out;
            }
            from = null; // fall back to suffixes
        }
    }

    private static String rename(String name, String from, String to, int suffix) {
        if (from != null && name.startsWith(from)) {
            return to + name.substring(from.length());
        }
        return name + "_new" + suffix;
    }
}
