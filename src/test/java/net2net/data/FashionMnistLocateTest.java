package net2net.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import net2net.Net2NetException;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lookup order and its error messages, with every location in a temporary directory. */
@Fast
class FashionMnistLocateTest {
    @TempDir
    Path tmp;

    private FashionMnist.Lookup lookup(Path envDir, boolean download, String baseUrl) {
        return new FashionMnist.Lookup(
                envDir,
                tmp.resolve("debian"),
                tmp.resolve("cache"),
                download,
                baseUrl,
                FashionMnist.CONTENT_SHA256,
                Duration.ofSeconds(2));
    }

    private FashionMnist.Lookup offline() {
        return lookup(null, false, FashionMnist.OFFICIAL_URL);
    }

    @Test
    void explicitDirectoryWins() throws IOException {
        Path explicit = tmp.resolve("explicit");
        IdxFixtures.touchAll(explicit);
        IdxFixtures.touchAll(tmp.resolve("debian"));
        assertEquals(explicit, FashionMnist.locate(explicit, offline()));
    }

    @Test
    void explicitDirectoryLackingFilesIsAnErrorNotAFallThrough() throws IOException {
        Path explicit = tmp.resolve("explicit");
        IdxFixtures.touchAll(explicit);
        Files.delete(explicit.resolve(FashionMnist.TEST_LABELS));
        IdxFixtures.touchAll(tmp.resolve("debian"));
        Net2NetException e = assertThrows(Net2NetException.class, () -> FashionMnist.locate(explicit, offline()));
        assertTrue(
                e.getMessage().startsWith("--data-dir " + explicit + " lacks " + FashionMnist.TEST_LABELS + ":"),
                e.getMessage());

        Path absent = tmp.resolve("nowhere");
        e = assertThrows(Net2NetException.class, () -> FashionMnist.locate(absent, offline()));
        assertTrue(e.getMessage().startsWith("--data-dir " + absent + " is not a directory:"), e.getMessage());
    }

    @Test
    void environmentVariableComesNextAndMustBeComplete() throws IOException {
        Path env = tmp.resolve("env");
        IdxFixtures.touchAll(env);
        IdxFixtures.touchAll(tmp.resolve("debian"));
        assertEquals(env, FashionMnist.locate(null, lookup(env, false, FashionMnist.OFFICIAL_URL)));

        Files.delete(env.resolve(FashionMnist.TRAIN_IMAGES));
        Net2NetException e = assertThrows(
                Net2NetException.class, () -> FashionMnist.locate(null, lookup(env, false, FashionMnist.OFFICIAL_URL)));
        assertTrue(
                e.getMessage().startsWith("NET2NET_DATA=" + env + " lacks " + FashionMnist.TRAIN_IMAGES),
                e.getMessage());
    }

    @Test
    void debianDirectoryThenCache() throws IOException {
        IdxFixtures.touchAll(tmp.resolve("cache"));
        assertEquals(tmp.resolve("cache"), FashionMnist.locate(null, offline()));
        IdxFixtures.touchAll(tmp.resolve("debian"));
        assertEquals(tmp.resolve("debian"), FashionMnist.locate(null, offline()));
    }

    @Test
    void incompleteDirectoriesAreSkipped() throws IOException {
        IdxFixtures.touchAll(tmp.resolve("debian"));
        Files.delete(tmp.resolve("debian").resolve(FashionMnist.TRAIN_LABELS));
        IdxFixtures.touchAll(tmp.resolve("cache"));
        assertEquals(tmp.resolve("cache"), FashionMnist.locate(null, offline()));
    }

    @Test
    void nothingAnywhereAndNoDownloadListsTheWaysOnOneLine() {
        Net2NetException e = assertThrows(Net2NetException.class, () -> FashionMnist.locate(null, offline()));
        assertWays(e.getMessage());
        assertTrue(e.getMessage().contains("automatic download is turned off"), e.getMessage());
    }

    @Test
    void unreachableServerFailsFastAndCleanly() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        long start = System.nanoTime();
        Net2NetException e = assertThrows(
                Net2NetException.class,
                () -> FashionMnist.load(null, lookup(null, true, "http://127.0.0.1:" + closedPort + "/")));
        assertTrue(System.nanoTime() - start < 5e9, "took " + (System.nanoTime() - start) / 1e9 + " s");
        assertWays(e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains("the automatic download failed (downloading http://127.0.0.1:" + closedPort
                                + "/train-images-idx3-ubyte.gz failed (ConnectException"),
                e.getMessage());
        try (Stream<Path> left = Files.list(tmp.resolve("cache"))) {
            assertEquals(0, left.count(), "the cache directory must stay empty");
        }
    }

    static void assertWays(String m) {
        assertFalse(m.contains("\n"), m);
        for (String way : new String[] {
            "--data-dir DIR",
            "NET2NET_DATA=DIR",
            "apt-get install dataset-fashion-mnist",
            "network access for the automatic download"
        }) {
            assertTrue(m.contains(way), "missing '" + way + "' in: " + m);
        }
    }
}
