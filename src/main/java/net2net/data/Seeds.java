package net2net.data;

/**
 * Derives independent seeds from one user seed, so that e.g. the subset, the split and every epoch's
 * shuffle each get their own random stream. {@code derive(seed, salt)} is SplitMix64's finaliser
 * applied to {@code seed + golden * (salt + 1)}: different (seed, salt) pairs give unrelated seeds,
 * unlike {@code seed + salt}, where (s, 1) and (s + 1, 0) would collide.
 */
public final class Seeds {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    /** Salts for the streams used in this package. */
    public static final long SUBSET = 1, SPLIT = 2, NOISE = 3, EPOCH = 4, VALIDATION = 5;

    private Seeds() {}

    public static long derive(long seed, long salt) {
        long z = seed + GOLDEN_GAMMA * (salt + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A seed for the {@code index}-th of many generators drawn side by side (Net2WiderNet's noise
     * has one per output row): {@code seed ^ golden * (index + 1)}. Cheaper than {@link #derive},
     * and enough for {@link java.util.SplittableRandom}, which mixes its seed on every draw; kept
     * apart from derive because the widened students recorded so far were made with it.
     */
    public static long perIndex(long seed, long index) {
        return seed ^ (GOLDEN_GAMMA * (index + 1));
    }
}
