package net2net.transform;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net2net.Net2NetException;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.spec.TransformerLayers;

/**
 * Function-preserving growth of pre-norm token models (docs/transformers.md has the math):
 * <ul>
 *   <li>the residual stream, d to any q = k d + r: k copies of the stream and r remainder entries
 *   that LayerNorm sees as the mean (RMSNorm: zero), norm gains times sqrt(s) and eps times s,
 *   s = k d / q;</li>
 *   <li>an FFN's hidden units (dense-act-dense, or SwiGLU with gate and up sharing one mapping);</li>
 *   <li>an attention layer's heads at a fixed head_dim, keeping the query-to-kv grouping.</li>
 * </ul>
 */
public final class TransformerWidening {
    private TransformerWidening() {}

    /** Symmetry breaking: noise on the readers' replicated columns, as a fraction of their weights' std. */
    public record Options(Noise noise, double noiseScale, long seed) {
        public Options {
            if (!(noiseScale >= 0) || Double.isInfinite(noiseScale)) {
                throw new Net2NetException("--noise-scale must be a non-negative number, got " + noiseScale);
            }
        }

        public static Options exact(long seed) {
            return new Options(Noise.NONE, 0, seed);
        }
    }

    /** Whether a network is a token model (its first layer an embedding): the transforms of this class apply to it. */
    public static boolean applies(Network network) {
        return network.architecture().tokenInput();
    }

    /**
     * {@code --layer NAME --width N}: an FFN's first dense layer or a gated_mlp widens its hidden
     * units; any other writer of the residual stream (the embedding, a position embedding, an
     * attention layer, an MLP's last dense) widens the stream.
     */
    public static Network widen(Network teacher, String layer, int width, Options options) {
        Architecture arch = teacher.architecture();
        Architecture.Located at = arch.locate(layer);
        if (at.layer() instanceof TransformerLayers.GatedMlp
                || at.layer() instanceof Layer.Dense && !streamWriter(arch, at)) {
            return widenFfn(teacher, at, width, options);
        }
        if (at.layer() instanceof TransformerLayers.Embedding
                || at.layer() instanceof TransformerLayers.PositionEmbedding
                || at.layer() instanceof TransformerLayers.Attention
                || at.layer() instanceof Layer.Dense) {
            return widenStream(teacher, width, options, layer);
        }
        throw new Net2NetException(
                "'" + layer + "' is a " + at.layer().kind()
                        + " layer; widen the stream by naming the embedding, an attention "
                        + "layer or an MLP's last dense, an FFN by naming its first dense or gated_mlp, or heads with --heads on an attention layer");
    }

