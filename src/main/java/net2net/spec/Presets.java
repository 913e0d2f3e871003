package net2net.spec;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import net2net.Net2NetException;

/** Named architectures. {@code widthMult} scales every hidden width, rounding to nearest. */
public final class Presets {
    private Presets() {}

    /** sqrt(0.3), the paper's teacher width factor for Net2WiderNet on ImageNet. */
    public static final double PAPER_TEACHER_WIDTH = 0.5477;

    private static final Map<String, DoubleFunction<Architecture>> PRESETS = Map.of(
            "mlp-seed", Presets::mlpSeed,
            "fashionnet", Presets::fashionnet,
            "fashionresnet", Presets::fashionresnet);

    public static List<String> names() {
        return PRESETS.keySet().stream().sorted().toList();
    }

    public static boolean exists(String name) {
        return PRESETS.containsKey(name);
    }

    public static Architecture get(String name, double widthMult) {
        if (!(widthMult > 0) || Double.isInfinite(widthMult)) {
            throw new Net2NetException("--width-mult must be a positive number, got " + widthMult);
        }
        DoubleFunction<Architecture> preset = PRESETS.get(name);
        if (preset == null) {
            throw new Net2NetException("unknown preset '" + name + "'; use one of " + String.join(", ", names()) + ", or a JSON file");
        }
        return preset.apply(widthMult);
    }

    static int scale(int width, double mult) {
        int w = (int) Math.round(width * mult);
        if (w < 1) {
            throw new Net2NetException("--width-mult " + mult + " leaves a layer of width " + width + " with no units; use a larger multiplier");
        }
        return w;
    }

    /** The seed notebook's 4-10-1 MLP without biases. */
    static Architecture mlpSeed(double m) {
        return new Architecture(new Shape(4), List.of(
                new Layer.Dense("fc1", scale(10, m), false),
                new Layer.Relu("relu1"),
                new Layer.Dense("fc2", 1, false)));
    }

    /** A small VGG-style convnet for 28x28 grey images: two conv blocks and two dense layers. */
    static Architecture fashionnet(double m) {
        return new Architecture(new Shape(1, 28, 28), List.of(
                new Layer.Conv2d("conv1", scale(32, m), 3, true),
                new Layer.BatchNorm("bn1"),
                new Layer.Relu("relu1"),
                new Layer.MaxPool("pool1"),
                new Layer.Conv2d("conv2", scale(64, m), 3, true),
                new Layer.BatchNorm("bn2"),
                new Layer.Relu("relu2"),
                new Layer.MaxPool("pool2"),
                new Layer.Flatten("flatten"),
                new Layer.Dense("fc1", scale(128, m), true),
                new Layer.Relu("relu3"),
                new Layer.Dense("fc2", 10, true)));
    }

    /**
     * A small residual convnet for 28x28 grey images: a stem conv, a residual block at its width,
     * a maxpool, a conv, a second residual block, then the dense head. Each block is
     * {@code act(x + bn(conv(relu(bn(conv(x))))))} with a relu after the addition.
     */
    static Architecture fashionresnet(double m) {
        int c1 = scale(32, m);
        int c2 = scale(64, m);
        return new Architecture(new Shape(1, 28, 28), List.of(
                new Layer.Conv2d("conv1", c1, 3, true),
                new Layer.BatchNorm("bn1"),
                new Layer.Relu("relu1"),
                block("res1", c1),
                new Layer.MaxPool("pool1"),
                new Layer.Conv2d("conv2", c2, 3, true),
                new Layer.BatchNorm("bn2"),
                new Layer.Relu("relu2"),
                block("res2", c2),
                new Layer.MaxPool("pool2"),
                new Layer.Flatten("flatten"),
                new Layer.Dense("fc1", scale(128, m), true),
                new Layer.Relu("relu3"),
                new Layer.Dense("fc2", 10, true)));
    }

    /** conv-bn-relu-conv-bn at {@code channels}, added to its input, then a relu. */
    static Layer.Residual block(String name, int channels) {
        return new Layer.Residual(name, List.of(
                new Layer.Conv2d(name + "_conv1", channels, 3, true),
                new Layer.BatchNorm(name + "_bn1"),
                new Layer.Relu(name + "_relu"),
                new Layer.Conv2d(name + "_conv2", channels, 3, true),
                new Layer.BatchNorm(name + "_bn2")), Layer.Residual.Activation.RELU);
    }
}
