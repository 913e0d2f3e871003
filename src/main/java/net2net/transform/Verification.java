package net2net.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import net2net.Net2NetException;
import net2net.nn.DjlNetwork;
import net2net.nn.Network;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.spec.TransformerLayers;

/**
 * Measures how far a student's function is from its teacher's on the same inputs: the largest
 * absolute difference of any output, and that divided by the largest absolute teacher output.
 */
public final class Verification {
    private Verification() {}

    /** Tolerance on {@code maxRelDiff} for a transformation to count as function-preserving. */
    public static final double TOLERANCE = 1e-5;

    /**
     * @param trainMaxRelDiff the same in training mode (batchnorm uses batch statistics, dropout
     *                        off), or NaN when neither network has a batchnorm
     */
    public record Result(
            long samples, double maxAbsDiff, double maxRelDiff, double trainMaxRelDiff, double maxAbsTeacher) {
        public boolean exact() {
            return maxRelDiff <= TOLERANCE;
        }
    }

    /** Compares in float32, the precision the models are stored and run in. */
    public static Result compare(Network teacher, Network student, NDArray inputs) {
        return compare(teacher, student, inputs, DataType.FLOAT32);
    }

    /**
     * Compares copies of both networks in {@code precision}. A student grown from a float64 copy of
     * the teacher, compared in float64, tests the transformation's algebra itself: rounding
     * (amplified by batchnorm on near-constant channels in training mode) can neither hide nor
     * fake a difference there. A float32 student compared in float64 still carries the float32
     * rounding of its weights (w/c for c replicas).
     */
    public static Result compare(Network teacher, Network student, NDArray inputs, DataType precision) {
        if (!teacher.architecture().input().equals(student.architecture().input())
                || !teacher.architecture()
                        .outputShape()
                        .equals(student.architecture().outputShape())) {
            throw new Net2NetException("teacher and student differ in input or output shape ("
                    + teacher.architecture().input() + " -> "
                    + teacher.architecture().outputShape() + " vs "
                    + student.architecture().input() + " -> "
                    + student.architecture().outputShape()
                    + "); compare a student with the teacher it was grown from");
        }
        try (NDManager scratch = NDManager.newBaseManager();
                Network tp = teacher.copy(precision);
                Network sp = student.copy(precision)) {
            // token ids stay integers
            NDArray x = inputs.getDataType().isInteger()
                    ? inputs.duplicate()
                    : inputs.duplicate().toType(precision, false);
            x.attach(scratch);
            NDArray t = DjlNetwork.of(tp).forward(x, false);
            NDArray s = DjlNetwork.of(sp).forward(x, false);
            t.attach(scratch);
            s.attach(scratch);
            double maxAbsTeacher = t.abs().max().toType(DataType.FLOAT64, false).getDouble();
            double maxAbs = t.sub(s).abs().max().toType(DataType.FLOAT64, false).getDouble();
            double trainRel = Double.NaN;
            if (hasBatchNorm(teacher) || hasBatchNorm(student)) {
                // Training mode updates running statistics: run copies, never the models themselves.
                NDArray tt = DjlNetwork.withoutDropout(tp).forward(x, true);
                NDArray st = DjlNetwork.withoutDropout(sp).forward(x, true);
                trainRel = relative(
                        tt.sub(st).abs().max().toType(DataType.FLOAT64, false).getDouble(),
                        tt.abs().max().toType(DataType.FLOAT64, false).getDouble());
            }
            return new Result(x.getShape().get(0), maxAbs, relative(maxAbs, maxAbsTeacher), trainRel, maxAbsTeacher);
        }
    }

    private static double relative(double diff, double scale) {
        return scale > 0 ? diff / scale : diff;
    }

    static boolean hasBatchNorm(Network n) {
        return n.architecture().all().stream().anyMatch(l -> l.layer() instanceof Layer.BatchNorm);
    }

    /** Seeded random inputs for the architecture: token ids for a token model, standard-normal values otherwise. */
    public static NDArray randomInputs(NDManager manager, Architecture arch, int samples, long seed) {
        if (arch.tokenInput()) {
            return randomTokens(
                    manager,
                    ((TransformerLayers.Embedding) arch.layers().get(0)).vocab(),
                    samples,
                    arch.input().get(0),
                    seed);
        }
        return randomInputs(manager, arch.input(), samples, seed);
    }

    /** {@code samples} sequences of {@code length} token ids, uniform in [0, vocab), int64. */
    public static NDArray randomTokens(NDManager manager, int vocab, int samples, long length, long seed) {
        if (samples < 1) {
            throw new Net2NetException("--samples must be at least 1, got " + samples);
        }
        long[] v = new long[Math.toIntExact(samples * length)];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextInt(vocab);
        }
        return manager.create(v, new Shape(samples, length));
    }

    /** A seeded batch of standard-normal inputs of the network's input shape. */
    public static NDArray randomInputs(NDManager manager, Shape inputShape, int samples, long seed) {
        if (samples < 1) {
            throw new Net2NetException("--samples must be at least 1, got " + samples);
        }
        Shape shape = new Shape(samples).addAll(inputShape);
        float[] v = new float[Math.toIntExact(shape.size())];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return manager.create(v, shape);
    }
}
