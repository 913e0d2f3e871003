package net2net.nn;

import net2net.io.OutputDirs;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net2net.Net2NetException;
import net2net.spec.Architecture;
import net2net.spec.ArchitectureJson;

/**
 * A model on disk is a directory with {@code model.json} (architecture, history, preprocessing)
 * and {@code model.safetensors} (float32 weights under PyTorch state_dict names). Saving writes a
 * temporary sibling directory and renames it into place, so a reader never sees half a model.
 */
public final class ModelFiles {
    private ModelFiles() {}

    public static final String JSON = "model.json";
    public static final String WEIGHTS = "model.safetensors";
    static final int FORMAT_VERSION = 1;

    public static void save(Network network, Path dir, boolean force) {
        OutputDirs.writeAtomically(dir, force, tmp -> writeInto(network, tmp));
    }

    /**
     * Writes model.json and model.safetensors into an existing directory, not atomically: for
     * callers that build a larger directory (a training checkpoint) inside
     * {@link OutputDirs#writeAtomically}.
     */
    public static void writeInto(Network network, Path dir) throws IOException {
        Files.writeString(dir.resolve(JSON), new GsonBuilder().setPrettyPrinting().create().toJson(toJson(network)) + "\n");
        NDList list = new NDList();
        for (Map.Entry<String, NDArray> e : network.weights().entrySet()) {
            NDArray named = e.getValue().duplicate().toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            named.setName(e.getKey());
            list.add(named);
        }
        try (OutputStream os = Files.newOutputStream(dir.resolve(WEIGHTS))) {
            list.encode(os, NDList.Encoding.SAFETENSORS);
        } finally {
            list.close();
        }
    }

    static JsonObject toJson(Network network) {
        JsonObject root = new JsonObject();
        root.addProperty("format", "net2net-model");
        root.addProperty("version", FORMAT_VERSION);
        root.add("architecture", ArchitectureJson.toJson(network.architecture()));
        root.add("history", Step.listToJson(network.history()));
        if (network.preprocessing() != null) {
            root.add("preprocessing", network.preprocessing());
        }
        return root;
    }

    public static Network load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new Net2NetException("model directory " + dir + " does not exist; create one with `net2net init`");
        }
        Path jsonFile = dir.resolve(JSON);
        Path weightsFile = dir.resolve(WEIGHTS);
        JsonObject root = readJson(jsonFile);
        Architecture arch = ArchitectureJson.fromJson(root.get("architecture"), jsonFile.toString());
        List<Step> history = Step.listFromJson(root.get("history"));
        JsonElement pre = root.get("preprocessing");
        Map<String, Shape> expected = arch.parameterShapes();
        byte[] bytes = readWeights(weightsFile, expected);
        NDManager manager = NDManager.newBaseManager();
        try {
            NDList list = NDList.decode(manager, bytes);
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (NDArray a : list) {
                weights.put(a.getName(), a);
            }
            return new Network(arch, weights, history, pre != null && pre.isJsonObject() ? pre.getAsJsonObject() : null, manager);
        } catch (RuntimeException e) {
            manager.close();
            if (e instanceof Net2NetException n) {
                throw new Net2NetException(weightsFile + ": " + n.getMessage() + "; the model files do not belong together");
            }
            throw new Net2NetException(weightsFile + " is corrupt (" + e.getMessage() + "); restore it or create the model again");
        }
    }

    private static JsonObject readJson(Path jsonFile) {
        String text;
        try {
            text = Files.readString(jsonFile);
        } catch (IOException e) {
            throw new Net2NetException("cannot read " + jsonFile + " (" + e.getClass().getSimpleName()
                    + "); a model directory needs model.json and model.safetensors");
        }
        JsonElement json;
        try {
            json = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new Net2NetException(jsonFile + " is not valid JSON; restore it or create the model again");
        }
        if (!json.isJsonObject() || !json.getAsJsonObject().has("architecture")) {
            throw new Net2NetException(jsonFile + " has no \"architecture\"; it is not a net2net model file");
        }
        JsonObject root = json.getAsJsonObject();
        JsonElement v = root.get("version");
        if (v != null && (!v.isJsonPrimitive() || v.getAsInt() > FORMAT_VERSION)) {
            throw new Net2NetException(jsonFile + " has format version " + v + ", newer than this net2net reads (" + FORMAT_VERSION + "); upgrade net2net");
        }
        return root;
    }

    /**
     * Reads the safetensors file and checks its header against the architecture before any array
     * is made: names, dtype F32, shapes, and offsets that tile the data exactly.
     */
    private static byte[] readWeights(Path file, Map<String, Shape> expected) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Net2NetException("cannot read " + file + " (" + e.getClass().getSimpleName() + "); restore it or create the model again");
        }
        String corrupt = file + " is not a valid safetensors file";
        if (bytes.length < 10) {
            throw new Net2NetException(corrupt + " (too short); restore it or create the model again");
        }
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength <= 0 || headerLength > bytes.length - 8) {
            throw new Net2NetException(corrupt + " (bad header length); restore it or create the model again");
        }
        JsonObject header;
        try {
            header = JsonParser.parseString(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new Net2NetException(corrupt + " (unreadable header); restore it or create the model again");
        }
        long dataLength = bytes.length - 8 - headerLength;
        long covered = 0;
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            JsonElement t = header.get(e.getKey());
            if (t == null || !t.isJsonObject()) {
                throw new Net2NetException(file + " has no tensor '" + e.getKey() + "' that model.json needs; the model files do not belong together");
            }
            JsonObject o = t.getAsJsonObject();
            try {
                if (!"F32".equals(o.get("dtype").getAsString())) {
                    throw new Net2NetException(file + ": tensor '" + e.getKey() + "' is " + o.get("dtype").getAsString() + ", expected F32; convert it to float32");
                }
                JsonArray shape = o.getAsJsonArray("shape");
                long[] dims = new long[shape.size()];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = shape.get(i).getAsLong();
                }
                if (!new Shape(dims).equals(e.getValue())) {
                    throw new Net2NetException(file + ": tensor '" + e.getKey() + "' has shape " + new Shape(dims)
                            + " but model.json needs " + e.getValue() + "; the model files do not belong together");
                }
                JsonArray offsets = o.getAsJsonArray("data_offsets");
                long begin = offsets.get(0).getAsLong();
                long end = offsets.get(1).getAsLong();
                if (begin < 0 || end > dataLength || end - begin != 4 * e.getValue().size()) {
                    throw new Net2NetException(corrupt + " (tensor '" + e.getKey() + "' lies outside the data; the file is truncated or corrupt); restore it or create the model again");
                }
                covered += end - begin;
            } catch (Net2NetException ex) {
                throw ex;
            } catch (RuntimeException ex) {
                throw new Net2NetException(corrupt + " (malformed entry for '" + e.getKey() + "'); restore it or create the model again");
            }
        }
        long tensors = header.keySet().stream().filter(k -> !k.equals("__metadata__")).count();
        if (tensors != expected.size()) {
            throw new Net2NetException(file + " holds " + tensors + " tensors but model.json describes " + expected.size() + "; the model files do not belong together");
        }
        if (covered != dataLength) {
            throw new Net2NetException(corrupt + " (" + dataLength + " data bytes, tensors cover " + covered + "); restore it or create the model again");
        }
        return bytes;
    }
}
