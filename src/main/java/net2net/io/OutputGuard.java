package net2net.io;

import com.google.gson.JsonElement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import net2net.Net2NetException;

/**
 * What {@code --out} may be. {@code --force} replaces only a directory net2net wrote (a model, a
 * training run) or an empty one, never the root, the home or the working directory (nor one of
 * their ancestors), and never a directory that holds an input of the command. One writer per
 * output: {@link #lock} takes an exclusive lock for the whole command.
 */
public final class OutputGuard {
    private OutputGuard() {}

    /** Files whose net2net "format" marks a directory as ours, with that format. */
    private static final List<String[]> MARKERS = List.of(
            new String[] {"model.json", "net2net-model"}, new String[] {"train_state.json", "net2net-train-state"});

    /** Refuses to let {@code --force} replace {@code dir} (absolute, normalised, existing) unless net2net wrote it. */
    public static void requireReplaceable(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        if (d.getParent() == null) {
            throw new Net2NetException(
                    "--out " + d + " is the root directory; net2net never replaces it, choose a new directory");
        }
        Path cwd = Path.of("").toAbsolutePath().normalize();
        if (cwd.startsWith(d)) {
            throw new Net2NetException(
                    "--out " + d + " is the working directory" + (cwd.equals(d) ? "" : " or one of its parents")
                            + "; --force never replaces it, choose a new directory");
        }
        String home = System.getProperty("user.home");
        if (home != null
                && !home.isBlank()
                && Path.of(home).toAbsolutePath().normalize().startsWith(d)) {
            throw new Net2NetException(
                    "--out " + d
                            + " is the home directory or one of its parents; --force never replaces it, choose a new directory");
        }
        if (!Files.isDirectory(d) || isEmpty(d) || isNet2NetOutput(d)) {
            return;
        }
        throw new Net2NetException("--out " + d
                + " exists and is not a directory net2net wrote (no model.json or train_state.json of net2net);"
                + " --force only replaces net2net's own output, choose another --out or remove it yourself");
    }

    /** Refuses an output that is an input of the command or holds one: replacing it would destroy what is read. */
    public static void requireNotAncestorOfInputs(Path out, List<Path> inputs) {
        Path o = out.toAbsolutePath().normalize();
        for (Path input : inputs) {
            Path i = input.toAbsolutePath().normalize();
            if (i.startsWith(o) && !i.equals(o)) {
                throw new Net2NetException(
                        "--out " + o + " holds " + i + ", an input of this command; choose an --out outside it");
            }
        }
    }

    static boolean isNet2NetOutput(Path dir) {
        for (String[] m : MARKERS) {
            Path f = dir.resolve(m[0]);
            try {
                if (Files.isRegularFile(f) && Files.size(f) < (64L << 20)) {
                    JsonElement j = StrictJson.parse(Files.readString(f));
                    if (j.isJsonObject()
                            && j.getAsJsonObject().has("format")
                            && m[1].equals(j.getAsJsonObject().get("format").getAsString())) {
                        return true;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // unreadable or not JSON: not a marker
            }
        }
        return false;
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** An exclusive lock on one output, held until closed. */
    public static final class Lock implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final FileLock lock;

        private Lock(Path file, FileChannel channel, FileLock lock) {
            this.file = file;
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                // deleted while still locked: a waiting writer then finds a new inode (see lock)
                Files.deleteIfExists(file);
                lock.release();
                channel.close();
            } catch (IOException e) {
                // the lock goes with the process anyway
            } finally {
                HELD.remove(file);
            }
        }
    }

    /**
     * Locks {@code out} for this command: a second writer of the same output, in this process or
     * another, is refused at once with the holder's PID. The lock file lives next to the output
     * ({@code .NAME.lock}), or in the nearest existing ancestor when the parent does not exist yet,
     * and is deleted when the lock is released.
     */
    public static Lock lock(Path out) {
        Path o = out.toAbsolutePath().normalize();
        if (o.getParent() == null) {
            throw new Net2NetException("--out " + o + " is the root directory; choose a new directory");
        }
        Path base = o.getParent();
        String name = o.getFileName().toString();
        while (!Files.isDirectory(base) && base.getParent() != null) {
            name = base.getFileName() + "_" + name;
            base = base.getParent();
        }
        Path file = base.resolve("." + name + ".lock");
        // FileChannel locks belong to the whole JVM, and closing any channel on the file drops them:
        // writers in this process are told apart here, before the file is ever opened twice.
        if (HELD.putIfAbsent(file, Boolean.TRUE) != null) {
            throw held(o, ProcessHandle.current().pid() + ", this process");
        }
        try {
            return lockFile(o, base, file);
        } catch (RuntimeException e) {
            HELD.remove(file);
            throw e;
        }
    }

    private static final ConcurrentHashMap<Path, Boolean> HELD = new ConcurrentHashMap<>();

    private static Lock lockFile(Path o, Path base, Path file) {
        for (int attempt = 0; attempt < 10; attempt++) {
            FileChannel channel = null;
            try {
                channel = FileChannel.open(
                        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    String holder = holder(channel);
                    channel.close();
                    throw held(o, holder);
                }
                // The holder before us may have deleted this file after we opened it: lock the live one.
                if (!Files.exists(file) || !sameFile(channel, file)) {
                    lock.release();
                    channel.close();
                    continue;
                }
                channel.truncate(0);
                channel.write(
                        ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
                channel.force(false);
                return new Lock(file, channel, lock);
            } catch (IOException e) {
                closeQuietly(channel);
                // a read-only place: nothing can be written there either, which the write reports
                throw new Net2NetException(
                        "cannot lock " + o + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                                + "); check that " + base + " is a writable directory");
            }
        }
        throw new Net2NetException("cannot lock " + o + ": other writers keep replacing its lock file; try again");
    }

    private static Net2NetException held(Path out, String pid) {
        return new Net2NetException("--out " + out + " is being written by another net2net command (PID " + pid
                + "); wait for it to finish or choose another --out");
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(64);
            channel.read(b, 0);
            String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
            return s.matches("[0-9]{1,19}") ? s : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static boolean sameFile(FileChannel channel, Path file) throws IOException {
        // FileChannel does not tell its inode: look for one of this process's descriptors on the path's inode (Linux)
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        Path fd = Path.of("/proc/self/fd");
        if (key == null || !Files.isDirectory(fd)) {
            return true;
        }
        try (Stream<Path> fds = Files.list(fd)) {
            return fds.anyMatch(p -> {
                try {
                    return key.equals(
                            Files.readAttributes(p, BasicFileAttributes.class).fileKey());
                } catch (IOException | UncheckedIOException e) {
                    return false;
                }
            });
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing to add to the error being reported
            }
        }
    }
}
