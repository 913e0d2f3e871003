package net2net.spec;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import net2net.Net2NetException;

/**
 * A feed-forward network: an input shape (without the batch dimension) and an ordered list of
 * uniquely named layers. Residual layers hold a body of further layers; names are unique across
 * the whole tree, so a name addresses a layer anywhere. Construction infers every layer's output
 * shape and rejects mismatches (a residual body must keep its input's shape).
 */
public record Architecture(Shape input, List<Layer> layers) {

    /**
     * Where a layer sits in the tree.
     *
     * @param path  its index in the top-level list, then in each enclosing residual body
     * @param key   its PyTorch state_dict prefix: {@code conv1}, or {@code res1.body.res1_conv1}
     * @param input the shape that flows into it
     */
    public record Located(Layer layer, List<Integer> path, String key, Shape input) {
        public Located {
            path = List.copyOf(path);
        }

        public String name() {
            return layer.name();
        }

        /** Index in the list that holds it. */
        public int index() {
            return path.get(path.size() - 1);
        }

        /** Path of the residual whose body holds it; empty at the top level. */
        public List<Integer> parent() {
            return path.subList(0, path.size() - 1);
        }

        public boolean topLevel() {
            return path.size() == 1;
        }
    }

    public Architecture {
        if (input.dimension() != 1 && input.dimension() != 3) {
            throw new Net2NetException("input shape " + input + " must be a vector (D) or an image (C, H, W)");
        }
        for (long d : input.getShape()) {
            if (d <= 0) {
                throw new Net2NetException("input shape " + input + " has a non-positive dimension");
            }
        }
        if (layers.isEmpty()) {
            throw new Net2NetException("the architecture has no layers; give at least one dense or conv2d layer");
        }
        layers = List.copyOf(layers);
        checkNames(layers, new HashSet<>());
        Shape shape = input;
        for (Layer layer : layers) {
            shape = layer.outputShape(shape);
        }
        TransformerChecks.check(walk(input, layers), layers);
    }

    /** Whether the input is token ids: the first layer is an embedding. */
    public boolean tokenInput() {
        return layers.get(0) instanceof TransformerLayers.Embedding;
    }

    private static void checkNames(List<Layer> layers, Set<String> names) {
        for (Layer layer : layers) {
            if (layer.name() == null || layer.name().isBlank() || !layer.name().matches("[A-Za-z0-9_]+")) {
                throw new Net2NetException(
                        "layer name '" + layer.name() + "' is invalid: use letters, digits and underscores");
            }
            if (!names.add(layer.name())) {
                throw new Net2NetException("layer name '" + layer.name()
                        + "' is used twice: names must be unique, inside residual bodies too");
            }
            if (layer instanceof Layer.Residual r) {
                checkNames(r.body(), names);
            }
        }
    }

    /** Every layer of the tree in execution order, a residual before its body. */
    public List<Located> all() {
        return walk(input, layers);
    }

    static List<Located> walk(Shape input, List<Layer> layers) {
        List<Located> out = new ArrayList<>();
        collect(layers, List.of(), "", input, out);
        return out;
    }

    private static void collect(List<Layer> list, List<Integer> parent, String prefix, Shape in, List<Located> out) {
        Shape shape = in;
        for (int i = 0; i < list.size(); i++) {
            Layer layer = list.get(i);
            List<Integer> path = new ArrayList<>(parent);
            path.add(i);
            String key = prefix + layer.name();
            out.add(new Located(layer, path, key, shape));
            if (layer instanceof Layer.Residual r) {
                collect(r.body(), path, key + ".body.", shape, out);
            }
            shape = layer.outputShape(shape);
        }
    }

    /** The named layer anywhere in the tree, or a Net2NetException listing the names there are. */
    public Located locate(String name) {
        for (Located l : all()) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        throw new Net2NetException("no layer named '" + name + "'; the layers are: " + String.join(", ", names()));
    }

    /** The layer at a path. */
    public Located at(List<Integer> path) {
        for (Located l : all()) {
            if (l.path().equals(path)) {
                return l;
            }
        }
        throw new IllegalArgumentException("no layer at " + path);
    }

    /** The top-level list (empty path) or the body of the residual at {@code path}. */
    public List<Layer> list(List<Integer> path) {
        return path.isEmpty() ? layers : ((Layer.Residual) at(path).layer()).body();
    }

    /** The state_dict prefix of the named layer: {@code conv1}, {@code res1.body.res1_conv1}. */
    public String key(String name) {
        return locate(name).key();
    }

    /** The same tree with the named layer replaced. */
    public Architecture replace(String name, Layer replacement) {
        Located at = locate(name);
        return new Architecture(input, edit(layers, at.path(), 0, list -> {
            list.set(at.index(), replacement);
            return list;
        }));
    }

    /** The same tree with several layers replaced at once (shapes are checked only on the result). */
    public Architecture replace(Map<String, Layer> replacements) {
        replacements.keySet().forEach(this::locate);
        return new Architecture(input, substitute(layers, replacements));
    }

    private static List<Layer> substitute(List<Layer> list, Map<String, Layer> replacements) {
        List<Layer> out = new ArrayList<>();
        for (Layer l : list) {
            Layer x = replacements.getOrDefault(l.name(), l);
            out.add(x instanceof Layer.Residual r ? r.withBody(substitute(r.body(), replacements)) : x);
        }
        return out;
    }

    /** The same tree with {@code inserted} right after the named layer, in the list that holds it. */
    public Architecture insertAfter(String name, List<Layer> inserted) {
        Located at = locate(name);
        return new Architecture(input, edit(layers, at.path(), 0, list -> {
            list.addAll(at.index() + 1, inserted);
            return list;
        }));
    }

