package net2net.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import net2net.Net2NetException;
import net2net.testing.Fast;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The automatic download against a local HTTP server on 127.0.0.1. */
@Fast
class FashionMnistDownloadTest {
    @TempDir
    Path tmp;

    Path cache;
    HttpServer server;
    String baseUrl;
    /** What the server answers for each file name; absent names get 404. */
    final Map<String, byte[]> served = new ConcurrentHashMap<>();

    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    /** Overrides the normal handler for one request when set. */
    final AtomicReference<Handler> special = new AtomicReference<>();

    interface Handler {
        void handle(HttpExchange exchange) throws IOException, InterruptedException;
    }

    /** Small but valid IDX gz files (3 images / 3 labels), and the SHA-256 of their content. */
    final Map<String, String> sha256 = new LinkedHashMap<>();

    @BeforeEach
    void start() throws IOException {
        cache = tmp.resolve("cache");
        for (String name : FashionMnist.FILES) {
            byte[] header;
            byte[] payload;
            if (name.contains("images")) {
                header = ints(IdxFile.IMAGES_MAGIC, 3, 28, 28);
                payload = IdxFixtures.patternPixels(3);
            } else {
                header = ints(IdxFile.LABELS_MAGIC, 3);
                payload = new byte[] {(byte) name.length(), 1, 2};
            }
            served.put(name, IdxFixtures.gz(new int[0], concat(header, payload)));
            sha256.put(name, sha256(concat(header, payload)));
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/data/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/data/".length());
            requests.add(name);
            try {
                Handler h = special.getAndSet(null);
                if (h != null) {
                    h.handle(exchange);
                    return;
                }
                byte[] body = served.get(name);
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                } else {
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/data/";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private FashionMnist.Lookup lookup() {
        return new FashionMnist.Lookup(
                null, tmp.resolve("debian"), cache, true, baseUrl, sha256, Duration.ofSeconds(2));
    }

    @Test
    void goodFilesLandUnderTheirNamesWithNothingElseLeft() throws IOException {
        assertEquals(cache, FashionMnist.locate(null, lookup()));
        for (String name : FashionMnist.FILES) {
            assertArrayEquals(served.get(name), Files.readAllBytes(cache.resolve(name)), name);
        }
        assertEquals(List.copyOf(FashionMnist.FILES), cacheFiles());
        assertEquals(4, requests.size());
        // Present now: no more requests.
        assertEquals(cache, FashionMnist.locate(null, lookup()));
        assertEquals(4, requests.size());
    }

    @Test
    void onlyMissingFilesAreFetched() throws IOException {
        Files.createDirectories(cache);
        Files.write(cache.resolve(FashionMnist.TRAIN_IMAGES), served.get(FashionMnist.TRAIN_IMAGES));
        Files.write(cache.resolve(FashionMnist.TEST_LABELS), served.get(FashionMnist.TEST_LABELS));
        FashionMnist.locate(null, lookup());
        assertEquals(List.of(FashionMnist.TRAIN_LABELS, FashionMnist.TEST_IMAGES), requests);
    }

    @Test
    void checksumMismatchLeavesNoFileBehind() throws IOException {
        // Valid gzip and valid IDX, but not the expected content.
        served.put(FashionMnist.TRAIN_IMAGES, IdxFixtures.images(3, 28, 28, new byte[3 * 784]));
        Download.Failed e = assertThrows(
                Download.Failed.class,
                () -> Download.one(
                        baseUrl,
                        createdCache(),
                        FashionMnist.TRAIN_IMAGES,
                        sha256.get(FashionMnist.TRAIN_IMAGES),
                        Duration.ofSeconds(2)));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                FashionMnist.TRAIN_IMAGES + " downloaded from " + baseUrl + FashionMnist.TRAIN_IMAGES
                                        + " has the wrong content (SHA-256 of the decompressed data "),
                e.getMessage());
        assertTrue(e.getMessage().contains("expected " + sha256.get(FashionMnist.TRAIN_IMAGES)), e.getMessage());
        assertEquals(List.of(), cacheFiles());

        // Through locate: the one-line message with the ways, and still nothing in the cache.
        Net2NetException viaLocate = assertThrows(Net2NetException.class, () -> FashionMnist.locate(null, lookup()));
        FashionMnistLocateTest.assertWays(viaLocate.getMessage());
        assertTrue(viaLocate.getMessage().contains("has the wrong content"), viaLocate.getMessage());
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void notGzipOr404OrCutConnectionLeaveNoFileBehind() throws IOException {
        Path dir = createdCache();
        String name = FashionMnist.TEST_LABELS;
        served.put(name, "<html>error page</html>".getBytes());
        Net2NetException e = assertThrows(
                Net2NetException.class,
                () -> Download.one(baseUrl, dir, name, sha256.get(name), Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains("is not a valid gzip file"), e.getMessage());
        assertEquals(List.of(), cacheFiles());

        served.remove(name);
        e = assertThrows(
                Net2NetException.class,
                () -> Download.one(baseUrl, dir, name, sha256.get(name), Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains("HTTP status 404"), e.getMessage());
        assertEquals(List.of(), cacheFiles());

        special.set(exchange -> {
            exchange.sendResponseHeaders(200, 100_000);
            exchange.getResponseBody().write(new byte[100]);
            exchange.getResponseBody().flush();
            // Closing before 100,000 bytes are sent drops the connection.
        });
        e = assertThrows(
                Net2NetException.class,
                () -> Download.one(baseUrl, dir, name, sha256.get(name), Duration.ofSeconds(2)));
        assertTrue(e.getMessage().startsWith("downloading " + baseUrl + name + " failed ("), e.getMessage());
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void aFileInFlightIsOnlyVisibleAsATemporaryFile() throws Exception {
        Path dir = createdCache();
        String name = FashionMnist.TRAIN_IMAGES;
        byte[] body = served.get(name);
        CountDownLatch halfSent = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        special.set(exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            OutputStream out = exchange.getResponseBody();
            out.write(body, 0, body.length / 2);
            out.flush();
            halfSent.countDown();
            resume.await(10, TimeUnit.SECONDS);
            out.write(body, body.length / 2, body.length - body.length / 2);
        });
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread downloader = new Thread(() -> {
            try {
                Download.one(baseUrl, dir, name, sha256.get(name), Duration.ofSeconds(2));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        downloader.start();
        assertTrue(halfSent.await(10, TimeUnit.SECONDS));
        // The server has sent half; wait (bounded) until the client has started writing it.
        List<String> during = cacheFiles();
        for (long end = System.nanoTime() + 10_000_000_000L;
                during.isEmpty() && System.nanoTime() < end;
                during = cacheFiles()) {
            Thread.sleep(5);
        }
        resume.countDown();
        downloader.join(10_000);
        assertEquals(null, failure.get());
        assertEquals(1, during.size(), "during: " + during);
        assertTrue(during.get(0).startsWith(name + ".") && during.get(0).endsWith(".part"), "during: " + during);
        assertFalse(Files.exists(dir.resolve(name + ".part")));
        assertEquals(List.of(name), cacheFiles());
        assertArrayEquals(body, Files.readAllBytes(dir.resolve(name)));
    }

    private Path createdCache() throws IOException {
        return Files.createDirectories(cache);
    }

    private List<String> cacheFiles() throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cache)) {
            return files.map(p -> p.getFileName().toString())
                    .sorted(Comparator.comparingInt(
                                    (String n) -> FashionMnist.FILES.contains(n) ? FashionMnist.FILES.indexOf(n) : 99)
                            .thenComparing(n -> n))
                    .toList();
        }
    }

    private static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
