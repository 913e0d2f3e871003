package net2net.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** Builds gzipped IDX files for tests: any header, any payload. */
final class IdxFixtures {
    private IdxFixtures() {}

    /** Header ints (big-endian) followed by the payload, gzipped. */
    static byte[] gz(int[] header, byte[] payload) {
        ByteBuffer h = ByteBuffer.allocate(4 * header.length);
        for (int v : header) {
            h.putInt(v);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            out.write(h.array());
            out.write(payload);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    static byte[] images(int count, int rows, int cols, byte[] pixels) {
        return gz(new int[] {IdxFile.IMAGES_MAGIC, count, rows, cols}, pixels);
    }

    static byte[] labels(int count, byte[] labels) {
        return gz(new int[] {IdxFile.LABELS_MAGIC, count}, labels);
    }

    /** Images whose pixel i is (i * 7 + i / 784) mod 256; labels i mod 10. */
    static byte[] patternPixels(int count) {
        byte[] p = new byte[count * 784];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i * 7 + i / 784);
        }
        return p;
    }

    static byte[] patternLabels(int count) {
        byte[] l = new byte[count];
        for (int i = 0; i < count; i++) {
            l[i] = (byte) (i % 10);
        }
        return l;
    }

    /** A complete, valid Fashion-MNIST-shaped directory with pattern data. */
    static void writeValidDataset(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(FashionMnist.TRAIN_IMAGES), images(60_000, 28, 28, patternPixels(60_000)));
        Files.write(dir.resolve(FashionMnist.TRAIN_LABELS), labels(60_000, patternLabels(60_000)));
        Files.write(dir.resolve(FashionMnist.TEST_IMAGES), images(10_000, 28, 28, patternPixels(10_000)));
        Files.write(dir.resolve(FashionMnist.TEST_LABELS), labels(10_000, patternLabels(10_000)));
    }

    /** Four empty files: enough for locate(), which only checks presence. */
    static void touchAll(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : FashionMnist.FILES) {
            Files.write(dir.resolve(f), new byte[0]);
        }
    }
}
