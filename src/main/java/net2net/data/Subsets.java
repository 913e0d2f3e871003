package net2net.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import net2net.Net2NetException;

/**
 * Seeded subsets for quick runs ({@code --limit N}). For classification they are class-balanced:
 * each class gets N / numClasses samples, the first N % numClasses classes one more (a class
 * with too few samples gives its shortfall to the next classes in order). Within a class the
 * samples are a seeded random choice. Regression sets get the first N of a seeded permutation.
 */
public final class Subsets {
    private Subsets() {}

    /** N training samples, class-balanced, in seeded random order. */
    public static Dataset limit(Dataset dataset, int n, long seed) {
        return dataset.subset(indices(dataset, n, seed, true));
    }

    /** N evaluation samples, class-balanced like {@link #limit}, kept in their original order. */
    public static Dataset testLimit(Dataset dataset, int n, long seed) {
        return dataset.subset(indices(dataset, n, seed, false));
    }

    /** The sample indices behind {@link #limit} (shuffled) or {@link #testLimit} (ascending). */
    public static int[] indices(Dataset dataset, int n, long seed, boolean shuffled) {
        if (n <= 0 || n > dataset.size()) {
            throw new Net2NetException("limit " + n + " is outside 1.." + dataset.size() + " for " + dataset.name()
                    + ": pass a sample count between 1 and the dataset size");
        }
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, Seeds.SUBSET));
        int[] chosen = dataset.isClassification()
                ? balanced(dataset, n, random)
                : Arrays.copyOf(Batches.permutation(dataset.size(), random.nextLong()), n);
        if (shuffled) {
            Batches.shuffle(chosen, random);
        } else {
            Arrays.sort(chosen);
        }
        return chosen;
    }

    private static int[] balanced(Dataset dataset, int n, SplittableRandom random) {
        int classes = dataset.numClasses();
        int[] available = dataset.classCounts();
        int[][] members = new int[classes][];
        int[] filled = new int[classes];
        for (int c = 0; c < classes; c++) {
            members[c] = new int[available[c]];
        }
        int[] labels = dataset.labels();
        for (int i = 0; i < labels.length; i++) {
            members[labels[i]][filled[labels[i]]++] = i;
        }

        int[] quota = new int[classes];
        int missing = 0;
        for (int c = 0; c < classes; c++) {
            int wanted = n / classes + (c < n % classes ? 1 : 0);
            quota[c] = Math.min(wanted, available[c]);
            missing += wanted - quota[c];
        }
        // Classes too small for their share: hand the shortfall round-robin to classes with spare samples.
        for (int c = 0; missing > 0; c = (c + 1) % classes) {
            if (quota[c] < available[c]) {
                quota[c]++;
                missing--;
            }
        }

        int[] chosen = new int[n];
        int k = 0;
        for (int c = 0; c < classes; c++) {
            Batches.shuffle(members[c], random);
            System.arraycopy(members[c], 0, chosen, k, quota[c]);
            k += quota[c];
        }
        return chosen;
    }
}
