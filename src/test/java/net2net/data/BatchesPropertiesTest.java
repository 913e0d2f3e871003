package net2net.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net2net.testing.Fast;

@Fast
class BatchesPropertiesTest {

    @Property(tries = 200)
    void epochBatchesPartitionTheIndices(
            @ForAll @IntRange(min = 0, max = 3000) int n,
            @ForAll @IntRange(min = 1, max = 300) int batchSize,
            @ForAll long seed,
            @ForAll @IntRange(min = 0, max = 1000) int epoch) {
        int[][] batches = Batches.epochBatches(n, batchSize, seed, epoch);
        for (int b = 0; b < batches.length - 1; b++) {
            assertEquals(batchSize, batches[b].length, "batch " + b + " of " + batches.length + " is not full");
        }
        if (batches.length > 0) {
            int last = batches[batches.length - 1].length;
            assertTrue(
                    last >= 1 && last <= batchSize, "the last batch has " + last + " indices, batch size " + batchSize);
        }
        int[] expected = new int[n];
        Arrays.setAll(expected, i -> i);
        assertArrayEquals(
                expected, BatchesTest.sortedConcat(batches), "the batches are not a partition of 0.." + (n - 1));
    }
}
