package net2net.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
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
            // not Files.createTempDirectory: its owner-only mode (0700) would survive the rename; this one follows the
            // umask
            tmp = Files.createDirectory(parent.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID()));
            writer.write(tmp);
            if (Files.exists(target)) {
                old = parent.resolve("." + target.getFileName() + ".old-" + UUID.randomUUID());
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
            throw new Net2NetException("cannot write " + target + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); check the path and free disk space");
        } finally {
            deleteTree(tmp);
            deleteTree(old);
        }
    }

    /** Refuses an existing {@code dir} (named in the message as an absolute path) unless {@code force}; a file always. */
    public static void refuseExisting(Path out, boolean force) {
        Path dir = out.toAbsolutePath().normalize();
        recover(dir).forEach(m -> System.err.println("net2net: " + m));
        if (Files.exists(dir) && !force) {
            throw new Net2NetException(
                    "output " + dir + " already exists; choose another --out or add --force to replace it");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new Net2NetException("output " + dir + " is a file, not a directory; choose another --out");
        }
        if (Files.exists(dir)) {
            OutputGuard.requireReplaceable(dir);
        }
    }

    /**
     * Repairs what a writer killed inside {@link #writeAtomically} left: {@code .NAME.old-*} without
     * {@code NAME} (killed between the two renames) is renamed back, the last complete version;
     * then every {@code .NAME.tmp-*} and {@code .NAME.old-*} is deleted. Only for a writer that
     * holds the output's lock (the CLI takes it for --out), so none of them can be another's work
     * in progress. Returns what was done, one entry per directory, for a log line.
     */
    public static List<String> recover(Path out) {
        Path target = out.toAbsolutePath().normalize();
        Path parent = target.getParent();
        List<String> done = new ArrayList<>();
        if (parent == null || !Files.isDirectory(parent)) {
            return done;
        }
        String name = target.getFileName().toString();
        List<Path> olds = new ArrayList<>();
        List<Path> tmps = new ArrayList<>();
        try (Stream<Path> s = Files.list(parent)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                if (n.startsWith("." + name + ".old-")) {
                    olds.add(p);
                } else if (n.startsWith("." + name + ".tmp-")) {
                    tmps.add(p);
                }
            });
        } catch (IOException e) {
            return done;
        }
        if (!Files.exists(target) && !olds.isEmpty()) {
            // one old copy at most exists per interrupted write; the newest is the last one renamed away
            olds.sort(Comparator.comparing(OutputDirs::modified).reversed());
            try {
                Files.move(olds.get(0), target, StandardCopyOption.ATOMIC_MOVE);
                done.add("restored " + target + " from " + olds.remove(0).getFileName()
                        + " (a write was interrupted between its renames)");
            } catch (IOException e) {
                throw new Net2NetException("cannot restore " + target + " from " + olds.get(0) + " (" + e.getMessage()
                        + "); rename it back by hand");
            }
        }
        for (Path p : olds) {
            deleteTree(p);
            done.add("removed " + p.getFileName() + ", left by an interrupted write");
        }
        for (Path p : tmps) {
            deleteTree(p);
            done.add("removed " + p.getFileName() + ", left by an interrupted write");
        }
        return done;
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** Writes one file atomically: temporary sibling, then rename. */
    public static void writeFile(Path file, byte[] content) {
        Path target = file.toAbsolutePath().normalize();
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = target.getParent()
                    .resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp"); // umask, not 0600
            Files.write(tmp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new Net2NetException(
                    "cannot write " + target + " (" + e.getMessage() + "); check the path and free disk space");
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
