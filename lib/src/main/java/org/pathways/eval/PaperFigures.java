package org.pathways.eval;

import java.util.Map;

/**
 * The paper's own numbers (Zhang, Yunis, Maire, CVPR 2024, arXiv 2312.06716), typed in from its tables so that our
 * measured results can be shown beside them. Everything shown from here is labelled "paper". Nothing else in
 * Pathways types in a result.
 */
public final class PaperFigures {
    private PaperFigures() {}

    /**
     * Table 1: PASCAL VOC 2012 val (1449 images), oracle mIoU of per-image regions. Key: backbone name and our
     * method name.
     */
    public static final Map<String, Double> TABLE1 = Map.ofEntries(
            Map.entry("sd14/ours", 0.82),
            Map.entry("clip-vitb16/ours", 0.78),
            Map.entry("clip-vitb16/kmeans-features", 0.57),
            Map.entry("clip-vitb16/ncut-features", 0.45),
            Map.entry("dino-vits16/ours", 0.78),
            Map.entry("dino-vits16/ncut-attention", 0.58),
            Map.entry("dino-vits16/kmeans-features", 0.74),
            Map.entry("dino-vits16/ncut-features", 0.73),
            Map.entry("dino-vits16/maskcut-features", 0.64),
            Map.entry("mae-vitb16/ours", 0.74),
            Map.entry("mae-vitb16/ncut-features", 0.62),
            Map.entry("mae-vitb16/kmeans-features", 0.48));

    /** Table 1's figure for a backbone and method, or null where the paper has no such row. */
    public static Double table1(String backbone, String method) {
        return TABLE1.get(backbone + "/" + method);
    }

    /** Table 6: open-vocabulary semantic segmentation on PASCAL VOC 2012 val, mIoU over 21 classes. */
    public static final Map<String, Double> TABLE6 = Map.of(
            "ours (CLIP ViT-B/16 regions)", 0.50,
            "MaskCLIP (ViT-B/16)", 0.25,
            "GroupViT (modified ViT-S/16)", 0.53);
}
