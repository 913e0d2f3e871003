package net2net.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net2net.Net2NetException;
import net2net.nn.Network;
import net2net.nn.Sizes;
import net2net.nn.Step;
import net2net.spec.Architecture;

/**
 * Net2WiderNet (Chen, Goodfellow and Shlens, 2016, section 2.3): grows a dense or conv2d layer
 * from n to q units without changing the function. In the paper's notation, with U the producer's
 * weights (one column per unit) and V the consumer's (one row per unit):
 *
 * <pre>
 *   g(j)     = j for j &lt; n, uniform over {0..n-1} for n &lt;= j &lt; q      {@link #mapping}
 *   count[k] = |{x : g(x) = k}|, the number of replicas of unit k        {@link #counts}
 *   U'[., j] = U[., g(j)]                 (and b'_j = b_g(j), batchnorm alike)   {@link #widenWeights}
 *   V'[j, .] = V[g(j), .] / count[g(j)]   (+ noise)                       {@link #widenConsumer}
 * </pre>
 *
 * PyTorch stores a weight as [out, in], so the paper's columns of U are the rows of the producer's
 * weight here, and its rows of V are the input columns of the consumer's. Replica j computes
 * h_g(j), and the count[k] replicas of unit k send V[k, .] h_k to the consumer between them.
 * Across residual blocks the units are a stream with several writers and readers, all widened with
 * the one g ({@link WideningPath}). The formulas, the flatten and batchnorm cases and the noise
 * are worked out in docs/math.md#net2widernet.
 */
public final class Net2WiderNet {
    private Net2WiderNet() {}

    /** Noise standard deviation as a fraction of the std of the consumer's weights. */
    public static final double DEFAULT_NOISE_SCALE = 0.05;

    public record Options(Noise noise, double noiseScale, long seed) {
        public Options {
            if (!(noiseScale >= 0) || Double.isInfinite(noiseScale)) {
                throw new Net2NetException("--noise-scale must be a non-negative number, got " + noiseScale);
            }
        }

        public static Options defaults(long seed) {
            return new Options(Noise.EXACT, DEFAULT_NOISE_SCALE, seed);
        }
    }

    public static Network widen(Network teacher, String layer, int width, Options options) {
        return widen(teacher, Map.of(layer, width), options);
    }

    /**
     * Widens each named layer to its width, in the network's execution order whatever the map's
     * iteration order (so the student depends on the seed only), with one seeded mapping RNG. A
     * layer that writes a residual stream widens the whole stream (see {@link WideningPath}).
     */
    public static Network widen(Network teacher, Map<String, Integer> widths, Options options) {
        return widen(teacher, widths, options, Implementation.KERNEL);
    }

    /** A student and the mapping g of each widening, in the order applied: what {@link GradientMap} takes. */
    public record Widened(Network student, List<GradientMap.Widening> widenings) {
        public Widened {
            widenings = List.copyOf(widenings);
        }
    }

    /**
     * {@link #widen(Network, Map, Options)}, also handing back the very mappings it drew, so that the
     * optimizer state grows with the same g (docs/optimizer-growth.md).
     */
    public static Widened widenWithMappings(Network teacher, Map<String, Integer> widths, Options options) {
        List<GradientMap.Widening> widenings = new ArrayList<>();
        Network student = widen(teacher, widths, options, Implementation.KERNEL, widenings);
        return new Widened(student, widenings);
    }

    /** Who computes the readers' new weights: the same bits either way (WiderNetKernelTest). */
    enum Implementation {
        /** {@link #widenConsumer}: NDArray operations, as written in the paper. */
        READABLE,
        /** {@link WiderNetKernel}: one parallel pass over direct buffers, for float32 weights (else READABLE). */
        KERNEL
    }

    static Network widen(Network teacher, Map<String, Integer> widths, Options options, Implementation implementation) {
        return widen(teacher, widths, options, implementation, new ArrayList<>());
    }

