package net2net.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;

/**
 * JSON as RFC 8259 defines it. Gson's {@code JsonParser.parseString} is lenient: it takes unquoted
 * keys, single quotes, comments and trailing text, so a damaged file could still parse. Files
 * net2net reads (model.json, safetensors headers) are parsed strictly here.
 */
public final class StrictJson {
    private StrictJson() {}

    /** The one JSON value of {@code text}; a JsonParseException (JsonSyntaxException) for anything else. */
    public static JsonElement parse(String text) {
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            // parseReader keeps a STRICT reader strict (it relaxes only the legacy default)
            JsonElement element = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonSyntaxException("text follows the JSON value");
            }
            return element;
        } catch (IOException | IllegalStateException e) {
            throw new JsonSyntaxException(e.getClass().getSimpleName(), e);
        }
    }
}
