package net2net.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import net2net.Net2NetException;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

/** The held-out validation images: class-balanced, disjoint from training, the same every time. */
@Fast
class ValidationSplitTest {

    /** The single feature of each sample is its index in the original set. */
    private static Set<Integer> ids(Dataset d) {
        Set<Integer> s = new HashSet<>();
        for (int i = 0; i < d.size(); i++) {
            s.add((int) d.features()[i]);
        }
        return s;
    }

    @Test
    void disjointFromTrainingAndCoversEverything() {
        Dataset all = SubsetsTest.roundRobin(6000);
        ValidationSplit v = ValidationSplit.carve(all, 500);
        assertEquals(500, v.validation().size());
        assertEquals(5500, v.train().size());
        Set<Integer> train = ids(v.train());
        Set<Integer> val = ids(v.validation());
        assertEquals(5500, train.size());
        assertEquals(500, val.size());
        for (int i : val) {
            assertFalse(train.contains(i), "validation image " + i + " is also a training image");
        }
        Set<Integer> union = new HashSet<>(train);
        union.addAll(val);
        assertEquals(6000, union.size());
        // 50 per class, as the full profile's 500 per class out of 5,000
        assertArrayEquals(
                new int[] {50, 50, 50, 50, 50, 50, 50, 50, 50, 50},
                v.validation().classCounts());
        // the labels travel with the images
        for (int i = 0; i < v.validation().size(); i++) {
            assertEquals((int) v.validation().features()[i] % 10, v.validation().labels()[i]);
        }
        // and a training subset taken afterwards stays out of validation
        for (int i : ids(Subsets.limit(v.train(), 1000, 3))) {
            assertFalse(val.contains(i));
        }
    }

    @Test
    void theSameInEveryRun() {
        Dataset all = SubsetsTest.roundRobin(6000);
        ValidationSplit a = ValidationSplit.carve(all, 500);
        ValidationSplit b = ValidationSplit.carve(SubsetsTest.roundRobin(6000), 500);
        assertArrayEquals(a.validationIndices(), b.validationIndices());
        assertArrayEquals(a.train().features(), b.train().features());
        // not simply the first images of each class, nor the subset Subsets.limit(..., seed 0) would draw
        assertFalse(Arrays.equals(a.validationIndices(), Subsets.indices(all, 500, 0, false)));
        int[] idx = a.validationIndices();
        for (int k = 1; k < idx.length; k++) {
            assertEquals(true, idx[k - 1] < idx[k]);
        }
    }

    @Test
    void refusesSizesThatLeaveNothing() {
        Dataset all = SubsetsTest.roundRobin(100);
        assertThrows(Net2NetException.class, () -> ValidationSplit.carve(all, 100));
        assertThrows(Net2NetException.class, () -> ValidationSplit.carve(all, 0));
    }
}
