package net2net.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.PrintStream;

/** Results go to stdout, as text or, with --json, as exactly one JSON object; logs go to stderr. */
final class Output {
    private Output() {}

    static PrintStream OUT = System.out;
    static PrintStream ERR = System.err;

    /** Tests capture the streams. */
    static void redirect(PrintStream out, PrintStream err) {
        OUT = out;
        ERR = err;
    }

    /** NaN and infinities are not JSON: they are printed as null. */
    static void json(JsonObject o) {
        OUT.println(
                new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(finite(o)));
        OUT.flush();
    }

    private static JsonElement finite(JsonElement e) {
        if (e.isJsonObject()) {
            JsonObject copy = new JsonObject();
            e.getAsJsonObject().entrySet().forEach(x -> copy.add(x.getKey(), finite(x.getValue())));
            return copy;
        }
        if (e.isJsonArray()) {
            JsonArray copy = new JsonArray();
            e.getAsJsonArray().forEach(x -> copy.add(finite(x)));
            return copy;
        }
        if (e.isJsonPrimitive()
                && e.getAsJsonPrimitive().isNumber()
                && e.getAsJsonPrimitive().getAsNumber() instanceof Double d
                && !Double.isFinite(d)) {
            return JsonNull.INSTANCE;
        }
        if (e.isJsonPrimitive()
                && e.getAsJsonPrimitive().isNumber()
                && e.getAsJsonPrimitive().getAsNumber() instanceof Float f
                && !Float.isFinite(f)) {
            return JsonNull.INSTANCE;
        }
        return e;
    }

    static void log(String message) {
        ERR.println(message);
        ERR.flush();
    }

    /** A double for humans: 3 significant digits, scientific when small. */
    static String sci(double v) {
        return Double.isNaN(v) ? "n/a" : String.format("%.3g", v);
    }
}
