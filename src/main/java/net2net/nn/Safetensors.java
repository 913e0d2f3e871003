package net2net.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net2net.Net2NetException;
import net2net.io.Memory;
import net2net.io.RegularFiles;
import net2net.io.StrictJson;

/**
 * The safetensors format, read strictly and without a whole-file copy in the heap:
 * <pre>
 *   u64 little-endian N, N bytes of JSON header, data
 *   header: {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ..., "__metadata__": {..}}
 * </pre>
 * The tensors must tile the data exactly: sorted by offset they are contiguous, with no overlap,
 * no gap and nothing after the last, so a damaged header cannot make two weights share bytes.
 * Offsets are compared as exact integers, never wrapped to 64 bits. The data is memory-mapped and
 * copied into libtorch arrays in chunks under 2 GiB, so weights larger than 2 GiB, in one tensor
 * or several, load too.
 */
final class Safetensors {
    private Safetensors() {}

    /** A header larger than this is damage, not a model (the Rust reference implementation stops at 100 MB too). */
    static final long MAX_HEADER = 100_000_000;
    /** Bytes per mapped chunk: well under the 2 GiB a ByteBuffer can address (tests lower it). */
    static long CHUNK = 1L << 28;

    private static final String FIX = "restore it or create the model again";

    private record Entry(String name, Shape shape, long begin, long end) {}

    /**
     * The tensors of {@code file}, which must be exactly those of {@code expected} (name to shape),
     * float32, created in {@code manager} in the order of {@code expected} and named.
     */
    static Map<String, NDArray> read(Path file, Map<String, Shape> expected, NDManager manager) {
        long size = RegularFiles.require(file, "a model directory needs model.json and model.safetensors");
        String corrupt = file + " is not a valid safetensors file";
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (size < 8 + 2) {
                throw new Net2NetException(corrupt + " (too short); " + FIX);
            }
            ByteBuffer lengthBytes = readFully(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = lengthBytes.getLong(); // a u64 above 2^63 reads negative: refused below
            if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > size - 8) {
                throw new Net2NetException(corrupt + " (header length " + Long.toUnsignedString(headerLength)
                        + " for a file of " + size + " bytes; at most " + MAX_HEADER + "); " + FIX);
            }
            JsonObject header = header(readFully(channel, 8, (int) headerLength), corrupt);
            long dataStart = 8 + headerLength;
            long dataLength = size - dataStart;
            List<Entry> entries = entries(file, header, expected, dataLength, corrupt);
            requireTiling(entries, dataLength, corrupt);
            Memory.requireNative(dataLength, "loading " + file);
            Map<String, NDArray> out = new LinkedHashMap<>();
            Map<String, Entry> byName = new LinkedHashMap<>();
            entries.forEach(e -> byName.put(e.name(), e));
            for (String name : expected.keySet()) {
                NDArray a = load(channel, dataStart, byName.get(name), manager);
                a.setName(name);
                out.put(name, a);
            }
            return out;
        } catch (IOException e) {
            throw new Net2NetException(
                    "cannot read " + file + " (" + e.getClass().getSimpleName() + "); " + FIX);
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (channel.read(b, position + b.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return b.flip();
    }

    private static JsonObject header(ByteBuffer bytes, String corrupt) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Net2NetException(corrupt + " (the header is not UTF-8); " + FIX);
        }
        JsonElement json;
        try {
            // the format allows trailing spaces as padding
            json = StrictJson.parse(text.stripTrailing());
        } catch (JsonParseException e) {
            throw new Net2NetException(corrupt + " (the header is not valid JSON); " + FIX);
        }
        if (!json.isJsonObject()) {
            throw new Net2NetException(corrupt + " (the header is not a JSON object); " + FIX);
        }
        return json.getAsJsonObject();
    }

