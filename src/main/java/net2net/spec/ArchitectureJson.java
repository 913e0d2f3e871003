package net2net.spec;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net2net.Net2NetException;

/**
 * Reads and writes architectures as JSON:
 * <pre>{"input": [1, 28, 28], "layers": [{"type": "conv2d", "name": "conv1", "filters": 32, "kernel": 3, "bias": true}, ...]}</pre>
 * Layers without a name get one from their type ({@code dense1}, {@code relu2}, ...).
 */
public final class ArchitectureJson {
    private ArchitectureJson() {}

    public static final List<String> KINDS = List.of(
            "dense",
            "conv2d",
            "batchnorm",
            "relu",
            "tanh",
            "maxpool",
            "flatten",
            "dropout",
            "residual",
            "embedding",
            "position_embedding",
            "layernorm",
            "rmsnorm",
            "attention",
            "gelu",
            "silu",
            "gated_mlp",
            "lm_head");

    public static Architecture read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new Net2NetException(
                    "architecture file " + file + " does not exist; give a preset name or an existing JSON file");
        } catch (IOException e) {
            throw new Net2NetException("cannot read architecture file " + file + ": " + e.getMessage());
        }
        try {
            return fromJson(JsonParser.parseString(text), file.toString());
        } catch (JsonParseException e) {
            throw new Net2NetException(file + " is not valid JSON (" + firstLine(e.getMessage()) + "); fix the syntax");
        }
    }

    public static Architecture fromJson(JsonElement json, String source) {
        if (json == null || !json.isJsonObject()) {
            throw new Net2NetException(
                    source + ": an architecture must be a JSON object with \"input\" and \"layers\"");
        }
        JsonObject root = json.getAsJsonObject();
        Shape input = readShape(root.get("input"), source);
        JsonElement layersJson = root.get("layers");
        if (layersJson == null || !layersJson.isJsonArray()) {
            throw new Net2NetException(source + ": \"layers\" must be an array of layer objects");
        }
        Set<String> given = new HashSet<>();
        givenNames(layersJson.getAsJsonArray(), given);
        List<Layer> layers = readLayers(layersJson.getAsJsonArray(), source + ": layer ", given, new HashMap<>());
        return new Architecture(input, layers);
    }

    /** Names given anywhere in the tree, so that generated names never collide with them. */
    private static void givenNames(JsonArray layers, Set<String> given) {
        for (JsonElement e : layers) {
            if (e.isJsonObject()) {
                JsonObject o = e.getAsJsonObject();
                if (o.has("name") && o.get("name").isJsonPrimitive()) {
                    given.add(o.get("name").getAsString());
                }
                if (o.has("body") && o.get("body").isJsonArray()) {
                    givenNames(o.get("body").getAsJsonArray(), given);
                }
            }
        }
    }

    private static List<Layer> readLayers(
            JsonArray array, String wherePrefix, Set<String> given, Map<String, Integer> counters) {
        List<Layer> layers = new ArrayList<>();
        int index = 0;
        for (JsonElement e : array) {
            String where = wherePrefix + index;
            if (!e.isJsonObject()) {
                throw new Net2NetException(where + " must be a JSON object like {\"type\": \"dense\", \"units\": 10}");
            }
            JsonObject o = e.getAsJsonObject();
            String kind = string(o, "type", null, where);
            if (kind == null) {
                throw new Net2NetException(where + " has no \"type\"; use one of " + String.join(", ", KINDS));
            }
            String name = string(o, "name", null, where);
            if (name == null) {
                do {
                    name = kind + counters.merge(kind, 1, Integer::sum);
                } while (given.contains(name));
            }
            String here = where + " ('" + name + "')";
            if (kind.equals("residual")) {
                JsonElement body = o.get("body");
                if (body == null || !body.isJsonArray()) {
                    throw new Net2NetException(here + ": \"body\" must be an array of layer objects");
                }
                List<Layer> inner = readLayers(body.getAsJsonArray(), here + ": body layer ", given, counters);
                layers.add(new Layer.Residual(
                        name, inner, Layer.Residual.Activation.parse(string(o, "activation", null, here), name)));
            } else {
                layers.add(layer(kind, name, o, here));
            }
            index++;
        }
        return layers;
    }

    private static Layer layer(String kind, String name, JsonObject o, String where) {
        return switch (kind) {
            case "dense" -> new Layer.Dense(name, integer(o, "units", null, where), bool(o, "bias", true, where));
            case "conv2d" ->
                new Layer.Conv2d(
                        name,
                        integer(o, "filters", null, where),
                        integer(o, "kernel", 3, where),
                        bool(o, "bias", true, where));
            case "batchnorm" ->
                new Layer.BatchNorm(
                        name,
                        number(o, "eps", Layer.BatchNorm.DEFAULT_EPS, where),
                        number(o, "momentum", Layer.BatchNorm.DEFAULT_MOMENTUM, where));
            case "relu" -> new Layer.Relu(name);
            case "tanh" -> new Layer.Tanh(name);
            case "maxpool" -> new Layer.MaxPool(name);
            case "flatten" -> new Layer.Flatten(name);
            case "dropout" -> new Layer.Dropout(name, number(o, "rate", 0.5, where));
            case "embedding" ->
                new TransformerLayers.Embedding(name, integer(o, "vocab", null, where), integer(o, "dim", null, where));
            case "position_embedding" ->
                new TransformerLayers.PositionEmbedding(name, integer(o, "context", null, where));
            case "layernorm" ->
                new TransformerLayers.LayerNorm(
                        name,
                        number(o, "eps", TransformerLayers.LayerNorm.DEFAULT_EPS, where),
                        bool(o, "affine", true, where),
                        bool(o, "bias", true, where));
            case "rmsnorm" ->
                new TransformerLayers.RmsNorm(name, number(o, "eps", TransformerLayers.RmsNorm.DEFAULT_EPS, where));
            case "attention" -> {
                int heads = integer(o, "heads", null, where);
                yield new TransformerLayers.Attention(
                        name,
                        heads,
                        integer(o, "kv_heads", heads, where),
                        integer(o, "head_dim", null, where),
                        bool(o, "bias", true, where),
                        number(o, "rope_theta", 0, where));
            }
            case "gelu" -> {
                String approximate = string(o, "approximate", "none", where);
                if (!approximate.equals("none") && !approximate.equals("tanh")) {
                    throw new Net2NetException(where + ": \"approximate\" must be \"none\" (exact) or \"tanh\", got \""
                            + approximate + "\"");
                }
                yield new TransformerLayers.Gelu(name, approximate.equals("tanh"));
            }
            case "silu" -> new TransformerLayers.Silu(name);
            case "gated_mlp" ->
                new TransformerLayers.GatedMlp(name, integer(o, "hidden", null, where), bool(o, "bias", false, where));
            case "lm_head" ->
                new TransformerLayers.LmHead(name, integer(o, "vocab", null, where), string(o, "tie", null, where));
            default ->
                throw new Net2NetException(
                        where + ": unknown layer type \"" + kind + "\"; use one of " + String.join(", ", KINDS));
        };
    }

    public static JsonObject toJson(Architecture arch) {
        JsonObject root = new JsonObject();
        JsonArray input = new JsonArray();
        for (long d : arch.input().getShape()) {
            input.add(d);
        }
        root.add("input", input);
        JsonArray layers = new JsonArray();
        for (Layer layer : arch.layers()) {
            layers.add(toJson(layer));
        }
        root.add("layers", layers);
        return root;
    }

    public static JsonObject toJson(Layer layer) {
        JsonObject o = new JsonObject();
        o.addProperty("type", layer.kind());
        o.addProperty("name", layer.name());
        if (layer instanceof Layer.Dense d) {
            o.addProperty("units", d.units());
            o.addProperty("bias", d.bias());
        } else if (layer instanceof Layer.Conv2d c) {
            o.addProperty("filters", c.filters());
            o.addProperty("kernel", c.kernel());
            o.addProperty("bias", c.bias());
        } else if (layer instanceof Layer.BatchNorm b) {
            o.addProperty("eps", b.eps());
            o.addProperty("momentum", b.momentum());
        } else if (layer instanceof Layer.Dropout d) {
            o.addProperty("rate", d.rate());
        } else if (layer instanceof TransformerLayers.Embedding e) {
            o.addProperty("vocab", e.vocab());
            o.addProperty("dim", e.dim());
        } else if (layer instanceof TransformerLayers.PositionEmbedding p) {
            o.addProperty("context", p.context());
        } else if (layer instanceof TransformerLayers.LayerNorm n) {
            o.addProperty("eps", n.eps());
            o.addProperty("affine", n.affine());
            o.addProperty("bias", n.bias());
        } else if (layer instanceof TransformerLayers.RmsNorm n) {
            o.addProperty("eps", n.eps());
        } else if (layer instanceof TransformerLayers.Attention a) {
            o.addProperty("heads", a.heads());
            o.addProperty("kv_heads", a.kvHeads());
            o.addProperty("head_dim", a.headDim());
            o.addProperty("bias", a.bias());
            o.addProperty("rope_theta", a.ropeTheta());
        } else if (layer instanceof TransformerLayers.Gelu g) {
            o.addProperty("approximate", g.tanh() ? "tanh" : "none");
        } else if (layer instanceof TransformerLayers.GatedMlp g) {
            o.addProperty("hidden", g.hidden());
            o.addProperty("bias", g.bias());
        } else if (layer instanceof TransformerLayers.LmHead h) {
            o.addProperty("vocab", h.vocab());
            if (h.tied()) {
                o.addProperty("tie", h.tie());
            }
        } else if (layer instanceof Layer.Residual r) {
            JsonArray body = new JsonArray();
            r.body().forEach(l -> body.add(toJson(l)));
            o.add("body", body);
            o.add(
                    "activation",
                    r.activation() == null
                            ? JsonNull.INSTANCE
                            : new JsonPrimitive(r.activation().key()));
        }
        return o;
    }

    private static Shape readShape(JsonElement e, String source) {
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
            throw new Net2NetException(source + ": \"input\" must be a shape array such as [1, 28, 28] or [4]");
        }
        JsonArray a = e.getAsJsonArray();
        long[] dims = new long[a.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonElement d = a.get(i);
            if (!d.isJsonPrimitive()
                    || !d.getAsJsonPrimitive().isNumber()
                    || d.getAsDouble() != Math.rint(d.getAsDouble())
                    || d.getAsDouble() < 1) {
                throw new Net2NetException(source + ": \"input\" must hold positive integers, got " + a);
            }
            dims[i] = d.getAsLong();
        }
        return new Shape(dims);
    }

    private static String string(JsonObject o, String key, String fallback, String where) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new Net2NetException(where + ": \"" + key + "\" must be a string");
        }
        return e.getAsString();
    }

    private static Integer integer(JsonObject o, String key, Integer fallback, String where) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            if (fallback == null) {
                throw new Net2NetException(where + ": missing \"" + key + "\"");
            }
            return fallback;
        }
        if (!e.isJsonPrimitive()
                || !e.getAsJsonPrimitive().isNumber()
                || e.getAsDouble() != Math.rint(e.getAsDouble())
                || Math.abs(e.getAsDouble()) > Integer.MAX_VALUE) {
            throw new Net2NetException(where + ": \"" + key + "\" must be an integer, got " + e);
        }
        return e.getAsInt();
    }

    private static double number(JsonObject o, String key, double fallback, String where) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new Net2NetException(where + ": \"" + key + "\" must be a number, got " + e);
        }
        return e.getAsDouble();
    }

    private static boolean bool(JsonObject o, String key, boolean fallback, String where) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new Net2NetException(where + ": \"" + key + "\" must be true or false, got " + e);
        }
        return e.getAsBoolean();
    }

    static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
