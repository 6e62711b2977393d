package org.pathways.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Named hook points of a model, in the spirit of TransformerLens: a caller asks for tensors by name or pattern
 * ({@code blocks.*.attn.patch_probs}; {@code *} matches within one dot-separated part, {@code **} matches anything)
 * and gets them after one forward pass. Only what was asked for is kept, attached to the caller's manager.
 */
public final class Taps {
    private final List<Pattern> patterns = new ArrayList<>();
    private final List<String> sources = new ArrayList<>();
    private final Map<String, NDArray> captured = new LinkedHashMap<>();
    private final List<Pattern> consumed = new ArrayList<>();
    private final List<java.util.function.BiConsumer<String, NDArray>> consumers = new ArrayList<>();
    private final NDManager keep;

    /** @param keep the manager that captured tensors are attached to (they outlive the forward pass) */
    public Taps(NDManager keep, String... patterns) {
        this.keep = keep;
        for (String p : patterns) {
            sources.add(p);
            this.patterns.add(compile(p));
        }
    }

    /**
     * Hands every tap matching {@code pattern} to {@code consumer} the moment the model offers it, instead of keeping
     * it: the tensor is freed with the model's stage, so a caller that turns each layer into Java data as it comes
     * holds one layer at a time, not all of them until the pass ends. The consumer must not keep the tensor: the
     * model may free it right after the consumer returns.
     */
    public Taps consume(String pattern, java.util.function.BiConsumer<String, NDArray> consumer) {
        consumed.add(compile(pattern));
        consumers.add(consumer);
        return this;
    }

    private static Pattern compile(String p) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < p.length(); i++) {
            char ch = p.charAt(i);
            if (ch == '*' && i + 1 < p.length() && p.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (ch == '*') {
                regex.append("[^.]*");
            } else {
                regex.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** Whether {@code pattern} (same syntax as the constructor's) matches the tap name. */
    public static boolean matches(String pattern, String name) {
        return compile(pattern).matcher(name).matches();
    }

    /** Whether a tap of this name was asked for (lets a model skip work nobody wants). */
    public boolean wants(String name) {
        for (Pattern p : patterns) if (p.matcher(name).matches()) return true;
        for (Pattern p : consumed) if (p.matcher(name).matches()) return true;
        return false;
    }

    /**
     * Offers a tensor; if asked for, it is kept and, at {@link #keepAll()}, moved to the caller's manager. Returns
     * whether it was kept: when not (nobody asked, or a consumer took what it needed), the model may free it once it
     * has used it itself. Consumers must therefore copy what they need, never keep the tensor.
     */
    public boolean offer(String name, NDArray value) {
        for (int i = 0; i < consumed.size(); i++) {
            if (consumed.get(i).matcher(name).matches()) {
                consumers.get(i).accept(name, value);
                return false;
            }
        }
        if (wants(name)) {
            value.setName(name);
            captured.put(name, value);
            return true;
        }
        return false;
    }

    /** Called by the model at the end of its forward pass, before its own scope closes. */
    public void keepAll() {
        for (NDArray a : captured.values()) a.attach(keep);
    }

    /** What was captured, in the order of the forward pass. */
    public Map<String, NDArray> captured() {
        return captured;
    }

    public List<String> patterns() {
        return sources;
    }
}
