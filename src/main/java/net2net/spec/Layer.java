package net2net.spec;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net2net.Net2NetException;

/**
 * One layer of an architecture. Shapes exclude the batch dimension: {@code (C, H, W)} for images,
 * {@code (D)} for vectors. Layers with parameters name them as in PyTorch's {@code state_dict}.
 */
public sealed interface Layer
        permits Layer.Dense,
                Layer.Conv2d,
                Layer.BatchNorm,
                Layer.Relu,
                Layer.Tanh,
                Layer.MaxPool,
                Layer.Flatten,
                Layer.Dropout,
                Layer.Residual,
                TransformerLayers.Embedding,
                TransformerLayers.PositionEmbedding,
                TransformerLayers.LayerNorm,
                TransformerLayers.RmsNorm,
                TransformerLayers.Attention,
                TransformerLayers.Gelu,
                TransformerLayers.Silu,
                TransformerLayers.GatedMlp,
                TransformerLayers.LmHead {

    String name();

    /** The kind as written in architecture JSON. */
    String kind();

    Layer withName(String name);

    /** The output shape for this input shape, or a Net2NetException naming the mismatch. */
    Shape outputShape(Shape input);

    /** Parameter suffix (e.g. "weight") to shape, in state_dict order. Empty for parameter-free layers. */
    default Map<String, Shape> parameterShapes(Shape input) {
        return Map.of();
    }

    /**
     * A fully connected layer: weight {@code [units, in]}, optional bias {@code [units]}. On a
     * sequence {@code (T, D)} it acts on the last axis, as PyTorch's Linear does.
     */
    record Dense(String name, int units, boolean bias) implements Layer {
        public Dense {
            Specs.requirePositive(units, name, "units");
        }

        public String kind() {
            return "dense";
        }

        public Dense withName(String n) {
            return new Dense(n, units, bias);
        }

        public Dense withUnits(int u) {
            return new Dense(name, u, bias);
        }

        public Shape outputShape(Shape in) {
            if (in.dimension() == 2) {
                return new Shape(in.get(0), units);
            }
            Specs.requireRank(this, in, 1, "a vector (put a flatten layer before it)");
            return new Shape(units);
        }

        public Map<String, Shape> parameterShapes(Shape in) {
            Map<String, Shape> p = new LinkedHashMap<>();
            p.put("weight", new Shape(units, in.get(in.dimension() - 1)));
            if (bias) {
                p.put("bias", new Shape(units));
            }
            return p;
        }
    }

    /** A 2-D convolution, stride 1, "same" zero padding, odd square kernel: weight {@code [filters, in, k, k]}. */
    record Conv2d(String name, int filters, int kernel, boolean bias) implements Layer {
        public Conv2d {
            Specs.requirePositive(filters, name, "filters");
            Specs.requirePositive(kernel, name, "kernel");
            if (kernel % 2 == 0) {
                throw Specs.error(
                        name,
                        "kernel " + kernel
                                + " is even; use an odd kernel (1, 3, 5, ...) so that same padding is symmetric");
            }
        }

        public String kind() {
            return "conv2d";
        }

        public Conv2d withName(String n) {
            return new Conv2d(n, filters, kernel, bias);
        }

        public Conv2d withFilters(int f) {
            return new Conv2d(name, f, kernel, bias);
        }

        public int padding() {
            return (kernel - 1) / 2;
        }

        public Shape outputShape(Shape in) {
            Specs.requireRank(this, in, 3, "an image (C, H, W)");
            return new Shape(filters, in.get(1), in.get(2));
        }

        public Map<String, Shape> parameterShapes(Shape in) {
            Map<String, Shape> p = new LinkedHashMap<>();
            p.put("weight", new Shape(filters, in.get(0), kernel, kernel));
            if (bias) {
                p.put("bias", new Shape(filters));
            }
            return p;
        }
    }

    /**
     * Batch normalisation over the channel axis (axis 1 of the batch), PyTorch semantics:
     * {@code y = (x - mean) / sqrt(var + eps) * weight + bias}; running averages updated with
     * {@code momentum} (PyTorch's convention: 0.1 means 10% of the new batch statistic).
     */
    record BatchNorm(String name, double eps, double momentum) implements Layer {
        public static final double DEFAULT_EPS = 1e-5;
        public static final double DEFAULT_MOMENTUM = 0.1;

        public BatchNorm {
            if (!(eps > 0)) {
                throw Specs.error(name, "eps must be positive");
            }
            if (!(momentum > 0 && momentum <= 1)) {
                throw Specs.error(name, "momentum must be in (0, 1]");
            }
        }

        public BatchNorm(String name) {
            this(name, DEFAULT_EPS, DEFAULT_MOMENTUM);
        }

        public String kind() {
            return "batchnorm";
        }

        public BatchNorm withName(String n) {
            return new BatchNorm(n, eps, momentum);
        }

        public Shape outputShape(Shape in) {
            if (in.dimension() != 1 && in.dimension() != 3) {
                throw Specs.error(name, "batchnorm needs a vector or an image input, got " + in);
            }
            return in;
        }

        public Map<String, Shape> parameterShapes(Shape in) {
            Shape c = new Shape(in.get(0));
            Map<String, Shape> p = new LinkedHashMap<>();
            p.put("weight", c);
            p.put("bias", c);
            p.put("running_mean", c);
            p.put("running_var", c);
            return p;
        }
    }

    record Relu(String name) implements Layer {
        public String kind() {
            return "relu";
        }

        public Relu withName(String n) {
            return new Relu(n);
        }

        public Shape outputShape(Shape in) {
            return in;
        }
    }

    record Tanh(String name) implements Layer {
        public String kind() {
            return "tanh";
        }

        public Tanh withName(String n) {
            return new Tanh(n);
        }

        public Shape outputShape(Shape in) {
            return in;
        }
    }

    /** 2x2 max pooling with stride 2 (odd sizes are floored, as in PyTorch). */
    record MaxPool(String name) implements Layer {
        public String kind() {
            return "maxpool";
        }

        public MaxPool withName(String n) {
            return new MaxPool(n);
        }

        public Shape outputShape(Shape in) {
            Specs.requireRank(this, in, 3, "an image (C, H, W)");
            if (in.get(1) < 2 || in.get(2) < 2) {
                throw Specs.error(name, "maxpool 2x2 needs an image of at least 2x2, got " + in);
            }
            return new Shape(in.get(0), in.get(1) / 2, in.get(2) / 2);
        }
    }

    /** Flattens (C, H, W) to C*H*W in NCHW order: index c*H*W + h*W + w. */
    record Flatten(String name) implements Layer {
        public String kind() {
            return "flatten";
        }

        public Flatten withName(String n) {
            return new Flatten(n);
        }

        public Shape outputShape(Shape in) {
            return new Shape(in.size());
        }
    }

    record Dropout(String name, double rate) implements Layer {
        public Dropout {
            if (!(rate >= 0 && rate < 1)) {
                throw Specs.error(name, "dropout rate must be in [0, 1), got " + rate);
            }
        }

        public String kind() {
            return "dropout";
        }

        public Dropout withName(String n) {
            return new Dropout(n, rate);
        }

        public Shape outputShape(Shape in) {
            return in;
        }
    }

    /**
     * A residual block: {@code y = act(x + body(x))}. The body is an ordered list of layers whose
     * output has its input's shape; {@code activation} (relu, tanh, or null for none) follows the
     * addition. Its parameters are named as a PyTorch module {@code Residual} with
     * {@code self.body = nn.Sequential(...)} names them: {@code res1.body.res1_conv1.weight}.
     */
    record Residual(String name, List<Layer> body, Activation activation) implements Layer {
        /** What may follow the addition. */
        public enum Activation {
            RELU,
            TANH;

            public String key() {
                return name().toLowerCase(Locale.ROOT);
            }

            /** "relu", "tanh", or null for none. */
            public static Activation parse(String s, String layer) {
                if (s == null) {
                    return null;
                }
                switch (s) {
                    case "relu":
                        return RELU;
                    case "tanh":
                        return TANH;
                    default:
                        throw Specs.error(
                                layer, "residual activation '" + s + "' is unknown; use \"relu\", \"tanh\" or null");
                }
            }
        }

        public Residual {
            if (body == null || body.isEmpty()) {
                throw Specs.error(name, "a residual block needs a body of at least one layer");
            }
            body = List.copyOf(body);
        }

        public String kind() {
            return "residual";
        }

        public Residual withName(String n) {
            return new Residual(n, body, activation);
        }

        public Residual withBody(List<Layer> b) {
            return new Residual(name, b, activation);
        }

        /** The addition needs body(x) to have x's shape. */
        public Shape outputShape(Shape in) {
            Shape shape = in;
            for (Layer layer : body) {
                shape = layer.outputShape(shape);
            }
            if (!shape.equals(in)) {
                throw new Net2NetException("residual '" + name + "': its body turns " + in + " into " + shape
                        + ", but the addition needs the input's shape; make the body's last layer output "
                        + (in.dimension() == 3 ? in.get(0) : in.get(in.dimension() - 1))
                        + (in.dimension() == 3
                                ? " channels and keep the spatial size (no maxpool or flatten)"
                                : " units"));
            }
            return in;
        }

        /** The body's parameters as {@code body.<layer>.<suffix>}. */
        public Map<String, Shape> parameterShapes(Shape in) {
            Map<String, Shape> p = new LinkedHashMap<>();
            Shape shape = in;
            for (Layer layer : body) {
                for (Map.Entry<String, Shape> e : layer.parameterShapes(shape).entrySet()) {
                    p.put("body." + layer.name() + "." + e.getKey(), e.getValue());
                }
                shape = layer.outputShape(shape);
            }
            return p;
        }
    }
}
