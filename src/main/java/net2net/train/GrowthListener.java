package net2net.train;

import com.google.gson.JsonObject;
import java.util.Map;
import net2net.nn.Network;

/**
 * Grows the network inside a training run (docs/optimizer-growth.md). The trainer asks the listener
 * at every boundary between optimizer steps; the listener either lets the run go on or hands back a
 * grown network with its grown optimizer state. The run then continues on the grown network, with the
 * same learning-rate schedule over the run's whole budget.
 */
@FunctionalInterface
public interface GrowthListener {

    /** Never grows. */
    GrowthListener NONE = (point, network, optimizer) -> null;

    /**
     * Where the run is.
     *
     * @param steps optimizer steps done so far in the whole run (resumes included)
     * @param epochs whole epochs done so far
     * @param epochEnd true when the boundary is the end of epoch {@code epochs}
     */
    record Point(long steps, int epochs, boolean epochEnd) {}

    /**
     * A grown network and the optimizer state for it, by state_dict name (parameters absent from the
     * map start from zero state). The trainer takes ownership of {@code network} and copies
     * {@code state} into its optimizer; the listener closes the state's arrays after the call returns.
     */
    record Grown(Network network, Map<String, Optimizer.State> state) {}

    /**
     * Called after every optimizer step and at every epoch's end, before the checkpoint is written,
     * so that a checkpoint taken at a growth point holds the grown network. The arguments are the
     * trainer's own: read them, do not close or change them.
     *
     * @return null to go on unchanged, or the network to continue with
     */
    Grown at(Point point, Network network, Optimizer optimizer);

    /**
     * What the checkpoint records of this listener ("growth_plan" in train_state.json) so that a resume
     * can rebuild it, or null for nothing.
     */
    default JsonObject plan() {
        return null;
    }
}
