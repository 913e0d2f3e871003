package net2net.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import java.lang.reflect.Field;
import net2net.Net2NetException;

/**
 * Where the engine puts arrays. Every manager in net2net is made with {@code NDManager.newBaseManager()},
 * which takes the engine's default device, so choosing the device is setting that default once,
 * before any array exists. DJL picks a GPU by itself whenever its libtorch has CUDA and sees one;
 * {@link #use} makes the choice explicit, CPU unless asked otherwise.
 */
public final class Devices {
    private Devices() {}

    public static final String USAGE = "cpu, gpu (the first GPU) or gpu:N";

    /** "cpu", "gpu" or "gpu:N" as a device. */
    public static Device parse(String spec) {
        if ("cpu".equals(spec)) {
            return Device.cpu();
        }
        if ("gpu".equals(spec)) {
            return Device.gpu(0);
        }
        if (spec != null && spec.matches("gpu:\\d{1,4}")) {
            return Device.gpu(Integer.parseInt(spec.substring(4)));
        }
        throw new Net2NetException("--device '" + spec + "' is not a device; use " + USAGE);
    }

    /**
     * Makes {@code device} the engine's default. A GPU must be one this libtorch can use: the CPU
     * build bundled in the jar sees none, whatever the machine has.
     */
    public static void use(Device device) {
        Engine engine = Engine.getInstance();
        if (device.isGpu()) {
            int gpus = engine.getGpuCount(); // 0 unless libtorch was built with CUDA and a GPU is visible
            if (gpus == 0) {
                throw new Net2NetException(
                        "--device " + name(device) + ": no usable GPU (libtorch " + engine.getVersion()
                                + (engine.hasCapability(StandardCapabilities.CUDA)
                                        ? " has CUDA but sees no GPU"
                                        : " is the CPU build")
                                + "); use --device cpu, or point PYTORCH_LIBRARY_PATH at a CUDA libtorch 2.7.1 (see docs/scale.md)");
            }
            if (device.getDeviceId() >= gpus) {
                throw new Net2NetException("--device " + name(device) + ": this machine has " + gpus
                        + " usable GPU(s); use gpu:0" + (gpus > 1 ? " to gpu:" + (gpus - 1) : ""));
            }
        }
        if (!engine.defaultDevice().equals(device)) {
            setDefault(engine, device);
        }
    }

    /** The name {@link #parse} reads, e.g. "gpu:1". */
    public static String name(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
    }

    /** DJL 0.36 has no setter for the default device, which it caches in a private field on first use. */
    static void setDefault(Engine engine, Device device) {
        try {
            Field field = Engine.class.getDeclaredField("defaultDevice");
            field.setAccessible(true);
            field.set(engine, device);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot set DJL's default device (" + e + "); this DJL version differs from 0.36", e);
        }
    }
}
