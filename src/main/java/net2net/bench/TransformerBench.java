package net2net.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net2net.nn.Initialization;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.spec.Architecture;
import net2net.spec.ArchitectureJson;
import net2net.spec.Presets;
import net2net.transform.Noise;
import net2net.transform.TransformerWidening;

/**
 * The token-model figures of {@code net2net bench}: tinygpt training tokens/s through {@link
 * RawTokenLoop} and through the PyTorch peer (bench/torch_lm_bench.py) in the same run, and the time
 * to widen a large GPT-style model against one copy of its bytes.
 */
public final class TransformerBench {
    private TransformerBench() {}

    public static final String PYTHON = "/usr/bin/python3";
    public static final double LR = 0.01;

    /**
     * @param vocab, context  tinygpt's (width 1)
     * @param batch           windows per training step
     * @param warmup, steps   untimed and timed training steps (DJL and the peer alike)
     * @param heads, headDim, blocks, ffn  the model widened (d = heads x headDim)
     * @param stream, grownHeads, grownFfn  what it is widened to: the stream width, the heads of
     *                        h0_attn, the FFN of h0_fc
     * @param peer            run the PyTorch peer
     */
    public record Settings(
            int vocab,
            int context,
            int batch,
            int warmup,
            int steps,
            int heads,
            int headDim,
            int blocks,
            int ffn,
            int stream,
            int grownHeads,
            int grownFfn,
            boolean peer) {
        /** tinygpt (d 64, 2 blocks, T 64, vocab 256) at batch 16; widening a d = 1024, 8-block model to 1536. */
        public static Settings full() {
            return new Settings(256, 64, 16, 2, 12, 16, 64, 8, 4096, 1536, 24, 6144, true);
        }

        /** Seconds, without the peer: checks that everything runs. */
        public static Settings quick() {
            return new Settings(65, 16, 4, 1, 2, 4, 8, 2, 64, 48, 6, 96, false);
        }
    }

    public static JsonObject run(Settings s, Consumer<String> log) {
        JsonObject o = new JsonObject();
        Architecture tinygpt = Presets.get("tinygpt", 1.0, s.vocab(), s.context());
        o.addProperty(
                "model",
                "tinygpt, vocab " + s.vocab() + ", context " + s.context() + ", batch " + s.batch()
                        + " windows, SGD momentum 0.9");
        log.accept("bench: tinygpt training tokens/s (" + s.steps() + " steps of " + s.batch() + " x " + s.context()
                + " tokens)");
        double djl = djlTokensPerSecond(tinygpt, s);
        o.addProperty("train_tokens_per_s", djl);
        if (s.peer()) {
            log.accept("bench: the same steps in PyTorch (bench/torch_lm_bench.py)");
            JsonObject peer = peer(tinygpt, s);
            o.add("pytorch", peer);
            if (peer.has("train_tokens_per_s")) {
                o.addProperty(
                        "ours_over_pytorch",
                        djl / peer.get("train_tokens_per_s").getAsDouble());
            }
        }
        widening(o, s, log);
        return o;
    }

