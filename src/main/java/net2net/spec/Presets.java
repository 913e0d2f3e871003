package net2net.spec;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.stream.Stream;
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

    /** Token-model presets: they also take a vocabulary size and a context length. */
    private static final Map<String, TokenPreset> TOKEN_PRESETS = Map.of(
            "tinygpt", Presets::tinygpt,
            "tinyllama", Presets::tinyllama);

    /** Defaults of the token presets: bytes as tokens, 64 positions. */
    public static final int DEFAULT_VOCAB = 256;

    public static final int DEFAULT_CONTEXT = 64;

    interface TokenPreset {
        Architecture build(double widthMult, int vocab, int context);
    }

    public static List<String> names() {
        return Stream.concat(PRESETS.keySet().stream(), TOKEN_PRESETS.keySet().stream())
                .sorted()
                .toList();
    }

    public static boolean exists(String name) {
        return PRESETS.containsKey(name) || TOKEN_PRESETS.containsKey(name);
    }

    /** Whether the preset is a token model, which takes --vocab and --context. */
    public static boolean tokenModel(String name) {
        return TOKEN_PRESETS.containsKey(name);
    }

    /** A preset; {@code vocab} and {@code context} (null: the defaults) apply to token models only. */
    public static Architecture get(String name, double widthMult, Integer vocab, Integer context) {
        TokenPreset token = TOKEN_PRESETS.get(name);
        if (token == null) {
            if (vocab != null || context != null) {
                throw new Net2NetException("--vocab and --context apply to the token-model presets ("
                        + String.join(
                                ", ", TOKEN_PRESETS.keySet().stream().sorted().toList()) + ") only; drop them for '"
                        + name + "'");
            }
            return get(name, widthMult);
        }
        requireWidthMult(widthMult);
        int v = vocab == null ? DEFAULT_VOCAB : vocab;
        int c = context == null ? DEFAULT_CONTEXT : context;
        if (v < 1 || c < 1) {
            throw new Net2NetException("--vocab and --context must be positive integers, got " + v + " and " + c);
        }
        return token.build(widthMult, v, c);
    }

    private static void requireWidthMult(double widthMult) {
        if (!(widthMult > 0) || Double.isInfinite(widthMult)) {
            throw new Net2NetException("--width-mult must be a positive number, got " + widthMult);
        }
    }

    public static Architecture get(String name, double widthMult) {
        if (TOKEN_PRESETS.containsKey(name)) {
            return get(name, widthMult, null, null);
        }
        requireWidthMult(widthMult);
        DoubleFunction<Architecture> preset = PRESETS.get(name);
        if (preset == null) {
            throw new Net2NetException(
                    "unknown preset '" + name + "'; use one of " + String.join(", ", names()) + ", or a JSON file");
        }
        return preset.apply(widthMult);
    }

    static int scale(int width, double mult) {
        int w = (int) Math.round(width * mult);
        if (w < 1) {
            throw new Net2NetException("--width-mult " + mult + " leaves a layer of width " + width
                    + " with no units; use a larger multiplier");
        }
        return w;
    }

    /** The seed notebook's 4-10-1 MLP without biases. */
    static Architecture mlpSeed(double m) {
        return new Architecture(
                new Shape(4),
                List.of(
                        new Layer.Dense("fc1", scale(10, m), false),
                        new Layer.Relu("relu1"),
                        new Layer.Dense("fc2", 1, false)));
    }

    /** A small VGG-style convnet for 28x28 grey images: two conv blocks and two dense layers. */
    static Architecture fashionnet(double m) {
        return new Architecture(
                new Shape(1, 28, 28),
                List.of(
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
        return new Architecture(
                new Shape(1, 28, 28),
                List.of(
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
        return new Layer.Residual(
                name,
                List.of(
                        new Layer.Conv2d(name + "_conv1", channels, 3, true),
                        new Layer.BatchNorm(name + "_bn1"),
                        new Layer.Relu(name + "_relu"),
                        new Layer.Conv2d(name + "_conv2", channels, 3, true),
                        new Layer.BatchNorm(name + "_bn2")),
                Layer.Residual.Activation.RELU);
    }

    /**
     * GPT-2 style: token and learned position embeddings, pre-norm blocks with LayerNorm, causal
     * attention (4 heads of 16) and a GELU (tanh) MLP of 4x, a final LayerNorm, and a head tied to
     * the token embedding. d = 64 at width 1; the width multiplier scales head_dim and the FFN.
     */
    static Architecture tinygpt(double m, int vocab, int context) {
        return gpt(4, scale(16, m), 2, scale(256, m), vocab, context);
    }

    /**
     * The tinygpt layout at any size: d = heads x headDim, {@code blocks} pre-norm blocks with an
     * FFN of {@code ffn} units (the bench's d = 1024, 8-block model).
     */
    public static Architecture gpt(int heads, int headDim, int blocks, int ffn, int vocab, int context) {
        int d = heads * headDim;
        List<Layer> layers = new ArrayList<>();
        layers.add(new TransformerLayers.Embedding("wte", vocab, d));
        layers.add(new TransformerLayers.PositionEmbedding("wpe", context));
        for (int b = 0; b < blocks; b++) {
            String h = "h" + b + "_";
            layers.add(new Layer.Residual(
                    h + "attn_res",
                    List.of(
                            new TransformerLayers.LayerNorm(
                                    h + "ln1", TransformerLayers.LayerNorm.DEFAULT_EPS, true, true),
                            new TransformerLayers.Attention(h + "attn", heads, heads, headDim, true, 0)),
                    null));
            layers.add(new Layer.Residual(
                    h + "mlp_res",
                    List.of(
                            new TransformerLayers.LayerNorm(
                                    h + "ln2", TransformerLayers.LayerNorm.DEFAULT_EPS, true, true),
                            new Layer.Dense(h + "fc", ffn, true),
                            new TransformerLayers.Gelu(h + "gelu", true),
                            new Layer.Dense(h + "proj", d, true)),
                    null));
        }
        layers.add(new TransformerLayers.LayerNorm("ln_f", TransformerLayers.LayerNorm.DEFAULT_EPS, true, true));
        layers.add(new TransformerLayers.LmHead("lm_head", vocab, "wte"));
        return new Architecture(new Shape(context), layers);
    }

    /**
     * Llama style: token embedding only, pre-norm blocks with RMSNorm, attention with rotary
     * embeddings and grouped queries (4 heads of 16 sharing 2 kv heads), a SwiGLU MLP, no biases, a
     * final RMSNorm and an untied head. d = 64 at width 1.
     */
    static Architecture tinyllama(double m, int vocab, int context) {
        int heads = 4;
        int headDim = 2 * scale(8, m); // rotary embeddings need an even head_dim
        int d = heads * headDim;
        int ffn = scale(176, m);
        List<Layer> layers = new ArrayList<>();
        layers.add(new TransformerLayers.Embedding("embed", vocab, d));
        for (int b = 0; b < 2; b++) {
            String h = "h" + b + "_";
            layers.add(new Layer.Residual(
                    h + "attn_res",
                    List.of(
                            new TransformerLayers.RmsNorm(h + "norm1", TransformerLayers.RmsNorm.DEFAULT_EPS),
                            new TransformerLayers.Attention(h + "attn", heads, 2, headDim, false, 10000)),
                    null));
            layers.add(new Layer.Residual(
                    h + "mlp_res",
                    List.of(
                            new TransformerLayers.RmsNorm(h + "norm2", TransformerLayers.RmsNorm.DEFAULT_EPS),
                            new TransformerLayers.GatedMlp(h + "mlp", ffn, false)),
                    null));
        }
        layers.add(new TransformerLayers.RmsNorm("norm_f", TransformerLayers.RmsNorm.DEFAULT_EPS));
        layers.add(new TransformerLayers.LmHead("lm_head", vocab, null));
        return new Architecture(new Shape(context), layers);
    }
}
