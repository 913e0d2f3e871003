package net2net.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import net2net.Net2NetException;
import net2net.nn.Network;
import net2net.spec.Architecture;
import net2net.transform.Net2DeeperNet;
import net2net.transform.Net2WiderNet;
import net2net.transform.Noise;
import net2net.transform.TransformerDeepening;
import net2net.transform.TransformerGradientMap;
import net2net.transform.TransformerWidening;

/**
 * Growth inside a training run (docs/optimizer-growth.md): the {@link GrowthListener} that applies
 * each {@link GrowthSpec} once, at its point, growing the network with the transform of the widen or
 * deepen command and the optimizer state with it ({@link StateMode#KEEP}: the gradient map, zero
 * state for new parameters and for sites with no rule) or resetting it ({@link StateMode#RESET}).
 * {@link #grow} is the same growth as a pure function.
 */
public final class GrowInRun implements GrowthListener, AutoCloseable {

    /** What happens to the optimizer state at a growth point ({@code --grow-state}). */
    public enum StateMode {
        /** Grown with the gradient map (zero where no rule holds). */
        KEEP,
        /** Dropped: every parameter starts from zero state, as a fresh optimizer. */
        RESET;

        public static StateMode parse(String s) {
            for (StateMode m : values()) {
                if (m.key().equals(s)) {
                    return m;
                }
            }
            throw new Net2NetException("unknown --grow-state '" + s + "'; use keep (grow the optimizer state with the"
                    + " network) or reset (start it from zero)");
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The symmetry breaking of the widenings and the state mode. The state map is exact only with
     * noise none; the default is the commands' default noise (exact zero-sum noise, scale 0.05), which
     * keeps the function and lets the copies drift apart.
     */
    public record Settings(Noise noise, double noiseScale, StateMode state) {
        public static Settings defaults(StateMode state) {
            return new Settings(Noise.EXACT, Net2WiderNet.DEFAULT_NOISE_SCALE, state);
        }
    }

    private final List<GrowthSpec> specs;
    private final long seed;
    private final Settings settings;
    private final Set<Integer> fired = new HashSet<>();
    private NDManager handedOut; // the last Grown's state: closed at the next call (the trainer has copied it)
    private long checkPerEpoch = -1; // > 0: check the specs still ahead at the first call (a resumed run)
    private long checkBudget;
    private boolean called;

    /**
     * @param seed the run's seed: growth i uses {@link #seedOf}(seed, i), for its mapping, noise and
     *             new layers
     */
    public GrowInRun(List<GrowthSpec> specs, long seed, Settings settings) {
        this.specs = List.copyOf(specs);
        this.seed = seed;
        this.settings = settings;
    }

    /**
     * Checks the specs still ahead against the network at the first call ({@link #check}), for a resumed
     * run, whose starting step and network only the trainer knows: a spec that does not fit then fails
     * at the first step rather than at its point.
     */
    public synchronized GrowInRun checkAtFirstCall(long stepsPerEpoch, long budget) {
        this.checkPerEpoch = stepsPerEpoch;
        this.checkBudget = budget;
        return this;
    }

    /** The seed of growth {@code index} in a run seeded {@code seed}. */
    public static long seedOf(long seed, int index) {
        return seed * 1_000_003L + 7919L * (index + 1);
    }

    /**
     * Grows at every spec whose point this is and that has not fired yet (a step point before an epoch
     * point at the same boundary, then in the order given). A resumed run never sees the points it
     * has passed, so those do not fire again.
     */
    @Override
    public synchronized Grown at(Point point, Network network, Optimizer optimizer) {
        closeHandedOut();
        if (!called && checkPerEpoch > 0) {
            check(network, specs, checkPerEpoch, checkBudget, point.steps() - 1);
        }
        called = true;
        List<Integer> due = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            if (!fired.contains(i) && specs.get(i).at().matches(point)) {
                due.add(i);
            }
        }
        if (due.isEmpty()) {
            return null;
        }
        due.sort(Comparator.comparing((Integer i) -> specs.get(i).at() instanceof GrowthSpec.Epoch ? 1 : 0));
        NDManager manager = NDManager.newBaseManager();
        Network current = network;
        Map<String, Optimizer.State> state = optimizer.state();
        try {
            for (int i : due) {
                Grown next = grow(current, state, specs.get(i).transform(), seedOf(seed, i), settings, manager);
                if (current != network) {
                    current.close();
                }
                current = next.network();
                state = next.state();
                fired.add(i);
            }
        } catch (RuntimeException e) {
            if (current != network) {
                current.close();
            }
            manager.close();
            throw e;
        }
        handedOut = manager;
        return new Grown(current, state);
    }

