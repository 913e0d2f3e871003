package net2net.transform;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net2net.Net2NetException;
import net2net.spec.Architecture;
import net2net.spec.Architecture.Located;
import net2net.spec.Layer;

/**
 * Everything that widening a dense or conv2d layer touches, shared by Net2WiderNet and the
 * random-pad baseline. One mapping g of the units applies to all of it.
 *
 * <p>Without residual blocks this is the paper's producer -> per-unit layers -> consumer path:
 * one writer, the batchnorms after it, one reader. With residual blocks the units may be a
 * <em>stream</em>: the channels a skip connection carries. At {@code x + body(x)} both operands
 * must use the same g, so the stream's writers (the dense/conv that starts it, and the last
 * dense/conv of every body it passes through), its batchnorms, and its readers (the first
 * dense/conv of each such body, and the first after the stream) are widened together, whichever
 * writer is named.
 *
 * <p>One shared g is exact: the induction along the stream (each writer gathered, each reader
 * divided once, never a writer) is in docs/math.md#residual-streams.
 *
 * @param writers    layers whose output units are widened: rows gathered with g
 * @param batchnorms batchnorms on the units: all four arrays gathered with g
 * @param readers    layers reading the units: input columns gathered with g, divided by count
 * @param residuals  residual blocks whose skip carries the units (empty for a plain layer)
 * @param units      the current width n
 */
record WideningPath(List<Site> writers, List<Site> batchnorms, List<Site> readers, List<String> residuals, int units) {

    /**
     * The new number of units for a width asked of the named writer, in its own units: a dense
     * writer behind a flatten has H*W outputs per channel of the stream it writes.
     */
    int streamWidth(String named, int width) {
        int block = writers.stream()
                .filter(w -> w.name().equals(named))
                .mapToInt(Site::block)
                .findFirst()
                .orElse(1);
        if (width < units * block) {
            throw new Net2NetException("cannot narrow '" + named + "' from " + units * block + " to " + width
                    + "; Net2WiderNet only grows a layer: give a width of at least " + units * block);
        }
        if (width % block != 0) {
            throw new Net2NetException("'" + named + "' writes a stream of " + units + " channels of " + block
                    + " entries each (H*W before the flatten); give a width that is a multiple of " + block);
        }
        return width / block;
    }

    /**
     * A layer the widening touches.
     *
     * @param key   its state_dict prefix ({@code res1.body.res1_conv2})
     * @param block consecutive array entries per unit there: H*W after a flatten, else 1
     */
    record Site(String name, String key, int block) {}

    static WideningPath find(Architecture arch, String layerName) {
        Located start = arch.locate(layerName);
        if (!mixes(start.layer())) {
            throw new Net2NetException("layer '" + layerName + "' is a "
                    + start.layer().kind() + "; only dense and conv2d layers can be widened: " + widenable(arch));
        }
        // Climb while the units leave the list they are made in: a layer whose units are still
        // carried at the end of a residual body writes into that block's addition, so the stream
        // entering the block (from the dense/conv that starts it) is what must be widened.
        Located origin = start;
        Walk probe = new Walk(arch);
        while (probe.from(origin.parent(), origin.index() + 1, 1)) {
            if (origin.topLevel()) {
                throw new Net2NetException(
                        origin == start && probe.residuals.isEmpty()
                                ? "layer '" + layerName
                                        + "' is the output layer (no dense or conv2d consumes its units), "
                                        + "so widening it would change the output shape; widen a hidden layer: "
                                        + widenable(arch)
                                : "the units of '" + layerName + "' reach the network output through residual blocks "
                                        + probe.residuals
                                        + " (no dense or conv2d consumes them), so widening would change the output shape; widen a hidden layer: "
                                        + widenable(arch));
            }
            origin = streamOrigin(arch, origin.parent(), layerName);
        }
        Walk walk = new Walk(arch);
        walk.writers.add(site(origin, 1));
        walk.from(origin.parent(), origin.index() + 1, 1);
        return new WideningPath(
                List.copyOf(walk.writers),
                List.copyOf(walk.batchnorms),
                List.copyOf(walk.readers),
                List.copyOf(walk.residuals),
                width(origin.layer()));
    }

