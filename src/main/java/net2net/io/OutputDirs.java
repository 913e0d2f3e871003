package net2net.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import net2net.Net2NetException;

/** Writes a whole output directory atomically: a temporary sibling, then a rename. */
public final class OutputDirs {
    private OutputDirs() {}

    @FunctionalInterface
    public interface Writer {
        void write(Path tmpDir) throws IOException;
    }

    /** Refuses an existing {@code dir} unless {@code force}; on any failure nothing is left behind. */
    public static void writeAtomically(Path dir, boolean force, Writer writer) {
        Path target = dir.toAbsolutePath().normalize();
        refuseExisting(target, force);
        Path parent = target.getParent();
        Path tmp = null;
        Path old = null;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
            writer.write(tmp);
            if (Files.exists(target)) {
                old = Files.createTempDirectory(parent, "." + target.getFileName() + ".old-");
                Files.delete(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException e) {
            if (old != null && !Files.exists(target)) {
                try {
                    Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
                    old = null;
                } catch (IOException ignored) {
                    // leave the old copy where it is rather than lose it
                }
            }
            throw new Net2NetException("cannot write " + target + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); check the path and free disk space");
        } finally {
            deleteTree(tmp);
            deleteTree(old);
        }
    }

    /** Refuses an existing {@code dir} (named in the message as an absolute path) unless {@code force}; a file always. */
    public static void refuseExisting(Path out, boolean force) {
        Path dir = out.toAbsolutePath().normalize();
        if (Files.exists(dir) && !force) {
            throw new Net2NetException("output " + dir + " already exists; choose another --out or add --force to replace it");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new Net2NetException("output " + dir + " is a file, not a directory; choose another --out");
        }
        if (Files.exists(dir)) {
            OutputGuard.requireReplaceable(dir);
        }
    }

    /** Writes one file atomically: temporary sibling, then rename. */
    public static void writeFile(Path file, byte[] content) {
        Path target = file.toAbsolutePath().normalize();
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            Files.write(tmp, content);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new Net2NetException("cannot write " + target + " (" + e.getMessage() + "); check the path and free disk space");
        } finally {
            deleteTree(tmp);
        }
    }

    static void deleteTree(Path p) {
        if (p == null || !Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (IOException ignored) {
            // best effort clean-up of our own temporary files
        }
    }
}
