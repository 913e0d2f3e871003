package net2net.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net2net.Net2NetException;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

@Fast
class DatasetTest {

    /** Three 1x2x2 "images" whose values are 10 * sample + position, labels 2, 0, 1. */
    private static Dataset images() {
        float[] f = new float[12];
        for (int i = 0; i < 12; i++) {
            f[i] = 10 * (i / 4) + i % 4;
        }
        return new Dataset("img", f, new int[] {1, 2, 2}, 3, new int[] {2, 0, 1}, null, 3);
    }

    @Test
    void basics() {
        Dataset d = images();
        assertEquals(4, d.sampleLength());
        assertTrue(d.isClassification());
        assertArrayEquals(new int[] {1, 1, 1}, d.classCounts());
        int[] shape = d.sampleShape();
        shape[0] = 99;
        assertArrayEquals(new int[] {1, 2, 2}, d.sampleShape(), "the shape must not be changeable from outside");
    }

    @Test
    void gatherRowsAndLabels() {
        Dataset d = images();
        float[] dst = new float[8];
        d.copyFeatures(new int[] {2, 0}, dst);
        assertArrayEquals(new float[] {20, 21, 22, 23, 0, 1, 2, 3}, dst);
        int[] labels = new int[2];
        d.copyLabels(new int[] {2, 0}, labels);
        assertArrayEquals(new int[] {1, 2}, labels);
        assertThrows(IndexOutOfBoundsException.class, () -> d.copyFeatures(new int[] {3}, new float[4]));
        assertThrows(IllegalArgumentException.class, () -> d.copyFeatures(new int[] {0, 1}, new float[7]));
        assertThrows(IllegalStateException.class, () -> d.copyTargets(new int[] {0}, new float[1]));
    }

    @Test
    void subsetCopies() {
        Dataset d = images();
        Dataset s = d.subset(new int[] {1, 1, 2});
        assertEquals(3, s.size());
        assertArrayEquals(new float[] {10, 11, 12, 13, 10, 11, 12, 13, 20, 21, 22, 23}, s.features());
        assertArrayEquals(new int[] {0, 0, 1}, s.labels());
        s.features()[0] = -1;
        assertEquals(10, d.features()[4]);

        Dataset r = new Dataset("r", new float[] {1, 2, 3}, new int[] {1}, 3, null, new float[] {0.1f, 0.2f, 0.3f}, 0);
        Dataset rs = r.subset(new int[] {2, 0});
        assertArrayEquals(new float[] {3, 1}, rs.features());
        assertArrayEquals(new float[] {0.3f, 0.1f}, rs.targets());
        float[] t = new float[1];
        r.copyTargets(new int[] {1}, t);
        assertEquals(0.2f, t[0]);
    }

    @Test
    void inconsistentDatasetsAreRejected() {
        float[] f = new float[8];
        assertInvalid(() -> new Dataset("x", new float[7], new int[] {1, 2, 2}, 2, new int[2], null, 10), "need 8");
        assertInvalid(
                () -> new Dataset("x", f, new int[] {1, 2, 2}, 2, new int[3], null, 10), "3 labels for 2 samples");
        assertInvalid(
                () -> new Dataset("x", f, new int[] {1, 2, 2}, 2, new int[] {0, 10}, null, 10), "label 10 at sample 1");
        assertInvalid(() -> new Dataset("x", f, new int[] {1, 2, 2}, 2, new int[] {0, -1}, null, 10), "label -1");
        assertInvalid(() -> new Dataset("x", f, new int[] {1, 2, 2}, 2, new int[2], new float[2], 10), "not both");
        assertInvalid(() -> new Dataset("x", f, new int[] {1, 2, 2}, 2, null, null, 0), "not neither");
        assertInvalid(() -> new Dataset("x", f, new int[] {1, 2, 2}, 2, null, new float[2], 10), "numClasses 0");
        assertInvalid(() -> new Dataset("x", f, new int[] {1, 2, 2}, 2, null, new float[1], 0), "1 targets for 2");
        assertInvalid(() -> new Dataset("x", f, new int[] {0, 8}, 2, null, new float[2], 0), "non-positive");
    }

    private static void assertInvalid(Executable e, String fragment) {
        Net2NetException x = assertThrows(Net2NetException.class, e);
        assertTrue(x.getMessage().contains(fragment), x.getMessage());
    }
}
