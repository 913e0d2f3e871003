package net2net.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import net2net.Net2NetException;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 60,000 training and 10,000 test greyscale images
 * of 28x28 pixels in 10 classes, read from the four official gzipped IDX files.
 *
 * <p>Where the files are looked for, in order: an explicit directory ({@code --data-dir}), the
 * environment variable {@code NET2NET_DATA}, /usr/share/datasets/fashion-mnist (Debian package
 * dataset-fashion-mnist), {@code ~/.cache/net2net/fashion-mnist}. A directory counts when all four
 * files are in it; an explicit directory or NET2NET_DATA that lacks them is an error rather than
 * being skipped. If none has them, the files are downloaded from the official host into the cache
 * directory (unless {@code NET2NET_NO_DOWNLOAD} is set) and checked against SHA-256 constants.
 *
 * <p>Pixels come back as float32 in [0, 1]: raw byte / 255 (see {@link #rawPreprocessing()}).
 */
public final class FashionMnist {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";
    public static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    public static final int TRAIN_SIZE = 60_000;
    public static final int TEST_SIZE = 10_000;
    public static final int ROWS = 28;
    public static final int COLS = 28;
    public static final int NUM_CLASSES = 10;
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** Raw bytes 0..255 are multiplied by this. */
    public static final double PIXEL_SCALE = 1.0 / 255;

    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final String OFFICIAL_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    /**
     * SHA-256 of each file's decompressed IDX content. Computed from Debian's copies, whose
     * decompressed MD5s equal those published for the official files (f4a8712d..., 9018921c...,
     * 8181f547..., 15d48437...); Debian's .gz files themselves differ from the official ones.
     */
    public static final Map<String, String> CONTENT_SHA256 = orderedMap(
            TRAIN_IMAGES, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            TRAIN_LABELS, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            TEST_IMAGES, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            TEST_LABELS, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    private static final String FIX = "delete it and fetch the data again (apt-get install dataset-fashion-mnist,"
            + " or let net2net download it into ~/.cache/net2net/fashion-mnist)";
    private static final String WAYS =
            "pass --data-dir DIR, set NET2NET_DATA=DIR, run apt-get install dataset-fashion-mnist,"
                    + " or allow network access for the automatic download";

    private FashionMnist() {}

    /**
     * Where to look and whether and how to download; {@link #fromEnvironment()} is the real setting,
     * tests substitute directories, a local server and checksums.
     *
     * @param envDir         NET2NET_DATA, or null
     * @param debianDir      the system-wide directory
     * @param cacheDir       the per-user directory, also the download target
     * @param download       whether to download when nothing else has the files
     * @param baseUrl        where the four files are, ending in "/"
     * @param sha256         expected SHA-256 of each file's decompressed content
     * @param connectTimeout how long to wait for the server to accept the connection
     */
    public record Lookup(
            Path envDir,
            Path debianDir,
            Path cacheDir,
            boolean download,
            String baseUrl,
            Map<String, String> sha256,
            Duration connectTimeout) {

        public static Lookup fromEnvironment() {
            String env = System.getenv("NET2NET_DATA");
            String noDownload = System.getenv("NET2NET_NO_DOWNLOAD");
            return new Lookup(
                    env == null || env.isBlank() ? null : Path.of(env),
                    DEBIAN_DIR,
                    Path.of(System.getProperty("user.home"), ".cache", "net2net", "fashion-mnist"),
                    noDownload == null || noDownload.isBlank() || noDownload.equals("0"),
                    OFFICIAL_URL,
                    CONTENT_SHA256,
                    Duration.ofSeconds(5));
        }

        public Lookup withDownload(boolean enabled) {
            return new Lookup(envDir, debianDir, cacheDir, enabled, baseUrl, sha256, connectTimeout);
        }
    }

    /** Locates (see the class comment), reads and validates both splits. */
    public static Splits load(Path dataDirOrNull) {
        return load(dataDirOrNull, Lookup.fromEnvironment());
    }

    public static Splits load(Path dataDirOrNull, Lookup lookup) {
        return read(locate(dataDirOrNull, lookup));
    }

    /** The directory holding the four files, downloading them if needed. */
    public static Path locate(Path explicitDirOrNull) {
        return locate(explicitDirOrNull, Lookup.fromEnvironment());
    }

    public static Path locate(Path explicitDirOrNull, Lookup lookup) {
        if (explicitDirOrNull != null) {
            return requireComplete(explicitDirOrNull, "--data-dir " + explicitDirOrNull);
        }
        if (lookup.envDir() != null) {
            return requireComplete(lookup.envDir(), "NET2NET_DATA=" + lookup.envDir());
        }
        for (Path dir : List.of(lookup.debianDir(), lookup.cacheDir())) {
            if (missing(dir).isEmpty()) {
                return dir;
            }
        }
        String searched = "Fashion-MNIST is not in " + lookup.debianDir() + " or " + lookup.cacheDir();
        if (!lookup.download()) {
            throw new Net2NetException(searched + " and the automatic download is turned off: " + WAYS);
        }
        try {
            Download.missingFiles(lookup.baseUrl(), lookup.cacheDir(), lookup.sha256(), lookup.connectTimeout());
        } catch (Download.Failed e) {
            throw new Net2NetException(
                    searched + " and the automatic download failed (" + e.problem() + "): " + WAYS, e);
        }
        return lookup.cacheDir();
    }

    /** Reads and validates the four files in {@code dir}, no searching. */
    public static Splits read(Path dir) {
        // Decompression is the bottleneck and single-threaded per file: read the test split alongside.
        CompletableFuture<Dataset> test = CompletableFuture.supplyAsync(
                () -> readSplit(dir, TEST_IMAGES, TEST_LABELS, TEST_SIZE, "fashion-mnist test"));
        Dataset train = readSplit(dir, TRAIN_IMAGES, TRAIN_LABELS, TRAIN_SIZE, "fashion-mnist train");
        try {
            return new Splits(train, test.join());
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Scale 1/255, no standardisation: what {@link #load} returns. */
    public static Preprocessing rawPreprocessing() {
        return Preprocessing.scaleOnly(PIXEL_SCALE);
    }

    /**
     * Optional standardisation: mean and std over all training pixels (one channel), applied to
     * both splits. Fashion-MNIST's are about 0.2860 and 0.3530.
     */
    public static Standardized normalize(Splits scaled) {
        Preprocessing p = Preprocessing.standardize(scaled.train(), PIXEL_SCALE);
        return new Standardized(p.apply(scaled), p);
    }

    private static Dataset readSplit(Path dir, String imagesName, String labelsName, int count, String name) {
        float[] byteToFloat = new float[256];
        for (int b = 0; b < 256; b++) {
            byteToFloat[b] = (float) (b * PIXEL_SCALE);
        }
        float[] pixels = IdxFile.readImages(dir.resolve(imagesName), count, ROWS, COLS, byteToFloat, FIX);
        int[] labels = IdxFile.readLabels(dir.resolve(labelsName), count, NUM_CLASSES, FIX);
        return new Dataset(name, pixels, new int[] {1, ROWS, COLS}, count, labels, null, NUM_CLASSES);
    }

    private static Path requireComplete(Path dir, String source) {
        if (!Files.isDirectory(dir)) {
            throw new Net2NetException(
                    source + " is not a directory: point it at the directory holding the four Fashion-MNIST .gz files");
        }
        List<String> missing = missing(dir);
        if (!missing.isEmpty()) {
            throw new Net2NetException(
                    source + " lacks " + String.join(", ", missing) + ": put the four Fashion-MNIST files ("
                            + String.join(", ", FILES) + ") there, or point it elsewhere");
        }
        return dir;
    }

    private static List<String> missing(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String f : FILES) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                missing.add(f);
            }
        }
        return missing;
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }
}
