package net2net.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

@Fast
class NotebookDataTest {

    @Test
    void linspaceSmallCasesByHand() {
        assertArrayEquals(new float[] {0f, 0.25f, 0.5f, 0.75f, 1f}, NotebookData.linspace(0, 1, 5));
        assertArrayEquals(new float[] {-1f, 0f, 1f}, NotebookData.linspace(-1, 1, 3));
        assertArrayEquals(new float[] {2f, 2f, 2f, 2f}, NotebookData.linspace(2, 2, 4));
        assertArrayEquals(new float[] {7f}, NotebookData.linspace(7, 9, 1));
        assertEquals(0, NotebookData.linspace(0, 1, 0).length);
        // The two halves are computed from opposite ends, so a symmetric range gives exactly mirrored values.
        float[] x = NotebookData.linspace(-10, 10, 1000);
        for (int i = 0; i < 1000; i++) {
            assertEquals(-x[999 - i], x[i], "index " + i);
        }
        // 1 + 2 * 13 with step 2 rounded from 1999 / 999 = 2.001001..: fused, start + step * 13 rounds once.
        float step = 1999f / 999;
        assertEquals((float) (1 + 13 * (double) step), NotebookData.linspace(1, 2000, 1000)[13]);
    }

    @Test
    void columnsAreTorchLinspaceBitForBit() throws Exception {
        float[][] columns = new float[4][];
        for (int j = 0; j < 4; j++) {
            columns[j] =
                    NotebookData.linspace(NotebookData.COLUMN_DOMAINS[j][0], NotebookData.COLUMN_DOMAINS[j][1], 1000);
            assertEquals(NotebookData.COLUMN_DOMAINS[j][0], columns[j][0]);
            assertEquals(NotebookData.COLUMN_DOMAINS[j][1], columns[j][999]);
        }
        // Values computed by libtorch 2.7.1 (DJL's engine) for torch.linspace(a, b, 1000), as float32 bits.
        assertBits(0xc11fadff, columns[0][1]); // -9.9799795
        assertBits(0xc11bd5f9, columns[0][13]); // -9.739739
        assertBits(0xbc24029c, columns[0][499]); // -0.010010388, last element from the start
        assertBits(0x3c24029c, columns[0][500]); //  0.010010388, first element from the end
        assertBits(0x411eb7fe, columns[0][995]); //  9.91992
        assertBits(0x41adef16, columns[1][13]); // 21.741741
        assertBits(0x40401067, columns[2][1]); // 3.0010011
        assertBits(0x41d81aa7, columns[2][13]); // 27.013014: an unfused start + step * i gives 27.013016 (0x41d81aa8)
        assertBits(0x447a6007, columns[2][500]); // 1001.5004
        assertBits(0xc3f6bf2b, columns[3][500]); // -493.4935
        assertBits(0x40fe5597, columns[3][995]); // 7.947948

        // SHA-256 of all 4000 libtorch 2.7.1 values (column by column, little-endian float32), recorded once.
        ByteBuffer b = ByteBuffer.allocate(4 * 4000).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] column : columns) {
            for (float v : column) {
                b.putFloat(v);
            }
        }
        assertEquals(
                "32dfdfb23edc2d281a20bfad582fd5d3ee3e0a18673522818b85ad06d24a65c6",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array())));
    }

    @Test
    void linspaceIsCloseToTheExactValueAndIncreasing() {
        for (float[] d : NotebookData.COLUMN_DOMAINS) {
            float[] x = NotebookData.linspace(d[0], d[1], 1000);
            double exactStep = ((double) d[1] - d[0]) / 999;
            float step = (d[1] - d[0]) / 999;
            for (int i = 0; i < 1000; i++) {
                double exact = d[0] + i * exactStep;
                // The symmetric formula multiplies the rounded step by at most 500 (from either end),
                // plus a few roundings of the result.
                double bound = Math.min(i, 999 - i) * Math.abs(step - exactStep) + 2 * Math.ulp(x[i]);
                assertTrue(Math.abs(x[i] - exact) <= bound, "column " + d[0] + ".." + d[1] + " index " + i);
                if (i > 0) {
                    assertTrue(x[i] > x[i - 1]);
                }
            }
        }
    }

    @Test
    void shapesAndTargets() {
        Splits s = NotebookData.make(42);
        assertEquals(800, s.train().size());
        assertEquals(200, s.test().size());
        for (Dataset d : new Dataset[] {s.train(), s.test()}) {
            assertArrayEquals(new int[] {4}, d.sampleShape());
            assertFalse(d.isClassification());
            assertNull(d.labels());
            assertEquals(0, d.numClasses());
        }
        // y = mean(cos(x)) + U(0,1) * 0.2: the noise lies in [0, 0.2) and spreads over it.
        double minNoise = 1;
        double maxNoise = 0;
        for (Dataset d : new Dataset[] {s.train(), s.test()}) {
            float[] x = d.features();
            for (int i = 0; i < d.size(); i++) {
                double meanCos = 0;
                for (int j = 0; j < 4; j++) {
                    meanCos += Math.cos(x[4 * i + j]) / 4;
                }
                double noise = d.targets()[i] - meanCos;
                minNoise = Math.min(minNoise, noise);
                maxNoise = Math.max(maxNoise, noise);
            }
        }
        assertTrue(minNoise > -1e-6 && minNoise < 0.005, "min noise " + minNoise);
        assertTrue(maxNoise < 0.2 + 1e-6 && maxNoise > 0.195, "max noise " + maxNoise);
    }

    @Test
    void sameSeedSameDataOtherSeedOtherNoiseAndSplit() {
        Splits a = NotebookData.make(7);
        Splits b = NotebookData.make(7);
        Splits c = NotebookData.make(8);
        assertArrayEquals(a.train().features(), b.train().features());
        assertArrayEquals(a.train().targets(), b.train().targets());
        assertArrayEquals(a.test().targets(), b.test().targets());
        assertFalse(Arrays.equals(a.train().features(), c.train().features()), "the split should change");
        // The same sample (identified by its first feature) gets different noise under another seed.
        assertNotEquals(targetOf(a, -10f), targetOf(c, -10f));
    }

    @Test
    void splitIsADisjointCoverOfAllSamples() {
        Splits s = NotebookData.make(3);
        Set<Float> seen = new HashSet<>();
        for (Dataset d : new Dataset[] {s.train(), s.test()}) {
            for (int i = 0; i < d.size(); i++) {
                assertTrue(seen.add(d.features()[4 * i]), "sample with x0 = " + d.features()[4 * i] + " appears twice");
            }
        }
        assertEquals(1000, seen.size());
        float[] column0 = NotebookData.linspace(-10, 10, 1000);
        for (float v : column0) {
            assertTrue(seen.contains(v));
        }
    }

    @Test
    void standardisationUsesTrainStatistics() {
        Splits raw = NotebookData.make(11);
        Standardized st = NotebookData.standardize(raw);
        Preprocessing p = st.preprocessing();
        assertEquals(1.0, p.scale());
        assertEquals(4, p.mean().length);
        Dataset train = st.splits().train();
        for (int j = 0; j < 4; j++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < 800; i++) {
                sum += train.features()[4 * i + j];
            }
            double mean = sum / 800;
            for (int i = 0; i < 800; i++) {
                sq += Math.pow(train.features()[4 * i + j] - mean, 2);
            }
            assertEquals(0, mean, 1e-5, "column " + j);
            assertEquals(1, Math.sqrt(sq / 799), 1e-5, "column " + j + " (unbiased std)");
        }
        // Test values are standardised with the training mean and std, in float32.
        float x = raw.test().features()[4 * 17 + 2];
        assertEquals((x - p.mean()[2]) / p.std()[2], st.splits().test().features()[4 * 17 + 2]);
        // Targets are not touched.
        assertArrayEquals(raw.test().targets(), st.splits().test().targets());
        // Column 2 spans 1..2000, so its training std is about 577 (uniform spacing: 1999 / sqrt(12)).
        assertEquals(577, p.std()[2], 15);
    }

    private static float targetOf(Splits s, float x0) {
        for (Dataset d : new Dataset[] {s.train(), s.test()}) {
            for (int i = 0; i < d.size(); i++) {
                if (d.features()[4 * i] == x0) {
                    return d.targets()[i];
                }
            }
        }
        throw new AssertionError("no sample with x0 = " + x0);
    }

    private static void assertBits(int expected, float actual) {
        assertEquals(
                Integer.toHexString(expected), Integer.toHexString(Float.floatToRawIntBits(actual)), "value " + actual);
    }
}
