package net2net.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net2net.Net2NetException;
import net2net.testing.RealData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RealData
class TextCorpusTest {

    static Path write(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void vocabularyIsTheSortedCharactersAndRoundTrips(@TempDir Path tmp) throws IOException {
        // a character outside the BMP is one token, not two UTF-16 halves
        TextCorpus c = TextCorpus.load(List.of(write(tmp, "a.txt", "hello wörld \uD83D\uDE00!\n")), "text:a.txt");
        String expected = " !\nhelowrdö\uD83D\uDE00"; // any order: the test sorts it below
        int[] sorted = expected.codePoints().sorted().distinct().toArray();
        assertArrayEquals(sorted, c.vocabulary().codePoints());
        assertEquals(15, c.trainCharacters() + c.validationCharacters(), "16 UTF-16 units, 15 characters");
        String text = "hello wörld \uD83D\uDE00!\n";
        assertEquals(text, c.vocabulary().decode(c.vocabulary().encode(text)));
        // model.json: the vocabulary survives JSON, control characters included
        JsonObject json =
                JsonParser.parseString(c.vocabulary().toJson().toString()).getAsJsonObject();
        assertArrayEquals(sorted, TextCorpus.Vocabulary.fromJson(json).codePoints());
        Net2NetException e =
                assertThrows(Net2NetException.class, () -> c.vocabulary().encode("hex"));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("position 2"), e.getMessage());
    }

    @Test
    void eachFileSplitsNinetyTenByPosition(@TempDir Path tmp) throws IOException {
        Path a = write(tmp, "a.txt", "abcdefghij"); // 10 characters: 9 train, 1 validation
        Path b = write(tmp, "b.txt", "ABCDEFGHIJKLMNOPQRST"); // 20: 18 and 2
        TextCorpus c = TextCorpus.load(List.of(a, b), "text:two");
        TextCorpus.Vocabulary v = c.vocabulary();
        assertEquals("abcdefghiABCDEFGHIJKLMNOPQR", v.decode(c.train()));
        assertEquals("jST", v.decode(c.validation()));
        assertEquals(
                List.of(a, b),
                c.files().stream().map(TextCorpus.SourceFile::path).toList());
        assertEquals(
                List.of(10L, 20L),
                c.files().stream().map(TextCorpus.SourceFile::bytes).toList());
    }

    @Test
    void trainingBatchesAreSeededRandomWindowsWithShiftedTargets(@TempDir Path tmp) throws IOException {
        StringBuilder s = new StringBuilder();
        SplittableRandom letters = new SplittableRandom(1);
        for (int i = 0; i < 500; i++) {
            s.append((char) ('a' + letters.nextInt(26)));
        }
        TextCorpus c = TextCorpus.load(List.of(write(tmp, "t.txt", s.toString())), "text:t");
        int[] train = c.train();
        int batch = 8;
        int context = 16;
        assertEquals(
                (int) Math.ceil(train.length / 128.0),
                c.batchesPerEpoch(batch, context),
                "an epoch predicts the training text once");
        Set<Integer> starts = new HashSet<>();
        for (int index = 0; index < 500; index++) {
            TextCorpus.Windows w = c.trainBatch(batch, context, 42, 3, index);
            assertEquals(batch * context, w.inputs().length);
            for (int i = 0; i < batch; i++) {
                int start = startOf(train, Arrays.copyOfRange(w.inputs(), i * context, (i + 1) * context));
                assertTrue(
                        start >= 0 && start + context + 1 <= train.length,
                        "window " + i + " is a slice of the training text");
                for (int t = 0; t < context; t++) {
                    assertEquals(train[start + t + 1], w.targets()[i * context + t], "targets are the next characters");
                }
                starts.add(start);
            }
        }
        // 4000 draws over 434 starts: uniform draws reach all of them, the first and the last included
        assertTrue(
                starts.size() > 400 && starts.contains(0) && starts.contains(train.length - context - 1),
                "starts seen: " + starts.size());
        TextCorpus.Windows again = c.trainBatch(batch, context, 42, 3, 7);
        assertArrayEquals(
                c.trainBatch(batch, context, 42, 3, 7).inputs(),
                again.inputs(),
                "the same (seed, epoch, index), the same windows");
        assertFalse(Arrays.equals(
                again.inputs(), c.trainBatch(batch, context, 42, 3, 8).inputs()));
        assertFalse(Arrays.equals(
                again.inputs(), c.trainBatch(batch, context, 42, 4, 7).inputs()));
        assertFalse(Arrays.equals(
                again.inputs(), c.trainBatch(batch, context, 43, 3, 7).inputs()));
    }

