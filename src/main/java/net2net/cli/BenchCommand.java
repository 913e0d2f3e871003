package net2net.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import net2net.Net2NetException;
import net2net.bench.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure this machine: fashionnet training and inference throughput at batch 128 (ours and a raw DJL loop),",
            "transform latency against a plain copy, resident memory over five epochs, and data loading;",
            "tinygpt training tokens/s against PyTorch (bench/torch_lm_bench.py) and the widening of a d = 1024 model.",
            "Compare with PyTorch: bench/compare.sh (see the README)."
        })
final class BenchCommand implements Callable<Integer> {
    @Mixin
    DeviceOption device;

    @Option(
            names = "--quick",
            description = "A few seconds with tiny sizes: checks that everything runs; the figures mean little.")
    boolean quick;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Directory with the Fashion-MNIST files. Default: where `train` looks (never downloads); random images if none.")
    Path dataDir;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(
            names = "--transformers",
            description = "Only the token-model figures: tinygpt training tokens/s (DJL and the PyTorch peer) and"
                    + " widening a d = 1024, 8-block GPT-style model against a copy of its bytes.")
    boolean transformers;

    @Option(
            names = "--profile-step",
            description = "Also record a few training steps of the raw DJL loop with libtorch's profiler"
                    + " and report the self time per operator (step_profile).")
    boolean profileStep;

    @Option(
            names = "--trace",
            paramLabel = "FILE",
            description = "Keep that profile as a Chrome trace (chrome://tracing, Perfetto); implies --profile-step.")
    Path trace;

    @Override
    public Integer call() {
        device.apply();
        if (trace != null) {
            refuseUnwritable(trace);
        }
        JsonObject o = transformers
                ? Benchmark.transformersOnly(quick, Output::log)
                : Benchmark.run(
                        quick ? Benchmark.Settings.quick() : Benchmark.Settings.full(),
                        dataDir,
                        profileStep,
                        trace,
                        Output::log);
        if (json) {
            Output.json(o);
        } else {
            print(o, "");
            Output.OUT.flush();
        }
        return 0;
    }

    /** Checked before the bench's minutes of work, not after. */
    private static void refuseUnwritable(Path trace) {
        if (Files.isDirectory(trace)) {
            throw new Net2NetException("--trace " + trace + " is a directory; give a file name such as "
                    + trace.resolve("step-trace.json"));
        }
        Path existing = trace.toAbsolutePath().getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new Net2NetException("cannot write --trace " + trace + ": " + existing
                    + " is not a writable directory; choose another path");
        }
    }

    /** One "key value" line per figure; a nested object's figures indented under its key. */
    private static void print(JsonObject o, String indent) {
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            if (e.getValue().isJsonObject()) {
                Output.OUT.printf("%s%s:%n", indent, e.getKey());
                print(e.getValue().getAsJsonObject(), indent + "  ");
            } else {
                Output.OUT.printf(
                        "%s%-" + Math.max(1, 30 - indent.length()) + "s %s%n", indent, e.getKey(), text(e.getValue()));
            }
        }
    }

    private static String text(JsonElement v) {
        return v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()
                ? String.format(Locale.ROOT, "%.4g", v.getAsDouble())
                : v.getAsString();
    }
}
