package net2net.data;

import java.util.function.UnaryOperator;

/** A training split and a test split of the same data. */
public record Splits(Dataset train, Dataset test) {

    /** Applies {@code f} to both splits. */
    public Splits map(UnaryOperator<Dataset> f) {
        return new Splits(f.apply(train), f.apply(test));
    }
}
