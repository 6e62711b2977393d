package org.pathways.eval.coco;

/** A hand-built evaluation case with two categories, where per category and all categories as one differ (see CocoEvalTest). */
public final class TwoCategoryCase {
    private TwoCategoryCase() {}

    /**
     * One 20 x 20 image; categories listed as 2 then 1. GT 1 (category 1): the square (2,2)-(7,7), pixels 2..6, area
     * 25; GT 2 (category 2): (12,12)-(16,16), area 16. Detections (boxes): A = GT 1's box labelled category 2, score
     * .9; B = GT 2's box, category 2, .8; C = GT 2's box with category 3, which the ground truth does not have, .95.
     */
    public static final String GT = """
            {"images": [{"id": 7, "height": 20, "width": 20}],
             "categories": [{"id": 2, "name": "b"}, {"id": 1, "name": "a"}],
             "annotations": [
              {"id": 1, "image_id": 7, "category_id": 1, "segmentation": [[2, 2, 7, 2, 7, 7, 2, 7]], "area": 25, "bbox": [2, 2, 5, 5], "iscrowd": 0},
              {"id": 2, "image_id": 7, "category_id": 2, "segmentation": [[12, 12, 16, 12, 16, 16, 12, 16]], "area": 16, "bbox": [12, 12, 4, 4], "iscrowd": 0}]}
            """;
    public static final String RESULTS = """
            [{"image_id": 7, "category_id": 2, "bbox": [2, 2, 5, 5], "score": 0.9},
             {"image_id": 7, "category_id": 2, "bbox": [12, 12, 4, 4], "score": 0.8},
             {"image_id": 7, "category_id": 3, "bbox": [12, 12, 4, 4], "score": 0.95}]
            """;
}
