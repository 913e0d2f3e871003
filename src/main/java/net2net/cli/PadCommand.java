package net2net.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.transform.RandomPad;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "pad",
        mixinStandardHelpOptions = true,
        description =
                "Random-pad baseline: widen a layer, giving the new units fresh random weights (the function changes).")
final class PadCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR")
    Path model;

    @Option(names = "--layer", required = true, paramLabel = "NAME")
    String layer;

    @Option(names = "--width", required = true, paramLabel = "N")
    int width;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the new weights. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    StudentOutput output;

    @Mixin
    CheckInputs check;

    @Override
    public Integer call() {
        Ranges.require(width, 1, Integer.MAX_VALUE, "--width");
        Ranges.require(check.samples, 1, Ranges.MAX_SAMPLES, "--samples");
        output.refuseExisting();
        try (Network teacher = ModelFiles.load(model);
                Network padded = RandomPad.pad(teacher, layer, width, seed);
                Network student = padded.withSource(model.toString())) {
            output.write(teacher, student, check, "padded", new JsonObject());
        }
        return 0;
    }
}