    /**
     * The dense/conv that starts the stream entering the residual at {@code residual}: the nearest
     * one before it in its list (everything in between keeps channels apart); at the start of a
     * body, the stream entering the enclosing residual.
     */
    private static Located streamOrigin(Architecture arch, List<Integer> residual, String named) {
        List<Integer> r = residual;
        while (true) {
            List<Integer> parent = r.subList(0, r.size() - 1);
            List<Layer> list = arch.list(parent);
            for (int j = r.get(r.size() - 1) - 1; j >= 0; j--) {
                if (mixes(list.get(j))) {
                    List<Integer> p = new ArrayList<>(parent);
                    p.add(j);
                    return arch.at(p);
                }
            }
            if (parent.isEmpty()) {
                Located block = arch.at(r);
                throw new Net2NetException(
                        "'" + named + "' writes into the addition of residual '" + block.name()
                                + "', whose skip carries the network input " + block.input()
                                + ", which cannot be widened: "
                                + "the two sides of the addition would disagree; widen a layer inside the body, or put a conv2d or dense before the block");
            }
            r = parent;
        }
    }

    /** Follows the units forward, collecting what they pass through. */
    private static final class Walk {
        final Architecture arch;
        final List<Site> writers = new ArrayList<>();
        final List<Site> batchnorms = new ArrayList<>();
        final List<Site> readers = new ArrayList<>();
        final List<String> residuals = new ArrayList<>();

        Walk(Architecture arch) {
            this.arch = arch;
        }

        /**
         * Walks the list at {@code container} from index {@code from}, the units entering with
         * {@code block} entries each. Returns true when they are still carried at the list's end.
         */
        boolean from(List<Integer> container, int from, int block) {
            List<Layer> list = arch.list(container);
            for (int i = from; i < list.size(); i++) {
                List<Integer> path = new ArrayList<>(container);
                path.add(i);
                Layer layer = list.get(i);
                if (mixes(layer)) {
                    readers.add(site(arch.at(path), block));
                    return false;
                } else if (layer instanceof Layer.BatchNorm) {
                    batchnorms.add(site(arch.at(path), block));
                } else if (layer instanceof Layer.Flatten) {
                    Shape in = arch.at(path).input();
                    block *= Math.toIntExact(in.size() / in.get(0));
                } else if (layer instanceof Layer.Residual r) {
                    residuals.add(r.name());
                    if (!from(path, 0, block)) {
                        // The body read the units; its last dense/conv writes them back into the sum.
                        int w = lastMixing(r.body());
                        List<Integer> writer = new ArrayList<>(path);
                        writer.add(w);
                        writers.add(site(arch.at(writer), block));
                        from(path, w + 1, block);
                    }
                    // (a body without dense/conv is per unit: the units pass straight through)
                }
                // relu, tanh, maxpool, dropout and a residual's activation act per unit
            }
            return true;
        }
    }

    private static int lastMixing(List<Layer> body) {
        for (int i = body.size() - 1; i >= 0; i--) {
            if (mixes(body.get(i))) {
                return i;
            }
        }
        throw new IllegalStateException("a body that reads the units has a dense or conv2d");
    }

    static boolean mixes(Layer layer) {
        return layer instanceof Layer.Dense || layer instanceof Layer.Conv2d;
    }

    private static Site site(Located l, int block) {
        return new Site(l.name(), l.key(), block);
    }

    static int width(Layer layer) {
        return layer instanceof Layer.Dense d ? d.units() : ((Layer.Conv2d) layer).filters();
    }

    static String widenable(Architecture arch) {
        List<String> names = new ArrayList<>();
        for (Located l : arch.all()) {
            if (mixes(l.layer())) {
                names.add(l.name());
            }
        }
        if (!names.isEmpty()) {
            names.remove(names.size() - 1);
        }
        return names.isEmpty()
                ? "this network has no hidden dense or conv2d layer"
                : "widenable layers are " + String.join(", ", names);
    }

    /** The architecture with every writer at {@code width} units (a {@link #streamWidth}). */
    Architecture widened(Architecture arch, int width) {
        Map<String, Layer> wider = new LinkedHashMap<>();
        for (Site w : writers) {
            Layer layer = arch.layer(w.name());
            // a dense writer after a flatten holds block entries per unit
            wider.put(
                    w.name(),
                    layer instanceof Layer.Dense d
                            ? d.withUnits(width * w.block())
                            : ((Layer.Conv2d) layer).withFilters(width));
        }
        // all at once: widening one writer alone would break its block's addition
        return arch.replace(wider);
    }

    /** The names of the writers, in order: the layers whose width changes. */
    List<String> writerNames() {
        return writers.stream().map(Site::name).toList();
    }
}
