package net2net.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import net2net.Net2NetException;

/**
 * SGD with momentum and weight decay exactly as PyTorch's {@code torch.optim.SGD} (no dampening,
 * no Nesterov):
 *
 * <pre>
 *   d = grad + weight_decay * w
 *   v = momentum * v + d          (v starts at 0, so the first step has v = d, as in PyTorch)
 *   w = w - lr * v
 * </pre>
 *
 * DJL's own Sgd folds the learning rate into the velocity (v = m v + lr d), which differs from
 * PyTorch as soon as a schedule changes the rate, and keeps its state private, so a checkpoint
 * could not restore it. The velocities live in this optimizer's own manager, keyed by state_dict
 * name; gradients are zeroed after each step (DJL's PyTorch engine accumulates them).
 */
public final class MomentumSgd implements Optimizer {
    private final double momentum;
    private final double weightDecay;
    private final NDManager manager = NDManager.newBaseManager();
    private final Map<String, NDArray> velocity = new LinkedHashMap<>();

    public MomentumSgd(double momentum, double weightDecay) {
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    /**
     * One update of every parameter (by state_dict name) from its gradient, then zeroes the gradients. Temporaries go
     * to {@code scratch} (the batch's manager), never to the network's or this optimizer's.
     */
    @Override
    public void step(Map<String, Parameter> parameters, double lr, NDManager scratch) {
        float wd = (float) weightDecay;
        float rate = (float) lr;
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            NDArray w = e.getValue().getArray();
            // The wrapper shares the parameter's .grad storage: d is built in it, in place, and zeroed at the end.
            NDArray d = scratch(w.getGradient(), scratch);
            if (weightDecay != 0) {
                d.addi(scratch(w.mul(wd), scratch)); // d = grad + wd * w
            }
            if (momentum == 0) {
                w.subi(d.muli(rate));
            } else {
                NDArray v = velocity.computeIfAbsent(e.getKey(), k -> {
                    NDArray zeros = w.zerosLike();
                    zeros.attach(manager);
                    return zeros;
                });
                v.muli((float) momentum).addi(d); // v = momentum * v + d
                w.subi(scratch(v.mul(rate), scratch)); // w = w - lr * v
            }
            d.muli(0);
        }
    }

    private static NDArray scratch(NDArray a, NDManager scratch) {
        a.attach(scratch);
        return a;
    }

    /** The velocity of a parameter (by state_dict name), or null before its first step. */
    public NDArray velocity(String name) {
        return velocity.get(name);
    }

    @Override
    public Map<String, State> state() {
        Map<String, State> state = new LinkedHashMap<>();
        velocity.forEach((k, v) -> state.put(k, new Momentum(v)));
        return state;
    }

    @Override
    public void setState(Map<String, ? extends State> state) {
        Map<String, NDArray> copies = new LinkedHashMap<>();
        state.forEach((k, s) -> {
            if (!(s instanceof Momentum mo)) {
                copies.values().forEach(NDArray::close);
                throw new IllegalArgumentException("SGD with momentum keeps a velocity per parameter, not "
                        + s.getClass().getSimpleName() + " (parameter " + k + ")");
            }
            NDArray copy = mo.velocity().duplicate();
            copy.attach(manager);
            copies.put(k, copy);
        });
        velocity.values().forEach(NDArray::close);
        velocity.clear();
        velocity.putAll(copies);
    }

    /** Writes the velocities as safetensors, under the parameters' state_dict names. */
    @Override
    public void save(Path file) throws IOException {
        NDList list = new NDList();
        velocity.forEach((k, v) -> {
            NDArray named = v.duplicate();
            named.setName(k);
            list.add(named);
        });
        try (OutputStream os = Files.newOutputStream(file)) {
            list.encode(os, NDList.Encoding.SAFETENSORS);
        } finally {
            list.close();
        }
    }

    /** Replaces the velocities with those saved by {@link #save}. */
    @Override
    public void load(Path file) {
        velocity.values().forEach(NDArray::close);
        velocity.clear();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Net2NetException("cannot read the optimizer state " + file + " ("
                    + e.getClass().getSimpleName() + "); the checkpoint is incomplete, start again without --resume");
        }
        if (bytes.length <= 8 + 2) {
            return; // no velocities yet (an empty safetensors file)
        }
        try {
            for (NDArray a : NDList.decode(manager, bytes)) {
                velocity.put(a.getName(), a);
            }
        } catch (RuntimeException e) {
            throw new Net2NetException("the optimizer state " + file + " is corrupt; start again without --resume");
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
