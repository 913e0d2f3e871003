package net2net.spec;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net2net.Net2NetException;

/**
 * A feed-forward network: an input shape (without the batch dimension) and an ordered list of
 * uniquely named layers. Construction infers every layer's output shape and rejects mismatches.
 */
public record Architecture(Shape input, List<Layer> layers) {

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
        Set<String> names = new HashSet<>();
        Shape shape = input;
        for (Layer layer : layers) {
            if (layer.name() == null || layer.name().isBlank() || !layer.name().matches("[A-Za-z0-9_]+")) {
                throw new Net2NetException("layer name '" + layer.name() + "' is invalid: use letters, digits and underscores");
            }
            if (!names.add(layer.name())) {
                throw new Net2NetException("layer name '" + layer.name() + "' is used twice: names must be unique");
            }
            shape = layer.outputShape(shape);
        }
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

    /** Index of the named layer, or a Net2NetException listing the names there are. */
    public int indexOf(String name) {
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new Net2NetException("no layer named '" + name + "'; the layers are: " + String.join(", ", names()));
    }

    public Layer layer(String name) {
        return layers.get(indexOf(name));
    }

    public List<String> names() {
        return layers.stream().map(Layer::name).toList();
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
                .filter(e -> !e.getKey().endsWith(".running_mean") && !e.getKey().endsWith(".running_var"))
                .mapToLong(e -> e.getValue().size())
                .sum();
    }

    public Architecture withLayer(int i, Layer layer) {
        List<Layer> copy = new ArrayList<>(layers);
        copy.set(i, layer);
        return new Architecture(input, copy);
    }

    public Architecture withInserted(int position, List<Layer> inserted) {
        List<Layer> copy = new ArrayList<>(layers);
        copy.addAll(position, inserted);
        return new Architecture(input, copy);
    }

    /** The first {@code count} layers, for running a network up to a point. */
    public Architecture prefix(int count) {
        return new Architecture(input, layers.subList(0, count));
    }
}
