package net2net.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import net2net.Net2NetException;
import net2net.data.Dataset;
import net2net.data.FashionMnist;
import net2net.data.NotebookData;
import net2net.data.Preprocessing;
import net2net.data.Splits;
import net2net.data.Subsets;
import picocli.CommandLine.Option;

/** The data options shared by every command that reads a dataset ({@code @Mixin}). */
public final class DataOptions {
    public static final String SEED = "seed";
    public static final String FASHION_MNIST = "fashion-mnist";

    @Option(
            names = "--data",
            required = true,
            paramLabel = "seed|fashion-mnist|text|text:FILE",
            description =
                    "seed: the seed notebook's regression data (1000 samples, 4 features); fashion-mnist: 28x28 grey images, 10 classes;"
                            + " text: Debian's fortunes, text:FILE: a UTF-8 file, as characters for a token model (train, evaluate).")
    public String data;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Directory with the four Fashion-MNIST .gz files. Default: $NET2NET_DATA, /usr/share/datasets/fashion-mnist, the cache, or a download.")
    public Path dataDir;

    @Option(names = "--limit", paramLabel = "N", description = "Train on a class-balanced random subset of N samples.")
    public Integer limit;

    @Option(
            names = "--test-limit",
            paramLabel = "N",
            description = "Evaluate on a class-balanced subset of N test samples.")
    public Integer testLimit;

    @Option(
            names = {"--standardize", "--normalize"},
            description =
                    "Standardise inputs with the training split's mean and std (per channel, or per feature of the seed data).")
    public boolean standardize;

    @Option(
            names = "--data-seed",
            defaultValue = "0",
            paramLabel = "N",
            description =
                    "Seed of the seed data's noise and split and of the --limit subsets. Default: ${DEFAULT-VALUE}.")
    public long dataSeed;

    /**
     * Preprocessed splits, the preprocessing they went through, and a description.
     *
     * @param preprocessing what to record in a trained model's model.json
     */
    public record Loaded(Splits splits, Preprocessing preprocessing, String description) {}

    /**
     * Loads the data. A model that records a preprocessing (it was trained before) gets exactly
     * that preprocessing, so a continued model sees the inputs it learned on; otherwise the
     * loader's scaling, standardised with --standardize.
     */
    public Loaded load(JsonObject modelPreprocessing) {
        Splits raw;
        Preprocessing loaderScaling;
        if (SEED.equals(data)) {
            if (dataDir != null) {
                throw new Net2NetException("--data-dir applies to fashion-mnist only; the seed data is generated");
            }
            raw = NotebookData.make(dataSeed);
            loaderScaling = NotebookData.rawPreprocessing();
        } else if (FASHION_MNIST.equals(data)) {
            raw = FashionMnist.load(dataDir);
            loaderScaling = FashionMnist.rawPreprocessing();
        } else {
            throw new Net2NetException("unknown --data '" + data + "'; use " + SEED + " or " + FASHION_MNIST);
        }
        Preprocessing preprocessing;
        if (modelPreprocessing != null) {
            preprocessing = Preprocessing.fromJson(modelPreprocessing);
            if (Double.compare(preprocessing.scale(), loaderScaling.scale()) != 0) {
                throw new Net2NetException("the model was trained on inputs scaled by " + preprocessing.scale()
                        + " but --data " + data + " gives inputs scaled by " + loaderScaling.scale()
                        + "; use the data the model was trained on");
            }
            if (standardize && !preprocessing.standardizes()) {
                throw new Net2NetException("the model was trained on unstandardised inputs (" + preprocessing.describe()
                        + "); drop --standardize");
            }
        } else {
            // Fitted on the whole training split, before --limit: the same inputs whatever the subset.
            preprocessing = standardize ? Preprocessing.standardize(raw.train(), loaderScaling.scale()) : loaderScaling;
        }
        Dataset train = limit == null ? raw.train() : Subsets.limit(raw.train(), limit, dataSeed);
        Dataset test = testLimit == null ? raw.test() : Subsets.testLimit(raw.test(), testLimit, dataSeed);
        Splits splits = preprocessing.apply(new Splits(train, test));
        String description = data + " (" + count(train, raw.train(), limit) + " training, "
                + count(test, raw.test(), testLimit) + " test samples; " + preprocessing.describe() + ")";
        return new Loaded(splits, preprocessing, description);
    }

    /** A short name for model histories, e.g. "fashion-mnist --limit 10000". */
    public String label() {
        return data
                + (limit == null ? "" : " --limit " + limit)
                + (testLimit == null ? "" : " --test-limit " + testLimit)
                + (dataSeed == 0 ? "" : " --data-seed " + dataSeed);
    }

    private static String count(Dataset used, Dataset all, Integer limit) {
        return limit == null ? Integer.toString(all.size()) : used.size() + " of " + all.size();
    }
}
