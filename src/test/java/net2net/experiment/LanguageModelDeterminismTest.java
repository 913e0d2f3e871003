package net2net.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net2net.data.TextCorpus;
import net2net.nn.DjlNetwork;
import net2net.nn.Initialization;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same seed gives the same numbers (docs/lm-determinism.md): a run of the tiny profile trained
 * again in the same JVM, after other runs and a diverged one, gives its first numbers bit for bit;
 * repeated forward passes of a tinygpt give no NaN and identical outputs.
 */
@Slow
class LanguageModelDeterminismTest {
    @TempDir
    Path tmp;

    @Test
    void aRunTrainedAgainInTheSameJvmAfterOtherRunsGivesTheSameNumbers() throws Exception {
        SplittableRandom rng = new SplittableRandom(7);
        StringBuilder b = new StringBuilder();
        while (b.length() < 2300) {
            b.append(LanguageModelExperimentTest.WORDS[rng.nextInt(LanguageModelExperimentTest.WORDS.length)])
                    .append(rng.nextInt(8) == 0 ? ".\n" : " ");
        }
        Path f = tmp.resolve("salad.txt");
        Files.writeString(f, b.toString());
        TextCorpus corpus = TextCorpus.load(List.of(f), "text:salad.txt");
        LanguageModelExperiment.Settings tiny = LanguageModelExperiment.Settings.named("tiny");
        double[] loss = new double[3];
        // progressive (two growths), then a run that diverges at this rate (a thrown-out run), then progressive again
        String[] arms = {
            LanguageModelExperiment.PROGRESSIVE, LanguageModelExperiment.NONINTEGER, LanguageModelExperiment.PROGRESSIVE
        };
        for (int i = 0; i < arms.length; i++) {
            var x = new LanguageModelExperiment.Executor(
                    new LanguageModelExperiment.Config(tiny, tmp.resolve("r" + i), false, corpus, s -> {}), corpus);
            loss[i] = x.execute(arms[i], 16, 1, 1e-2).valLoss();
        }
        assertTrue(Double.isFinite(loss[0]), "progressive S16 seed1 lr 1e-2: " + loss[0]);
        assertEquals(loss[0], loss[2], 0.0, "the same run again in the same JVM");
    }

    @Test
    void repeatedForwardPassesOfATinygptAreFiniteAndIdentical() {
        int vocab = 30;
        for (boolean full : new boolean[] {false, true}) {
            try (Network net = Initialization.random(
                            full ? LanguageModelExperiment.full(vocab) : LanguageModelExperiment.half(vocab),
                            1,
                            Step.Init.seeded(1));
                    NDManager m = net.manager().newSubManager()) {
                SplittableRandom rng = new SplittableRandom(3);
                float[] x = new float[4 * 64];
                for (int i = 0; i < x.length; i++) {
                    x[i] = rng.nextInt(vocab);
                }
                DjlNetwork block = DjlNetwork.of(net);
                float[] first = null;
                int bad = 0;
                int differ = 0;
                for (int i = 0; i < 200; i++) {
                    try (NDManager s = m.newSubManager()) {
                        float[] o = block.forward(s.create(x, new Shape(4, 64)), false)
                                .toFloatArray();
                        for (float v : o) {
                            if (!Float.isFinite(v)) {
                                bad++;
                                break;
                            }
                        }
                        if (first == null) {
                            first = o;
                        } else if (!Arrays.equals(first, o)) {
                            differ++;
                        }
                    }
                }
                assertEquals(0, bad, "passes with a non-finite output, full=" + full);
                assertEquals(0, differ, "passes that differ from the first, full=" + full);
            }
        }
    }
}
