package org.pathways.spectral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import org.junit.jupiter.api.Test;

class ToyCnnTest {
    @Test
    void im2colConvolutionEqualsPyTorchsConv2d() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(1, 5, 7, 9)).toType(DataType.FLOAT64, false);
            NDArray w = m.randomNormal(new Shape(4, 5, 3, 3)).toType(DataType.FLOAT64, false);
            NDArray b = m.randomNormal(new Shape(4)).toType(DataType.FLOAT64, false);
            NDArray ours = ToyCnn.conv(x, w, b);
            NDArray torch = Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
            assertArrayEquals(torch.getShape().getShape(), ours.getShape().getShape());
            double diff = ours.sub(torch).abs().max().getDouble();
            assertTrue(diff < 1e-12, "max |ours - conv2d| = " + diff);
        }
    }

    @Test
    void outputHasKChannelsAtTheGridAndBatchNormIsNormalised() {
        try (NDManager m = NDManager.newBaseManager()) {
            ToyCnn cnn = new ToyCnn(m, new ToyCnn.Config(6, 5, 8, 16), DataType.FLOAT64, 1);
            NDArray logits = cnn.logits();
            assertArrayEquals(new long[] {1, 6, 5, 8}, logits.getShape().getShape());
            assertTrue(cnn.parameters().size() == 11);
        }
    }
}