    /** The specs (as `train --grow` reads them) and the state mode, for the checkpoint. */
    @Override
    public JsonObject plan() {
        JsonObject o = new JsonObject();
        JsonArray grow = new JsonArray();
        specs.forEach(s -> grow.add(s.toString()));
        o.add("grow", grow);
        o.addProperty("grow_state", settings.state().key());
        return o;
    }

    /** The specs that have fired so far, in the order given. */
    public synchronized List<GrowthSpec> fired() {
        return fired.stream().sorted().map(specs::get).toList();
    }

    private void closeHandedOut() {
        if (handedOut != null) {
            handedOut.close();
            handedOut = null;
        }
    }

    @Override
    public synchronized void close() {
        closeHandedOut();
    }

    /**
     * The growth as a pure function: the student (the caller closes it) and its optimizer state (new
     * arrays in {@code manager}; absent parameters start from zero). Neither {@code teacher} nor
     * {@code state} is changed.
     *
     * @throws Net2NetException the transform's one-line error, for a spec that does not fit the network
     */
    public static Grown grow(
            Network teacher,
            Map<String, Optimizer.State> state,
            GrowthSpec.Transform transform,
            long seed,
            Settings settings,
            NDManager manager) {
        Architecture arch = teacher.architecture();
        Network student;
        Map<String, Optimizer.State> grown;
        if (transform instanceof GrowthSpec.Widen w && !TransformerWidening.applies(teacher)) {
            Map<String, Integer> widths = new LinkedHashMap<>();
            for (GrowthSpec.Width width : w.widths()) {
                if (width.option() != GrowthSpec.Option.WIDTH) {
                    throw new Net2NetException("'" + width + "': heads and head-dim apply to attention layers of"
                            + " token models; give LAYER=WIDTH");
                }
                widths.put(width.layer(), width.value());
            }
            Net2WiderNet.Widened widened = Net2WiderNet.widenWithMappings(
                    teacher, widths, new Net2WiderNet.Options(settings.noise(), settings.noiseScale(), seed));
            student = widened.student();
            grown = settings.state() == StateMode.RESET
                    ? Map.of()
                    : guard(student, () -> OptimizerGrowth.widened(state, arch, widened.widenings(), manager));
        } else if (transform instanceof GrowthSpec.Widen w) {
            return widenTokenModel(teacher, state, w, seed, settings, manager);
        } else {
            GrowthSpec.Deepen d = (GrowthSpec.Deepen) transform;
            student = deepen(teacher, d, seed);
            grown = settings.state() == StateMode.RESET
                    ? Map.of()
                    : guard(
                            student,
                            () -> OptimizerGrowth.deepened(
                                    state, student.architecture().parameterShapes(), manager));
        }
        return new Grown(student, grown);
    }

    /** Each widening in turn (a stream, an FFN, heads), the state mapped after each. */
    private static Grown widenTokenModel(
            Network teacher,
            Map<String, Optimizer.State> state,
            GrowthSpec.Widen w,
            long seed,
            Settings settings,
            NDManager manager) {
        TransformerWidening.Options options =
                new TransformerWidening.Options(settings.noise(), settings.noiseScale(), seed);
        Network current = teacher;
        Map<String, Optimizer.State> grown = state;
        try (NDManager steps = manager.newSubManager()) {
            for (GrowthSpec.Width width : w.widths()) {
                Architecture before = current.architecture();
                TransformerGradientMap.Widening mapped;
                Network next;
                switch (width.option()) {
                    case HEADS -> {
                        next = TransformerWidening.growHeads(current, width.layer(), width.value(), options);
                        mapped = new TransformerGradientMap.Heads(width.layer(), width.value(), seed);
                    }
                    case HEAD_DIM -> {
                        next = TransformerWidening.growHeadDim(current, width.layer(), width.value(), options);
                        mapped = new TransformerGradientMap.HeadDim(width.layer(), width.value());
                    }
                    default -> {
                        next = TransformerWidening.widen(current, width.layer(), width.value(), options);
                        mapped = new TransformerGradientMap.Width(width.layer(), width.value(), seed);
                    }
                }
                if (current != teacher) {
                    current.close();
                }
                current = next;
                if (settings.state() == StateMode.KEEP) {
                    Map<String, Optimizer.State> in = grown;
                    Network student = current;
                    grown = guard(student, () -> mapState(in, before, mapped, steps));
                }
            }
            Map<String, Optimizer.State> owned = new LinkedHashMap<>();
            if (settings.state() == StateMode.KEEP) {
                grown.forEach((k, s) -> owned.put(k, copy(s, manager)));
            }
            return new Grown(current, owned);
        } catch (RuntimeException e) {
            if (current != teacher) {
                current.close();
            }
            throw e;
        }
    }