    static double djlTokensPerSecond(Architecture arch, Settings s) {
        try (Network net = Initialization.random(arch, 0, initStep());
                RawTokenLoop loop = new RawTokenLoop(net, s.batch(), 8, 0, LR)) {
            loop.train(s.warmup());
            long start = System.nanoTime();
            long tokens = loop.train(s.steps());
            return tokens / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** The peer's JSON, or {"unavailable": reason} when Python, torch or the script is missing. */
    static JsonObject peer(Architecture arch, Settings s) {
        JsonObject o = new JsonObject();
        Path script = script("bench/torch_lm_bench.py");
        if (script == null) {
            o.addProperty("unavailable", "bench/torch_lm_bench.py not found (run from the project directory)");
            return o;
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("net2net-bench");
            Path archFile = dir.resolve("arch.json");
            Files.writeString(archFile, ArchitectureJson.toJson(arch).toString());
            Path out = dir.resolve("peer.out");
            Path err = dir.resolve("peer.err");
            List<String> cmd = new ArrayList<>(List.of(
                    PYTHON,
                    script.toString(),
                    "--arch",
                    archFile.toString(),
                    "--threads",
                    "" + JniUtils.getNumThreads(),
                    "--batch",
                    "" + s.batch(),
                    "--warmup",
                    "" + s.warmup(),
                    "--steps",
                    "" + s.steps()));
            Process p = new ProcessBuilder(cmd)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                o.addProperty("unavailable", "the peer did not finish within 600 s");
                return o;
            }
            if (p.exitValue() != 0) {
                String last =
                        Files.readAllLines(err).stream().reduce((a, b) -> b).orElse("exit code " + p.exitValue());
                o.addProperty("unavailable", "the peer failed: " + last);
                return o;
            }
            return JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        } catch (IOException e) {
            o.addProperty("unavailable", "cannot run " + PYTHON + " (" + e.getMessage() + ")");
            return o;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            o.addProperty("unavailable", "interrupted");
            return o;
        } finally {
            deleteQuietly(dir);
        }
    }

    /** A file of the project: from the working directory, or beside the jar's (or classes') target directory. */
    static Path script(String relative) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of(relative));
        try {
            Path code = Path.of(TransformerBench.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            // target/net2net.jar or target/classes: the project is two levels up
            if (code.getParent() != null && code.getParent().getParent() != null) {
                candidates.add(code.getParent().getParent().resolve(relative));
            }
        } catch (Exception ignored) {
            // no code source: the working directory only
        }
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    /**
     * Widening a GPT-style model (d = heads x headDim, tied head) on the host: the stream to a
     * non-multiple width (the LayerNorm construction, every tensor rewritten), the heads of one
     * attention layer and one FFN; each against one copy of the teacher's bytes inside the engine.
     */
    static void widening(JsonObject o, Settings s, Consumer<String> log) {
        Architecture big = Presets.gpt(s.heads(), s.headDim(), s.blocks(), s.ffn(), s.vocab(), s.context());
        int d = s.heads() * s.headDim();
        o.addProperty(
                "widened_model",
                "d " + d + ", " + s.blocks() + " blocks, " + s.heads() + " heads of " + s.headDim() + ", FFN " + s.ffn()
                        + ", " + big.parameterCount() + " parameters");
        log.accept("bench: widening the d = " + d + " model (" + big.parameterCount() + " parameters)");
        TransformerWidening.Options exact = new TransformerWidening.Options(Noise.EXACT, 0.05, 0);
        try (Network teacher = Initialization.random(big, 0, initStep())) {
            long bytes = 4L * big.parameterCount();
            double copy = copyMs(bytes);
            double stream = once(() -> TransformerWidening.widen(teacher, "wte", s.stream(), exact));
            double heads = once(() -> TransformerWidening.growHeads(teacher, "h0_attn", s.grownHeads(), exact));
            double ffn = once(() -> TransformerWidening.widen(teacher, "h0_fc", s.grownFfn(), exact));
            o.addProperty("copy_mb", bytes / 1e6);
            o.addProperty("copy_ms", copy);
            o.addProperty("widen_stream", d + " -> " + s.stream());
            o.addProperty("widen_stream_ms", stream);
            o.addProperty("widen_stream_over_copy", stream / copy);
            o.addProperty("grow_heads", "h0_attn " + s.heads() + " -> " + s.grownHeads());
            o.addProperty("grow_heads_ms", heads);
            o.addProperty("grow_heads_over_copy", heads / copy);
            o.addProperty("widen_ffn", "h0_fc " + s.ffn() + " -> " + s.grownFfn());
            o.addProperty("widen_ffn_ms", ffn);
            o.addProperty("widen_ffn_over_copy", ffn / copy);
        }
    }

    /** Wall time of one call (the model is large: one run each keeps the bench to seconds), closing what it made. */
    private static double once(Supplier<Network> op) {
        long start = System.nanoTime();
        Network made = op.get();
        double ms = (System.nanoTime() - start) / 1e6;
        made.close();
        return ms;
    }

    /** Median of three copies of {@code bytes} of float32 inside the engine, after one to warm the allocator. */
    private static double copyMs(long bytes) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray source = m.ones(new Shape(bytes / 4));
            double[] ms = new double[4];
            for (int i = 0; i < ms.length; i++) {
                long start = System.nanoTime();
                NDArray copy = source.duplicate();
                ms[i] = (System.nanoTime() - start) / 1e6;
                copy.close();
            }
            double[] timed = Arrays.copyOfRange(ms, 1, ms.length);
            Arrays.sort(timed);
            return timed[1];
        }
    }

    private static Step initStep() {
        return new Step.Init("bench", null, null, null, null, null, null);
    }

    /** The keys every run reports (tests check them). */
    public static final List<String> KEYS = List.of(
            "train_tokens_per_s",
            "copy_ms",
            "widen_stream_ms",
            "widen_stream_over_copy",
            "grow_heads_ms",
            "widen_ffn_ms");
}
