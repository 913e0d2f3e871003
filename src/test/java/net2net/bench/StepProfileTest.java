package net2net.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

/** Self time from a hand-made trace whose answer is worked out by hand. */
@Fast
class StepProfileTest {
    // Thread 1: conv [0, 100) calls mkldnn [10, 70), which calls fill [20, 30); then relu [100, 110).
    // Thread 2: backward [5, 55) calls mm [10, 40). Events arrive out of order, as in a real trace.
    private static final String TRACE = """
            {"traceEvents": [
              {"ph": "X", "name": "relu", "tid": 1, "ts": 100, "dur": 10},
              {"ph": "X", "name": "fill", "tid": 1, "ts": 20, "dur": 10},
              {"ph": "X", "name": "mm", "tid": 2, "ts": 10, "dur": 30},
              {"ph": "X", "name": "conv", "tid": 1, "ts": 0, "dur": 100},
              {"ph": "i", "name": "marker", "tid": 1, "ts": 50},
              {"ph": "X", "name": "mkldnn", "tid": 1, "ts": 10, "dur": 60},
              {"ph": "X", "name": "backward", "tid": 2, "ts": 5, "dur": 50}
            ]}""";

    @Test
    void selfTimeIsDurationMinusDirectChildrenPerThread() {
        Map<String, Double> self = StepProfile.selfMicros(StepProfile.events(TRACE));
        assertEquals(
                Map.of("conv", 40.0, "mkldnn", 50.0, "fill", 10.0, "relu", 10.0, "backward", 20.0, "mm", 30.0), self);
    }

    @Test
    void summaryIsPerStepInMilliseconds() {
        JsonObject o = StepProfile.summary(StepProfile.events(TRACE), 2, 1.0);
        JsonObject ops = o.getAsJsonObject("self_ms_per_step");
        assertEquals(0.025, ops.get("mkldnn").getAsDouble(), 1e-12); // 50 us over 2 steps
        assertEquals(0.080, o.get("op_ms_per_step").getAsDouble(), 1e-12); // 160 us of self time over 2 steps
        assertEquals(0.0, ops.get("other").getAsDouble(), 1e-12);
        assertEquals(List.of("mkldnn", "conv", "mm", "backward", "fill", "relu", "other"), List.copyOf(ops.keySet()));
    }
}