    /** The state through one token-model widening: moments by the map (Adam's second by its square). */
    static Map<String, Optimizer.State> mapState(
            Map<String, Optimizer.State> state,
            Architecture teacher,
            TransformerGradientMap.Widening widening,
            NDManager manager) {
        return OptimizerGrowth.mapped(
                state, (arrays, power) -> TransformerGradientMap.apply(teacher, widening, arrays, power, manager));
    }

    private static Network deepen(Network teacher, GrowthSpec.Deepen d, long seed) {
        if (teacher.architecture().tokenInput()) {
            if (d.residual() || d.batchnorm() != null || d.name() != null || d.kernel() != 3) {
                throw new Net2NetException("'" + d + "': residual, kernel, batchnorm and name do not apply to token"
                        + " models; give after=BLOCK only");
            }
            return TransformerDeepening.deepen(teacher, d.after(), seed);
        }
        if (d.withBatchnorm() && !d.residual()) {
            throw new Net2NetException("'" + d + "': an identity layer's batchnorm is set from statistics of a batch"
                    + " of inputs, which a growth inside a run does not take; drop batchnorm, or deepen with residual");
        }
        Net2DeeperNet.Options options = d.residual()
                ? Net2DeeperNet.Options.residual(d.kernel(), d.withBatchnorm(), d.name(), seed)
                : new Net2DeeperNet.Options(d.kernel(), false, null, d.name());
        return Net2DeeperNet.deepen(teacher, d.after(), options);
    }

    /**
     * Runs the state growth; if it fails, closes the student. Every grown array must have its
     * parameter's shape: the state is the student's.
     */
    private static Map<String, Optimizer.State> guard(Network student, Supplier<Map<String, Optimizer.State>> growth) {
        try {
            Map<String, Optimizer.State> grown = growth.get();
            Map<String, Shape> shapes = student.architecture().parameterShapes();
            grown.forEach((k, s) -> {
                Shape shape = s instanceof Optimizer.Momentum m
                        ? m.velocity().getShape()
                        : ((Optimizer.Adam) s).firstMoment().getShape();
                if (!shape.equals(shapes.get(k))) {
                    throw new IllegalStateException(
                            "grown state of " + k + " has shape " + shape + ", the parameter " + shapes.get(k));
                }
            });
            return grown;
        } catch (RuntimeException e) {
            student.close();
            throw e;
        }
    }

    private static Optimizer.State copy(Optimizer.State s, NDManager manager) {
        if (s instanceof Optimizer.Momentum m) {
            return new Optimizer.Momentum(own(m.velocity(), manager));
        }
        Optimizer.Adam a = (Optimizer.Adam) s;
        return new Optimizer.Adam(own(a.firstMoment(), manager), own(a.secondMoment(), manager), a.steps());
    }

    private static NDArray own(NDArray a, NDManager manager) {
        NDArray c = a.duplicate();
        c.attach(manager);
        return c;
    }

    /**
     * Checks the specs against the network a run starts from, before it trains: each grows a copy in
     * the order the run will, without noise or state, so a spec that names an unknown layer, shrinks
     * a width or does not fit gets the transform's own one-line error now rather than mid-run.
     *
     * @param stepsPerEpoch optimizer steps of one epoch, to order epoch and step points
     * @param budget        the run's total optimizer steps: a point beyond it is refused
     * @param done          optimizer steps already done (a resumed run): points up to it are skipped
     */
    public static void check(Network start, List<GrowthSpec> specs, long stepsPerEpoch, long budget, long done) {
        List<GrowthSpec> order = new ArrayList<>(specs);
        order.sort(Comparator.comparingLong((GrowthSpec s) -> s.at().steps(stepsPerEpoch))
                .thenComparing(s -> s.at() instanceof GrowthSpec.Epoch ? 1 : 0));
        Network current = start;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (GrowthSpec spec : order) {
                long at = spec.at().steps(stepsPerEpoch);
                if (at > budget) {
                    throw new Net2NetException("--grow \"" + spec + "\": "
                            + (spec.at() instanceof GrowthSpec.Epoch ? spec.at() + " ends at step " + at : "step " + at)
                            + ", after the run's last step " + budget + "; give a point within the run's budget");
                }
                if (at <= done) {
                    continue;
                }
                Grown g;
                try {
                    g = grow(
                            current,
                            Map.of(),
                            spec.transform(),
                            0,
                            new Settings(Noise.NONE, 0, StateMode.RESET),
                            manager);
                } catch (Net2NetException e) {
                    throw new Net2NetException("--grow \"" + spec + "\": " + e.getMessage(), e);
                }
                if (current != start) {
                    current.close();
                }
                current = g.network();
            }
        } finally {
            if (current != start) {
                current.close();
            }
        }
    }
}
