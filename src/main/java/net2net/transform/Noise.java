package net2net.transform;

import java.util.Locale;
import net2net.Net2NetException;

/** How Net2WiderNet breaks the symmetry between a unit and its replicas (docs/math.md#zero-sum-noise). */
public enum Noise {
    /** Exact replicas: they stay identical under gradient descent unless dropout separates them. */
    NONE,
    /**
     * Zero-sum noise on the replicas' outgoing weights: w/c + e_j with sum_j e_j = 0 over the replicas
     * of a unit, so their contributions still sum to w and the function is unchanged.
     */
    EXACT,
    /** The paper's way: independent Gaussian noise on the replicas' outgoing weights. The function drifts. */
    PAPER;

    public static Noise parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Net2NetException("unknown noise '" + s + "'; use none, exact or paper");
        }
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
