package net2net.cli;

import java.util.ArrayList;
import java.util.List;
import net2net.Net2NetException;
import net2net.data.TextCorpus;
import net2net.nn.Network;
import net2net.train.TrainingData;

/** {@code --data text} and {@code --data text:FILE} for the commands that read data (docs/text-data.md). */
final class TextData {
    private TextData() {}

    static boolean requested(DataOptions options) {
        return TextCorpus.isText(options.data);
    }

    /** The corpus, refusing the options that only apply to samples. */
    static TextCorpus load(DataOptions options) {
        List<String> refused = new ArrayList<>();
        if (options.dataDir != null) {
            refused.add("--data-dir");
        }
        if (options.limit != null) {
            refused.add("--limit");
        }
        if (options.testLimit != null) {
            refused.add("--test-limit");
        }
        if (options.standardize) {
            refused.add("--standardize");
        }
        if (options.dataSeed != 0) {
            refused.add("--data-seed");
        }
        if (!refused.isEmpty()) {
            throw new Net2NetException(String.join(", ", refused) + " apply to seed and fashion-mnist, not to --data "
                    + options.data + "; drop " + (refused.size() == 1 ? "it" : "them"));
        }
        return TextCorpus.forData(options.data);
    }

    /**
     * The corpus as {@code network} reads it: in the vocabulary its model.json records (if any), with
     * its context; one line naming the fix when the model does not fit the text.
     */
    static TrainingData forModel(DataOptions options, Network network) {
        TextCorpus corpus = load(options);
        TextCorpus.Vocabulary recorded = TextCorpus.vocabularyOf(network.preprocessing());
        if (recorded != null) {
            corpus = corpus.encodedWith(recorded);
        }
        TrainingData.Text.requireFits(network, corpus);
        return TrainingData.of(
                corpus, Math.toIntExact(network.architecture().input().get(0)));
    }
}
