package net2net.data;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class SubsetsPropertiesTest {
    static final Dataset DATA = SubsetsTest.roundRobin(500);

    @Property(tries = 200)
    boolean limitIsBalancedAndWithoutRepeats(@ForAll @IntRange(min = 1, max = 500) int n, @ForAll long seed,
                                             @ForAll boolean shuffled) {
        int[] indices = Subsets.indices(DATA, n, seed, shuffled);
        Dataset s = DATA.subset(indices);
        if (s.size() != n || SubsetsTest.distinct(s) != n) {
            return false;
        }
        for (int count : s.classCounts()) {
            if (count != n / 10 && count != n / 10 + 1) {
                return false;
            }
        }
        return true;
    }
}
