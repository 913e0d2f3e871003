package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.TreeSet;
import net2net.testing.Slow;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The character-level tour (docs/text-data.md): init a tinygpt sized to a text file, train it with
 * AdamW for some steps, evaluate it, sample from it; bad files and mismatched models get one line
 * and exit 2 and write nothing.
 */
@Slow
class TextCliTest {
    @TempDir
    Path tmp;

    Path text;
    static final String LINE = "the quick brown fox jumps over the lazy dog; pack my box with five dozen jugs.\n";

    @BeforeEach
    void writeText() throws Exception {
        text = tmp.resolve("story.txt");
        Files.writeString(text, LINE.repeat(60), StandardCharsets.UTF_8);
    }

    String p(String name) {
        return tmp.resolve(name).toString();
    }

    String data() {
        return "text:" + text;
    }

    static JsonObject json(CliRun r) {
        assertEquals(0, r.code(), r.err());
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    static void refused(CliRun r, String expected) {
        assertEquals(2, r.code(), r.out());
        assertTrue(
                r.err().startsWith("net2net: error: ")
                        && r.err().indexOf('\n') == r.err().length() - 1,
                r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    CliRun init(String out, String... extra) {
        String[] base = {"init", "--arch", "tinygpt", "--width-mult", "0.25", "--context", "16", "--out", p(out)};
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    CliRun train(String model, String out) {
        return CliRun.of(
                "train",
                "--model",
                p(model),
                "--data",
                data(),
                "--optimizer",
                "adamw",
                "--lr",
                "0.01",
                "--steps",
                "40",
                "--batch",
                "8",
                "--out",
                p(out),
                "--json");
    }

    @Test
    void initTrainEvaluateAndSample() throws Exception {
        assertEquals(0, init("m", "--data", data()).code());
        JsonObject m = JsonParser.parseString(Files.readString(tmp.resolve("m/model.json")))
                .getAsJsonObject();
        TreeSet<Integer> chars = new TreeSet<>();
        LINE.codePoints().forEach(chars::add);
        StringBuilder sorted = new StringBuilder();
        chars.forEach(sorted::appendCodePoint);
        assertEquals(
                sorted.toString(),
                m.getAsJsonObject("preprocessing")
                        .getAsJsonObject("vocabulary")
                        .get("characters")
                        .getAsString());
        assertEquals(
                chars.size(),
                m.getAsJsonArray("history")
                        .get(0)
                        .getAsJsonObject()
                        .get("vocab")
                        .getAsInt());

        JsonObject t = json(train("m", "t"));
        assertEquals(40, t.get("steps").getAsLong());
        assertEquals(40 * 8 * 16, t.get("examples").getAsLong(), "predicted characters");
        double loss = t.get("test_loss").getAsDouble();
        assertEquals(loss / Math.log(2), t.get("bits_per_char").getAsDouble(), 1e-12);
        assertTrue(loss < Math.log(chars.size()), "40 steps learn something: " + loss);
        JsonObject model = JsonParser.parseString(Files.readString(tmp.resolve("t/model.json")))
                .getAsJsonObject();
        JsonObject step = model.getAsJsonArray("history").get(1).getAsJsonObject();
        assertEquals(data(), step.get("data").getAsString());
        JsonObject file = step.getAsJsonObject("data_files")
                .getAsJsonArray("files")
                .get(0)
                .getAsJsonObject();
        assertEquals(text.toString(), file.get("path").getAsString());
        assertEquals(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(text))),
                file.get("sha256").getAsString());
        assertEquals(
                m.getAsJsonObject("preprocessing"), model.getAsJsonObject("preprocessing"), "the vocabulary is kept");

        // the same seed gives the same numbers
        assertEquals(loss, json(train("m", "t2")).get("test_loss").getAsDouble());

        JsonObject e = json(CliRun.of("evaluate", "--model", p("t"), "--data", data(), "--json"));
        assertEquals(loss, e.get("loss").getAsDouble(), 1e-6);
        assertEquals(t.get("test_accuracy").getAsDouble(), e.get("accuracy").getAsDouble(), 1e-12);

        // greedy is deterministic; a prompt longer than the context is cropped to its last 16 characters
        String prompt = "the quick brown fox jumps over the ";
        CliRun greedy =
                CliRun.of("sample", "--model", p("t"), "--prompt", prompt, "--tokens", "30", "--temperature", "0");
        assertEquals(0, greedy.code(), greedy.err());
        assertTrue(greedy.out().startsWith(prompt), greedy.out());
        assertEquals(prompt.length() + 30 + 1, greedy.out().length(), greedy.out());
        assertEquals(
                greedy.out(),
                CliRun.of("sample", "--model", p("t"), "--prompt", prompt, "--tokens", "30", "--temperature", "0")
                        .out());
        String[] drawn = new String[3];
        for (int i = 0; i < 3; i++) {
            CliRun r = CliRun.of(
                    "sample",
                    "--model",
                    p("t"),
                    "--prompt",
                    "the",
                    "--tokens",
                    "60",
                    "--temperature",
                    "1.5",
                    "--seed",
                    i < 2 ? "1" : "2");
            assertEquals(0, r.code(), r.err());
            drawn[i] = r.out();
        }
        assertEquals(drawn[0], drawn[1], "same seed, same text");
        assertNotEquals(drawn[0], drawn[2], "another seed, other text");
        refused(
                CliRun.of("sample", "--model", p("t"), "--prompt", "THE", "--tokens", "5"),
                "the character 'T' (U+0054) at position 0 is not in the model's vocabulary");
    }

    @Test
    void badFilesAndMismatchedModelsAreOneLineAndWriteNothing() throws Exception {
        Path binary = tmp.resolve("binary.bin");
        Files.write(binary, new byte[] {'a', 'b', 0, 'c'});
        Path empty = tmp.resolve("empty.txt");
        Files.write(empty, new byte[0]);
        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9 au lait".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(0, init("m", "--data", data()).code());
        String[][] cases = {
            {binary.toString(), "is binary, not text"},
            {empty.toString(), "is empty"},
            {latin1.toString(), "is not UTF-8 text (byte 0xE9 at offset 3"},
            {tmp.resolve("missing.txt").toString(), "does not exist"},
        };
        for (String[] c : cases) {
            refused(init("i", "--data", "text:" + c[0]), c[1]);
            assertFalse(Files.exists(tmp.resolve("i")));
            refused(
                    CliRun.of("train", "--model", p("m"), "--data", "text:" + c[0], "--steps", "3", "--out", p("o")),
                    c[1]);
            assertFalse(Files.exists(tmp.resolve("o")));
        }
        assertEquals(0, init("v", "--vocab", "40").code());
        refused(
                CliRun.of("train", "--model", p("v"), "--data", data(), "--steps", "3", "--out", p("o")),
                "the model has a vocabulary of 40 tokens but " + data() + " has 30 characters; create the model with"
                        + " `net2net init --arch tinygpt --data " + data() + " --out DIR` (or --vocab 30)");
        refused(
                CliRun.of("train", "--model", p("m"), "--data", data(), "--limit", "5", "--out", p("o")),
                "--limit apply to seed and fashion-mnist, not to --data " + data() + "; drop it");
        Files.writeString(tmp.resolve("other.txt"), "QQQQ ".repeat(100));
        refused(
                CliRun.of("evaluate", "--model", p("m"), "--data", "text:" + tmp.resolve("other.txt")),
                "holds the character 'Q' (U+0051), which is not in the model's vocabulary of 30 characters");
        assertFalse(Files.exists(tmp.resolve("o")));
    }
}
