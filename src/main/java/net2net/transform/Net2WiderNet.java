package net2net.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net2net.Net2NetException;
import net2net.nn.Network;
import net2net.spec.Architecture;

/**
 * Net2WiderNet: grows a dense or conv2d layer from n to q units without changing the function.
 * A mapping g sends each new unit j to a random existing unit (g(j) = j for j &lt; n). The producer's
 * rows and every batchnorm in between are gathered with g; the consumer's columns are gathered
 * with g and divided by count[g(j)], the number of replicas of that unit, so the replicas'
 * contributions sum to the original one.
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

    /** Widens each named layer to its width, in the order given, with one seeded mapping RNG. */
    public static Network widen(Network teacher, Map<String, Integer> widths, Options options) {
        if (widths.isEmpty()) {
            throw new Net2NetException("nothing to widen: name at least one layer and its new width");
        }
        SplittableRandom rng = new SplittableRandom(options.seed());
        Architecture arch = teacher.architecture();
        NDManager manager = NDManager.newBaseManager();
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> weights = new LinkedHashMap<>(teacher.weights());
            for (Map.Entry<String, Integer> e : widths.entrySet()) {
                WideningPath path = WideningPath.find(arch, e.getKey());
                Architecture wider = path.widened(arch, e.getValue());
                int[] g = mapping(path.units(), e.getValue(), rng);
                widenWeights(arch, path, g, weights, options, rng, scratch);
                arch = wider;
            }
            Map<String, NDArray> owned = Arrays2.own(weights, teacher, manager);
            JsonObject step = new JsonObject();
            step.addProperty("op", "widen");
            step.add("widths", new com.google.gson.Gson().toJsonTree(widths));
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

    /** Replaces, in {@code weights}, the arrays of the producer, the batchnorms and the consumer. */
    private static void widenWeights(Architecture arch, WideningPath path, int[] g, Map<String, NDArray> weights,
                                     Options options, SplittableRandom rng, NDManager scratch) {
        String producer = path.producerName(arch);
        NDArray rows = scratch.create(Arrays2.toLong(g));
        // Incoming side: replicas copy their unit's weights and bias, and its batchnorm entries.
        gatherRows(weights, producer + ".weight", rows, scratch);
        gatherRows(weights, producer + ".bias", rows, scratch);
        for (int bn : path.batchnorms()) {
            String name = arch.layers().get(bn).name();
            for (String p : List.of("weight", "bias", "running_mean", "running_var")) {
                gatherRows(weights, name + "." + p, rows, scratch);
            }
        }
        // Outgoing side: consumer input columns (whole H*W blocks after a flatten), divided by count.
        String key = path.consumerName(arch) + ".weight";
        NDArray w = weights.get(key);
        int n = path.units();
        int q = g.length;
        int block = path.blockSize();
        int[] count = counts(g, n);
        boolean noise = options.noise() != Noise.NONE && options.noiseScale() > 0;
        Shape shape = studentConsumerShape(w.getShape(), n, q);
        NDArray student;
        if (noise && w.getDataType() == DataType.FLOAT32) {
            // Gather, divide and add the noise in one pass over the weights, in parallel over output rows.
            float[] teacher = w.toFloatArray();
            student = scratch.create(consumerWithNoise(teacher, shape, g, n, options, std(teacher), rng.nextLong()), shape);
        } else {
            long[] columns = new long[q * block];
            float[] scale = new float[q * block];
            for (int j = 0; j < q; j++) {
                for (int s = 0; s < block; s++) {
                    columns[j * block + s] = (long) g[j] * block + s;
                    scale[j * block + s] = count[g[j]];
                }
            }
            student = Arrays2.own(w.get(new NDIndex(":, {}", scratch.create(columns))), scratch);
            Shape scaleShape = w.getShape().dimension() == 4 ? new Shape(1, q, 1, 1) : new Shape(1, (long) q * block);
            student.divi(scratch.create(scale, scaleShape).toType(w.getDataType(), false));
            if (noise) {
                // Another precision (float64 checks): the same noise as float32 gets, drawn on zeros and added.
                float[] teacher = w.toType(DataType.FLOAT32, false).toFloatArray();
                float[] alone = consumerWithNoise(new float[teacher.length], shape, g, n, options, std(teacher), rng.nextLong());
                student = student.add(scratch.create(alone, shape).toType(w.getDataType(), false));
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
     * The student's consumer weight, viewed as [out, q units, inner] where inner is the kernel area
     * (conv consumer) or the H*W block (flatten): column j is the teacher's column g(j) divided by
     * its number of replicas, plus noise on replicated units only (count &gt; 1). EXACT subtracts, at
     * every (out, inner) position, the mean of the noise over each unit's replicas, so the replicas'
     * noise sums to zero; PAPER leaves it as drawn. Each output row draws from its own generator,
     * seeded from {@code seed} and the row, so the rows run in parallel and the result depends on
     * the seed only.
     */
    static float[] consumerWithNoise(float[] teacher, Shape studentShape, int[] g, int n, Options options, double std, long seed) {
        int q = g.length;
        int out = Math.toIntExact(studentShape.get(0));
        int inner = Math.toIntExact(studentShape.size() / out / q);
        int[] count = counts(g, n);
        int[] replicated = java.util.stream.IntStream.range(0, q).filter(j -> count[g[j]] > 1).toArray();
        float sigma = (float) (options.noiseScale() * std);
        boolean exact = options.noise() == Noise.EXACT;
        float[] student = new float[Math.toIntExact(studentShape.size())];
        float[] divisor = new float[q];
        int[] source = new int[q];
        for (int j = 0; j < q; j++) {
            divisor[j] = count[g[j]];
            source[j] = g[j] * inner;
        }
        int[] groupOf = new int[replicated.length]; // offset of each replicated column's unit in groupSum
        float[] groupCount = new float[replicated.length];
        for (int i = 0; i < replicated.length; i++) {
            groupOf[i] = g[replicated[i]] * inner;
            groupCount[i] = count[g[replicated[i]]];
        }
        java.util.stream.IntStream.range(0, out).parallel().forEach(o -> {
            int from = o * n * inner;
            int to = o * q * inner;
            if (inner == 1) {
                for (int j = 0; j < q; j++) {
                    student[to + j] = teacher[from + source[j]] / divisor[j];
                }
            } else {
                for (int j = 0; j < q; j++) {
                    int src = from + source[j];
                    int dst = to + j * inner;
                    for (int r = 0; r < inner; r++) {
                        student[dst + r] = teacher[src + r] / divisor[j];
                    }
                }
            }
            SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (o + 1)));
            float[] noise = new float[replicated.length * inner];
            double[] groupSum = exact ? new double[n * inner] : null;
            for (int i = 0, k = 0; i < replicated.length; i++) {
                for (int r = 0; r < inner; r++, k++) {
                    float e = (float) random.nextGaussian() * sigma;
                    noise[k] = e;
                    if (exact) {
                        groupSum[groupOf[i] + r] += e;
                    }
                }
            }
            for (int i = 0, k = 0; i < replicated.length; i++) {
                int dst = to + replicated[i] * inner;
                for (int r = 0; r < inner; r++, k++) {
                    float e = exact ? (float) (noise[k] - groupSum[groupOf[i] + r] / groupCount[i]) : noise[k];
                    student[dst + r] += e;
                }
            }
        });
        return student;
    }

    /**
     * Population standard deviation in double, in parallel over fixed chunks whose partial sums are
     * added in order: the same bits on any number of cores.
     */
    static double std(float[] v) {
        int chunk = 1 << 16;
        int chunks = (v.length + chunk - 1) / chunk;
        double[] sums = new double[chunks];
        java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
            double sum = 0;
            for (int i = c * chunk, end = Math.min(v.length, i + chunk); i < end; i++) {
                sum += v[i];
            }
            sums[c] = sum;
        });
        double mean = java.util.Arrays.stream(sums).sum() / v.length;
        java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
            double sum = 0;
            for (int i = c * chunk, end = Math.min(v.length, i + chunk); i < end; i++) {
                sum += (v[i] - mean) * (v[i] - mean);
            }
            sums[c] = sum;
        });
        return Math.sqrt(java.util.Arrays.stream(sums).sum() / v.length);
    }
}