    /** Applies {@code change} to (a copy of) the list holding the layer at {@code path}, rebuilding the residuals above it. */
    private static List<Layer> edit(
            List<Layer> list, List<Integer> path, int depth, UnaryOperator<List<Layer>> change) {
        List<Layer> copy = new ArrayList<>(list);
        if (depth == path.size() - 1) {
            return change.apply(copy);
        }
        Layer.Residual r = (Layer.Residual) copy.get(path.get(depth));
        copy.set(path.get(depth), r.withBody(edit(r.body(), path, depth + 1, change)));
        return copy;
    }

    /** Output shape of each layer, in order. */
    public List<Shape> outputShapes() {
        List<Shape> out = new ArrayList<>(layers.size());
        Shape shape = input;
        for (Layer layer : layers) {
            shape = layer.outputShape(shape);
            out.add(shape);
        }
        return out;
    }

    /** The shape that flows into layer {@code i}. */
    public Shape inputShapeOf(int i) {
        return i == 0 ? input : outputShapes().get(i - 1);
    }

    public Shape outputShape() {
        List<Shape> shapes = outputShapes();
        return shapes.get(shapes.size() - 1);
    }

    /** The named layer, anywhere in the tree. */
    public Layer layer(String name) {
        return locate(name).layer();
    }

    /** Every name in the tree, in execution order. */
    public List<String> names() {
        return all().stream().map(Located::name).toList();
    }

    /** Every parameter as a PyTorch state_dict name ({@code layer.weight}) with its shape, in order. */
    public Map<String, Shape> parameterShapes() {
        Map<String, Shape> all = new LinkedHashMap<>();
        Shape shape = input;
        for (Layer layer : layers) {
            for (Map.Entry<String, Shape> p : layer.parameterShapes(shape).entrySet()) {
                all.put(layer.name() + "." + p.getKey(), p.getValue());
            }
            shape = layer.outputShape(shape);
        }
        return Collections.unmodifiableMap(all);
    }

    /** Learnable parameters only (batchnorm running statistics are buffers, not parameters). */
    public long parameterCount() {
        return parameterShapes().entrySet().stream()
                .filter(e ->
                        !e.getKey().endsWith(".running_mean") && !e.getKey().endsWith(".running_var"))
                .mapToLong(e -> e.getValue().size())
                .sum();
    }

    /**
     * A training example costs this many times its forward multiply-accumulates: the forward pass,
     * then the backward pass's two products of the same size per layer (the gradient with respect to
     * the layer's input and with respect to its weights). The usual 1 + 2 rule of thumb.
     */
    public static final int TRAINING_MACS_PER_FORWARD_MAC = 3;

    /**
     * Multiply-accumulates of one example's forward pass through the dense and conv layers, residual
     * bodies included: a dense layer of D inputs and U units costs D x U; a same-padded conv2d of
     * F filters and k x k kernels on a C x H x W input costs F x C x k x k x H x W (padding zeros
     * counted, as frameworks compute them). Batchnorm, activations, pooling, dropout and the residual
     * additions are elementwise, O(activations), and left out. A new layer kind with weights adds
     * its own case here; this is the one place that counts compute.
     *
     * <p>Token models: one example is one sequence of the context length T. A dense layer on
     * {@code (T, D)} costs T x D x U. Attention with d inputs, h heads, kv kv heads of head_dim e
     * costs T x d x (h + 2 kv) x e for the q, k, v projections, T x h x e x d for o, and T x T x h x e
     * for each of the score (q k^T) and value (softmax times v) products: the full T x T, although the
     * causal mask makes half of it zero, because the dense kernels compute the masked half too. A
     * gated MLP costs 3 x T x d x hidden (gate, up, down); the LM head T x d x vocab, tied or not.
     * Embedding and position lookups, norms, RoPE and softmax are table reads or elementwise: 0.
     */
    public long forwardMacsPerExample() {
        long macs = 0;
        for (Located l : all()) {
            Shape in = l.input();
            if (l.layer() instanceof Layer.Dense d) {
                macs += Math.multiplyExact(in.size(), (long) d.units());
            } else if (l.layer() instanceof Layer.Conv2d c) {
                macs += (long) c.filters() * in.get(0) * c.kernel() * c.kernel() * in.get(1) * in.get(2);
            } else if (l.layer() instanceof TransformerLayers.Attention a) {
                long t = in.get(0);
                long d = in.get(1);
                long e = a.headDim();
                long projections = t * d * (a.heads() + 2L * a.kvHeads()) * e + t * a.heads() * e * d;
                long scoresAndValues = 2 * t * t * a.heads() * e;
                macs = Math.addExact(macs, Math.addExact(projections, scoresAndValues));
            } else if (l.layer() instanceof TransformerLayers.GatedMlp g) {
                macs = Math.addExact(macs, Math.multiplyExact(3 * in.size(), (long) g.hidden()));
            } else if (l.layer() instanceof TransformerLayers.LmHead h) {
                macs = Math.addExact(macs, Math.multiplyExact(in.size(), (long) h.vocab()));
            }
        }
        return macs;
    }

    /** {@link #forwardMacsPerExample()} times {@link #TRAINING_MACS_PER_FORWARD_MAC}: one training example's cost. */
    public long trainingMacsPerExample() {
        return TRAINING_MACS_PER_FORWARD_MAC * forwardMacsPerExample();
    }

    public Architecture withInserted(int position, List<Layer> inserted) {
        List<Layer> copy = new ArrayList<>(layers);
        copy.addAll(position, inserted);
        return new Architecture(input, copy);
    }
}
