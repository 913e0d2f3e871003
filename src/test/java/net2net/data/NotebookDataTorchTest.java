package net2net.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.util.SplittableRandom;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

/** NotebookData.linspace against torch.linspace of the PyTorch engine DJL runs (libtorch 2.7.1). */
@Fast
class NotebookDataTorchTest {

    @Test
    void linspaceMatchesLibtorchBitForBit() {
        SplittableRandom random = new SplittableRandom(2024);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            for (int c = 0; c < 100; c++) {
                float start;
                float end;
                int steps;
                if (c < NotebookData.COLUMN_DOMAINS.length) {
                    start = NotebookData.COLUMN_DOMAINS[c][0];
                    end = NotebookData.COLUMN_DOMAINS[c][1];
                    steps = NotebookData.SAMPLES;
                } else {
                    start = (float) (random.nextDouble() * 200 - 100);
                    end = (float) (random.nextDouble() * 2000 - 1000);
                    steps = 2 + random.nextInt(3000);
                }
                float[] torch = manager.linspace(start, end, steps).toFloatArray();
                float[] ours = NotebookData.linspace(start, end, steps);
                for (int i = 0; i < steps; i++) {
                    assertEquals(
                            Float.floatToRawIntBits(torch[i]),
                            Float.floatToRawIntBits(ours[i]),
                            () -> "linspace(" + start + ", " + end + ", " + steps + ") differs");
                }
            }
        }
    }
}
