package org.pathways.cli;

import java.nio.file.Path;
import org.pathways.model.Backbone;
import org.pathways.model.Backbones;
import org.pathways.model.StableDiffusionBackbone;
import org.pathways.model.VitBackbone;
import picocli.CommandLine.Option;

/** Which graphs to use: the backbone, its weights and input size (demo and segment). */
final class BackboneOptions {
    @Option(names = "--backbone", description = "Graph source (default: pixels, or clip-vitb16 for run open-vocab; known: pixels, dino-vits16, dino-vits8, dino-vitb16, dino-vitb8, clip-vitb16, mae-vitb16, sd14).")
    String backbone;

    /** The backbone when --backbone is not given: a command whose experiment needs a particular model sets it. */
    String fallback = "pixels";

    /** Every command with a backbone reads images. */
    @picocli.CommandLine.Mixin
    PartialImagesOption partialImages;

    String name() {
        return backbone != null ? backbone : fallback;
    }

    @Option(names = "--weights", paramLabel = "FILE", description = "Checkpoint (.safetensors) of a model backbone, or for sd14 a diffusers pipeline folder (default: $PATHWAYS_WEIGHTS_DIR or ~/.cache/pathways/weights/<backbone>.safetensors, or .../sd14/, where data-scripts/fetch-weights.sh puts it).")
    Path weights;

    @Option(names = "--model-config", paramLabel = "FILE", description = "Hugging Face config.json describing the checkpoint, when its sizes differ from the preset's (e.g. a small test model).")
    Path modelConfig;

    @Option(names = "--vit-resize", defaultValue = "paper", description = "ViT input size: paper (short side 448, aspect kept) or authors (480 x 480, the authors' code) (default: ${DEFAULT-VALUE}).")
    String resize;

    /** @param graphTopK > 0: a ViT sparsifies each layer's graph as soon as it is made */
    @Option(names = "--pos-embed", description = "Override how a ViT's position embeddings follow the grid: dino, size (Hugging Face), timm (antialiased) or sincos (MAE authors' code); default: the preset's.")
    String positions;

    static org.pathways.model.PositionalEmbedding.Mode positionMode(String name) {
        if (name == null) return null;
        return switch (name) {
            case "dino" -> org.pathways.model.PositionalEmbedding.Mode.DINO;
            case "size" -> org.pathways.model.PositionalEmbedding.Mode.SIZE;
            case "timm" -> org.pathways.model.PositionalEmbedding.Mode.TIMM_ANTIALIAS;
            case "sincos" -> org.pathways.model.PositionalEmbedding.Mode.SINCOS;
            default -> throw new org.pathways.common.InvalidInputException("--pos-embed '" + name + "': expected dino, size, timm or sincos");
        };
    }

    static VitBackbone.Resize resizeMode(String name) {
        return switch (name) {
            case "paper" -> VitBackbone.Resize.PAPER;
            case "authors" -> VitBackbone.Resize.AUTHORS;
            default -> throw new org.pathways.common.InvalidInputException("--vit-resize '" + name + "': expected paper or authors");
        };
    }

    @Option(names = "--sd-buffer", defaultValue = "5", description = "sd14: graph sets kept for reuse (paper App. B.2: 5; the authors' script: 7; 0: a fresh UNet run every pass) (default: ${DEFAULT-VALUE}).")
    int sdBuffer;

    @Option(names = "--sd-reuse", defaultValue = "0.75", description = "sd14: probability that a pass reuses a stored set once the buffer is full (App. B.2: 0.75; Sec. 4.1: 0.9) (default: ${DEFAULT-VALUE}).")
    double sdReuse;

    @Option(names = "--sd-layers", defaultValue = "all", description = "sd14: which self-attention layers become graphs: all, by grid side (e.g. <=32), or the last N in the UNet's order (last:10 is the authors' buffer) (default: ${DEFAULT-VALUE}).")
    String sdLayers;

    @Option(names = "--sd-buffer-dtype", defaultValue = "float16", description = "sd14: how the buffer stores its graph sets: float16 (half the memory; a float32 buffer of five full sets passes 16 GB) or float32; the optimisation computes in float32 either way (default: ${DEFAULT-VALUE}).")
    String sdBufferDtype;

    /** Loads the backbone once and describes it, so that an unknown backbone or a bad checkpoint fails before a run folder is made. */
    String checkedDescription() {
        try (Backbone b = create(0)) {
            if (b instanceof VitBackbone vit) vit.tower();
            return b.describe();
        }
    }

    Backbone create(int graphTopK) {
        if (name().equals(StableDiffusionBackbone.NAME)) {
            StableDiffusionBackbone.LayerFilter layers = StableDiffusionBackbone.LayerFilter.parse(sdLayers);
            Path pipeline = weights != null ? weights : StableDiffusionBackbone.defaultPipeline();
            return new StableDiffusionBackbone(StableDiffusionBackbone.Settings.paper(pipeline).withBuffer(sdBuffer, sdReuse)
                    .withBufferStorage(sdBufferDtype).withLayers(layers)); // --graph-top-k: PerImage sparsifies each pass's set
        }
        Backbone b = Backbones.create(name(), weights, resizeMode(resize), positionMode(positions), modelConfig);
        return b instanceof VitBackbone vit && graphTopK > 0 ? vit.withGraphTopK(graphTopK) : b;
    }
}
