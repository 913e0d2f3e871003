package net2net.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net2net.Net2NetException;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A gzip file cut inside its 8-byte trailer, and a device in place of a data file. */
@Fast
class IdxFileDamageTest {
    @TempDir
    Path dir;

    @Test
    void aTruncatedTrailerSaysSo() throws Exception {
        byte[] whole = IdxFixtures.labels(5, new byte[] {1, 2, 3, 4, 5});
        Path file = dir.resolve(FashionMnist.TEST_LABELS);
        Files.write(file, Arrays.copyOf(whole, whole.length - 3));
        Net2NetException e = assertThrows(Net2NetException.class, () -> IdxFile.readLabels(file, 5, 10, "fix it"));
        assertTrue(
                e.getMessage().contains("damaged or truncated gzip file (it ends before the gzip trailer): fix it"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("null"), e.getMessage());
    }

    @Test
    void aDeviceIsRefusedBeforeReading() throws Exception {
        Path file = dir.resolve(FashionMnist.TEST_LABELS);
        Files.createSymbolicLink(file, Path.of("/dev/zero"));
        Net2NetException e = assertThrows(Net2NetException.class, () -> IdxFile.readLabels(file, 5, 10, "fix it"));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }
}
