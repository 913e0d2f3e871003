package net2net.nn;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.spec.Presets;
import net2net.testing.RandomNetworks;
import net2net.testing.Torch;
import net2net.transform.Net2DeeperNet;
import net2net.transform.Net2WiderNet;
import net2net.transform.Noise;
import net2net.transform.Verification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saves teachers and students, runs them in PyTorch through python/net2net_torch.py (one Python
 * process for all of them), and checks that PyTorch computes what DJL computes, in eval mode.
 */
@Torch
class PyTorchInteropTest {
    static final String PYTHON = "/usr/bin/python3";
    static final Path SCRIPT = Path.of("python", "net2net_torch.py").toAbsolutePath();
    static final double TOLERANCE = 1e-5;

    /** A saved model, its inputs, where PyTorch writes its outputs, and what DJL computed. */
    record Case(String name, Path dir, Path inputs, Path outputs, Shape shape, float[] djl) {}

    @Test
    void pytorchComputesWhatDjlComputes(@TempDir Path tmp) throws Exception {
        assertTrue(Files.isRegularFile(SCRIPT), "missing " + SCRIPT);
        SplittableRandom rng = new SplittableRandom(20160101);
        List<Case> cases = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
                Network teacher = RandomNetworks.network(Presets.get("fashionnet", Presets.PAPER_TEACHER_WIDTH), rng)) {
            Map<String, Integer> widths = new LinkedHashMap<>();
            widths.put("conv1", 32);
            widths.put("conv2", 64);
            widths.put("fc1", 128);
            NDArray stats = Verification.randomInputs(m, teacher.architecture().input(), 32, rng.nextLong());
            try (Network wider = Net2WiderNet.widen(
                            teacher, widths, new Net2WiderNet.Options(Noise.EXACT, 0.05, rng.nextLong()));
                    Network deeper =
                            Net2DeeperNet.deepen(wider, "relu1", new Net2DeeperNet.Options(3, true, stats, null))) {
                cases.add(save("fashionnet", teacher, tmp, m, rng, false));
                cases.add(save("fashionnet-wider", wider, tmp, m, rng, false));
                cases.add(save("fashionnet-wider-deeper", deeper, tmp, m, rng, false));
            }
        }
        try (NDManager m = NDManager.newBaseManager();
                Network seed = RandomNetworks.network(Presets.get("mlp-seed", 1), rng)) {
            NDArray stats = Verification.randomInputs(m, seed.architecture().input(), 32, rng.nextLong());
            try (Network deeper =
                    Net2DeeperNet.deepen(seed, "relu1", new Net2DeeperNet.Options(3, true, stats, null))) {
                // This one's inputs carry __metadata__ and header padding, as Python-written files do.
                cases.add(save("mlp-seed", seed, tmp, m, rng, true));
                cases.add(save("mlp-seed-deeper", deeper, tmp, m, rng, false));
            }
        }
        try (NDManager m = NDManager.newBaseManager();
                Network teacher =
                        RandomNetworks.network(Presets.get("fashionresnet", Presets.PAPER_TEACHER_WIDTH), rng)) {
            Map<String, Integer> widths = new LinkedHashMap<>();
            widths.put("conv1", 32); // the first stream
            widths.put("res2_conv2", 64); // the second, named by a body's last conv
            widths.put("res1_conv1", 24); // inside a body
            try (Network wider = Net2WiderNet.widen(
                            teacher, widths, new Net2WiderNet.Options(Noise.EXACT, 0.05, rng.nextLong()));
                    Network deeper = Net2DeeperNet.deepen(
                            wider, "res1", Net2DeeperNet.Options.residual(3, true, null, rng.nextLong()));
                    Network deepest = Net2DeeperNet.deepen(
                            deeper, "relu3", Net2DeeperNet.Options.residual(1, false, null, rng.nextLong()))) {
                cases.add(save("fashionresnet", teacher, tmp, m, rng, false));
                cases.add(save("fashionresnet-wider", wider, tmp, m, rng, false));
                cases.add(save("fashionresnet-wider-deeper", deepest, tmp, m, rng, false));
            }
        }
        for (long seed = 1; seed <= 4; seed++) {
            // random residual networks: nested bodies, tanh or no activation after the addition
            try (NDManager m = NDManager.newBaseManager();
                    Network n = RandomNetworks.network(
                            RandomNetworks.residualArchitecture(new SplittableRandom(seed)), rng)) {
                cases.add(save("random-residual" + seed, n, tmp, m, rng, false));
            }
        }
        List<Architecture> random = randomArchitectures();
        for (int i = 0; i < random.size(); i++) {
            try (NDManager m = NDManager.newBaseManager();
                    Network n = RandomNetworks.network(random.get(i), rng)) {
                cases.add(save("random" + i, n, tmp, m, rng, false));
            }
        }

        runPython(cases, tmp);