    private static List<Entry> entries(
            Path file, JsonObject header, Map<String, Shape> expected, long dataLength, String corrupt) {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (!e.getValue().isJsonObject()) {
                    throw new Net2NetException(corrupt + " (__metadata__ is not an object); " + FIX);
                }
                continue;
            }
            if (!expected.containsKey(name)) {
                throw new Net2NetException(file + " holds tensor '" + name + "' that model.json does not describe ("
                        + (header.size() - (header.has("__metadata__") ? 1 : 0)) + " tensors, model.json describes "
                        + expected.size()
                        + "); the model files do not belong together");
            }
            String malformed = corrupt + " (malformed entry for '" + name + "'); " + FIX;
            if (!e.getValue().isJsonObject()) {
                throw new Net2NetException(malformed);
            }
            JsonObject o = e.getValue().getAsJsonObject();
            if (!o.keySet().equals(Set.of("dtype", "shape", "data_offsets"))) {
                throw new Net2NetException(malformed);
            }
            JsonElement dtype = o.get("dtype");
            if (!dtype.isJsonPrimitive() || !dtype.getAsJsonPrimitive().isString()) {
                throw new Net2NetException(malformed);
            }
            if (!"F32".equals(dtype.getAsString())) {
                throw new Net2NetException(file + ": tensor '" + name + "' is " + dtype.getAsString()
                        + ", expected F32; convert it to float32");
            }
            long[] dims = naturals(o.get("shape"), -1, malformed);
            long[] offsets = naturals(o.get("data_offsets"), 2, malformed);
            Shape shape = new Shape(dims);
            if (!shape.equals(expected.get(name))) {
                throw new Net2NetException(file + ": tensor '" + name + "' has shape " + shape
                        + " but model.json needs " + expected.get(name) + "; the model files do not belong together");
            }
            long begin = offsets[0];
            long end = offsets[1];
            if (begin > end || end > dataLength) {
                throw new Net2NetException(corrupt + " (tensor '" + name
                        + "' lies outside the data; the file is truncated or corrupt); " + FIX);
            }
            long bytes = Sizes.elements(shape);
            if (bytes > Sizes.MAX_ELEMENTS || end - begin != 4 * bytes) {
                throw new Net2NetException(corrupt + " (tensor '" + name + "' spans " + (end - begin) + " bytes but "
                        + shape + " float32 needs " + (bytes > Sizes.MAX_ELEMENTS ? "more" : 4 * bytes) + "); " + FIX);
            }
            entries.add(new Entry(name, shape, begin, end));
        }
        for (String name : expected.keySet()) {
            if (!header.has(name)) {
                throw new Net2NetException(file + " has no tensor '" + name
                        + "' that model.json needs; the model files do not belong together");
            }
        }
        return entries;
    }

    /**
     * A JSON array of non-negative integers that each fit in a long ({@code length} -1: any
     * length). Exact: 2^64, -1, 1.5 or 1e3 are refused, where Gson's getAsLong would round or wrap.
     */
    private static long[] naturals(JsonElement json, int length, String malformed) {
        if (json == null
                || !json.isJsonArray()
                || (length >= 0 && json.getAsJsonArray().size() != length)) {
            throw new Net2NetException(malformed);
        }
        JsonArray a = json.getAsJsonArray();
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement v = a.get(i);
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                throw new Net2NetException(malformed);
            }
            String digits = v.getAsJsonPrimitive().getAsString();
            if (!digits.matches("0|[1-9][0-9]{0,18}")) {
                throw new Net2NetException(malformed);
            }
            BigInteger n = new BigInteger(digits);
            if (n.bitLength() > 62) { // far beyond any file: keeps later sums exact
                throw new Net2NetException(malformed);
            }
            out[i] = n.longValueExact();
        }
        return out;
    }

    /** Sorted by offset, the tensors must cover [0, dataLength) exactly once. */
    private static void requireTiling(List<Entry> entries, long dataLength, String corrupt) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < at) {
                throw new Net2NetException(
                        corrupt + " (tensor '" + e.name() + "' overlaps tensor '" + previous.name() + "'); " + FIX);
            }
            if (e.begin() > at) {
                throw new Net2NetException(
                        corrupt + " (" + (e.begin() - at) + " unused bytes before tensor '" + e.name() + "'); " + FIX);
            }
            at = e.end();
            previous = e;
        }
        if (at != dataLength) {
            throw new Net2NetException(
                    corrupt + " (" + (dataLength - at) + " bytes after the last tensor; the file is corrupt); " + FIX);
        }
    }

    /** One tensor copied from the mapped file into a libtorch array (a mapping is read-only, so never shared). */
    private static NDArray load(FileChannel channel, long dataStart, Entry e, NDManager manager) throws IOException {
        long bytes = e.end() - e.begin();
        if (bytes <= CHUNK) {
            try (NDArray mapped =
                    manager.create(map(channel, dataStart + e.begin(), bytes), e.shape(), DataType.FLOAT32)) {
                return mapped.duplicate();
            }
        }
        long elements = bytes / 4;
        NDArray flat = manager.create(new Shape(elements), DataType.FLOAT32);
        try {
            for (long first = 0; first < elements; first += CHUNK / 4) {
                long n = Math.min(CHUNK / 4, elements - first);
                try (NDArray mapped = manager.create(
                        map(channel, dataStart + e.begin() + 4 * first, 4 * n), new Shape(n), DataType.FLOAT32)) {
                    flat.set(new NDIndex().addSliceDim(first, first + n), mapped);
                }
            }
            return flat.reshape(e.shape());
        } finally {
            flat.close();
        }
    }

    private static MappedByteBuffer map(FileChannel channel, long position, long bytes) throws IOException {
        MappedByteBuffer b = channel.map(FileChannel.MapMode.READ_ONLY, position, bytes);
        b.order(ByteOrder.LITTLE_ENDIAN);
        return b;
    }

    /**
     * Writes {@code weights} (name to array, any float type) as float32 safetensors, streaming each
     * tensor in chunks: no 2 GiB limit on a tensor or on the file (DJL's encoder keeps int offsets).
     */
    static void write(Path file, Map<String, NDArray> weights) throws IOException {
        JsonObject header = new JsonObject();
        long offset = 0;
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            JsonObject t = new JsonObject();
            t.addProperty("dtype", "F32");
            JsonArray shape = new JsonArray();
            for (long d : e.getValue().getShape().getShape()) {
                shape.add(d);
            }
            t.add("shape", shape);
            long bytes = Math.multiplyExact(4L, e.getValue().size());
            JsonArray offsets = new JsonArray();
            offsets.add(new JsonPrimitive(offset));
            offsets.add(new JsonPrimitive(offset + bytes));
            t.add("data_offsets", offsets);
            header.add(e.getKey(), t);
            offset += bytes;
        }
        byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // the data starts 8-byte aligned, as the format recommends
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(out, head.flip());
            for (NDArray a : weights.values()) {
                try (NDManager scratch = NDManager.newBaseManager()) {
                    // new arrays (a float32 copy, views, slices) go to scratch; the weight itself stays where it is
                    NDArray f = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
                    if (f != a) {
                        f.attach(scratch);
                    }
                    NDArray flat = f.reshape(-1);
                    flat.attach(scratch);
                    long elements = flat.size();
                    for (long first = 0; first < elements; first += CHUNK / 4) {
                        long n = Math.min(CHUNK / 4, elements - first);
                        NDArray part =
                                elements <= CHUNK / 4 ? flat : flat.get(new NDIndex().addSliceDim(first, first + n));
                        part.attach(scratch);
                        writeFully(out, part.toByteBuffer(true)); // direct: the tensor's own memory, no heap copy
                    }
                }
            }
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}
