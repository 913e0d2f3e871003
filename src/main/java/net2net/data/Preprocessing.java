package net2net.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.Locale;
import net2net.Net2NetException;

/**
 * The input preprocessing a model expects, saved in model.json so that anyone can feed the model
 * from raw inputs in another framework. Two steps, giving float32 values:
 *
 * <pre>
 *   x = float32(raw * scale)        always; for bytes and scale 1/255 this equals float32(raw) / 255
 *   x = (x - mean[c]) / std[c]      in float32, only when mean/std are present
 * </pre>
 *
 * {@code c} indexes the first axis of the sample shape: the channel of an image (Fashion-MNIST has
 * one), or the feature of a flat sample such as the seed data's 4 columns. A single mean/std
 * applies to every value. mean and std are float32, so {@code (x - mean) / std} on float32 tensors
 * in PyTorch or NumPy reproduces step 2 bit for bit.
 *
 * <p>The loaders already apply step 1, so {@link #apply(Dataset)} does step 2 only;
 * {@link #applyRaw} does both for raw values.
 */
public record Preprocessing(double scale, float[] mean, float[] std) {

    public static final String FORMULA = "x = float32(raw * scale) (for bytes and scale 1/255: float32(raw) / 255);"
            + " then, if mean is not null, x = (x - mean[c]) / std[c] in float32,"
            + " c = index along the first axis of the sample shape (channel, or feature of a flat sample);"
            + " a single mean/std applies to all values";

