package net2net.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import net2net.Net2NetException;

/**
 * Fetches files over HTTP into a directory, all-or-nothing per file: the body goes to a temporary
 * file in the target directory, its checksum is verified, and only then is it renamed into place
 * atomically. On any failure the temporary file is deleted, so the directory never holds a
 * partial or unverified file under its final name.
 *
 * <p>The checksum is the SHA-256 of the file's <em>decompressed</em> content. Debian recompressed
 * the official .gz files (their MD5s differ from the published ones), but the decompressed IDX
 * bytes are identical, so one constant accepts both copies.
 */
final class Download {
    private static final String DISCARDED = "the file was discarded; try again later or get the data another way";

    private Download() {}

    /** A failed download; {@link #problem()} is the message without its advice, for embedding. */
    static final class Failed extends Net2NetException {
        private final String problem;

        Failed(String problem, String fix) {
            super(problem + ": " + fix);
            this.problem = problem;
        }

        String problem() {
            return problem;
        }
    }

    /** Downloads each name in {@code sha256} missing from {@code dir} from {@code baseUrl + name}. */
    static void missingFiles(String baseUrl, Path dir, Map<String, String> sha256, Duration connectTimeout) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new Failed(
                    "cannot create the download directory " + dir + " (" + oneLine(e) + ")",
                    "create it yourself or pass --data-dir DIR");
        }
        for (Map.Entry<String, String> file : sha256.entrySet()) {
            if (!Files.isRegularFile(dir.resolve(file.getKey()))) {
                one(baseUrl, dir, file.getKey(), file.getValue(), connectTimeout);
            }
        }
    }

    static void one(String baseUrl, Path dir, String name, String expectedSha256, Duration connectTimeout) {
        URI uri = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/").resolve(name);
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, name + ".", ".part");
            fetch(uri.toURL(), temp, connectTimeout);
            String actual;
            try {
                actual = contentSha256(temp);
            } catch (ZipException | EOFException e) {
                throw new Failed(
                        name + " downloaded from " + uri + " is not a valid gzip file (" + oneLine(e) + ")", DISCARDED);
            }
            if (!actual.equalsIgnoreCase(expectedSha256)) {
                throw new Failed(
                        name + " downloaded from " + uri + " has the wrong content (SHA-256 of the decompressed data "
                                + actual + ", expected " + expectedSha256 + ")",
                        DISCARDED);
            }
            Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            temp = null;
        } catch (IOException e) {
            throw new Failed("downloading " + uri + " failed (" + oneLine(e) + ")", "check the network connection");
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // Nothing better to do; the ".part" name marks it as incomplete.
                }
            }
        }
    }

    private static void fetch(URL url, Path target, Duration connectTimeout) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        connection.setConnectTimeout((int) connectTimeout.toMillis());
        connection.setReadTimeout(30_000);
        try {
            int status = connection.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                throw new IOException("HTTP status " + status);
            }
            long announced = connection.getContentLengthLong();
            long received;
            try (InputStream in = connection.getInputStream()) {
                received = Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            if (announced >= 0 && received != announced) {
                throw new IOException("connection closed after " + received + " of " + announced + " bytes");
            }
        } finally {
            connection.disconnect();
        }
    }

    /** Hex SHA-256 of the gunzipped content of {@code gzFile}. */
    static String contentSha256(Path gzFile) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        try (InputStream in =
                new DigestInputStream(new GZIPInputStream(Files.newInputStream(gzFile), 1 << 16), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String oneLine(Throwable e) {
        String s = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return s.replaceAll("\\s+", " ").trim();
    }
}
