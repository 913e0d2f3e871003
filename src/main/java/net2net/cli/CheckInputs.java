package net2net.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import net2net.Net2NetException;
import net2net.data.Dataset;
import net2net.data.Subsets;
import net2net.nn.Network;
import net2net.nn.Sizes;
import net2net.train.Evaluation;
import net2net.transform.Verification;
import picocli.CommandLine.Option;

/**
 * The inputs a command checks a student on, and measures batchnorm statistics on: random
 * standard-normal inputs, or with {@code --data} real samples preprocessed as the model expects.
 */
final class CheckInputs {
    @Option(
            names = "--samples",
            defaultValue = "256",
            paramLabel = "N",
            description =
                    "Inputs to compare teacher and student on (and to measure batchnorm statistics on). Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(
            names = "--check-seed",
            defaultValue = "1",
            paramLabel = "N",
            description = "Seed of the check inputs. Default: ${DEFAULT-VALUE}.")
    long checkSeed;

    @Option(
            names = "--data",
            paramLabel = "seed|fashion-mnist|text[:FILE]",
            description =
                    "Use real samples (test split for checks, training split for batchnorm statistics) instead of random inputs;"
                            + " token models: text windows (text: the fortunes).")
    String data;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Directory with the Fashion-MNIST files (see `train --help`).")
    Path dataDir;

    long seed() {
        return checkSeed;
    }

    /** Check inputs, from the test split with --data. */
    NDArray inputs(NDManager manager, Network network, long seed) {
        return load(manager, network, data, dataDir, samples, seed, false);
    }

    /** Inputs to measure batchnorm statistics on, from the training split with --data. */
    NDArray statsInputs(NDManager manager, Network network, long seed) {
        return load(manager, network, data, dataDir, samples, seed, true);
    }

    String describe() {
        return describe(data, samples);
    }

    static String describe(String data, int samples) {
        if (TextInputs.isText(data)) {
            return samples + " " + data + " windows";
        }
        return data == null
                ? samples + " random inputs (standard-normal values, or uniform token ids)"
                : samples + " " + data + " samples";
    }

    /**
     * {@code samples} inputs of the network's input shape: standard-normal when {@code data} is null,
     * otherwise a seeded class-balanced subset of a split, preprocessed as the network records.
     */
    static NDArray load(
            NDManager manager, Network network, String data, Path dataDir, int samples, long seed, boolean train) {
        Ranges.require(samples, 1, Ranges.MAX_SAMPLES, "--samples");
        Sizes.requireBatchFits(network.architecture(), samples, "--samples " + samples);
        if (data == null) {
            return Verification.randomInputs(manager, network.architecture(), samples, seed);
        }
        if (TextInputs.isText(data)) {
            return TextInputs.load(manager, network, data, samples, seed);
        }
        if (network.architecture().tokenInput()) {
            throw new Net2NetException("--data " + data + " holds no text, and this is a token model; use --data text"
                    + " (the fortunes) or text:FILE, or drop --data for random tokens");
        }
        DataOptions options = new DataOptions();
        options.data = data;
        options.dataDir = dataDir;
        DataOptions.Loaded loaded = options.load(network.preprocessing());
        Dataset split = train ? loaded.splits().train() : loaded.splits().test();
        Evaluation.requireCompatible(network, split);
        Dataset subset = Subsets.testLimit(split, Math.min(samples, split.size()), seed);
        return Evaluation.Inputs.firstFeatures(manager, subset, subset.size());
    }
}
