package net2net.nn;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import net2net.spec.Architecture;
import net2net.spec.Presets;
import net2net.testing.RandomTransformers;
import net2net.testing.Torch;
import net2net.transform.Noise;
import net2net.transform.TransformerDeepening;
import net2net.transform.TransformerWidening;
import net2net.transform.Verification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token models in PyTorch: python/net2net_torch.py (attention and RMSNorm written by hand) computes
 * the logits DJL computes, for both presets, random configurations and students grown by every
 * transform; attention is causal; a
 * saved model loads with the same weights, a tied head still tied.
 */
@Torch
class TransformerInteropTest {

    /** The presets at two widths and random GPT- and Llama-family models. */
    static List<Architecture> architectures() {
        List<Architecture> out = new ArrayList<>();
        out.add(Presets.get("tinygpt", 1, 96, 16));
        out.add(Presets.get("tinyllama", 1, 96, 16));
        out.add(Presets.get("tinygpt", 0.5, 40, 9));
        out.add(Presets.get("tinyllama", 0.5, 40, 9));
        for (long seed = 1; seed <= 6; seed++) {
            out.add(RandomTransformers.architecture(new SplittableRandom(seed), seed % 2 == 0));
        }
        return out;
    }

    @Test
    void pytorchComputesTheLogitsDjlComputes(@TempDir Path tmp) throws Exception {
        SplittableRandom rng = new SplittableRandom(14);
        List<PyTorchInteropTest.Case> cases = new ArrayList<>();
        List<Architecture> archs = architectures();
        for (int i = 0; i < archs.size(); i++) {
            try (NDManager m = NDManager.newBaseManager();
                    Network n = RandomTransformers.network(archs.get(i), rng)) {
                cases.add(save("transformer" + i, n, tmp, m, rng));
            }
        }
        // grown students: every transform on both presets, then a chain of all of them
        TransformerWidening.Options noise = new TransformerWidening.Options(Noise.EXACT, 0.1, 21);
        try (Network gpt = RandomTransformers.network(Presets.get("tinygpt", 0.5, 40, 10), rng);
                Network llama = RandomTransformers.network(Presets.get("tinyllama", 0.5, 40, 10), rng)) {
            List<UnaryOperator<Network>> gptSteps = List.of(
                    n -> TransformerWidening.widen(n, "wte", 45, noise),
                    n -> TransformerWidening.widen(n, "h0_fc", 150, noise),
                    n -> TransformerWidening.growHeads(n, "h1_attn", 6, noise),
                    n -> TransformerDeepening.deepen(n, "h0_mlp_res", 5));
            List<UnaryOperator<Network>> llamaSteps = List.of(
                    n -> TransformerWidening.widen(n, "embed", 77, noise),
                    n -> TransformerWidening.widen(n, "h1_mlp", 120, noise),
                    n -> TransformerWidening.growHeads(n, "h0_attn", 6, noise),
                    n -> TransformerDeepening.deepen(n, "h1_attn_res", 6));
            addGrown("tinygpt", gpt, gptSteps, cases, tmp, rng);
            addGrown("tinyllama", llama, llamaSteps, cases, tmp, rng);
        }
        PyTorchInteropTest.runPython(cases, tmp);
        List<Executable> checks = new ArrayList<>();
        double[] worst = {0};
        for (PyTorchInteropTest.Case c : cases) {
            checks.add(() -> {
                try (NDManager m = NDManager.newBaseManager()) {
                    NDArray torch =
                            NDList.decode(m, Files.readAllBytes(c.outputs())).get("output");
                    assertEquals(c.shape(), torch.getShape(), c.name() + ": logits shape");
                    double rel = maxRelDiff(torch.toFloatArray(), c.djl());
                    worst[0] = Math.max(worst[0], rel);
                    assertTrue(
                            rel <= PyTorchInteropTest.TOLERANCE, c.name() + ": max|torch - djl| / max|djl| = " + rel);
                }
            });
        }
        assertAll(checks);
        System.out.printf(
                "[transformer interop] %d models, worst max|torch - djl| / max|djl| = %.3g%n", cases.size(), worst[0]);
    }

    /** Each step alone, then all of them in a row, saved as cases. */
    static void addGrown(
            String name,
            Network teacher,
            List<UnaryOperator<Network>> steps,
            List<PyTorchInteropTest.Case> cases,
            Path tmp,
            SplittableRandom rng)
            throws IOException {
        for (int i = 0; i < steps.size(); i++) {
            try (NDManager m = NDManager.newBaseManager();
                    Network s = steps.get(i).apply(teacher)) {
                cases.add(save(name + "-grown" + i, s, tmp, m, rng));
            }
        }
        Network current = teacher;
        for (UnaryOperator<Network> step : steps) {
            Network next = step.apply(current);
            if (current != teacher) {
                current.close();
            }
            current = next;
        }
        try (NDManager m = NDManager.newBaseManager();
                Network all = current) {
            cases.add(save(name + "-grown-all", all, tmp, m, rng));
        }
    }

