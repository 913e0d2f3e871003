package net2net.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import net2net.nn.Network;
import net2net.transform.Verification;
import picocli.CommandLine.Option;

/** The inputs a command checks a student on (and measures batchnorm statistics on). */
final class CheckInputs {
    @Option(names = "--samples", defaultValue = "256", paramLabel = "N",
            description = "Inputs to compare teacher and student on. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--check-seed", defaultValue = "1", paramLabel = "N", description = "Seed of the check inputs. Default: ${DEFAULT-VALUE}.")
    long checkSeed;

    long seed() {
        return checkSeed;
    }

    /** Standard-normal inputs of the network's input shape. */
    NDArray inputs(NDManager manager, Network network, long seed) {
        return Verification.randomInputs(manager, network.architecture().input(), samples, seed);
    }

    String describe() {
        return samples + " random standard-normal inputs";
    }
}
