package net2net.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import net2net.Net2NetException;
import net2net.data.TextCorpus;
import net2net.nn.Network;
import net2net.spec.TransformerLayers;

/**
 * Check inputs for a token model from real text ({@code --data text} or {@code text:FILE}): windows of
 * the model's context length T at seeded random positions of the whole text (every file, both
 * splits), each character mapped to its token through the model's vocabulary. The vocabulary is the
 * one model.json records (its preprocessing, or the preprocessing's {@code "vocabulary"}); a model
 * that records none (made by {@code init --vocab N}) reads the text's own sorted characters when
 * there are exactly N of them. Any character of the text outside the vocabulary is refused.
 */
final class TextInputs {
    static final String TEXT = "text";

    private TextInputs() {}

    static boolean isText(String data) {
        return data != null && (data.equals(TEXT) || data.startsWith(TEXT + ":"));
    }

    /** The corpus {@code data} names: Debian's fortunes for {@code text}, one UTF-8 file for {@code text:FILE}. */
    static TextCorpus corpus(String data) {
        if (data.equals(TEXT)) {
            return TextCorpus.fortunes();
        }
        String file = data.substring(TEXT.length() + 1);
        if (file.isBlank()) {
            throw new Net2NetException(
                    "--data text: names no file; give --data text:FILE, or --data text for the fortunes");
        }
        return TextCorpus.load(List.of(Path.of(file)), data);
    }

    /** The vocabulary model.json records, or null. */
    static TextCorpus.Vocabulary recorded(JsonObject preprocessing) {
        if (preprocessing == null) {
            return null;
        }
        if (preprocessing.has("type") && preprocessing.has("characters")) {
            return TextCorpus.Vocabulary.fromJson(preprocessing);
        }
        JsonElement v = preprocessing.get("vocabulary");
        return v != null && v.isJsonObject() ? TextCorpus.Vocabulary.fromJson(v.getAsJsonObject()) : null;
    }

    /** {@code samples} windows of T tokens, int64 {@code [samples, T]}, as {@link net2net.transform.Verification#randomTokens}. */
    static NDArray load(NDManager manager, Network network, String data, int samples, long seed) {
        if (!network.architecture().tokenInput()) {
            throw new Net2NetException("--data " + data + " feeds token models only, and this model reads "
                    + network.architecture().input() + " inputs; use seed or fashion-mnist");
        }
        int vocab =
                ((TransformerLayers.Embedding) network.architecture().layers().get(0)).vocab();
        int context = Math.toIntExact(network.architecture().input().get(0));
        TextCorpus corpus = corpus(data);
        TextCorpus.Vocabulary model = recorded(network.preprocessing());
        TextCorpus.Vocabulary own = corpus.vocabulary();
        if (model == null) {
            if (own.size() != vocab) {
                throw new Net2NetException("the model records no character vocabulary and has " + vocab
                        + " tokens, but " + corpus.name() + " has " + own.size()
                        + " characters; make the model with --vocab " + own.size() + " or train it on this text");
            }
            model = own;
        } else if (model.size() != vocab) {
            throw new Net2NetException("model.json records a vocabulary of " + model.size()
                    + " characters for an embedding of " + vocab + " tokens; the model files are inconsistent");
        }
        // the corpus's tokens index its own sorted characters; map each to the model's token
        int[] chars = own.codePoints();
        int[] map = new int[chars.length];
        for (int i = 0; i < chars.length; i++) {
            map[i] = model.token(chars[i]);
            if (map[i] < 0) {
                throw new Net2NetException(corpus.name() + " holds the character " + describe(chars[i])
                        + ", which is not in the model's vocabulary of " + model.size()
                        + " characters; verify on text the model was trained on");
            }
        }
        int[] train = corpus.train();
        int[] validation = corpus.validation();
        int length = train.length + validation.length;
        if (length < context) {
            throw new Net2NetException(corpus.name() + " has " + length
                    + " characters, fewer than the model's context of " + context + "; use more text");
        }
        // the corpus keeps each file's first 90% in train, the rest in validation; any window of
        // their concatenation is real text (a window may span a file boundary, as in training)
        int[] text = new int[length];
        System.arraycopy(train, 0, text, 0, train.length);
        System.arraycopy(validation, 0, text, train.length, validation.length);
        SplittableRandom rng = new SplittableRandom(seed);
        long[] tokens = new long[Math.multiplyExact(samples, context)];
        for (int s = 0; s < samples; s++) {
            int start = rng.nextInt(length - context + 1);
            for (int t = 0; t < context; t++) {
                tokens[s * context + t] = map[text[start + t]];
            }
        }
        return manager.create(tokens, new Shape(samples, context));
    }

    private static String describe(int cp) {
        String hex = String.format(Locale.ROOT, "U+%04X", cp);
        return Character.isISOControl(cp) || Character.isWhitespace(cp)
                ? hex
                : "'" + new String(Character.toChars(cp)) + "' (" + hex + ")";
    }
}
