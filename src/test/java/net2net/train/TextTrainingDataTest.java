package net2net.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net2net.data.TextCorpus;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text as training data (docs/text-data.md): the loss over every position, seeded windows, tokens as inputs. */
@Fast
class TextTrainingDataTest {
    @TempDir
    Path tmp;

    TrainingData.Text corpus(int context) throws Exception {
        Path f = tmp.resolve("t.txt");
        Files.writeString(f, "abcabdabe\n".repeat(50));
        return (TrainingData.Text) TrainingData.of(TextCorpus.load(List.of(f), "text:t.txt"), context);
    }

    @Test
    void theLossIsTheMeanCrossEntropyOverEveryPosition() throws Exception {
        TrainingData.Text data = corpus(2);
        try (NDManager m = NDManager.newBaseManager()) {
            // logits [B=2, T=2, V=3]
            float[] logits = {1, 2, 3, 0, 0, 0, -1, 4, 0.5f, 2, 2, -3};
            long[] targets = {2, 0, 1, 1};
            double expected = 0;
            for (int i = 0; i < 4; i++) {
                double max = Math.max(logits[3 * i], Math.max(logits[3 * i + 1], logits[3 * i + 2]));
                double z = 0;
                for (int k = 0; k < 3; k++) {
                    z += Math.exp(logits[3 * i + k] - max);
                }
                expected += -(logits[3 * i + (int) targets[i]] - max - Math.log(z)) / 4;
            }
            float loss = data.loss(m.create(targets, new Shape(2, 2)), m.create(logits, new Shape(2, 2, 3)))
                    .getFloat();
            assertEquals(expected, loss, 1e-6);
        }
    }

    @Test
    void batchesAreSeededWindowsOfTokenIds() throws Exception {
        TrainingData.Text data = corpus(4);
        assertEquals((int) Math.ceil(450 / 12.0), data.batchesPerEpoch(3), "the training text (450 characters) once");
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingData.Batch a = data.epoch(3, 7, 1).batch(m, 5);
            TrainingData.Batch b = data.epoch(3, 7, 1).batch(m, 5);
            TrainingData.Batch c = data.epoch(3, 8, 1).batch(m, 5);
            assertEquals(new Shape(3, 4), a.inputs().getShape());
            assertEquals(12, a.examples());
            assertArrayEquals(a.inputs().toFloatArray(), b.inputs().toFloatArray());
            assertArrayEquals(a.labels().toLongArray(), b.labels().toLongArray());
            assertFalse(Arrays.equals(a.inputs().toFloatArray(), c.inputs().toFloatArray()), "another seed");
            // targets are the inputs shifted by one
            float[] x = a.inputs().toFloatArray();
            long[] y = a.labels().toLongArray();
            for (int w = 0; w < 3; w++) {
                for (int t = 0; t + 1 < 4; t++) {
                    assertEquals(x[w * 4 + t + 1], y[w * 4 + t], 0);
                }
            }
        }
    }
}
