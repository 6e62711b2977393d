package org.pathways.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pathways.affinity.Graph;
import org.pathways.common.InvalidInputException;
import org.pathways.data.SampleScene;

class PixelsBackboneTest {
    @Test
    void graphsAreRowStochasticAtEveryResolutionAndKeepTheAspect() {
        SampleScene.Labelled scene = SampleScene.planted(3, 120, 60, 10, 1);
        PixelsBackbone b = new PixelsBackbone(PixelsBackbone.Config.defaults().withShortSides(4, 8, 16));
        List<Graph> graphs = b.graphs(scene.image()).layers();
        assertEquals(3, graphs.size());
        assertArrayEquals(new int[] {4, 8}, new int[] {graphs.get(0).height(), graphs.get(0).width()});
        assertArrayEquals(new int[] {16, 32}, new int[] {graphs.get(2).height(), graphs.get(2).width()});
        for (Graph g : graphs) {
            assertEquals(PixelsBackbone.Config.defaults().heads().size(), g.heads());
            assertTrue(g.rowStochasticError() < 1e-5, g + " rows sum to 1");
        }
    }

    @Test
    void sameColourCellsAreCloserThanOtherColourCells() {
        SampleScene.Labelled scene = SampleScene.planted(2, 64, 64, 0, 2);
        Graph g = new PixelsBackbone(PixelsBackbone.Config.defaults().withShortSides(8)).graphs(scene.image()).layers().get(0);
        // colour head: affinity between two cells of the same region beats any cross-region affinity
        int a = -1;
        int b = -1;
        int c = -1;
        for (int i = 0; i < 64; i++) {
            int label = scene.labels()[(i / 8 * 8 + 4) * 64 + i % 8 * 8 + 4];
            if (label == 0 && a < 0) a = i;
            else if (label == 0 && b < 0) b = i;
            else if (label == 1 && c < 0) c = i;
        }
        assertTrue(g.get(0, a, b) > 100 * g.get(0, a, c));
    }

    @Test
    void largeImagesAreCappedAndUnknownNamesRefused() {
        PixelsBackbone b = new PixelsBackbone(PixelsBackbone.Config.defaults());
        int[] grid = b.grid(1000, 8000, 64);
        assertTrue(grid[0] * grid[1] <= 6400, grid[0] + "x" + grid[1]);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Backbones.create("dino-vits17"));
        assertTrue(e.getMessage().contains("dino-vits17") && e.getMessage().contains("pixels"));
    }
}
