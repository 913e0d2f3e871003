package net2net.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net2net.spec.Presets;
import net2net.testing.Fast;
import net2net.testing.RandomNetworks;
import net2net.transform.Verification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader refuses what the issue found accepted: overlapping or wrapped offsets, lenient JSON, odd versions, non-files. */
@Fast
class ModelFilesStrictTest {
    @TempDir
    Path tmp;

    @Test
    void chunkedReadAndWriteRoundTripExactly() {
        long saved = Safetensors.CHUNK;
        Safetensors.CHUNK = 64; // 16 floats: every tensor of the model goes through the chunked paths
        try (Network n = RandomNetworks.network(Presets.get("fashionnet", 0.25), new SplittableRandom(3));
                NDManager m = NDManager.newBaseManager()) {
            ModelFiles.save(n, tmp.resolve("m"), false);
            try (Network back = ModelFiles.load(tmp.resolve("m"))) {
                for (String k : n.weights().keySet()) {
                    assertTrue(
                            Arrays.equals(
                                    n.weight(k).toFloatArray(), back.weight(k).toFloatArray()),
                            k);
                }
                assertEquals(
                        0.0,
                        Verification.compare(
                                        n,
                                        back,
                                        Verification.randomInputs(
                                                m, n.architecture().input(), 4, 1))
                                .maxAbsDiff());
            }
        } finally {
            Safetensors.CHUNK = saved;
        }
    }

    @Test
    void chunkedCreationFromAJavaArrayIsExact() {
        float[] v = new float[10 * 7];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5f - 3;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            // as if one DJL buffer held 16 floats: 5 chunks of 16 and 6
            NDArray a = Sizes.create(m, v, new Shape(10, 7), 16, 16);
            assertEquals(new Shape(10, 7), a.getShape());
            assertTrue(Arrays.equals(v, a.toFloatArray()));
        }
    }

    @Test
    void overlappingWrappedAndGappedOffsetsAreRefused() throws Exception {
        Path good = save("good");
        byte[] file = Files.readAllBytes(good.resolve(ModelFiles.WEIGHTS));
        int n = (int) ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(file, 8, n, StandardCharsets.UTF_8).strip();
        byte[] data = Arrays.copyOfRange(file, 8 + n, file.length);
        // mlp-seed (no biases): fc1.weight [10,4] at [0,160), fc2.weight [1,10] at [160,200)
        assertTrue(header.contains("[0,160]") && header.contains("[160,200]"), header);
        // fc2.weight overlapping fc1.weight, leaving a gap where it was (the max_rel_diff 1.19 case)
        assertError(weights("overlap", header.replace("[160,200]", "[120,160]"), data), "overlaps");
        // 2^64 + 160 wraps to 160 in 64-bit arithmetic
        assertError(
                weights("wrap", header.replace("[160,200]", "[18446744073709551776,200]"), data), "malformed entry");
        assertError(weights("negative", header.replace("[160,200]", "[-4,36]"), data), "malformed entry");
        assertError(weights("fraction", header.replace("[160,200]", "[160.0,200]"), data), "malformed entry");
        assertError(
                weights("gap", header.replace("[160,200]", "[164,204]"), Arrays.copyOf(data, data.length + 4)),
                "unused bytes");
        byte[] longer = Arrays.copyOf(data, data.length + 8);
        assertError(weights("tail", header, longer), "bytes after the last tensor");
        assertError(weights("lenient", header.replace("\"dtype\"", "dtype"), data), "not valid JSON");
        assertError(weights("quotes", header.replace('"', '\''), data), "not valid JSON");
    }

    @Test
    void modelJsonIsStrictAndItsVersionANumber() throws Exception {
        Path good = save("good");
        String json = Files.readString(good.resolve(ModelFiles.JSON));
        byte[] w = Files.readAllBytes(good.resolve(ModelFiles.WEIGHTS));
        assertError(copy("unquoted", w, json.replace("\"architecture\"", "architecture")), "not valid JSON");
        assertError(copy("single", w, json.replace("\"format\"", "'format'")), "not valid JSON");
        assertError(copy("comment", w, "// hi\n" + json), "not valid JSON");
        assertError(copy("vabc", w, json.replace("\"version\": 1", "\"version\": \"abc\"")), "not a version number");
        assertError(copy("vtrue", w, json.replace("\"version\": 1", "\"version\": true")), "not a version number");
        assertError(copy("vbig", w, json.replace("\"version\": 1", "\"version\": 1e99")), "not a version number");
        assertError(copy("vnew", w, json.replace("\"version\": 1", "\"version\": 7")), "upgrade net2net");
    }

    @Test
    void devicesFifosAndDirectoriesAreRefusedBeforeOpening() throws Exception {
        Path good = save("good");
        Path zero = copy("zero", Files.readAllBytes(good.resolve(ModelFiles.WEIGHTS)), "{}");
        Files.delete(zero.resolve(ModelFiles.JSON));
        Files.createSymbolicLink(zero.resolve(ModelFiles.JSON), Path.of("/dev/zero"));
        assertError(zero, "not a regular file");
        Path zeroWeights = copy("zerow", new byte[0], Files.readString(good.resolve(ModelFiles.JSON)));
        Files.delete(zeroWeights.resolve(ModelFiles.WEIGHTS));
        Files.createSymbolicLink(zeroWeights.resolve(ModelFiles.WEIGHTS), Path.of("/dev/zero"));
        assertError(zeroWeights, "not a regular file");
        Path fifo = copy("fifo", Files.readAllBytes(good.resolve(ModelFiles.WEIGHTS)), "{}");
        Files.delete(fifo.resolve(ModelFiles.JSON));
        Process mkfifo =
                new ProcessBuilder("mkfifo", fifo.resolve(ModelFiles.JSON).toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0);
        assertError(fifo, "not a regular file"); // (reading it would block for ever)
        Path dirs = copy("dirs", new byte[0], Files.readString(good.resolve(ModelFiles.JSON)));
        Files.delete(dirs.resolve(ModelFiles.WEIGHTS));
        Files.createDirectory(dirs.resolve(ModelFiles.WEIGHTS));
        assertError(dirs, "a directory, not a regular file");
    }

    private Path save(String name) {
        try (Network n = RandomNetworks.network(Presets.get("mlp-seed", 1), new SplittableRandom(1))) {
            ModelFiles.save(n, tmp.resolve(name), false);
        }
        return tmp.resolve(name);
    }

    private Path weights(String name, String header, byte[] data) throws Exception {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).put(data);
        return copy(name, b.array(), Files.readString(tmp.resolve("good").resolve(ModelFiles.JSON)));
    }

    private Path copy(String name, byte[] weights, String json) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve(name));
        Files.write(dir.resolve(ModelFiles.WEIGHTS), weights);
        Files.writeString(dir.resolve(ModelFiles.JSON), json);
        return dir;
    }

    private static void assertError(Path dir, String words) {
        ModelFilesTest.assertError(dir, words);
    }
}
