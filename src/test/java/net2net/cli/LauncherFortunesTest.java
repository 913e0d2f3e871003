package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's text-corpus step, against stand-ins as in {@link LauncherTest}: which command lines
 * install Debian's fortunes (docs/text-data.md)?
 */
@Fast
class LauncherFortunesTest {
    @TempDir
    Path tmp;

    @Test
    void fortunesAreInstalledOnlyForTheDefaultCorpus() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("app"));
        Files.copy(Path.of("net2net"), home.resolve("net2net"));
        Files.copy(Path.of("native-env.sh"), home.resolve("native-env.sh"));
        Files.createDirectories(home.resolve("target"));
        Files.createFile(home.resolve("target/net2net.jar"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        script(bin.resolve("id"), "echo 0");
        script(bin.resolve("apt-get"), "echo \"apt-get $*\" >> " + tmp.resolve("apt.log"));
        script(bin.resolve("java"), "exit 0");
        Path installed = Files.createDirectories(tmp.resolve("fortunes"));

        assertInstalls(true, Map.of(), "train", "--model", "m", "--data", "text", "--out", "o");
        assertInstalls(true, Map.of(), "evaluate", "--model", "m", "--data=text");
        assertInstalls(true, Map.of(), "init", "--arch", "tinygpt", "--data", "text", "--out", "o");
        assertInstalls(false, Map.of(), "train", "--model", "m", "--data", "text:story.txt", "--out", "o");
        assertInstalls(false, Map.of(), "train", "--model", "m", "--data", "seed", "--out", "o");
        assertInstalls(false, Map.of(), "train", "--data", "text", "--help");
        assertInstalls(false, Map.of(), "sample", "--model", "m");
        assertInstalls(false, Map.of("NET2NET_NO_DOWNLOAD", "1"), "train", "--data", "text");
        assertInstalls(false, Map.of("NET2NET_DEBIAN_FORTUNES", installed.toString()), "train", "--data", "text");
    }

    private void assertInstalls(boolean expected, Map<String, String> env, String... args) throws Exception {
        Path log = tmp.resolve("apt.log");
        Files.deleteIfExists(log);
        List<String> command =
                new ArrayList<>(List.of("bash", tmp.resolve("app/net2net").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("out.log").toFile());
        pb.environment().put("PATH", tmp.resolve("bin") + ":/usr/bin:/bin");
        pb.environment().put("HOME", tmp.toString());
        pb.environment()
                .put("NET2NET_DEBIAN_FORTUNES", tmp.resolve("no-fortunes").toString());
        pb.environment().remove("NET2NET_NO_DOWNLOAD");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String what = String.join(" ", args) + " " + env + ": " + Files.readString(tmp.resolve("out.log"));
        assertEquals(0, p.exitValue(), what);
        assertEquals(expected, Files.exists(log) && Files.readString(log).contains("install -y -q fortunes"), what);
    }

    private static void script(Path file, String body) throws Exception {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
