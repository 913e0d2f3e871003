package net2net.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * An optimizer that updates a network's own arrays in place, with PyTorch's update rule, and whose
 * per-parameter state (keyed by state_dict name) can be read and replaced: growing a network inside
 * a run grows this state with it instead of resetting it (see docs/optimizer-growth.md).
 *
 * <p>A parameter that has not been stepped yet has no entry: its state is zero (and, for Adam, its
 * step count is 0), exactly as in PyTorch, whose state is created lazily at a parameter's first step.
 */
public sealed interface Optimizer extends AutoCloseable permits MomentumSgd, AdamW {

    /**
     * One update of every parameter (by state_dict name) from its gradient, then zeroes the
     * gradients. Temporaries go to {@code scratch} (the batch's manager), never to the network's
     * or the optimizer's.
     */
    void step(Map<String, Parameter> parameters, double lr, NDManager scratch);

    /**
     * The state of every parameter stepped so far, by state_dict name, in first-step order. The
     * arrays are the optimizer's own (live: the next step changes them); do not close them.
     */
    Map<String, State> state();

    /**
     * Replaces the whole state with copies of {@code state}'s arrays (in this optimizer's own
     * manager; the caller keeps and closes the originals). Parameters absent from it start from zero.
     *
     * @throws IllegalArgumentException if an entry is another optimizer's kind of state
     */
    void setState(Map<String, ? extends State> state);

    /** Writes the state as safetensors. */
    void save(Path file) throws IOException;

    /** Replaces the state with that written by {@link #save}. */
    void load(Path file);

    @Override
    void close();

    /** The state of one parameter. */
    sealed interface State permits Momentum, Adam {}

    /** SGD with momentum: the velocity buffer (PyTorch's {@code momentum_buffer}). */
    record Momentum(NDArray velocity) implements State {}

    /**
     * Adam(W): the first and second moments (PyTorch's {@code exp_avg}, {@code exp_avg_sq}) and the
     * number of steps taken, which sets the bias correction.
     */
    record Adam(NDArray firstMoment, NDArray secondMoment, long steps) implements State {
        public Adam {
            if (steps < 1) {
                throw new IllegalArgumentException("an Adam state exists after at least one step, got " + steps);
            }
        }
    }
}
