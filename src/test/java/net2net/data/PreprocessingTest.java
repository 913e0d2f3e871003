package net2net.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import net2net.Net2NetException;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

@Fast
class PreprocessingTest {

    /** Four samples of two features: (1, 10), (2, 20), (3, 30), (4, 40). */
    private static Dataset twoColumns() {
        return new Dataset("t", new float[] {1, 10, 2, 20, 3, 30, 4, 40}, new int[] {2}, 4, null, new float[4], 0);
    }

    @Test
    void standardizeIsPerColumnWithUnbiasedStd() {
        Preprocessing p = Preprocessing.standardize(twoColumns(), 1);
        assertArrayEquals(new float[] {2.5f, 25f}, p.mean());
        // Unbiased: sqrt(5/3) = 1.2909944; the population std would be 1.1180340.
        assertArrayEquals(new float[] {(float) Math.sqrt(5.0 / 3), (float) Math.sqrt(500.0 / 3)}, p.std());
        Dataset s = p.apply(twoColumns());
        assertEquals((1 - 2.5f) / (float) Math.sqrt(5.0 / 3), s.features()[0]);
        assertEquals((40 - 25f) / (float) Math.sqrt(500.0 / 3), s.features()[7]);
    }

    @Test
    void oneChannelImagesPoolAllPixels() {
        // Two 1x2x2 images: one channel, so a single mean/std over all eight values.
        Dataset images = new Dataset(
                "img", new float[] {0, 0, 1, 1, 0, 1, 0, 1}, new int[] {1, 2, 2}, 2, new int[] {0, 1}, null, 2);
        Preprocessing p = Preprocessing.standardize(images, 1.0 / 255);
        assertArrayEquals(new float[] {0.5f}, p.mean());
        assertArrayEquals(new float[] {(float) Math.sqrt(2.0 / 7)}, p.std());
    }

    @Test
    void applyRawIsScaleThenStandardise() {
        Preprocessing p = new Preprocessing(1.0 / 255, new float[] {0.25f}, new float[] {0.5f});
        float[] raw = {0, 51, 255, 128};
        float[] x = p.applyRaw(raw, new int[] {1, 2, 2});
        for (int i = 0; i < raw.length; i++) {
            assertEquals((raw[i] / 255f - 0.25f) / 0.5f, x[i]);
        }
        // Same as scaling first (as the loader does) and then applying to the dataset.
        float[] scaled = {0, 51 / 255f, 1, 128 / 255f};
        Dataset d = new Dataset("d", scaled, new int[] {1, 2, 2}, 1, new int[] {0}, null, 10);
        assertArrayEquals(x, p.apply(d).features());
        assertEquals(51 / 255f, scaled[1], "apply must not modify its input");
    }

    @Test
    void scaleOnlyLeavesDatasetsAlone() {
        Dataset d = twoColumns();
        Preprocessing p = Preprocessing.scaleOnly(1);
        assertFalse(p.standardizes());
        assertSame(d, p.apply(d));
        assertArrayEquals(new float[] {2, 4}, Preprocessing.scaleOnly(2).applyRaw(new float[] {1, 2}, new int[] {2}));
    }

    @Test
    void jsonRoundTrip() {
        Preprocessing raw = FashionMnist.rawPreprocessing();
        JsonObject j = raw.toJson();
        assertEquals(1.0 / 255, j.get("scale").getAsDouble());
        assertTrue(j.get("mean").isJsonNull());
        assertTrue(j.get("formula").getAsString().contains("(x - mean[c]) / std[c]"));
        assertEquals(raw, Preprocessing.fromJson(reparse(j)));

        Preprocessing st = Preprocessing.standardize(twoColumns(), 1);
        Preprocessing back = Preprocessing.fromJson(reparse(st.toJson()));
        assertEquals(st, back);
        assertArrayEquals(st.std(), back.std());
        assertFalse(st.equals(raw));

        // A hand-written entry without mean/std means no standardisation.
        assertEquals(
                Preprocessing.scaleOnly(0.5),
                Preprocessing.fromJson(
                        JsonParser.parseString("{\"scale\": 0.5}").getAsJsonObject()));
    }

    @Test
    void badJsonGivesOneLineErrors() {
        for (String json : new String[] {
            "{}",
            "{\"scale\": \"x\"}",
            "{\"scale\": 1, \"mean\": [0]}",
            "{\"scale\": 1, \"mean\": 0, \"std\": 1}",
            "{\"scale\": 1, \"mean\": [0], \"std\": [0]}",
            "{\"scale\": -1}",
            "{\"scale\": 1, \"mean\": [0, 1], \"std\": [1]}"
        }) {
            Net2NetException e = assertThrows(
                    Net2NetException.class,
                    () -> Preprocessing.fromJson(JsonParser.parseString(json).getAsJsonObject()),
                    json);
            assertTrue(e.getMessage().contains(": ") && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void describe() {
        assertEquals(
                "raw values * 1/255, not standardised",
                FashionMnist.rawPreprocessing().describe());
        assertEquals(
                "raw values unscaled, then (x - mean) / std per channel: mean [2.5000, 25.0000], std [1.2910, 12.9099]",
                Preprocessing.standardize(twoColumns(), 1).describe());
    }

    @Test
    void mismatchedShapesAndConstantChannelsAreErrors() {
        Preprocessing p = Preprocessing.standardize(twoColumns(), 1);
        assertThrows(Net2NetException.class, () -> p.applyRaw(new float[6], new int[] {3}));
        assertThrows(Net2NetException.class, () -> p.applyRaw(new float[3], new int[] {2}));
        Dataset constant = new Dataset("c", new float[] {1, 5, 1, 6}, new int[] {2}, 2, null, new float[2], 0);
        Net2NetException e = assertThrows(Net2NetException.class, () -> Preprocessing.standardize(constant, 1));
        assertTrue(e.getMessage().startsWith("channel 0 of c is constant"), e.getMessage());
    }

    private static JsonObject reparse(JsonObject o) {
        return JsonParser.parseString(o.toString()).getAsJsonObject();
    }
}
