package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sizes and counts the issue found ending in an OutOfMemoryError or "internal error": each is
 * refused at once with exit 2, one line, and nothing written.
 */
@Slow
class SizeLimitsCliTest {
    @TempDir
    Path tmp;

    String p(String name) {
        return tmp.resolve(name).toString();
    }

    @Test
    void hugeArchitecturesAreRefusedBeforeAllocation() throws Exception {
        assertBad("is too large", "init", "--arch", arch("units", "[4]", 2147483647), "--out", p("x"));
        assertBad("is too large", "init", "--arch", arch("1e5", "[100000]", 100000), "--out", p("x"));
        assertBad(
                "values per sample",
                "init",
                "--arch",
                "{\"input\": [1, 1048576, 1048576], \"layers\": [{\"type\": \"flatten\"},"
                        + " {\"type\": \"dense\", \"units\": 2}]}",
                "--out",
                p("x"));
        // 46000 x 46000 = 2.1e9 weights fit one array but not the heap (8.5 GB of float32)
        assertBad("needs", "init", "--arch", arch("46k", "[46000]", 46000), "--out", p("x"));
        assertBad("is too large", "init", "--arch", "fashionnet", "--width-mult", "1e6", "--out", p("x"));
    }

    @Test
    void hugeWidthsKernelsAndSampleCountsAreRefused() throws Exception {
        assertEquals(
                0,
                CliRun.of("init", "--arch", "fashionnet", "--width-mult", "0.25", "--out", p("t"))
                        .code());
        assertEquals(0, CliRun.of("init", "--arch", "mlp-seed", "--out", p("m")).code());
        assertBad(
                "is too large", "widen", "--model", p("t"), "--layer", "fc1", "--width", "2147483647", "--out", p("x"));
        assertBad(
                "is too large",
                "widen",
                "--model",
                p("t"),
                "--layer",
                "conv2",
                "--width",
                "1000000000",
                "--out",
                p("x"));
        assertBad("--width must be", "widen", "--model", p("t"), "--layer", "conv2", "--width", "-5", "--out", p("x"));
        assertBad("is too large", "pad", "--model", p("t"), "--layer", "fc1", "--width", "2147483647", "--out", p("x"));
        assertBad(
                "--kernel must be odd and between 1 and 55",
                "deepen",
                "--model",
                p("t"),
                "--after",
                "relu1",
                "--kernel",
                "99999",
                "--out",
                p("x"));
        assertBad(
                "--kernel applies to conv2d layers",
                "deepen",
                "--model",
                p("t"),
                "--after",
                "relu3",
                "--kernel",
                "5",
                "--out",
                p("x"));
        assertBad(
                "--kernel applies to conv2d layers",
                "deepen",
                "--model",
                p("m"),
                "--after",
                "relu1",
                "--kernel",
                "3",
                "--out",
                p("x"));
        assertBad(
                "--name fc2 is taken",
                "deepen",
                "--model",
                p("t"),
                "--after",
                "relu3",
                "--name",
                "fc2",
                "--out",
                p("x"));
        assertBad(
                "--samples must be between 1 and",
                "verify",
                "--teacher",
                p("t"),
                "--student",
                p("t"),
                "--samples",
                "2000000000");
        assertBad(
                "--samples must be between 1 and",
                "verify",
                "--teacher",
                p("t"),
                "--student",
                p("t"),
                "--samples",
                "0");
        assertBad(
                "--samples must be between 1 and",
                "widen",
                "--model",
                p("t"),
                "--layer",
                "fc1",
                "--width",
                "40",
                "--samples",
                "-1",
                "--out",
                p("x"));
        // fine: an explicit kernel on an image, the default on a vector
        assertEquals(
                0,
                CliRun.of("deepen", "--model", p("t"), "--after", "relu1", "--kernel", "5", "--out", p("k5"))
                        .code());
        assertEquals(
                0,
                CliRun.of("deepen", "--model", p("m"), "--after", "relu1", "--out", p("d"))
                        .code());
    }

    @Test
    void impossibleOptionCombinationsAreRefusedBeforeAnyWork() throws Exception {
        Files.writeString(tmp.resolve("file"), "x");
        long start = System.nanoTime();
        assertBad("--epochs must be between 1", "seed", "--epochs", "-1");
        assertBad("is a file, not a directory", "replicate", "--out", p("file"));
        assertBad("does not exist; drop --resume", "replicate", "--resume", "--out", p("nowhere"));
        assertTrue(System.nanoTime() - start < 10e9, "refused at once, not after training");
        assertFalse(Files.exists(tmp.resolve("nowhere")));
    }

    @Test
    void resourceFailuresAreOneLineAndOtherErrorsStayInternal() {
        String oom = TopLevel.outOfResources(new RuntimeException("wrapped", new OutOfMemoryError("Java heap space")));
        assertTrue(oom.startsWith("out of memory (Java heap space; Java heap maximum ") && !oom.contains("\n"), oom);
        assertTrue(TopLevel.outOfResources(new ArithmeticException("integer overflow"))
                .contains("a size overflows (integer overflow)"));
        String torch = TopLevel.outOfResources(
                new RuntimeException("[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator:"
                        + " not enough memory: you tried to allocate 9000000000 bytes.\nException raised from ..."));
        assertTrue(torch.startsWith("out of memory in libtorch (") && !torch.contains("\n"), torch);
        assertEquals(null, TopLevel.outOfResources(new IllegalStateException("a bug")));
    }

    private String arch(String name, String input, int units) throws Exception {
        return arch(name, "{\"input\": " + input + ", \"layers\": [{\"type\": \"dense\", \"units\": " + units + "}]}");
    }

    private String arch(String name, String json) throws Exception {
        Path f = tmp.resolve(name + ".json");
        Files.writeString(f, json);
        return f.toString();
    }

    private void assertBad(String words, String... args) throws Exception {
        if (args.length > 2 && args[1].equals("--arch") && args[2].startsWith("{")) {
            args[2] = arch("a" + System.nanoTime(), args[2]);
        }
        CliRun r = CliRun.of(args);
        String what = String.join(" ", args) + " -> " + r.err();
        assertEquals(2, r.code(), what);
        assertEquals(1, r.err().strip().lines().count(), what);
        assertTrue(r.err().startsWith("net2net: error: "), what);
        assertTrue(r.err().contains(words), what);
        assertFalse(Files.exists(tmp.resolve("x")), "nothing written: " + what);
    }
}
