package net2net.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net2net.Net2NetException;

/**
 * Character-level text for a language model. Each file is read as UTF-8 and turned into Unicode
 * code points (a character outside the BMP is one token, not two UTF-16 halves); each file is split
 * by position, its first 90% of characters for training and its last 10% for validation, so every
 * file is represented in both. The vocabulary is the sorted set of the characters of the text given
 * (both splits, as nanoGPT's shakespeare_char does: validation never holds a character the model
 * cannot emit), and is recorded in model.json ({@link Vocabulary#toJson}).
 *
 * <p>A training batch is {@code batch} windows of {@code context + 1} consecutive training
 * characters at random positions, drawn from (seed, epoch, index) only, so a resumed run draws the
 * same windows; the inputs are the first {@code context} characters, the targets the last
 * {@code context} (the next character at every position). An epoch is the training text once:
 * {@link #batchesPerEpoch} batches of {@code batch * context} predicted characters. Validation uses
 * the consecutive, non-overlapping windows of the validation text, the same every time.
 *
 * <p>The default corpus is the English fortune cookies of Debian's {@code fortunes} package
 * ({@link #fortunes()}).
 */
public final class TextCorpus {
    public static final Path FORTUNES_DIR = Path.of("/usr/share/games/fortunes");
    public static final double TRAIN_FRACTION = 0.9;
    /** The salt of the training windows' random stream (see {@link Seeds}; far from its small salts). */
    public static final long WINDOWS = 0x7E47;
    /** More than this share of unusual control characters marks a file as binary. */
    static final double MAX_CONTROL_SHARE = 0.01;

    /** A file read into the corpus, for the report: its path, size, characters and SHA-256 of its bytes. */
    public record SourceFile(Path path, long bytes, int characters, String sha256) {}

    /** The characters of a model, as sorted Unicode code points; token i is {@code codePoints[i]}. */
    public record Vocabulary(int[] codePoints) {
        public Vocabulary {
            codePoints = codePoints.clone();
            for (int i = 1; i < codePoints.length; i++) {
                if (codePoints[i] <= codePoints[i - 1]) {
                    throw new Net2NetException("a vocabulary must list distinct characters in increasing order; "
                            + "the model's vocabulary is corrupt, train it again");
                }
            }
        }

        @Override
        public int[] codePoints() {
            return codePoints.clone();
        }

        public int size() {
            return codePoints.length;
        }

        /** The token of a code point, or -1 if it is not in the vocabulary. */
        public int token(int codePoint) {
            int i = Arrays.binarySearch(codePoints, codePoint);
            return i >= 0 ? i : -1;
        }

        /** The tokens of {@code text}, refusing a character the model does not know (a prompt's, say). */
        public int[] encode(String text) {
            int[] cps = text.codePoints().toArray();
            int[] tokens = new int[cps.length];
            for (int i = 0; i < cps.length; i++) {
                tokens[i] = token(cps[i]);
                if (tokens[i] < 0) {
                    throw new Net2NetException("the character " + describe(cps[i]) + " at position " + i
                            + " is not in the model's vocabulary of " + size() + " characters; leave it out");
                }
            }
            return tokens;
        }

        public String decode(int[] tokens) {
            StringBuilder s = new StringBuilder();
            for (int t : tokens) {
                s.appendCodePoint(codePoints[t]);
            }
            return s.toString();
        }

        /** {"type": "characters", "characters": "..."}: the sorted characters as one string (JSON escapes the control ones). */
        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("type", "characters");
            o.addProperty("characters", decode(IntStream.range(0, size()).toArray()));
            return o;
        }

        public static Vocabulary fromJson(JsonObject o) {
            JsonElement type = o.get("type");
            JsonElement chars = o.get("characters");
            if (type == null
                    || !type.isJsonPrimitive()
                    || !"characters".equals(type.getAsString())
                    || chars == null
                    || !chars.isJsonPrimitive()
                    || !chars.getAsJsonPrimitive().isString()) {
                throw new Net2NetException(
                        "the vocabulary in model.json must be {\"type\": \"characters\", \"characters\": \"...\"}; "
                                + "the model's vocabulary is corrupt, train it again");
            }
            return new Vocabulary(chars.getAsString().codePoints().toArray());
        }

