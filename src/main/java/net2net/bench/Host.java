package net2net.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** What Linux tells about this process and machine: resident memory, load, CPU model. */
final class Host {
    private Host() {}

    /** Current resident set size (VmRSS) in MB, or NaN where /proc is missing. */
    static double rssMb() {
        return status("VmRSS:");
    }

    /** Peak resident set size (VmHWM) in MB since the process started or since {@link #resetPeakRss}. */
    static double peakRssMb() {
        return status("VmHWM:");
    }

    /** Resets VmHWM to the current RSS (writing 5 to /proc/self/clear_refs); false where that is not allowed. */
    static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static double status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Double.NaN;
    }

    /** The 1-minute load average, or NaN. */
    static double loadAverage() {
        try {
            return Double.parseDouble(
                    Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "unknown CPU";
    }

    /** The glibc malloc tunables set in this process's environment (./net2net sets some), or "none". */
    static String mallocEnvironment() {
        String set = System.getenv().entrySet().stream()
                .filter(e -> e.getKey().startsWith("MALLOC_") || e.getKey().startsWith("GLIBC_TUNABLES"))
                .map(e -> e.getKey() + "=" + e.getValue())
                .sorted()
                .collect(Collectors.joining(" "));
        return set.isEmpty() ? "none" : set;
    }

    /** The JVM's collectors, e.g. "Copy, MarkSweepCompact" for the serial one that ./net2net selects. */
    static String garbageCollectors() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(", "));
    }
}
