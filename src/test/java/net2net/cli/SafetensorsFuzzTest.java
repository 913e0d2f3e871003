package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated damage to model.safetensors, through the CLI: every file is either a valid one (the
 * test decides with its own byte-coverage oracle, independent of the reader's sort) and loads, or
 * is refused with exit 2, one line, no stack trace and nothing written.
 */
@Slow
class SafetensorsFuzzTest {
    @TempDir
    Path tmp;

    /** Header entries and data of the valid file we start from. */
    private JsonObject header;

    private byte[] data;
    private String modelJson;

    @Test
    void corruptHeadersOffsetsAndSizesAreRefusedCleanly() throws Exception {
        assertEquals(
                0,
                CliRun.of(
                                "init",
                                "--arch",
                                "mlp-seed",
                                "--out",
                                tmp.resolve("good").toString())
                        .code());
        byte[] file = Files.readAllBytes(tmp.resolve("good/model.safetensors"));
        modelJson = Files.readString(tmp.resolve("good/model.json"));
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        header = JsonParser.parseString(new String(file, 8, (int) n, StandardCharsets.UTF_8))
                .getAsJsonObject();
        data = Arrays.copyOfRange(file, 8 + (int) n, file.length);

        SplittableRandom rng = new SplittableRandom(12);
        int refused = 0;
        int valid = 0;
        for (int i = 0; i < 160; i++) {
            Case c = mutate(rng);
            Path dir = tmp.resolve("case" + i);
            Files.createDirectory(dir);
            Files.write(dir.resolve("model.safetensors"), c.bytes());
            Files.writeString(dir.resolve("model.json"), modelJson);
            Path out = tmp.resolve("out" + i);
            String[] args = i % 2 == 0
                    ? new String[] {"info", "--model", dir.toString()}
                    : new String[] {
                        "widen", "--model", dir.toString(), "--layer", "fc1", "--width", "12", "--out", out.toString()
                    };
            CliRun r = CliRun.of(args);
            String what = c.what() + " -> " + r.err();
            if (c.valid() == Boolean.TRUE) {
                assertEquals(0, r.code(), what);
                valid++;
                continue;
            }
            if (c.valid() == null && r.code() == 0) {
                valid++;
                continue;
            }
            assertEquals(2, r.code(), what);
            assertEquals(1, r.err().strip().lines().count(), what);
            assertTrue(r.err().startsWith("net2net: error: "), what);
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), what);
            assertFalse(Files.exists(out), "nothing written: " + what);
            refused++;
        }
        try (var s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary directory left");
        }
        assertTrue(refused > 100 && valid > 5, refused + " refused, " + valid + " valid");
    }

    /** A file, and whether it is valid (true, false, or null: unknown, either outcome allowed but never a crash). */
    record Case(byte[] bytes, Boolean valid, String what) {}

    private Case mutate(SplittableRandom rng) {
        JsonObject h = header.deepCopy();
        List<String> names = new ArrayList<>(h.keySet());
        byte[] d = data;
        String what;
        switch (rng.nextInt(7)) {
            case 0 -> { // random offsets for one or more tensors
                int k = 1 + rng.nextInt(names.size());
                for (int j = 0; j < k; j++) {
                    JsonArray o = h.getAsJsonObject(names.get(rng.nextInt(names.size())))
                            .getAsJsonArray("data_offsets");
                    o.set(rng.nextInt(2), JsonParser.parseString(number(rng)));
                }
                what = "offsets " + h;
            }
            case 1 -> { // swap two tensors' offsets, or shift one by a few bytes
                String a = names.get(rng.nextInt(names.size()));
                String b = names.get(rng.nextInt(names.size()));
                JsonArray oa = h.getAsJsonObject(a).getAsJsonArray("data_offsets");
                JsonArray ob = h.getAsJsonObject(b).getAsJsonArray("data_offsets");
                if (rng.nextBoolean()) {
                    h.getAsJsonObject(a).add("data_offsets", ob);
                    h.getAsJsonObject(b).add("data_offsets", oa);
                } else {
                    long shift = 4L * (rng.nextInt(5) - 2);
                    JsonArray shifted = new JsonArray();
                    shifted.add(oa.get(0).getAsLong() + shift);
                    shifted.add(oa.get(1).getAsLong() + shift);
                    h.getAsJsonObject(a).add("data_offsets", shifted);
                }
                what = "swap/shift " + h;
            }
            case 2 -> { // a wrong shape
                JsonArray s =
                        h.getAsJsonObject(names.get(rng.nextInt(names.size()))).getAsJsonArray("shape");
                s.set(rng.nextInt(s.size()), JsonParser.parseString(number(rng)));
                what = "shape " + h;
            }
            case 3 -> { // data truncated or extended
                int len = Math.max(0, d.length + rng.nextInt(-d.length, 64));
                d = Arrays.copyOf(d, len == d.length ? len + 4 : len);
                what = "data length " + d.length + " of " + data.length;
            }
            case 4 -> { // a bad header length field
                byte[] json = new Gson().toJson(h).getBytes(StandardCharsets.UTF_8);
                long[] lengths = {
                    0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, json.length - 1 - rng.nextInt(5), 100_000_001, 1L << 40
                };
                long len = lengths[rng.nextInt(lengths.length)];
                ByteBuffer b = ByteBuffer.allocate(8 + json.length + d.length).order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(len).put(json).put(d);
                return new Case(b.array(), false, "header length " + len);
            }
            case 5 -> { // lenient or broken JSON text
                String text = new Gson().toJson(h);
                String[] edits = {
                    text.replaceFirst("\"dtype\"", "dtype"),
                    text.replace('"', '\''),
                    text + "x",
                    text.substring(0, text.length() / 2),
                    text.replaceFirst("\"F32\"", "\"F16\""),
                    text.replaceFirst("\\{", "{\"extra\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"),
                    text.replaceFirst("\\]", ",0]"),
                    text.replaceFirst("\"shape\":\\[", "\"shape\":[1.0,"),
                    "[" + text + "]",
                    text.replaceFirst("\"dtype\":\"F32\"", "\"dtype\":\"F32\",\"dtype\":\"F32\",\"more\":1")
                };
                String edited = edits[rng.nextInt(edits.length)];
                return new Case(build(edited.getBytes(StandardCharsets.UTF_8), d), false, "json " + edited);
            }
            default -> { // random bytes flipped in the header: either outcome, never a crash
                byte[] json = new Gson().toJson(h).getBytes(StandardCharsets.UTF_8);
                for (int j = 0; j < 1 + rng.nextInt(3); j++) {
                    json[rng.nextInt(json.length)] = (byte) rng.nextInt(256);
                }
                return new Case(build(json, d), null, "flipped " + new String(json, StandardCharsets.ISO_8859_1));
            }
        }
        byte[] json = new Gson().toJson(h).getBytes(StandardCharsets.UTF_8);
        return new Case(build(json, d), isValid(h, d.length), what);
    }

    private static byte[] build(byte[] json, byte[] d) {
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + d.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).put(d);
        return b.array();
    }

    /** Offsets as a careless or hostile writer might put them: near misses, 2^64, negative, fractions. */
    private static String number(SplittableRandom rng) {
        String[] special = {
            "18446744073709551616",
            "18446744073709551615",
            "9223372036854775808",
            "-1",
            "-4",
            "1.5",
            "4e1",
            "0",
            "4294967296",
            "99999999999999999999999"
        };
        return rng.nextInt(3) == 0 ? special[rng.nextInt(special.length)] : Integer.toString(4 * rng.nextInt(0, 60));
    }

    /**
     * The test's own oracle: shapes as the architecture needs, each tensor's byte range of the
     * right length inside the data, and every data byte covered exactly once.
     */
    private Boolean isValid(JsonObject h, int dataLength) {
        int[] cover = new int[dataLength];
        for (Map.Entry<String, JsonElement> e : h.entrySet()) {
            JsonObject t = e.getValue().getAsJsonObject();
            if (!t.get("shape").equals(header.getAsJsonObject(e.getKey()).get("shape"))) {
                return false;
            }
            long elements = 1;
            for (var dim : t.getAsJsonArray("shape")) {
                elements *= dim.getAsLong();
            }
            JsonArray o = t.getAsJsonArray("data_offsets");
            String b = o.get(0).getAsString();
            String en = o.get(1).getAsString();
            if (!b.matches("[0-9]{1,9}") || !en.matches("[0-9]{1,9}")) {
                return false;
            }
            long begin = Long.parseLong(b);
            long end = Long.parseLong(en);
            if (end - begin != 4 * elements || begin < 0 || end > dataLength) {
                return false;
            }
            for (long i = begin; i < end; i++) {
                cover[(int) i]++;
            }
        }
        return Arrays.stream(cover).allMatch(c -> c == 1);
    }
}
