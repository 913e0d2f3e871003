package net2net.data;

import net2net.Net2NetException;

/**
 * A fixed, class-balanced validation set carved out of a training set, and the training images
 * that remain. It depends only on the training set and the count (never on a run's seed), so every
 * run of a replication holds out the same images, and none of them is ever trained on. Choices
 * such as a learning rate are made on it; the test set is only reported.
 *
 * @param train the training images left, in their original order
 * @param validation the held-out images, class-balanced as {@link Subsets} balances, in their original order
 * @param validationIndices indices of the held-out images in the original training set, ascending
 */
public record ValidationSplit(Dataset train, Dataset validation, int[] validationIndices) {

    /** The one seed of every validation split: fixed, so that the split is the same in every run. */
    public static final long SEED = Seeds.derive(0, Seeds.VALIDATION);

    /** Holds out {@code n} class-balanced images of {@code all} (n / classes per class, as {@link Subsets#limit}). */
    public static ValidationSplit carve(Dataset all, int n) {
        if (n <= 0 || n >= all.size()) {
            throw new Net2NetException("a validation set of " + n + " images cannot be carved out of " + all.size()
                    + " training images: use between 1 and " + (all.size() - 1));
        }
        int[] held = Subsets.indices(all, n, SEED, false);
        boolean[] out = new boolean[all.size()];
        for (int i : held) {
            out[i] = true;
        }
        int[] kept = new int[all.size() - n];
        int k = 0;
        for (int i = 0; i < all.size(); i++) {
            if (!out[i]) {
                kept[k++] = i;
            }
        }
        return new ValidationSplit(all.subset(kept), all.subset(held), held.clone());
    }

    @Override
    public int[] validationIndices() {
        return validationIndices.clone();
    }
}
