package org.pathways.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.pathways.model.VisionTransformer;

/** The bench's FLOP counts against published figures (multiply-adds as timm's model cards and fvcore count them). */
class BenchFlopsTest {
    /** ViT-S/16 at 224: 4.6 GMACs, ViT-B/16 at 224: 17.6 GMACs (timm's model cards, vit_small/base_patch16_224). */
    @Test
    void vitForwardFlopsMatchThePublishedCounts() {
        assertEquals(4.6e9, BenchCommand.vitFlops(VisionTransformer.PRESETS.get("dino-vits16"), 224, 224) / 2, 0.05e9);
        assertEquals(17.6e9, BenchCommand.vitFlops(VisionTransformer.PRESETS.get("dino-vitb16"), 224, 224) / 2, 0.1e9);
    }
}