    /** A dense layer writes the stream when it is the last parameterised layer of a top-level residual body. */
    static boolean streamWriter(Architecture arch, Architecture.Located at) {
        if (at.path().size() != 2) {
            return false;
        }
        List<Layer> body = arch.list(at.parent());
        for (int i = body.size() - 1; i >= 0; i--) {
            Layer l = body.get(i);
            if (l instanceof Layer.Dense
                    || l instanceof TransformerLayers.Attention
                    || l instanceof TransformerLayers.GatedMlp) {
                return body.get(i) == at.layer();
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------
    // FFN hidden units

    static Network widenFfn(Network teacher, Architecture.Located at, int width, Options options) {
        Architecture arch = teacher.architecture();
        HostWeights w = new HostWeights(teacher);
        SplittableRandom rng = new SplittableRandom(options.seed());
        String key = at.key();
        String prefix = key.substring(0, key.length() - at.name().length());
        Map<String, Layer> replaced = new LinkedHashMap<>();
        int n;
        if (at.layer() instanceof TransformerLayers.GatedMlp g) {
            n = g.hidden();
            requireGrowth(at.name(), "hidden units", n, width);
            long d = at.input().get(1);
            int[] map = HostWeights.mapping(n, width, rng);
            // gate and up rows share the one mapping: unit j' computes silu(gate_g(j')) * up_g(j')
            for (String proj : List.of("gate_proj", "up_proj")) {
                copyRows(w, key + "." + proj, (int) d, map);
            }
            divideColumns(w, key + ".down_proj.weight", map, options, rng);
            replaced.put(at.name(), g.withHidden(width));
        } else {
            Layer.Dense fc = (Layer.Dense) at.layer();
            n = fc.units();
            requireGrowth(at.name(), "units", n, width);
            List<Layer> list = arch.list(at.parent());
            Layer.Dense reader = null;
            for (int i = at.index() + 1; i < list.size() && reader == null; i++) {
                Layer next = list.get(i);
                if (next instanceof Layer.Dense r) {
                    reader = r;
                } else if (!(next instanceof TransformerLayers.Gelu
                        || next instanceof TransformerLayers.Silu
                        || next instanceof Layer.Relu
                        || next instanceof Layer.Tanh
                        || next instanceof Layer.Dropout)) {
                    break;
                }
            }
            if (reader == null) {
                throw new Net2NetException("dense '" + at.name()
                        + "' is not an FFN's first layer (dense, then gelu/silu/relu/tanh, then dense in one body); "
                        + "name a dense that another dense reads through an activation");
            }
            int[] map = HostWeights.mapping(n, width, rng);
            copyRows(w, key, (int) at.input().get(at.input().dimension() - 1), map);
            divideColumns(w, prefix + reader.name() + ".weight", map, options, rng);
            replaced.put(at.name(), fc.withUnits(width));
        }
        Step step = step("ffn", at.name(), n, width, options);
        return w.build(arch.replace(replaced), teacher, step);
    }

    /** Rows (weight and bias) of a projection, gathered by map: the incoming side of replicated units. */
    private static void copyRows(HostWeights w, String module, int in, int[] map) {
        w.put(
                module + ".weight",
                HostWeights.writerRows(w.get(module + ".weight"), in, map, false),
                new Shape(map.length, in));
        if (w.has(module + ".bias")) {
            w.put(
                    module + ".bias",
                    HostWeights.writerRows(w.get(module + ".bias"), 1, map, false),
                    new Shape(map.length));
        }
    }

    /** A reader's columns by map, divided by the replica counts, with the options' noise. */
    private static void divideColumns(
            HostWeights w, String weightKey, int[] map, Options options, SplittableRandom rng) {
        double[] v = w.get(weightKey);
        Shape s = w.shapes.get(weightKey);
        int cols = Math.toIntExact(s.get(1));
        w.put(
                weightKey,
                HostWeights.readerColumns(
                        v, cols, map, options.noise(), options.noiseScale() * HostWeights.std(v), 0, rng),
                new Shape(s.get(0), map.length));
    }

    private static void requireGrowth(String layer, String what, int current, int requested) {
        if (requested < current) {
            throw new Net2NetException("'" + layer + "' has " + current + " " + what + "; " + requested
                    + " would shrink it, and net2net only grows: give at least " + current);
        }
    }

    private static Step.TransformerWiden step(String kind, String layer, int from, int to, Options options) {
        return new Step.TransformerWiden(
                kind, layer, from, to, null, options.noise().key(), options.noiseScale(), options.seed(), null);
    }

    // ------------------------------------------------------------------------------------------
    // Attention heads

    /**
     * More heads at the same head_dim. A new query head copies an existing head's q rows, and its kv
     * head is a copy of the kv head that head read; o's column block of a head copied c times is
     * divided by c. MHA grows kv heads with the heads. GQA grows by whole groups when heads is a
     * multiple of the group size (kv heads copied with their query heads), else within each group
     * when heads is a multiple of kv_heads.
     */
    public static Network growHeads(Network teacher, String layer, int heads, Options options) {
        Architecture arch = teacher.architecture();
        Architecture.Located at = arch.locate(layer);
        if (!(at.layer() instanceof TransformerLayers.Attention a)) {
            throw new Net2NetException("--heads applies to attention layers; '" + layer + "' is a "
                    + at.layer().kind() + " layer");
        }
        requireGrowth(layer, "heads", a.heads(), heads);
        SplittableRandom rng = new SplittableRandom(options.seed());
        int[][] maps = headMaps(a, heads, rng);
        int[] qmap = maps[0];
        int[] kvmap = maps[1];
        HostWeights w = new HostWeights(teacher);
        int d = Math.toIntExact(at.input().get(1));
        int hd = a.headDim();
        String key = at.key();
        copyRows(w, key + ".q_proj", d, HostWeights.blocks(qmap, hd));
        copyRows(w, key + ".k_proj", d, HostWeights.blocks(kvmap, hd));
        copyRows(w, key + ".v_proj", d, HostWeights.blocks(kvmap, hd));
        divideColumns(w, key + ".o_proj.weight", HostWeights.blocks(qmap, hd), options, rng);
        Architecture student = arch.replace(layer, a.withHeads(heads, kvmap.length));
        Step step = new Step.TransformerWiden(
                "heads",
                layer,
                a.heads(),
                heads,
                kvmap.length,
                options.noise().key(),
                options.noiseScale(),
                options.seed(),
                null);
        return w.build(student, teacher, step);
    }

    /**
     * {qmap, kvmap}: the teacher head each new query head copies, and the teacher kv head each new kv
     * head copies, drawn from {@code rng} (shared with {@link TransformerGradientMap}, which maps the
     * optimizer state with the same heads).
     */
    static int[][] headMaps(TransformerLayers.Attention a, int heads, SplittableRandom rng) {
        String layer = a.name();
        int g = a.group();
        int[] qmap = new int[heads];
        int[] kvmap;
        if (heads % g == 0) {
            kvmap = HostWeights.mapping(a.kvHeads(), heads / g, rng);
            for (int h = 0; h < heads; h++) {
                qmap[h] = kvmap[h / g] * g + h % g;
            }
        } else if (heads % a.kvHeads() == 0) {
            int g2 = heads / a.kvHeads();
            kvmap = HostWeights.mapping(a.kvHeads(), a.kvHeads(), rng);
            for (int j = 0; j < a.kvHeads(); j++) {
                int[] within = HostWeights.mapping(g, g2, rng);
                for (int s = 0; s < g2; s++) {
                    qmap[j * g2 + s] = j * g + within[s];
                }
            }
        } else {
            throw new Net2NetException("'" + layer + "' has " + a.heads() + " heads sharing " + a.kvHeads()
                    + " kv heads; " + heads + " heads keep the grouping only as a multiple of the group size " + g
                    + " (whole groups) or of kv_heads " + a.kvHeads());
        }
        return new int[][] {qmap, kvmap};
    }

    /**
     * A larger head_dim e' without rotary embeddings: each head's q rows are multiplied by
     * sqrt(e'/e) and get zero rows for the new dimensions, so q'.k'/sqrt(e') = q.k/sqrt(e) whatever
     * the new k rows; the new v dimensions are read by zero columns of o. With rotary embeddings the
     * rotation frequencies theta^(-2i/e) depend on e, so every angle would change: refused.
     */
    public static Network growHeadDim(Network teacher, String layer, int headDim, Options options) {
        Architecture arch = teacher.architecture();
        Architecture.Located at = arch.locate(layer);
        if (!(at.layer() instanceof TransformerLayers.Attention a)) {
            throw new Net2NetException("--head-dim applies to attention layers; '" + layer + "' is a "
                    + at.layer().kind() + " layer");
        }
        requireGrowth(layer, "dimensions per head", a.headDim(), headDim);
        if (a.rope()) {
            throw new Net2NetException("'" + layer
                    + "' uses rotary embeddings, whose frequencies theta^(-2i/head_dim) depend on head_dim: "
                    + "growing it changes every rotation, so it cannot be exact; add heads (--heads) instead");
        }
        SplittableRandom rng = new SplittableRandom(options.seed());
        HostWeights w = new HostWeights(teacher);
        int d = Math.toIntExact(at.input().get(1));
        int e = a.headDim();
        String key = at.key();
        double c = Math.sqrt((double) headDim / e);
        for (String proj : List.of("q_proj", "k_proj", "v_proj")) {
            int heads = proj.equals("q_proj") ? a.heads() : a.kvHeads();
            int[] src = new int[heads * headDim];
            for (int i = 0; i < src.length; i++) {
                int h = i / headDim;
                int j = i % headDim;
                src[i] = j < e ? h * e + j : -1;
            }
            String module = key + "." + proj;
            double scale = proj.equals("q_proj") ? c : 1;
            double sigma = proj.equals("q_proj") || options.noise() == Noise.NONE
                    ? 0
                    : options.noiseScale() * HostWeights.std(w.get(module + ".weight"));
            for (String suffix : List.of(".weight", ".bias")) {
                if (!w.has(module + suffix)) {
                    continue;
                }
                int cols = suffix.equals(".weight") ? d : 1;
                double[] v = HostWeights.writerRows(w.get(module + suffix), cols, src, false);
                for (int i = 0; i < src.length; i++) {
                    for (int col = 0; col < cols; col++) {
                        // q: scaled copies, zero new rows; k and v: copies, random new rows (read by zero q rows or
                        // zero o columns)
                        v[i * cols + col] =
                                src[i] >= 0 ? v[i * cols + col] * scale : sigma > 0 ? rng.nextGaussian() * sigma : 0;
                    }
                }
                w.put(module + suffix, v, suffix.equals(".weight") ? new Shape(src.length, d) : new Shape(src.length));
            }
        }
        int[] oSrc = new int[a.heads() * headDim];
        for (int i = 0; i < oSrc.length; i++) {
            oSrc[i] = i % headDim < e ? (i / headDim) * e + i % headDim : -1;
        }
        String o = key + ".o_proj.weight";
        w.put(
                o,
                HostWeights.readerColumns(w.get(o), a.heads() * e, oSrc, Noise.NONE, 0, 0, rng),
                new Shape(d, oSrc.length));
        Architecture student = arch.replace(
                layer,
                new TransformerLayers.Attention(a.name(), a.heads(), a.kvHeads(), headDim, a.bias(), a.ropeTheta()));
        return w.build(student, teacher, step("head_dim", layer, e, headDim, options));
    }

    // ------------------------------------------------------------------------------------------
    // The residual stream

    /**
     * The residual stream d to q = k d + r. Copies i &lt; k d take stream entry i mod d; the r
     * remainder entries hold the stream's mean (LayerNorm) or zero (RMSNorm). Writers copy their
     * rows (remainder: the mean row, or zero); readers of a norm's output divide their columns by k
     * (remainder columns read zero: random with noise); each norm's gain is multiplied by sqrt(s)
     * and its eps by s, s = k d / q, so that it outputs [N(x), ..., N(x), 0]. A head tied to the
     * embedding reads undivided copies, so the final norm also scales its copies by 1/k.
     */
    static Network widenStream(Network teacher, int width, Options options, String named) {
        Architecture arch = teacher.architecture();
        TransformerLayers.Embedding embedding =
                (TransformerLayers.Embedding) arch.layers().get(0);
        int d = embedding.dim();
        requireGrowth(named, "stream entries (the residual stream's width)", d, width);
        int k = width / d;
        int r = width % d;
        double s = (double) k * d / width;
        List<Architecture.Located> norms = new ArrayList<>();
        List<Architecture.Located> readers = new ArrayList<>();
        List<Architecture.Located> writers = new ArrayList<>();
        Map<Architecture.Located, Boolean> readsNorm = new LinkedHashMap<>();
        classify(arch, norms, readers, writers, readsNorm);
        boolean layerNorm = norms.stream().anyMatch(n -> n.layer() instanceof TransformerLayers.LayerNorm);
        if (layerNorm && norms.stream().anyMatch(n -> n.layer() instanceof TransformerLayers.RmsNorm)) {
            throw new Net2NetException(
                    "the stream is read by both layernorm and rmsnorm layers; the remainder entries cannot be the mean for one "
                            + "and zero for the other: widen to a multiple of " + d);
        }
        TransformerLayers.LmHead head = (TransformerLayers.LmHead) arch.layers().stream()
                .filter(l -> l instanceof TransformerLayers.LmHead)
                .findFirst()
                .orElse(null);
        Architecture.Located finalNorm = norms.stream()
                .filter(Architecture.Located::topLevel)
                .reduce((x, y) -> y)
                .orElse(null);
        boolean tied = head != null && head.tied();
        for (Architecture.Located n : norms) {
            if (n.layer() instanceof TransformerLayers.LayerNorm ln
                    && !ln.affine()
                    && (r > 0 || tied && n == finalNorm && k > 1)) {
                throw new Net2NetException("layernorm '" + n.name() + "' has no weight to carry the rescale that width "
                        + width + " needs; widen to a multiple of " + d + (tied ? " with an untied head" : "")
                        + ", or give the norm \"affine\": true");
            }
        }
        if (tied && k > 1 && finalNorm == null) {
            throw new Net2NetException("the head is tied to the embedding but no final norm precedes it to carry the 1/"
                    + k + " scale; untie the head or add a final norm");
        }
        int[] src = new int[width];
        for (int i = 0; i < width; i++) {
            src[i] = i < k * d ? i % d : -1;
        }
        SplittableRandom rng = new SplittableRandom(options.seed());
        HostWeights w = new HostWeights(teacher);
        Map<String, Layer> replaced = new LinkedHashMap<>();
        // Writers: rows copied, never divided; remainder rows the mean row (LayerNorm) or zero.
        for (Architecture.Located l : writers) {
            String key = l.key();
            if (l.layer() instanceof TransformerLayers.Embedding
                    || l.layer() instanceof TransformerLayers.PositionEmbedding) {
                double[] v = w.get(key + ".weight");
                Shape shape = w.shapes.get(key + ".weight");
                w.put(key + ".weight", HostWeights.writerColumns(v, d, src, layerNorm), new Shape(shape.get(0), width));
                if (l.layer() instanceof TransformerLayers.Embedding e) {
                    replaced.put(e.name(), e.withDim(width));
                }
            } else {
                String module = l.layer() instanceof TransformerLayers.Attention
                        ? key + ".o_proj"
                        : l.layer() instanceof TransformerLayers.GatedMlp ? key + ".down_proj" : key;
                int in = Math.toIntExact(w.shapes.get(module + ".weight").get(1));
                w.put(
                        module + ".weight",
                        HostWeights.writerRows(w.get(module + ".weight"), in, src, layerNorm),
                        new Shape(width, in));
                if (w.has(module + ".bias")) {
                    w.put(
                            module + ".bias",
                            HostWeights.writerRows(w.get(module + ".bias"), 1, src, layerNorm),
                            new Shape(width));
                }
                if (l.layer() instanceof Layer.Dense dense) {
                    replaced.put(dense.name(), dense.withUnits(width));
                }
            }
        }
        // Norms: sqrt(s) on the gains and s on eps; bias copied, zero on the remainder; 1/k more on a tied head's final
        // norm.
        for (Architecture.Located n : norms) {
            double scale = Math.sqrt(s) / (tied && n == finalNorm ? k : 1);
            double biasScale = 1.0 / (tied && n == finalNorm ? k : 1);
            String key = n.key();
            if (w.has(key + ".weight")) {
                double[] v = HostWeights.writerRows(w.get(key + ".weight"), 1, src, false);
                for (int i = 0; i < width; i++) {
                    v[i] = src[i] >= 0 ? v[i] * scale : scale; // a remainder gain multiplies zero: any value is exact
                }
                w.put(key + ".weight", v, new Shape(width));
            }
            if (w.has(key + ".bias")) {
                double[] v = HostWeights.writerRows(w.get(key + ".bias"), 1, src, false);
                for (int i = 0; i < width; i++) {
                    v[i] *= biasScale;
                }
                w.put(key + ".bias", v, new Shape(width));
            }
            replaced.put(
                    n.name(),
                    n.layer() instanceof TransformerLayers.LayerNorm ln
                            ? ln.withEps(ln.eps() * s)
                            : ((TransformerLayers.RmsNorm) n.layer())
                                    .withEps(((TransformerLayers.RmsNorm) n.layer()).eps() * s));
        }
        // Readers: each copy's column carries 1/k (plus zero-sum noise); remainder columns read zero after a norm.
        for (Architecture.Located l : readers) {
            boolean afterNorm = readsNorm.get(l);
            for (String module : readerModules(l)) {
                String wk = module + ".weight";
                double[] v = w.get(wk);
                Shape shape = w.shapes.get(wk);
                double sigma = options.noiseScale() * HostWeights.std(v);
                w.put(
                        wk,
                        HostWeights.readerColumns(
                                v,
                                d,
                                src,
                                options.noise(),
                                sigma,
                                afterNorm && options.noise() != Noise.NONE ? sigma : 0,
                                rng),
                        new Shape(shape.get(0), width));
            }
        }
        Step step = step("stream", named, d, width, options);
        return w.build(arch.replace(replaced), teacher, step);
    }

    /** The state_dict prefixes of a reader's projections that read the stream. */
    static List<String> readerModules(Architecture.Located l) {
        if (l.layer() instanceof TransformerLayers.Attention) {
            return List.of(l.key() + ".q_proj", l.key() + ".k_proj", l.key() + ".v_proj");
        }
        if (l.layer() instanceof TransformerLayers.GatedMlp) {
            return List.of(l.key() + ".gate_proj", l.key() + ".up_proj");
        }
        return List.of(l.key());
    }

    /**
     * Sorts the layers that touch the stream into norms, readers and writers, or refuses a layout
     * this construction does not cover: the top level must be embedding, position embeddings,
     * dropouts, pre-norm residual blocks without an activation after the addition, then a final norm
     * and the head; a block's body is [norm?] then attention, a gated_mlp, or dense-act-dense.
     */
    static void classify(
            Architecture arch,
            List<Architecture.Located> norms,
            List<Architecture.Located> readers,
            List<Architecture.Located> writers,
            Map<Architecture.Located, Boolean> readsNorm) {
        boolean normBefore = false; // does the next top-level reader read a norm's output?
        for (Architecture.Located l : arch.all()) {
            if (!l.topLevel()) {
                continue;
            }
            Layer layer = l.layer();
            if (layer instanceof TransformerLayers.Embedding || layer instanceof TransformerLayers.PositionEmbedding) {
                writers.add(l);
            } else if (layer instanceof Layer.Dropout) {
                continue;
            } else if (layer instanceof TransformerLayers.LayerNorm || layer instanceof TransformerLayers.RmsNorm) {
                if (normBefore) {
                    throw unsupported(l, "two norms in a row");
                }
                norms.add(l);
                normBefore = true;
                continue;
            } else if (layer instanceof TransformerLayers.LmHead h) {
                if (!h.tied()) {
                    readers.add(l);
                    readsNorm.put(l, normBefore);
                }
                if (l.index() != arch.layers().size() - 1) {
                    throw unsupported(l, "an lm_head that is not the last layer");
                }
            } else if (layer instanceof Layer.Residual res) {
                if (normBefore) {
                    throw unsupported(l, "a norm between blocks (post-norm)");
                }
                if (res.activation() != null) {
                    throw unsupported(l, "an activation after the addition");
                }
                classifyBody(arch, l, norms, readers, writers, readsNorm);
            } else {
                throw unsupported(l, "a " + layer.kind() + " layer on the stream");
            }
            normBefore = false;
        }
    }

    private static void classifyBody(
            Architecture arch,
            Architecture.Located block,
            List<Architecture.Located> norms,
            List<Architecture.Located> readers,
            List<Architecture.Located> writers,
            Map<Architecture.Located, Boolean> readsNorm) {
        List<Architecture.Located> body = arch.all().stream()
                .filter(x -> x.path().size() == 2
                        && x.parent().equals(block.path())
                        && !(x.layer() instanceof Layer.Dropout))
                .toList();
        int i = 0;
        boolean norm = false;
        if (!body.isEmpty()
                && (body.get(0).layer() instanceof TransformerLayers.LayerNorm
                        || body.get(0).layer() instanceof TransformerLayers.RmsNorm)) {
            norms.add(body.get(0));
            norm = true;
            i = 1;
        }
        List<Architecture.Located> core = body.subList(i, body.size());
        boolean single = core.size() == 1
                && (core.get(0).layer() instanceof TransformerLayers.Attention
                        || core.get(0).layer() instanceof TransformerLayers.GatedMlp);
        boolean mlp = core.size() >= 2
                && core.get(0).layer() instanceof Layer.Dense
                && core.get(core.size() - 1).layer() instanceof Layer.Dense
                && core.subList(1, core.size() - 1).stream()
                        .allMatch(x -> x.layer() instanceof TransformerLayers.Gelu
                                || x.layer() instanceof TransformerLayers.Silu
                                || x.layer() instanceof Layer.Relu
                                || x.layer() instanceof Layer.Tanh);
        if (!single && !mlp) {
            throw unsupported(
                    block,
                    "a block body other than [norm, attention], [norm, gated_mlp] or [norm, dense, activation, dense]");
        }
        readers.add(core.get(0));
        readsNorm.put(core.get(0), norm);
        writers.add(core.get(core.size() - 1));
    }

    private static Net2NetException unsupported(Architecture.Located l, String what) {
        return new Net2NetException(
                "cannot widen the residual stream exactly: '" + l.name() + "' is " + what
                        + "; stream growth covers pre-norm blocks (x + f(norm(x))) between an embedding and a final norm and head");
    }
}