    /** The position of a slice in the text (random letters: no 16-character run occurs twice). */
    static int startOf(int[] text, int[] slice) {
        int found = -1;
        for (int s = 0; s + slice.length <= text.length; s++) {
            if (Arrays.equals(text, s, s + slice.length, slice, 0, slice.length)) {
                assertEquals(-1, found, "the slice occurs twice");
                found = s;
            }
        }
        return found;
    }

    @Test
    void validationIsConsecutiveNonOverlappingWindows(@TempDir Path tmp) throws IOException {
        // 250 characters: 225 train, 25 validation; context 4 gives (25 - 1) / 4 = 6 windows
        String text = "0123456789".repeat(25);
        TextCorpus c = TextCorpus.load(List.of(write(tmp, "v.txt", text)), "text:v");
        List<TextCorpus.Windows> batches = c.validationBatches(4, 4);
        assertEquals(
                List.of(4, 2), batches.stream().map(TextCorpus.Windows::batch).toList());
        int[] val = c.validation();
        int window = 0;
        for (TextCorpus.Windows w : batches) {
            for (int i = 0; i < w.batch(); i++, window++) {
                assertArrayEquals(
                        Arrays.copyOfRange(val, window * 4, window * 4 + 4),
                        Arrays.copyOfRange(w.inputs(), i * 4, i * 4 + 4));
                assertArrayEquals(
                        Arrays.copyOfRange(val, window * 4 + 1, window * 4 + 5),
                        Arrays.copyOfRange(w.targets(), i * 4, i * 4 + 4));
            }
        }
        assertEquals(6, window);
        Net2NetException e = assertThrows(Net2NetException.class, () -> c.validationBatches(4, 25));
        assertTrue(
                e.getMessage().contains("25 characters") && e.getMessage().contains("shorter context"), e.getMessage());
    }

