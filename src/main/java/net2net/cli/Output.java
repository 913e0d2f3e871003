package net2net.cli;

import com.google.gson.GsonBuilder;
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

    static void json(JsonObject o) {
        OUT.println(new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(o));
        OUT.flush();
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
