package net2net.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import net2net.bench.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure this machine: fashionnet training and inference throughput at batch 128 (ours and a raw DJL loop),",
                "transform latency against a plain copy, resident memory over five epochs, and data loading.",
                "Compare with PyTorch: bench/compare.sh (see the README)."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "A few seconds with tiny sizes: checks that everything runs; the figures mean little.")
    boolean quick;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory with the Fashion-MNIST files. Default: where `train` looks (never downloads); random images if none.")
    Path dataDir;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        JsonObject o = Benchmark.run(quick ? Benchmark.Settings.quick() : Benchmark.Settings.full(), dataDir, Output::log);
        if (json) {
            Output.json(o);
        } else {
            for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                JsonElement v = e.getValue();
                String text = v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()
                        ? String.format(java.util.Locale.ROOT, "%.4g", v.getAsDouble()) : v.getAsString();
                Output.OUT.printf("%-30s %s%n", e.getKey(), text);
            }
            Output.OUT.flush();
        }
        return 0;
    }
}