    public Preprocessing {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new Net2NetException("preprocessing scale " + scale
                    + " is not a positive finite number: use e.g. 1/255 for pixel bytes or 1 for raw values");
        }
        if ((mean == null) != (std == null)) {
            throw new Net2NetException("preprocessing has " + (mean == null ? "std without mean" : "mean without std")
                    + ": give both mean and std, or neither");
        }
        if (mean != null) {
            if (mean.length == 0 || mean.length != std.length) {
                throw new Net2NetException("preprocessing has " + mean.length + " means and " + std.length
                        + " stds: give one (nonzero) pair per channel");
            }
            mean = mean.clone();
            std = std.clone();
            for (int c = 0; c < std.length; c++) {
                if (!(std[c] > 0) || Double.isInfinite(std[c]) || !Double.isFinite(mean[c])) {
                    throw new Net2NetException("preprocessing channel " + c + " has mean " + mean[c] + " and std "
                            + std[c] + ": the mean must be finite and the std positive and finite");
                }
            }
        }
    }

    /** Scale only, no standardisation (e.g. Fashion-MNIST's default, 1/255). */
    public static Preprocessing scaleOnly(double scale) {
        return new Preprocessing(scale, null, null);
    }

    /**
     * Fits per-channel standardisation on a training split whose features were already scaled by
     * {@code scale}: mean and unbiased standard deviation (divisor count - 1, torch.std's default)
     * over all values of each channel, computed in double and rounded to float32.
     */
    public static Preprocessing standardize(Dataset scaledTrain, double scale) {
        int channels = scaledTrain.sampleShape()[0];
        int perChannel = scaledTrain.sampleLength() / channels;
        long count = (long) scaledTrain.size() * perChannel;
        if (count < 2) {
            throw new Net2NetException("cannot standardise " + scaledTrain.name() + " from " + scaledTrain.size()
                    + " sample(s): use a larger training split or drop standardisation");
        }
        float[] f = scaledTrain.features();
        double[] mean = new double[channels];
        for (int start = 0, c = 0; start < f.length; start += perChannel, c = (c + 1) % channels) {
            double sum = 0;
            for (int i = start; i < start + perChannel; i++) {
                sum += f[i];
            }
            mean[c] += sum;
        }
        for (int c = 0; c < channels; c++) {
            mean[c] /= count;
        }
        // Second pass over deviations from the mean: no cancellation, unlike E[x^2] - E[x]^2.
        double[] std = new double[channels];
        for (int start = 0, c = 0; start < f.length; start += perChannel, c = (c + 1) % channels) {
            double m = mean[c];
            double sum = 0;
            for (int i = start; i < start + perChannel; i++) {
                double d = f[i] - m;
                sum += d * d;
            }
            std[c] += sum;
        }
        float[] mean32 = new float[channels];
        float[] std32 = new float[channels];
        for (int c = 0; c < channels; c++) {
            mean32[c] = (float) mean[c];
            std32[c] = (float) Math.sqrt(std[c] / (count - 1));
        }
        for (int c = 0; c < channels; c++) {
            if (!(std32[c] > 0)) {
                throw new Net2NetException("channel " + c + " of " + scaledTrain.name()
                        + " is constant in the training split, so it cannot be standardised: drop standardisation");
            }
        }
        return new Preprocessing(scale, mean32, std32);
    }

    public boolean standardizes() {
        return mean != null;
    }

    @Override
    public float[] mean() {
        return mean == null ? null : mean.clone();
    }

    @Override
    public float[] std() {
        return std == null ? null : std.clone();
    }

    /** Both steps, for raw values: any number of samples of {@code sampleShape}, row-major. */
    public float[] applyRaw(float[] raw, int[] sampleShape) {
        float[] x = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            x[i] = (float) (raw[i] * scale);
        }
        return standardizeInPlace(x, sampleShape);
    }

    /**
     * Step 2 only, for a dataset whose features are already scaled (as the loaders return them).
     * Returns a new dataset, or {@code scaled} itself when there is nothing to do.
     */
    public Dataset apply(Dataset scaled) {
        if (!standardizes()) {
            return scaled;
        }
        return scaled.withFeatures(standardizeInPlace(scaled.features().clone(), scaled.sampleShape()));
    }

    /** {@link #apply(Dataset)} on both splits. */
    public Splits apply(Splits scaled) {
        return scaled.map(this::apply);
    }

    private float[] standardizeInPlace(float[] x, int[] sampleShape) {
        if (!standardizes()) {
            return x;
        }
        int sampleLength = Dataset.product(sampleShape);
        if (x.length % sampleLength != 0) {
            throw new Net2NetException(x.length + " input values are not a whole number of samples of shape "
                    + Arrays.toString(sampleShape) + ": pass complete samples");
        }
        if (mean.length != 1 && mean.length != sampleShape[0]) {
            throw new Net2NetException("preprocessing has " + mean.length + " channel means but samples of shape "
                    + Arrays.toString(sampleShape) + " have " + sampleShape[0]
                    + " channels: the preprocessing belongs to a different input shape");
        }
        int perChannel = mean.length == 1 ? x.length : sampleLength / sampleShape[0];
        for (int start = 0; start < x.length; start += perChannel) {
            int c = (start / perChannel) % mean.length;
            // In chunks: a short, often-called loop gets fully JIT-compiled (vectorised) quickly.
            for (int from = start; from < start + perChannel; from += 1 << 14) {
                standardizeRange(x, from, Math.min(start + perChannel, from + (1 << 14)), mean[c], std[c]);
            }
        }
        return x;
    }

    private static void standardizeRange(float[] x, int from, int to, float mean, float std) {
        for (int i = from; i < to; i++) {
            x[i] = (x[i] - mean) / std;
        }
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("scale", scale);
        o.add("mean", toJsonArray(mean));
        o.add("std", toJsonArray(std));
        o.addProperty("formula", FORMULA);
        return o;
    }

    /** Reads {@link #toJson()}'s output; a missing or null mean/std means no standardisation. */
    public static Preprocessing fromJson(JsonObject o) {
        JsonElement scale = o == null ? null : o.get("scale");
        if (scale == null
                || !scale.isJsonPrimitive()
                || !scale.getAsJsonPrimitive().isNumber()) {
            throw new Net2NetException(
                    "the preprocessing in model.json has no numeric \"scale\": add e.g. \"scale\": 1.0 (or 0.00392156862745098 for pixel bytes)");
        }
        return new Preprocessing(scale.getAsDouble(), fromJsonArray(o, "mean"), fromJsonArray(o, "std"));
    }

    /** One human-readable line, e.g. "raw values * 1/255, then (x - mean) / std per channel: mean [0.2860], std [0.3530]". */
    public String describe() {
        double inverse = 1 / scale;
        String s = scale == 1
                ? "raw values unscaled"
                : Math.abs(inverse - Math.rint(inverse)) < 1e-9
                        ? "raw values * 1/" + (long) Math.rint(inverse)
                        : "raw values * " + scale;
        if (!standardizes()) {
            return s + ", not standardised";
        }
        return s + ", then (x - mean) / std per " + (mean.length == 1 ? "input (one channel)" : "channel") + ": mean "
                + format(mean) + ", std " + format(std);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Preprocessing p
                && Double.compare(scale, p.scale) == 0
                && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Double.hashCode(scale) + Arrays.hashCode(mean)) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Preprocessing[" + describe() + "]";
    }

    private static JsonElement toJsonArray(float[] values) {
        if (values == null) {
            return JsonNull.INSTANCE;
        }
        JsonArray a = new JsonArray();
        for (float v : values) {
            a.add(v);
        }
        return a;
    }

    private static float[] fromJsonArray(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonArray()) {
            throw new Net2NetException("\"" + key
                    + "\" in the preprocessing in model.json is not an array: write a list of numbers or null");
        }
        JsonArray a = e.getAsJsonArray();
        float[] values = new float[a.size()];
        for (int i = 0; i < values.length; i++) {
            JsonElement v = a.get(i);
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                throw new Net2NetException("\"" + key + "\"[" + i
                        + "] in the preprocessing in model.json is not a number: write a list of numbers");
            }
            values[i] = v.getAsFloat();
        }
        return values;
    }

    private static String format(float[] values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", values[i]));
        }
        return b.append(']').toString();
    }
}