        static String describe(int cp) {
            String hex = String.format(Locale.ROOT, "U+%04X", cp);
            return Character.isISOControl(cp) || Character.isWhitespace(cp)
                    ? hex
                    : "'" + new String(Character.toChars(cp)) + "' (" + hex + ")";
        }
    }

    /**
     * A batch of windows, row-major [batch, context]: {@code targets[i * context + t]} is the
     * character after {@code inputs[i * context + t]}.
     */
    public record Windows(int[] inputs, int[] targets, int batch, int context) {}

    private final String name;
    private final List<SourceFile> files;
    private final Vocabulary vocabulary;
    private final int[] train;
    private final int[] validation;

    private TextCorpus(String name, List<SourceFile> files, Vocabulary vocabulary, int[] train, int[] validation) {
        this.name = name;
        this.files = List.copyOf(files);
        this.vocabulary = vocabulary;
        this.train = train;
        this.validation = validation;
    }

    /** Reads {@code paths} in the order given; {@code name} is what reports call it, e.g. "text:story.txt". */
    public static TextCorpus load(List<Path> paths, String name) {
        if (paths.isEmpty()) {
            throw new Net2NetException("no text files given; name at least one UTF-8 text file");
        }
        List<SourceFile> files = new ArrayList<>();
        List<int[]> texts = new ArrayList<>();
        for (Path p : paths) {
            byte[] bytes = read(p);
            int[] cps = decode(p, bytes).codePoints().toArray();
            files.add(new SourceFile(p, bytes.length, cps.length, sha256(bytes)));
            texts.add(cps);
        }
        TreeSet<Integer> chars = new TreeSet<>();
        int trainLength = 0;
        int validationLength = 0;
        for (int[] t : texts) {
            for (int cp : t) {
                chars.add(cp);
            }
            trainLength += split(t.length);
            validationLength += t.length - split(t.length);
        }
        Vocabulary vocabulary =
                new Vocabulary(chars.stream().mapToInt(Integer::intValue).toArray());
        int[] train = new int[trainLength];
        int[] validation = new int[validationLength];
        int ti = 0;
        int vi = 0;
        for (int[] t : texts) {
            int cut = split(t.length);
            for (int i = 0; i < t.length; i++) {
                int token = vocabulary.token(t[i]);
                if (i < cut) {
                    train[ti++] = token;
                } else {
                    validation[vi++] = token;
                }
            }
        }
        return new TextCorpus(name, files, vocabulary, train, validation);
    }

    /**
     * The corpus named by a {@code --data} value: {@code text} is the fortunes ({@link #fortunes()}),
     * {@code text:FILE} the file.
     */
    public static TextCorpus forData(String data) {
        if (data.equals("text")) {
            return fortunes();
        }
        if (!data.startsWith("text:") || data.length() == "text:".length()) {
            throw new Net2NetException(
                    "--data " + data + " is not a text corpus; use text (the fortunes) or text:FILE");
        }
        return load(List.of(Path.of(data.substring("text:".length()))), data);
    }

    /** True for the {@code --data} values {@link #forData} reads: text and text:FILE. */
    public static boolean isText(String data) {
        return data != null && (data.equals("text") || data.startsWith("text:"));
    }

    /**
     * The same text and split, as tokens of {@code model}'s vocabulary (a model trained on one corpus
     * evaluated or trained further on another), refusing a character the model does not know.
     */
    public TextCorpus encodedWith(Vocabulary model) {
        if (Arrays.equals(model.codePoints, vocabulary.codePoints)) {
            return this;
        }
        int[] map = new int[vocabulary.size()];
        for (int t = 0; t < map.length; t++) {
            map[t] = model.token(vocabulary.codePoints[t]);
            if (map[t] < 0) {
                throw new Net2NetException(
                        name + " holds the character " + Vocabulary.describe(vocabulary.codePoints[t])
                                + ", which is not in the model's vocabulary of " + model.size()
                                + " characters; use text without it, or a model made for this text (net2net init --data "
                                + name + ")");
            }
        }
        int[] tr = Arrays.stream(train).map(t -> map[t]).toArray();
        int[] va = Arrays.stream(validation).map(t -> map[t]).toArray();
        return new TextCorpus(name, files, model, tr, va);
    }

    /**
     * The same corpus with only the first {@code characters} of the validation text: a smaller
     * validation pass for a quick profile (the whole pass over the fortunes costs as much as tens of
     * training steps).
     */
    public TextCorpus withValidationPrefix(int characters) {
        if (characters < 2) {
            throw new Net2NetException("a validation prefix needs at least 2 characters, got " + characters);
        }
        return characters >= validation.length
                ? this
                : new TextCorpus(name, files, vocabulary, train, Arrays.copyOf(validation, characters));
    }

    /** A token model's preprocessing in model.json: {"vocabulary": {"type": "characters", "characters": "..."}}. */
    public static JsonObject preprocessing(Vocabulary vocabulary) {
        JsonObject o = new JsonObject();
        o.add("vocabulary", vocabulary.toJson());
        return o;
    }

    /** The vocabulary a model's preprocessing records, or null if it records none. */
    public static Vocabulary vocabularyOf(JsonObject preprocessing) {
        if (preprocessing == null || !preprocessing.has("vocabulary")) {
            return null;
        }
        JsonElement v = preprocessing.get("vocabulary");
        if (!v.isJsonObject()) {
            throw new Net2NetException("the vocabulary in model.json must be {\"type\": \"characters\", "
                    + "\"characters\": \"...\"}; the model's vocabulary is corrupt, train it again");
        }
        return Vocabulary.fromJson(v.getAsJsonObject());
    }

    /** The first 90% of a file's characters train, rounded down (in integers: 0.9 * length can land just below). */
    static int split(int length) {
        return (int) ((long) length * 9 / 10);
    }

    /** The default corpus: Debian's English fortune cookies ({@link #fortuneFiles}). */
    public static TextCorpus fortunes() {
        return load(fortuneFiles(FORTUNES_DIR), "text:fortunes");
    }

    /**
     * The text files of a fortunes directory, sorted by name: regular files only, so the {@code .u8}
     * symbolic links (the same files again) and subdirectories (the offensive {@code off/} set and
     * other languages, when installed) are left out, and so are the {@code .dat} indexes strfile makes.
     */
    public static List<Path> fortuneFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new Net2NetException("the default text corpus needs Debian's fortunes package (" + dir
                    + " is missing): install it with apt-get install fortunes, or name a file with --data text:FILE");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !p.getFileName().toString().endsWith(".dat"))
                    .sorted()
                    .toList();
            if (files.isEmpty()) {
                throw new Net2NetException(
                        dir + " holds no fortune files; reinstall them with apt-get install --reinstall fortunes");
            }
            return files;
        } catch (IOException e) {
            throw new Net2NetException(
                    "cannot list " + dir + " (" + e.getClass().getSimpleName() + "); check its permissions");
        }
    }

    private static byte[] read(Path p) {
        if (Files.isDirectory(p)) {
            throw new Net2NetException(p + " is a directory; name a UTF-8 text file");
        }
        if (!Files.exists(p)) {
            throw new Net2NetException("text file " + p + " does not exist; check the path");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(p);
        } catch (IOException e) {
            throw new Net2NetException(
                    "cannot read text file " + p + " (" + e.getClass().getSimpleName() + "); check its permissions");
        }
        if (bytes.length == 0) {
            throw new Net2NetException("text file " + p + " is empty; give a file with text in it");
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new Net2NetException(
                        p + " is binary, not text (a NUL byte at offset " + i + "); give a UTF-8 text file");
            }
        }
        return bytes;
    }

    /** Strict UTF-8 (a malformed byte is an error, not a replacement character), without a leading byte-order mark. */
    private static String decode(Path p, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never gives more UTF-16 units than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            // the input's position is at the start of the malformed sequence
            throw new Net2NetException(String.format(
                    Locale.ROOT,
                    "%s is not UTF-8 text (byte 0x%02X at offset %d is invalid there); "
                            + "convert it, e.g. iconv -f LATIN1 -t UTF-8",
                    p,
                    bytes[in.position()] & 0xff,
                    in.position()));
        }
        String text = out.flip().toString();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (text.isEmpty()) {
            throw new Net2NetException("text file " + p + " is empty; give a file with text in it");
        }
        long controls = text.chars().filter(TextCorpus::unusualControl).count();
        if (controls > MAX_CONTROL_SHARE * text.length()) {
            throw new Net2NetException(String.format(
                    Locale.ROOT,
                    "%s is binary, not text (%.0f%% of its characters are control characters); "
                            + "give a UTF-8 text file",
                    p,
                    100.0 * controls / text.length()));
        }
        return text;
    }

    /**
     * A control character text does not normally hold. Tab, newline, carriage return, form feed,
     * vertical tab, escape, and backspace and bell (which the fortunes use for overstriking and
     * beeps) are text.
     */
    static boolean unusualControl(int c) {
        return (c < 0x20 && "\t\n\r\f\u000b\u001b\b\u0007".indexOf(c) < 0) || c == 0x7f;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    public String name() {
        return name;
    }

    public List<SourceFile> files() {
        return files;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The training text as tokens (a copy). */
    public int[] train() {
        return train.clone();
    }

    /** The validation text as tokens (a copy). */
    public int[] validation() {
        return validation.clone();
    }

    public int trainCharacters() {
        return train.length;
    }

    public int validationCharacters() {
        return validation.length;
    }

    /** Batches in one epoch: the training text predicted once, ceil(train / (batch * context)). */
    public int batchesPerEpoch(int batch, int context) {
        requireShape(batch, context, train.length, "training");
        long perBatch = (long) batch * context;
        return Math.toIntExact((train.length + perBatch - 1) / perBatch);
    }

    /**
     * Training batch {@code index} of {@code epoch}: {@code batch} windows at positions uniform over
     * every start that leaves room for context + 1 characters, drawn from (seed, epoch, index) only.
     */
    public Windows trainBatch(int batch, int context, long seed, int epoch, int index) {
        requireShape(batch, context, train.length, "training");
        SplittableRandom rng =
                new SplittableRandom(Seeds.derive(Seeds.derive(Seeds.derive(seed, WINDOWS), epoch), index));
        int starts = train.length - context; // starts 0 .. train.length - context - 1
        int[] inputs = new int[batch * context];
        int[] targets = new int[batch * context];
        for (int i = 0; i < batch; i++) {
            int s = rng.nextInt(starts);
            System.arraycopy(train, s, inputs, i * context, context);
            System.arraycopy(train, s + 1, targets, i * context, context);
        }
        return new Windows(inputs, targets, batch, context);
    }

    /**
     * The validation text as consecutive, non-overlapping windows (starts 0, context, 2 context, ...;
     * the last few characters that do not fill a window are left out), in batches of at most
     * {@code batch} windows.
     */
    public List<Windows> validationBatches(int batch, int context) {
        requireShape(batch, context, validation.length, "validation");
        int windows = (validation.length - 1) / context;
        List<Windows> batches = new ArrayList<>();
        for (int from = 0; from < windows; from += batch) {
            int n = Math.min(batch, windows - from);
            int[] inputs = new int[n * context];
            int[] targets = new int[n * context];
            for (int i = 0; i < n; i++) {
                int s = (from + i) * context;
                System.arraycopy(validation, s, inputs, i * context, context);
                System.arraycopy(validation, s + 1, targets, i * context, context);
            }
            batches.add(new Windows(inputs, targets, n, context));
        }
        return batches;
    }

    private void requireShape(int batch, int context, int length, String split) {
        if (batch < 1 || context < 1) {
            throw new Net2NetException(
                    "batch size and context length must be at least 1, got " + batch + " and " + context);
        }
        if (length < context + 1) {
            throw new Net2NetException("the " + split + " text of " + name + " has " + length
                    + " characters, fewer than the context length + 1 = " + (context + 1)
                    + "; use a shorter context or more text");
        }
    }

    /** For model.json and the report: the name, the vocabulary, the split sizes and every file with its SHA-256. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("name", name);
        o.add("vocabulary", vocabulary.toJson());
        o.addProperty("train_characters", train.length);
        o.addProperty("validation_characters", validation.length);
        o.addProperty("train_fraction", TRAIN_FRACTION);
        JsonArray list = new JsonArray();
        for (SourceFile f : files) {
            JsonObject j = new JsonObject();
            j.addProperty("path", f.path().toString());
            j.addProperty("bytes", f.bytes());
            j.addProperty("characters", f.characters());
            j.addProperty("sha256", f.sha256());
            list.add(j);
        }
        o.add("files", list);
        return o;
    }
}
