package net2net.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net2net.Net2NetException;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and validating the IDX files, with files built in a temporary directory. */
@Fast
class FashionMnistFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsAValidDirectoryAndDecodesPixelsAndLabels() throws IOException {
        IdxFixtures.writeValidDataset(dir);
        Splits s = FashionMnist.read(dir);
        assertEquals(60_000, s.train().size());
        assertEquals(10_000, s.test().size());
        byte[] expected = IdxFixtures.patternPixels(60_000);
        float[] f = s.train().features();
        for (int i : new int[] {0, 1, 783, 784, 785, 1_000_000, f.length - 1}) {
            assertEquals((expected[i] & 0xFF) / 255f, f[i], "pixel " + i);
        }
        int[] labels = new int[3];
        s.test().copyLabels(new int[] {0, 7, 9_999}, labels);
        assertArrayEquals(new int[] {0, 7, 9}, labels);
        assertEquals(6000, s.train().classCounts()[3]);
    }

    @Test
    void byteToFloatIsDivisionBy255() {
        // The loader maps byte b to float32(b * (1/255)); this equals float32(b) / 255, as torchvision computes it.
        for (int b = 0; b < 256; b++) {
            assertEquals(b / 255f, (float) (b * FashionMnist.PIXEL_SCALE), "byte " + b);
        }
    }

    @Test
    void wrongMagicNumber() throws IOException {
        write(FashionMnist.TRAIN_IMAGES, IdxFixtures.labels(60_000, new byte[60_000]));
        assertMessage(readFails(), FashionMnist.TRAIN_IMAGES, "magic number 2049, expected 2051");
    }

    @Test
    void truncatedPayload() throws IOException {
        write(FashionMnist.TRAIN_IMAGES, IdxFixtures.images(60_000, 28, 28, new byte[1000]));
        assertMessage(readFails(), FashionMnist.TRAIN_IMAGES, "is truncated (expected 47040016 bytes, got 1016)");
    }

    @Test
    void wrongCount() throws IOException {
        write(FashionMnist.TRAIN_IMAGES, IdxFixtures.images(100, 28, 28, new byte[100 * 784]));
        assertMessage(readFails(), FashionMnist.TRAIN_IMAGES, "holds 100 images, expected 60000");
    }

    @Test
    void wrongImageSize() throws IOException {
        write(FashionMnist.TRAIN_IMAGES, IdxFixtures.images(60_000, 27, 28, new byte[10]));
        assertMessage(readFails(), FashionMnist.TRAIN_IMAGES, "images of 27x28 pixels, expected 28x28");
    }

    @Test
    void notAGzipFile() throws IOException {
        write(FashionMnist.TRAIN_IMAGES, "<html>Not Found</html>".getBytes());
        assertMessage(readFails(), FashionMnist.TRAIN_IMAGES, "is not a gzip file");
        write(FashionMnist.TRAIN_IMAGES, new byte[0]);
        assertMessage(readFails(), FashionMnist.TRAIN_IMAGES, "is not a gzip file");
    }

    @Test
    void cutGzipStream() throws IOException {
        byte[] whole = IdxFixtures.images(60_000, 28, 28, IdxFixtures.patternPixels(60_000));
        write(FashionMnist.TRAIN_IMAGES, Arrays.copyOf(whole, whole.length / 2));
        assertMessage(readFails(), FashionMnist.TRAIN_IMAGES, "damaged or truncated gzip file");
    }

    @Test
    void labelFileTooLong() throws IOException {
        Path file = write(FashionMnist.TEST_LABELS, IdxFixtures.labels(5, new byte[] {1, 2, 3, 4, 5, 6}));
        Net2NetException e = assertThrows(Net2NetException.class, () -> IdxFile.readLabels(file, 5, 10, "fix it"));
        assertMessage(e, FashionMnist.TEST_LABELS, "is too long (expected 13 bytes, got 14): fix it");
    }

    @Test
    void labelOutOfRange() throws IOException {
        Path file = write(FashionMnist.TEST_LABELS, IdxFixtures.labels(3, new byte[] {0, 9, 10}));
        Net2NetException e = assertThrows(Net2NetException.class, () -> IdxFile.readLabels(file, 3, 10, "fix it"));
        assertMessage(e, FashionMnist.TEST_LABELS, "has label 10 at index 2, outside 0..9");
        Path ok = write(FashionMnist.TRAIN_LABELS, IdxFixtures.labels(3, new byte[] {0, 9, 5}));
        assertArrayEquals(new int[] {0, 9, 5}, IdxFile.readLabels(ok, 3, 10, "fix it"));
    }

    @Test
    void badTestSplitFileIsReportedToo() throws IOException {
        IdxFixtures.writeValidDataset(dir);
        write(FashionMnist.TEST_IMAGES, IdxFixtures.images(9_999, 28, 28, new byte[9_999 * 784]));
        assertMessage(readFails(), FashionMnist.TEST_IMAGES, "holds 9999 images, expected 10000");
    }

    private Net2NetException readFails() {
        return assertThrows(Net2NetException.class, () -> FashionMnist.read(dir));
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    /** The message is one line naming the file and its directory, the problem and a fix. */
    private void assertMessage(Net2NetException e, String file, String problem) {
        String m = e.getMessage();
        assertTrue(m.startsWith(file + " in " + dir.toAbsolutePath()), m);
        assertTrue(m.contains(problem), m);
        assertTrue(m.contains(": "), m);
        assertTrue(!m.contains("\n"), m);
    }
}
