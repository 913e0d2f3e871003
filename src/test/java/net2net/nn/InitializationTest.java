package net2net.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import net2net.spec.Presets;
import net2net.testing.Fast;
import net2net.train.Losses;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A fresh token model (docs/transformers.md): embeddings N(0, 0.02^2) as GPT-2's, so its first loss is near a uniform guess's ln V. */
@Fast
class InitializationTest {
    @ParameterizedTest
    @ValueSource(strings = {"tinygpt", "tinyllama"})
    void aFreshTokenModelStartsNearAUniformGuess(String preset) {
        int vocab = 113;
        try (Network net = Initialization.random(Presets.get(preset, 1, vocab, 64), 1, Step.Init.seeded(1));
                NDManager m = net.manager().newSubManager()) {
            float[] table = net.weights()
                    .get(preset.equals("tinygpt") ? "wte.weight" : "embed.weight")
                    .toFloatArray();
            double sq = 0;
            for (float v : table) {
                sq += (double) v * v;
            }
            assertEquals(Initialization.EMBEDDING_STD, Math.sqrt(sq / table.length), 0.001, "the token table's sd");

            SplittableRandom rng = new SplittableRandom(2);
            float[] ids = new float[8 * 64];
            long[] next = new long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rng.nextInt(vocab);
                next[i] = rng.nextInt(vocab);
            }
            NDArray logits = DjlNetwork.of(net).forward(m.create(ids, new Shape(8, 64)), false);
            logits.attach(m);
            double loss = Losses.crossEntropy()
                    .evaluate(new NDList(m.create(next)), new NDList(logits.reshape(-1, vocab)))
                    .getFloat();
            // tinyllama's untied head (nn.Linear's init) adds about var(logits)/2 = 0.18 nats; N(0, 1) tied gave 38
            assertEquals(Math.log(vocab), loss, 0.3, "the first loss against ln V = " + Math.log(vocab));
        }
    }
}