        double[] worst = {0};
        List<Executable> checks = new ArrayList<>();
        for (Case c : cases) {
            checks.add(() -> {
                try (NDManager m = NDManager.newBaseManager()) {
                    NDArray torch =
                            NDList.decode(m, Files.readAllBytes(c.outputs())).get("output");
                    assertEquals(c.shape(), torch.getShape(), c.name() + ": output shape");
                    float[] t = torch.toFloatArray();
                    double diff = 0;
                    double scale = 0;
                    for (int i = 0; i < t.length; i++) {
                        diff = Math.max(diff, Math.abs(t[i] - c.djl()[i]));
                        scale = Math.max(scale, Math.abs(c.djl()[i]));
                    }
                    assertTrue(scale > 0, c.name() + ": DJL output is all zeros, the comparison would be empty");
                    double rel = diff / scale;
                    worst[0] = Math.max(worst[0], rel);
                    assertTrue(rel <= TOLERANCE, c.name() + ": max|torch - djl| / max|djl| = " + rel);
                }
            });
        }
        assertAll(checks);
        System.out.printf("[interop] %d models, worst max|torch - djl| / max|djl| = %.3g%n", cases.size(), worst[0]);
    }

    /** The first four random architectures, then more until tanh, dropout, maxpool and both batchnorms appear. */
    static List<Architecture> randomArchitectures() {
        Set<String> missing = new HashSet<>(List.of("tanh", "dropout", "maxpool", "batchnorm1d", "batchnorm2d"));
        List<Architecture> picked = new ArrayList<>();
        for (long seed = 1; picked.size() < 4 || !missing.isEmpty(); seed++) {
            assertTrue(seed < 1000, "no random architecture has " + missing);
            Architecture a = RandomNetworks.architecture(new SplittableRandom(seed));
            Set<String> kinds = kindsOf(a);
            if (picked.size() < 4 || !Collections.disjoint(missing, kinds)) {
                picked.add(a);
                missing.removeAll(kinds);
            }
        }
        return picked;
    }

    static Set<String> kindsOf(Architecture a) {
        Set<String> kinds = new HashSet<>();
        for (int i = 0; i < a.layers().size(); i++) {
            Layer l = a.layers().get(i);
            kinds.add(
                    l instanceof Layer.BatchNorm
                            ? "batchnorm" + (a.inputShapeOf(i).dimension() == 1 ? "1d" : "2d")
                            : l.kind());
        }
        return kinds;
    }

    /** Saves the model and a batch of inputs, and runs the inputs through DJL in eval mode. */
    static Case save(String name, Network n, Path tmp, NDManager m, SplittableRandom rng, boolean pythonStyle)
            throws IOException {
        Path dir = tmp.resolve(name);
        ModelFiles.save(n, dir.resolve("model"), false);
        NDArray x = Verification.randomInputs(m, n.architecture().input(), 16, rng.nextLong());
        NDArray y = DjlNetwork.of(n).forward(x, false);
        Path inputs = dir.resolve("input.safetensors");
        if (pythonStyle) {
            writeWithMetadata(inputs, x);
        } else {
            x.setName("input");
            try (OutputStream os = Files.newOutputStream(inputs)) {
                new NDList(x).encode(os, NDList.Encoding.SAFETENSORS);
            }
        }
        return new Case(
                name, dir.resolve("model"), inputs, dir.resolve("output.safetensors"), y.getShape(), y.toFloatArray());
    }

    /** A float32 safetensors file with a "__metadata__" entry and a space-padded header. */
    static void writeWithMetadata(Path file, NDArray x) throws IOException {
        String shape = Arrays.toString(x.getShape().getShape()).replace(" ", "");
        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"input\":{\"dtype\":\"F32\",\"shape\":" + shape
                + ",\"data_offsets\":[0," + 4 * x.size() + "]}}";
        byte[] header = (json + " ".repeat((8 - json.length() % 8) % 8)).getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + 4 * Math.toIntExact(x.size()))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        for (float v : x.toFloatArray()) {
            b.putFloat(v);
        }
        Files.write(file, b.array());
    }

    /** One Python process for every case: starting Python and importing torch takes a second or two. */
    static void runPython(List<Case> cases, Path tmp) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPT.toString()));
        cases.forEach(c -> command.add(c.dir().toString()));
        command.add("--inputs");
        cases.forEach(c -> command.add(c.inputs().toString()));
        command.add("--outputs");
        cases.forEach(c -> command.add(c.outputs().toString()));
        Path stdout = tmp.resolve("python.out");
        Path stderr = tmp.resolve("python.err");
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
        } catch (IOException e) {
            fail("cannot run " + PYTHON + " (" + e.getMessage()
                    + "); install Python 3 and PyTorch: apt-get install python3-torch");
            return;
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(PYTHON + " " + SCRIPT + " did not finish within 120 s; stderr:\n" + Files.readString(stderr));
        }
        String err = Files.readString(stderr);
        if (err.contains("No module named 'torch'")) {
            fail(PYTHON + " cannot import torch; install it with: apt-get install python3-torch\n" + err);
        }
        assertEquals(0, p.exitValue(), () -> PYTHON + " " + SCRIPT + " failed; stderr:\n" + err);
    }
}
