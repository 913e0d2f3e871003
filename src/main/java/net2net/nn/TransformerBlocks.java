package net2net.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import net2net.spec.Layer;
import net2net.spec.TransformerLayers;

/**
 * DJL blocks for the transformer layer kinds, written with plain NDArray operations so that float64
 * copies run in float64. Inputs are {@code [batch, T]} token ids or {@code [batch, T, D]} sequences.
 */
final class TransformerBlocks {
    private TransformerBlocks() {}

    /** What a block computes from its input and its parameters (by state_dict suffix). */
    interface Forward {
        NDArray apply(NDArray x, Map<String, NDArray> p);
    }

    /**
     * A block with the given parameters (state_dict suffixes), plus {@code shared} parameters that
     * other blocks own (a tied head's embedding), computing {@code forward}.
     */
    static final class FunctionBlock extends AbstractBlock {
        private final Map<String, Parameter> own = new LinkedHashMap<>();
        private final Map<String, Parameter> shared;
        private final Forward forward;
        private final UnaryOperator<Shape> outputShape;

        FunctionBlock(
                Collection<String> parameters,
                Map<String, Parameter> shared,
                Forward forward,
                UnaryOperator<Shape> outputShape) {
            super((byte) 1);
            for (String name : parameters) {
                own.put(
                        name,
                        addParameter(Parameter.builder()
                                .setName(name)
                                .setType(Parameter.Type.WEIGHT)
                                .build()));
            }
            this.shared = shared;
            this.forward = forward;
            this.outputShape = outputShape;
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            Map<String, NDArray> values = new LinkedHashMap<>();
            own.forEach((k, p) -> values.put(k, store.getValue(p, x.getDevice(), training)));
            shared.forEach((k, p) -> values.put(k, store.getValue(p, x.getDevice(), training)));
            return new NDList(forward.apply(x, values));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {outputShape.apply(inputShapes[0])};
        }
    }

    /**
     * The block of a transformer layer kind, or null for another kind. {@code names} are the
     * layer's parameters (state_dict suffixes); {@code tiedWeight} is the embedding's parameter for a tied head.
     */
    static Block of(Layer layer, Collection<String> names, Parameter tiedWeight) {
        if (layer instanceof TransformerLayers.Embedding e) {
            return new FunctionBlock(names, Map.of(), (x, p) -> embed(x, p.get("weight")), s -> s.add(e.dim()));
        } else if (layer instanceof TransformerLayers.PositionEmbedding) {
            return new FunctionBlock(
                    names,
                    Map.of(),
                    (x, p) -> x.add(
                            p.get("weight").get(new NDIndex("0:" + x.getShape().get(1)))),
                    s -> s);
        } else if (layer instanceof TransformerLayers.LayerNorm n) {
            return new FunctionBlock(
                    names, Map.of(), (x, p) -> layerNorm(x, n.eps(), p.get("weight"), p.get("bias")), s -> s);
        } else if (layer instanceof TransformerLayers.RmsNorm n) {
            return new FunctionBlock(names, Map.of(), (x, p) -> rmsNorm(x, n.eps(), p.get("weight")), s -> s);
        } else if (layer instanceof TransformerLayers.Attention a) {
            return new FunctionBlock(names, Map.of(), (x, p) -> attention(a, x, p), s -> s);
        } else if (layer instanceof TransformerLayers.Gelu g) {
            return new FunctionBlock(names, Map.of(), (x, p) -> g.tanh() ? geluTanh(x) : Activation.gelu(x), s -> s);
        } else if (layer instanceof TransformerLayers.Silu) {
            return new FunctionBlock(names, Map.of(), (x, p) -> silu(x), s -> s);
        } else if (layer instanceof TransformerLayers.GatedMlp) {
            return new FunctionBlock(
                    names,
                    Map.of(),
                    (x, p) -> linear(silu(linear(x, p, "gate_proj")).mul(linear(x, p, "up_proj")), p, "down_proj"),
                    s -> s);
        } else if (layer instanceof TransformerLayers.LmHead h) {
            Map<String, Parameter> shared = h.tied() ? Map.of("weight", tiedWeight) : Map.of();
            return new FunctionBlock(
                    names, shared, (x, p) -> x.matMul(p.get("weight").transpose()), s -> s.slice(0, s.dimension() - 1)
                            .add(h.vocab()));
        }
        return null;
    }

    /**
     * Rows of {@code weight} [V, D] for ids [B, T]: libtorch's embedding. Its backward adds each
     * position's gradient into its row in position order, each thread owning a range of rows, so the
     * table's gradient is the same bit for bit at any thread count. The backward of a take (put_ with
     * accumulate) was not: with 2 threads the tied table's gradient differed between identical passes
     * in the last bits, and a 200-step run by 0.3 bits per character (docs/lm-determinism.md).
     */
    static NDArray embed(NDArray ids, NDArray weight) {
        // (the int64 ids stay in the batch's manager: autograd keeps them for the backward pass)
        NDArray index = ids.toType(DataType.INT64, false);
        return ids.getNDArrayInternal()
                .embedding(index, weight, SparseFormat.DENSE)
                .singletonOrThrow();
    }

