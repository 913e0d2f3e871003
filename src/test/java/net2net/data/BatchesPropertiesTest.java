package net2net.data;

import java.util.Arrays;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class BatchesPropertiesTest {

    @Property(tries = 200)
    boolean epochBatchesPartitionTheIndices(@ForAll @IntRange(min = 0, max = 3000) int n,
                                            @ForAll @IntRange(min = 1, max = 300) int batchSize,
                                            @ForAll long seed, @ForAll @IntRange(min = 0, max = 1000) int epoch) {
        int[][] batches = Batches.epochBatches(n, batchSize, seed, epoch);
        for (int b = 0; b < batches.length - 1; b++) {
            if (batches[b].length != batchSize) {
                return false;
            }
        }
        if (batches.length > 0 && (batches[batches.length - 1].length < 1 || batches[batches.length - 1].length > batchSize)) {
            return false;
        }
        int[] all = BatchesTest.sortedConcat(batches);
        int[] expected = new int[n];
        Arrays.setAll(expected, i -> i);
        return Arrays.equals(expected, all);
    }
}
