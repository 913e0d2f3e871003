package net2net.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net2net.Net2NetException;
import net2net.io.OutputDirs;

/**
 * Where a training step goes: a few steps of the raw DJL loop recorded by libtorch's own profiler
 * (a Chrome trace), summed into self time per operator. An operator's self time is its duration
 * minus that of the operators it called (the trace nests them by time on each thread).
 */
final class StepProfile {
    private StepProfile() {}

    /** Operators reported by name; the rest are summed into "other". */
    static final int TOP = 12;

    record Event(String name, long thread, double start, double duration) {}

    /**
     * Profiles {@code steps} steps of {@code raw}; returns self milliseconds per step for the top
     * operators, and keeps the Chrome trace at {@code keepTrace} when it is not null.
     */
    static JsonObject record(RawDjlLoop raw, int steps, Path keepTrace) {
        Path trace = null;
        try {
            trace = Files.createTempFile("net2net-step-trace", ".json");
            JniUtils.startProfile(false, false, false);
            long start = System.nanoTime();
            try {
                raw.train(steps);
            } finally {
                JniUtils.stopProfile(trace.toString());
            }
            double wallMs = (System.nanoTime() - start) / 1e6;
            String text = Files.readString(trace);
            JsonObject o = summary(events(text), steps, wallMs);
            if (keepTrace != null) {
                OutputDirs.writeFile(keepTrace, text.getBytes(StandardCharsets.UTF_8));
                o.addProperty("trace", keepTrace.toString());
            }
            return o;
        } catch (IOException e) {
            throw new Net2NetException("cannot record the step profile (" + e.getMessage()
                    + "); check the temporary directory's free space");
        } finally {
            if (trace != null) {
                try {
                    Files.deleteIfExists(trace);
                } catch (IOException ignored) {
                    // a leftover temporary trace is harmless
                }
            }
        }
    }

    /** The complete ("X") events of a Chrome trace, whether it is an object with traceEvents or a bare array. */
    static List<Event> events(String chromeTrace) {
        JsonElement root = JsonParser.parseString(chromeTrace);
        JsonArray all = root.isJsonArray()
                ? root.getAsJsonArray()
                : root.getAsJsonObject().getAsJsonArray("traceEvents");
        List<Event> events = new ArrayList<>();
        for (JsonElement e : all) {
            JsonObject o = e.getAsJsonObject();
            if (o.has("ph") && o.get("ph").getAsString().equals("X") && o.has("dur")) {
                long thread = o.has("tid") && o.get("tid").getAsJsonPrimitive().isNumber()
                        ? o.get("tid").getAsLong()
                        : 0;
                events.add(new Event(
                        o.get("name").getAsString(),
                        thread,
                        o.get("ts").getAsDouble(),
                        o.get("dur").getAsDouble()));
            }
        }
        return events;
    }

    /** Self time (microseconds) per operator name: each event's duration minus its direct children's. */
    static Map<String, Double> selfMicros(List<Event> events) {
        List<Event> sorted = new ArrayList<>(events);
        // Per thread, by start; an enclosing event (longer) before the events it contains.
        sorted.sort(Comparator.comparingLong(Event::thread)
                .thenComparingDouble(Event::start)
                .thenComparing(Comparator.comparingDouble(Event::duration).reversed()));
        Map<String, Double> self = new TreeMap<>();
        Deque<Event> open = new ArrayDeque<>();
        for (Event e : sorted) {
            while (!open.isEmpty()
                    && (open.peek().thread() != e.thread()
                            || open.peek().start() + open.peek().duration() <= e.start())) {
                open.pop();
            }
            if (!open.isEmpty()) {
                self.merge(open.peek().name(), -e.duration(), Double::sum);
            }
            self.merge(e.name(), e.duration(), Double::sum);
            open.push(e);
        }
        return self;
    }

    static JsonObject summary(List<Event> events, int steps, double wallMs) {
        Map<String, Double> self = selfMicros(events);
        List<Map.Entry<String, Double>> ranked = new ArrayList<>(self.entrySet());
        ranked.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        Map<String, Double> perStep = new LinkedHashMap<>();
        double other = 0;
        double total = 0;
        for (int i = 0; i < ranked.size(); i++) {
            double ms = ranked.get(i).getValue() / 1e3 / steps;
            total += ms;
            if (i < TOP) {
                perStep.put(ranked.get(i).getKey(), ms);
            } else {
                other += ms;
            }
        }
        JsonObject o = new JsonObject();
        o.addProperty("steps", steps);
        o.addProperty("wall_ms_per_step", wallMs / steps);
        o.addProperty("op_ms_per_step", total);
        JsonObject ops = new JsonObject();
        perStep.forEach(ops::addProperty);
        ops.addProperty("other", other);
        o.add("self_ms_per_step", ops);
        o.addProperty(
                "note",
                "libtorch's profiler, self time per operator, raw DJL loop; the profiler itself slows the steps");
        return o;
    }
}
