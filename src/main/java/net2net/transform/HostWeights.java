package net2net.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.spec.Architecture;

/**
 * A network's weights as double arrays on the host, for the transformer transforms: they gather,
 * average and divide rows and columns, then {@link #build} a student in the teacher's precision.
 * The arrays are small next to training, and double keeps the algebra free of float32 rounding
 * until the one final cast.
 */
final class HostWeights {
    final Map<String, double[]> values = new LinkedHashMap<>();
    final Map<String, Shape> shapes = new LinkedHashMap<>();
    private final DataType type;

    HostWeights(Network teacher) {
        for (Map.Entry<String, NDArray> e : teacher.weights().entrySet()) {
            values.put(e.getKey(), e.getValue().toType(DataType.FLOAT64, false).toDoubleArray());
            shapes.put(e.getKey(), e.getValue().getShape());
        }
        type = teacher.weights().values().iterator().next().getDataType();
    }

    double[] get(String key) {
        return values.get(key);
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    void put(String key, double[] v, Shape shape) {
        if (v.length != shape.size()) {
            throw new IllegalStateException(key + ": " + v.length + " values for shape " + shape);
        }
        values.put(key, v);
        shapes.put(key, shape);
    }

    /** Adds freshly initialised parameters (arrays owned by {@code fresh}'s manager, copied here). */
    void putAll(Map<String, NDArray> fresh) {
        fresh.forEach((k, v) -> put(k, v.toType(DataType.FLOAT64, false).toDoubleArray(), v.getShape()));
    }

    /** The student: every array in the teacher's precision, ordered as the architecture wants, one more history step. */
    Network build(Architecture arch, Network teacher, Step step) {
        NDManager manager = NDManager.newBaseManager();
        try {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (String key : arch.parameterShapes().keySet()) {
                double[] v = values.get(key);
                Shape shape = shapes.get(key);
                if (v == null) {
                    throw new IllegalStateException("no values for " + key);
                }
                if (type == DataType.FLOAT64) {
                    weights.put(key, manager.create(v, shape));
                } else {
                    float[] f = new float[v.length];
                    for (int i = 0; i < v.length; i++) {
                        f[i] = (float) v[i];
                    }
                    weights.put(key, manager.create(f, shape));
                }
            }
            List<Step> history = new ArrayList<>(teacher.history());
            history.add(step);
            return new Network(arch, weights, history, teacher.preprocessing(), manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    // ---- row and column maps. src[i] >= 0: new index i takes old index src[i]; src[i] < 0: a remainder entry.

    /**
     * Rows of W [rows, cols] for a writer: row i copies row src[i] (never divided); a remainder row
     * is the mean of all rows when {@code meanRemainder} (LayerNorm: the new entry tracks the mean of
     * the stream) and zero otherwise (RMSNorm).
     */
    static double[] writerRows(double[] w, int cols, int[] src, boolean meanRemainder) {
        int rows = w.length / cols;
        double[] mean = new double[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                mean[c] += w[r * cols + c] / rows;
            }
        }
        double[] out = new double[src.length * cols];
        for (int i = 0; i < src.length; i++) {
            if (src[i] >= 0) {
                System.arraycopy(w, src[i] * cols, out, i * cols, cols);
            } else if (meanRemainder) {
                System.arraycopy(mean, 0, out, i * cols, cols);
            }
        }
        return out;
    }

    /** Columns of W [rows, cols] for a writer along its last axis (an embedding table): as {@link #writerRows}, per row. */
    static double[] writerColumns(double[] w, int cols, int[] src, boolean meanRemainder) {
        int rows = w.length / cols;
        double[] out = new double[rows * src.length];
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            for (int c = 0; c < cols; c++) {
                mean += w[r * cols + c] / cols;
            }
            for (int i = 0; i < src.length; i++) {
                out[r * src.length + i] = src[i] >= 0 ? w[r * cols + src[i]] : meanRemainder ? mean : 0;
            }
        }
        return out;
    }

    /**
     * Columns of a reader W [rows, cols]: column i is column src[i] divided by how many new columns
     * share it, plus noise that sums to zero over them (EXACT) or not (PAPER); a remainder column is
     * N(0, remainderSigma^2), read only where the input is zero.
     */
    static double[] readerColumns(
            double[] w, int cols, int[] src, Noise noise, double sigma, double remainderSigma, SplittableRandom rng) {
        int rows = w.length / cols;
        int[] count = new int[cols];
        for (int s : src) {
            if (s >= 0) {
                count[s]++;
            }
        }
        double[] out = new double[rows * src.length];
        double[] noiseSum = new double[cols];
        double[] e = new double[src.length];
        for (int r = 0; r < rows; r++) {
            Arrays.fill(noiseSum, 0);
            for (int i = 0; i < src.length; i++) {
                e[i] = 0;
                if (src[i] >= 0 && count[src[i]] > 1 && noise != Noise.NONE) {
                    e[i] = rng.nextGaussian() * sigma;
                    noiseSum[src[i]] += e[i];
                }
            }
            for (int i = 0; i < src.length; i++) {
                double v;
                if (src[i] >= 0) {
                    v = w[r * cols + src[i]] / count[src[i]] + e[i];
                    if (noise == Noise.EXACT && count[src[i]] > 1) {
                        v -= noiseSum[src[i]] / count[src[i]];
                    }
                } else {
                    v = remainderSigma > 0 ? rng.nextGaussian() * remainderSigma : 0;
                }
                out[r * src.length + i] = v;
            }
        }
        return out;
    }

    /** A unit map expanded to blocks of {@code block} consecutive indices (heads of head_dim). */
    static int[] blocks(int[] map, int block) {
        int[] out = new int[map.length * block];
        for (int i = 0; i < out.length; i++) {
            int m = map[i / block];
            out[i] = m < 0 ? -1 : m * block + i % block;
        }
        return out;
    }

    /** g(j) = j for j &lt; n, uniform over 0..n-1 beyond: Net2WiderNet's random mapping. */
    static int[] mapping(int n, int q, SplittableRandom rng) {
        int[] g = new int[q];
        for (int j = 0; j < q; j++) {
            g[j] = j < n ? j : rng.nextInt(n);
        }
        return g;
    }

    static double std(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x / v.length;
        }
        double var = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean) / v.length;
        }
        return Math.sqrt(var);
    }
}
