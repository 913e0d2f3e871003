package net2net.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import net2net.Net2NetException;

/**
 * Size checks made before a large allocation, so that what cannot fit is one clear line rather
 * than an OutOfMemoryError: Java arrays against the heap the JVM may still grow to, native
 * (libtorch) arrays against the machine's available memory.
 */
public final class Memory {
    private Memory() {}

    /** Bytes the JVM heap can still provide (the maximum heap less what is in use). */
    public static long heapAvailable() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    /** The machine's MemAvailable (Linux), or Long.MAX_VALUE where it cannot be read. */
    public static long nativeAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    String[] f = line.trim().split("\\s+");
                    return Math.multiplyExact(Long.parseLong(f[1]), 1024L);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no bound
        }
        return Long.MAX_VALUE;
    }

    /** Refuses {@code bytes} of Java arrays that the heap cannot hold. */
    public static void requireHeap(long bytes, String what) {
        long limit = heapAvailable();
        if (bytes > limit) {
            // garbage may be all that stands in the way
            System.gc();
            limit = heapAvailable();
        }
        if (bytes > limit) {
            throw new Net2NetException(what + " needs " + human(bytes) + " of Java heap, but only " + human(limit)
                    + " is available (maximum " + human(Runtime.getRuntime().maxMemory())
                    + "); make it smaller, or raise -Xmx in NET2NET_JAVA_OPTS");
        }
    }

    /** Refuses {@code bytes} of native arrays that the machine's available memory cannot hold. */
    public static void requireNative(long bytes, String what) {
        long limit = nativeAvailable();
        if (bytes > limit) {
            throw new Net2NetException(what + " needs " + human(bytes) + " of memory, but this machine has "
                    + human(limit) + " available; make it smaller or use a machine with more memory");
        }
    }

    /** "3.00 GiB", "512 MiB", "1,024 bytes". */
    public static String human(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%,d bytes", bytes);
    }
}
