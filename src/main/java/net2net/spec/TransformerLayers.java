package net2net.spec;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The layer kinds of decoder-only transformers. A token model's input is {@code (T)} token ids; after
 * the embedding every layer sees a sequence {@code (T, D)} and acts on its last axis, position by
 * position, except attention, which mixes positions causally. Parameter names follow PyTorch
 * modules: an attention layer holds Linear modules {@code q_proj, k_proj, v_proj, o_proj}.
 */
public final class TransformerLayers {
    private TransformerLayers() {}

    static void requireSequence(Layer layer, Shape in) {
        Specs.requireRank(layer, in, 2, "a sequence (T, D) (put an embedding before it)");
    }

    /** Token ids {@code (T)} to vectors {@code (T, dim)}: weight {@code [vocab, dim]}. */
    public record Embedding(String name, int vocab, int dim) implements Layer {
        public Embedding {
            Specs.requirePositive(vocab, name, "vocab");
            Specs.requirePositive(dim, name, "dim");
        }

        public String kind() {
            return "embedding";
        }

        public Embedding withName(String n) {
            return new Embedding(n, vocab, dim);
        }

        public Embedding withDim(int d) {
            return new Embedding(name, vocab, d);
        }

        public Shape outputShape(Shape in) {
            Specs.requireRank(this, in, 1, "token ids (T) as the model's input");
            return new Shape(in.get(0), dim);
        }

        public Map<String, Shape> parameterShapes(Shape in) {
            return Map.of("weight", new Shape(vocab, dim));
        }
    }

    /** Adds a learned vector per position: {@code x[t] + weight[t]}, weight {@code [context, D]}. */
    public record PositionEmbedding(String name, int context) implements Layer {
        public PositionEmbedding {
            Specs.requirePositive(context, name, "context");
        }

        public String kind() {
            return "position_embedding";
        }

        public PositionEmbedding withName(String n) {
            return new PositionEmbedding(n, context);
        }

        public Shape outputShape(Shape in) {
            requireSequence(this, in);
            if (in.get(0) > context) {
                throw Specs.error(
                        name,
                        "the input has " + in.get(0) + " positions but the context is " + context
                                + "; raise \"context\" or shorten the input");
            }
            return in;
        }

        public Map<String, Shape> parameterShapes(Shape in) {
            return Map.of("weight", new Shape(context, in.get(1)));
        }
    }

    /**
     * {@code (x - mean) / sqrt(var + eps) * weight + bias} over the last axis (biased variance, as
     * PyTorch). Without {@code affine} there is neither weight nor bias; {@code bias} false drops the bias only.
     */
    public record LayerNorm(String name, double eps, boolean affine, boolean bias) implements Layer {
        public static final double DEFAULT_EPS = 1e-5;

        public LayerNorm {
            if (!(eps > 0) || Double.isInfinite(eps)) {
                throw Specs.error(name, "eps must be positive, got " + eps);
            }
        }

        public String kind() {
            return "layernorm";
        }

        public LayerNorm withName(String n) {
            return new LayerNorm(n, eps, affine, bias);
        }

        public LayerNorm withEps(double e) {
            return new LayerNorm(name, e, affine, bias);
        }

        public Shape outputShape(Shape in) {
            requireSequence(this, in);
            return in;
        }

        public Map<String, Shape> parameterShapes(Shape in) {
            Map<String, Shape> p = new LinkedHashMap<>();
            if (affine) {
                p.put("weight", new Shape(in.get(1)));
                if (bias) {
                    p.put("bias", new Shape(in.get(1)));
                }
            }
            return p;
        }
    }

    /** {@code x / sqrt(mean(x^2) + eps) * weight} over the last axis. */
    public record RmsNorm(String name, double eps) implements Layer {
        public static final double DEFAULT_EPS = 1e-6;

        public RmsNorm {
            if (!(eps > 0) || Double.isInfinite(eps)) {
                throw Specs.error(name, "eps must be positive, got " + eps);
            }
        }

        public String kind() {
            return "rmsnorm";
        }

        public RmsNorm withName(String n) {
            return new RmsNorm(n, eps);
        }

        public RmsNorm withEps(double e) {
            return new RmsNorm(name, e);
        }

        public Shape outputShape(Shape in) {
            requireSequence(this, in);
            return in;
        }

        public Map<String, Shape> parameterShapes(Shape in) {
            return Map.of("weight", new Shape(in.get(1)));
        }
    }

