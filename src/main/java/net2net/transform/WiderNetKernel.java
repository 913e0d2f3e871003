package net2net.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import net2net.data.Seeds;

/**
 * The fast path of Net2WiderNet's consumer step, for float32 weights: the same numbers as
 * {@link Net2WiderNet#widenConsumer}, bit for bit (checked by WiderNetKernelTest), in one pass
 * over direct views of the teacher's and the student's storage, rows in parallel, with per-thread
 * buffers. The math is in Net2WiderNet and docs/math.md; this class only makes it fast.
 *
 * <p>Two helpers are shared with the readable path so both draw the same numbers:
 * {@link #drawReplicaNoise} (the Gaussian draws of one output row) and
 * {@link #standardDeviation} (the σ the noise scales with).
 */
final class WiderNetKernel {
    private WiderNetKernel() {}

    /**
     * The student's consumer weight for a float32 teacher weight {@code w}: viewed as
     * [out, q units, inner], column j is the teacher's column g(j) divided by count[g(j)], plus
     * the noise of {@code options} (none when {@code noisy} is false) drawn from {@code seed}.
     */
    static NDArray widenConsumer(
            NDArray w, int[] g, int n, Net2WiderNet.Options options, boolean noisy, long seed, NDManager scratch) {
        FloatBuffer teacher = w.toByteBuffer(true).asFloatBuffer();
        Shape shape = Net2WiderNet.studentConsumerShape(w.getShape(), n, g.length);
        NDArray student = scratch.create(shape, DataType.FLOAT32);
        FloatBuffer target = student.toByteBuffer(true).asFloatBuffer();
        float sigma = noisy ? (float) (options.noiseScale() * standardDeviation(teacher)) : 0f;
        gatherDivideAndAddNoise(teacher, target, shape, g, n, noisy ? options.noise() : Noise.NONE, sigma, seed);
        return student;
    }

    /**
     * Writes every row of the student's consumer weight. The replicated columns (count &gt; 1) are
     * listed once; each row draws its noise from its own generator ({@link #drawReplicaNoise}),
     * so rows run in parallel and the result depends on the seed only.
     */
    private static void gatherDivideAndAddNoise(
            FloatBuffer teacher,
            FloatBuffer student,
            Shape studentShape,
            int[] g,
            int n,
            Noise noise,
            float sigma,
            long seed) {
        int q = g.length;
        int out = Math.toIntExact(studentShape.get(0));
        int inner = Math.toIntExact(studentShape.size() / out / q);
        int[] count = Net2WiderNet.counts(g, n);
        int[] replicated = replicatedColumns(g, count);
        int[] replicatedUnits = IntStream.range(0, n).filter(u -> count[u] > 1).toArray();
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
        int rowIn = n * inner;
        int rowOut = q * inner;
        // Per-thread row buffers, reused across rows; small methods with branch-free loops, as which
        // columns are replicated is random.
        ThreadLocal<float[][]> rows = ThreadLocal.withInitial(
                () -> new float[][] {new float[rowIn], new float[rowOut], new float[replicated.length * inner]});
        ThreadLocal<double[]> means = ThreadLocal.withInitial(() -> new double[replicatedUnits.length * inner]);
        IntStream.range(0, out).parallel().forEach(o -> {
            float[][] buffers = rows.get();
            float[] from = buffers[0];
            float[] to = buffers[1];
            float[] drawn = buffers[2];
            teacher.get(o * rowIn, from);
            gatherAndDivideRow(to, from, g, divisor, inner);
            if (noise != Noise.NONE) {
                drawReplicaNoise(seed, o, sigma, drawn);
                if (noise == Noise.EXACT) {
                    addZeroSumNoise(to, drawn, means.get(), replicated, slot, replicas, inner);
                } else {
                    addDrawnNoise(to, drawn, replicated, inner);
                }
            }
            student.put(o * rowOut, to);
        });
    }

    /** The columns j whose unit g(j) has more than one replica, ascending: the ones that get noise. */
    static int[] replicatedColumns(int[] g, int[] count) {
        return IntStream.range(0, g.length).filter(j -> count[g[j]] > 1).toArray();
    }

    /**
     * The noise of output row {@code row}: {@code into.length} draws of N(0, σ²), rounded to
     * float32 as {@code (float) gaussian * sigma}, for the replicated columns in ascending order and,
     * within a column, its {@code inner} entries in order. Row o's generator is seeded with
     * {@link Seeds#perIndex}(seed, o). Shared by the readable path and the kernel, so that both
     * add the same numbers.
     */
    static void drawReplicaNoise(long seed, int row, float sigma, float[] into) {
        SplittableRandom random = new SplittableRandom(Seeds.perIndex(seed, row));
        for (int k = 0; k < into.length; k++) {
            into[k] = (float) random.nextGaussian() * sigma;
        }
    }

    /** One student row without noise: the teacher's columns g(j), each divided by its unit's replica count. */
    private static void gatherAndDivideRow(float[] to, float[] from, int[] g, float[] divisor, int inner) {
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
     * EXACT noise on one student row: subtracts from each drawn value, at each inner position, the
     * mean (in double, summed in column order) of the draws over its unit's replicas, so the
     * replicas' noise sums to zero. {@code slot} numbers each replicated column's unit,
     * {@code replicas} is each slot's replica count; {@code mean} is all zeros on entry and on return.
     */
    private static void addZeroSumNoise(
            float[] to, float[] drawn, double[] mean, int[] replicated, int[] slot, double[] replicas, int inner) {
        for (int i = 0, k = 0; i < slot.length; i++) {
            for (int m = slot[i] * inner, end = m + inner; m < end; m++, k++) {
                mean[m] += drawn[k];
            }
        }
        for (int s = 0, m = 0; s < replicas.length; s++) {
            for (int r = 0; r < inner; r++, m++) {
                mean[m] /= replicas[s];
            }
        }
        for (int i = 0, k = 0; i < slot.length; i++) {
            for (int m = slot[i] * inner, c = replicated[i] * inner, end = m + inner; m < end; m++, c++, k++) {
                to[c] += (float) (drawn[k] - mean[m]);
            }
        }
        Arrays.fill(mean, 0);
    }

    /** PAPER noise on one student row: each replicated column's draws added as drawn. */
    private static void addDrawnNoise(float[] to, float[] drawn, int[] replicated, int inner) {
        int k = 0;
        for (int c : replicated) {
            for (int r = c * inner, end = r + inner; r < end; r++, k++) {
                to[r] += drawn[k];
            }
        }
    }

    /**
     * Population standard deviation in double, in parallel over fixed chunks whose partial sums are
     * added in order: the same bits on any number of cores.
     */
    static double standardDeviation(FloatBuffer v) {
        int chunk = 1 << 16;
        int length = v.capacity();
        int chunks = (length + chunk - 1) / chunk;
        double[] sums = new double[chunks];
        IntStream.range(0, chunks).parallel().forEach(c -> sums[c] = chunkSum(v, c, chunk, 0, false));
        double mean = Arrays.stream(sums).sum() / length;
        IntStream.range(0, chunks).parallel().forEach(c -> sums[c] = chunkSum(v, c, chunk, mean, true));
        return Math.sqrt(Arrays.stream(sums).sum() / length);
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
