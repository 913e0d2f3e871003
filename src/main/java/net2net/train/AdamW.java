package net2net.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiPredicate;
import net2net.Net2NetException;

/**
 * AdamW exactly as PyTorch's {@code torch.optim.AdamW} (amsgrad off), per parameter w with
 * gradient g, step t counted from 1:
 *
 * <pre>
 *   w = w * (1 - lr * weight_decay)                 (decoupled decay, before the Adam update)
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2               (m and v start at 0)
 *   w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * The decay never enters m or v (that is what "decoupled" means, unlike Adam's L2 term), so the
 * moments are functions of the gradients alone. The state lives in this optimizer's own manager,
 * keyed by state_dict name; gradients are zeroed after each step (DJL's PyTorch engine accumulates
 * them). Each parameter counts its own steps, as PyTorch does, so a parameter added in the middle
 * of a run starts with fresh bias correction.
 */
public final class AdamW implements Optimizer {
    /** PyTorch's defaults. */
    public static final double DEFAULT_BETA1 = 0.9,
            DEFAULT_BETA2 = 0.999,
            DEFAULT_EPS = 1e-8,
            DEFAULT_WEIGHT_DECAY = 0.01;

    /** Every parameter decays: PyTorch's AdamW with one parameter group. */
    public static final BiPredicate<String, Shape> ALL = (name, shape) -> true;
    /**
     * Only matrices and kernels (two or more dimensions) decay; biases and norm weights do not: the
     * two parameter groups of nanoGPT and most transformer recipes (weight_decay 0 in the second).
     */
    public static final BiPredicate<String, Shape> MATRICES = (name, shape) -> shape.dimension() >= 2;

    private static final String FIRST = ".exp_avg", SECOND = ".exp_avg_sq", STEPS = ".step";

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final BiPredicate<String, Shape> decays;
    private final NDManager manager = NDManager.newBaseManager();
    private final Map<String, Moments> moments = new LinkedHashMap<>();

    /** One parameter's mutable state. */
    private static final class Moments {
        final NDArray m;
        final NDArray v;
        long steps;

        Moments(NDArray m, NDArray v, long steps) {
            this.m = m;
            this.v = v;
            this.steps = steps;
        }
    }

    public AdamW(double beta1, double beta2, double eps, double weightDecay) {
        this(beta1, beta2, eps, weightDecay, ALL);
    }

