package net2net.testing;

import java.util.List;

/**
 * The test tiers, as JUnit Platform tags. Every test carries at least one, through {@link Fast}, {@link Slow},
 * {@link Torch} or {@link RealData} on its class or method (TiersTest checks it). {@code ./run-tests} runs every
 * tier; {@code ./run-tests --fast} only {@code fast} (the pom's {@code tiers} property), which needs neither
 * Python nor the real data set.
 */
public final class Tiers {
    public static final String FAST = "fast";
    public static final String SLOW = "slow";
    public static final String TORCH = "torch";
    public static final String DATA = "data";
    public static final List<String> ALL = List.of(FAST, SLOW, TORCH, DATA);

    private Tiers() {}
}
