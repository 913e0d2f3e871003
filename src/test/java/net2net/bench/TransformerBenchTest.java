package net2net.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import net2net.spec.Presets;
import net2net.testing.Slow;
import net2net.testing.Torch;
import org.junit.jupiter.api.Test;

/**
 * The token-model bench (docs/performance.md, "Transformers"): every figure present and sane in the
 * quick settings; the PyTorch peer trains the very model DJL trains (the same parameter count, from
 * the same architecture JSON). Timings are never asserted.
 */
class TransformerBenchTest {
    @Slow
    @Test
    void quickRunReportsEveryFigure() {
        JsonObject o = TransformerBench.run(TransformerBench.Settings.quick(), line -> {});
        for (String key : TransformerBench.KEYS) {
            double v = o.get(key).getAsDouble();
            assertTrue(v > 0 && Double.isFinite(v), key + " = " + v + " in " + o);
        }
        assertEquals("32 -> 48", o.get("widen_stream").getAsString());
        assertTrue(!o.has("pytorch"), "the quick settings leave the peer out");
    }

    @Torch
    @Test
    void thePeerTrainsTheSameModelAndReportsTokensPerSecond() {
        TransformerBench.Settings s = new TransformerBench.Settings(65, 16, 4, 1, 2, 4, 8, 2, 64, 48, 6, 96, true);
        var arch = Presets.get("tinygpt", 0.5, 65, 16);
        JsonObject peer = TransformerBench.peer(arch, s);
        assertTrue(peer.has("train_tokens_per_s"), "the peer did not run: " + peer);
        assertTrue(peer.get("train_tokens_per_s").getAsDouble() > 0, peer.toString());
        // a tied head is one tensor in both: the counts agree only if the peer built the same layers
        assertEquals(arch.parameterCount(), peer.get("parameters").getAsLong(), peer.toString());
        assertEquals(16, peer.get("context").getAsInt());
        assertEquals(4, peer.get("batch").getAsInt());
    }
}
