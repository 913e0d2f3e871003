package net2net.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import net2net.Net2NetException;

/**
 * Writes a file so that readers see either the old content or the complete new content, never a
 * half-written file: the bytes go to a temporary file in the same directory, which is then renamed
 * over the target with {@code ATOMIC_MOVE}.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    public static void writeString(Path target, String text) {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeBytes(Path target, byte[] bytes) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            // Not Files.createTempFile: its owner-only permissions would survive the rename.
            tmp = dir.resolve("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
            Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (AtomicMoveNotSupportedException e) {
            throw new Net2NetException(
                    "cannot write " + target + ": its file system does not support atomic renames;"
                            + " choose an output directory on a local disk",
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // The original error matters more than a leftover temporary file.
                }
            }
        }
    }
}