    private static Network widen(
            Network teacher,
            Map<String, Integer> widths,
            Options options,
            Implementation implementation,
            List<GradientMap.Widening> mappings) {
        if (widths.isEmpty()) {
            throw new Net2NetException("nothing to widen: name at least one layer and its new width");
        }
        SplittableRandom rng = new SplittableRandom(options.seed());
        return Students.build(teacher, (weights, scratch) -> {
            Architecture arch = teacher.architecture();
            Map<String, String> widenedBy = new LinkedHashMap<>();
            Map<String, List<String>> streams = new LinkedHashMap<>();
            List<String> executionOrder = arch.names();
            List<Map.Entry<String, Integer>> requests = new ArrayList<>(widths.entrySet());
            requests.sort(
                    Comparator.comparingInt(e -> executionOrder.indexOf(e.getKey()))); // unknown first: refused below
            for (Map.Entry<String, Integer> e : requests) {
                WideningPath path = WideningPath.find(arch, e.getKey());
                for (String w : path.writerNames()) {
                    String earlier = widenedBy.putIfAbsent(w, e.getKey());
                    if (earlier != null) {
                        throw new Net2NetException(
                                "'" + e.getKey() + "' and '" + earlier + "' write the same residual stream "
                                        + path.writerNames() + "; give that stream one width, naming any one of them");
                    }
                }
                int q = path.streamWidth(e.getKey(), e.getValue());
                Architecture wider = path.widened(arch, q);
                Sizes.requireFits(wider, arch, "the widened network");
                int[] g = mapping(path.units(), q, rng);
                mappings.add(new GradientMap.Widening(e.getKey(), g));
                widenWeights(path, g, weights, options, rng, scratch, implementation);
                if (path.writers().size() > 1) {
                    streams.put(e.getKey(), path.writerNames());
                }
                arch = wider;
            }
            Step step =
                    new Step.Widen(widths, streams, options.noise().key(), options.noiseScale(), options.seed(), null);
            return new Students.Grown(arch, step);
        });
    }

    /** g(j) = j for j &lt; n, uniform over {0..n-1} for n &lt;= j &lt; q. */
    static int[] mapping(int n, int q, SplittableRandom rng) {
        int[] g = new int[q];
        for (int j = 0; j < q; j++) {
            g[j] = j < n ? j : rng.nextInt(n);
        }
        return g;
    }

    /** count[k]: how many units j of the student copy unit k (g(j) = k); at least 1. */
    static int[] counts(int[] g, int n) {
        int[] count = new int[n];
        for (int k : g) {
            count[k]++;
        }
        return count;
    }

    /**
     * Replaces, in {@code weights}, the arrays of every writer, batchnorm and reader of the path,
     * all with the one mapping g. Writers and batchnorms are gathered (never divided); each reader
     * is gathered and divided by count once, whatever number of writers summed into what it reads.
     */
    private static void widenWeights(
            WideningPath path,
            int[] g,
            Map<String, NDArray> weights,
            Options options,
            SplittableRandom rng,
            NDManager scratch,
            Implementation implementation) {
        // Incoming side, paper: U'[., j] = U[., g(j)], here row j of the [out, in] weight copies row g(j);
        // b'_j = b_g(j); a batchnorm's four vectors alike.
        for (WideningPath.Site w : path.writers()) {
            NDArray rows = scratch.create(expand(g, w.block()));
            gatherRows(weights, w.key() + ".weight", rows, scratch);
            gatherRows(weights, w.key() + ".bias", rows, scratch);
        }
        for (WideningPath.Site bn : path.batchnorms()) {
            NDArray rows = scratch.create(expand(g, bn.block()));
            for (String p : List.of("weight", "bias", "running_mean", "running_var")) {
                gatherRows(weights, bn.key() + "." + p, rows, scratch);
            }
        }
        // Outgoing side, paper: V'[j, .] = V[g(j), .] / count[g(j)], here input column j of the reader, plus noise.
        boolean noisy = options.noise() != Noise.NONE && options.noiseScale() > 0;
        for (WideningPath.Site r : path.readers()) {
            String key = r.key() + ".weight";
            NDArray v = weights.get(key);
            long seed = noisy ? rng.nextLong() : 0;
            weights.put(
                    key,
                    implementation == Implementation.KERNEL && v.getDataType() == DataType.FLOAT32
                            ? WiderNetKernel.widenConsumer(v, g, path.units(), options, noisy, seed, scratch)
                            : widenConsumer(v, g, path.units(), options, noisy, seed, scratch));
        }
    }

    /** g on entries when each unit spans {@code block} consecutive entries: G(j*B + s) = g(j)*B + s. */
    static long[] expand(int[] g, int block) {
        long[] out = new long[g.length * block];
        for (int j = 0; j < g.length; j++) {
            for (int s = 0; s < block; s++) {
                out[j * block + s] = (long) g[j] * block + s;
            }
        }
        return out;
    }

    private static void gatherRows(Map<String, NDArray> weights, String key, NDArray rows, NDManager scratch) {
        NDArray a = weights.get(key);
        if (a != null) {
            weights.put(key, Students.inScratch(a.get(rows), scratch));
        }
    }

