package net2net.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.Map;
import net2net.testing.RealData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real files of the Debian package dataset-fashion-mnist; skipped where it is not installed. */
@RealData
class FashionMnistRealDataTest {
    static Splits data;

    @BeforeAll
    static void load() {
        assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "dataset-fashion-mnist is not installed");
        FashionMnist.read(FashionMnist.DEBIAN_DIR); // warm-up: class loading and JIT
        long start = System.nanoTime();
        data = FashionMnist.read(FashionMnist.DEBIAN_DIR);
        System.out.printf(
                "Fashion-MNIST: 70,000 images loaded from %s in %.0f ms (warm)%n",
                FashionMnist.DEBIAN_DIR, (System.nanoTime() - start) / 1e6);
    }

    @Test
    void sizesShapesAndLabelHistogram() {
        assertEquals(60_000, data.train().size());
        assertEquals(10_000, data.test().size());
        assertArrayEquals(new int[] {1, 28, 28}, data.train().sampleShape());
        assertEquals(784, data.test().sampleLength());
        assertEquals(10, data.train().numClasses());
        assertArrayEquals(
                new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000},
                data.train().classCounts());
        assertArrayEquals(
                new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000},
                data.test().classCounts());
    }

    @Test
    void firstSamplesAreTheKnownOnes() {
        // Known from the files: the first training image is an ankle boot whose bytes sum to 76247.
        int[] trainLabels = new int[10];
        data.train().copyLabels(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, trainLabels);
        assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, trainLabels);
        int[] testLabels = new int[10];
        data.test().copyLabels(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, testLabels);
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, testLabels);
        double sum = 0;
        for (int i = 0; i < 784; i++) {
            sum += data.train().features()[i] * 255.0;
        }
        assertEquals(76247, sum, 1e-2);
    }

    @Test
    void pixelsAreInTheUnitIntervalAndUseItAll() {
        for (Dataset d : new Dataset[] {data.train(), data.test()}) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float v : d.features()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertEquals(0f, min);
            assertEquals(1f, max);
        }
    }

    @Test
    void decompressedContentMatchesTheChecksumConstants() throws Exception {
        for (Map.Entry<String, String> e : FashionMnist.CONTENT_SHA256.entrySet()) {
            assertEquals(e.getValue(), Download.contentSha256(FashionMnist.DEBIAN_DIR.resolve(e.getKey())), e.getKey());
        }
    }

    @Test
    void normalisationUsesTrainingStatistics() {
        Standardized n = FashionMnist.normalize(data);
        Preprocessing p = n.preprocessing();
        assertEquals(1, p.mean().length);
        assertEquals(0.2860, p.mean()[0], 1e-4);
        assertEquals(0.3530, p.std()[0], 1e-4);
        assertEquals(FashionMnist.PIXEL_SCALE, p.scale());
        double[] meanStd = meanAndStd(n.splits().train().features());
        assertEquals(0, meanStd[0], 1e-5);
        assertEquals(1, meanStd[1], 1e-5);
        // The test split uses the training statistics, so it is only approximately standard.
        double[] test = meanAndStd(n.splits().test().features());
        assertEquals(0, test[0], 0.02);
        assertEquals(1, test[1], 0.02);
        // The originals are untouched.
        assertEquals(0f, data.train().features()[0]);
    }

    static double[] meanAndStd(float[] x) {
        double sum = 0;
        for (float v : x) {
            sum += v;
        }
        double mean = sum / x.length;
        double sq = 0;
        for (float v : x) {
            sq += (v - mean) * (v - mean);
        }
        return new double[] {mean, Math.sqrt(sq / (x.length - 1))};
    }
}
