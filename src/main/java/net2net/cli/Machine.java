package net2net.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** One line about the machine, for reports and benchmarks. */
final class Machine {
    private Machine() {}

    static String describe() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (Exception ignored) {
            // not Linux: keep "unknown CPU"
        }
        long mem = Runtime.getRuntime().maxMemory() >> 20;
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + Runtime.version().feature() + ", max heap " + mem + " MB";
    }
}