    /**
     * The outgoing side: the reader's weight V seen as [out, n units, inner], inner being the
     * kernel area (a conv reader), the H*W block a channel became (a dense reader after a flatten;
     * docs/math.md#flatten), or 1. Column j of the student is V[:, g(j)] / count[g(j)], so the
     * count[k] replicas of unit k give back V[:, k] h_k between them; then the noise. The default
     * {@link WiderNetKernel} computes the same bits faster.
     */
    static NDArray widenConsumer(
            NDArray v, int[] g, int n, Options options, boolean noisy, long seed, NDManager scratch) {
        int q = g.length;
        long out = v.getShape().get(0);
        long inner = v.getShape().size() / out / n;
        int[] count = counts(g, n);
        float[] divisor = new float[q];
        for (int j = 0; j < q; j++) {
            divisor[j] = count[g[j]];
        }
        NDArray units = Students.inScratch(v.reshape(out, n, inner), scratch);
        NDArray gathered = Students.inScratch(units.get(new NDIndex(":, {}", scratch.create(expand(g, 1)))), scratch);
        NDArray student =
                gathered.div(scratch.create(divisor, new Shape(1, q, 1)).toType(v.getDataType(), false));
        if (noisy) {
            student = student.add(
                    noise(v, g, count, inner, options, seed, scratch).toType(v.getDataType(), false));
        }
        return student.reshape(studentConsumerShape(v.getShape(), n, q));
    }

    /**
     * The noise e, [out, q, inner] in float32. Each replicated column j (count[g(j)] &gt; 1) gets
     * draws of N(0, s^2), s = noiseScale * std(V); a unit's only copy gets none. PAPER keeps the
     * draws: the replicas no longer sum to V[:, k]. EXACT subtracts from each e_j the mean of the
     * draws over the replicas of g(j), so that sum_{j: g(j)=k} e_j = 0 and the function is unchanged
     * (docs/math.md#zero-sum-noise). The draws come from {@link WiderNetKernel#drawReplicaNoise}
     * and s from {@link WiderNetKernel#standardDeviation}, so this and the kernel add the same numbers.
     */
    private static NDArray noise(
            NDArray v, int[] g, int[] count, long inner, Options options, long seed, NDManager scratch) {
        int q = g.length;
        int n = count.length;
        int out = Math.toIntExact(v.getShape().get(0));
        int block = Math.toIntExact(inner);
        float[] values = v.getDataType() == DataType.FLOAT32
                ? v.toFloatArray()
                : Students.inScratch(v.toType(DataType.FLOAT32, false), scratch).toFloatArray();
        float sigma = (float) (options.noiseScale() * WiderNetKernel.standardDeviation(FloatBuffer.wrap(values)));
        int[] replicated = WiderNetKernel.replicatedColumns(g, count);
        float[] e = new float[out * q * block];
        float[] row = new float[replicated.length * block];
        for (int o = 0; o < out; o++) {
            WiderNetKernel.drawReplicaNoise(seed, o, sigma, row);
            for (int i = 0; i < replicated.length; i++) {
                System.arraycopy(row, i * block, e, (o * q + replicated[i]) * block, block);
            }
        }
        NDArray drawn = scratch.create(e, new Shape(out, q, inner));
        if (options.noise() == Noise.PAPER) {
            return drawn;
        }
        // EXACT, in double: mean_k = (sum of the draws of k's replicas, in column order) / count[k].
        NDArray d = drawn.toType(DataType.FLOAT64, false);
        NDArray padded = d.concat(scratch.zeros(new Shape(out, 1, inner), DataType.FLOAT64), 1); // column q: no draw
        NDArray sum = scratch.zeros(new Shape(out, n, inner), DataType.FLOAT64);
        for (long[] replica : replicasByRank(g, count)) {
            sum = sum.add(padded.get(new NDIndex(":, {}", scratch.create(replica))));
        }
        double[] c = Arrays.stream(count).asDoubleStream().toArray();
        NDArray mean = sum.div(scratch.create(c, new Shape(1, n, 1)));
        return d.sub(mean.get(new NDIndex(":, {}", scratch.create(expand(g, 1)))))
                .toType(DataType.FLOAT32, false);
    }

    /**
     * For r = 0, 1, ...: the r-th replica column of each unit, in column order, or q (a column of
     * zeros) when the unit has fewer than r + 1 replicas.
     */
    private static List<long[]> replicasByRank(int[] g, int[] count) {
        int max = Arrays.stream(count).max().orElse(0);
        List<long[]> ranks = new ArrayList<>();
        for (int r = 0; r < max; r++) {
            long[] column = new long[count.length];
            Arrays.fill(column, g.length);
            ranks.add(column);
        }
        int[] seen = new int[count.length];
        for (int j = 0; j < g.length; j++) {
            ranks.get(seen[g[j]]++)[g[j]] = j;
        }
        return ranks;
    }

    /** The consumer weight's shape with its input dimension grown from n to q units. */
    static Shape studentConsumerShape(Shape teacher, int n, int q) {
        long[] dims = teacher.getShape().clone();
        dims[1] = dims[1] / n * q; // dense after flatten: n blocks of H*W columns become q blocks
        return new Shape(dims);
    }
}
