package net2net.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

/** Choosing a rate from its grid, and the edge check (docs/replication.md, "Learning rates"). */
@Fast
class RateGridTest {
    @Test
    void theBestValidationAccuracyWinsAndATieGoesToTheSmallerRate() {
        Map<Double, Double> scores = new LinkedHashMap<>();
        scores.put(0.005, 0.928);
        scores.put(0.01, 0.927);
        scores.put(0.02, 0.928);
        scores.put(0.05, 0.928);
        assertEquals(0.005, Replication.best(scores)); // the grid of 2026-12-07: a three-way tie
        scores.put(0.02, 0.929);
        assertEquals(0.02, Replication.best(scores));
    }

    @Test
    void anEdgeRateIsCheckedOneStepBeyondAndAnInsideRateIsNot() {
        List<Double> grid = List.of(0.02, 0.05, 0.1);
        assertEquals(Optional.of(0.2), Replication.beyondEdge(grid, 0.1));
        assertEquals(Optional.of(0.01), Replication.beyondEdge(grid, 0.02));
        assertEquals(Optional.empty(), Replication.beyondEdge(grid, 0.05));
        assertEquals(Optional.empty(), Replication.beyondEdge(List.of(0.05), 0.05)); // one rate: no grid to leave
        assertEquals(Optional.empty(), Replication.beyondEdge(List.of(), 0.05)); // a fixed rate
    }
}
