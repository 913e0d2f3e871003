package net2net.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import net2net.Net2NetException;

/** Mini-batch index lists: shuffled per epoch for training, sequential for evaluation. */
public final class Batches {
    private Batches() {}

    /**
     * The batches of one training epoch: a fresh permutation of 0..n-1, derived only from
     * (seed, epoch), cut into batches of {@code batchSize}; the last batch keeps the remainder
     * (like a PyTorch DataLoader with drop_last=False). Resuming at epoch e reproduces epoch e.
     */
    public static int[][] epochBatches(int n, int batchSize, long seed, int epoch) {
        return cut(permutation(n, Seeds.derive(Seeds.derive(seed, Seeds.EPOCH), epoch)), batchSize);
    }

    /** 0..n-1 in order, cut into batches of {@code batchSize} (the last one may be shorter). */
    public static int[][] sequentialBatches(int n, int batchSize) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return cut(order, batchSize);
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates) determined by {@code seed}. */
    public static int[] permutation(int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("n = " + n);
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p, new SplittableRandom(seed));
        return p;
    }

    static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static int[][] cut(int[] order, int batchSize) {
        if (batchSize <= 0) {
            throw new Net2NetException("batch size " + batchSize + " is not positive: pass a batch size of at least 1");
        }
        int count = (order.length + batchSize - 1) / batchSize;
        int[][] batches = new int[count][];
        for (int b = 0; b < count; b++) {
            int from = b * batchSize;
            batches[b] = Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize));
        }
        return batches;
    }
}
