package org.pathways.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pathways.common.InvalidInputException;

/**
 * CLIP's byte-level BPE tokenizer (OpenAI's simple_tokenizer, as Hugging Face's CLIPTokenizer): lower-case,
 * collapse white space, split with CLIP's pattern, map UTF-8 bytes to printable characters, apply the merges by
 * rank with {@code </w>} marking the end of a word, and wrap in {@code <|startoftext|>} ... {@code <|endoftext|>}.
 * Reads {@code vocab.json} + {@code merges.txt} or a {@code tokenizer.json}. Written in Java because DJL's
 * Hugging Face tokenizer needs a native library that is downloaded at run time. Unlike OpenAI's, the text is not
 * passed through ftfy (HTML entities are unescaped; other mojibake is left as is).
 */
public final class ClipTokenizer {
    public static final String START = "<|startoftext|>";
    public static final String END = "<|endoftext|>";
    private static final Pattern SPLIT = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private final Map<String, Integer> vocab;
    private final Map<String, Integer> ranks = new HashMap<>();
    private final String[] byteChars = byteToUnicode();
    private final Map<String, String> cache = new HashMap<>();

    private ClipTokenizer(Map<String, Integer> vocab, List<String[]> merges) {
        this.vocab = vocab;
        for (int i = 0; i < merges.size(); i++) ranks.put(merges.get(i)[0] + " " + merges.get(i)[1], i);
        for (String special : new String[] {START, END}) {
            if (!vocab.containsKey(special)) throw new InvalidInputException("CLIP vocabulary has no " + special);
        }
    }

    /** From a Hugging Face checkpoint folder's {@code vocab.json} and {@code merges.txt}. */
    public static ClipTokenizer fromFiles(Path vocabJson, Path mergesTxt) {
        Map<String, Integer> vocab = readVocab(vocabJson, JsonParserHelper.object(vocabJson));
        List<String[]> merges = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(mergesTxt, StandardCharsets.UTF_8)) {
                if (line.startsWith("#version") || line.isBlank()) continue;
                String[] pair = line.split(" ");
                if (pair.length != 2) throw new InvalidInputException(mergesTxt + ": bad merge line '" + line + "'");
                merges.add(pair);
            }
        } catch (IOException e) {
            throw new InvalidInputException(mergesTxt + ": cannot read (" + e.getMessage() + ")", e);
        }
        return new ClipTokenizer(vocab, merges);
    }

    /** From a {@code tokenizer.json} (model.vocab and model.merges, merges as "a b" or ["a", "b"]). */
    public static ClipTokenizer fromTokenizerJson(Path tokenizerJson) {
        JsonObject model = JsonParserHelper.object(tokenizerJson).getAsJsonObject("model");
        if (model == null || !model.has("vocab") || !model.has("merges")) throw new InvalidInputException(tokenizerJson + ": no BPE model (model.vocab, model.merges)");
        List<String[]> merges = new ArrayList<>();
        for (JsonElement m : model.getAsJsonArray("merges")) {
            merges.add(m.isJsonArray() ? new String[] {m.getAsJsonArray().get(0).getAsString(), m.getAsJsonArray().get(1).getAsString()} : m.getAsString().split(" "));
        }
        return new ClipTokenizer(readVocab(tokenizerJson, model.getAsJsonObject("vocab")), merges);
    }

    private static Map<String, Integer> readVocab(Path where, JsonObject json) {
        Map<String, Integer> vocab = new HashMap<>();
        for (Map.Entry<String, JsonElement> e : json.entrySet()) vocab.put(e.getKey(), e.getValue().getAsInt());
        if (vocab.isEmpty()) throw new InvalidInputException(where + ": empty vocabulary");
        return vocab;
    }

    /** BPE tokens of a text, without the start and end markers. */
    public List<String> tokens(String text) {
        String clean = unescapeHtml(text).strip().replaceAll("\\s+", " ").toLowerCase();
        List<String> out = new ArrayList<>();
        Matcher m = SPLIT.matcher(clean);
        while (m.find()) {
            StringBuilder mapped = new StringBuilder();
            for (byte b : m.group().getBytes(StandardCharsets.UTF_8)) mapped.append(byteChars[b & 0xff]);
            for (String piece : bpe(mapped.toString()).split(" ")) out.add(piece);
        }
        return out;
    }

    /** Token ids: start marker, the text's tokens, end marker. */
    public int[] encode(String text) {
        List<String> tokens = tokens(text);
        int[] ids = new int[tokens.size() + 2];
        ids[0] = vocab.get(START);
        for (int i = 0; i < tokens.size(); i++) {
            Integer id = vocab.get(tokens.get(i));
            if (id == null) throw new InvalidInputException("token '" + tokens.get(i) + "' is not in the CLIP vocabulary");
            ids[i + 1] = id;
        }
        ids[ids.length - 1] = vocab.get(END);
        return ids;
    }

    /** Ids and attention masks for texts, truncated (keeping the end marker) or padded with the end marker to {@code length}. */
    public int[][][] batch(List<String> texts, int length) {
        return pack(texts.stream().map(this::encode).toList(), length);
    }

    /** As {@link #batch}, padded only to the longest text (at most {@code maxLength} tokens). */
    public int[][][] batchToLongest(List<String> texts, int maxLength) {
        List<int[]> encoded = texts.stream().map(this::encode).toList();
        int longest = encoded.stream().mapToInt(e -> e.length).max().orElse(2);
        return pack(encoded, Math.min(maxLength, longest));
    }

    private int[][][] pack(List<int[]> encoded, int length) {
        int[][] ids = new int[encoded.size()][length];
        int[][] mask = new int[encoded.size()][length];
        for (int b = 0; b < encoded.size(); b++) {
            int[] e = encoded.get(b);
            if (e.length > length) {
                e = java.util.Arrays.copyOf(e, length);
                e[length - 1] = vocab.get(END);
            }
            java.util.Arrays.fill(ids[b], vocab.get(END));
            System.arraycopy(e, 0, ids[b], 0, e.length);
            java.util.Arrays.fill(mask[b], 0, e.length, 1);
        }
        return new int[][][] {ids, mask};
    }

    private String bpe(String token) {
        String cached = cache.get(token);
        if (cached != null) return cached;
        List<String> word = new ArrayList<>();
        int[] cps = token.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            String ch = new String(Character.toChars(cps[i]));
            word.add(i == cps.length - 1 ? ch + "</w>" : ch);
        }
        while (word.size() > 1) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer r = ranks.get(word.get(i) + " " + word.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) break;
            String first = word.get(best);
            String second = word.get(best + 1);
            List<String> merged = new ArrayList<>();
            for (int i = 0; i < word.size(); i++) { // merge every occurrence of the pair, left to right
                if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word = merged;
        }
        String result = String.join(" ", word);
        cache.put(token, result);
        return result;
    }

    /** GPT-2/CLIP's reversible byte -> printable character table. */
    static String[] byteToUnicode() {
        String[] table = new String[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) direct[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) direct[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) direct[b] = true;
        int next = 0;
        for (int b = 0; b < 256; b++) {
            table[b] = direct[b] ? String.valueOf((char) b) : String.valueOf((char) (256 + next++));
        }
        return table;
    }

    private static String unescapeHtml(String s) {
        return s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    /** JSON files with one-line errors. */
    private static final class JsonParserHelper {
        static JsonObject object(Path file) {
            return org.pathways.common.JsonFiles.readObject(file);
        }
    }
}
