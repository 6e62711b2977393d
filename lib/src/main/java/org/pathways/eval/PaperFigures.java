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

    /** A row of one of the data-set tables: the paper's numbers by column name (mIoU as fractions, MSE in cells^2). */
    public record Row(String method, Map<String, Double> values) {}

    /**
     * Table 2: unsupervised semantic segmentation, greedy matching, mIoU on the validation sets (COCO-Stuff-27,
     * Cityscapes-27). Columns "cocostuff27" and "cityscapes"; a method the paper did not run on a set has no entry.
     * "Ours" is Stable Diffusion 1.4's V-V graph.
     */
    public static final java.util.List<Row> TABLE2 = java.util.List.of(
            new Row("MoCo v2", Map.of("cocostuff27", 0.044)),
            new Row("IIC", Map.of("cocostuff27", 0.067, "cityscapes", 0.061)),
            new Row("Modified DC", Map.of("cocostuff27", 0.098, "cityscapes", 0.074)),
            new Row("PiCIE", Map.of("cocostuff27", 0.138, "cityscapes", 0.123)),
            new Row("PiCIE+H", Map.of("cocostuff27", 0.144)),
            new Row("ACSeg", Map.of("cocostuff27", 0.164)),
            new Row("STEGO", Map.of("cocostuff27", 0.268, "cityscapes", 0.182)),
            new Row("STEGO+CRF", Map.of("cocostuff27", 0.282, "cityscapes", 0.210)),
            new Row("Ours (V-V graph)", Map.of("cocostuff27", 0.254, "cityscapes", 0.162)),
            new Row("Ours (V-V graph)+CRF", Map.of("cocostuff27", 0.271, "cityscapes", 0.169)));

    /**
     * Table 3: the features and the matching, mIoU; columns "cocostuff27/greedy", "cocostuff27/hungarian",
     * "cityscapes/greedy", "cityscapes/hungarian" (the paper prints Cityscapes Q-K greedy as 10.91). "K-Means (SD)"
     * clusters Stable Diffusion's 2nd upsampling block ({@code up_blocks.1}) at the timestep of the cited DIFT paper,
     * t = 261 (Tang et al. 2023, github.com/Tsingularity/dift, README and extract_dift.sh: {@code --t 261}, up_ft_index 1).
     */
    public static final java.util.List<Row> TABLE3 = java.util.List.of(
            table3("K-Means (SD)", 0.092, 0.086, 0.124, 0.081),
            table3("K-Means (DINO)", 0.137, 0.130, 0.133, 0.087),
            table3("K-Means (STEGO)", 0.266, 0.240, 0.158, 0.149),
            table3("STEGO", 0.270, 0.265, 0.166, 0.182),
            table3("Ours (Q-K graph)", 0.124, 0.109, 0.1091, 0.097),
            table3("Ours (V-V graph)", 0.254, 0.232, 0.162, 0.114));

    /**
     * Table 4 (COCO-Stuff-27): coordinate regression MSE (grid cells squared on the 32 x 32 grid) and spatial semantic
     * segmentation mIoU; columns "coordinate_mse" and "spatial_miou".
     */
    public static final java.util.List<Row> TABLE4 = java.util.List.of(
            new Row("DINO", Map.of("coordinate_mse", 3.2, "spatial_miou", 0.060)),
            new Row("GT semantic label", Map.of("coordinate_mse", 72.0)),
            new Row("STEGO", Map.of("coordinate_mse", 42.4, "spatial_miou", 0.069)),
            new Row("Ours (V-V graph)", Map.of("coordinate_mse", 43.1, "spatial_miou", 0.051)),
            new Row("Ours (Q-K graph)", Map.of("coordinate_mse", 19.5, "spatial_miou", 0.101)));

    /** Table 7's columns after #masks: box AP50, AP75, AR100, then mask AP50, AP75, AR100 (percent, as printed). */
    public static final java.util.List<String> TABLE7_COLUMNS = java.util.List.of("masks", "box_ap50", "box_ap75", "box_ar100", "mask_ap50", "mask_ap75", "mask_ar100");

    /**
     * Table 7 (App. D.2): class-agnostic instance segmentation on COCO val2017, in percent as the paper prints them;
     * "masks" = masks per image. "Ours" is Stable Diffusion 1.4's per-image features.
     */
    public static final java.util.List<Row> TABLE7 = java.util.List.of(
            table7("TokenCut", 1, 5.2, 2.6, 5.0, 4.9, 2.0, 4.4),
            table7("TokenCut, 3 masks", 3, 4.7, 1.7, 8.1, 3.6, 1.2, 6.9),
            table7("MaskCut", 3, 6.0, 2.9, 8.1, 4.9, 2.2, 6.9),
            table7("Ours", 13, 4.0, 1.9, 11.2, 4.0, 1.5, 8.2));

    private static Row table7(String method, double masks, double... values) {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("masks", masks);
        for (int i = 0; i < values.length; i++) m.put(TABLE7_COLUMNS.get(i + 1), values[i]);
        return new Row(method, java.util.Collections.unmodifiableMap(m));
    }

    private static Row table3(String method, double cocoGreedy, double cocoHungarian, double cityGreedy, double cityHungarian) {
        return new Row(method, Map.of("cocostuff27/greedy", cocoGreedy, "cocostuff27/hungarian", cocoHungarian,
                "cityscapes/greedy", cityGreedy, "cityscapes/hungarian", cityHungarian));
    }
}
