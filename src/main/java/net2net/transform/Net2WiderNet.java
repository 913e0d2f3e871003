package net2net.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net2net.Net2NetException;
import net2net.nn.Network;
import net2net.nn.Sizes;
import net2net.spec.Architecture;

/**
 * Net2WiderNet: grows a dense or conv2d layer from n to q units without changing the function.
 * A mapping g sends each new unit j to a random existing unit (g(j) = j for j &lt; n). The producer's
 * rows and every batchnorm in between are gathered with g; the consumer's columns are gathered
 * with g and divided by count[g(j)], the number of replicas of that unit, so the replicas'
 * contributions sum to the original one. Across residual blocks the units are a stream with
 * several writers and readers, all widened with the one g (see {@link WideningPath} for why).
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
        if (widths.isEmpty()) {
            throw new Net2NetException("nothing to widen: name at least one layer and its new width");
        }
        SplittableRandom rng = new SplittableRandom(options.seed());
        Architecture arch = teacher.architecture();
        NDManager manager = NDManager.newBaseManager();
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> weights = new LinkedHashMap<>(teacher.weights());
            Map<String, String> widenedBy = new LinkedHashMap<>();
            JsonObject streams = new JsonObject();
            List<String> executionOrder = arch.names();
            List<Map.Entry<String, Integer>> requests = new java.util.ArrayList<>(widths.entrySet());
            requests.sort(java.util.Comparator.comparingInt(e -> executionOrder.indexOf(e.getKey()))); // unknown first: refused below
            for (Map.Entry<String, Integer> e : requests) {
                WideningPath path = WideningPath.find(arch, e.getKey());
                for (String w : path.writerNames()) {
                    String earlier = widenedBy.putIfAbsent(w, e.getKey());
                    if (earlier != null) {
                        throw new Net2NetException("'" + e.getKey() + "' and '" + earlier + "' write the same residual stream "
                                + path.writerNames() + "; give that stream one width, naming any one of them");
                    }
                }
                int q = path.streamWidth(e.getKey(), e.getValue());
                Architecture wider = path.widened(arch, q);
                Sizes.requireFits(wider, arch, "the widened network");
                int[] g = mapping(path.units(), q, rng);
                widenWeights(path, g, weights, options, rng, scratch);
                if (path.writers().size() > 1) {
                    JsonArray writers = new JsonArray();
                    path.writerNames().forEach(writers::add);
                    streams.add(e.getKey(), writers);
                }
                arch = wider;
            }
            Map<String, NDArray> owned = Arrays2.own(weights, teacher, manager);
            JsonObject step = new JsonObject();
            step.addProperty("op", "widen");
            step.add("widths", new com.google.gson.Gson().toJsonTree(widths));
            if (streams.size() > 0) {
                step.add("streams", streams);
            }
            step.addProperty("noise", options.noise().key());
            step.addProperty("noise_scale", options.noiseScale());
            step.addProperty("seed", options.seed());
            return new Network(arch, owned, Arrays2.append(teacher.history(), step), teacher.preprocessing(), manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** g(j) = j for j &lt; n, uniform over {0..n-1} for n &lt;= j &lt; q. */
    static int[] mapping(int n, int q, SplittableRandom rng) {
        int[] g = new int[q];
        for (int j = 0; j < q; j++) {
            g[j] = j < n ? j : rng.nextInt(n);
        }
        return g;
    }

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
    private static void widenWeights(WideningPath path, int[] g, Map<String, NDArray> weights,
                                     Options options, SplittableRandom rng, NDManager scratch) {
        // Incoming side: replicas copy their unit's weights and bias, and its batchnorm entries.
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
        for (WideningPath.Site r : path.readers()) {
            divideColumns(weights, r, g, path.units(), options, rng, scratch);
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

    /** Outgoing side: a reader's input columns (whole H*W blocks after a flatten), divided by count. */
    private static void divideColumns(Map<String, NDArray> weights, WideningPath.Site reader, int[] g, int n,
                                      Options options, SplittableRandom rng, NDManager scratch) {
        String key = reader.key() + ".weight";
        NDArray w = weights.get(key);
        int q = g.length;
        int block = reader.block();
        int[] count = counts(g, n);
        boolean noise = options.noise() != Noise.NONE && options.noiseScale() > 0;
        Shape shape = studentConsumerShape(w.getShape(), n, q);
        NDArray student;
        if (noise && w.getDataType() == DataType.FLOAT32) {
            // Gather, divide and add the noise in one pass, reading the teacher's storage and writing
            // the student's through direct views: no copy to or from Java arrays.
            FloatBuffer teacher = w.toByteBuffer(true).asFloatBuffer();
            student = scratch.create(shape, DataType.FLOAT32);
            FloatBuffer target = student.toByteBuffer(true).asFloatBuffer();
            consumerWithNoise(teacher, target, shape, g, n, options, std(teacher), rng.nextLong());
        } else {
            float[] scale = new float[q * block];
            for (int j = 0; j < q; j++) {
                for (int s = 0; s < block; s++) {
                    scale[j * block + s] = count[g[j]];
                }
            }
            student = Arrays2.own(w.get(new NDIndex(":, {}", scratch.create(expand(g, block)))), scratch);
            Shape scaleShape = w.getShape().dimension() == 4 ? new Shape(1, q, 1, 1) : new Shape(1, (long) q * block);
            student.divi(scratch.create(scale, scaleShape).toType(w.getDataType(), false));
            if (noise) {
                // Another precision (float64 checks): the same noise as float32 gets, drawn on zeros and added.
                FloatBuffer teacher = FloatBuffer.wrap(w.toType(DataType.FLOAT32, false).toFloatArray());
                FloatBuffer alone = FloatBuffer.allocate(Math.toIntExact(shape.size()));
                consumerWithNoise(FloatBuffer.allocate(teacher.capacity()), alone, shape, g, n, options, std(teacher), rng.nextLong());
                student = student.add(scratch.create(alone.array(), shape).toType(w.getDataType(), false));
            }
        }
        weights.put(key, student);
    }

    /** The consumer weight's shape with its input dimension grown from n to q units. */
    static Shape studentConsumerShape(Shape teacher, int n, int q) {
        long[] dims = teacher.getShape().clone();
        dims[1] = dims[1] / n * q; // dense after flatten: n blocks of H*W columns become q blocks
        return new Shape(dims);
    }

    private static void gatherRows(Map<String, NDArray> weights, String key, NDArray rows, NDManager scratch) {
        NDArray a = weights.get(key);
        if (a != null) {
            weights.put(key, Arrays2.own(a.get(rows), scratch));
        }
    }

    /**
     * Writes the student's consumer weight into {@code student}, viewed as [out, q units, inner] where inner is the kernel area
     * (conv consumer) or the H*W block (flatten): column j is the teacher's column g(j) divided by
     * its number of replicas, plus noise on replicated units only (count &gt; 1). EXACT subtracts, at
     * every (out, inner) position, the mean of the noise over each unit's replicas, so the replicas'
     * noise sums to zero; PAPER leaves it as drawn. Each output row draws from its own generator,
     * seeded from {@code seed} and the row, so the rows run in parallel and the result depends on
     * the seed only.
     */
    static void consumerWithNoise(FloatBuffer teacher, FloatBuffer student, Shape studentShape, int[] g, int n,
                                  Options options, double std, long seed) {
        int q = g.length;
        int out = Math.toIntExact(studentShape.get(0));
        int inner = Math.toIntExact(studentShape.size() / out / q);
        int[] count = counts(g, n);
        int[] replicated = java.util.stream.IntStream.range(0, q).filter(j -> count[g[j]] > 1).toArray();
        int[] replicatedUnits = java.util.stream.IntStream.range(0, n).filter(u -> count[u] > 1).toArray();
        // The replicated units numbered 0..U-1 in unit order, so each row's means fit a short array.
        int[] slotOfUnit = new int[n];
        for (int s = 0; s < replicatedUnits.length; s++) {
            slotOfUnit[replicatedUnits[s]] = s;
        }
        int[] slot = new int[replicated.length];
        for (int i = 0; i < replicated.length; i++) {
            slot[i] = slotOfUnit[g[replicated[i]]];
        }
        double[] replicas = new double[replicatedUnits.length];
        for (int s = 0; s < replicas.length; s++) {
            replicas[s] = count[replicatedUnits[s]];
        }
        float[] divisor = new float[q];
        for (int j = 0; j < q; j++) {
            divisor[j] = count[g[j]];
        }
        float sigma = (float) (options.noiseScale() * std);
        boolean exact = options.noise() == Noise.EXACT;
        int rowIn = n * inner;
        int rowOut = q * inner;
        // Per-thread row buffers, reused across rows; small methods with branch-free loops, as which
        // columns are replicated is random.
        ThreadLocal<float[][]> rows = ThreadLocal.withInitial(() -> new float[][] {
                new float[rowIn], new float[rowOut], new float[replicated.length * inner]});
        ThreadLocal<double[]> means = ThreadLocal.withInitial(() -> new double[replicatedUnits.length * inner]);
        java.util.stream.IntStream.range(0, out).parallel().forEach(o -> {
            float[][] buffers = rows.get();
            float[] from = buffers[0];
            float[] to = buffers[1];
            teacher.get(o * rowIn, from);
            divideColumns(to, from, g, divisor, inner);
            SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (o + 1)));
            if (exact) {
                addExactNoise(to, buffers[2], means.get(), random, sigma, replicated, slot, replicas, inner);
            } else {
                addNoise(to, random, sigma, replicated, inner);
            }
            student.put(o * rowOut, to);
        });
    }

    /**
     * EXACT noise on one student row: draws the noise of each replicated column in column order,
     * then subtracts, at each inner position, the mean of the noise over its unit's replicas, so the
     * replicas' noise sums to zero. {@code slot} numbers each replicated column's unit,
     * {@code replicas} is each slot's replica count; {@code mean} is all zeros on entry and on return.
     */
    private static void addExactNoise(float[] to, float[] noise, double[] mean, SplittableRandom random, float sigma,
                                      int[] replicated, int[] slot, double[] replicas, int inner) {
        for (int i = 0, k = 0; i < slot.length; i++) {
            for (int m = slot[i] * inner, end = m + inner; m < end; m++, k++) {
                float x = (float) random.nextGaussian() * sigma;
                noise[k] = x;
                mean[m] += x;
            }
        }
        for (int s = 0, m = 0; s < replicas.length; s++) {
            for (int r = 0; r < inner; r++, m++) {
                mean[m] /= replicas[s];
            }
        }
        for (int i = 0, k = 0; i < slot.length; i++) {
            for (int m = slot[i] * inner, c = replicated[i] * inner, end = m + inner; m < end; m++, c++, k++) {
                to[c] += (float) (noise[k] - mean[m]);
            }
        }
        java.util.Arrays.fill(mean, 0);
    }

    /** PAPER noise on one student row: each replicated column's noise, drawn in column order, added as drawn. */
    private static void addNoise(float[] to, SplittableRandom random, float sigma, int[] replicated, int inner) {
        for (int c : replicated) {
            for (int r = c * inner, end = r + inner; r < end; r++) {
                to[r] += (float) random.nextGaussian() * sigma;
            }
        }
    }

    /** One student row without noise: the teacher's columns g(j), each divided by its unit's replica count. */
    private static void divideColumns(float[] to, float[] from, int[] g, float[] divisor, int inner) {
        if (inner == 1) {
            for (int j = 0; j < g.length; j++) {
                to[j] = from[g[j]] / divisor[j];
            }
            return;
        }
        for (int j = 0; j < g.length; j++) {
            int src = g[j] * inner;
            int dst = j * inner;
            float d = divisor[j];
            for (int r = 0; r < inner; r++) {
                to[dst + r] = from[src + r] / d;
            }
        }
    }

    /**
     * Population standard deviation in double, in parallel over fixed chunks whose partial sums are
     * added in order: the same bits on any number of cores.
     */
    static double std(FloatBuffer v) {
        int chunk = 1 << 16;
        int length = v.capacity();
        int chunks = (length + chunk - 1) / chunk;
        double[] sums = new double[chunks];
        java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> sums[c] = chunkSum(v, c, chunk, 0, false));
        double mean = java.util.Arrays.stream(sums).sum() / length;
        java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> sums[c] = chunkSum(v, c, chunk, mean, true));
        return Math.sqrt(java.util.Arrays.stream(sums).sum() / length);
    }

    /** Sum over one chunk of x, or of (x - mean)^2. */
    private static double chunkSum(FloatBuffer v, int c, int chunk, double mean, boolean squares) {
        double sum = 0;
        for (int i = c * chunk, end = Math.min(i + chunk, v.capacity()); i < end; i++) {
            float x = v.get(i);
            sum += squares ? (x - mean) * (x - mean) : x;
        }
        return sum;
    }
}