    /**
     * Causal multi-head self-attention with separate q, k, v and o projections. Query head h reads
     * kv head {@code h / (heads / kvHeads)}: kvHeads = heads is MHA, 1 is MQA, between is GQA.
     * {@code ropeTheta > 0} rotates q and k by position (rotate-half convention, as Llama); 0 means
     * no rotary embedding. Scores are scaled by {@code 1/sqrt(headDim)}.
     */
    public record Attention(String name, int heads, int kvHeads, int headDim, boolean bias, double ropeTheta)
            implements Layer {
        public Attention {
            Specs.requirePositive(heads, name, "heads");
            Specs.requirePositive(kvHeads, name, "kv_heads");
            Specs.requirePositive(headDim, name, "head_dim");
            if (heads % kvHeads != 0) {
                throw Specs.error(
                        name,
                        "heads " + heads + " is not a multiple of kv_heads " + kvHeads
                                + "; each kv head serves heads/kv_heads query heads");
            }
            if (!(ropeTheta >= 0) || Double.isInfinite(ropeTheta)) {
                throw Specs.error(name, "rope_theta must be positive (or 0 for no rotary embedding), got " + ropeTheta);
            }
            if (ropeTheta > 0 && headDim % 2 != 0) {
                throw Specs.error(name, "rotary embeddings need an even head_dim, got " + headDim);
            }
        }

        public String kind() {
            return "attention";
        }

        public Attention withName(String n) {
            return new Attention(n, heads, kvHeads, headDim, bias, ropeTheta);
        }

        public Attention withHeads(int h, int kv) {
            return new Attention(name, h, kv, headDim, bias, ropeTheta);
        }

        public boolean rope() {
            return ropeTheta > 0;
        }

        /** Query heads per kv head. */
        public int group() {
            return heads / kvHeads;
        }

        public Shape outputShape(Shape in) {
            requireSequence(this, in);
            return in;
        }

        public Map<String, Shape> parameterShapes(Shape in) {
            long d = in.get(1);
            Map<String, Shape> p = new LinkedHashMap<>();
            projection(p, "q_proj", heads * (long) headDim, d);
            projection(p, "k_proj", kvHeads * (long) headDim, d);
            projection(p, "v_proj", kvHeads * (long) headDim, d);
            projection(p, "o_proj", d, heads * (long) headDim);
            return p;
        }

        private void projection(Map<String, Shape> p, String module, long out, long in) {
            p.put(module + ".weight", new Shape(out, in));
            if (bias) {
                p.put(module + ".bias", new Shape(out));
            }
        }
    }

    /** GELU: exact {@code x * Phi(x)}, or PyTorch's tanh approximation when {@code tanh}. */
    public record Gelu(String name, boolean tanh) implements Layer {
        public String kind() {
            return "gelu";
        }

        public Gelu withName(String n) {
            return new Gelu(n, tanh);
        }

        public Shape outputShape(Shape in) {
            return in;
        }
    }

    /** SiLU: {@code x * sigmoid(x)}. */
    public record Silu(String name) implements Layer {
        public String kind() {
            return "silu";
        }

        public Silu withName(String n) {
            return new Silu(n);
        }

        public Shape outputShape(Shape in) {
            return in;
        }
    }

    /** SwiGLU MLP: {@code down(silu(gate(x)) * up(x))} with {@code hidden} units. */
    public record GatedMlp(String name, int hidden, boolean bias) implements Layer {
        public GatedMlp {
            Specs.requirePositive(hidden, name, "hidden");
        }

        public String kind() {
            return "gated_mlp";
        }

        public GatedMlp withName(String n) {
            return new GatedMlp(n, hidden, bias);
        }

        public GatedMlp withHidden(int h) {
            return new GatedMlp(name, h, bias);
        }

        public Shape outputShape(Shape in) {
            requireSequence(this, in);
            return in;
        }

        public Map<String, Shape> parameterShapes(Shape in) {
            long d = in.get(1);
            Map<String, Shape> p = new LinkedHashMap<>();
            p.put("gate_proj.weight", new Shape(hidden, d));
            if (bias) {
                p.put("gate_proj.bias", new Shape(hidden));
            }
            p.put("up_proj.weight", new Shape(hidden, d));
            if (bias) {
                p.put("up_proj.bias", new Shape(hidden));
            }
            p.put("down_proj.weight", new Shape(d, hidden));
            if (bias) {
                p.put("down_proj.bias", new Shape(d));
            }
            return p;
        }
    }

    /**
     * The LM head: logits {@code x W^T} without bias, W {@code [vocab, D]}. Tied ({@code tie} names a
     * top-level embedding) it has no weight of its own and reads the embedding's: one stored tensor.
     */
    public record LmHead(String name, int vocab, String tie) implements Layer {
        public LmHead {
            Specs.requirePositive(vocab, name, "vocab");
        }

        public String kind() {
            return "lm_head";
        }

        public LmHead withName(String n) {
            return new LmHead(n, vocab, tie);
        }

        public boolean tied() {
            return tie != null;
        }

        public Shape outputShape(Shape in) {
            requireSequence(this, in);
            return new Shape(in.get(0), vocab);
        }

        public Map<String, Shape> parameterShapes(Shape in) {
            return tied() ? Map.of() : Map.of("weight", new Shape(vocab, in.get(1)));
        }
    }
}