    static NDArray layerNorm(NDArray x, double eps, NDArray weight, NDArray bias) {
        NDArray centred = x.sub(x.mean(new int[] {-1}, true));
        NDArray var = centred.square().mean(new int[] {-1}, true);
        NDArray y = centred.div(Constants.plus(var, eps).sqrt());
        if (weight != null) {
            y = y.mul(weight);
        }
        return bias == null ? y : y.add(bias);
    }

    static NDArray rmsNorm(NDArray x, double eps, NDArray weight) {
        return x.div(Constants.plus(x.square().mean(new int[] {-1}, true), eps).sqrt())
                .mul(weight);
    }

    /** PyTorch's gelu(approximate="tanh"): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    static NDArray geluTanh(NDArray x) {
        NDArray inner =
                Constants.times(x.add(Constants.times(Constants.power(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
        return Constants.times(x, 0.5).mul(Constants.plus(inner.tanh(), 1));
    }

    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    static NDArray linear(NDArray x, Map<String, NDArray> p, String module) {
        NDArray bias = p.get(module + ".bias");
        return bias == null
                ? Linear.linear(x, p.get(module + ".weight")).singletonOrThrow()
                : Linear.linear(x, p.get(module + ".weight"), bias).singletonOrThrow();
    }

    /**
     * Causal self-attention on x [B, T, D]: heads of q, k and v, query head h reading kv head
     * h / group, softmax(q k^T / sqrt(head_dim) + mask) v with -inf above the diagonal, then o.
     */
    static NDArray attention(TransformerLayers.Attention a, NDArray x, Map<String, NDArray> p) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int hd = a.headDim();
        NDArray q = heads(linear(x, p, "q_proj"), b, t, a.heads(), hd);
        NDArray k = heads(linear(x, p, "k_proj"), b, t, a.kvHeads(), hd);
        NDArray v = heads(linear(x, p, "v_proj"), b, t, a.kvHeads(), hd);
        if (a.rope()) {
            NDArray[] cs = rotary(x.getManager(), t, hd, a.ropeTheta(), x.getDataType());
            q = rotate(q, cs[0], cs[1]);
            k = rotate(k, cs[0], cs[1]);
        }
        if (a.group() > 1) {
            // kv head j serves query heads j*group .. j*group + group-1
            Shape grouped = new Shape(b, a.kvHeads(), a.group(), t, hd);
            Shape full = new Shape(b, a.heads(), t, hd);
            k = k.expandDims(2).broadcast(grouped).reshape(full);
            v = v.expandDims(2).broadcast(grouped).reshape(full);
        }
        NDArray scores = Constants.over(q.matMul(k.transpose(0, 1, 3, 2)), Math.sqrt(hd))
                .add(causalMask(x.getManager(), t, x.getDataType()));
        NDArray out = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, (long) a.heads() * hd);
        return linear(out, p, "o_proj");
    }

    /** [B, T, n*hd] to [B, n, T, hd]. */
    private static NDArray heads(NDArray x, long b, long t, int n, int hd) {
        return x.reshape(b, t, n, hd).transpose(0, 2, 1, 3);
    }

    /** [T, T], 0 on and below the diagonal, -inf above: position i sees positions 0..i only. */
    static NDArray causalMask(NDManager m, long t, DataType type) {
        float[] v = new float[Math.toIntExact(t * t)];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                v[Math.toIntExact(i * t + j)] = Float.NEGATIVE_INFINITY;
            }
        }
        return m.create(v, new Shape(t, t)).toType(type, false);
    }

    /**
     * cos and sin [T, hd] of the rotary angles p * theta^(-2i/hd), i < hd/2, repeated for both
     * halves (Llama's rotate-half layout). Computed in double, then cast.
     */
    static NDArray[] rotary(NDManager m, long t, int hd, double theta, DataType type) {
        double[] cos = new double[Math.toIntExact(t * hd)];
        double[] sin = new double[cos.length];
        int half = hd / 2;
        for (int pos = 0; pos < t; pos++) {
            for (int i = 0; i < half; i++) {
                double angle = pos * Math.pow(theta, -2.0 * i / hd);
                for (int j : new int[] {i, i + half}) {
                    cos[pos * hd + j] = Math.cos(angle);
                    sin[pos * hd + j] = Math.sin(angle);
                }
            }
        }
        Shape shape = new Shape(t, hd);
        // copies in libtorch's memory: autograd keeps cos and sin for the backward pass (see Constants)
        try (NDArray c = m.create(cos, shape);
                NDArray s = m.create(sin, shape)) {
            return new NDArray[] {ownedCopy(c, type), ownedCopy(s, type)};
        }
    }

    /** {@code a} in {@code type}, always a new array (toType returns {@code a} itself when the type matches). */
    private static NDArray ownedCopy(NDArray a, DataType type) {
        return a.getDataType() == type ? a.duplicate() : a.toType(type, false);
    }

    /** x cos + rotate_half(x) sin, rotate_half([x1, x2]) = [-x2, x1] over the last axis. */
    static NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
        long half = x.getShape().get(3) / 2;
        NDArray x1 = x.get(new NDIndex("..., :" + half));
        NDArray x2 = x.get(new NDIndex("..., " + half + ":"));
        return x.mul(cos).add(x2.neg().concat(x1, -1).mul(sin));
    }
}
