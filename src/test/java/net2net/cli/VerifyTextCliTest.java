package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net2net.data.TextCorpus;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.testing.RealData;
import net2net.testing.Slow;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify --data text[:FILE]} on token models (docs/transformers.md, "Verify on text"): windows
 * of real text, characters mapped through the vocabulary model.json records; refusals as one line.
 */
@Slow
class VerifyTextCliTest {
    static final String TEXT = "the quick brown fox jumps over the lazy dog, and then it naps.\n";
    /**
     * The model's vocabulary (sorted, as TextCorpus makes them): more characters than the text uses,
     * so the text's own token of a letter (4 + its place in the alphabet) is not the model's (17 + ...).
     */
    static final String VOCABULARY = "\n \"',-.0123456789abcdefghijklmnopqrstuvwxyz";

    @TempDir
    Path tmp;

    String p(String name) {
        return tmp.resolve(name).toString();
    }

    Path textFile(String name, String text) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, text.repeat(40), StandardCharsets.UTF_8);
        return f;
    }

    /** A tinygpt of the 43-character vocabulary, with that vocabulary recorded in model.json. */
    void teacherWithVocabulary(String dir) {
        CliRun init = CliRun.of(
                "init",
                "--arch",
                "tinygpt",
                "--width-mult",
                "0.5",
                "--vocab",
                "" + VOCABULARY.length(),
                "--context",
                "16",
                "--out",
                p("raw"));
        assertEquals(0, init.code(), init.err());
        JsonObject pre = new JsonObject();
        pre.add("vocabulary", new TextCorpus.Vocabulary(VOCABULARY.codePoints().toArray()).toJson());
        try (Network raw = ModelFiles.load(tmp.resolve("raw"));
                Network n = raw.withPreprocessing(pre)) {
            ModelFiles.save(n, Path.of(dir), false);
        }
    }

    @Test
    void textWindowsAreTheTextInTheModelsTokens() throws Exception {
        teacherWithVocabulary(p("t"));
        Path file = textFile("fox.txt", TEXT);
        TextCorpus.Vocabulary v =
                new TextCorpus.Vocabulary(VOCABULARY.codePoints().toArray());
        String whole = Files.readString(file);
        try (Network t = ModelFiles.load(tmp.resolve("t"));
                NDManager m = NDManager.newBaseManager()) {
            long[] tokens = TextInputs.load(m, t, "text:" + file, 12, 3).toLongArray();
            assertEquals(12 * 16, tokens.length);
            for (int w = 0; w < 12; w++) {
                int[] window = new int[16];
                for (int i = 0; i < 16; i++) {
                    window[i] = (int) tokens[w * 16 + i];
                }
                String s = v.decode(window);
                assertTrue(whole.contains(s), "window " + w + " '" + s + "' is not a piece of the text");
            }
            long[] again = TextInputs.load(m, t, "text:" + file, 12, 3).toLongArray();
            assertEquals(Arrays.toString(tokens), Arrays.toString(again), "the same seed, the same windows");
        }
    }

    @Test
    void aGrownStudentMatchesItsTeacherOnText() throws Exception {
        teacherWithVocabulary(p("t"));
        Path file = textFile("fox.txt", TEXT);
        CliRun widen = CliRun.of(
                "widen", "--model", p("t"), "--layer", "wte", "--width", "45", "--samples", "4", "--out", p("s"));
        assertEquals(0, widen.code(), widen.err());
        CliRun deepen =
                CliRun.of("deepen", "--model", p("s"), "--after", "h0_mlp_res", "--samples", "4", "--out", p("s2"));
        assertEquals(0, deepen.code(), deepen.err());
        CliRun r = CliRun.of(
                "verify",
                "--teacher",
                p("t"),
                "--student",
                p("s2"),
                "--data",
                "text:" + file,
                "--samples",
                "16",
                "--json");
        assertEquals(0, r.code(), r.err() + r.out());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertTrue(o.get("max_rel_diff").getAsDouble() <= 1e-5, r.out());
        assertEquals(16, o.get("samples").getAsInt());
        assertTrue(o.get("inputs").getAsString().contains("text:" + file + " windows"), r.out());
    }

    @Test
    void aModelWithoutAVocabularyReadsTheTextsOwnCharactersWhenTheCountsAgree() throws Exception {
        Path file = textFile("fox.txt", TEXT);
        int distinct = (int) TEXT.codePoints().distinct().count();
        assertEquals(
                0,
                CliRun.of(
                                "init",
                                "--arch",
                                "tinyllama",
                                "--width-mult",
                                "0.5",
                                "--vocab",
                                "" + distinct,
                                "--context",
                                "16",
                                "--out",
                                p("t"))
                        .code());
        assertEquals(
                0,
                CliRun.of(
                                "widen",
                                "--model",
                                p("t"),
                                "--layer",
                                "h0_attn",
                                "--heads",
                                "8",
                                "--samples",
                                "4",
                                "--out",
                                p("s"))
                        .code());
        CliRun r = CliRun.of(
                "verify", "--teacher", p("t"), "--student", p("s"), "--data", "text:" + file, "--samples", "8");
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("OK"), r.out());
    }

    @Test
    void refusalsAreOneLine() throws Exception {
        teacherWithVocabulary(p("t"));
        Path unknown = textFile("shout.txt", "the fox naps!\n"); // '!' is not in the vocabulary
        Path binary = tmp.resolve("blob.bin");
        Files.write(binary, new byte[] {'a', 'b', 0, 1, 2, 'c'});
        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9 au lait\n".repeat(20).getBytes(StandardCharsets.ISO_8859_1));
        Path fox = textFile("fox.txt", TEXT);
        assertEquals(
                0,
                CliRun.of(
                                "init",
                                "--arch",
                                "tinygpt",
                                "--width-mult",
                                "0.5",
                                "--vocab",
                                "99",
                                "--context",
                                "16",
                                "--out",
                                p("v99"))
                        .code());
        assertEquals(
                0, CliRun.of("init", "--arch", "mlp-seed", "--out", p("mlp")).code());
        String[][] bad = {
            {"--teacher", p("t"), "--student", p("t"), "--data", "text:" + unknown},
            {"--teacher", p("t"), "--student", p("t"), "--data", "text:" + binary},
            {"--teacher", p("t"), "--student", p("t"), "--data", "text:" + latin1},
            {"--teacher", p("t"), "--student", p("t"), "--data", "text:" + tmp.resolve("missing.txt")},
            {"--teacher", p("t"), "--student", p("t"), "--data", "text:"},
            {"--teacher", p("t"), "--student", p("t"), "--data", "seed"},
            {"--teacher", p("v99"), "--student", p("v99"), "--data", "text:" + fox},
            {"--teacher", p("mlp"), "--student", p("mlp"), "--data", "text:" + fox},
        };
        String[] expected = {
            "'!'",
            "binary",
            "not UTF-8",
            "does not exist",
            "names no file",
            "token model",
            "--vocab",
            "token models only"
        };
        for (int i = 0; i < bad.length; i++) {
            String[] args = new String[bad[i].length + 1];
            args[0] = "verify";
            System.arraycopy(bad[i], 0, args, 1, bad[i].length);
            CliRun r = CliRun.of(args);
            String what = String.join(" ", args) + ": " + r.out() + r.err();
            assertEquals(2, r.code(), what);
            assertEquals(1, r.err().strip().lines().count(), what);
            assertFalse(r.err().contains("Exception"), what);
            assertTrue(r.err().contains(expected[i]), what);
        }
    }

    /** The default corpus: the fortunes' 113 characters (docs/text-data.md), a model of that many tokens. */
    @Test
    @RealData
    void theDefaultTextIsTheFortunes() {
        Assumptions.assumeTrue(
                Files.isDirectory(TextCorpus.FORTUNES_DIR),
                "skipped: " + TextCorpus.FORTUNES_DIR + " is missing; apt-get install fortunes");
        int vocab = TextCorpus.fortunes().vocabulary().size();
        assertEquals(
                0,
                CliRun.of(
                                "init",
                                "--arch",
                                "tinygpt",
                                "--width-mult",
                                "0.5",
                                "--vocab",
                                "" + vocab,
                                "--context",
                                "32",
                                "--out",
                                p("t"))
                        .code());
        assertEquals(
                0,
                CliRun.of(
                                "widen",
                                "--model",
                                p("t"),
                                "--layer",
                                "h0_fc",
                                "--width",
                                "200",
                                "--samples",
                                "4",
                                "--out",
                                p("s"))
                        .code());
        CliRun r = CliRun.of(
                "verify", "--teacher", p("t"), "--student", p("s"), "--data", "text", "--samples", "32", "--json");
        assertEquals(0, r.code(), r.err() + r.out());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertTrue(o.get("max_rel_diff").getAsDouble() <= 1e-5, r.out());
        assertTrue(o.get("inputs").getAsString().startsWith("32 text windows"), r.out());
    }
}
