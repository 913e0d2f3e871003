package net2net.cli;

import net2net.nn.Devices;
import picocli.CommandLine.Option;

/** {@code --device cpu|gpu[:N]} ({@code @Mixin}) for the commands that train or evaluate. */
final class DeviceOption {
    @Option(
            names = "--device",
            defaultValue = "cpu",
            paramLabel = "cpu|gpu[:N]",
            description =
                    "Where to compute: cpu, or a GPU (needs CUDA natives: see docs/scale.md). Default: ${DEFAULT-VALUE}.")
    String device;

    /** Sets the engine's device; call before any array is made. */
    void apply() {
        Devices.use(Devices.parse(device));
    }
}
