package org.pathways.common;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.internal.LazilyParsedNumber;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * JSON parsing for every file Pathways reads (configs, run folders, COCO, safetensors headers): one-line messages that
 * name the file, without gson's troubleshooting links, and a key given twice in one object is refused (gson would keep
 * the last silently, so two tensors or two settings of the same name would pass unnoticed).
 */
public final class JsonFiles {
    /** Deeper nesting than any real config: a file of ten thousand '[' must not overflow the stack. */
    private static final int MAX_DEPTH = 200;

    private JsonFiles() {}

    /** A file's JSON document; NaN and Infinity are accepted, as Python's json module writes them. */
    public static JsonElement read(Path file) {
        return parse(text(file), file.toString(), false);
    }

    /** A file whose document must be an object. */
    public static JsonObject readObject(Path file) {
        return object(read(file), file.toString());
    }

    /** Like {@link #read}, strict: what Python's json.load refuses (NaN aside, comments, single quotes) is refused. */
    public static JsonElement readStrict(Path file) {
        return parse(text(file), file.toString(), true);
    }

    /** JSON text from {@code where} (a file, or a file and a place in it). */
    public static JsonElement parse(String text, String where, boolean strict) {
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(strict ? Strictness.STRICT : Strictness.LENIENT);
            if (reader.peek() == JsonToken.END_DOCUMENT) throw new InvalidInputException(where + ": not valid JSON (empty)");
            JsonElement root = element(reader, where, 0);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new InvalidInputException(where + ": not valid JSON (more after the end of the document, " + reader.getPath() + ")");
            }
            return root;
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException bad) throw bad;
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new InvalidInputException(where + ": not valid JSON (" + tidy(why) + ")", e);
        }
    }

    /** {@code e} as an object, else one line saying what it is. */
    public static JsonObject object(JsonElement e, String where) {
        if (e == null || !e.isJsonObject()) throw new InvalidInputException(where + ": not a JSON object" + (e == null ? "" : " (" + kind(e) + ")"));
        return e.getAsJsonObject();
    }

    /** Gson's parse message without its advice and links, on one line. */
    public static String tidy(String message) {
        return message.replaceAll("\\s*\\R\\s*", " ")
                .replaceAll("Use JsonReader\\.setStrictness\\(Strictness\\.LENIENT\\) to accept malformed JSON", "malformed JSON")
                .replaceAll("\\.? See https?://\\S+", "")
                .strip();
    }

    private static String kind(JsonElement e) {
        return e.isJsonArray() ? "a list" : e.isJsonNull() ? "null" : e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? "a string" : e.isJsonPrimitive() ? "a " + (e.getAsJsonPrimitive().isNumber() ? "number" : "boolean") : "an object";
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": no such file");
        } catch (MalformedInputException e) {
            throw new InvalidInputException(file + ": not valid JSON (not UTF-8 text)");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static JsonElement element(JsonReader reader, String where, int depth) throws IOException {
        if (depth > MAX_DEPTH) throw new InvalidInputException(where + ": not valid JSON (nested deeper than " + MAX_DEPTH + " levels at " + reader.getPath() + ")");
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                JsonObject o = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    if (o.has(name)) throw new InvalidInputException(where + ": key '" + InvalidInputException.printable(name) + "' appears twice in one object (" + InvalidInputException.printable(reader.getPath()) + ")");
                    o.add(name, element(reader, where, depth + 1));
                }
                reader.endObject();
                return o;
            }
            case BEGIN_ARRAY -> {
                JsonArray a = new JsonArray();
                reader.beginArray();
                while (reader.hasNext()) a.add(element(reader, where, depth + 1));
                reader.endArray();
                return a;
            }
            case STRING -> {
                return new JsonPrimitive(reader.nextString());
            }
            case NUMBER -> {
                return new JsonPrimitive(new LazilyParsedNumber(reader.nextString()));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(reader.nextBoolean());
            }
            case NULL -> {
                reader.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new InvalidInputException(where + ": not valid JSON (unexpected " + reader.peek() + " at " + reader.getPath() + ")");
        }
    }
}