    /** @param decays which parameters (by state_dict name and shape) get the weight decay; the others get none */
    public AdamW(double beta1, double beta2, double eps, double weightDecay, BiPredicate<String, Shape> decays) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new Net2NetException("AdamW betas must be in [0, 1), got " + beta1 + " and " + beta2);
        }
        if (!(eps >= 0) || !(weightDecay >= 0) || Double.isInfinite(eps) || Double.isInfinite(weightDecay)) {
            throw new Net2NetException(
                    "AdamW eps and weight decay must be non-negative numbers, got " + eps + " and " + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decays = decays;
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, with the given weight decay. */
    public static AdamW withWeightDecay(double weightDecay) {
        return new AdamW(DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, weightDecay);
    }

    @Override
    public void step(Map<String, Parameter> parameters, double lr, NDManager scratch) {
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            NDArray w = e.getValue().getArray();
            // The wrapper shares the parameter's .grad storage: read here, zeroed at the end.
            NDArray g = scratch(w.getGradient(), scratch);
            Moments s =
                    moments.computeIfAbsent(e.getKey(), k -> new Moments(own(w.zerosLike()), own(w.zerosLike()), 0));
            s.steps++;
            if (weightDecay != 0 && decays.test(e.getKey(), w.getShape())) {
                w.muli(1 - lr * weightDecay);
            }
            // Scalars go in as doubles: a float64 parameter then gets them unrounded, a float32 one rounds them as
            // torch does.
            s.m.muli(beta1).addi(scratch(g.mul(1 - beta1), scratch));
            s.v.muli(beta2).addi(scratch(g.square().muli(1 - beta2), scratch));
            double correction1 = 1 - Math.pow(beta1, s.steps);
            double correction2 = Math.sqrt(1 - Math.pow(beta2, s.steps));
            NDArray denominator = scratch(s.v.sqrt(), scratch).divi(correction2).addi(eps);
            w.subi(scratch(s.m.div(denominator), scratch).muli(lr / correction1));
            g.muli(0);
        }
    }

    private NDArray own(NDArray a) {
        a.attach(manager);
        return a;
    }

    private static NDArray scratch(NDArray a, NDManager scratch) {
        a.attach(scratch);
        return a;
    }

    @Override
    public Map<String, State> state() {
        Map<String, State> state = new LinkedHashMap<>();
        moments.forEach((k, s) -> state.put(k, new Adam(s.m, s.v, s.steps)));
        return state;
    }

    @Override
    public void setState(Map<String, ? extends State> state) {
        Map<String, Moments> copies = new LinkedHashMap<>();
        for (Map.Entry<String, ? extends State> e : state.entrySet()) {
            if (!(e.getValue() instanceof Adam a)) {
                copies.values().forEach(c -> close(c));
                throw new IllegalArgumentException("AdamW keeps two moments and a step count per parameter, not "
                        + e.getValue().getClass().getSimpleName() + " (parameter " + e.getKey() + ")");
            }
            copies.put(
                    e.getKey(),
                    new Moments(
                            own(a.firstMoment().duplicate()),
                            own(a.secondMoment().duplicate()),
                            a.steps()));
        }
        moments.values().forEach(AdamW::close);
        moments.clear();
        moments.putAll(copies);
    }

    private static void close(Moments s) {
        s.m.close();
        s.v.close();
    }

    /** Writes {@code name.exp_avg}, {@code name.exp_avg_sq} and {@code name.step} (int64) per parameter, as safetensors. */
    @Override
    public void save(Path file) throws IOException {
        NDList list = new NDList();
        try {
            moments.forEach((k, s) -> {
                list.add(named(s.m.duplicate(), k + FIRST));
                list.add(named(s.v.duplicate(), k + SECOND));
                list.add(named(manager.create(new long[] {s.steps}), k + STEPS));
            });
            try (OutputStream os = Files.newOutputStream(file)) {
                list.encode(os, NDList.Encoding.SAFETENSORS);
            }
        } finally {
            list.close();
        }
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }

    /** Replaces the state with that saved by {@link #save}. */
    @Override
    public void load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Net2NetException("cannot read the optimizer state " + file + " ("
                    + e.getClass().getSimpleName() + "); the checkpoint is incomplete, start again without --resume");
        }
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        if (bytes.length > 8 + 2) { // else no state yet (an empty safetensors file)
            try {
                for (NDArray a : NDList.decode(manager, bytes)) {
                    arrays.put(a.getName(), a);
                }
            } catch (RuntimeException e) {
                throw new Net2NetException("the optimizer state " + file + " is corrupt; start again without --resume");
            }
        }
        Map<String, Moments> loaded = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            if (!e.getKey().endsWith(STEPS)) {
                continue;
            }
            String name = e.getKey().substring(0, e.getKey().length() - STEPS.length());
            NDArray m = arrays.get(name + FIRST);
            NDArray v = arrays.get(name + SECOND);
            NDArray steps = e.getValue();
            if (m == null
                    || v == null
                    || steps.getDataType() != DataType.INT64
                    || steps.size() != 1
                    || steps.getLong() < 1
                    || !m.getShape().equals(v.getShape())) {
                arrays.values().forEach(NDArray::close);
                throw new Net2NetException(
                        "the optimizer state " + file + " is not an AdamW state for parameter " + name
                                + " (it needs " + name + FIRST + ", " + name + SECOND + " of one shape and a positive "
                                + name + STEPS
                                + "); start again without --resume");
            }
            loaded.put(name, new Moments(m, v, steps.getLong()));
            steps.close();
        }
        if (arrays.size() != 3 * loaded.size()) {
            arrays.values().forEach(NDArray::close);
            throw new Net2NetException("the optimizer state " + file + " is not an AdamW state (it holds "
                    + arrays.keySet() + "); start again without --resume");
        }
        moments.values().forEach(AdamW::close);
        moments.clear();
        moments.putAll(loaded);
    }

    @Override
    public void close() {
        manager.close();
    }
}
