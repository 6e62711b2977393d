package org.pathways.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathways.testing.Golden;

/**
 * diffusers writes every field of a model class into its config.json. The golden tiny pipeline's configs (diffusers
 * 0.40) must read without a warning; a field that changes the model but is not implemented must be named on one line.
 */
class DiffusersConfigFieldsTest {
    @TempDir
    Path dir;

    @Test
    void unetFieldsThatChangeTheModelAreNamedAndDiffusersDefaultsAreNot() throws Exception {
        Path golden = Golden.dir("sd/unet").resolve("config.json");
        assertEquals("", warningsReading(() -> Unet.Config.fromJson(golden)), "diffusers' own UNet config warns about nothing");
        JsonObject c = JsonParser.parseString(Files.readString(golden)).getAsJsonObject();
        c.addProperty("attention_type", "gated");
        c.addProperty("upcast_attention", true); // precision only: not named
        c.addProperty("some_future_field", 3);
        Path edited = write(c);
        String warnings = warningsReading(() -> Unet.Config.fromJson(edited));
        assertEquals(1, warnings.lines().count(), warnings);
        assertTrue(warnings.contains("attention_type=\"gated\"") && warnings.contains("some_future_field=3") && !warnings.contains("upcast_attention"), warnings);
    }

    @Test
    void vaeFieldsThatChangeTheEncoderAreNamedAndDecoderFieldsAreNot() throws Exception {
        Path golden = Golden.dir("sd/vae").resolve("config.json");
        assertEquals("", warningsReading(() -> VaeEncoder.Config.fromJson(golden)), "diffusers' own VAE config warns about nothing");
        JsonObject c = JsonParser.parseString(Files.readString(golden)).getAsJsonObject();
        com.google.gson.JsonArray mean = new com.google.gson.JsonArray();
        for (int i = 0; i < 4; i++) mean.add(0.1);
        c.add("latents_mean", mean);                 // latent statistics this pipeline does not apply
        c.addProperty("use_post_quant_conv", false); // decoder only: not named
        Path edited = write(c);
        String warnings = warningsReading(() -> VaeEncoder.Config.fromJson(edited));
        assertEquals(1, warnings.lines().count(), warnings);
        assertTrue(warnings.contains("latents_mean") && !warnings.contains("use_post_quant_conv"), warnings);
    }

    private Path write(JsonObject c) throws Exception {
        Path file = Files.createTempFile(dir, "config", ".json");
        Files.writeString(file, c.toString());
        return file;
    }

    private static String warningsReading(Runnable read) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            read.run();
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8).strip();
    }
}
