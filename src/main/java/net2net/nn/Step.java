package net2net.nn;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step of a network's history, as model.json records it under {@code "op"}. Each kind is a
 * record with JSON out ({@link #toJson}) and in ({@link #fromJson}), so model.json reads back into
 * the same records and writes back the same JSON. Optional fields are null when absent.
 * {@code from} is the model directory the step was applied to, when the CLI made it.
 */
public sealed interface Step
        permits Step.Init,
                Step.Widen,
                Step.Pad,
                Step.Deepen,
                Step.Train,
                Step.NotebookWiden,
                Step.TransformerWiden,
                Step.TransformerDeepen,
                Step.TrainDdp,
                Step.Other {

    /** The step's {@code "op"}. */
    String op();

    /** The model directory the step was applied to, or null. */
    String from();

    /** The same step, applied to the model in {@code source}. */
    Step withFrom(String source);

    JsonObject toJson();

    /** A network made from scratch: a preset at a width multiplier, or an architecture file. */
    record Init(
            String preset,
            Double widthMult,
            Integer vocab,
            Long context,
            String architectureFile,
            Long seed,
            String from)
            implements Step {
        public static Init seeded(long seed) {
            return new Init(null, null, null, null, null, seed, null);
        }

        public String op() {
            return "init";
        }

        public Init withFrom(String source) {
            return new Init(preset, widthMult, vocab, context, architectureFile, seed, source);
        }

        public JsonObject toJson() {
            JsonObject o = start(op());
            putIfPresent(o, "preset", preset);
            putIfPresent(o, "width_mult", widthMult);
            putIfPresent(o, "vocab", vocab);
            putIfPresent(o, "context", context);
            putIfPresent(o, "architecture_file", architectureFile);
            putIfPresent(o, "seed", seed);
            return end(o, from);
        }
    }

    /**
     * Net2WiderNet. {@code streams}: for a requested layer that writes a residual stream, every
     * writer of that stream (widened together); empty for plain layers.
     */
    record Widen(
            Map<String, Integer> widths,
            Map<String, List<String>> streams,
            String noise,
            double noiseScale,
            long seed,
            String from)
            implements Step {
        public Widen {
            widths = copy(widths);
            streams = copy(streams);
        }

        public String op() {
            return "widen";
        }

        public Widen withFrom(String source) {
            return new Widen(widths, streams, noise, noiseScale, seed, source);
        }

        public JsonObject toJson() {
            JsonObject o = start(op());
            JsonObject w = new JsonObject();
            widths.forEach(w::addProperty);
            o.add("widths", w);
            if (!streams.isEmpty()) {
                JsonObject s = new JsonObject();
                streams.forEach((k, v) -> {
                    JsonArray writers = new JsonArray();
                    v.forEach(writers::add);
                    s.add(k, writers);
                });
                o.add("streams", s);
            }
            o.addProperty("noise", noise);
            o.addProperty("noise_scale", noiseScale);
            o.addProperty("seed", seed);
            return end(o, from);
        }
    }

    /** The random-pad baseline. */
    record Pad(String layer, int width, long seed, String from) implements Step {
        public String op() {
            return "pad";
        }

        public Pad withFrom(String source) {
            return new Pad(layer, width, seed, source);
        }

        public JsonObject toJson() {
            JsonObject o = start(op());
            o.addProperty("layer", layer);
            o.addProperty("width", width);
            o.addProperty("seed", seed);
            return end(o, from);
        }
    }

    /**
     * Net2DeeperNet: {@code layer} inserted after {@code after}. statsSamples: the batch a plain
     * batchnorm was set from; seed: a residual body's initialisation (each null otherwise).
     */
    record Deepen(
            String after,
            String layer,
            boolean residual,
            int kernel,
            boolean batchnorm,
            Long statsSamples,
            Long seed,
            String from)
            implements Step {
        public String op() {
            return "deepen";
        }

        public Deepen withFrom(String source) {
            return new Deepen(after, layer, residual, kernel, batchnorm, statsSamples, seed, source);
        }

        public JsonObject toJson() {
            JsonObject o = start(op());
            o.addProperty("after", after);
            o.addProperty("layer", layer);
            if (residual) {
                o.addProperty("residual", true);
            }
            o.addProperty("kernel", kernel);
            o.addProperty("batchnorm", batchnorm);
            putIfPresent(o, "stats_samples", statsSamples);
            putIfPresent(o, "seed", seed);
            return end(o, from);
        }
    }

    /**
     * A training run. {@code settings}: the run's training settings as TrainConfig writes them,
     * without their "epochs" ({@code epochs} is the number completed); kept as JSON because
     * TrainConfig lives in a package that depends on this one. testLoss and testAccuracy are the
     * last evaluation's, or null.
     */
    record Train(
            String data,
            int trainSamples,
            int testSamples,
            String loss,
            int epochs,
            JsonObject settings,
            long examples,
            double seconds,
            Double testLoss,
            Double testAccuracy,
            String from)
            implements Step {
        private static final List<String> OWN = List.of(
                "op",
                "data",
                "train_samples",
                "test_samples",
                "loss",
                "epochs",
                "examples",
                "seconds",
                "test_loss",
                "test_accuracy",
                "from");

        public Train {
            settings = settings.deepCopy();
            settings.remove("epochs");
        }

        public String op() {
            return "train";
        }

        @Override
        public JsonObject settings() {
            return settings.deepCopy();
        }

        public Train withFrom(String source) {
            return new Train(
                    data,
                    trainSamples,
                    testSamples,
                    loss,
                    epochs,
                    settings,
                    examples,
                    seconds,
                    testLoss,
                    testAccuracy,
                    source);
        }

        public JsonObject toJson() {
            JsonObject o = start(op());
            o.addProperty("data", data);
            o.addProperty("train_samples", trainSamples);
            o.addProperty("test_samples", testSamples);
            o.addProperty("loss", loss);
            o.addProperty("epochs", epochs);
            settings.entrySet().forEach(e -> o.add(e.getKey(), e.getValue().deepCopy()));
            o.addProperty("examples", examples);
            o.addProperty("seconds", seconds);
            putIfPresent(o, "test_loss", testLoss);
            putIfPresent(o, "test_accuracy", testAccuracy);
            return end(o, from);
        }

        static Train fromJson(JsonObject o) {
            JsonObject settings = new JsonObject();
            o.entrySet().stream()
                    .filter(e -> !OWN.contains(e.getKey()))
                    .forEach(e -> settings.add(e.getKey(), e.getValue()));
            return new Train(
                    string(o, "data"),
                    o.get("train_samples").getAsInt(),
                    o.get("test_samples").getAsInt(),
                    string(o, "loss"),
                    o.get("epochs").getAsInt(),
                    settings,
                    o.get("examples").getAsLong(),
                    o.get("seconds").getAsDouble(),
                    optionalDouble(o, "test_loss"),
                    optionalDouble(o, "test_accuracy"),
                    string(o, "from"));
        }
    }

    /** The seed notebook's own widening of its hidden layer (a baseline, not Net2Net). */
    record NotebookWiden(String layer, int width, long seed, String from) implements Step {
        public String op() {
            return "notebook_widen";
        }

        public NotebookWiden withFrom(String source) {
            return new NotebookWiden(layer, width, seed, source);
        }

        public JsonObject toJson() {
            JsonObject o = start(op());
            o.addProperty("layer", layer);
            o.addProperty("width", width);
            o.addProperty("seed", seed);
            return end(o, from);
        }
    }

    /**
     * Transformer growth (docs/transformers.md), written as {@code "op": "widen"} with a {@code kind}:
     * {@code stream} (the residual stream, {@code layer} any writer of it), {@code ffn}, {@code heads}
     * or {@code head_dim}, from {@code widthBefore} to {@code width}. kvHeads: the kv heads after a
     * heads step, null for the other kinds.
     */
    record TransformerWiden(
            String kind,
            String layer,
            int widthBefore,
            int width,
            Integer kvHeads,
            String noise,
            double noiseScale,
            long seed,
            String from)
            implements Step {
        public static final List<String> KINDS = List.of("stream", "ffn", "heads", "head_dim");

        public TransformerWiden {
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException("transformer widen kind '" + kind + "' is not one of " + KINDS);
            }
            if (kvHeads != null && !kind.equals("heads")) {
                throw new IllegalArgumentException("kv_heads belongs to a heads step, not " + kind);
            }
        }

        public String op() {
            return "widen";
        }

        public TransformerWiden withFrom(String source) {
            return new TransformerWiden(kind, layer, widthBefore, width, kvHeads, noise, noiseScale, seed, source);
        }

        public JsonObject toJson() {
            JsonObject o = start(op());
            o.addProperty("kind", kind);
            o.addProperty("layer", layer);
            o.addProperty("width_before", widthBefore);
            o.addProperty("width", width);
            o.addProperty("noise", noise);
            o.addProperty("noise_scale", noiseScale);
            o.addProperty("seed", seed);
            putIfPresent(o, "kv_heads", kvHeads);
            return end(o, from);
        }

        static TransformerWiden fromJson(JsonObject o) {
            return new TransformerWiden(
                    string(o, "kind"),
                    string(o, "layer"),
                    o.get("width_before").getAsInt(),
                    o.get("width").getAsInt(),
                    o.has("kv_heads") ? Integer.valueOf(o.get("kv_heads").getAsInt()) : null,
                    string(o, "noise"),
                    o.get("noise_scale").getAsDouble(),
                    o.get("seed").getAsLong(),
                    string(o, "from"));
        }
    }

    /**
     * An identity block inserted into a pre-norm transformer ({@code "op": "deepen"}, kind
     * {@code identity_block}): its two residuals {@code inserted} go after the block whose MLP
     * residual is {@code after}; seed initialised its norms and input projections.
     */
    record TransformerDeepen(String after, List<String> inserted, long seed, String from) implements Step {
        public TransformerDeepen {
            inserted = List.copyOf(inserted);
        }

        public String op() {
            return "deepen";
        }

        public TransformerDeepen withFrom(String source) {
            return new TransformerDeepen(after, inserted, seed, source);
        }

        public JsonObject toJson() {
            JsonObject o = start(op());
            o.addProperty("kind", "identity_block");
            o.addProperty("after", after);
            // one string, as written since the first transformer release (layer names hold no commas)
            o.addProperty("inserted", String.join(", ", inserted));
            o.addProperty("seed", seed);
            return end(o, from);
        }

        static TransformerDeepen fromJson(JsonObject o) {
            if (!"identity_block".equals(string(o, "kind"))) {
                throw new IllegalArgumentException("unknown deepen kind " + o.get("kind"));
            }
            return new TransformerDeepen(
                    string(o, "after"),
                    List.of(string(o, "inserted").split(", ")),
                    o.get("seed").getAsLong(),
                    string(o, "from"));
        }
    }

    /**
     * A training run of python/train_ddp.py (PyTorch, DistributedDataParallel on {@code worldSize} ranks), with
     * the fields in the order that script writes them. {@code batchnorm}: "global" (synchronised), "local" or
     * "single process". testAccuracy is null for a regression run (written as JSON null, as Python does).
     */
    record TrainDdp(
            String engine,
            int worldSize,
            String backend,
            String device,
            String batchnorm,
            String data,
            int trainSamples,
            int testSamples,
            String loss,
            int epochs,
            double lr,
            double momentum,
            double weightDecay,
            int batch,
            String schedule,
            long seed,
            long examples,
            double seconds,
            double testLoss,
            Double testAccuracy,
            String from)
            implements Step {
        public String op() {
            return "train_ddp";
        }

        public TrainDdp withFrom(String source) {
            return new TrainDdp(
                    engine,
                    worldSize,
                    backend,
                    device,
                    batchnorm,
                    data,
                    trainSamples,
                    testSamples,
                    loss,
                    epochs,
                    lr,
                    momentum,
                    weightDecay,
                    batch,
                    schedule,
                    seed,
                    examples,
                    seconds,
                    testLoss,
                    testAccuracy,
                    source);
        }

        public JsonObject toJson() {
            JsonObject o = start(op());
            o.addProperty("engine", engine);
            o.addProperty("world_size", worldSize);
            o.addProperty("backend", backend);
            o.addProperty("device", device);
            o.addProperty("batchnorm", batchnorm);
            o.addProperty("data", data);
            o.addProperty("train_samples", trainSamples);
            o.addProperty("test_samples", testSamples);
            o.addProperty("loss", loss);
            o.addProperty("epochs", epochs);
            o.addProperty("lr", lr);
            o.addProperty("momentum", momentum);
            o.addProperty("weight_decay", weightDecay);
            o.addProperty("batch", batch);
            o.addProperty("schedule", schedule);
            o.addProperty("seed", seed);
            o.addProperty("examples", examples);
            o.addProperty("seconds", seconds);
            o.addProperty("test_loss", testLoss);
            o.add("test_accuracy", testAccuracy == null ? JsonNull.INSTANCE : new JsonPrimitive(testAccuracy));
            return end(o, from);
        }

        static TrainDdp fromJson(JsonObject o) {
            return new TrainDdp(
                    string(o, "engine"),
                    o.get("world_size").getAsInt(),
                    string(o, "backend"),
                    string(o, "device"),
                    string(o, "batchnorm"),
                    string(o, "data"),
                    o.get("train_samples").getAsInt(),
                    o.get("test_samples").getAsInt(),
                    string(o, "loss"),
                    o.get("epochs").getAsInt(),
                    o.get("lr").getAsDouble(),
                    o.get("momentum").getAsDouble(),
                    o.get("weight_decay").getAsDouble(),
                    o.get("batch").getAsInt(),
                    string(o, "schedule"),
                    o.get("seed").getAsLong(),
                    o.get("examples").getAsLong(),
                    o.get("seconds").getAsDouble(),
                    o.get("test_loss").getAsDouble(),
                    optionalDouble(o, "test_accuracy"),
                    string(o, "from"));
        }
    }

    /** A step this version does not know (or cannot read), kept as it was written. */
    record Other(JsonObject json) implements Step {
        public Other {
            json = json.deepCopy();
        }

        @Override
        public JsonObject json() {
            return json.deepCopy();
        }

        public String op() {
            JsonElement op = json.get("op");
            return op != null && op.isJsonPrimitive() ? op.getAsString() : "";
        }

        public String from() {
            return string(json, "from");
        }

        public Other withFrom(String source) {
            JsonObject o = json.deepCopy();
            o.addProperty("from", source);
            return new Other(o);
        }

        public JsonObject toJson() {
            return json.deepCopy();
        }
    }

    /** Reads one history entry; an unknown op or a malformed entry becomes {@link Other}. */
    static Step fromJson(JsonElement e) {
        if (e == null || !e.isJsonObject()) {
            return new Other(new JsonObject());
        }
        JsonObject o = e.getAsJsonObject();
        try {
            // transformer growth steps carry a "kind"; the dense and conv steps of the same ops do not
            if (o.has("kind") && ("widen".equals(string(o, "op")) || "deepen".equals(string(o, "op")))) {
                Step t = "widen".equals(string(o, "op")) ? TransformerWiden.fromJson(o) : TransformerDeepen.fromJson(o);
                return t.toJson().keySet().equals(o.keySet()) ? t : new Other(o);
            }
            Step step =
                    switch (string(o, "op") == null ? "" : string(o, "op")) {
                        case "init" ->
                            new Init(
                                    string(o, "preset"),
                                    optionalDouble(o, "width_mult"),
                                    o.has("vocab")
                                            ? Integer.valueOf(o.get("vocab").getAsInt())
                                            : null,
                                    optionalLong(o, "context"),
                                    string(o, "architecture_file"),
                                    optionalLong(o, "seed"),
                                    string(o, "from"));
                        case "widen" ->
                            new Widen(
                                    widths(o.getAsJsonObject("widths")),
                                    streams(o.getAsJsonObject("streams")),
                                    string(o, "noise"),
                                    o.get("noise_scale").getAsDouble(),
                                    o.get("seed").getAsLong(),
                                    string(o, "from"));
                        case "pad" ->
                            new Pad(
                                    string(o, "layer"),
                                    o.get("width").getAsInt(),
                                    o.get("seed").getAsLong(),
                                    string(o, "from"));
                        case "deepen" ->
                            new Deepen(
                                    string(o, "after"),
                                    string(o, "layer"),
                                    o.has("residual") && o.get("residual").getAsBoolean(),
                                    o.get("kernel").getAsInt(),
                                    o.get("batchnorm").getAsBoolean(),
                                    optionalLong(o, "stats_samples"),
                                    optionalLong(o, "seed"),
                                    string(o, "from"));
                        case "train" -> Train.fromJson(o);
                        case "train_ddp" -> TrainDdp.fromJson(o);
                        case "notebook_widen" ->
                            new NotebookWiden(
                                    string(o, "layer"),
                                    o.get("width").getAsInt(),
                                    o.get("seed").getAsLong(),
                                    string(o, "from"));
                        default -> new Other(o);
                    };
            // a known op with fields this version does not write is kept whole rather than trimmed
            return step.toJson().keySet().equals(o.keySet()) ? step : new Other(o);
        } catch (RuntimeException malformed) {
            return new Other(o);
        }
    }

    /** A history array; null or not an array: no steps. */
    static List<Step> listFromJson(JsonElement history) {
        List<Step> steps = new ArrayList<>();
        if (history != null && history.isJsonArray()) {
            history.getAsJsonArray().forEach(e -> steps.add(fromJson(e)));
        }
        return List.copyOf(steps);
    }

    static JsonArray listToJson(List<Step> history) {
        JsonArray a = new JsonArray();
        history.forEach(s -> a.add(s.toJson()));
        return a;
    }

    private static JsonObject start(String op) {
        JsonObject o = new JsonObject();
        o.addProperty("op", op);
        return o;
    }

    private static JsonObject end(JsonObject o, String from) {
        putIfPresent(o, "from", from);
        return o;
    }

    private static void putIfPresent(JsonObject o, String key, Object value) {
        if (value instanceof String s) {
            o.addProperty(key, s);
        } else if (value instanceof Number n) {
            o.addProperty(key, n);
        }
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    private static Double optionalDouble(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsDouble();
    }

    private static Long optionalLong(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsLong();
    }

    private static Map<String, Integer> widths(JsonObject o) {
        Map<String, Integer> m = new LinkedHashMap<>();
        o.entrySet().forEach(e -> m.put(e.getKey(), e.getValue().getAsInt()));
        return m;
    }

    private static Map<String, List<String>> streams(JsonObject o) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (o != null) {
            o.entrySet().forEach(e -> {
                List<String> writers = new ArrayList<>();
                e.getValue().getAsJsonArray().forEach(w -> writers.add(w.getAsString()));
                m.put(e.getKey(), List.copyOf(writers));
            });
        }
        return m;
    }

    private static <K, V> Map<K, V> copy(Map<K, V> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