    @Test
    void badFilesGetOneLineNamingTheFileAndTheFix(@TempDir Path tmp) throws IOException {
        Path empty = tmp.resolve("empty.txt");
        Files.write(empty, new byte[0]);
        Path bomOnly = tmp.resolve("bom.txt");
        Files.write(bomOnly, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        Path binary = tmp.resolve("binary.bin");
        Files.write(binary, new byte[] {'P', 'K', 3, 4, 0, 0, 1, 2});
        Path controls = tmp.resolve("controls.txt");
        Files.write(controls, "text\u0001\u0002\u0003\u0004 with many control bytes".getBytes(StandardCharsets.UTF_8));
        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9 cr\u00e8me".getBytes(StandardCharsets.ISO_8859_1));
        Path missing = tmp.resolve("missing.txt");
        Path good = write(tmp, "good.txt", "good text\n");
        record Case(Path path, String says) {}
        for (Case c : List.of(
                new Case(empty, "is empty"),
                new Case(bomOnly, "is empty"),
                new Case(binary, "binary, not text (a NUL byte"),
                new Case(controls, "% of its characters are control characters"),
                new Case(latin1, "not UTF-8 text (byte 0xE9 at offset 3"),
                new Case(missing, "does not exist"),
                new Case(tmp, "is a directory"))) {
            // a bad file anywhere in the list fails the whole load
            Net2NetException e =
                    assertThrows(Net2NetException.class, () -> TextCorpus.load(List.of(good, c.path()), "text:bad"));
            assertTrue(
                    e.getMessage().contains(c.path().toString())
                            && e.getMessage().contains(c.says()),
                    e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
        assertThrows(Net2NetException.class, () -> TextCorpus.load(List.of(), "text:none"));
        // a UTF-8 byte-order mark is not text
        Path bom = tmp.resolve("bomtext.txt");
        Files.write(bom, "\uFEFFab".getBytes(StandardCharsets.UTF_8));
        assertEquals(
                List.of((int) 'a', (int) 'b'),
                Arrays.stream(TextCorpus.load(List.of(bom), "b").vocabulary().codePoints())
                        .boxed()
                        .toList());
    }

    @Test
    void fortuneFilesAreTheRegularTextFilesWithoutIndexesLinksOrSubdirectories(@TempDir Path tmp) throws IOException {
        Path a = write(tmp, "art", "art\n%\n");
        write(tmp, "art.dat", "index");
        Files.createSymbolicLink(tmp.resolve("art.u8"), a.getFileName());
        Path off = Files.createDirectory(tmp.resolve("off"));
        write(off, "rude", "rude\n");
        Path b = write(tmp, "zippy", "zippy\n");
        assertEquals(List.of(a, b), TextCorpus.fortuneFiles(tmp));
        Net2NetException e =
                assertThrows(Net2NetException.class, () -> TextCorpus.fortuneFiles(tmp.resolve("nothing")));
        assertTrue(e.getMessage().contains("apt-get install fortunes"), e.getMessage());
    }

    /** The installed fortunes: every file read, checksums as sha256sum computes them, the split and vocabulary consistent. */
    @Test
    void theDefaultCorpusIsDebiansFortunes() throws Exception {
        Assumptions.assumeTrue(
                Files.isDirectory(TextCorpus.FORTUNES_DIR),
                "skipped: " + TextCorpus.FORTUNES_DIR + " is missing; apt-get install fortunes");
        TextCorpus c = TextCorpus.fortunes();
        List<Path> files = c.files().stream().map(TextCorpus.SourceFile::path).toList();
        assertEquals(TextCorpus.fortuneFiles(TextCorpus.FORTUNES_DIR), files);
        assertTrue(files.stream()
                .noneMatch(p -> p.toString().endsWith(".dat") || p.toString().endsWith(".u8")));
        List<String> command = new ArrayList<>(List.of("sha256sum"));
        files.forEach(p -> command.add(p.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        assertEquals(
                out.lines().map(l -> l.substring(0, 64)).toList(),
                c.files().stream().map(TextCorpus.SourceFile::sha256).toList());
        int characters =
                c.files().stream().mapToInt(TextCorpus.SourceFile::characters).sum();
        assertEquals(characters, c.trainCharacters() + c.validationCharacters());
        assertEquals(
                c.files().stream()
                        .mapToInt(f -> f.characters() - TextCorpus.split(f.characters()))
                        .sum(),
                c.validationCharacters());
        Set<Integer> used = new HashSet<>();
        Arrays.stream(c.train()).forEach(used::add);
        Arrays.stream(c.validation()).forEach(used::add);
        assertEquals(c.vocabulary().size(), used.size(), "every character of the vocabulary occurs in the text");
        System.out.printf(
                Locale.ROOT,
                "[text] %s: %d files, %d bytes, %d characters (%d train, %d validation), vocabulary %d: %s%n",
                c.name(),
                files.size(),
                c.files().stream().mapToLong(TextCorpus.SourceFile::bytes).sum(),
                characters,
                c.trainCharacters(),
                c.validationCharacters(),
                c.vocabulary().size(),
                files.stream().map(f -> f.getFileName().toString()).collect(Collectors.joining(",")));
        assertNotEquals(0, c.batchesPerEpoch(64, 128));
    }
}
