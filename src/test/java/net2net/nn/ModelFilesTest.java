package net2net.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import net2net.Net2NetException;
import net2net.spec.Presets;
import net2net.testing.Fast;
import net2net.testing.RandomNetworks;
import net2net.transform.Net2DeeperNet;
import net2net.transform.Verification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Fast
class ModelFilesTest {
    @TempDir
    Path tmp;

    @Test
    void roundTripComputesTheSameOutputs() {
        for (long seed = 0; seed < 6; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            try (Network n = RandomNetworks.network(RandomNetworks.architecture(rng), rng);
                    NDManager m = NDManager.newBaseManager()) {
                Path dir = tmp.resolve("m" + seed);
                ModelFiles.save(n, dir, false);
                try (Network back = ModelFiles.load(dir)) {
                    assertEquals(n.architecture(), back.architecture());
                    assertEquals(n.history(), back.history());
                    Verification.Result r = Verification.compare(
                            n,
                            back,
                            Verification.randomInputs(m, n.architecture().input(), 16, 1));
                    assertEquals(0.0, r.maxAbsDiff(), "bit-identical outputs after a round trip");
                }
            }
        }
    }

    @Test
    void weightsUsePyTorchStateDictNames() throws Exception {
        try (Network n = RandomNetworks.network(Presets.get("fashionnet", 0.5), new SplittableRandom(1));
                NDManager m = NDManager.newBaseManager()) {
            Path dir = tmp.resolve("f");
            try (Network d = Net2DeeperNet.deepen(
                    n,
                    "relu1",
                    new Net2DeeperNet.Options(
                            3,
                            true,
                            Verification.randomInputs(m, n.architecture().input(), 8, 1),
                            null))) {
                ModelFiles.save(d, dir, false);
            }
            String header = new String(
                    Files.readAllBytes(dir.resolve(ModelFiles.WEIGHTS)), 8, 2000, StandardCharsets.ISO_8859_1);
            for (String key : new String[] {
                "conv1.weight", "bn1.running_mean", "bn1.running_var", "relu1_id.weight", "relu1_id_bn.bias", "fc2.bias"
            }) {
                assertTrue(header.contains("\"" + key + "\""), key + " in " + header);
            }
        }
    }

    @Test
    void existingOutputIsRefusedWithoutForce() {
        try (Network n = RandomNetworks.network(Presets.get("mlp-seed", 1), new SplittableRandom(1))) {
            Path dir = tmp.resolve("x");
            ModelFiles.save(n, dir, false);
            Net2NetException e = assertThrows(Net2NetException.class, () -> ModelFiles.save(n, dir, false));
            assertTrue(e.getMessage().contains("--force"));
            ModelFiles.save(n, dir, true);
            assertEquals(2, dir.toFile().list().length);
            assertEquals(
                    1,
                    tmp.toFile().list().length,
                    "no temporary directory left behind: "
                            + Arrays.toString(tmp.toFile().list()));
        }
    }

    @Test
    void corruptFilesGiveOneLineErrors() throws Exception {
        try (Network n = RandomNetworks.network(Presets.get("fashionnet", 0.5), new SplittableRandom(1))) {
            Path good = tmp.resolve("good");
            ModelFiles.save(n, good, false);
            byte[] weights = Files.readAllBytes(good.resolve(ModelFiles.WEIGHTS));
            String json = Files.readString(good.resolve(ModelFiles.JSON));

            assertError(
                    copy(good, "truncated", Arrays.copyOf(weights, weights.length - 100), json),
                    "truncated or corrupt");
            assertError(copy(good, "garbage", "hello world, not tensors".getBytes(), json), "not a valid safetensors");
            assertError(copy(good, "badjson", weights, "{\"architecture\": [1, 2"), "not valid JSON");
            assertError(copy(good, "notmodel", weights, "{\"hello\": 1}"), "not a net2net model");
            assertError(
                    copy(good, "mismatch", weights, json.replace("\"filters\": 16", "\"filters\": 17")),
                    "do not belong together");
            assertError(
                    copy(good, "badlayer", weights, json.replace("\"conv2d\"", "\"conv3d\"")), "unknown layer type");
            Path missing = copy(good, "missing", weights, json);
            Files.delete(missing.resolve(ModelFiles.WEIGHTS));
            assertError(missing, "cannot read");
            assertError(tmp.resolve("nowhere"), "does not exist");
        }
    }

    private Path copy(Path good, String name, byte[] weights, String json) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve(name));
        Files.write(dir.resolve(ModelFiles.WEIGHTS), weights);
        Files.writeString(dir.resolve(ModelFiles.JSON), json);
        return dir;
    }

    /** A load of {@code dir} fails with one line containing {@code words}. */
    static void assertError(Path dir, String words) {
        Net2NetException e =
                assertThrows(Net2NetException.class, () -> ModelFiles.load(dir).close(), dir.toString());
        assertTrue(e.getMessage().contains(words), "'" + e.getMessage() + "' lacks '" + words + "'");
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
