package net2net.data;

import java.util.Arrays;
import net2net.Net2NetException;

/**
 * An in-memory dataset: {@code size} samples of shape {@code sampleShape}, stored row-major in one
 * float array (sample i occupies {@code features[i*L .. (i+1)*L)} with L = {@link #sampleLength()}).
 *
 * <p>Classification: {@code labels} holds one class index per sample in [0, numClasses) and
 * {@code targets} is null. Regression: {@code targets} holds one float per sample, {@code labels}
 * is null and {@code numClasses} is 0.
 *
 * <p>The feature array is shared, not copied (Fashion-MNIST train is 188 MB); treat it as
 * read-only. {@link #subset} copies.
 */
public record Dataset(
        String name, float[] features, int[] sampleShape, int size, int[] labels, float[] targets, int numClasses) {

    public Dataset {
        if (name == null || features == null || sampleShape == null) {
            throw new Net2NetException(
                    "dataset has no name, features or sample shape: this is a bug in the data loader, please report it");
        }
        sampleShape = sampleShape.clone();
        long length = 1;
        for (int d : sampleShape) {
            if (d <= 0) {
                throw new Net2NetException("dataset " + name + " has sample shape " + Arrays.toString(sampleShape)
                        + " with a non-positive dimension: every dimension must be at least 1");
            }
            length *= d;
        }
        if (size < 0 || (long) size * length != features.length) {
            throw new Net2NetException("dataset " + name + " has " + features.length + " feature values but " + size
                    + " samples of shape " + Arrays.toString(sampleShape) + " need " + (long) size * length
                    + ": the features must hold exactly size * prod(sampleShape) floats");
        }
        if ((labels == null) == (targets == null)) {
            throw new Net2NetException(
                    "dataset " + name + " must have either labels (classification) or targets (regression), not "
                            + (labels == null ? "neither" : "both"));
        }
        if (labels != null) {
            if (numClasses < 2) {
                throw new Net2NetException("dataset " + name + " is a classification set with numClasses " + numClasses
                        + ": it needs at least 2 classes");
            }
            if (labels.length != size) {
                throw new Net2NetException("dataset " + name + " has " + labels.length + " labels for " + size
                        + " samples: give exactly one label per sample");
            }
            for (int i = 0; i < size; i++) {
                if (labels[i] < 0 || labels[i] >= numClasses) {
                    throw new Net2NetException("dataset " + name + " has label " + labels[i] + " at sample " + i
                            + ", outside 0.." + (numClasses - 1) + ": fix the label file");
                }
            }
        } else {
            if (numClasses != 0) {
                throw new Net2NetException("dataset " + name + " is a regression set but has numClasses " + numClasses
                        + ": use numClasses 0 with targets");
            }
            if (targets.length != size) {
                throw new Net2NetException("dataset " + name + " has " + targets.length + " targets for " + size
                        + " samples: give exactly one target per sample");
            }
        }
    }

    /** Number of floats per sample, the product of {@link #sampleShape()}. */
    public int sampleLength() {
        return product(sampleShape);
    }

    /** A defensive copy; the record keeps its own. */
    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    public boolean isClassification() {
        return labels != null;
    }

    /** A new dataset holding copies of the given samples, in the given order (repeats allowed). */
    public Dataset subset(int[] indices) {
        float[] f = new float[Math.multiplyExact(indices.length, sampleLength())];
        copyFeatures(indices, f);
        if (isClassification()) {
            int[] l = new int[indices.length];
            copyLabels(indices, l);
            return new Dataset(name, f, sampleShape, indices.length, l, null, numClasses);
        }
        float[] t = new float[indices.length];
        copyTargets(indices, t);
        return new Dataset(name, f, sampleShape, indices.length, null, t, 0);
    }

    /** Same samples and labels/targets, new feature values (same shape); used by preprocessing. */
    public Dataset withFeatures(float[] newFeatures) {
        return new Dataset(name, newFeatures, sampleShape, size, labels, targets, numClasses);
    }

    /** Gathers the rows {@code indices} into {@code dst[0 .. indices.length * sampleLength())}. */
    public void copyFeatures(int[] indices, float[] dst) {
        int l = sampleLength();
        if (dst.length < (long) indices.length * l) {
            throw new IllegalArgumentException(
                    "dst holds " + dst.length + " floats, need " + (long) indices.length * l);
        }
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(features, checkIndex(indices[i]) * l, dst, i * l, l);
        }
    }

    /** Gathers the class labels of {@code indices} into {@code dst}; classification only. */
    public void copyLabels(int[] indices, int[] dst) {
        if (labels == null) {
            throw new IllegalStateException("dataset " + name + " is a regression set and has no labels");
        }
        for (int i = 0; i < indices.length; i++) {
            dst[i] = labels[checkIndex(indices[i])];
        }
    }

    /** Gathers the regression targets of {@code indices} into {@code dst}; regression only. */
    public void copyTargets(int[] indices, float[] dst) {
        if (targets == null) {
            throw new IllegalStateException("dataset " + name + " is a classification set and has no targets");
        }
        for (int i = 0; i < indices.length; i++) {
            dst[i] = targets[checkIndex(indices[i])];
        }
    }

    /** Number of samples per class; classification only. */
    public int[] classCounts() {
        if (labels == null) {
            throw new IllegalStateException("dataset " + name + " is a regression set and has no classes");
        }
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return name + ": " + size + " samples of shape " + Arrays.toString(sampleShape)
                + (isClassification() ? ", " + numClasses + " classes" : ", regression");
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("sample index " + i + " outside 0.." + (size - 1) + " of " + name);
        }
        return i;
    }

    static int product(int[] shape) {
        int p = 1;
        for (int d : shape) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }
}
