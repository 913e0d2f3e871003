package net2net.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net2net.Net2NetException;
import net2net.io.OutputDirs;
import net2net.io.RegularFiles;
import net2net.io.StrictJson;
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
    /** model.json holds an architecture and a history: kilobytes. A bound keeps /dev/zero-sized files out. */
    static final long MAX_JSON_BYTES = 64L << 20;

    public static void save(Network network, Path dir, boolean force) {
        OutputDirs.writeAtomically(dir, force, tmp -> writeInto(network, tmp));
    }

    /**
     * Writes model.json and model.safetensors into an existing directory, not atomically: for
     * callers that build a larger directory (a training checkpoint) inside
     * {@link OutputDirs#writeAtomically}.
     */
    public static void writeInto(Network network, Path dir) throws IOException {
        Files.writeString(
                dir.resolve(JSON),
                new GsonBuilder().setPrettyPrinting().create().toJson(toJson(network)) + "\n");
        Safetensors.write(dir.resolve(WEIGHTS), network.weights());
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
        Sizes.weightBytes(arch, jsonFile.toString());
        NDManager manager = NDManager.newBaseManager();
        try {
            Map<String, NDArray> weights = Safetensors.read(weightsFile, expected, manager);
            return new Network(
                    arch, weights, history, pre != null && pre.isJsonObject() ? pre.getAsJsonObject() : null, manager);
        } catch (RuntimeException e) {
            manager.close();
            if (e instanceof Net2NetException n) {
                throw n;
            }
            throw new Net2NetException(
                    weightsFile + " is corrupt (" + e.getMessage() + "); restore it or create the model again");
        }
    }

    private static JsonObject readJson(Path jsonFile) {
        String text = RegularFiles.readString(
                jsonFile, MAX_JSON_BYTES, "a model directory needs model.json and model.safetensors");
        JsonElement json;
        try {
            json = StrictJson.parse(text);
        } catch (JsonParseException e) {
            throw new Net2NetException(jsonFile + " is not valid JSON; restore it or create the model again");
        }
        if (!json.isJsonObject() || !json.getAsJsonObject().has("architecture")) {
            throw new Net2NetException(jsonFile + " has no \"architecture\"; it is not a net2net model file");
        }
        JsonObject root = json.getAsJsonObject();
        JsonElement v = root.get("version");
        if (v != null
                && !(v.isJsonPrimitive()
                        && v.getAsJsonPrimitive().isNumber()
                        && v.getAsString().matches("[0-9]{1,9}"))) {
            throw new Net2NetException(jsonFile + " has format version " + v
                    + ", not a version number; restore it or create the model again");
        }
        if (v != null && v.getAsInt() > FORMAT_VERSION) {
            throw new Net2NetException(jsonFile + " has format version " + v + ", newer than this net2net reads ("
                    + FORMAT_VERSION + "); upgrade net2net");
        }
        return root;
    }
}
