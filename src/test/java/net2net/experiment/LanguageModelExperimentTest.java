package net2net.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import net2net.data.TextCorpus;
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The language-model experiment end to end on the tiny profile (a few steps per run, a small
 * corpus): the report and the summary's lm keys, the growth points the trainer recorded, and a run
 * interrupted mid-way then resumed giving the uninterrupted numbers bit for bit (docs/lm-experiment.md).
 */
@Slow
class LanguageModelExperimentTest {
    @TempDir
    Path tmp;

    static final String[] WORDS = {
        "the", "cat", "sat", "on", "a", "mat", "while", "dogs", "ran", "far", "and", "wide", "to", "see", "sun", "rise"
    };

    /** About 2,300 characters of seeded word salad: 9 training batches of 4 x 64 per epoch, 3 validation windows. */
    TextCorpus corpus() throws Exception {
        SplittableRandom rng = new SplittableRandom(7);
        StringBuilder b = new StringBuilder();
        while (b.length() < 2300) {
            b.append(WORDS[rng.nextInt(WORDS.length)]).append(rng.nextInt(8) == 0 ? ".\n" : " ");
        }
        Path f = tmp.resolve("salad.txt");
        Files.writeString(f, b.toString());
        return TextCorpus.load(List.of(f), "text:salad.txt");
    }

    @Test
    void tinyProfileWritesTheReportAndResumesToTheSameNumbers() throws Exception {
        TextCorpus corpus = corpus();
        LanguageModelExperiment.Settings tiny = LanguageModelExperiment.Settings.named("tiny");
        assertEquals(9, corpus.batchesPerEpoch(tiny.batch(), 64));
        Path a = tmp.resolve("a");
        LanguageModelExperiment.Result whole =
                LanguageModelExperiment.run(new LanguageModelExperiment.Config(tiny, a, false, corpus, s -> {}));
        assertEquals(0, whole.resumedRuns());
        // the trainer grew where the plan says: S/4 = 4 (both transforms at once), progressive 4 and S/2 = 8
        assertEquals(List.of(), whole.run("scratch", 16, 0).growthSteps());
        assertEquals(List.of(4L), whole.run("grow_once", 16, 1).growthSteps());
        assertEquals(List.of(2L), whole.run("grow_once_noninteger", 8, 0).growthSteps());
        assertEquals(List.of(4L, 8L), whole.run("progressive", 16, 0).growthSteps());
        // growth lowers the MACs of a run: the grown arms cost less than scratch at the same S
        assertTrue(whole.run("grow_once", 16, 0).trainMacs()
                < whole.run("scratch", 16, 0).trainMacs());

        JsonObject summary = LanguageModelReport.write(a, whole, "test", "test machine");
        for (String f : List.of("report.md", "report.html", "summary.json", "lm_budget.png", "lm_budget.svg")) {
            assertTrue(Files.size(a.resolve(f)) > 0, f);
        }
        JsonObject onDisk = JsonParser.parseString(Files.readString(a.resolve("summary.json")))
                .getAsJsonObject();
        assertEquals(summary, onDisk);
        JsonObject lm = onDisk.getAsJsonObject("lm");
        for (String arm : LanguageModelExperiment.ARMS) {
            JsonObject b16 = lm.getAsJsonObject(arm).getAsJsonObject("budgets").getAsJsonObject("16");
            assertEquals(2, b16.getAsJsonArray("val_bpc_per_seed").size());
            if (arm.equals("scratch")) { // two seeds: a sample sd (another arm may have diverged: null)
                assertFalse(b16.get("val_bpc_sd").isJsonNull());
                assertTrue(b16.get("val_bpc_mean").getAsDouble() > 0);
            }
            assertTrue(b16.get("train_macs").getAsDouble() > 0);
            assertEquals(
                    2, lm.getAsJsonObject(arm).getAsJsonObject("grid_val_bpc").size());
        }
        assertEquals(1, lm.getAsJsonArray("targets").size()); // every budget but the largest
        assertTrue(lm.getAsJsonObject("verdict").getAsJsonObject("less_compute").has("grow_once"));
        assertTrue(lm.getAsJsonObject("verdict")
                .getAsJsonObject("comparable_final")
                .has("progressive"));
        assertTrue(lm.getAsJsonObject("verdict").has("state_helps"));
        assertTrue(lm.getAsJsonObject("verdict").get("text").getAsString().contains("smoke check"));
        String md = Files.readString(a.resolve("report.md"));
        assertTrue(md.indexOf("decision rules") < md.indexOf("Validation bits per character at each budget"), md);
        assertTrue(md.contains("LEMON") && md.contains("56.7%"), md);

        // interrupted: the third run that crosses an epoch end (grow_once's grid run at S = 16) stops after its
        // epoch-1 checkpoint (step 9, after its growth at step 4), as a killed process would
        Path b = tmp.resolve("b");
        AtomicInteger crossings = new AtomicInteger();
        RuntimeException stop = assertThrows(
                RuntimeException.class,
                () -> LanguageModelExperiment.run(
                        new LanguageModelExperiment.Config(tiny, b, false, corpus, s -> {}, m -> {
                            if (m.epoch() > 1 && crossings.incrementAndGet() == 3) {
                                throw new RuntimeException("interrupted");
                            }
                        })));
        assertEquals("interrupted", stop.getMessage());
        List<String> log = new ArrayList<>();
        LanguageModelExperiment.Result resumed =
                LanguageModelExperiment.run(new LanguageModelExperiment.Config(tiny, b, true, corpus, log::add));
        assertTrue(
                log.stream().anyMatch(l -> l.contains("] lm grow_once lr 0.003 S 16 seed 0: resuming")),
                log.toString());
        assertEquals(3, resumed.resumedRuns()); // two finished, one resumed
        assertEquals(whole.rates(), resumed.rates());
        assertEquals(whole.grid(), resumed.grid());
        for (var e : whole.runs().entrySet()) {
            LanguageModelExperiment.Run w = e.getValue();
            LanguageModelExperiment.Run r = resumed.runs().get(e.getKey());
            assertEquals(w.valLoss(), r.valLoss(), 0.0, e.getKey());
            assertEquals(w.trainMacs(), r.trainMacs(), 0.0, e.getKey());
            assertEquals(w.growthSteps(), r.growthSteps(), e.getKey());
        }
    }
}
