package net2net.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The regression data of the seed notebook:
 *
 * <pre>
 *   X = torch.vstack([torch.linspace(a, b, 1000) for a, b in [(-10,10), (21,78), (1,2000), (-1000,12)]]).T
 *   y = torch.cos(X).mean(axis=1) + torch.rand(1000) * 0.2
 *   train, test = random_split(TensorDataset(X, y), [800, 200])
 * </pre>
 *
 * X is bit-identical to torch 2.x's; the uniform noise and the split permutation come from Java's
 * {@link SplittableRandom} seeded from {@code seed}, so y and the split match the notebook in
 * distribution, not sample by sample.
 */
public final class NotebookData {
    public static final int SAMPLES = 1000;
    public static final int TRAIN_SIZE = 800;
    /** (start, end) of each column's linspace. */
    public static final float[][] COLUMN_DOMAINS = {{-10, 10}, {21, 78}, {1, 2000}, {-1000, 12}};

    public static final int FEATURES = COLUMN_DOMAINS.length;

    private NotebookData() {}

    /** The 1000 samples split 800/200 by a seeded random permutation, raw (unstandardised) features. */
    public static Splits make(long seed) {
        float[] x = features();
        float[] y = new float[SAMPLES];
        SplittableRandom noise = new SplittableRandom(Seeds.derive(seed, Seeds.NOISE));
        for (int i = 0; i < SAMPLES; i++) {
            float sum = 0;
            for (int j = 0; j < FEATURES; j++) {
                sum += (float) Math.cos(x[i * FEATURES + j]);
            }
            // torch.rand gives 24-bit floats in [0, 1); so does this.
            float u = (noise.nextInt() >>> 8) * 0x1.0p-24f;
            y[i] = sum / FEATURES + u * 0.2f;
        }
        Dataset all = new Dataset("seed", x, new int[] {FEATURES}, SAMPLES, null, y, 0);
        // random_split: a random permutation, its first 800 indices are train, the rest test.
        int[] order = Batches.permutation(SAMPLES, Seeds.derive(seed, Seeds.SPLIT));
        return new Splits(
                rename(all.subset(Arrays.copyOfRange(order, 0, TRAIN_SIZE)), "seed train"),
                rename(all.subset(Arrays.copyOfRange(order, TRAIN_SIZE, SAMPLES)), "seed test"));
    }

    /** The seed data's preprocessing without standardisation: raw values, scale 1. */
    public static Preprocessing rawPreprocessing() {
        return Preprocessing.scaleOnly(1);
    }

    /**
     * {@code --standardize}: per-column mean and unbiased std (torch.std's default, divisor n - 1)
     * of the training split, applied to both splits.
     */
    public static Standardized standardize(Splits raw) {
        Preprocessing p = Preprocessing.standardize(raw.train(), 1);
        return new Standardized(p.apply(raw), p);
    }

    /** The 1000 x 4 feature matrix, row-major: column j is linspace(COLUMN_DOMAINS[j]). */
    static float[] features() {
        float[] x = new float[SAMPLES * FEATURES];
        for (int j = 0; j < FEATURES; j++) {
            float[] column = linspace(COLUMN_DOMAINS[j][0], COLUMN_DOMAINS[j][1], SAMPLES);
            for (int i = 0; i < SAMPLES; i++) {
                x[i * FEATURES + j] = column[i];
            }
        }
        return x;
    }

    /**
     * float32 {@code torch.linspace(start, end, steps)} exactly as PyTorch 2.x computes it on the CPU
     * (aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp): step = (end - start) / (steps - 1), then
     * <pre>
     *   x[i] = start + step * i                   for i &lt; steps / 2
     *   x[i] = end - step * (steps - 1 - i)       otherwise,
     * </pre>
     * so both endpoints are exact. The kernel is compiled with floating-point contraction, so each
     * multiply-add is fused (one rounding), which {@link Math#fma} reproduces. This matches
     * libtorch 2.7.1 (DJL's engine) bit for bit; torch 1.13, which still wrote 8-float vectors,
     * differs by 1 ulp on about a fifth of the seed data's values.
     */
    public static float[] linspace(float start, float end, int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps = " + steps);
        }
        float[] out = new float[steps];
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (steps - 1);
        int half = steps / 2;
        for (int i = 0; i < steps; i++) {
            out[i] = i < half ? Math.fma(step, (float) i, start) : Math.fma(-step, (float) (steps - 1 - i), end);
        }
        return out;
    }

    private static Dataset rename(Dataset d, String name) {
        return new Dataset(name, d.features(), d.sampleShape(), d.size(), d.labels(), d.targets(), d.numClasses());
    }
}
