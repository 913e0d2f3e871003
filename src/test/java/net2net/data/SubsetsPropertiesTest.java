package net2net.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net2net.testing.Fast;

@Fast
class SubsetsPropertiesTest {
    static final Dataset DATA = SubsetsTest.roundRobin(500);

    @Property(tries = 200)
    void limitIsBalancedAndWithoutRepeats(
            @ForAll @IntRange(min = 1, max = 500) int n, @ForAll long seed, @ForAll boolean shuffled) {
        int[] indices = Subsets.indices(DATA, n, seed, shuffled);
        Dataset s = DATA.subset(indices);
        assertEquals(n, s.size(), "subset size");
        assertEquals(n, SubsetsTest.distinct(s), "distinct samples in the subset (a sample was repeated)");
        int[] counts = s.classCounts();
        for (int c = 0; c < counts.length; c++) {
            assertTrue(
                    counts[c] == n / 10 || counts[c] == n / 10 + 1,
                    "class " + c + " has " + counts[c] + " samples of " + n + ": not balanced");
        }
    }
}
