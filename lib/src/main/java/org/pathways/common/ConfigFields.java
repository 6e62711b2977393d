package org.pathways.common;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Reading a model's {@code config.json}: a field Pathways does not use is named in one warning line, unless it is known
 * to leave the computation alone (metadata, training-only settings, or a value that is the one we implement), so a
 * checkpoint built differently is not taken silently for the preset.
 */
public final class ConfigFields {
    /** Fields of any Hugging Face config that never change inference. */
    public static final Set<String> METADATA = Set.of("architectures", "model_type", "torch_dtype", "transformers_version", "_name_or_path",
            "_commit_hash", "initializer_range", "initializer_factor", "id2label", "label2id", "problem_type", "return_dict", "use_cache",
            "hidden_dropout_prob", "attention_probs_dropout_prob", "attention_dropout", "dropout", "_class_name", "_diffusers_version");

    private ConfigFields() {}

    /**
     * Warns once, naming every field of {@code config} that is neither {@code used} nor harmless ({@link #METADATA}, or
     * a field whose value passes its {@code harmless} test).
     */
    public static void warnIgnored(Object file, JsonObject config, Set<String> used, Map<String, Predicate<JsonElement>> harmless, Consumer<String> warn) {
        List<String> ignored = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : config.entrySet()) {
            String key = e.getKey();
            if (used.contains(key) || METADATA.contains(key)) continue;
            Predicate<JsonElement> ok = harmless.get(key);
            if (ok != null && ok.test(e.getValue())) continue;
            ignored.add(InvalidInputException.printable(key) + "=" + InvalidInputException.printable(e.getValue().toString()));
        }
        if (!ignored.isEmpty()) {
            warn.accept(file + ": ignored field" + (ignored.size() == 1 ? "" : "s") + " " + String.join(", ", ignored)
                    + " (Pathways does not implement " + (ignored.size() == 1 ? "it" : "them") + "; the model may differ from the checkpoint's)");
        }
    }

    /** A positive integer field, or one line naming the file and field. */
    public static int positiveInt(Object file, JsonObject config, String key) {
        JsonElement v = config.get(key);
        String text = v == null ? "missing" : InvalidInputException.printable(v.toString());
        if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber() || !v.getAsString().matches("[1-9]\\d{0,8}")) {
            throw new InvalidInputException(file + ": " + key + " is " + text + ", not a positive integer");
        }
        return Integer.parseInt(v.getAsString());
    }

    /** A finite positive number field, or one line naming the file and field. */
    public static double positiveNumber(Object file, JsonObject config, String key) {
        JsonElement v = config.get(key);
        double d = v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber() ? v.getAsDouble() : Double.NaN;
        if (!(d > 0) || !Double.isFinite(d)) throw new InvalidInputException(file + ": " + key + " is " + (v == null ? "missing" : InvalidInputException.printable(v.toString())) + ", not a positive number");
        return d;
    }
}
