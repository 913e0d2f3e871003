package net2net.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import net2net.Net2NetException;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

@Fast
class BatchesTest {

    @Test
    void everyIndexOncePerEpochWithAPartialLastBatch() {
        int[][] b = Batches.epochBatches(10, 3, 1, 0);
        assertEquals(4, b.length);
        assertArrayEquals(
                new int[] {3, 3, 3, 1}, Arrays.stream(b).mapToInt(x -> x.length).toArray());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sortedConcat(b));
    }

    @Test
    void deterministicAndFreshPerEpochAndSeed() {
        int[][] e0 = Batches.epochBatches(1000, 32, 5, 0);
        assertArrayEquals(flat(e0), flat(Batches.epochBatches(1000, 32, 5, 0)));
        assertFalse(Arrays.equals(flat(e0), flat(Batches.epochBatches(1000, 32, 5, 1))), "epochs must differ");
        assertFalse(Arrays.equals(flat(e0), flat(Batches.epochBatches(1000, 32, 6, 0))), "seeds must differ");
        int[] identity = new int[1000];
        Arrays.setAll(identity, i -> i);
        assertFalse(Arrays.equals(identity, flat(e0)), "must be shuffled");
    }

    @Test
    void sequentialForEvaluation() {
        int[][] b = Batches.sequentialBatches(7, 3);
        assertEquals(3, b.length);
        assertArrayEquals(new int[] {0, 1, 2}, b[0]);
        assertArrayEquals(new int[] {3, 4, 5}, b[1]);
        assertArrayEquals(new int[] {6}, b[2]);
        assertEquals(0, Batches.sequentialBatches(0, 3).length);
        assertEquals(1, Batches.sequentialBatches(5, 100).length);
    }

    @Test
    void nonPositiveBatchSizeIsAnError() {
        assertThrows(Net2NetException.class, () -> Batches.epochBatches(10, 0, 1, 0));
        assertThrows(Net2NetException.class, () -> Batches.sequentialBatches(10, -2));
    }

    static int[] flat(int[][] batches) {
        return Arrays.stream(batches).flatMapToInt(Arrays::stream).toArray();
    }

    static int[] sortedConcat(int[][] batches) {
        int[] all = flat(batches);
        Arrays.sort(all);
        return all;
    }
}
