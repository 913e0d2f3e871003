package net2net.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import net2net.Net2NetException;
import net2net.io.RegularFiles;

/**
 * Reads one gzipped IDX file (the MNIST format: a big-endian header, then unsigned bytes) and
 * checks it completely: gzip framing, magic number, dimensions, count and exact length.
 *
 * <pre>
 *   images: int32 2051, int32 count, int32 rows, int32 cols, count*rows*cols bytes
 *   labels: int32 2049, int32 count, count bytes
 * </pre>
 */
final class IdxFile {
    static final int IMAGES_MAGIC = 2051;
    static final int LABELS_MAGIC = 2049;

    private IdxFile() {}

    /** The pixels of {@code expectedCount} images of rows x cols, each byte b mapped to {@code byteToFloat[b]}. */
    static float[] readImages(Path file, int expectedCount, int rows, int cols, float[] byteToFloat, String fix) {
        float[] pixels = new float[Math.multiplyExact(expectedCount, rows * cols)];
        read(file, IMAGES_MAGIC, expectedCount, new int[] {rows, cols}, fix, (chunk, at, length) -> {
            for (int i = 0; i < length; i++) {
                pixels[at + i] = byteToFloat[chunk[i] & 0xFF];
            }
        });
        return pixels;
    }

    /** The labels of {@code expectedCount} samples, each checked to be below {@code numClasses}. */
    static int[] readLabels(Path file, int expectedCount, int numClasses, String fix) {
        int[] labels = new int[expectedCount];
        read(file, LABELS_MAGIC, expectedCount, new int[0], fix, (chunk, at, length) -> {
            for (int i = 0; i < length; i++) {
                labels[at + i] = chunk[i] & 0xFF;
            }
        });
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= numClasses) {
                throw problem(
                        file, "has label " + labels[i] + " at index " + i + ", outside 0.." + (numClasses - 1), fix);
            }
        }
        return labels;
    }

    /** Receives the payload in chunks; {@code at} is the chunk's offset in the payload. */
    private interface Payload {
        void accept(byte[] chunk, int at, int length);
    }

    /**
     * Validates the header, then streams the payload through {@code sink} in 64 KiB chunks (no
     * 47 MB intermediate array), then checks that nothing follows it.
     */
    private static void read(Path file, int magic, int expectedCount, int[] dims, String fix, Payload sink) {
        int headerBytes = 8 + 4 * dims.length;
        long payload = expectedCount;
        for (int d : dims) {
            payload *= d;
        }
        long expectedBytes = headerBytes + payload;
        RegularFiles.require(file, fix);
        GZIPInputStream in;
        try {
            in = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
        } catch (ZipException | EOFException e) {
            throw problem(file, "is not a gzip file", fix);
        } catch (IOException e) {
            throw new Net2NetException(
                    name(file) + " cannot be read (" + e + "): check that it exists and is readable");
        }
        try (in) {
            byte[] header = in.readNBytes(headerBytes);
            if (header.length < 8) {
                throw truncated(file, expectedBytes, header.length, fix);
            }
            int gotMagic = intAt(header, 0);
            if (gotMagic != magic) {
                throw problem(
                        file,
                        "is not an IDX " + (magic == IMAGES_MAGIC ? "image" : "label") + " file (magic number "
                                + gotMagic + ", expected " + magic + ")",
                        fix);
            }
            int count = intAt(header, 4);
            if (count != expectedCount) {
                throw problem(
                        file,
                        "holds " + count + " " + (magic == IMAGES_MAGIC ? "images" : "labels") + ", expected "
                                + expectedCount,
                        fix);
            }
            if (header.length < headerBytes) {
                throw truncated(file, expectedBytes, header.length, fix);
            }
            for (int i = 0; i < dims.length; i++) {
                if (intAt(header, 8 + 4 * i) != dims[i]) {
                    throw problem(
                            file,
                            "has images of " + intAt(header, 8) + "x" + intAt(header, 12) + " pixels, expected "
                                    + dims[0] + "x" + dims[1],
                            fix);
                }
            }
            byte[] chunk = new byte[1 << 16];
            int done = 0;
            while (done < payload) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, payload - done));
                if (n < 0) {
                    throw truncated(file, expectedBytes, headerBytes + done, fix);
                }
                sink.accept(chunk, done, n);
                done += n;
            }
            long extra = in.transferTo(OutputStream.nullOutputStream());
            if (extra > 0) {
                throw problem(
                        file,
                        "is too long (expected " + expectedBytes + " bytes, got " + (expectedBytes + extra) + ")",
                        fix);
            }
        } catch (ZipException | EOFException e) {
            // Corrupt deflate data, or the gzip stream ends before its trailer.
            // (EOFException carries no message: "(null)" said nothing)
            String why = e.getMessage() != null
                    ? e.getMessage()
                    : e instanceof EOFException
                            ? "it ends before the gzip trailer"
                            : e.getClass().getSimpleName();
            throw problem(file, "is a damaged or truncated gzip file (" + why + ")", fix);
        } catch (IOException e) {
            throw new Net2NetException(name(file) + " cannot be read (" + e + "): check that it is readable");
        }
    }

    private static int intAt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private static Net2NetException truncated(Path file, long expected, long got, String fix) {
        return problem(file, "is truncated (expected " + expected + " bytes, got " + got + ")", fix);
    }

    private static Net2NetException problem(Path file, String what, String fix) {
        return new Net2NetException(name(file) + " " + what + ": " + fix);
    }

    /** "train-images-idx3-ubyte.gz in /dir". */
    static String name(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        return file.getFileName() + " in " + dir;
    }
}
