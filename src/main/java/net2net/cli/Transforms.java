package net2net.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.Objects;
import net2net.nn.Network;
import net2net.transform.Verification;

/** What the transform commands print: which layers changed, and how far the student is from the teacher. */
final class Transforms {
    private Transforms() {}

    static JsonObject report(Network teacher, Network student, CheckInputs check, String verb) {
        JsonObject o = new JsonObject();
        o.addProperty("verb", verb);
        JsonArray changed = new JsonArray();
        Map<String, Shape> before = teacher.architecture().parameterShapes();
        for (Map.Entry<String, Shape> e :
                student.architecture().parameterShapes().entrySet()) {
            // the layer's own name: the last segment of its state_dict prefix (res1.body.res1_conv2)
            String prefix = e.getKey().substring(0, e.getKey().lastIndexOf('.'));
            String layer = prefix.substring(prefix.lastIndexOf('.') + 1);
            while (!student.architecture().names().contains(layer) && prefix.contains(".")) {
                // a module inside a layer (h0_attn.q_proj): report the layer
                prefix = prefix.substring(0, prefix.lastIndexOf('.'));
                layer = prefix.substring(prefix.lastIndexOf('.') + 1);
            }
            if (!Objects.equals(before.get(e.getKey()), e.getValue())
                    && !changed.toString().contains("\"" + layer + "\"")) {
                changed.add(layer);
            }
        }
        o.add("changed_layers", changed);
        o.add("step", student.history().get(student.history().size() - 1).toJson());
        o.addProperty("parameters_before", teacher.architecture().parameterCount());
        o.addProperty("parameters_after", student.architecture().parameterCount());
        try (NDManager m = NDManager.newBaseManager()) {
            Verification.Result r = Verification.compare(teacher, student, check.inputs(m, teacher, check.seed()));
            VerifyCommand.addResult(o, r);
            o.addProperty("inputs", check.describe());
        }
        return o;
    }

    static void print(JsonObject o, boolean json) {
        if (json) {
            Output.json(o);
            return;
        }
        Output.OUT.printf(
                "%s %s -> %s: changed %s%n",
                o.get("verb").getAsString(), o.get("step"), o.get("student").getAsString(), o.get("changed_layers"));
        Output.OUT.printf(
                "parameters %,d -> %,d%n",
                o.get("parameters_before").getAsLong(),
                o.get("parameters_after").getAsLong());
        Output.OUT.printf(
                "on %s: max_abs_diff %s, max_rel_diff %s%s%n",
                o.get("inputs").getAsString(),
                Output.sci(o.get("max_abs_diff").getAsDouble()),
                Output.sci(o.get("max_rel_diff").getAsDouble()),
                o.has("train_max_rel_diff")
                        ? ", train_max_rel_diff "
                                + Output.sci(o.get("train_max_rel_diff").getAsDouble())
                        : "");
    }
}