    static double maxRelDiff(float[] a, float[] reference) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - reference[i]));
            scale = Math.max(scale, Math.abs(reference[i]));
        }
        assertTrue(scale > 0, "the reference logits are all zero; the comparison would be empty");
        return diff / scale;
    }

    /** Saves the model and int64 token ids, and runs them through DJL in eval mode. */
    static PyTorchInteropTest.Case save(String name, Network n, Path tmp, NDManager m, SplittableRandom rng)
            throws IOException {
        Path dir = tmp.resolve(name);
        ModelFiles.save(n, dir.resolve("model"), false);
        NDArray x = Verification.randomInputs(m, n.architecture(), 5, rng.nextLong());
        assertEquals(DataType.INT64, x.getDataType());
        NDArray y = DjlNetwork.of(n).forward(x, false);
        Path inputs = dir.resolve("input.safetensors");
        x.setName("input");
        try (OutputStream os = Files.newOutputStream(inputs)) {
            new NDList(x).encode(os, NDList.Encoding.SAFETENSORS);
        }
        return new PyTorchInteropTest.Case(
                name, dir.resolve("model"), inputs, dir.resolve("output.safetensors"), y.getShape(), y.toFloatArray());
    }

    /** Changing the token at position p changes no logit before p, and does change the logits at p. */
    @Test
    void attentionIsCausal() {
        SplittableRandom rng = new SplittableRandom(7);
        for (Architecture arch : architectures()) {
            try (NDManager m = NDManager.newBaseManager();
                    Network n = RandomTransformers.network(arch, rng)) {
                NDArray x = Verification.randomInputs(m, arch, 1, rng.nextLong());
                long[] ids = x.toLongArray();
                int t = ids.length;
                int vocab = (int) arch.outputShape().get(1);
                int p = 1 + rng.nextInt(t - 1);
                long[] changed = ids.clone();
                changed[p] = (ids[p] + 1) % vocab;
                float[] before = DjlNetwork.of(n).forward(x, false).toFloatArray();
                float[] after = DjlNetwork.of(n)
                        .forward(m.create(changed, x.getShape()), false)
                        .toFloatArray();
                for (int i = 0; i < p * vocab; i++) {
                    assertEquals(
                            before[i],
                            after[i],
                            0.0,
                            arch.layers().size() + " layers: logit " + i + " before position " + p + " changed");
                }
                double moved = 0;
                double scale = 0;
                for (int i = p * vocab; i < (p + 1) * vocab; i++) {
                    moved = Math.max(moved, Math.abs(before[i] - after[i]));
                    scale = Math.max(scale, Math.abs(before[i]));
                }
                // relative: embeddings start at N(0, 0.02^2), so a model without norms has small logits
                assertTrue(
                        moved > 1e-3 * scale,
                        "the logits at the changed position " + p + " did not change: " + moved + " of " + scale);
            }
        }
    }

    /** Save, load: the same architecture (a tied head still tied, one stored tensor), the same weights, the same logits. */
    @Test
    void saveLoadRoundTrip(@TempDir Path tmp) {
        SplittableRandom rng = new SplittableRandom(3);
        int i = 0;
        for (Architecture arch : architectures()) {
            Path dir = tmp.resolve("m" + i++);
            try (NDManager m = NDManager.newBaseManager();
                    Network n = RandomTransformers.network(arch, rng)) {
                ModelFiles.save(n, dir, false);
                try (Network back = ModelFiles.load(dir)) {
                    assertEquals(arch, back.architecture());
                    assertEquals(n.weights().keySet(), back.weights().keySet());
                    n.weights()
                            .forEach((k, v) -> assertArrayEquals(
                                    v.toFloatArray(), back.weight(k).toFloatArray(), k));
                    NDArray x = Verification.randomInputs(m, arch, 3, 11);
                    assertArrayEquals(
                            DjlNetwork.of(n).forward(x, false).toFloatArray(),
                            DjlNetwork.of(back).forward(x, false).toFloatArray());
                }
            }
        }
        try (Network gpt = Initialization.random(Presets.get("tinygpt", 1), 0, Step.Init.seeded(0))) {
            assertTrue(
                    gpt.weights().keySet().stream().noneMatch(k -> k.startsWith("lm_head")),
                    "a tied head stores no weight: " + gpt.weights().keySet());
        }
    }
}
