package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net2net.Net2NetException;
import net2net.io.OutputGuard;
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --force replaces only net2net's own output, and one writer at a time holds an output. */
@Slow
class OutputSafetyTest {
    @TempDir
    Path tmp;

    String p(String name) {
        return tmp.resolve(name).toString();
    }

    @Test
    void forceReplacesOnlyNet2NetDirectories() throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(mine.resolve("holiday.jpg"), "precious");
        CliRun r = CliRun.of("init", "--arch", "mlp-seed", "--out", mine.toString(), "--force");
        assertRefused(r, "not a directory net2net wrote");
        assertEquals("precious", Files.readString(mine.resolve("holiday.jpg")));

        // a model, a training run and an empty directory may be replaced
        assertEquals(0, CliRun.of("init", "--arch", "mlp-seed", "--out", p("m")).code());
        assertEquals(
                0,
                CliRun.of("init", "--arch", "mlp-seed", "--seed", "1", "--out", p("m"), "--force")
                        .code());
        assertEquals(
                0,
                CliRun.of(
                                "train",
                                "--model",
                                p("m"),
                                "--data",
                                "seed",
                                "--standardize",
                                "--lr",
                                "0.01",
                                "--epochs",
                                "1",
                                "--out",
                                p("run"))
                        .code());
        assertEquals(
                0,
                CliRun.of("init", "--arch", "mlp-seed", "--out", p("run"), "--force")
                        .code());
        Files.createDirectories(tmp.resolve("empty"));
        assertEquals(
                0,
                CliRun.of("init", "--arch", "mlp-seed", "--out", p("empty"), "--force")
                        .code());

        // the root, and a directory holding the model being read
        assertRefused(CliRun.of("init", "--arch", "mlp-seed", "--out", "/", "--force"), "root directory");
        Files.createDirectories(tmp.resolve("work"));
        assertEquals(
                0, CliRun.of("init", "--arch", "mlp-seed", "--out", p("work/t")).code());
        assertRefused(
                CliRun.of(
                        "widen",
                        "--model",
                        p("work/t"),
                        "--layer",
                        "fc1",
                        "--width",
                        "12",
                        "--out",
                        p("work"),
                        "--force"),
                "an input of this command");
        assertTrue(Files.isRegularFile(tmp.resolve("work/t/model.json")));
        assertNoLeftovers();
    }

    @Test
    void workingHomeAndRootDirectoriesAreNeverReplaceable() {
        // checked on the guard itself: a mistake here must not be able to delete the test's own directories
        for (Path p : List.of(
                Path.of(""),
                Path.of("."),
                Path.of("").toAbsolutePath().getParent(),
                Path.of(System.getProperty("user.home")),
                Path.of("/"))) {
            Net2NetException e =
                    assertThrows(Net2NetException.class, () -> OutputGuard.requireReplaceable(p), p.toString());
            assertTrue(e.getMessage().matches(".*(working directory|home directory|root directory).*"), e.getMessage());
        }
    }

    @Test
    void aSecondWriterIsRefusedWithTheHoldersPid() throws Exception {
        long pid = ProcessHandle.current().pid();
        try (OutputGuard.Lock lock = OutputGuard.lock(tmp.resolve("busy"))) {
            // in this process
            CliRun r = CliRun.of("init", "--arch", "mlp-seed", "--out", p("busy"));
            assertRefused(r, "being written by another net2net command (PID " + pid + ", this process");
            // from another process: FileChannel locks exclude other JVMs
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName(),
                    "init",
                    "--arch",
                    "mlp-seed",
                    "--out",
                    p("busy")));
            Process other =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            assertTrue(other.waitFor(60, TimeUnit.SECONDS));
            String output = new String(other.getInputStream().readAllBytes());
            assertEquals(2, other.exitValue(), output);
            assertTrue(
                    output.strip()
                            .equals("net2net: error: --out " + tmp.resolve("busy")
                                    + " is being written by another net2net command (PID " + pid
                                    + "); wait for it to finish or choose another --out"),
                    output);
        }
        assertFalse(Files.exists(tmp.resolve("busy")));
        // released: the next writer goes ahead, and no lock file stays behind
        assertEquals(
                0, CliRun.of("init", "--arch", "mlp-seed", "--out", p("busy")).code());
        assertNoLeftovers();
    }

    @Test
    void modelDirectoriesFollowTheUmask() throws Exception {
        assertEquals(0, CliRun.of("init", "--arch", "mlp-seed", "--out", p("m")).code());
        Path plain = Files.createDirectory(tmp.resolve("plain")); // what mkdir gives under this process's umask
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(tmp.resolve("m")));
        Path file = Files.createFile(tmp.resolve("plain/f"));
        assertEquals(Files.getPosixFilePermissions(file), Files.getPosixFilePermissions(tmp.resolve("m/model.json")));
        assertEquals(
                Files.getPosixFilePermissions(file), Files.getPosixFilePermissions(tmp.resolve("m/model.safetensors")));
    }

    private void assertNoLeftovers() throws Exception {
        try (var s = Files.list(tmp)) {
            List<String> hidden = s.map(x -> x.getFileName().toString())
                    .filter(n -> n.startsWith("."))
                    .toList();
            assertTrue(hidden.isEmpty(), "left behind: " + hidden);
        }
    }

    private static void assertRefused(CliRun r, String words) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("net2net: error: ") && r.err().contains(words), r.err());
    }
}
