package net2net.spec;

import ai.djl.ndarray.types.Shape;
import net2net.Net2NetException;

/** Small checks shared by the layer records. */
final class Specs {
    private Specs() {}

    static Net2NetException error(String layer, String message) {
        return new Net2NetException("layer '" + layer + "': " + message);
    }

    static void requirePositive(int value, String layer, String field) {
        if (value <= 0) {
            throw error(layer, field + " must be a positive integer, got " + value);
        }
    }

    static void requireRank(Layer layer, Shape in, int rank, String what) {
        if (in.dimension() != rank) {
            throw error(layer.name(), layer.kind() + " needs " + what + " as input, got shape " + in);
        }
    }
}
